"""Each row's cells turned into the typed input of one register operation, or the row's
problems — every cell is checked, so a row lists all that is wrong with it, each problem with
its column and a coded, bilingual message.

Pure: no database. What needs the register (does the person exist, is the period open, the
deadlines, the derived regime and wage) is judged when the row is applied, by the register's
own rules and services, with the register's codes. Dates are read in either calendar and in
Arabic-Indic digits (``core.dates.parse_date_input``); the readers are memoised per text,
because a large file repeats the same dates and codes many times.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from operator import gt, itemgetter
from typing import Any, TypeVar

from django.utils import translation

from simis.core.dates import (
    FIRST_TYPED_GREGORIAN_YEAR,
    LAST_HIJRI_YEAR,
    LAST_TYPED_GREGORIAN_YEAR,
    Calendar,
    parse_date_input,
)
from simis.core.errors import SimisError
from simis.core.identifiers import IdentityKind, normalise_digits, normalise_identifier, validate_identifier
from simis.core.money import Money
from simis.registry.public import Gender, LeaveReason, PersonNames, WageInput, identity_number_check
from simis.uploads.choices import UploadKind
from simis.uploads.errors import UploadError
from simis.uploads.layouts import Column, Layout

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One thing wrong with a row: the column it is about (its key; empty for the row as a
    whole) and the coded refusal."""

    column: str
    error: SimisError


@dataclass(frozen=True, slots=True)
class IdentityCell:
    """An identity document as a row gives it: ``kind`` None when the row leaves the type out
    (the number alone finds the contributor), ``number`` normalised, ``country`` as written."""

    kind: str | None
    number: str
    country: str = ""


@dataclass(frozen=True, slots=True)
class NewContributorInput:
    row: int
    identities: tuple[IdentityCell, ...]
    names: PersonNames
    birth_date: date
    birth_date_calendar: str
    gender: str
    nationality: str
    join_date: date
    occupation: str
    wage: WageInput
    external_old_law_months: int


@dataclass(frozen=True, slots=True)
class PeriodInput:
    row: int
    identity: IdentityCell
    join_date: date
    leave_date: date | None
    leave_reason: str
    occupation: str
    wage: WageInput


@dataclass(frozen=True, slots=True)
class TerminationInput:
    row: int
    identity: IdentityCell
    leave_date: date
    leave_reason: str


@dataclass(frozen=True, slots=True)
class WageChangeInput:
    row: int
    identity: IdentityCell
    month: date
    wage: WageInput
    occupation: str | None


RowInput = NewContributorInput | PeriodInput | TerminationInput | WageChangeInput


# --- Readers of one cell ---------------------------------------------------------------------------


def _memoised(reader: Callable[[str], T]) -> Callable[[str], T]:
    """``reader`` remembered per text, refusals included (a refusal is raised again)."""

    @lru_cache(maxsize=65536)
    def remembered(text: str) -> tuple[bool, Any]:
        try:
            return True, reader(text)
        except SimisError as error:
            return False, error

    def read(text: str) -> T:
        ok, value = remembered(text)
        if ok:
            return value
        raise value

    return read


date_read = _memoised(parse_date_input)


_YEAR = re.compile(r"\d{4}")


def _calendar(text: str) -> str:
    """The calendar a date that ``parse_date_input`` accepted was written in. Its Hijri years
    (up to ``LAST_HIJRI_YEAR``) and Gregorian years (from 1900) do not overlap, and a calendar
    mark that contradicts the year is refused, so the typed year tells."""
    year = _YEAR.search(normalise_digits(text))
    return Calendar.HIJRI.value if year and int(year.group()) <= LAST_HIJRI_YEAR else Calendar.GREGORIAN.value


calendar_read = lru_cache(maxsize=65536)(_calendar)

# A Gregorian date as most files write it: 1985-03-10 or 10/03/1985 (any of - / . between),
# digits only, the year one that ``parse_date_input`` takes for Gregorian.
_GREGORIAN_PLAIN = re.compile(
    r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})|([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})"
)


def gregorian_plain(text: str) -> date | None:
    """The date ``date_read`` gives for a plain Gregorian date — digits (Western or
    Arabic-Indic) and separators only, a year from ``FIRST_TYPED_GREGORIAN_YEAR`` to
    ``LAST_TYPED_GREGORIAN_YEAR``, a real day — and ``calendar_read`` calls Gregorian; None for
    anything else, which ``date_read`` reads (or refuses) itself. A large file has a birth date
    of its own in most rows: the full reader, which looks for calendar marks, direction marks
    and spaces, costs several times more."""
    match = _GREGORIAN_PLAIN.fullmatch(normalise_digits(text))
    if match is None:
        return None
    year, month, day, day_first, month_first, year_last = match.groups()
    if year is None:
        year, month, day = year_last, month_first, day_first
    number = int(year)
    if not (FIRST_TYPED_GREGORIAN_YEAR <= number <= LAST_TYPED_GREGORIAN_YEAR and number > LAST_HIJRI_YEAR):
        return None
    try:
        return date(number, int(month), int(day))
    except ValueError:
        return None


_ZERO = Money.zero()
_AMOUNT = re.compile(r"^-?\d+(\.\d+)?$")
_THOUSANDS = str.maketrans(
    {",": "", "٬": "", " ": "", "\u00a0": "", "\u066b": ".", "\u200f": "", "\u200e": ""}
)


def _amount(text: str) -> Money:
    cleaned = normalise_digits(text).translate(_THOUSANDS)
    if not _AMOUNT.match(cleaned):
        raise SimisError(UploadError.BAD_AMOUNT, value=text)
    try:
        return Money(Decimal(cleaned))
    except InvalidOperation:
        raise SimisError(UploadError.BAD_AMOUNT, value=text) from None


amount_read = _memoised(_amount)


def _month(text: str) -> date:
    """A month as any of its days, or as year-month (2026-03, 03/2026): its first day."""
    cleaned = normalise_digits(text).strip()
    if match := re.fullmatch(r"(\d{4})[-/.](\d{1,2})", cleaned):
        cleaned = f"{match.group(1)}-{match.group(2)}-01"
    elif match := re.fullmatch(r"(\d{1,2})[-/.](\d{4})", cleaned):
        cleaned = f"{match.group(2)}-{match.group(1)}-01"
    return parse_date_input(cleaned).replace(day=1)


month_read = _memoised(_month)


def _alias_table(pairs: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for value, names in pairs:
        table[value] = value  # as written in the templates, found without folding
        for name in (value, *names):
            table[_fold(name)] = value
    return table


def _fold(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", normalise_digits(str(text))).strip().casefold()


def _labels(choices: Any) -> Iterable[tuple[str, list[str]]]:
    for member in choices:
        labels = []
        for language in ("ar", "en"):
            with translation.override(language):
                labels.append(str(member.label))
        yield member.value, labels


@lru_cache(maxsize=1)
def _identity_kinds() -> dict[str, str]:
    return _alias_table(
        [
            (IdentityKind.NATIONAL_ID.value, ["national id", "nid", "هوية وطنية", "الهوية الوطنية", "هوية"]),
            (IdentityKind.IQAMA.value, ["iqama", "إقامة", "اقامة", "الإقامة", "residence permit"]),
            (IdentityKind.GCC_NATIONAL_ID.value, ["gcc id", "gcc national id", "هوية خليجية"]),
            (IdentityKind.PASSPORT.value, ["جواز", "جواز سفر", "جواز السفر"]),
            *(_labels(IdentityKind)),
        ]
    )


@lru_cache(maxsize=1)
def _genders() -> dict[str, str]:
    return _alias_table(
        [
            (Gender.MALE.value, ["m", "ذكر"]),
            (Gender.FEMALE.value, ["f", "أنثى", "انثى"]),
            *(_labels(Gender)),
        ]
    )


@lru_cache(maxsize=1)
def _leave_reasons() -> dict[str, str]:
    # A transfer is recorded by its own service (REG-312), so it is not offered here.
    return {
        key: value
        for key, value in _alias_table(_labels(LeaveReason)).items()
        if value != LeaveReason.TRANSFER
    }


_YES_NO = _alias_table([("yes", ["y", "true", "1", "نعم"]), ("no", ["n", "false", "0", "لا", ""])])


def _choice(text: str, table: dict[str, str], shown: Sequence[str]) -> str:
    found = table.get(text)  # most cells are written exactly as a code
    if found is None:
        found = table.get(_fold(text))
    if found is None:
        raise SimisError(UploadError.BAD_CHOICE, value=text, choices=", ".join(shown))
    return found


_IDENTITY_KINDS_SHOWN = tuple(kind.value for kind in IdentityKind)
_GENDERS_SHOWN = tuple(Gender.values)


# --- A row's cells ----------------------------------------------------------------------------------


class RowReader:
    """Reads the cells of one row, collecting a problem per bad cell instead of stopping at the
    first: ``ok`` says whether the typed input may be built."""

    def __init__(self, layout: Layout, values: dict[str, str]) -> None:
        self.columns = layout.by_key
        self.values = values
        self.problems: list[RowProblem] = []
        # Every cell checked once, here: present when required, not too long.
        self.texts = values
        for key, column in self.columns.items():
            value = values.get(key, "")
            if not value:
                if column.required:
                    self.problem(key, SimisError(UploadError.REQUIRED, column=column.name))
            elif len(value) > column.max_length:
                self.problem(
                    key, SimisError(UploadError.TEXT_TOO_LONG, column=column.name, limit=column.max_length)
                )
                if self.texts is values:
                    self.texts = dict(values)
                self.texts[key] = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, key: str, error: SimisError) -> None:
        self.problems.append(RowProblem(key, error))

    def _column(self, key: str) -> Column:
        return self.columns[key]

    def text(self, key: str) -> str:
        """The cell, trimmed (empty when missing or too long: UPL-201 and UPL-213 are reported
        once, when the reader is made)."""
        return self.texts.get(key, "")

    def _read(self, key: str, reader: Callable[[str], T]) -> T | None:
        text = self.text(key)
        if not text:
            return None
        try:
            return reader(text)
        except SimisError as error:
            self.problem(key, error)
            return None

    def read_date(self, key: str) -> date | None:
        return self._read(key, date_read)

    def read_month(self, key: str) -> date | None:
        return self._read(key, month_read)

    def amount(self, key: str) -> Money:
        return self._read(key, amount_read) or _ZERO

    def choice(self, key: str, table: dict[str, str], shown: Sequence[str]) -> str:
        text = self.text(key)
        if not text:
            return ""
        found = table.get(text)
        if found is not None:
            return found
        try:
            return _choice(text, table, shown)
        except SimisError as error:
            self.problem(key, error)
            return ""

    def yes_no(self, key: str) -> bool:
        return self.choice(key, _YES_NO, ("yes", "no")) == "yes"

    def whole_number(self, key: str) -> int:
        def whole(text: str) -> int:
            cleaned = normalise_digits(text).strip()
            if not re.fullmatch(r"-?\d{1,6}", cleaned):
                raise SimisError(UploadError.BAD_WHOLE_NUMBER, value=text)
            return int(cleaned)

        return self._read(key, whole) or 0

    def wage(self) -> WageInput | None:
        basic = self.amount("basic_wage")
        housing = self.amount("housing_allowance")
        other = self.amount("other_allowances")
        in_kind = self.yes_no("housing_in_kind")
        if not self.ok:
            return None
        return WageInput(basic=basic, housing=housing, other=other, housing_in_kind=in_kind)

    def identity(
        self, kind_key: str, number_key: str, country_key: str, *, kind_required: bool
    ) -> IdentityCell:
        """The document: a national ID, iqama or passport number checked here (length, prefix,
        check digit: IDF-xxx); a GCC ID is checked by the register with its country. Without a
        type, a ten-digit number starting with 1 or 2 is taken for a national ID or an iqama."""
        kind = self.choice(kind_key, _identity_kinds(), _IDENTITY_KINDS_SHOWN) if kind_key else ""
        raw = self.text(number_key)
        country = normalise_digits(self.text(country_key)).strip().upper() if country_key else ""
        number = normalise_identifier(raw) if raw else ""
        if number and not kind and not kind_required and len(number) == 10 and number[0] in "12":
            kind = IdentityKind.NATIONAL_ID.value if number[0] == "1" else IdentityKind.IQAMA.value
        if number and kind in (IdentityKind.NATIONAL_ID, IdentityKind.IQAMA, IdentityKind.PASSPORT):
            try:
                number = validate_identifier(number, kind)
            except SimisError as error:
                self.problem(number_key, error)
        return IdentityCell(kind or None, number, country)


# --- One reader per kind --------------------------------------------------------------------------------


def _new_contributor(row: int, reader: RowReader) -> NewContributorInput | None:
    identity = reader.identity("identity_kind", "identity_number", "identity_country", kind_required=True)
    identities = [identity]
    passport = reader.text("passport_number")
    if passport:
        country = normalise_digits(reader.text("passport_country")).strip().upper()
        try:
            identities.append(
                IdentityCell(
                    IdentityKind.PASSPORT.value, validate_identifier(passport, IdentityKind.PASSPORT), country
                )
            )
        except SimisError as error:
            reader.problem("passport_number", error)
    names = PersonNames(
        first_ar=reader.text("first_name_ar"),
        father_ar=reader.text("father_name_ar"),
        grandfather_ar=reader.text("grandfather_name_ar"),
        family_ar=reader.text("family_name_ar"),
        first_en=reader.text("first_name_en"),
        father_en=reader.text("father_name_en"),
        grandfather_en=reader.text("grandfather_name_en"),
        family_en=reader.text("family_name_en"),
    )
    birth_date = reader.read_date("birth_date")
    birth_calendar = calendar_read(reader.values["birth_date"]) if birth_date is not None else ""
    gender = reader.choice("gender", _genders(), _GENDERS_SHOWN)
    nationality = normalise_digits(reader.text("nationality")).strip().upper()
    join_date = reader.read_date("join_date")
    occupation = normalise_digits(reader.text("occupation")).strip()
    wage = reader.wage()
    months = reader.whole_number("external_old_law_months")
    if not reader.ok or birth_date is None or join_date is None or wage is None:
        return None
    return NewContributorInput(
        row=row,
        identities=tuple(identities),
        names=names,
        birth_date=birth_date,
        birth_date_calendar=birth_calendar,
        gender=gender,
        nationality=nationality,
        join_date=join_date,
        occupation=occupation,
        wage=wage,
        external_old_law_months=months,
    )


def _lookup_identity(reader: RowReader) -> IdentityCell:
    return reader.identity("identity_kind", "identity_number", "identity_country", kind_required=False)


def _period(row: int, reader: RowReader) -> PeriodInput | None:
    identity = _lookup_identity(reader)
    join_date = reader.read_date("join_date")
    leave_date = reader.read_date("leave_date")
    reason = reader.choice("leave_reason", _leave_reasons(), _LEAVE_REASONS_SHOWN)
    if leave_date is not None and not reason and not reader.values.get("leave_reason"):
        reader.problem("leave_reason", SimisError(UploadError.LEAVE_REASON_REQUIRED))
    occupation = normalise_digits(reader.text("occupation")).strip()
    wage = reader.wage()
    if not reader.ok or join_date is None or wage is None:
        return None
    return PeriodInput(
        row=row,
        identity=identity,
        join_date=join_date,
        leave_date=leave_date,
        leave_reason=reason if leave_date is not None else "",
        occupation=occupation,
        wage=wage,
    )


def _termination(row: int, reader: RowReader) -> TerminationInput | None:
    identity = _lookup_identity(reader)
    leave_date = reader.read_date("leave_date")
    reason = reader.choice("leave_reason", _leave_reasons(), _LEAVE_REASONS_SHOWN)
    if not reader.ok or leave_date is None:
        return None
    return TerminationInput(row=row, identity=identity, leave_date=leave_date, leave_reason=reason)


def _wage_change(row: int, reader: RowReader) -> WageChangeInput | None:
    identity = _lookup_identity(reader)
    month = reader.read_month("month")
    wage = reader.wage()
    occupation = normalise_digits(reader.text("occupation")).strip() or None
    if not reader.ok or month is None or wage is None:
        return None
    return WageChangeInput(row=row, identity=identity, month=month, wage=wage, occupation=occupation)


_LEAVE_REASONS_SHOWN = [reason.value for reason in LeaveReason if reason != LeaveReason.TRANSFER]

_READERS: dict[str, Callable[[int, RowReader], RowInput | None]] = {
    UploadKind.NEW_CONTRIBUTORS: _new_contributor,
    UploadKind.PERIODS: _period,
    UploadKind.TERMINATIONS: _termination,
    UploadKind.WAGE_CHANGES: _wage_change,
}


def row_read(
    layout: Layout, row: int, values: dict[str, str], extra_cells: int = 0
) -> tuple[RowInput | None, list[RowProblem]]:
    """The row's typed input, or None with every problem found in its cells."""
    reader = RowReader(layout, values)
    if extra_cells:
        reader.problems.insert(
            0,
            RowProblem(
                "",
                SimisError(
                    UploadError.EXTRA_CELLS, count=len(values) + extra_cells, columns=len(layout.columns)
                ),
            ),
        )
    built = _READERS[layout.kind](row, reader)
    return (built if reader.ok else None), reader.problems


# --- New contributors, straight from a row's cells ---------------------------------------------------------

_NEW_CONTRIBUTOR_KEYS = (
    "identity_kind",
    "identity_number",
    "identity_country",
    "passport_number",
    "passport_country",
    "first_name_ar",
    "father_name_ar",
    "grandfather_name_ar",
    "family_name_ar",
    "first_name_en",
    "father_name_en",
    "grandfather_name_en",
    "family_name_en",
    "birth_date",
    "gender",
    "nationality",
    "join_date",
    "occupation",
    "basic_wage",
    "housing_allowance",
    "other_allowances",
    "housing_in_kind",
    "external_old_law_months",
)
_CHECKED_KINDS = frozenset(
    {IdentityKind.NATIONAL_ID.value, IdentityKind.IQAMA.value, IdentityKind.PASSPORT.value}
)
_WHOLE = re.compile(r"-?\d{1,6}")


def _known(text: str, table: dict[str, str]) -> str | None:
    """A choice as ``RowReader.choice`` finds it (as written, then folded); None when it is not one."""
    found = table.get(text)
    return found if found is not None else table.get(_fold(text))


class NewContributorCells:
    """Reads a new contributor's row straight from its cells, for a file's column positions
    (``Table.slots``): the value ``row_read`` gives for a row with nothing wrong with it, without
    the per-cell bookkeeping. ``read`` gives None for a row it cannot vouch for — any cell
    missing, too long, unreadable, outside the columns — and the caller reads that row with
    ``row_read``, which names every problem. A large file is almost all good rows.

    What a cell reads to is remembered per text (dates, amounts, codes), and a wage per its
    four cells: a file repeats them many times, and what they read to is immutable."""

    def __init__(
        self, layout: Layout, slots: Sequence[tuple[int, str]], width: int, free: Sequence[int]
    ) -> None:
        self.width = width
        by_key = dict((key, position) for position, key in slots)
        # A key the file has no column for reads the empty cell added after the row's own.
        self.usable = layout.kind == UploadKind.NEW_CONTRIBUTORS and set(layout.keys) <= set(
            _NEW_CONTRIBUTOR_KEYS
        )
        self.usable = self.usable and all(column.key in by_key for column in layout.required)
        pick = [by_key.get(key, width) for key in _NEW_CONTRIBUTOR_KEYS]
        self.pick = itemgetter(*pick)
        # Each position's longest text, the empty cell added after the row's own included: a
        # column's limit; none (0: the cell must be empty) where the header names no column;
        # any length where a report's result column is ignored.
        unnamed = set(free)
        limits = [0 if position in unnamed else sys.maxsize for position in range(width)]
        for position, key in slots:
            limits[position] = layout.by_key[key].max_length
        self.limits = (*limits, 0)
        required = [by_key[column.key] for column in layout.required if column.key in by_key]
        self.required = itemgetter(*required, width) if required else None
        self.kinds = _identity_kinds()
        self.genders = _genders()
        # What cells read to, by their text: a file repeats its dates, amounts and codes.
        self.dates: dict[str, tuple[date, str]] = {}
        self.amounts: dict[str, Money] = {}
        self.codes: dict[str, str] = {}
        self.wages: dict[tuple[str, str, str, bool], WageInput] = {}

    def _date(self, text: str) -> tuple[date, str]:
        """The date and the calendar it was written in."""
        found = self.dates.get(text)
        if found is None:
            plain = gregorian_plain(text)
            if plain is not None:
                found = self.dates[text] = (plain, Calendar.GREGORIAN.value)
            else:
                found = self.dates[text] = (date_read(text), calendar_read(text))
        return found

    def _amount(self, text: str) -> Money:
        if not text:
            return _ZERO
        found = self.amounts.get(text)
        if found is None:
            found = self.amounts[text] = amount_read(text) or _ZERO
        return found

    def _wage(self, basic: str, housing: str, other: str, in_kind: bool) -> WageInput:
        key = (basic, housing, other, in_kind)
        found = self.wages.get(key)
        if found is None:
            found = self.wages[key] = WageInput(
                basic=self._amount(basic),
                housing=self._amount(housing),
                other=self._amount(other),
                housing_in_kind=in_kind,
            )
        return found

    def _code(self, text: str) -> str:
        """A country or occupation code as ``_new_contributor`` reads it: digits normalised,
        trimmed, (letters) upper-cased."""
        found = self.codes.get(text)
        if found is None:
            found = self.codes[text] = normalise_digits(text).strip().upper() if text else ""
        return found

    def read(self, row: int, cells: list[str]) -> NewContributorInput | None:
        """The row's typed input, or None (see the class)."""
        values = self.values(row, cells)
        return None if values is None else new_contributor_input(values)

    def values(self, row: int, cells: list[str]) -> NewContributorValues | None:
        """What ``read`` gives, as plain values (``NewContributorValues``), or None."""
        if not self.usable:
            return None
        width = self.width
        count = len(cells)
        if count > width:
            return None
        texts = list(map(str.strip, cells))
        if count < width:
            texts.extend([""] * (width - count))
        texts.append("")  # the cell of every column the file leaves out
        # A cell longer than its column's limit, or anything where no column is named.
        if any(map(gt, map(len, texts), self.limits)):
            return None
        # The empty cell closes the required group: one empty required cell sends the row back.
        if self.required is not None and "" in self.required(texts)[:-1]:
            return None
        picked = self.pick(texts)
        (
            kind_text,
            number_text,
            country_text,
            passport_text,
            passport_country_text,
        ) = picked[:5]
        (
            birth_text,
            gender_text,
            nationality_text,
            join_text,
            occupation_text,
            basic_text,
            housing_text,
            other_text,
            in_kind_text,
            months_text,
        ) = picked[13:]
        try:
            kind = _known(kind_text, self.kinds) if kind_text else ""
            if kind is None or not (birth_text and join_text):
                return None
            number = normalise_identifier(number_text) if number_text else ""
            if number and kind in _CHECKED_KINDS:
                number = identity_number_check(number, kind)
            identities: tuple[tuple[str | None, str, str], ...] = (
                (kind or None, number, self._code(country_text)),
            )
            if passport_text:
                identities += (
                    (
                        IdentityKind.PASSPORT.value,
                        identity_number_check(passport_text, IdentityKind.PASSPORT),
                        self._code(passport_country_text),
                    ),
                )
            birth_date, birth_calendar = self._date(birth_text)
            join_date = self._date(join_text)[0]
            gender = _known(gender_text, self.genders) if gender_text else ""
            in_kind = _known(in_kind_text, _YES_NO) if in_kind_text else ""
            if gender is None or in_kind is None:
                return None
            wage = self._wage(basic_text, housing_text, other_text, in_kind == "yes")
        except SimisError:
            return None
        months = 0
        if months_text:
            cleaned = normalise_digits(months_text).strip()
            if not _WHOLE.fullmatch(cleaned):
                return None
            months = int(cleaned)
        return (
            row,
            identities,
            picked[5:13],  # the names, in ``NewContributorValues``' order: the file's keys' order
            birth_date,
            birth_calendar,
            gender,
            self._code(nationality_text),
            join_date,
            normalise_digits(occupation_text).strip() if occupation_text else "",
            wage,
            months,
        )


# A new contributor's row as plain values — what ``NewContributorInput`` holds, made and read
# faster for the rows of a large file: row; documents as (kind, number, country); names (first,
# father, grandfather and family name in Arabic, then in English); birth date and the calendar
# it was written in; gender; nationality; join date; occupation; wage; old-law months outside
# the register.
NewContributorValues = tuple[
    int,
    tuple[tuple[str | None, str, str], ...],
    tuple[str, ...],
    date,
    str,
    str,
    str,
    date,
    str,
    WageInput,
    int,
]


def new_contributor_values(item: NewContributorInput) -> NewContributorValues:
    names = item.names
    return (
        item.row,
        tuple((doc.kind, doc.number, doc.country) for doc in item.identities),
        (
            names.first_ar,
            names.father_ar,
            names.grandfather_ar,
            names.family_ar,
            names.first_en,
            names.father_en,
            names.grandfather_en,
            names.family_en,
        ),
        item.birth_date,
        item.birth_date_calendar,
        item.gender,
        item.nationality,
        item.join_date,
        item.occupation,
        item.wage,
        item.external_old_law_months,
    )


def new_contributor_input(values: NewContributorValues) -> NewContributorInput:
    row, identities, names, birth, calendar, gender, nationality, join, occupation, wage, months = values
    first_ar, father_ar, grandfather_ar, family_ar, first_en, father_en, grandfather_en, family_en = names
    return NewContributorInput(
        row=row,
        identities=tuple(IdentityCell(kind, number, country) for kind, number, country in identities),
        names=PersonNames(
            first_ar=first_ar,
            father_ar=father_ar,
            grandfather_ar=grandfather_ar,
            family_ar=family_ar,
            first_en=first_en,
            father_en=father_en,
            grandfather_en=grandfather_en,
            family_en=family_en,
        ),
        birth_date=birth,
        birth_date_calendar=calendar,
        gender=gender,
        nationality=nationality,
        join_date=join,
        occupation=occupation,
        wage=wage,
        external_old_law_months=months,
    )


# --- Rows against each other ------------------------------------------------------------------------------


class Repeats:
    """Rows that repeat an earlier row of the same file: the same identity document for a new
    contributor or a termination (UPL-205), the same contributor and month for a wage change
    (UPL-206). The first occurrence stands; the register judges it. ``check`` each row in file
    order."""

    def __init__(self) -> None:
        self.first: dict[tuple[Any, ...], int] = {}

    def documents_check(
        self, row: int, identities: Iterable[tuple[str | None, str, str]]
    ) -> RowProblem | None:
        """``check`` of a new contributor given as ``NewContributorValues``: its documents'
        (kind, number, country)."""
        first = self.first
        keys = [(kind, number) for kind, number, _country in identities]
        for key in keys:
            if key in first:
                error = SimisError(UploadError.DUPLICATE_PERSON_IN_FILE, row=first[key], number=key[1])
                return RowProblem("identity_number", error)
        for key in keys:
            first[key] = row
        return None

    def check(self, item: RowInput) -> RowProblem | None:
        keys: list[tuple[Any, ...]] = []
        if isinstance(item, NewContributorInput):
            keys = [(doc.kind, doc.number) for doc in item.identities]
        elif isinstance(item, TerminationInput):
            keys = [(item.identity.kind, item.identity.number)]
        elif isinstance(item, WageChangeInput):
            keys = [(item.identity.kind, item.identity.number, item.month)]
        for key in keys:
            if key in self.first:
                number = key[1]
                error = (
                    SimisError(UploadError.DUPLICATE_WAGE_IN_FILE, row=self.first[key], number=number)
                    if isinstance(item, WageChangeInput)
                    else SimisError(UploadError.DUPLICATE_PERSON_IN_FILE, row=self.first[key], number=number)
                )
                return RowProblem("identity_number", error)
        for key in keys:
            self.first[key] = item.row
        return None


def duplicates_find(inputs: Sequence[RowInput]) -> dict[int, RowProblem]:
    """The repeated rows among ``inputs`` (see ``Repeats``), by row number."""
    repeats = Repeats()
    found: dict[int, RowProblem] = {}
    for item in inputs:
        problem = repeats.check(item)
        if problem is not None:
            found[item.row] = problem
    return found
