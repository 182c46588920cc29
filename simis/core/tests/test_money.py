"""Money protects every amount SIMIS bills: exact halalas, half-up rounding in one place,
no floats, no other currency."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simis.core.errors import MoneyError, SimisError
from simis.core.money import Money, quantize_sar

amounts = st.decimals(
    min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2, allow_nan=False
)
raw_amounts = st.decimals(
    min_value=Decimal("-99999999"), max_value=Decimal("99999999"), places=6, allow_nan=False
)
factors = st.decimals(min_value=Decimal("-1000"), max_value=Decimal("1000"), places=4, allow_nan=False)


def test_rounds_half_up_to_two_places():
    assert Money(Decimal("1.005")).amount == Decimal("1.01")
    assert Money(Decimal("1.004")).amount == Decimal("1.00")
    assert Money(Decimal("-1.005")).amount == Decimal("-1.01")  # half away from zero
    assert Money(Decimal("2.675")).amount == Decimal("2.68")  # a float would give 2.67
    assert quantize_sar(Decimal("0.125")) == Decimal("0.13")


def test_always_exactly_two_places():
    assert str(Money(5).amount) == "5.00"
    assert str(Money("12.3").amount) == "12.30"
    assert Money(Decimal("1E+2")).amount.as_tuple().exponent == -2


def test_negative_zero_is_zero():
    assert str(Money(Decimal("-0.001")).amount) == "0.00"
    assert Money(Decimal("-0.001")) == Money.zero()


@pytest.mark.parametrize("bad", [1.5, 0.1, float("nan")])
def test_refuses_floats_with_a_clear_type_error(bad):
    with pytest.raises(TypeError, match="float"):
        Money(bad)
    with pytest.raises(TypeError, match="float"):
        Money(10) * bad
    with pytest.raises(TypeError):
        Money(10).percent(bad)


def test_refuses_bools_and_other_types():
    with pytest.raises(TypeError):
        Money(True)
    with pytest.raises(TypeError):
        Money([1])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(1) + Decimal(1)  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money(1) * Money(2)  # type: ignore[operator]


def test_refuses_other_currencies():
    with pytest.raises(SimisError) as caught:
        Money(10, "USD")
    assert caught.value.error is MoneyError.UNSUPPORTED_CURRENCY
    assert "USD" in caught.value.as_dict()["message_en"]


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", Decimal("NaN")])
def test_refuses_non_numbers(bad):
    with pytest.raises(SimisError) as caught:
        Money(bad)
    assert caught.value.code == "MNY-002"


def test_refuses_amounts_the_column_cannot_hold():
    Money(Decimal("999999999999.99"))
    with pytest.raises(SimisError) as caught:
        Money(Decimal("999999999999.995"))
    assert caught.value.code == "MNY-003"
    with pytest.raises(SimisError):
        Money(Decimal("1E+40"))


def test_arithmetic_and_comparison():
    assert Money("10.10") + Money("0.95") == Money("11.05")
    assert Money("10.10") - Money("0.95") == Money("9.15")
    assert -Money("3.50") == Money("-3.50")
    assert Money(3) * 2 == Money(6) == 2 * Money(3)
    assert Money(100) * Decimal("0.333") == Money("33.30")
    assert Money(1) < Money(2) <= Money(2)
    assert max(Money(1), Money(5)) == Money(5)
    assert not Money.zero() and Money("0.01")
    with pytest.raises(TypeError):
        assert Money(1) < 2  # type: ignore[operator]


def test_percent_of_a_wage():
    """Sara's 10,000 SAR wage at the 2022+ old-law employee rate of 9.75%."""
    assert Money(10000).percent(Decimal("9.75")) == Money("975.00")
    assert Money("1234.56").percent(Decimal("0.75")) == Money("9.26")  # 9.2592 rounds up
    assert Money("1").percent(Decimal("0.5")) == Money("0.01")  # 0.005 rounds half up


def test_sum_of_many():
    items = [Money("0.10")] * 10
    assert Money.total(items) == Money(1)
    assert sum(items) == Money(1)
    assert Money.total([]) == Money.zero()
    with pytest.raises(TypeError):
        Money.total([Money(1), Decimal(1)])  # type: ignore[list-item]


def test_is_immutable_and_hashable():
    m = Money(1)
    with pytest.raises(AttributeError):
        m.amount = Decimal(2)  # type: ignore[misc]
    assert len({Money(1), Money("1.00"), Money(2)}) == 2


@given(raw_amounts)
def test_construction_is_rounding_once(raw):
    assert Money(raw).amount == quantize_sar(raw)
    assert Money(Money(raw).amount) == Money(raw)  # rounding is idempotent
    assert abs(Money(raw).amount - raw) <= Decimal("0.005")


@given(amounts, amounts)
def test_addition_is_exact_and_subtraction_undoes_it(a, b):
    assert (Money(a) + Money(b)).amount == a + b
    assert Money(a) + Money(b) - Money(b) == Money(a)
    assert Money(a) + Money(b) == Money(b) + Money(a)


@given(st.lists(amounts, max_size=30))
def test_total_equals_exact_decimal_sum(values):
    assert Money.total(Money(v) for v in values).amount == sum(values, Decimal(0))


@given(amounts, factors)
def test_multiplication_rounds_the_exact_product_once(a, factor):
    assert (Money(a) * factor).amount == quantize_sar(a * factor)


@given(amounts.filter(lambda a: a >= 0), st.decimals(min_value=0, max_value=100, places=2))
def test_percent_is_never_more_than_the_whole_and_never_negative(a, rate):
    part = Money(a).percent(rate)
    assert Money.zero() <= part <= Money(a)


@given(amounts)
def test_negation_is_an_involution(a):
    negated = -Money(a)
    assert -negated == Money(a)
    assert Money(a) + -Money(a) == Money.zero()
