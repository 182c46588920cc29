"""Rule tests for billing and collection: no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simis.contributions import rules
from simis.core.errors import SimisError
from simis.core.money import quantize_sar


def _exact_share(base: int, divisor: int, rate: Decimal) -> Decimal:
    """The textbook figure: wage × days ÷ days-in-month × rate ÷ 100, rounded once half up."""
    with localcontext() as ctx:
        ctx.prec = 60
        exact = Decimal(base) / 100 / divisor * rate / 100
    return quantize_sar(exact)


@given(
    wage=st.integers(min_value=0, max_value=4_500_000),  # halalas: up to the 45,000 ceiling
    days=st.integers(min_value=1, max_value=31),
    divisor=st.sampled_from([1, 28, 29, 30, 31]),
    rate=st.sampled_from(
        [Decimal(x) for x in ("0.75", "1", "2", "9", "9.5", "10", "11", "11.75", "21.5", "22")]
    ),
)
def test_share_is_the_exact_product_rounded_once_half_up(
    wage: int, days: int, divisor: int, rate: Decimal
) -> None:
    days = min(days, divisor) if divisor > 1 else 1
    base = wage * days
    assert rules.riyals(rules.share_halalas(base, divisor, rules.rate_units(rate))) == _exact_share(
        base, divisor, rate
    )


def test_half_a_halala_rounds_up() -> None:
    # 0.75 % of 1.00 SAR = 0.0075 SAR -> 0.01; 0.75 % of 0.66 SAR = 0.00495 -> 0.00
    assert rules.share_halalas(100, 1, rules.rate_units(Decimal("0.75"))) == 1
    assert rules.share_halalas(66, 1, rules.rate_units(Decimal("0.75"))) == 0
    assert rules.round_half_up_div(-5, 10) == -1
    assert rules.round_half_up_div(-4, 10) == 0


def test_rate_units_refuse_a_rate_finer_than_four_places() -> None:
    assert rules.rate_units(Decimal("0.75")) == 7_500
    assert rules.rate_units(Decimal("9.5")) == 95_000
    with pytest.raises(SimisError):
        rules.rate_units(Decimal("0.00001"))


def test_share_sql_is_the_same_formula() -> None:
    sql = rules.share_sql("b", "d", "u")
    for base, divisor, units in (
        (1, 1, 7_500),
        (66, 1, 7_500),
        (625_000 * 17, 31, 95_000),
        (123_457, 30, 20_000),
    ):
        value = eval(sql.replace("/", "//"), {}, {"b": base, "d": divisor, "u": units})  # noqa: S307
        assert value == rules.share_halalas(base, divisor, units)


OCT = date(2026, 10, 1)


def wages(*points: tuple[date, int]) -> list[rules.WagePoint]:
    return [rules.WagePoint(day, amount) for day, amount in points]


def test_a_full_month_bills_the_monthly_wage() -> None:
    basis = rules.month_basis(
        month=OCT,
        join=date(2020, 5, 3),
        leave=None,
        wages=wages((date(2020, 5, 3), 625_000)),
        day_basis="calendar_days",
    )
    assert (basis.days, basis.divisor, basis.base) == (31, 31, 31 * 625_000)
    assert basis.wage_billed == Decimal("6250")


def test_joining_and_leaving_in_the_month_bill_the_days_worked() -> None:
    basis = rules.month_basis(
        month=OCT,
        join=date(2026, 10, 10),
        leave=date(2026, 10, 20),
        wages=wages((date(2026, 10, 10), 310_000)),
        day_basis="calendar_days",
    )
    assert basis.days == 11
    assert basis.base == 11 * 310_000
    assert basis.wage_billed == Decimal("1100")


def test_a_wage_change_inside_the_month_splits_the_days() -> None:
    basis = rules.month_basis(
        month=OCT,
        join=date(2020, 1, 1),
        leave=None,
        wages=wages(
            (date(2026, 10, 16), 400_000), (date(2020, 1, 1), 300_000), (date(2026, 10, 25), 500_000)
        ),
        day_basis="calendar_days",
    )
    assert [(s.start.day, s.end.day, s.contributory) for s in basis.segments] == [
        (1, 15, 300_000),
        (16, 24, 400_000),
        (25, 31, 500_000),
    ]
    assert basis.days == 31
    assert basis.base == 15 * 300_000 + 9 * 400_000 + 7 * 500_000


def test_whole_month_billing_before_february_2022() -> None:
    month = date(2021, 6, 1)
    points = wages((date(2021, 6, 20), 500_000))
    any_day = rules.month_basis(
        month=month, join=date(2021, 6, 20), leave=None, wages=points, day_basis="whole_month"
    )
    assert (any_day.days, any_day.divisor, any_day.base) == (1, 1, 500_000)
    first_day = rules.month_basis(
        month=month,
        join=date(2021, 6, 20),
        leave=None,
        wages=points,
        day_basis="whole_month",
        whole_month_rule="first_day",
    )
    assert first_day.base == 0


def test_a_month_under_review_bills_nothing() -> None:
    basis = rules.month_basis(
        month=OCT,
        join=date(2026, 1, 1),
        leave=None,
        wages=wages((date(2026, 1, 1), 500_000)),
        day_basis="calendar_days",
        blocked=True,
    )
    assert basis.base == 0 and basis.days == 0


def test_due_date_is_the_fifteenth_of_the_next_month() -> None:
    assert rules.due_date(date(2026, 10, 1), 15) == date(2026, 11, 15)
    assert rules.due_date(date(2026, 12, 1), 15) == date(2027, 1, 15)
    assert rules.due_date(date(2026, 1, 1), 31) == date(2026, 2, 28)


def test_each_month_or_part_of_a_month_of_delay_counts() -> None:
    due = date(2026, 11, 15)
    assert rules.penalty_periods_started(due, date(2026, 11, 15)) == 0
    assert rules.penalty_periods_started(due, date(2026, 11, 16)) == 1
    assert rules.penalty_periods_started(due, date(2026, 12, 15)) == 1
    assert rules.penalty_periods_started(due, date(2026, 12, 16)) == 2
    assert rules.period_start(due, 3) == date(2027, 1, 16)


def test_penalty_simple_and_compound() -> None:
    assert (
        rules.penalty_halalas(unpaid=1_000_000, accrued=40_400, rate=Decimal("2"), method="simple") == 20_000
    )
    assert (
        rules.penalty_halalas(unpaid=1_000_000, accrued=40_400, rate=Decimal("2"), method="compound")
        == 20_808
    )
    assert rules.penalty_halalas(unpaid=0, accrued=10, rate=Decimal("2"), method="simple") == 0


def test_waivers_parse() -> None:
    (window,) = rules.waivers_parse(
        [{"code": "A", "from": "2023-03-03", "to": "2023-09-02", "condition": "paid_in_full"}]
    )
    assert window.paid_in_full and window.covers(date(2023, 3, 3)) and not window.covers(date(2023, 9, 3))
    with pytest.raises(SimisError):
        rules.waivers_parse([{"code": "A"}])


@given(
    debt=st.integers(min_value=600_000, max_value=10**10),
    count=st.integers(min_value=1, max_value=24),
    down=st.sampled_from([Decimal(0), Decimal(10), Decimal("12.5"), Decimal(25)]),
)
def test_an_instalment_schedule_sums_to_the_debt(debt: int, count: int, down: Decimal) -> None:
    schedule = rules.instalment_schedule(
        debt=debt, count=count, down_payment_percent=down, first_due=date(2026, 12, 1), due_day=15
    )
    assert len(schedule) == count + 1
    assert schedule[-1].cumulative == debt == sum(item.amount for item in schedule)
    amounts = [item.amount for item in schedule[1:]]
    assert max(amounts) - min(amounts) <= 1
    assert [item.due_on for item in schedule[1:3]] == [date(2027, 1, 15), date(2027, 2, 15)][:count]


def test_month_parse() -> None:
    assert rules.month_parse("2026-10") == date(2026, 10, 1)
    assert rules.month_parse(" 2026-02-28 ") == date(2026, 2, 1)
    for bad in ("2026-13", "2026/10", "Oct 2026", "", "2026-02-30"):
        with pytest.raises(SimisError) as error:
            rules.month_parse(bad)
        assert error.value.code == "CON-014"


def test_a_payment_settles_the_oldest_month_first() -> None:
    owed = [
        rules.MonthOwed(date(2026, 9, 1), 50_000, 1_000),
        rules.MonthOwed(date(2026, 8, 1), 30_000, 600),
        rules.MonthOwed(date(2026, 10, 1), 70_000, 0),
    ]
    result = rules.allocate(81_000, owed, "contributions_first")
    assert result.settled == (
        ("contributions", date(2026, 8, 1), 30_000),
        ("penalties", date(2026, 8, 1), 600),
        ("contributions", date(2026, 9, 1), 50_000),
        ("penalties", date(2026, 9, 1), 400),
    )
    assert result.remainder == 0
    fines_first = rules.allocate(30_100, owed, "penalties_first")
    assert fines_first.settled[:2] == (
        ("penalties", date(2026, 8, 1), 600),
        ("contributions", date(2026, 8, 1), 29_500),
    )
    everything = rules.allocate(200_000, owed, "contributions_first")
    assert everything.remainder == 200_000 - 151_600
    assert sum(item[2] for item in everything.settled) == 151_600


@given(
    amount=st.integers(min_value=0, max_value=10**8),
    owed=st.lists(
        st.tuples(st.integers(min_value=0, max_value=10**7), st.integers(min_value=0, max_value=10**6)),
        max_size=12,
    ),
    order=st.sampled_from(["contributions_first", "penalties_first"]),
)
def test_allocation_never_overpays_and_loses_nothing(
    amount: int, owed: list[tuple[int, int]], order: str
) -> None:
    months = [rules.MonthOwed(date(2020 + i // 12, i % 12 + 1, 1), c, p) for i, (c, p) in enumerate(owed)]
    result = rules.allocate(amount, months, order)
    assert sum(item[2] for item in result.settled) + result.remainder == amount
    for account, month, taken in result.settled:
        debt = next(m for m in months if m.month == month)
        assert 0 < taken <= getattr(debt, account)
    if result.remainder:
        assert sum(item[2] for item in result.settled) == sum(c + p for c, p in owed)


@pytest.mark.parametrize(
    ("owed", "status"),
    [
        ("2687.50", rules.BillStatus.UNPAID),
        ("100.00", rules.BillStatus.PARTLY_PAID),
        ("0", rules.BillStatus.PAID),
        ("-5", rules.BillStatus.PAID),
    ],
)
def test_bill_status(owed: str, status: rules.BillStatus) -> None:
    assert rules.bill_status(total=Decimal("2687.50"), owed=Decimal(owed)) == status
