"""Reads of the kernel's tables: the parameter value in force on a date.

Reading is fast: each version's values are loaded once per process into a ``ParameterTable``
(a version never changes, so the cache never goes stale); finding the versions in force costs
one small query, and none when the caller pins the versions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from simis.core.errors import ParameterError, SimisError
from simis.core.models import ParameterSet, ParameterValue
from simis.core.parameter_table import (
    ParameterEntry,
    ParameterReader,
    ParameterReading,
    ParameterTable,
    Regime,
    stored_readings,
)


def parameter_versions_current() -> dict[str, int]:
    """``{set name: id of its newest version}``; empty before anything is loaded."""
    rows = ParameterSet.objects.order_by("name", "-id").distinct("name").values_list("name", "id")
    return dict(rows)


def _plain(number: Decimal) -> Decimal:
    """``9.000000`` → ``9``, ``0.750000`` → ``0.75``: the value as the file wrote it, never in
    exponent form (``normalize`` alone turns 45000 into 4.5E+4)."""
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()


@lru_cache(maxsize=64)
def _table_for(version_ids: tuple[int, ...]) -> ParameterTable:
    values = ParameterValue.objects.filter(parameter_set_id__in=version_ids)
    found = set(ParameterSet.objects.filter(id__in=version_ids).values_list("id", flat=True))
    missing = set(version_ids) - found
    if missing:
        raise SimisError(ParameterError.UNKNOWN_VERSION, version=min(missing))
    return ParameterTable(
        (
            ParameterEntry(
                key=row.key,
                regime=Regime(row.regime),
                valid_from=row.valid_from,
                valid_to=row.valid_to,
                value=_plain(row.value_decimal) if row.value_decimal is not None else row.value_json,
                unit=row.unit,
                source=row.source,
                unconfirmed=row.unconfirmed,
                note=row.note,
            ),
            row.parameter_set_id,
        )
        for row in values
    )


def parameter_cache_clear() -> None:
    _table_for.cache_clear()


def parameter_table(version_ids: Iterable[int] | None = None) -> ParameterTable:
    """The table of the given versions, or of the versions in force now. PRM-004 before any
    parameters are loaded; PRM-005 for a version id that does not exist."""
    if version_ids is None:
        version_ids = parameter_versions_current().values()
        if not version_ids:
            raise SimisError(ParameterError.NOT_LOADED)
    return _table_for(tuple(sorted(set(version_ids))))


def parameter_reader(version_ids: Iterable[int] | None = None) -> ParameterReader:
    """A reader for one consistent snapshot: give it to a rule so that the whole calculation
    sees the same versions even if new parameters are loaded meanwhile."""
    return parameter_table(version_ids).reader()


def parameter_as_of(
    key: str, on: date, regime: Regime | str, *, version_id: int | None = None
) -> ParameterReading:
    """The value of ``key`` in force on ``on`` for ``regime``, from the current versions (or
    from ``version_id``, to reproduce an earlier calculation). PRM-001 when no value covers
    that date; PRM-002 for an unknown key."""
    table = parameter_table(None if version_id is None else [version_id])
    return table.as_of(key, on, regime)


def parameter_records_explain(record: Any) -> list[ParameterReading]:
    """The full readings behind a calculation's stored readings (``readings_record``, or the
    older list of ``{"key", "regime", …}`` mappings) — value, source, unit, validity, whether
    unconfirmed — from the versions they name, in the order they were read, to explain a stored
    calculation line by line. PRM-005 for a version that does not exist, PRM-008 for a record
    of neither form or a reading that names no version."""
    readings = []
    for stored in stored_readings(record):
        if stored.version_id is None:  # read from the YAML files in a rule test: no version to name
            raise SimisError(ParameterError.INVALID_RECORD, record=str(record)[:200])
        read = parameter_reader([int(stored.version_id)])
        readings.append(read(stored.key, stored.valid_from, stored.regime))
    return readings
