"""The bulk path writes exactly the rows ``contributor_register`` writes: the same file is
uploaded once through each, and every derived field — regime and its inputs, covered branches
and their inputs, review status, contributory wage, its inputs and parameter versions — and
every refusal code must agree."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from simis.audit.public import AuditEntry
from simis.core.identifiers import IdentityKind
from simis.registry.public import Engagement, Person, Wage
from simis.uploads import bulk_apply
from simis.uploads.choices import UploadMode, UploadStatus
from simis.uploads.layouts import NEW_CONTRIBUTORS_V1
from simis.uploads.tests.files import csv_bytes, new_contributor, next_national_id
from simis.uploads.tests.helpers import refused_codes, upload_and_process

pytestmark = pytest.mark.django_db

IGNORED = {"id", "contributor_number", "created_at", "person_id", "engagement_id", "search_name"}


def varied_rows() -> list[dict[str, Any]]:
    """The regimes, nationalities, ages and wages the rules tell apart."""
    return [
        new_contributor(),  # Saudi, new law
        new_contributor(
            join_date="2024-05-01", birth_date="1980-02-02"
        ),  # old law before 3 Jul 2024: transitional?
        new_contributor(
            join_date="2024-06-10", birth_date="1962-01-01", housing_in_kind="yes"
        ),  # old law, in kind
        new_contributor(birth_date="1958-06-01"),  # Saudi aged 67 on joining: no annuities
        new_contributor(birth_date="٠١/٠١/١٣٨٠", basic_wage="50000"),  # Hijri birth date; over the ceiling
        new_contributor(basic_wage="1000", housing_allowance=""),  # under the minimum
        new_contributor(external_old_law_months="30"),  # old-law months outside the register
        new_contributor(join_date="2026-01-10"),  # late: waits for review
        new_contributor(
            nationality="IND",
            identity_kind="iqama",
            identity_number=next_national_id(IdentityKind.IQAMA),
            passport_number="Z7654321",
        ),
        new_contributor(
            nationality="BHR", identity_kind="gcc_id", identity_number="880112345", identity_country="BH"
        ),
        new_contributor(nationality="EG", identity_kind="passport", identity_number="A12345678"),
        new_contributor(birth_date="2012-01-01"),  # refused: too young
        new_contributor(
            nationality="SAU", identity_kind="iqama", identity_number=next_national_id(IdentityKind.IQAMA)
        ),
        new_contributor(occupation="99"),  # refused
    ]


def snapshot(numbers: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for person in Person.objects.filter(identities__number__in=numbers).distinct():
        documents = sorted((d.kind, d.country_id, d.number) for d in person.identities.all())
        engagement = Engagement.objects.get(person=person)
        wage = Wage.objects.get(engagement=engagement)

        def plain(instance: Any) -> dict[str, Any]:
            return {
                field.attname: field.value_from_object(instance)
                for field in instance._meta.concrete_fields
                if field.attname not in IGNORED
            }

        found[documents[0][2]] = {
            "documents": documents,
            "person": plain(person),
            "engagement": plain(engagement),
            "wage": plain(wage),
        }
    return found


@pytest.mark.parametrize("chunk_rows", [5000, 3], ids=["checked-here", "checked-in-a-forked-process"])
def test_bulk_and_per_row_write_the_same_rows(
    nour: Any, settings: Any, monkeypatch: Any, chunk_rows: int
) -> None:
    # Chunks smaller than the file are checked in a process of their own (``bulk_apply.Producer``).
    monkeypatch.setattr(bulk_apply, "CHUNK_ROWS", chunk_rows)
    forked: list[bool] = []

    class Watched(bulk_apply.Producer):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            forked.append(self.forked)

    monkeypatch.setattr(bulk_apply, "Producer", Watched)
    rows = varied_rows()
    numbers = [row["identity_number"] for row in rows]
    data = csv_bytes(NEW_CONTRIBUTORS_V1, rows)

    registered = AuditEntry.objects.filter(action="registry.contributor_registered")
    point = transaction.savepoint()
    settings.SIMIS_UPLOAD_BULK_CONTRIBUTORS = True
    bulk = upload_and_process(nour, data, mode=UploadMode.VALID_ROWS)
    bulk_rows, bulk_codes = snapshot(numbers), refused_codes(bulk)
    assert registered.count() == 0  # no per-row service call
    assert forked == [chunk_rows < len(rows)]
    transaction.savepoint_rollback(point)

    settings.SIMIS_UPLOAD_BULK_CONTRIBUTORS = False
    per_row = upload_and_process(nour, data, mode=UploadMode.VALID_ROWS)
    per_row_rows, per_row_codes = snapshot(numbers), refused_codes(per_row)
    assert registered.count() == len(rows) - 3

    assert bulk.status == per_row.status == UploadStatus.APPLIED
    assert bulk_codes == per_row_codes
    assert set(bulk_codes) == {14, 15, 16}
    assert len(bulk_rows) == len(rows) - 3
    assert bulk_rows == per_row_rows
    regimes = {item["person"]["regime"] for item in bulk_rows.values()}
    assert regimes == {"new_law", "old_law", "transitional"}
    assert any(item["engagement"]["status"] == "pending_review" for item in bulk_rows.values())
    assert any(item["engagement"]["gcc_extension"] for item in bulk_rows.values())
    assert any(len(item["documents"]) == 2 for item in bulk_rows.values())
