"""Hijri (Umm al-Qura) and Gregorian dates: conversion, parsing what people type, formatting
in both languages, and the Hijri-year arithmetic of the old law."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from simis.core.dates import (
    FIRST_CONVERTIBLE,
    LAST_CONVERTIBLE,
    Calendar,
    HijriDate,
    add_hijri_years,
    add_months,
    date_of_hijri_age,
    format_gregorian,
    format_hijri,
    format_in,
    from_hijri,
    hijri_age,
    hijri_month_length,
    hijri_year_start,
    month_end,
    month_start,
    months_between,
    parse_date_input,
    to_hijri,
)
from simis.core.errors import DateError, SimisError

DECREE_M273 = date(2024, 7, 2)  # 26/12/1445H, the new law's decree
NEW_LAW_START = date(2024, 7, 3)

convertible = st.dates(min_value=FIRST_CONVERTIBLE, max_value=LAST_CONVERTIBLE)


def code_of(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as caught:
        call()
    return caught.value.code


def test_known_conversions():
    assert to_hijri(DECREE_M273) == HijriDate(1445, 12, 26)
    assert from_hijri(1445, 12, 26) == DECREE_M273
    assert hijri_year_start(1422) == date(2001, 3, 26)  # the old law's first day
    assert to_hijri(NEW_LAW_START).isoformat() == "1445-12-27"


@given(convertible)
def test_round_trip_through_hijri(day):
    h = to_hijri(day)
    assert from_hijri(h.year, h.month, h.day) == day
    assert 1 <= h.day <= hijri_month_length(h.year, h.month)


def test_impossible_dates_are_refused_with_codes():
    # Safar 1447 has 29 days in the Umm al-Qura table; Safar 1446 has 30.
    assert hijri_month_length(1447, 2) == 29
    assert from_hijri(1446, 2, 30) == date(2024, 9, 3)
    assert code_of(lambda: from_hijri(1447, 2, 30)) == DateError.IMPOSSIBLE_HIJRI_DATE.code
    assert code_of(lambda: from_hijri(1446, 13, 1)) == DateError.UNREADABLE.code
    assert code_of(lambda: parse_date_input("31/02/2024", Calendar.GREGORIAN)) == "DATE-005"
    assert code_of(lambda: parse_date_input("29/02/2023")) == "DATE-005"
    assert parse_date_input("29/02/2024") == date(2024, 2, 29)


def test_out_of_range_is_refused_with_codes():
    assert code_of(lambda: from_hijri(1342, 12, 1)) == DateError.HIJRI_OUT_OF_RANGE.code
    assert code_of(lambda: from_hijri(1501, 1, 1)) == "DATE-002"
    assert code_of(lambda: hijri_month_length(1342, 1)) == "DATE-002"
    assert code_of(lambda: to_hijri(FIRST_CONVERTIBLE - timedelta(days=1))) == "DATE-003"
    assert code_of(lambda: to_hijri(LAST_CONVERTIBLE + timedelta(days=1))) == "DATE-003"
    with pytest.raises(SimisError) as caught:
        to_hijri(date(1900, 1, 1))
    assert "1924-08-01" in caught.value.as_dict()["message_en"]


@pytest.mark.parametrize(
    "typed",
    [
        "1446-12-26",
        "1446/12/26",
        "26/12/1446",
        "26-12-1446",
        "26.12.1446",
        "٢٦/١٢/١٤٤٦",
        "٢٦/١٢/١٤٤٦ هـ",
        "26/12/1446هـ",
        "26/12/1446 ه",
        "1446-12-26H",
        "26/12/1446 AH",
        "۲۶/۱۲/۱۴۴۶",
        " 26 / 12 / 1446 ",
        "\u200f26/12/1446\u200f",
    ],
)
def test_parses_hijri_input_in_every_accepted_form(typed):
    assert parse_date_input(typed) == from_hijri(1446, 12, 26) == date(2025, 6, 22)


@pytest.mark.parametrize(
    "typed", ["2024-07-03", "03/07/2024", "3/7/2024", "٣/٧/٢٠٢٤", "2024-07-03 G", "3/7/2024م"]
)
def test_parses_gregorian_input(typed):
    assert parse_date_input(typed) == NEW_LAW_START


def test_calendar_flag_and_suffix():
    assert parse_date_input("1446-12-26", Calendar.HIJRI) == date(2025, 6, 22)
    assert parse_date_input("1446-12-26", "hijri") == date(2025, 6, 22)
    assert parse_date_input("1446-12-26H", Calendar.HIJRI) == date(2025, 6, 22)
    # A Gregorian flag on a Hijri-range year is taken at its word.
    assert parse_date_input("1990-01-01", Calendar.GREGORIAN) == date(1990, 1, 1)
    assert code_of(lambda: parse_date_input("1446-12-26 هـ", Calendar.GREGORIAN)) == "DATE-006"
    assert code_of(lambda: parse_date_input("2024-07-03", Calendar.HIJRI)) == "DATE-002"
    assert code_of(lambda: parse_date_input("2024-07-03", "julian")) == "DATE-007"
    assert code_of(lambda: parse_date_input("1445-12-26", Calendar.GREGORIAN)) == "DATE-008"
    assert code_of(lambda: parse_date_input("2200-01-01")) == "DATE-008"


@pytest.mark.parametrize("typed", ["", "yesterday", "2024-07", "1/2/3", "12345-01-01", "26/12/1446 X"])
def test_unreadable_input(typed):
    assert code_of(lambda: parse_date_input(typed)) == DateError.UNREADABLE.code


@given(convertible)
def test_formatted_numeric_dates_parse_back(day):
    assert parse_date_input(format_hijri(day, numeric=True), Calendar.HIJRI) == day
    assert parse_date_input(format_gregorian(day, numeric=True), Calendar.GREGORIAN) == day


def test_formats_in_arabic():
    with translation.override("ar"):
        assert format_hijri(DECREE_M273) == "26 ذو الحجة 1445 هـ"
        assert format_hijri(date(2024, 7, 7)) == "1 محرم 1446 هـ"
        assert format_gregorian(DECREE_M273) == "2 يوليو 2024 م"
        assert format_in(DECREE_M273, "hijri", numeric=True) == "26/12/1445"


def test_formats_in_english():
    with translation.override("en"):
        assert format_hijri(DECREE_M273) == "26 Dhu al-Hijjah 1445 AH"
        assert format_hijri(date(2025, 3, 1)) == "1 Ramadan 1446 AH"
        assert format_gregorian(DECREE_M273) == "2 July 2024"
        assert format_in(DECREE_M273, Calendar.GREGORIAN, numeric=True) == "02/07/2024"


def test_hijri_age_for_the_old_law_retirement_age():
    """Sara, born 10 Mar 1965 (8/11/1384H), is 60 Hijri years old from 8/11/1444H."""
    sara = date(1965, 3, 10)
    sixtieth = date_of_hijri_age(sara, 60)
    assert to_hijri(sixtieth) == HijriDate(1444, 11, 8)
    assert hijri_age(sara, sixtieth) == 60
    assert hijri_age(sara, sixtieth - timedelta(days=1)) == 59
    # 60 Hijri years come about two Gregorian years before 60 Gregorian years (RULES §0).
    assert date(2023, 1, 1) < sixtieth < date(2025, 3, 10)
    assert hijri_age(sara, sara) == 0
    assert hijri_age(sara, sara - timedelta(days=5)) == 0


def test_thirtieth_of_a_month_in_a_year_where_it_has_29_days():
    born = from_hijri(1446, 2, 30)
    assert to_hijri(add_hijri_years(born, 1)) == HijriDate(1447, 2, 29)
    assert hijri_age(born, from_hijri(1447, 2, 29)) == 1
    assert hijri_age(born, from_hijri(1447, 2, 28)) == 0


def test_add_hijri_years_backwards_and_out_of_range():
    assert to_hijri(add_hijri_years(DECREE_M273, -50)) == HijriDate(1395, 12, 26)
    assert code_of(lambda: add_hijri_years(DECREE_M273, 100)) == "DATE-002"


@given(
    st.dates(min_value=date(1930, 1, 1), max_value=date(2000, 1, 1)),
    st.integers(min_value=0, max_value=70),
)
def test_hijri_age_property(birth, years):
    reached = date_of_hijri_age(birth, years)
    assert hijri_age(birth, reached) == years
    if years:
        assert hijri_age(birth, reached - timedelta(days=1)) == years - 1
    # An Umm al-Qura year is 353 to 356 days long (1343–1500H, by the table itself); a birthday
    # on the 30th of a month that has 29 days that year comes one day earlier.
    assert 353 * years - 1 <= (reached - birth).days <= 356 * years


def test_gregorian_months():
    assert months_between(date(2024, 7, 3), date(2025, 7, 2)) == 11
    assert months_between(date(2024, 7, 3), date(2025, 7, 3)) == 12
    assert months_between(date(2024, 1, 31), date(2024, 2, 29)) == 1
    assert months_between(date(2024, 1, 31), date(2024, 2, 28)) == 0
    assert months_between(date(2025, 7, 3), date(2024, 7, 3)) == -12
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 3, 15), -3) == date(2023, 12, 15)
    assert month_start(date(2024, 2, 17)) == date(2024, 2, 1)
    assert month_end(date(2024, 2, 17)) == date(2024, 2, 29)


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2050, 1, 1)), st.integers(0, 600))
def test_months_between_inverts_add_months(start, months):
    assert months_between(start, add_months(start, months)) == months
