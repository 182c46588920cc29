"""Law as data: effective-dated parameters, parsed and looked up without a database.

Rates, ceilings and minimums live in YAML files under ``simis/core/parameters/``, reviewed in
git like code. Each file is a *parameter set*; loading it into the database (``services.
parameters_load``) makes a *version* identified by the SHA-256 of the file, and every
calculation records the version it read, so it can be reproduced later.

A file looks like this::

    name: contributions
    parameters:
      unemployment.employer_rate:
        unit: percent
        description: SANED / unemployment insurance, employer share.
        values:
          - regimes: [old_law, transitional]
            valid_from: 2014-09-01
            value: "1"
            source: "[S13] Royal Decree M/18"
          - regimes: [old_law, transitional]
            valid_from: 2022-01-01
            value: "0.75"
            source: "[S15]"

Rules for a value: ``regime`` (one) or ``regimes`` (several; one row each); ``valid_from`` a
date; ``valid_to`` optional (otherwise the next value's ``valid_from``, or open-ended); either
``value`` — a number, written as a quoted string or an integer, never a float — or ``data`` —
any YAML (a choice, a table); ``source`` the citation; ``unconfirmed: true`` where RULES.md marks
the fact UNCONFIRMED; ``note`` free text. Two values of one key and regime may not share a
``valid_from``.

This module is pure: ``parse_parameter_text`` validates a file, ``ParameterTable`` answers
"which value was in force on this date", both for the YAML directly (fast rule tests) and for
what the database holds (``selectors``).
"""

from __future__ import annotations

import bisect
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml
from django.db import models
from django.utils.translation import gettext_lazy as _

from simis.core.errors import ParameterError, SimisError

PARAMETERS_DIR = Path(__file__).resolve().parent / "parameters"


class Regime(models.TextChoices):
    """The three legal regimes that coexist (RULES §0)."""

    OLD_LAW = "old_law", _("Old law (Royal Decree M/33)")
    TRANSITIONAL = "transitional", _("Transitional (Royal Decree M/273, item 5)")
    NEW_LAW = "new_law", _("New law (Royal Decree M/273)")


@dataclass(frozen=True, slots=True)
class ParameterEntry:
    """One value of one parameter for one regime over ``[valid_from, valid_to)``."""

    key: str
    regime: Regime
    valid_from: date
    valid_to: date | None
    value: Any  # Decimal for numbers; str / list / dict for data
    unit: str
    source: str
    unconfirmed: bool = False
    note: str = ""

    def covers(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)


@dataclass(frozen=True, slots=True)
class ParameterReading:
    """What a calculation read: the value and where it came from. ``version_id`` is the
    ``ParameterSet`` id (``None`` when read straight from YAML in a rule test)."""

    key: str
    regime: Regime
    value: Any
    version_id: int | None
    valid_from: date
    valid_to: date | None
    source: str
    unconfirmed: bool
    unit: str

    def as_record(self) -> list[Any]:
        """This reading as a calculation stores it, positionally: ``[key, version_id,
        valid_from, value]`` — the value read and the row it came from, which holds the rest
        (the source, the unit, the end of validity, whether it is unconfirmed) for good,
        versions being append-only (``selectors.parameter_records_explain`` adds them back).
        The regime is named once for all the readings of a calculation (``readings_record``).
        Millions of wages carry these, so the copy stays small."""
        value = str(self.value) if isinstance(self.value, Decimal) else self.value
        return [self.key, self.version_id, self.valid_from.isoformat(), value]


def readings_record(readings: Iterable[ParameterReading]) -> dict[str, list[list[Any]]]:
    """The readings of one calculation as it stores them, JSON-safe: ``{regime: [reading,
    …]}`` with each reading's ``as_record``, in the order they were read — a calculation reads
    under one regime (the regime derivation reads under the old law), so the regime is written
    once rather than per reading.

    The form before 2026-11-26, a list of ``{"key", "regime", "value", "version_id",
    "valid_from", "unconfirmed"}`` mappings, is still stored in older rows; ``stored_readings``
    reads both."""
    grouped: dict[str, list[list[Any]]] = {}
    for reading in readings:
        grouped.setdefault(reading.regime.value, []).append(reading.as_record())
    return grouped


@dataclass(frozen=True, slots=True)
class StoredReading:
    """A reading as a calculation stored it: enough to find its parameter row again (key,
    regime, version, ``valid_from``) and the value it read."""

    key: str
    regime: Regime
    version_id: int | None
    valid_from: date
    value: Any


def stored_readings(record: Any) -> list[StoredReading]:
    """The readings in a stored ``readings_record`` — or in the older list of mappings — in the
    order they were read. PRM-008 for anything else."""
    if isinstance(record, dict):
        try:
            return [
                StoredReading(key, Regime(regime), version, date.fromisoformat(valid_from), value)
                for regime, items in record.items()
                for key, version, valid_from, value in items
            ]
        except (TypeError, ValueError):
            raise SimisError(ParameterError.INVALID_RECORD, record=str(record)[:200]) from None
    if isinstance(record, list):
        try:
            return [
                StoredReading(
                    item["key"],
                    Regime(item["regime"]),
                    item["version_id"],
                    date.fromisoformat(item["valid_from"]),
                    item["value"],
                )
                for item in record
            ]
        except (KeyError, TypeError, ValueError):
            raise SimisError(ParameterError.INVALID_RECORD, record=str(record)[:200]) from None
    raise SimisError(ParameterError.INVALID_RECORD, record=str(record)[:200])


# A calculation is given one of these; it never reaches for the database itself.
ParameterReader = Callable[[str, date, Regime], ParameterReading]


@dataclass(slots=True)
class ParameterDocument:
    """A parsed, validated parameter file."""

    name: str
    sha256: str
    text: str
    path: str
    entries: list[ParameterEntry] = field(default_factory=list)

    @property
    def keys(self) -> set[str]:
        return {e.key for e in self.entries}


def _invalid(file: str, detail: str) -> SimisError:
    return SimisError(ParameterError.INVALID_FILE, file=file, detail=detail)


def _number(raw: Any, file: str, where: str) -> Decimal:
    if isinstance(raw, bool | float):
        # YAML reads 0.75 as a float; a rate must be exact, so the file must quote it.
        raise _invalid(file, f'{where}: write numbers as quoted strings ("0.75"), not {raw!r}')
    if not isinstance(raw, int | str):
        raise _invalid(file, f"{where}: value must be a number, got {raw!r}")
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        raise _invalid(file, f"{where}: {raw!r} is not a number") from None
    if not number.is_finite():
        raise _invalid(file, f"{where}: {raw!r} is not a finite number")
    return number


def _regimes(item: dict[str, Any], file: str, where: str) -> list[Regime]:
    if ("regime" in item) == ("regimes" in item):
        raise _invalid(file, f"{where}: give exactly one of 'regime' or 'regimes'")
    raw = [item["regime"]] if "regime" in item else item["regimes"]
    if not isinstance(raw, list) or not raw:
        raise _invalid(file, f"{where}: 'regimes' must be a non-empty list")
    try:
        return [Regime(r) for r in raw]
    except ValueError:
        raise _invalid(file, f"{where}: unknown regime in {raw!r}; use {', '.join(Regime.values)}") from None


_VALUE_KEYS = {
    "regime",
    "regimes",
    "valid_from",
    "valid_to",
    "value",
    "data",
    "source",
    "unconfirmed",
    "note",
}


def parse_parameter_text(text: str, path: str = "<text>") -> ParameterDocument:
    """Validate a parameter file and return its entries (``valid_to`` filled in).
    Raises PRM-003 naming the file and the first problem."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise _invalid(path, str(error)) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("name"), str) or not doc["name"].strip():
        raise _invalid(path, "the file needs a 'name'")
    parameters = doc.get("parameters")
    if not isinstance(parameters, dict) or not parameters:
        raise _invalid(path, "the file needs a 'parameters' mapping")
    result = ParameterDocument(
        name=doc["name"].strip(), sha256=hashlib.sha256(text.encode()).hexdigest(), text=text, path=path
    )
    for key, spec in parameters.items():
        if not isinstance(key, str) or not key or len(key) > 100:
            raise _invalid(path, f"parameter name {key!r} must be text of at most 100 characters")
        if not isinstance(spec, dict) or not isinstance(spec.get("values"), list) or not spec["values"]:
            raise _invalid(path, f"{key}: needs a non-empty 'values' list")
        unit = spec.get("unit")
        if not isinstance(unit, str) or not unit:
            raise _invalid(path, f"{key}: needs a 'unit'")
        series: dict[Regime, list[dict[str, Any]]] = defaultdict(list)
        for index, item in enumerate(spec["values"]):
            where = f"{key} value {index + 1}"
            if not isinstance(item, dict):
                raise _invalid(path, f"{where}: must be a mapping")
            unknown = set(item) - _VALUE_KEYS
            if unknown:
                raise _invalid(path, f"{where}: unknown field(s) {sorted(unknown)}")
            if ("value" in item) == ("data" in item):
                raise _invalid(path, f"{where}: give exactly one of 'value' or 'data'")
            if not isinstance(item.get("valid_from"), date):
                raise _invalid(path, f"{where}: 'valid_from' must be a date (YYYY-MM-DD)")
            valid_to = item.get("valid_to")
            if valid_to is not None and not (isinstance(valid_to, date) and valid_to > item["valid_from"]):
                raise _invalid(path, f"{where}: 'valid_to' must be a date after 'valid_from'")
            source = item.get("source")
            if not isinstance(source, str) or not source.strip():
                raise _invalid(path, f"{where}: needs a 'source' citation")
            if not isinstance(item.get("unconfirmed", False), bool):
                raise _invalid(path, f"{where}: 'unconfirmed' must be true or false")
            if "data" in item and item["data"] is None:
                raise _invalid(path, f"{where}: 'data' may not be empty")
            value = _number(item["value"], path, where) if "value" in item else item["data"]
            for regime in _regimes(item, path, where):
                series[regime].append({**item, "value": value})
        for regime, items in series.items():
            items.sort(key=lambda i: i["valid_from"])
            for before, after in pairwise(items):
                if before["valid_from"] == after["valid_from"]:
                    raise _invalid(path, f"{key} ({regime}): two values start on {after['valid_from']}")
                if before.get("valid_to") and before["valid_to"] > after["valid_from"]:
                    raise _invalid(path, f"{key} ({regime}): a value ends after the next one starts")
            for position, item in enumerate(items):
                following = items[position + 1]["valid_from"] if position + 1 < len(items) else None
                result.entries.append(
                    ParameterEntry(
                        key=key,
                        regime=regime,
                        valid_from=item["valid_from"],
                        valid_to=item.get("valid_to") or following,
                        value=item["value"],
                        unit=unit,
                        source=item["source"].strip(),
                        unconfirmed=bool(item.get("unconfirmed", False)),
                        note=str(item.get("note", "") or "").strip(),
                    )
                )
    return result


def parameter_files(directory: Path = PARAMETERS_DIR) -> list[Path]:
    """Every parameter file SIMIS ships, in a stable order."""
    return sorted(directory.glob("*.yaml"))


def parse_parameter_file(path: Path) -> ParameterDocument:
    try:
        label = str(path.relative_to(PARAMETERS_DIR.parent.parent.parent))
    except ValueError:
        label = str(path)
    return parse_parameter_text(path.read_text(encoding="utf-8"), label)


class ParameterTable:
    """Answers "which value of ``key`` was in force for ``regime`` on a date" from entries
    held in memory. Each entry carries the version it belongs to."""

    def __init__(self, entries: Iterable[tuple[ParameterEntry, int | None]]) -> None:
        self._series: dict[tuple[str, Regime], list[tuple[ParameterEntry, int | None]]] = defaultdict(list)
        self._keys: set[str] = set()
        for entry, version in entries:
            self._series[(entry.key, Regime(entry.regime))].append((entry, version))
            self._keys.add(entry.key)
        self._starts: dict[tuple[str, Regime], list[date]] = {}
        for series_key, items in self._series.items():
            items.sort(key=lambda pair: pair[0].valid_from)
            self._starts[series_key] = [pair[0].valid_from for pair in items]

    @classmethod
    def from_documents(cls, documents: Iterable[ParameterDocument]) -> ParameterTable:
        return cls((entry, None) for doc in documents for entry in doc.entries)

    @property
    def keys(self) -> set[str]:
        return set(self._keys)

    def as_of(self, key: str, on: date, regime: Regime | str) -> ParameterReading:
        """The reading in force on ``on``; PRM-002 for an unknown key, PRM-001 when the key
        has no value for that regime on that date."""
        regime = Regime(regime)
        if key not in self._keys:
            raise SimisError(ParameterError.UNKNOWN_KEY, key=key)
        series_key = (key, regime)
        starts = self._starts.get(series_key, [])
        index = bisect.bisect_right(starts, on) - 1
        if index >= 0:
            entry, version = self._series[series_key][index]
            if entry.covers(on):
                return ParameterReading(
                    key=entry.key,
                    regime=regime,
                    value=entry.value,
                    version_id=version,
                    valid_from=entry.valid_from,
                    valid_to=entry.valid_to,
                    source=entry.source,
                    unconfirmed=entry.unconfirmed,
                    unit=entry.unit,
                )
        raise SimisError(ParameterError.NO_VALUE, key=key, regime=regime.value, date=on.isoformat())

    def reader(self) -> ParameterReader:
        return self.as_of


def shipped_parameter_table() -> ParameterTable:
    """The table of the YAML files in the working tree (no versions): for rule tests and for
    checking the files before they are loaded."""
    return ParameterTable.from_documents(parse_parameter_file(path) for path in parameter_files())
