"""Dates in both calendars: Gregorian (what is stored) and Hijri (Umm al-Qura).

SIMIS stores every date as a Gregorian ``date``. People read and type dates in either
calendar, and the old Social Insurance Law (Royal Decree M/33 of 3/9/1421H) speaks in Hijri
years: retirement at 60 Hijri years (old art. 38), periods before and after 1/1/1422H. The new
law (Royal Decree M/273 of 26/12/1445H, art. 2) counts Gregorian years and months. This module
holds both kinds of arithmetic; conversion uses ``hijridate`` (the Umm al-Qura tables), which
covers 1/1/1343H–30/12/1500H (1 Aug 1924 – 16 Nov 2077).

Impossible or out-of-range dates raise ``SimisError`` with a ``DateError`` code.
"""

from __future__ import annotations

import calendar as _gregorian_calendar
import re
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.dates import MONTHS
from django.utils.translation import pgettext, pgettext_lazy
from hijridate import Gregorian, Hijri
from hijridate.ummalqura import GREGORIAN_RANGE, HIJRI_RANGE

from simis.core.errors import DateError, SimisError
from simis.core.identifiers import normalise_digits

# Typed Gregorian years outside this window are almost always a Hijri year with the wrong
# calendar chosen; nothing SIMIS records (births, contributions) falls outside it.
FIRST_TYPED_GREGORIAN_YEAR = 1900
LAST_TYPED_GREGORIAN_YEAR = 2100
FIRST_HIJRI_YEAR = HIJRI_RANGE[0][0]
LAST_HIJRI_YEAR = HIJRI_RANGE[1][0]
FIRST_CONVERTIBLE = date(*GREGORIAN_RANGE[0])
LAST_CONVERTIBLE = date(*GREGORIAN_RANGE[1])


class Calendar(models.TextChoices):
    HIJRI = "hijri", pgettext_lazy("calendar", "Hijri")
    GREGORIAN = "gregorian", pgettext_lazy("calendar", "Gregorian")


HIJRI_MONTHS = {
    1: pgettext_lazy("Hijri month", "Muharram"),
    2: pgettext_lazy("Hijri month", "Safar"),
    3: pgettext_lazy("Hijri month", "Rabi al-Awwal"),
    4: pgettext_lazy("Hijri month", "Rabi al-Thani"),
    5: pgettext_lazy("Hijri month", "Jumada al-Ula"),
    6: pgettext_lazy("Hijri month", "Jumada al-Akhirah"),
    7: pgettext_lazy("Hijri month", "Rajab"),
    8: pgettext_lazy("Hijri month", "Shaban"),
    9: pgettext_lazy("Hijri month", "Ramadan"),
    10: pgettext_lazy("Hijri month", "Shawwal"),
    11: pgettext_lazy("Hijri month", "Dhu al-Qadah"),
    12: pgettext_lazy("Hijri month", "Dhu al-Hijjah"),
}


@dataclass(frozen=True, slots=True, order=True)
class HijriDate:
    """A valid Umm al-Qura date. Build one with ``to_hijri`` or ``HijriDate.of``."""

    year: int
    month: int
    day: int

    @classmethod
    def of(cls, year: int, month: int, day: int) -> HijriDate:
        """The Hijri date, checked: raises DATE-002 outside the table and DATE-004 for a day
        the month does not have (for example 30 Safar in a year where Safar has 29 days)."""
        if not FIRST_HIJRI_YEAR <= year <= LAST_HIJRI_YEAR:
            raise SimisError(
                DateError.HIJRI_OUT_OF_RANGE,
                first=FIRST_HIJRI_YEAR,
                last=LAST_HIJRI_YEAR,
                value=f"{day}/{month}/{year}",
            )
        if not 1 <= month <= 12:
            raise SimisError(DateError.UNREADABLE, value=f"{day}/{month}/{year}")
        length = hijri_month_length(year, month)
        if not 1 <= day <= length:
            raise SimisError(DateError.IMPOSSIBLE_HIJRI_DATE, day=day, month=month, year=year, length=length)
        return cls(year, month, day)

    def to_gregorian(self) -> date:
        g = Hijri(self.year, self.month, self.day, validate=False).to_gregorian()
        return date(g.year, g.month, g.day)

    def month_name(self) -> str:
        """The month's name in the active language."""
        return str(HIJRI_MONTHS[self.month])

    def isoformat(self) -> str:
        return f"{self.year:04}-{self.month:02}-{self.day:02}"

    def __str__(self) -> str:
        return self.isoformat()


def hijri_month_length(year: int, month: int) -> int:
    """29 or 30: the length of a Hijri month in the Umm al-Qura table (DATE-002 outside it)."""
    if not FIRST_HIJRI_YEAR <= year <= LAST_HIJRI_YEAR or not 1 <= month <= 12:
        raise SimisError(
            DateError.HIJRI_OUT_OF_RANGE,
            first=FIRST_HIJRI_YEAR,
            last=LAST_HIJRI_YEAR,
            value=f"{month}/{year}",
        )
    return int(Hijri(year, month, 1).month_length())


def to_hijri(value: date) -> HijriDate:
    """The Umm al-Qura date of a Gregorian date; DATE-003 outside 1 Aug 1924 – 16 Nov 2077."""
    if not FIRST_CONVERTIBLE <= value <= LAST_CONVERTIBLE:
        raise SimisError(
            DateError.GREGORIAN_OUT_OF_RANGE,
            first=FIRST_CONVERTIBLE.isoformat(),
            last=LAST_CONVERTIBLE.isoformat(),
            value=value.isoformat(),
        )
    h = Gregorian(value.year, value.month, value.day).to_hijri()
    return HijriDate(h.year, h.month, h.day)


def from_hijri(year: int, month: int, day: int) -> date:
    """The Gregorian date of a Hijri date; DATE-002 or DATE-004 when it does not exist."""
    return HijriDate.of(year, month, day).to_gregorian()


def gregorian(year: int, month: int, day: int) -> date:
    """A Gregorian date, checked: DATE-005 for 31 February and the like."""
    try:
        return date(year, month, day)
    except ValueError:
        if 1 <= month <= 12 and 1 <= year <= 9999:
            raise SimisError(DateError.IMPOSSIBLE_GREGORIAN_DATE, day=day, month=month, year=year) from None
        raise SimisError(DateError.UNREADABLE, value=f"{day}/{month}/{year}") from None


# --- Parsing what people type ------------------------------------------------------------

# "H", "AH", "هـ" or "ه" after the date mark it Hijri; "G", "AD", "CE" or "م" mark it Gregorian.
_HIJRI_SUFFIX = re.compile(r"\s*(?:a?h|هـ|ه)\.?\s*$", re.IGNORECASE)
_GREGORIAN_SUFFIX = re.compile(r"\s*(?:g|ad|ce|م)\.?\s*$", re.IGNORECASE)
_YEAR_FIRST = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def _calendar_of(value: str | Calendar | None) -> Calendar | None:
    if value in (None, ""):
        return None
    try:
        return Calendar(value)
    except ValueError:
        raise SimisError(DateError.UNKNOWN_CALENDAR, value=str(value)) from None


def parse_date_input(text: str, calendar: str | Calendar | None = None) -> date:
    """A Gregorian ``date`` from what a person typed, in either calendar.

    Accepts ``YYYY-MM-DD`` (or with ``/``, ``.``) and ``DD/MM/YYYY`` (or with ``-``, ``.``), in
    Western, Arabic-Indic (٠-٩) or Persian digits. The calendar comes from ``calendar`` or from a
    suffix (``H``/``هـ`` Hijri, ``G``/``م`` Gregorian); a suffix that contradicts ``calendar``
    raises DATE-006. With neither, the year decides: the supported Hijri years (1343–1500) and
    the Gregorian years accepted here (1900–2100, DATE-008 otherwise) do not overlap.
    """
    raw = str(text)
    cleaned = normalise_digits(raw).strip()
    # Right-to-left marks come along when people paste Arabic text.
    cleaned = cleaned.replace("\u200f", "").replace("\u200e", "").strip()
    marked: Calendar | None = None
    if _HIJRI_SUFFIX.search(cleaned):
        marked, cleaned = Calendar.HIJRI, _HIJRI_SUFFIX.sub("", cleaned)
    elif _GREGORIAN_SUFFIX.search(cleaned):
        marked, cleaned = Calendar.GREGORIAN, _GREGORIAN_SUFFIX.sub("", cleaned)
    chosen = _calendar_of(calendar)
    if marked and chosen and marked != chosen:
        raise SimisError(DateError.CALENDAR_CONFLICT, value=raw)
    cleaned = re.sub(r"\s*([-/.])\s*", r"\1", cleaned)
    if m := _YEAR_FIRST.match(cleaned):
        year, month, day = (int(part) for part in m.groups())
    elif m := _DAY_FIRST.match(cleaned):
        day, month, year = (int(part) for part in m.groups())
    else:
        raise SimisError(DateError.UNREADABLE, value=raw)
    which = marked or chosen or (Calendar.HIJRI if year <= LAST_HIJRI_YEAR else Calendar.GREGORIAN)
    if which == Calendar.HIJRI:
        return from_hijri(year, month, day)
    if not FIRST_TYPED_GREGORIAN_YEAR <= year <= LAST_TYPED_GREGORIAN_YEAR:
        raise SimisError(
            DateError.IMPLAUSIBLE_GREGORIAN_YEAR,
            year=year,
            first=FIRST_TYPED_GREGORIAN_YEAR,
            last=LAST_TYPED_GREGORIAN_YEAR,
        )
    return gregorian(year, month, day)


# --- Formatting --------------------------------------------------------------------------


def format_hijri(value: date, *, numeric: bool = False) -> str:
    """``26 ذو الحجة 1445 هـ`` in Arabic, ``26 Dhu al-Hijjah 1445 AH`` in English (the active
    language decides); ``26/12/1445`` with ``numeric=True``. DATE-003 outside the table."""
    h = to_hijri(value)
    if numeric:
        return f"{h.day:02}/{h.month:02}/{h.year}"
    return pgettext("Hijri date: day, month name, year", "%(day)s %(month)s %(year)s AH") % {
        "day": h.day,
        "month": h.month_name(),
        "year": h.year,
    }


def format_gregorian(value: date, *, numeric: bool = False) -> str:
    """``2 يوليو 2024 م`` in Arabic, ``2 July 2024`` in English; ``02/07/2024`` with
    ``numeric=True``. Month names come from Django's own translations."""
    if numeric:
        return f"{value.day:02}/{value.month:02}/{value.year}"
    return pgettext("Gregorian date: day, month name, year", "%(day)s %(month)s %(year)s") % {
        "day": value.day,
        "month": str(MONTHS[value.month]),
        "year": value.year,
    }


def format_in(value: date, calendar: str | Calendar, *, numeric: bool = False) -> str:
    """The date in the given calendar (see ``format_hijri`` and ``format_gregorian``)."""
    if _calendar_of(calendar) == Calendar.HIJRI:
        return format_hijri(value, numeric=numeric)
    return format_gregorian(value, numeric=numeric)


# --- Arithmetic the rules need ----------------------------------------------------------


def add_hijri_years(value: date, years: int) -> date:
    """The Gregorian date ``years`` Hijri years after (or before, when negative) ``value``.

    The day of the month is kept; where the target month is one day shorter (30th → a month of
    29 days) the result is the month's last day. Used for "reaches 60 Hijri years" under the
    old law (M/33 art. 38)."""
    h = to_hijri(value)
    target_year = h.year + years
    if not FIRST_HIJRI_YEAR <= target_year <= LAST_HIJRI_YEAR:
        raise SimisError(
            DateError.HIJRI_OUT_OF_RANGE,
            first=FIRST_HIJRI_YEAR,
            last=LAST_HIJRI_YEAR,
            value=f"{h.day}/{h.month}/{target_year}",
        )
    day = min(h.day, hijri_month_length(target_year, h.month))
    return from_hijri(target_year, h.month, day)


def hijri_age(birth: date, on: date) -> int:
    """Completed Hijri years from ``birth`` to ``on`` (0 before the first Hijri birthday).

    A Hijri year is about 354 days, so a person is 60 Hijri years old at roughly 58 Gregorian
    years (RULES §0). The birthday falls on the same Hijri day and month; a person born on the
    30th whose birthday month has 29 days reaches the age on the 29th (see ``add_hijri_years``)."""
    if on < birth:
        return 0
    hb, ho = to_hijri(birth), to_hijri(on)
    years = ho.year - hb.year
    if years > 0 and add_hijri_years(birth, years) > on:
        years -= 1
    return years


def date_of_hijri_age(birth: date, years: int) -> date:
    """The Gregorian date on which a person born on ``birth`` completes ``years`` Hijri years."""
    return add_hijri_years(birth, years)


def hijri_year_start(year: int) -> date:
    """1 Muharram of a Hijri year, e.g. ``hijri_year_start(1422)`` — 26 Mar 2001, the day the
    old law took effect (M/33)."""
    return from_hijri(year, 1, 1)


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_length(year: int, month: int) -> int:
    if month == 2 and _gregorian_calendar.isleap(year):
        return 29
    return _MONTH_DAYS[month - 1]


def add_months(value: date, months: int) -> date:
    """``months`` Gregorian months after ``value``; the 31st becomes the month's last day."""
    index = value.year * 12 + (value.month - 1) + months
    year, month0 = divmod(index, 12)
    day = value.day
    if day > 28:
        day = min(day, _month_length(year, month0 + 1))
    return date(year, month0 + 1, day)


def months_between(start: date, end: date) -> int:
    """Completed Gregorian months from ``start`` to ``end`` (the new law counts Gregorian months,
    M/273 art. 2). A month is complete on the same day of the month, or on the last day of a
    shorter month: 31 Jan → 28 Feb is one month. Negative when ``end`` is before ``start``."""
    if end < start:
        return -months_between(end, start)
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months


def month_start(value: date) -> date:
    return value.replace(day=1)


def month_end(value: date) -> date:
    return value.replace(day=_month_length(value.year, value.month))
