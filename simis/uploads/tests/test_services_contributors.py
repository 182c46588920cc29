"""New contributors by file (REG-2 through REG-7), both ways of applying, both paths (bulk and
per-row service calls): every refused row coded, nothing half applied, one audit entry."""

from __future__ import annotations

from typing import Any

import pytest

from simis.audit.public import AuditEntry
from simis.registry.public import Engagement, EngagementStatus, Person, Wage
from simis.uploads import bulk_apply
from simis.uploads.choices import UploadMode, UploadStatus
from simis.uploads.layouts import NEW_CONTRIBUTORS_V1
from simis.uploads.models import Upload, UploadAppliedChunk, UploadProgress
from simis.uploads.outcomes import AppliedRow
from simis.uploads.services import applied_rows_digest
from simis.uploads.tests.files import csv_bytes, new_contributor, xlsx_bytes
from simis.uploads.tests.helpers import refused_codes, upload_and_process, worker_register

pytestmark = pytest.mark.django_db


def mixed_file(taken_number: str) -> tuple[bytes, dict[int, list[str]]]:
    """Four good rows and one of each kind of refusal, with the codes expected per row."""
    duplicate = new_contributor()
    rows = [
        new_contributor(),  # 3
        new_contributor(birth_date="2015-01-01"),  # 4: too young
        new_contributor(identity_number=taken_number),  # 5: already registered
        new_contributor(join_date="2026-04-01"),  # 6: after the request day
        new_contributor(join_date="2023-01-01"),  # 7: beyond the retroactive limit
        new_contributor(occupation="99"),  # 8: unknown occupation
        new_contributor(nationality="XXX"),  # 9: unknown country
        duplicate,  # 10
        {**duplicate, "first_name_en": "Twin"},  # 11: same document again
        new_contributor(birth_date="30/02/1990", basic_wage="abc"),  # 12: two bad cells
        new_contributor(join_date="2026-01-05"),  # 13: late: accepted, waits for review
        new_contributor(nationality="IND", identity_kind="iqama", identity_number="2000000006"),  # 14
        new_contributor(basic_wage="0"),  # 15: no basic wage
    ]
    expected = {
        4: ["REG-210"],
        5: ["REG-201"],
        6: ["REG-302"],
        7: ["REG-301"],
        8: ["REG-310"],
        9: ["REG-208"],
        11: ["UPL-205"],
        12: ["DATE-005", "UPL-202"],
        15: ["REG-405"],
    }
    return csv_bytes(NEW_CONTRIBUTORS_V1, rows), expected


@pytest.fixture(params=["bulk", "bulk_forked", "per_row"])
def path(request: Any, monkeypatch: Any) -> str:
    if request.param == "bulk_forked":
        # Chunks of 4 rows: a file longer than that is checked in a forked process, its
        # refusals and COPY text sent back to the upload's own process.
        monkeypatch.setattr(bulk_apply, "CHUNK_ROWS", 4)
        request.getfixturevalue("bulk")
    else:
        request.getfixturevalue(request.param)
    return str(request.param)


def test_valid_rows_are_applied_and_the_others_reported(nour: Any, khalid: Any, path: str) -> None:
    taken = worker_register(nour, actor=khalid)
    before = Person.objects.count()
    data, expected = mixed_file(taken.person.identities.get().number)

    upload = upload_and_process(nour, data, mode=UploadMode.VALID_ROWS)

    assert upload.status == UploadStatus.APPLIED
    assert refused_codes(upload) == expected
    assert (upload.row_count, upload.rows_applied, upload.rows_refused) == (13, 4, 9)
    assert upload.outcome_code == "UPL-112"
    assert Person.objects.count() == before + 4
    pending = Engagement.objects.filter(establishment=nour.main, join_date="2026-01-05").get()
    assert pending.status == EngagementStatus.PENDING_REVIEW
    assert (pending.disputed_from.isoformat(), pending.disputed_until.isoformat()) == (
        "2026-01-01",
        "2026-03-01",
    )
    chunk = UploadAppliedChunk.objects.get(upload=upload)
    assert chunk.row_numbers == [3, 10, 13, 14]
    assert set(Wage.objects.filter(pk__in=chunk.wage_ids).values_list("engagement_id", flat=True)) == set(
        chunk.engagement_ids
    )
    assert not UploadProgress.objects.filter(upload_id=upload.pk).exists()


def test_messages_are_bilingual_and_name_the_column(nour: Any, khalid: Any, bulk: None) -> None:
    taken = worker_register(nour, actor=khalid)
    data, _expected = mixed_file(taken.person.identities.get().number)
    upload = upload_and_process(nour, data, mode=UploadMode.VALID_ROWS)
    row = upload.rows.get(row_number=12)
    assert row.columns == ["birth_date", "basic_wage"]
    assert row.messages_en[0].startswith("Birth date: ")
    assert row.messages_ar[0].startswith("تاريخ الميلاد: ")
    assert "abc" in row.messages_en[1]
    assert "REG-201" in upload.rows.get(row_number=5).codes
    assert (
        taken.person.contributor_number
        and str(taken.person.contributor_number) in upload.rows.get(row_number=5).messages_en[0]
    )


def test_all_or_nothing_applies_nothing_and_reports_every_row(nour: Any, khalid: Any, path: str) -> None:
    taken = worker_register(nour, actor=khalid)
    before = (Person.objects.count(), Engagement.objects.count(), Wage.objects.count())
    data, expected = mixed_file(taken.person.identities.get().number)

    upload = upload_and_process(nour, data, mode=UploadMode.ALL_OR_NOTHING)

    assert upload.status == UploadStatus.REJECTED
    assert upload.outcome_code == "UPL-110"
    assert refused_codes(upload) == expected
    assert (Person.objects.count(), Engagement.objects.count(), Wage.objects.count()) == before
    assert not UploadAppliedChunk.objects.filter(upload=upload).exists()


def test_a_clean_file_applies_whole(nour: Any, path: str) -> None:
    rows = [new_contributor() for _ in range(25)]
    upload = upload_and_process(nour, xlsx_bytes(NEW_CONTRIBUTORS_V1, rows), name="nour.xlsx")
    assert upload.status == UploadStatus.APPLIED
    assert (upload.rows_applied, upload.rows_refused, upload.outcome_code) == (25, 0, "")
    numbers = {row["identity_number"] for row in rows}
    assert Person.objects.filter(identities__number__in=numbers).count() == 25


def test_one_audit_entry_for_the_whole_file(nour: Any, bulk: None) -> None:
    rows = [new_contributor() for _ in range(30)]
    entries = AuditEntry.objects.count()
    upload = upload_and_process(nour, csv_bytes(NEW_CONTRIBUTORS_V1, rows))
    added = AuditEntry.objects.filter(pk__gt=0).order_by("-pk")[: AuditEntry.objects.count() - entries]
    assert sorted(entry.action for entry in added) == ["uploads.file_applied", "uploads.file_received"]
    applied = next(entry for entry in added if entry.action == "uploads.file_applied")
    assert applied.subject_id == str(upload.pk)
    assert applied.after["sha256"] == upload.sha256
    assert applied.after["rows_applied"] == 30
    chunk = UploadAppliedChunk.objects.get(upload=upload)
    ids = [
        AppliedRow(row, person, engagement, wage)
        for row, person, engagement, wage in zip(
            chunk.row_numbers, chunk.person_ids, chunk.engagement_ids, chunk.wage_ids, strict=True
        )
    ]
    assert applied.extra["applied_rows_digest"] == applied_rows_digest(ids)


def test_per_row_path_audits_each_registration_too(nour: Any, per_row: None) -> None:
    entries = AuditEntry.objects.count()
    upload_and_process(nour, csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor() for _ in range(3)]))
    actions = list(AuditEntry.objects.order_by("pk")[entries:].values_list("action", flat=True))
    assert actions.count("registry.contributor_registered") == 3
    assert actions[-1] == "uploads.file_applied"


def test_staff_upload_for_a_branch_and_an_inactive_establishment(nour: Any, khalid: Any, bulk: None) -> None:
    from simis.registry.public import establishment_status_change

    upload = upload_and_process(
        nour, csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()]), establishment=nour.branch, actor=khalid
    )
    assert upload.status == UploadStatus.APPLIED
    assert Upload.objects.get(pk=upload.pk).establishment == nour.branch
    establishment_status_change(actor=khalid, establishment=nour.branch, status="suspended")
    refused = upload_and_process(
        nour,
        csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()]),
        establishment=nour.branch,
        mode=UploadMode.VALID_ROWS,
    )
    assert refused.status == UploadStatus.REJECTED
    assert refused_codes(refused) == {3: ["REG-106"]}
