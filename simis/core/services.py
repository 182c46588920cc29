"""Writes to the kernel's tables: loading parameter files into versioned rows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction

from simis.core.errors import ParameterError, SimisError
from simis.core.models import ParameterSet, ParameterValue
from simis.core.parameter_table import ParameterDocument, parameter_files, parse_parameter_file
from simis.core.selectors import parameter_versions_current


@dataclass(frozen=True, slots=True)
class ParameterLoadResult:
    name: str
    version_id: int
    created: bool
    value_count: int


def _other_sets_defining(document: ParameterDocument) -> dict[str, str]:
    """``{key: set name}`` for keys of ``document`` that another set's current version defines."""
    others = {name: pk for name, pk in parameter_versions_current().items() if name != document.name}
    rows = ParameterValue.objects.filter(parameter_set_id__in=others.values(), key__in=document.keys)
    return dict(rows.values_list("key", "parameter_set__name").distinct())


def _load_document(document: ParameterDocument) -> ParameterLoadResult:
    latest = ParameterSet.objects.filter(name=document.name).order_by("-id").first()
    if latest is not None and latest.sha256 == document.sha256:
        return ParameterLoadResult(document.name, latest.pk, False, latest.values.count())
    clashes = _other_sets_defining(document)
    if clashes:
        key, other = sorted(clashes.items())[0]
        raise SimisError(ParameterError.KEY_IN_OTHER_FILE, key=key, file=document.path, other=other)
    version = ParameterSet.objects.create(
        name=document.name, sha256=document.sha256, source_path=document.path, source_text=document.text
    )
    ParameterValue.objects.bulk_create(
        ParameterValue(
            parameter_set=version,
            key=entry.key,
            regime=entry.regime,
            valid_from=entry.valid_from,
            valid_to=entry.valid_to,
            value_decimal=entry.value if isinstance(entry.value, Decimal) else None,
            value_json=None if isinstance(entry.value, Decimal) else entry.value,
            unit=entry.unit,
            source=entry.source,
            unconfirmed=entry.unconfirmed,
            note=entry.note,
        )
        for entry in document.entries
    )
    return ParameterLoadResult(document.name, version.pk, True, len(document.entries))


@transaction.atomic
def parameters_load(paths: list[Path] | None = None) -> list[ParameterLoadResult]:
    """Load parameter files (all shipped files when ``paths`` is None) into the database.

    Idempotent: a file whose text equals its newest version's returns that version and writes
    nothing. Changed text makes a new version; earlier versions stay, so calculations that
    point at them can still be explained. (Text that returns to an earlier content after a
    change is a new version too: the history says when it came back.) All files load or none
    do; PRM-003 names a malformed file, PRM-006 a key defined in two files."""
    documents = [parse_parameter_file(Path(p)) for p in (paths if paths is not None else parameter_files())]
    with connection.cursor() as cursor:
        # Two loaders at once would both see "no such version" and write it twice.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('simis.core.parameters_load'))")
    return [_load_document(document) for document in documents]
