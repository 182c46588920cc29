"""Writes of the bulk upload (REG-7, CH-2): receive a file, process it in the background,
try a failed one again, build its report.

``upload_receive`` (a portal page or the signed API calls it) refuses a hostile or malformed
file at once with a coded error and stores nothing; otherwise it stores the file with its
SHA-256, records the upload and defers the job ``uploads.upload_process`` in the same
transaction (procrastinate: the job exists if and only if the upload does).

``upload_process`` (the job) checks every row, then applies the valid ones in **one
transaction**:

- *all or nothing*: one refused row, and nothing is applied (the transaction rolls back); the
  report lists every refused row;
- *valid rows*: the refused rows are left out, the others are applied together.

A crash rolls the transaction back, so nothing is ever half applied; the upload is marked
failed and may be tried again. The same file (SHA-256) applies once per establishment and kind:
``upload_receive`` refuses a file already applied or in progress, and a unique constraint on
applied uploads catches the race two simultaneous uploads would win past that check. The
progress pages poll is written over a second connection (``progress.py``). One audit entry per
upload records what was applied, with the file's digest and a digest of every applied row's ids.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import wraps
from operator import attrgetter
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from simis.audit.public import audit_record
from simis.core.errors import SimisError
from simis.identity.public import Audience
from simis.registry.public import Establishment
from simis.uploads import bulk_apply
from simis.uploads.actions import UploadAction
from simis.uploads.appliers import applier_for
from simis.uploads.bulk_apply import acts_for
from simis.uploads.choices import (
    ACTIVE_STATUSES,
    ProgressPhase,
    UploadChannel,
    UploadKind,
    UploadMode,
    UploadStatus,
)
from simis.uploads.errors import UploadError
from simis.uploads.layouts import Layout
from simis.uploads.models import Upload, UploadAppliedChunk, UploadRow
from simis.uploads.outcomes import AppliedRow, ApplyContext, ApplyResult
from simis.uploads.parsing import Limits, Table, collection_paused, table_read
from simis.uploads.progress import ProgressWriter
from simis.uploads.rows import RowInput, RowProblem, duplicates_find, row_read

logger = logging.getLogger("simis.uploads")

P = ParamSpec("P")
R = TypeVar("R")

CHUNK_ROWS = 1000
# Advisory-lock namespace of upload processing ("UPLD"): one job at a time per upload.
_LOCK_NAMESPACE = 0x55504C44


def limits_from_settings() -> Limits:
    """The file limits, from settings where they are given (``SIMIS_UPLOAD_MAX_BYTES``,
    ``SIMIS_UPLOAD_MAX_ROWS``, ``SIMIS_UPLOAD_MAX_UNPACKED_BYTES``, ``SIMIS_UPLOAD_MAX_RATIO``)."""
    defaults = Limits()
    return Limits(
        max_bytes=int(getattr(settings, "SIMIS_UPLOAD_MAX_BYTES", defaults.max_bytes)),
        max_rows=int(getattr(settings, "SIMIS_UPLOAD_MAX_ROWS", defaults.max_rows)),
        max_unpacked_bytes=int(
            getattr(settings, "SIMIS_UPLOAD_MAX_UNPACKED_BYTES", defaults.max_unpacked_bytes)
        ),
        max_ratio=int(getattr(settings, "SIMIS_UPLOAD_MAX_RATIO", defaults.max_ratio)),
    )


def _params(error: SimisError) -> dict[str, str]:
    return {key: str(value) for key, value in error.params.items()}


def refusals_audited(func: Callable[P, R]) -> Callable[P, R]:
    """A refused upload (``SimisError``) is recorded in the audit log in its own transaction —
    the refused operation itself rolled back — then raised again."""

    @wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except SimisError as error:
            request = kwargs.get("request")
            with transaction.atomic():
                audit_record(
                    actor=kwargs.get("actor"),
                    action=UploadAction.REFUSED,
                    extra={
                        "operation": func.__name__,
                        "code": error.code,
                        "params": _params(error),
                        "establishment": str(kwargs.get("establishment_number", "")),
                        "kind": str(kwargs.get("kind", "")),
                        "file_name": str(kwargs.get("file_name", ""))[:255],
                        "partner": str(kwargs.get("partner_code", "")),
                    },
                    request=request if isinstance(request, HttpRequest) else None,
                    outcome="refused",
                )
            raise

    return run


# --- Receiving a file ---------------------------------------------------------------------------


def _choice(value: Any, choices: type[UploadKind] | type[UploadMode], error: UploadError) -> Any:
    try:
        return choices(value)
    except ValueError:
        raise SimisError(error, value=str(value), choices=", ".join(choices.values)) from None


def establishment_for_upload(*, actor: Any, number: str, partner_key: str | None = None) -> Establishment:
    """The establishment a file is uploaded for, if the uploader may act for it: staff for any;
    an employer user for the establishments it is bound to and their branches; a partner
    system (``partner_key``) for the establishment whose number is its organisation key, or a
    branch of it. UPL-103 alike for one that does not exist and one that is out of reach, so
    nothing is learnt about other establishments."""
    establishment = Establishment.objects.select_related("parent").filter(number=str(number).strip()).first()
    if partner_key is not None:
        keys = (
            {establishment.number, establishment.parent.number if establishment.parent else None}
            if establishment
            else set()
        )
        if establishment is None or partner_key not in keys:
            raise SimisError(UploadError.PARTNER_NOT_ALLOWED, key=partner_key, number=number)
        return establishment
    if actor is not None and getattr(actor, "audience", "") not in (Audience.EMPLOYER, Audience.STAFF):
        raise SimisError(UploadError.UPLOADER_NOT_ALLOWED)
    if establishment is None or not acts_for(actor, establishment):
        raise SimisError(UploadError.ESTABLISHMENT_NOT_ALLOWED, number=number)
    return establishment


def upload_duplicate_check(*, establishment: Establishment, kind: str, sha256: str) -> None:
    """UPL-101 when the same file was applied for this establishment and kind; UPL-102 while it
    is being processed."""
    same = Upload.objects.filter(establishment=establishment, kind=kind, sha256=sha256)
    applied = same.filter(status=UploadStatus.APPLIED).order_by("created_at").first()
    if applied is not None:
        raise SimisError(
            UploadError.ALREADY_APPLIED,
            number=establishment.number,
            upload=applied.pk,
            date=timezone.localtime(applied.finished_at or applied.created_at).date().isoformat(),
        )
    running = same.filter(status__in=ACTIVE_STATUSES).order_by("created_at").first()
    if running is not None:
        raise SimisError(UploadError.IN_PROGRESS, number=establishment.number, upload=running.pk)


@refusals_audited
@transaction.atomic
def upload_receive(
    *,
    actor: Any,
    establishment_number: str,
    kind: UploadKind | str,
    mode: UploadMode | str,
    file_name: str,
    data: bytes,
    channel: UploadChannel | str = UploadChannel.PORTAL,
    partner_code: str = "",
    partner_key: str | None = None,
    requested_on: date | None = None,
    request: HttpRequest | None = None,
) -> Upload:
    """Checks the file as a whole (size, type, encoding, archive safety, template version,
    columns, row count: ``parsing.table_read``), stores it and queues its processing. Refused
    with a coded error, storing nothing, when any check fails or the same file was already
    applied (UPL-101) or is in progress (UPL-102)."""
    chosen_kind = _choice(kind, UploadKind, UploadError.UNKNOWN_KIND)
    chosen_mode = _choice(mode, UploadMode, UploadError.UNKNOWN_MODE)
    establishment = establishment_for_upload(
        actor=actor, number=establishment_number, partner_key=partner_key
    )
    digest = hashlib.sha256(data).hexdigest()
    upload_duplicate_check(establishment=establishment, kind=chosen_kind, sha256=digest)
    with collection_paused():
        # Only the file's shape is kept: its rows go before the collector is back (otherwise its
        # first full collection would scan them all).
        table = table_read(data, file_name, chosen_kind, limits_from_settings())
        version, file_format, row_count = table.layout.version, table.file_format, len(table.rows)
        del table
    upload = Upload(
        establishment=establishment,
        kind=chosen_kind,
        format_version=version,
        file_format=file_format,
        original_name=str(file_name)[-255:],
        sha256=digest,
        size=len(data),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        channel=UploadChannel(channel),
        partner_code=partner_code,
        mode=chosen_mode,
        requested_on=requested_on or timezone.localdate(),
        row_count=row_count,
    )
    upload.file.save(upload.original_name, ContentFile(data), save=False)
    upload.save()
    audit_record(
        actor=actor,
        action=UploadAction.RECEIVED,
        subject=upload,
        after={
            "establishment": establishment.number,
            "kind": upload.kind,
            "mode": upload.mode,
            "file_name": upload.original_name,
            "file_format": upload.file_format,
            "template_version": upload.format_version,
            "sha256": upload.sha256,
            "size": upload.size,
            "rows": upload.row_count,
        },
        extra={"channel": upload.channel, "partner": partner_code},
        request=request,
    )
    _job_defer(upload)
    return upload


def _job_defer(upload: Upload) -> None:
    from simis.uploads.tasks import upload_process_job

    upload_process_job.defer(upload_id=upload.pk)


@transaction.atomic
def upload_retry(*, actor: Any, upload: Upload, request: HttpRequest | None = None) -> Upload:
    """Queues a failed upload again (UPL-106 for any other status)."""
    upload = Upload.objects.select_for_update().get(pk=upload.pk)
    if upload.status != UploadStatus.FAILED:
        raise SimisError(
            UploadError.NOT_RETRYABLE, upload=upload.pk, status=UploadStatus(upload.status).label
        )
    upload_duplicate_check(establishment=upload.establishment, kind=upload.kind, sha256=upload.sha256)
    upload.status = UploadStatus.RECEIVED
    upload.save(update_fields=["status"])
    audit_record(actor=actor, action=UploadAction.RETRIED, subject=upload, request=request)
    _job_defer(upload)
    return upload


# --- Processing: check every row, then apply ------------------------------------------------------


class NothingApplied(Exception):
    """Leaves the apply transaction so it rolls back; carries why."""

    def __init__(self, problems: dict[int, list[RowProblem]], error: SimisError) -> None:
        super().__init__(error.code)
        self.problems = problems
        self.error = error


def problem_texts(problem: RowProblem, layout: Layout) -> tuple[str, str, str]:
    """A row problem's code and its message in Arabic and in English, led by the column's name
    unless the message names it already."""
    column = next((item for item in layout.columns if item.key == problem.column), None)
    texts = []
    for language in ("ar", "en"):
        with translation.override(language):
            message = problem.error.message
            if column is not None and "column" not in problem.error.params:
                message = _("%(column)s: %(message)s") % {"column": column.name, "message": message}
            texts.append(message)
    return problem.error.code, texts[0], texts[1]


def _rows_read(table: Table, progress: ProgressWriter) -> tuple[list[RowInput], dict[int, list[RowProblem]]]:
    inputs: list[RowInput] = []
    problems: dict[int, list[RowProblem]] = {}
    for position, (number, cells) in enumerate(table.rows, start=1):
        built, found = row_read(table.layout, number, table.values(cells), table.extra_cells(cells))
        if found:
            problems[number] = found
        elif built is not None:
            inputs.append(built)
        if position % 1000 == 0:
            progress.report(ProgressPhase.VALIDATING, position)
    repeated = duplicates_find(inputs)
    for number, problem in repeated.items():
        problems[number] = [problem]
    progress.report(ProgressPhase.VALIDATING, len(table.rows), force=True)
    return [item for item in inputs if item.row not in repeated], problems


def _results_store(
    upload: Upload, layout: Layout, problems: dict[int, list[RowProblem]], applied: Sequence[AppliedRow]
) -> None:
    refused = []
    for number in sorted(problems):
        texts = [problem_texts(problem, layout) for problem in problems[number]]
        refused.append(
            UploadRow(
                upload=upload,
                row_number=number,
                columns=[problem.column for problem in problems[number]],
                codes=[code for code, _ar, _en in texts],
                messages_ar=[ar for _code, ar, _en in texts],
                messages_en=[en for _code, _ar, en in texts],
            )
        )
    UploadRow.objects.bulk_create(refused, batch_size=2000)
    ordered = sorted(applied, key=_row_number)
    chunks = [ordered[start : start + CHUNK_ROWS] for start in range(0, len(ordered), CHUNK_ROWS)]
    if not chunks:
        return
    # Arrays of thousands of ids each, written as array literals (the ORM would prepare every
    # element one by one, and even the driver adapts each number by itself).
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {UploadAppliedChunk._meta.db_table} "  # noqa: S608 (the model's own table)
            "(upload_id, first_row, row_numbers, person_ids, engagement_ids, wage_ids) "
            "VALUES (%s, %s, %s::text::integer[], %s::text::bigint[], %s::text::bigint[], "
            "%s::text::bigint[])",
            [
                (upload.pk, chunk[0].row, *(_array_text(column) for column in zip(*chunk, strict=True)))
                for chunk in chunks
            ],
        )


def _array_text(numbers: Iterable[int]) -> str:
    """Whole numbers as a PostgreSQL array literal: ``{3,4,5}``."""
    return "{" + ",".join(map(str, numbers)) + "}"


def applied_rows_digest(applied: Sequence[AppliedRow]) -> str:
    """SHA-256 over every applied row's number and ids, in row order: the audit entry holds it,
    so the chunks it points to can be checked against the hash-chained log."""
    lines = "".join(
        f"{item.row}:{item.person_id}:{item.engagement_id}:{item.wage_id}\n"
        for item in sorted(applied, key=_row_number)
    )
    return hashlib.sha256(lines.encode()).hexdigest()


_row_number = attrgetter("row")


def _finish(upload: Upload, status: UploadStatus, error: SimisError | None, **counts: int) -> None:
    upload.status = status
    upload.finished_at = timezone.now()
    upload.outcome_code = error.code if error else ""
    upload.outcome_params = _params(error) if error else {}
    for name, value in counts.items():
        setattr(upload, name, value)
    upload.save()


def _summary(upload: Upload) -> dict[str, Any]:
    return {
        "establishment": upload.establishment.number,
        "kind": upload.kind,
        "mode": upload.mode,
        "sha256": upload.sha256,
        "rows": upload.row_count,
        "rows_applied": upload.rows_applied,
        "rows_refused": upload.rows_refused,
        "status": upload.status,
    }


@transaction.atomic
def _reject(
    upload: Upload, layout: Layout | None, problems: dict[int, list[RowProblem]], error: SimisError
) -> None:
    """Nothing applied: the refused rows and why, in one transaction with the status."""
    upload = Upload.objects.select_for_update().get(pk=upload.pk)
    UploadRow.objects.filter(upload=upload).delete()
    UploadAppliedChunk.objects.filter(upload=upload).delete()
    if layout is not None:
        _results_store(upload, layout, problems, [])
    _finish(
        upload,
        UploadStatus.REJECTED,
        error,
        rows_refused=len(problems),
        rows_valid=max(upload.row_count - len(problems), 0) if problems else upload.rows_valid,
        rows_applied=0,
    )
    audit_record(
        actor=upload.uploaded_by,
        action=UploadAction.REJECTED,
        subject=upload,
        after=_summary(upload),
        extra={"code": error.code, "params": _params(error), "partner": upload.partner_code},
    )


def _fail(upload_id: int, reference: str) -> None:
    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(pk=upload_id)
        UploadRow.objects.filter(upload=upload).delete()
        UploadAppliedChunk.objects.filter(upload=upload).delete()
        _finish(
            upload, UploadStatus.FAILED, SimisError(UploadError.FAILED, reference=reference), rows_applied=0
        )
        audit_record(
            actor=upload.uploaded_by,
            action=UploadAction.FAILED,
            subject=upload,
            after=_summary(upload),
            extra={"reference": reference},
            outcome="failed",
        )


def _status_set(upload: Upload, status: UploadStatus, **fields: Any) -> None:
    with transaction.atomic():
        Upload.objects.filter(pk=upload.pk).update(status=status, **fields)
    upload.status = status
    for name, value in fields.items():
        setattr(upload, name, value)


def _claim(upload_id: int) -> Upload | None:
    """The upload, marked as being checked, unless it is finished already (a job run twice)."""
    with transaction.atomic():
        upload = (
            Upload.objects.select_for_update(of=("self",))
            .select_related("establishment", "uploaded_by")
            .get(pk=upload_id)
        )
        if upload.status in (UploadStatus.APPLIED, UploadStatus.REJECTED):
            return None
        UploadRow.objects.filter(upload=upload).delete()
        UploadAppliedChunk.objects.filter(upload=upload).delete()
        upload.status = UploadStatus.VALIDATING
        upload.attempts += 1
        upload.started_at = timezone.now()
        upload.finished_at = None
        upload.outcome_code = ""
        upload.outcome_params = {}
        upload.rows_valid = upload.rows_refused = upload.rows_applied = 0
        upload.save()
        return upload


def _locked(upload_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_NAMESPACE, upload_id % 2_147_483_647])
        return bool(cursor.fetchone()[0])


def _unlock(upload_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_NAMESPACE, upload_id % 2_147_483_647])


def upload_process(*, upload_id: int, report: bool = True) -> Upload:
    """The job: check every row, apply in one transaction, record the outcome, then write the
    report (see the module docstring). Returns the upload as it ended; an unexpected error
    marks it failed (nothing applied) and is raised again so the job is retried."""
    if not _locked(upload_id):
        # Another worker is processing this upload right now.
        return Upload.objects.get(pk=upload_id)
    try:
        upload = _claim(upload_id)
        if upload is None:
            return Upload.objects.get(pk=upload_id)
        with ProgressWriter(upload.pk, upload.row_count) as progress:
            progress.report(ProgressPhase.VALIDATING, 0, force=True)
            try:
                # The file's rows are millions of objects without cycles: no collection scans
                # them while they are checked and applied (``parsing.collection_paused``).
                with collection_paused():
                    _process(upload, progress)
            except Exception:
                reference = f"upload-{upload.pk}-{upload.attempts}"
                logger.exception("upload %s failed (%s)", upload.pk, reference)
                _fail(upload.pk, reference)
                progress.clear()
                raise
            progress.clear()
    finally:
        _unlock(upload_id)
    upload.refresh_from_db()
    if report and has_report(upload):
        try:
            report_build(upload)
        except Exception:
            # The upload stands; the report is built again when first asked for.
            logger.exception("report of upload %s could not be written", upload.pk)
    return upload


def _process(upload: Upload, progress: ProgressWriter) -> None:
    upload.file.open("rb")
    try:
        data = upload.file.read()
    finally:
        upload.file.close()
    try:
        table = table_read(data, upload.original_name, upload.kind, limits_from_settings())
    except SimisError as error:
        _reject(upload, None, {}, error)
        return
    layout = table.layout
    total = upload.row_count
    all_or_nothing = upload.mode == UploadMode.ALL_OR_NOTHING
    run: Callable[[ApplyContext], ApplyResult]
    if bulk_apply.streams(upload.kind):
        # New contributors in bulk: each row's cells are read, checked against the register and
        # made into COPY text in a checking process, while this one stores the chunks already
        # made (``bulk_apply``).
        problems: dict[int, list[RowProblem]] = {}
        _status_set(upload, UploadStatus.VALIDATED)
        check_only = False

        def run(context: ApplyContext) -> ApplyResult:
            return bulk_apply.contributors_register_table(table, context)

    else:
        inputs, problems = _rows_read(table, progress)
        _status_set(upload, UploadStatus.VALIDATED, rows_valid=len(inputs), rows_refused=len(problems))
        if not inputs:
            nothing = (
                SimisError(UploadError.ROWS_REFUSED, invalid=len(problems), total=total)
                if all_or_nothing
                else SimisError(UploadError.NOTHING_VALID, total=total)
            )
            _reject(upload, layout, problems, nothing)
            return
        # All or nothing with rows refused already: the others are still checked against the
        # register for a full report, and nothing is kept.
        check_only = all_or_nothing and bool(problems)
        applier = applier_for(upload.kind)

        def run(context: ApplyContext) -> ApplyResult:
            return applier(inputs, context)

    _status_set(upload, UploadStatus.APPLYING)
    already = len(problems)
    progress.report(ProgressPhase.APPLYING, already, force=True)
    context = ApplyContext(
        actor=upload.uploaded_by,
        establishment=upload.establishment,
        requested_on=upload.requested_on,
        mode=UploadMode(upload.mode),
        progress=lambda done: progress.report(ProgressPhase.APPLYING, already + done),
        check_only=check_only,
    )
    try:
        with transaction.atomic():
            result = run(context)
            merged = {**problems, **result.problems}
            if merged and context.all_or_nothing:
                raise NothingApplied(
                    merged, SimisError(UploadError.ROWS_REFUSED, invalid=len(merged), total=total)
                )
            if not result.applied:
                raise NothingApplied(merged, SimisError(UploadError.NOTHING_VALID, total=total))
            _results_store(upload, layout, merged, result.applied)
            outcome = (
                SimisError(
                    UploadError.APPLIED_WITH_REFUSALS, applied=len(result.applied), invalid=len(merged)
                )
                if merged
                else None
            )
            _finish(
                upload,
                UploadStatus.APPLIED,
                outcome,
                rows_valid=len(result.applied),
                rows_refused=len(merged),
                rows_applied=len(result.applied),
            )
            audit_record(
                actor=upload.uploaded_by,
                action=UploadAction.APPLIED,
                subject=upload,
                after=_summary(upload),
                extra={
                    "partner": upload.partner_code,
                    "template_version": upload.format_version,
                    "applied_rows_digest": applied_rows_digest(result.applied),
                    "applied_rows_table": UploadAppliedChunk._meta.db_table,
                    "refused_rows_table": UploadRow._meta.db_table,
                },
            )
    except NothingApplied as nothing:
        _reject(upload, layout, nothing.problems, nothing.error)
    except IntegrityError as error:
        if "uploads_upload_applied_once" not in str(error):
            raise
        # Another upload of the same file was applied meanwhile; this one applied nothing.
        first = Upload.objects.filter(
            establishment_id=upload.establishment_id,
            kind=upload.kind,
            sha256=upload.sha256,
            status=UploadStatus.APPLIED,
        ).first()
        _reject(
            upload,
            layout,
            {},
            SimisError(
                UploadError.ALREADY_APPLIED,
                number=upload.establishment.number,
                upload=first.pk if first else "?",
                date=timezone.localdate().isoformat(),
            ),
        )


def has_report(upload: Upload) -> bool:
    """Whether the upload has a row-by-row report: it was applied, or rejected for its rows
    (a file refused as a whole has none — its one error says it all)."""
    if upload.status == UploadStatus.APPLIED:
        return True
    return upload.status == UploadStatus.REJECTED and not upload.outcome_code.startswith("UPL-0")


def report_build(upload: Upload) -> Upload:
    """Writes the report file (the uploaded file back with each row's result) and stores it
    with its SHA-256."""
    from simis.uploads.reports import report_bytes

    data = report_bytes(upload)
    with transaction.atomic():
        locked = Upload.objects.select_for_update().get(pk=upload.pk)
        name = f"simis-upload-{upload.pk}-report.{upload.file_format}"
        locked.report.save(name, ContentFile(data), save=False)
        locked.report_sha256 = hashlib.sha256(data).hexdigest()
        locked.save(update_fields=["report", "report_sha256"])
    upload.report = locked.report
    upload.report_sha256 = locked.report_sha256
    return upload
