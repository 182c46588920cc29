"""Parameters loaded into PostgreSQL: versions by content hash, no overlapping validity,
fast reads, and calculations that keep pointing at the version they used."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from simis.core.contribution_rates import NationalityClass, contribution_rates
from simis.core.errors import SimisError
from simis.core.models import ParameterSet, ParameterValue
from simis.core.parameter_table import PARAMETERS_DIR, Regime
from simis.core.selectors import (
    parameter_as_of,
    parameter_cache_clear,
    parameter_reader,
    parameter_records_explain,
    parameter_versions_current,
)
from simis.core.services import parameters_load

pytestmark = pytest.mark.django_db

CONTRIBUTIONS = PARAMETERS_DIR / "contributions.yaml"


def changed_copy(tmp_path: Path, old: str, new: str) -> Path:
    """contributions.yaml with one edit, as a reviewer would commit it."""
    text = CONTRIBUTIONS.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "contributions.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_loading_is_idempotent(loaded_parameters):
    first = {r.name: r for r in loaded_parameters}["contributions"]
    assert first.created and first.value_count > 50
    rows = ParameterValue.objects.count()
    again = {r.name: r for r in parameters_load()}["contributions"]
    assert (again.version_id, again.created) == (first.version_id, False)
    assert ParameterValue.objects.count() == rows
    assert ParameterSet.objects.filter(name="contributions").count() == 1
    version = ParameterSet.objects.get(pk=first.version_id)
    assert version.source_text == CONTRIBUTIONS.read_text(encoding="utf-8")
    assert len(version.sha256) == 64


def test_parameter_as_of_reads_the_current_version(loaded_parameters):
    reading = parameter_as_of("unemployment.employee_rate", date(2022, 1, 1), Regime.OLD_LAW)
    assert reading.value == Decimal("0.75") and str(reading.value) == "0.75"
    assert reading.version_id == parameter_versions_current()["contributions"]
    assert reading.valid_from == date(2022, 1, 1) and reading.source == "[S15]"
    assert str(parameter_as_of("wage.ceiling", date(2025, 1, 1), "new_law").value) == "45000"
    assert parameter_as_of("pensions.phase_in_reading", date(2025, 1, 1), "new_law").value == "anniversary"
    assert parameter_as_of("wage.includes_housing_allowance", date(2025, 1, 1), "new_law").value is True


def test_clear_coded_errors(loaded_parameters):
    with pytest.raises(SimisError) as caught:
        parameter_as_of("unemployment.employee_rate", date(1999, 1, 1), Regime.OLD_LAW)
    assert caught.value.code == "PRM-001"
    assert "1999-01-01" in caught.value.as_dict()["message_en"]
    with pytest.raises(SimisError) as caught:
        parameter_as_of("no.such.key", date(2020, 1, 1), Regime.OLD_LAW)
    assert caught.value.code == "PRM-002"
    with pytest.raises(SimisError) as caught:
        parameter_as_of("wage.ceiling", date(2020, 1, 1), Regime.OLD_LAW, version_id=10**9)
    assert caught.value.code == "PRM-005"


def test_nothing_loaded():
    parameter_cache_clear()
    with pytest.raises(SimisError) as caught:
        parameter_as_of("wage.ceiling", date(2020, 1, 1), Regime.OLD_LAW)
    assert caught.value.code == "PRM-004"


def test_reads_are_served_from_the_in_process_cache(loaded_parameters, django_assert_num_queries):
    version = {r.name: r for r in loaded_parameters}["contributions"].version_id
    parameter_as_of("wage.ceiling", date(2020, 1, 1), Regime.OLD_LAW, version_id=version)  # warm
    with django_assert_num_queries(0):
        for year in range(2002, 2024):
            parameter_as_of("annuities.employee_rate", date(year, 6, 1), Regime.OLD_LAW, version_id=version)
    parameter_as_of("wage.ceiling", date(2020, 1, 1), Regime.OLD_LAW)  # warm the current set
    with django_assert_num_queries(1):  # which versions are current
        parameter_as_of("wage.ceiling", date(2020, 1, 1), Regime.OLD_LAW)


def test_exclusion_constraint_forbids_overlapping_validity(loaded_parameters):
    version = ParameterSet.objects.get(pk={r.name: r for r in loaded_parameters}["contributions"].version_id)
    common = {"parameter_set": version, "key": "demo.x", "unit": "percent", "source": "test"}
    ParameterValue.objects.create(
        regime="old_law", valid_from=date(2020, 1, 1), valid_to=date(2021, 1, 1), value_decimal=1, **common
    )
    # Touching ranges are fine ([from, to) is half-open), as are other regimes and versions.
    ParameterValue.objects.create(regime="old_law", valid_from=date(2021, 1, 1), value_decimal=2, **common)
    ParameterValue.objects.create(regime="new_law", valid_from=date(2020, 6, 1), value_decimal=3, **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        ParameterValue.objects.create(
            regime="old_law", valid_from=date(2020, 6, 1), value_decimal=4, **common
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        # An open-ended value overlaps everything after it.
        ParameterValue.objects.create(
            regime="old_law", valid_from=date(2030, 1, 1), value_decimal=5, **common
        )


def test_check_constraints(loaded_parameters):
    version = ParameterSet.objects.get(pk={r.name: r for r in loaded_parameters}["contributions"].version_id)
    common = {"parameter_set": version, "key": "demo.y", "regime": "old_law", "unit": "u", "source": "s"}
    with pytest.raises(IntegrityError), transaction.atomic():
        ParameterValue.objects.create(
            valid_from=date(2020, 1, 1), valid_to=date(2020, 1, 1), value_decimal=1, **common
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ParameterValue.objects.create(valid_from=date(2020, 1, 1), value_decimal=1, value_json="x", **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        ParameterValue.objects.create(valid_from=date(2020, 1, 1), **common)


def test_a_calculation_keeps_pointing_at_the_version_it_used(loaded_parameters, tmp_path):
    """Sara's March 2023 rates are recorded with version v1. GOSI then confirms a different
    SANED rate; the reloaded file becomes v2. New calculations use v2; the recorded one still
    names v1, and v1 still reproduces it exactly."""
    v1 = parameter_versions_current()["contributions"]
    before = contribution_rates(
        regime=Regime.OLD_LAW,
        nationality=NationalityClass.SAUDI,
        month=date(2023, 3, 1),
        read=parameter_reader(),
    )
    stored = before.as_record()  # what a bill would keep in its JSON column
    assert stored["version_ids"] == [v1]
    assert {r[1] for line in stored["lines"] for r in line["readings"]["old_law"]} == {v1}

    # The first 2022 value in the file is SANED's employer share.
    edited = changed_copy(
        tmp_path,
        'valid_from: 2022-01-01\n        value: "0.75"',
        'valid_from: 2022-01-01\n        value: "0.8"',
    )
    (result,) = parameters_load([edited])
    assert result.created and result.version_id != v1
    v2 = result.version_id
    assert parameter_versions_current()["contributions"] == v2

    after = contribution_rates(
        regime=Regime.OLD_LAW,
        nationality=NationalityClass.SAUDI,
        month=date(2023, 3, 1),
        read=parameter_reader(),
    )
    assert after.version_ids == {v2}
    assert after.employer_rate == Decimal("11.80") and before.employer_rate == Decimal("11.75")

    # The old version is intact and still reproduces the stored calculation.
    assert ParameterSet.objects.filter(pk=v1).exists()
    replay = contribution_rates(
        regime=Regime.OLD_LAW,
        nationality=NationalityClass.SAUDI,
        month=date(2023, 3, 1),
        read=parameter_reader(stored["version_ids"]),
    )
    assert replay.as_record() == stored
    old = parameter_as_of("unemployment.employer_rate", date(2023, 3, 1), Regime.OLD_LAW, version_id=v1)
    assert old.value == Decimal("0.75")

    # The stored copy is small (key, version, valid_from and value; no source text, the regime
    # named once); its explanation brings back v1's full rows.
    (saned_line,) = [
        line for line in stored["lines"] if line["branch"] == "unemployment" and line["party"] == "employer"
    ]
    assert saned_line["readings"] == {"old_law": [["unemployment.employer_rate", v1, "2022-01-01", "0.75"]]}
    (explained,) = parameter_records_explain(saned_line["readings"])
    assert (explained.version_id, explained.value, explained.source) == (v1, Decimal("0.75"), "[S15]")
    assert (explained.valid_from, explained.valid_to, explained.unit) == (date(2022, 1, 1), None, "percent")
    assert not explained.unconfirmed
    # A reading stored in the form before 2026-11-26 explains the same.
    older = {
        "key": "unemployment.employer_rate",
        "regime": "old_law",
        "value": "0.75",
        "version_id": v1,
        "valid_from": "2022-01-01",
        "unconfirmed": False,
    }
    assert parameter_records_explain([older]) == [explained]
    with pytest.raises(SimisError) as caught:
        parameter_records_explain({"old_law": [["unemployment.employer_rate", 10**9, "2022-01-01", "0.75"]]})
    assert caught.value.code == "PRM-005"

    # Reloading the unchanged original is a change back: a new version, not a duplicate of v2.
    (back,) = parameters_load([CONTRIBUTIONS])
    assert back.created and back.version_id not in (v1, v2)
    assert parameters_load([CONTRIBUTIONS])[0].version_id == back.version_id


def test_a_key_may_live_in_one_file_only(loaded_parameters, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text(
        "name: other\nparameters:\n  wage.ceiling:\n    unit: SAR\n    values:\n"
        '      - regime: old_law\n        valid_from: 2001-01-01\n        value: "1"\n        source: x\n',
        encoding="utf-8",
    )
    with pytest.raises(SimisError) as caught:
        parameters_load([other])
    assert caught.value.code == "PRM-006"


def test_a_bad_file_loads_nothing(loaded_parameters, tmp_path):
    bad = tmp_path / "contributions.yaml"
    bad.write_text("name: contributions\nparameters: {}\n", encoding="utf-8")
    count = ParameterSet.objects.count()
    with pytest.raises(SimisError):
        parameters_load([CONTRIBUTIONS, bad])
    assert ParameterSet.objects.count() == count


def test_management_command_is_thin(db, tmp_path):
    parameter_cache_clear()
    out = StringIO()
    call_command("parameters_load", stdout=out)
    assert "contributions: loaded as new version" in out.getvalue()
    out = StringIO()
    call_command("parameters_load", str(CONTRIBUTIONS), stdout=out)
    assert "contributions: unchanged, version" in out.getvalue()
    bad = tmp_path / "bad.yaml"
    bad.write_text("nothing useful", encoding="utf-8")
    with pytest.raises(CommandError, match="PRM-003"):
        call_command("parameters_load", str(bad))
