"""A row's cells to a typed register operation (no database): every bad cell reported with its
column and code, dates in either calendar, Arabic-Indic digits, repeated rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from simis.core.dates import Calendar
from simis.core.identifiers import IdentityKind
from simis.core.money import Money
from simis.uploads.layouts import NEW_CONTRIBUTORS_V1, PERIODS_V1, TERMINATIONS_V1, WAGE_CHANGES_V1
from simis.uploads.parsing import table_read
from simis.uploads.reports import neutralise
from simis.uploads.rows import (
    IdentityCell,
    NewContributorCells,
    NewContributorInput,
    PeriodInput,
    TerminationInput,
    WageChangeInput,
    calendar_read,
    date_read,
    duplicates_find,
    gregorian_plain,
    new_contributor_input,
    new_contributor_values,
    row_read,
)
from simis.uploads.tests.files import csv_bytes, new_contributor, next_national_id


def values(layout, **cells):  # type: ignore[no-untyped-def]
    base = dict.fromkeys(layout.keys, "")
    base.update(cells)
    return base


def test_a_valid_new_contributor_row() -> None:
    row = new_contributor(housing_in_kind="نعم", other_allowances="٣٠٠")
    built, problems = row_read(NEW_CONTRIBUTORS_V1, 3, values(NEW_CONTRIBUTORS_V1, **row))
    assert problems == []
    assert isinstance(built, NewContributorInput)
    assert built.identities == (IdentityCell("national_id", row["identity_number"], ""),)
    assert built.birth_date == date(1995, 4, 12)
    assert built.birth_date_calendar == "gregorian"
    assert built.wage.other == Money(Decimal("300"))
    assert built.wage.housing_in_kind is True
    assert built.names.first_ar == "محمد"


def test_arabic_indic_digits_hijri_dates_and_arabic_choices() -> None:
    row = new_contributor(
        identity_number="١٠٠٠٠٠٠٠١٦",
        birth_date="١٠/٠٦/١٤١٥",
        join_date="١/٣/٢٠٢٦",
        gender="أنثى",
        basic_wage="٥٬٠٠٠٫٥٠",
        identity_kind="هوية وطنية",
    )
    built, problems = row_read(NEW_CONTRIBUTORS_V1, 3, values(NEW_CONTRIBUTORS_V1, **row))
    assert problems == []
    assert isinstance(built, NewContributorInput)
    assert built.identities[0].number == "1000000016"
    assert built.birth_date_calendar == "hijri"
    assert built.birth_date == date(1994, 11, 13)  # 10 Jumada al-Akhirah 1415
    assert built.join_date == date(2026, 3, 1)
    assert built.gender == "female"
    assert built.wage.basic == Money(Decimal("5000.50"))


def test_every_bad_cell_of_a_row_is_reported_with_its_column() -> None:
    row = new_contributor(
        identity_number="1000000017",  # wrong check digit
        birth_date="31/02/1990",
        gender="x",
        basic_wage="five thousand",
        family_name_en="",
        housing_in_kind="maybe",
        external_old_law_months="1.5",
    )
    built, problems = row_read(NEW_CONTRIBUTORS_V1, 7, values(NEW_CONTRIBUTORS_V1, **row))
    assert built is None
    assert {(p.column, p.error.code) for p in problems} == {
        ("identity_number", "IDF-006"),
        ("birth_date", "DATE-005"),
        ("gender", "UPL-203"),
        ("basic_wage", "UPL-202"),
        ("family_name_en", "UPL-201"),
        ("housing_in_kind", "UPL-203"),
        ("external_old_law_months", "UPL-204"),
    }


def test_too_long_text_and_extra_cells() -> None:
    row = new_contributor(first_name_en="A" * 61)
    built, problems = row_read(NEW_CONTRIBUTORS_V1, 3, values(NEW_CONTRIBUTORS_V1, **row), extra_cells=2)
    assert built is None
    assert [p.error.code for p in problems] == ["UPL-207", "UPL-213"]


def test_a_period_row_and_its_leave_reason() -> None:
    built, problems = row_read(
        PERIODS_V1,
        3,
        values(
            PERIODS_V1,
            identity_number="2000000006",
            join_date="2025-01-01",
            leave_date="2025-06-30",
            leave_reason="استقالة",
            occupation="7",
            basic_wage="4000",
        ),
    )
    assert problems == []
    assert isinstance(built, PeriodInput)
    assert built.identity == IdentityCell("iqama", "2000000006", "")
    assert built.leave_reason == "resignation"
    _built, problems = row_read(
        PERIODS_V1,
        3,
        values(
            PERIODS_V1,
            identity_number="2000000006",
            join_date="2025-01-01",
            leave_date="2025-06-30",
            occupation="7",
            basic_wage="4000",
        ),
    )
    assert [p.error.code for p in problems] == ["UPL-211"]


def test_a_transfer_is_not_a_leave_reason_here() -> None:
    _built, problems = row_read(
        TERMINATIONS_V1,
        3,
        values(
            TERMINATIONS_V1, identity_number="1000000016", leave_date="2026-02-28", leave_reason="transfer"
        ),
    )
    assert [p.error.code for p in problems] == ["UPL-203"]


def test_termination_and_wage_change_rows() -> None:
    built, problems = row_read(
        TERMINATIONS_V1,
        3,
        values(
            TERMINATIONS_V1, identity_number="1000000016", leave_date="28/02/2026", leave_reason="dismissal"
        ),
    )
    assert problems == [] and isinstance(built, TerminationInput)
    assert built.leave_date == date(2026, 2, 28)
    for month in ("2026-03", "03/2026", "2026-03-17", "١٧/٣/٢٠٢٦"):
        built, problems = row_read(
            WAGE_CHANGES_V1,
            3,
            values(WAGE_CHANGES_V1, identity_number="1000000016", month=month, basic_wage="7000"),
        )
        assert problems == [] and isinstance(built, WageChangeInput), month
        assert built.month == date(2026, 3, 1)
        assert built.occupation is None


def test_passport_numbers_are_looked_up_by_number_alone() -> None:
    built, problems = row_read(
        TERMINATIONS_V1,
        3,
        values(TERMINATIONS_V1, identity_number="z1234567", leave_date="2026-02-28", leave_reason="other"),
    )
    assert problems == [] and isinstance(built, TerminationInput)
    assert built.identity == IdentityCell(None, "Z1234567", "")


def test_repeated_rows_in_one_file() -> None:
    first = new_contributor()
    inputs = [
        row_read(NEW_CONTRIBUTORS_V1, number, values(NEW_CONTRIBUTORS_V1, **row))[0]
        for number, row in ((3, first), (4, new_contributor()), (5, {**first, "first_name_en": "Other"}))
    ]
    found = duplicates_find([item for item in inputs if item is not None])
    assert list(found) == [5]
    assert found[5].error.code == "UPL-205"
    assert found[5].error.params["row"] == 3
    wage = values(WAGE_CHANGES_V1, identity_number="1000000016", month="2026-03", basic_wage="7000")
    changes = [row_read(WAGE_CHANGES_V1, number, wage)[0] for number in (3, 4)]
    assert duplicates_find([item for item in changes if item is not None])[4].error.code == "UPL-206"


def test_neutralise_formula_triggers() -> None:
    for text in ("=1+2", "+966500000000", "-500", "@SUM(A1)", "\t=1", "\r=1"):
        assert neutralise(text) == "'" + text
    for text in ("plain", "", "1=1", " =1"):
        assert neutralise(text) == text


def cell_variants() -> list[dict[str, Any]]:
    """Rows as employers write them, good and bad: the straight reader must read each good one
    as ``row_read`` does and leave every other to it."""
    iqama = next_national_id(IdentityKind.IQAMA)
    return [
        new_contributor(),
        new_contributor(identity_number="١٠٠٠٠٠٠٠١٦", birth_date="١٠/٠٦/١٤١٥", basic_wage="٥٬٠٠٠٫٥٠"),
        new_contributor(identity_kind="هوية وطنية", gender="أنثى", housing_in_kind="نعم"),
        new_contributor(identity_kind=" National ID ", gender="F", housing_in_kind="Y"),
        new_contributor(birth_date="26/12/1446 هـ", join_date=" 2026-03-01 "),
        new_contributor(
            nationality="IND", identity_kind="iqama", identity_number=iqama, passport_number="z765-4321"
        ),
        new_contributor(
            nationality="BHR", identity_kind="gcc_id", identity_number="880112345", identity_country="bh"
        ),
        new_contributor(
            nationality="EG", identity_kind="passport", identity_number="a1234567", identity_country="EGY"
        ),
        new_contributor(external_old_law_months="٣٠", other_allowances="", housing_allowance=""),
        new_contributor(first_name_en="O\\'Neil\tJr"),
        # Bad rows: each has something row_read reports.
        new_contributor(identity_kind="driving licence"),
        new_contributor(identity_number="1000000017"),
        new_contributor(passport_number="12"),
        new_contributor(birth_date="31/02/1990"),
        new_contributor(birth_date=""),
        new_contributor(gender="x"),
        new_contributor(basic_wage="6,000.5.0"),
        new_contributor(housing_in_kind="maybe"),
        new_contributor(external_old_law_months="1.5"),
        new_contributor(first_name_ar=""),
        new_contributor(family_name_en="x" * 61),
        new_contributor(nationality="SAUD"),
    ]


def test_the_straight_reader_reads_as_row_read_does_or_leaves_the_row_to_it() -> None:
    rows = cell_variants()
    data = csv_bytes(NEW_CONTRIBUTORS_V1, rows)
    # The same rows again with an extra cell past the last column, and with trailing cells cut.
    text = data.decode("utf-8-sig").split("\r\n")
    extra = [line + ",surplus" for line in text[2:] if line]
    short = [line.rsplit(",", 2)[0] for line in text[2:] if line]
    lines = text[:2] + [line for line in text[2:] if line] + extra + short
    table = table_read("\r\n".join(lines).encode(), "f.csv", "new_contributors")
    straight = NewContributorCells(table.layout, table.slots, len(table.columns), table.free)
    straight_rows = []
    for number, cells in table.rows:
        expected, problems = row_read(table.layout, number, table.values(cells), table.extra_cells(cells))
        found = straight.read(number, cells)
        # Every row with nothing wrong is read straight, to the very same input; no other is.
        assert (found is not None) == (not problems), number
        if found is not None:
            assert found == expected, number
            straight_rows.append(number)
    # The ten good rows; none with a cell too many; short rows whose missing cells are optional
    # (the last two: in-kind housing and outside months — which were wrong in rows 20 and 21).
    first = 3
    assert straight_rows == list(range(first, first + 10)) + [
        first + 2 * len(rows) + offset for offset in [*range(10), 17, 18]
    ]


def test_the_straight_reader_follows_the_file_s_column_order() -> None:
    row = new_contributor(passport_number="", nationality="SAU")
    columns = list(reversed(NEW_CONTRIBUTORS_V1.keys))
    table = table_read(csv_bytes(NEW_CONTRIBUTORS_V1, [row], columns=columns), "f.csv", "new_contributors")
    straight = NewContributorCells(table.layout, table.slots, len(table.columns), table.free)
    number, cells = table.rows[0]
    expected, problems = row_read(table.layout, number, table.values(cells))
    assert problems == [] and straight.read(number, cells) == expected


_DIGIT_SETS = ("0123456789", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹")


@given(
    st.one_of(
        # Dates as files write them, in every digit set, plausible or not, real or not.
        st.builds(
            lambda year, month, day, separators, day_first, digits: (
                f"{day:0{2 if day_first else 1}}{separators[0]}{month:02}{separators[1]}{year}"
                if day_first
                else f"{year}{separators[0]}{month}{separators[1]}{day:02}"
            ).translate(str.maketrans("0123456789", digits)),
            st.integers(1300, 2200),
            st.integers(0, 13),
            st.integers(0, 32),
            st.tuples(st.sampled_from("-/. "), st.sampled_from("-/.")),
            st.booleans(),
            st.sampled_from(_DIGIT_SETS),
        ),
        # And anything else.
        st.text(alphabet="0123456789٠١٢٣٤-/. هـHGm\u200f", max_size=14),
    )
)
def test_plain_gregorian_dates_read_as_the_full_reader_reads_them(text: str) -> None:
    found = gregorian_plain(text)
    if found is not None:
        assert found == date_read(text)
        assert calendar_read(text) == Calendar.GREGORIAN.value


def test_a_new_contributor_s_values_give_its_input_back() -> None:
    row = new_contributor(passport_number="A1234567", passport_country="IND")
    table = table_read(csv_bytes(NEW_CONTRIBUTORS_V1, [row]), "f.csv", "new_contributors")
    number, cells = table.rows[0]
    straight = NewContributorCells(table.layout, table.slots, len(table.columns), table.free)
    values = straight.values(number, cells)
    assert values is not None
    item = new_contributor_input(values)
    assert new_contributor_values(item) == values
    assert item == row_read(table.layout, number, table.values(cells))[0]
