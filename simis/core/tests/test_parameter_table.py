"""Law as data: the YAML files parse, obey the file rules, and answer "as of" lookups."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from simis.core.errors import ParameterError, SimisError
from simis.core.parameter_table import (
    ParameterTable,
    Regime,
    StoredReading,
    parameter_files,
    parse_parameter_file,
    parse_parameter_text,
    readings_record,
    stored_readings,
)

SMALL = """
name: demo
parameters:
  demo.rate:
    unit: percent
    values:
      - regimes: [old_law, transitional]
        valid_from: 2014-09-01
        value: "1"
        source: "[S13]"
      - regimes: [old_law, transitional]
        valid_from: 2022-01-01
        value: "0.75"
        source: "[S15]"
        unconfirmed: true
      - regime: new_law
        valid_from: 2024-07-03
        valid_to: 2030-01-01
        value: 2
        source: "art. 44"
  demo.reading:
    unit: choice
    values:
      - regime: new_law
        valid_from: 2024-07-03
        data: anniversary
        source: "item 3"
"""


def code_of(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as caught:
        call()
    return caught.value.code


def test_parses_and_fills_valid_to_from_the_next_value():
    doc = parse_parameter_text(SMALL, "demo.yaml")
    assert doc.name == "demo" and len(doc.sha256) == 64
    old = sorted(
        (e for e in doc.entries if e.key == "demo.rate" and e.regime == Regime.OLD_LAW),
        key=lambda e: e.valid_from,
    )
    assert [(e.valid_from, e.valid_to, e.value) for e in old] == [
        (date(2014, 9, 1), date(2022, 1, 1), Decimal("1")),
        (date(2022, 1, 1), None, Decimal("0.75")),
    ]
    assert len([e for e in doc.entries if e.regime == Regime.TRANSITIONAL]) == 2


def test_as_of_lookups_and_their_edges():
    table = ParameterTable.from_documents([parse_parameter_text(SMALL)])
    assert table.as_of("demo.rate", date(2021, 12, 31), Regime.OLD_LAW).value == Decimal("1")
    reading = table.as_of("demo.rate", date(2022, 1, 1), "old_law")
    assert (reading.value, reading.unconfirmed, reading.source, reading.version_id) == (
        Decimal("0.75"),
        True,
        "[S15]",
        None,
    )
    assert table.as_of("demo.rate", date(2029, 12, 31), Regime.NEW_LAW).value == Decimal("2")
    assert table.as_of("demo.reading", date(2025, 1, 1), Regime.NEW_LAW).value == "anniversary"
    assert code_of(lambda: table.as_of("demo.rate", date(2014, 8, 31), Regime.OLD_LAW)) == "PRM-001"
    assert code_of(lambda: table.as_of("demo.rate", date(2030, 1, 1), Regime.NEW_LAW)) == "PRM-001"
    assert code_of(lambda: table.as_of("demo.reading", date(2025, 1, 1), Regime.OLD_LAW)) == "PRM-001"
    assert (
        code_of(lambda: table.as_of("demo.nothing", date(2025, 1, 1), Regime.OLD_LAW))
        == ParameterError.UNKNOWN_KEY.code
    )


def test_reading_record_is_json_safe():
    table = ParameterTable.from_documents([parse_parameter_text(SMALL)])
    reading = table.as_of("demo.rate", date(2023, 1, 1), Regime.OLD_LAW)
    # The value read and the row it came from; the source, unit, end of validity and the
    # unconfirmed mark stay with the version (parameter_records_explain), the regime is named
    # once per calculation.
    assert reading.as_record() == ["demo.rate", None, "2022-01-01", "0.75"]
    assert readings_record([reading]) == {"old_law": [["demo.rate", None, "2022-01-01", "0.75"]]}


def test_stored_readings_are_read_in_both_forms():
    """A calculation stored before 2026-11-26 kept a mapping per reading; both forms give the
    same readings back, in the order they were read."""
    table = ParameterTable.from_documents([parse_parameter_text(SMALL)])
    rate = table.as_of("demo.rate", date(2023, 1, 1), Regime.OLD_LAW)
    choice = table.as_of("demo.reading", date(2025, 1, 1), Regime.NEW_LAW)
    compact = json.loads(json.dumps(readings_record([rate, choice])))
    older = [
        {
            "key": "demo.rate",
            "regime": "old_law",
            "value": "0.75",
            "version_id": None,
            "valid_from": "2022-01-01",
            "unconfirmed": True,
        },
        {
            "key": "demo.reading",
            "regime": "new_law",
            "value": "anniversary",
            "version_id": None,
            "valid_from": "2024-07-03",
            "unconfirmed": False,
        },
    ]
    expected = [
        StoredReading("demo.rate", Regime.OLD_LAW, None, date(2022, 1, 1), "0.75"),
        StoredReading("demo.reading", Regime.NEW_LAW, None, date(2024, 7, 3), "anniversary"),
    ]
    assert stored_readings(compact) == stored_readings(older) == expected
    for broken in ({"old_law": [["demo.rate", None]]}, [{"key": "demo.rate"}], "demo.rate"):
        assert code_of(lambda broken=broken: stored_readings(broken)) == "PRM-008"


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        (('value: "1"', "value: 1.0"), "quoted strings"),
        (('value: "1"', "value: abc"), "not a number"),
        (("valid_from: 2022-01-01", "valid_from: 2014-09-01"), "two values start on"),
        (
            (
                "regime: new_law\n        valid_from: 2024-07-03\n        valid_to: 2030-01-01",
                "regime: new_law\n        valid_from: 2024-07-03\n        valid_to: 2020-01-01",
            ),
            "valid_to",
        ),
        (('source: "[S13]"', 'source: ""'), "source"),
        (
            (
                "regimes: [old_law, transitional]\n        valid_from: 2014",
                "regimes: [old_law, future_law]\n        valid_from: 2014",
            ),
            "unknown regime",
        ),
        (("data: anniversary", "data:"), "'data' may not be empty"),
        (("unit: choice", 'unit: ""'), "unit"),
        (("name: demo", "title: demo"), "'name'"),
        (("unconfirmed: true", "unconfirmed: maybe"), "unconfirmed"),
        (("unconfirmed: true", "unconfirmd: true"), "unknown field"),
    ],
)
def test_malformed_files_are_refused_with_the_reason(change, detail):
    text = SMALL.replace(*change, 1)
    assert text != SMALL
    with pytest.raises(SimisError) as caught:
        parse_parameter_text(text, "demo.yaml")
    assert caught.value.code == ParameterError.INVALID_FILE.code
    assert detail in caught.value.as_dict()["message_en"]
    assert "demo.yaml" in caught.value.as_dict()["message_en"]


def test_not_yaml_at_all():
    assert code_of(lambda: parse_parameter_text("name: [unclosed")) == "PRM-003"
    assert code_of(lambda: parse_parameter_text("- just a list")) == "PRM-003"


def test_every_shipped_file_parses_and_cites_its_sources():
    files = parameter_files()
    assert any(p.name == "contributions.yaml" for p in files)
    names = set()
    for path in files:
        doc = parse_parameter_file(path)
        assert doc.name not in names
        names.add(doc.name)
        assert all(entry.source for entry in doc.entries)


def test_contributions_file_marks_what_rules_md_marks_unconfirmed(shipped_table):
    unconfirmed = {
        ("annuities.employee_rate", date(2001, 4, 1), Regime.OLD_LAW),
        ("wage.voluntary_minimum", date(2010, 1, 1), Regime.OLD_LAW),
        ("wage.in_kind_housing_months", date(2010, 1, 1), Regime.OLD_LAW),
        ("pensions.phase_in_reading", date(2024, 7, 3), Regime.NEW_LAW),
        ("pensions.total_rate.anniversary", date(2025, 7, 3), Regime.NEW_LAW),
        ("pensions.total_rate.month_following", date(2025, 8, 1), Regime.NEW_LAW),
        ("wage.includes_housing_allowance", date(2025, 1, 1), Regime.NEW_LAW),
        ("gcc.KW.employee_rate", date(2020, 1, 1), Regime.NEW_LAW),
    }
    for key, on, regime in unconfirmed:
        assert shipped_table.as_of(key, on, regime).unconfirmed, key
    confirmed = {
        ("annuities.employer_rate", date(2001, 4, 1), Regime.OLD_LAW),
        ("occupational_hazards.employer_rate", date(2024, 7, 3), Regime.NEW_LAW),
        ("unemployment.employee_rate", date(2022, 1, 1), Regime.OLD_LAW),
        ("pensions.total_rate.anniversary", date(2024, 7, 3), Regime.NEW_LAW),
        ("wage.ceiling", date(2025, 1, 1), Regime.NEW_LAW),
    }
    for key, on, regime in confirmed:
        assert not shipped_table.as_of(key, on, regime).unconfirmed, key


@pytest.mark.parametrize(
    ("key", "on", "regime", "value"),
    [
        ("annuities.employer_rate", date(2001, 3, 26), Regime.OLD_LAW, "9"),
        ("annuities.employee_rate", date(2001, 3, 26), Regime.OLD_LAW, "6"),
        ("annuities.employee_rate", date(2002, 6, 1), Regime.OLD_LAW, "7.5"),
        ("annuities.employee_rate", date(2010, 1, 1), Regime.TRANSITIONAL, "9"),
        ("occupational_hazards.employer_rate", date(2010, 1, 1), Regime.OLD_LAW, "2"),
        ("unemployment.employer_rate", date(2014, 8, 31), Regime.OLD_LAW, "0"),
        ("unemployment.employer_rate", date(2014, 9, 1), Regime.OLD_LAW, "1"),
        ("unemployment.employee_rate", date(2022, 1, 1), Regime.TRANSITIONAL, "0.75"),
        ("unemployment.employee_rate", date(2024, 7, 3), Regime.NEW_LAW, "0.75"),
        ("pensions.total_rate.anniversary", date(2025, 7, 2), Regime.NEW_LAW, "18"),
        ("pensions.total_rate.anniversary", date(2025, 7, 3), Regime.NEW_LAW, "19"),
        ("pensions.total_rate.month_following", date(2025, 7, 31), Regime.NEW_LAW, "18"),
        ("pensions.total_rate.month_following", date(2028, 8, 1), Regime.NEW_LAW, "22"),
        ("wage.ceiling", date(2024, 7, 3), Regime.NEW_LAW, "45000"),
        ("wage.annuities_minimum", date(2020, 1, 1), Regime.OLD_LAW, "1500"),
        ("wage.occupational_hazards_minimum", date(2020, 1, 1), Regime.OLD_LAW, "400"),
        ("wage.voluntary_minimum", date(2020, 1, 1), Regime.OLD_LAW, "1200"),
        ("wage.in_kind_housing_months", date(2020, 1, 1), Regime.OLD_LAW, "2"),
    ],
)
def test_contribution_figures_match_rules_md(shipped_table, key, on, regime, value):
    assert shipped_table.as_of(key, on, regime).value == Decimal(value)


def test_new_law_has_no_values_before_3_july_2024(shipped_table):
    for key in ("pensions.total_rate.anniversary", "occupational_hazards.employer_rate", "wage.ceiling"):
        assert (
            code_of(lambda key=key: shipped_table.as_of(key, date(2024, 7, 2), Regime.NEW_LAW)) == "PRM-001"
        )
