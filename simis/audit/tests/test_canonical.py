"""Canonical JSON: the same value always gives the same bytes (no database needed)."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from decimal import Decimal
from enum import Enum

import pytest
from django.utils.translation import gettext_lazy

from simis.audit.canonical import canonical_json, format_timestamp, to_json_value
from simis.audit.chain import normalise_ip

RIYADH = zoneinfo.ZoneInfo("Asia/Riyadh")


def test_keys_sorted_and_no_whitespace():
    assert canonical_json({"b": 1, "a": [1, 2], "ج": "نور"}) == '{"a":[1,2],"b":1,"ج":"نور"}'.encode()


def test_insertion_order_does_not_matter():
    assert canonical_json({"x": 1, "y": {"q": 2, "p": 3}}) == canonical_json({"y": {"p": 3, "q": 2}, "x": 1})


def test_decimals_keep_their_scale_and_never_use_exponents():
    assert to_json_value(Decimal("1250.50")) == "1250.50"
    assert to_json_value(Decimal("1E+3")) == "1000"
    assert to_json_value(Decimal("-0.0000001")) == "-0.0000001"


def test_aware_datetimes_are_utc_with_microseconds():
    riyadh_noon = dt.datetime(2024, 7, 3, 12, 0, tzinfo=RIYADH)
    assert to_json_value(riyadh_noon) == "2024-07-03T09:00:00.000000Z"
    assert to_json_value(riyadh_noon) == to_json_value(riyadh_noon.astimezone(dt.UTC))
    assert (
        format_timestamp(dt.datetime(2024, 1, 1, 0, 0, 0, 5, tzinfo=dt.UTC)) == "2024-01-01T00:00:00.000005Z"
    )
    with pytest.raises(ValueError, match="timezone-aware"):
        format_timestamp(dt.datetime(2024, 1, 1))


def test_other_scalars():
    assert to_json_value(dt.date(1445, 1, 1)) == "1445-01-01"
    assert to_json_value(dt.time(8, 30)) == "08:30:00.000000"
    assert to_json_value(dt.timedelta(days=1, hours=2)) == "P1DT02H00M00S"
    assert to_json_value(uuid.UUID(int=1)) == "00000000-0000-0000-0000-000000000001"
    assert to_json_value(b"\x01\xff") == "01ff"
    assert to_json_value(gettext_lazy("Refused")) in ("Refused", "رُفض")


def test_integral_floats_become_integers_as_jsonb_prints_them():
    assert to_json_value(1e20) == 100000000000000000000
    assert to_json_value(2.0) == 2
    assert to_json_value(0.1) == 0.1


def test_sets_sorted_enums_by_value_and_keys_stringified():
    class Colour(Enum):
        RED = "red"

    assert to_json_value({3, 1, 2}) == [1, 2, 3]
    assert to_json_value({1: Colour.RED, "t": (1, 2)}) == {"1": "red", "t": [1, 2]}


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), Decimal("NaN")])
def test_nan_and_infinity_are_refused(bad):
    with pytest.raises(ValueError, match="NaN"):
        canonical_json({"x": bad})


def test_unknown_types_are_refused_not_guessed():
    with pytest.raises(TypeError, match="object"):
        canonical_json({"x": object()})


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("10.0.0.1", "10.0.0.1"),
        ("2001:DB8:0:0::1", "2001:db8::1"),
        ("::ffff:192.0.2.5", "192.0.2.5"),
        ("fe80::1%eth0", "fe80::1"),
        ("not an address", None),
        ("", None),
        (None, None),
    ],
)
def test_ip_addresses_normalised_as_postgresql_prints_them(given, stored):
    assert normalise_ip(given) == stored


def test_money_is_audited_as_its_amount():
    from decimal import Decimal

    from simis.audit.canonical import to_json_value
    from simis.core.money import Money

    assert to_json_value(Money(Decimal("4500.50"))) == "4500.50"
    assert to_json_value({"basic": Money(Decimal("3000"))}) == {"basic": "3000.00"}
