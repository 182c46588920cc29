"""The contribution-rate rule, read straight from the YAML (no database): the totals RULES.md
states for each regime, nationality and period."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simis.core.contribution_rates import Branch, NationalityClass, Party, contribution_rates
from simis.core.errors import SimisError
from simis.core.money import Money
from simis.core.parameter_table import ParameterTable, Regime, parameter_files, parse_parameter_file

# Module level because hypothesis tests cannot take function-scoped fixtures.
_TABLE = ParameterTable.from_documents(parse_parameter_file(p) for p in parameter_files())


def rates(table, regime, nationality, month, **kwargs):  # type: ignore[no-untyped-def]
    return contribution_rates(
        regime=regime, nationality=nationality, month=month, read=table.reader(), **kwargs
    )


@pytest.mark.parametrize(
    ("regime", "month", "employer", "employee"),
    [
        # Saudi before SANED: 9 + 2 employer, employee at the final 9% (assumed dates).
        (Regime.OLD_LAW, date(2010, 5, 1), "11", "9"),
        # Saudi before 2022: 12% employer + 10% employee = 22% (RULES §1.1).
        (Regime.OLD_LAW, date(2018, 5, 1), "12", "10"),
        # Saudi from 2022: 11.75% + 9.75% = 21.5% (RULES §1.1).
        (Regime.OLD_LAW, date(2022, 1, 1), "11.75", "9.75"),
        (Regime.TRANSITIONAL, date(2025, 1, 1), "11.75", "9.75"),
        # New law, first year: 9 + 2 + 0.75 employer, 9 + 0.75 employee.
        (Regime.NEW_LAW, date(2024, 7, 1), "11.75", "9.75"),
        # Default reading: July 2025 is the first month at 19%.
        (Regime.NEW_LAW, date(2025, 7, 1), "12.25", "10.25"),
        (Regime.NEW_LAW, date(2028, 7, 1), "13.75", "11.75"),
        (Regime.NEW_LAW, date(2035, 1, 1), "13.75", "11.75"),
    ],
)
def test_saudi_totals(shipped_table, regime, month, employer, employee):
    result = rates(shipped_table, regime, NationalityClass.SAUDI, month)
    assert (result.employer_rate, result.employee_rate) == (Decimal(employer), Decimal(employee))


def test_sara_old_law_lines_and_amounts(shipped_table):
    """Sara, Saudi, old law, 10,000 SAR in March 2023."""
    result = rates(shipped_table, Regime.OLD_LAW, NationalityClass.SAUDI, date(2023, 3, 15))
    assert result.month == date(2023, 3, 1) and result.read_on == date(2023, 3, 31)
    lines = {(line.branch, line.party): line for line in result.lines}
    assert set(lines) == {
        (Branch.OCCUPATIONAL_HAZARDS, Party.EMPLOYER),
        (Branch.ANNUITIES, Party.EMPLOYER),
        (Branch.ANNUITIES, Party.EMPLOYEE),
        (Branch.UNEMPLOYMENT, Party.EMPLOYER),
        (Branch.UNEMPLOYMENT, Party.EMPLOYEE),
    }
    wage = Money(10000)
    assert lines[(Branch.UNEMPLOYMENT, Party.EMPLOYEE)].amount(wage) == Money(75)
    assert Money.total(line.amount(wage) for line in result.lines) == Money(2150)
    assert lines[(Branch.ANNUITIES, Party.EMPLOYER)].readings[0].source.startswith("[S4]")


def test_saned_lines_are_left_out_before_september_2014_but_the_reading_is_kept(shipped_table):
    result = rates(shipped_table, Regime.OLD_LAW, NationalityClass.SAUDI, date(2014, 8, 1))
    assert Branch.UNEMPLOYMENT not in {line.branch for line in result.lines}
    assert "unemployment.employer_rate" in {r.key for r in result.readings}
    result = rates(shipped_table, Regime.OLD_LAW, NationalityClass.SAUDI, date(2014, 9, 1))
    assert Branch.UNEMPLOYMENT in {line.branch for line in result.lines}


def test_ravi_non_saudi_pays_occupational_hazards_only(shipped_table):
    for regime in Regime:
        result = rates(shipped_table, regime, NationalityClass.NON_SAUDI, date(2025, 3, 1))
        assert [(line.branch, line.party, line.rate) for line in result.lines] == [
            (Branch.OCCUPATIONAL_HAZARDS, Party.EMPLOYER, Decimal("2"))
        ]
        assert result.employee_rate == 0


def test_gcc_nationals_follow_the_home_country_rates(shipped_table):
    result = rates(shipped_table, Regime.NEW_LAW, NationalityClass.GCC, date(2025, 3, 1), gcc_country="kw")
    assert result.gcc_country == "KW"
    assert (result.employer_rate, result.employee_rate) == (Decimal("11"), Decimal("9.5"))
    assert result.unconfirmed
    with pytest.raises(SimisError) as caught:
        rates(shipped_table, Regime.NEW_LAW, NationalityClass.GCC, date(2025, 3, 1))
    assert caught.value.code == "IDF-010"


def test_new_law_is_split_equally_and_records_the_reading_used(shipped_table):
    result = rates(shipped_table, Regime.NEW_LAW, NationalityClass.SAUDI, date(2026, 9, 1))
    pension = [line for line in result.lines if line.branch == Branch.PENSIONS]
    assert [line.rate for line in pension] == [Decimal(10), Decimal(10)]
    assert [r.key for r in pension[0].readings] == [
        "pensions.phase_in_reading",
        "pensions.total_rate.anniversary",
    ]
    assert pension[0].unconfirmed


def test_the_month_following_reading_moves_each_step_to_august():
    """Switching the unconfirmed reading is a data change, not a code change."""
    documents = [parse_parameter_file(p) for p in parameter_files()]
    for doc in documents:
        for index, entry in enumerate(doc.entries):
            if entry.key == "pensions.phase_in_reading":
                doc.entries[index] = replace(entry, value="month_following")
    table = ParameterTable.from_documents(documents)
    july = rates(table, Regime.NEW_LAW, NationalityClass.SAUDI, date(2025, 7, 1))
    august = rates(table, Regime.NEW_LAW, NationalityClass.SAUDI, date(2025, 8, 1))
    assert (july.employee_rate, august.employee_rate) == (Decimal("9.75"), Decimal("10.25"))


def test_new_law_before_it_started_is_refused(shipped_table):
    with pytest.raises(SimisError) as caught:
        rates(shipped_table, Regime.NEW_LAW, NationalityClass.SAUDI, date(2024, 6, 1))
    assert caught.value.code == "PRM-001"


def test_record_is_json_safe(shipped_table):
    import json

    record = rates(shipped_table, Regime.OLD_LAW, NationalityClass.SAUDI, date(2023, 3, 1)).as_record()
    assert json.loads(json.dumps(record)) == record
    assert record["version_ids"] == []  # read from YAML, not from a loaded version


months = st.dates(min_value=date(2024, 7, 3), max_value=date(2040, 12, 31))


@given(months)
def test_new_law_rates_never_fall_and_stay_between_18_and_22_percent(month):
    table = _TABLE
    now = rates(table, Regime.NEW_LAW, NationalityClass.SAUDI, month)
    pension_total = sum(line.rate for line in now.lines if line.branch == Branch.PENSIONS)
    assert Decimal(18) <= pension_total <= Decimal(22)
    later = rates(table, Regime.NEW_LAW, NationalityClass.SAUDI, date(month.year + 1, month.month, 1))
    assert later.employer_rate >= now.employer_rate
    assert now.employer_rate - now.employee_rate == Decimal(2)  # only OH is employer-only
