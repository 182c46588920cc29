"""Writes of document management (SYS-2): document types, folders, cover sheets, scan intake,
manual indexing, direct uploads — and opening a stored document, which is audited.

Scan intake in two steps:

1. ``scan_batch_receive`` (the scan station page) refuses a hostile or malformed file at once
   with a coded error, storing nothing (``scans.batch_inspect``); otherwise it stores the file
   with its SHA-256, records the batch and defers the job ``documents.scan_batch_process`` in
   the same transaction.
2. ``scan_batch_process`` (the job) reads every page's barcodes outside any transaction
   (writing its progress as it goes), groups the pages behind their cover sheets
   (``rules.pages_group``), stores one PDF per group, then in **one transaction** attaches each
   routed group to its folder as the next version of its type and puts the rest in the
   manual indexing queue. A failure anywhere leaves nothing attached; the job tries again. The
   owners' ``on_attached`` hooks run after that transaction commits.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial, wraps
from pathlib import Path
from typing import IO, Any, ParamSpec, TypeVar

import yaml
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from simis.audit.public import audit_record
from simis.core.errors import SimisError
from simis.documents.actions import DocumentAction
from simis.documents.barcodes import page_codes
from simis.documents.choices import (
    FINAL_BATCH_STATUSES,
    BatchStatus,
    DocumentSource,
    Indexing,
    IndexingReason,
    IndexingStatus,
)
from simis.documents.cover_sheets import cover_sheet_pdf
from simis.documents.errors import DocumentError
from simis.documents.models import (
    Document,
    DocumentFile,
    DocumentFolder,
    DocumentType,
    IndexingItem,
    ScanBatch,
)
from simis.documents.owners import folder_owner, owner_can_view, owner_notify_attached
from simis.documents.rules import (
    TYPE_CODE_RE,
    PageGroup,
    PageReading,
    code_parse,
    page_classify,
    page_count_expected,
    pages_group,
)
from simis.documents.scans import (
    Limits,
    ScanSource,
    batch_inspect,
    pdf_page_count,
    pdf_page_jpeg,
    pdf_select,
)
from simis.documents.storage import IntegrityProblem, Stored, bytes_store, stored_file_open, stored_file_read
from simis.identity.public import Audience

logger = logging.getLogger("simis.documents")

P = ParamSpec("P")
R = TypeVar("R")

TYPES_FILE = Path(__file__).resolve().parent / "document_types.yaml"
OFFICE_RE = re.compile(r"^[A-Z0-9-]{1,8}$")
PDF = "application/pdf"
# Seconds between two progress writes while a batch is read (the page polls every second).
PROGRESS_INTERVAL = 0.5
# Advisory-lock namespace of batch reading ("SCAN"): one job at a time per batch.
_LOCK_NAMESPACE = 0x5343414E


def limits_from_settings() -> Limits:
    """The file limits, from settings where given (``SIMIS_DOCUMENTS_MAX_BYTES``,
    ``SIMIS_DOCUMENTS_MAX_PAGES``, ``SIMIS_DOCUMENTS_MAX_PAGE_PIXELS``)."""
    defaults = Limits()
    return Limits(
        max_bytes=int(getattr(settings, "SIMIS_DOCUMENTS_MAX_BYTES", defaults.max_bytes)),
        max_pages=int(getattr(settings, "SIMIS_DOCUMENTS_MAX_PAGES", defaults.max_pages)),
        max_page_pixels=int(getattr(settings, "SIMIS_DOCUMENTS_MAX_PAGE_PIXELS", defaults.max_page_pixels)),
    )


def _params(error: SimisError) -> dict[str, str]:
    return {key: str(value) for key, value in error.params.items()}


def _staff_required(actor: Any) -> None:
    if getattr(actor, "audience", "") != Audience.STAFF or not getattr(actor, "is_active", False):
        raise SimisError(DocumentError.STAFF_ONLY)


def refusals_audited(action: DocumentAction) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A refusal (``SimisError``) is recorded under ``action`` in its own transaction — the
    refused operation itself rolled back — then raised again."""

    def decorator(func: Callable[P, R]) -> Callable[P, R]:
        @wraps(func)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return func(*args, **kwargs)
            except SimisError as error:
                request = kwargs.get("request")
                item = kwargs.get("item")
                with transaction.atomic():
                    audit_record(
                        actor=kwargs.get("actor"),
                        action=action,
                        subject=item if isinstance(item, IndexingItem) else None,
                        extra={
                            "operation": func.__name__,
                            "code": error.code,
                            "params": _params(error),
                            "file_name": str(getattr(args[0] if args else None, "name", "") or "")[:255],
                        },
                        request=request if isinstance(request, HttpRequest) else None,
                        outcome="refused",
                    )
                raise

        return run

    return decorator


# --- Document types -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeSpec:
    code: str
    name_ar: str
    name_en: str
    description_ar: str
    description_en: str
    min_pages: int
    max_pages: int | None


@dataclass(frozen=True)
class TypesLoaded:
    created: int
    updated: int
    retired: int
    unchanged: int


def _text(entry: dict[str, Any], key: str, *, required: bool, limit: int) -> str:
    value = entry.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise ValueError(f"{entry.get('code', '?')}: {key} must be text of 1 to {limit} characters")
    return value.strip()


def document_types_parse(text: str, *, file_name: str = "document_types.yaml") -> list[TypeSpec]:
    """The document types a YAML file declares (DOC-304 for anything malformed)."""
    try:
        content = yaml.safe_load(text)
        entries = content.get("types") if isinstance(content, dict) else None
        if not isinstance(entries, list) or not entries:
            raise ValueError("a non-empty list 'types' is required")
        specs: list[TypeSpec] = []
        for entry in entries:
            if not isinstance(entry, dict):
                raise ValueError("each type is a mapping")
            unknown = set(entry) - {f for f in TypeSpec.__dataclass_fields__}
            if unknown:
                raise ValueError(f"{entry.get('code', '?')}: unknown keys {sorted(unknown)}")
            code = entry.get("code")
            if not isinstance(code, str) or not TYPE_CODE_RE.match(code):
                raise ValueError(f"{code!r} is not a type code (A-Z, 0-9, _; a letter first; 2 to 24)")
            low, high = entry.get("min_pages", 1), entry.get("max_pages")
            if (
                not isinstance(low, int)
                or low < 1
                or (high is not None and (not isinstance(high, int) or high < low))
            ):
                raise ValueError(f"{code}: min_pages ≥ 1 and max_pages ≥ min_pages (or omitted)")
            specs.append(
                TypeSpec(
                    code=code,
                    name_ar=_text(entry, "name_ar", required=True, limit=200),
                    name_en=_text(entry, "name_en", required=True, limit=200),
                    description_ar=_text(entry, "description_ar", required=False, limit=2000),
                    description_en=_text(entry, "description_en", required=False, limit=2000),
                    min_pages=low,
                    max_pages=high,
                )
            )
        codes = [spec.code for spec in specs]
        if len(set(codes)) != len(codes):
            raise ValueError(f"codes appear twice: {sorted({c for c in codes if codes.count(c) > 1})}")
    except (yaml.YAMLError, ValueError, AttributeError) as error:
        raise SimisError(DocumentError.TYPES_FILE_INVALID, file=file_name, detail=str(error)[:300]) from None
    return specs


@transaction.atomic
def document_types_load(*, path: Path | None = None, actor: Any = None) -> TypesLoaded:
    """Brings the document types in line with the YAML file: new codes are created, changed
    names or page hints updated, codes no longer in the file marked not in use (never deleted:
    documents keep their type). Idempotent: a second run changes nothing and records nothing."""
    source = path or TYPES_FILE
    specs = document_types_parse(source.read_text(encoding="utf-8"), file_name=source.name)
    existing = {row.code: row for row in DocumentType.objects.select_for_update()}
    created = updated = unchanged = 0
    changes: dict[str, str] = {}
    now = timezone.now()
    for spec in specs:
        values = {
            "name_ar": spec.name_ar,
            "name_en": spec.name_en,
            "description_ar": spec.description_ar,
            "description_en": spec.description_en,
            "min_pages": spec.min_pages,
            "max_pages": spec.max_pages,
            "active": True,
        }
        row = existing.get(spec.code)
        if row is None:
            DocumentType.objects.create(code=spec.code, updated_at=now, **values)
            created += 1
            changes[spec.code] = "created"
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_at = now
            row.save()
            updated += 1
            changes[spec.code] = "updated"
        else:
            unchanged += 1
    wanted = {spec.code for spec in specs}
    retired = 0
    for code, row in existing.items():
        if code not in wanted and row.active:
            row.active = False
            row.updated_at = now
            row.save(update_fields=["active", "updated_at"])
            retired += 1
            changes[code] = "retired"
    result = TypesLoaded(created, updated, retired, unchanged)
    if changes:
        audit_record(
            actor=actor,
            action=DocumentAction.TYPES_LOADED,
            subject_type="documents.documenttype",
            subject_id=source.name,
            after={"changes": changes},
            extra={"created": created, "updated": updated, "retired": retired, "unchanged": unchanged},
        )
    return result


# --- Folders --------------------------------------------------------------------------------------


@transaction.atomic
def folder_for(owner_kind: str, owner_key: str, *, title: str, actor: Any = None) -> DocumentFolder:
    """The folder of the record ``(owner_kind, owner_key)``, created on first use. The owner
    kind must be registered (DOC-301). A changed ``title`` is stored (and audited)."""
    if folder_owner(owner_kind) is None:
        raise SimisError(DocumentError.OWNER_NOT_REGISTERED, kind=str(owner_kind)[:64])
    key, wanted = str(owner_key)[:128], str(title).strip()[:300]
    folder, created = DocumentFolder.objects.get_or_create(
        owner_kind=owner_kind, owner_key=key, defaults={"title": wanted}
    )
    if created:
        audit_record(
            actor=actor,
            action=DocumentAction.FOLDER_CREATED,
            subject=folder,
            after={"owner_kind": owner_kind, "owner_key": key, "title": wanted},
        )
    elif wanted and folder.title != wanted:
        before = folder.title
        folder.title = wanted
        folder.save(update_fields=["title"])
        audit_record(
            actor=actor,
            action=DocumentAction.FOLDER_RETITLED,
            subject=folder,
            before={"title": before},
            after={"title": wanted},
        )
    return folder


def _folder_visible(folder: DocumentFolder, actor: Any) -> None:
    if not owner_can_view(actor, folder.owner_kind, folder.owner_key):
        raise SimisError(DocumentError.FOLDER_NOT_FOUND)


def _type_in_use(document_type: DocumentType | str) -> DocumentType:
    code = document_type.code if isinstance(document_type, DocumentType) else str(document_type)
    found = DocumentType.objects.filter(code=code).first()
    if found is None:
        raise SimisError(DocumentError.UNKNOWN_TYPE, type=code[:32])
    if not found.active:
        raise SimisError(DocumentError.INACTIVE_TYPE, type=code)
    return found


# --- Cover sheets ---------------------------------------------------------------------------------


def cover_sheet_print(
    *,
    folder: DocumentFolder,
    document_type: DocumentType | str,
    language: str,
    actor: Any,
    request: HttpRequest | None = None,
) -> bytes:
    """The cover sheet PDF for a folder the actor may see and a document type in use; the
    printing is audited."""
    _folder_visible(folder, actor)
    found = _type_in_use(document_type)
    pdf = cover_sheet_pdf(folder, found, language=language)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=DocumentAction.COVER_SHEET_PRINTED,
            subject=folder,
            extra={"document_type": found.code, "language": language},
            request=request,
        )
    return pdf


# --- Stored files and documents -----------------------------------------------------------------------


def _file_record(stored: Stored, page_count: int) -> DocumentFile:
    return DocumentFile.objects.create(
        storage_name=stored.storage_name,
        sha256=stored.sha256,
        size=stored.size,
        content_type=stored.content_type,
        page_count=page_count,
    )


def _pdf_store(data: bytes) -> Stored:
    return bytes_store(data, extension="pdf", content_type=PDF)


def _document_create(
    *,
    folder: DocumentFolder,
    document_type: DocumentType,
    stored: Stored,
    page_count: int,
    source: DocumentSource,
    indexing: Indexing,
    actor: Any,
    batch: ScanBatch | None = None,
    batch_pages: Sequence[int] = (),
    office_code: str = "",
) -> Document:
    """The next version of ``document_type`` in ``folder``. The caller holds the folder's row
    lock, so versions are numbered without gaps or races (the unique constraint would refuse a
    duplicate anyway)."""
    last = Document.objects.filter(folder=folder, document_type=document_type).aggregate(last=Max("version"))
    document = Document.objects.create(
        folder=folder,
        document_type=document_type,
        version=(last["last"] or 0) + 1,
        file=_file_record(stored, page_count),
        page_count=page_count,
        source=source,
        indexing=indexing,
        batch=batch,
        batch_pages=list(batch_pages),
        office_code=office_code,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    transaction.on_commit(partial(owner_notify_attached, document, folder.owner_kind))
    return document


def _document_summary(document: Document) -> dict[str, Any]:
    return {
        "folder": document.folder_id,
        "owner_kind": document.folder.owner_kind,
        "owner_key": document.folder.owner_key,
        "document_type": document.document_type.code,
        "version": document.version,
        "pages": document.page_count,
        "sha256": document.file.sha256,
        "size": document.file.size,
        "batch": document.batch_id,
        "batch_pages": document.batch_pages,
    }


def _integrity_record(
    problem: IntegrityProblem, file: DocumentFile, *, actor: Any, request: HttpRequest | None, subject: Any
) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=DocumentAction.INTEGRITY_FAILED,
            subject=subject,
            extra={
                "code": problem.error.code,
                "file": file.pk,
                "storage_name": file.storage_name,
                "recorded_sha256": file.sha256,
                "found_sha256": problem.found_sha256,
            },
            request=request,
            outcome="failed",
        )
    logger.error("stored file %s (%s) failed its integrity check: %s", file.pk, file.storage_name, problem)


def _verified_bytes(file: DocumentFile, *, actor: Any, request: HttpRequest | None, subject: Any) -> bytes:
    try:
        return stored_file_read(file)
    except IntegrityProblem as problem:
        _integrity_record(problem, file, actor=actor, request=request, subject=subject)
        raise problem.error from None


@transaction.atomic
def document_add(
    *,
    folder: DocumentFolder,
    document_type: DocumentType | str,
    data: bytes,
    actor: Any,
    file_name: str = "",
    request: HttpRequest | None = None,
) -> Document:
    """A file uploaded straight into a folder the actor may see (a PDF, TIFF, PNG or JPEG with
    the same checks as a scan batch), stored as a PDF — a PDF's pages copied as they are,
    without its scripts, attachments or forms — as the next version of its type."""
    _staff_required(actor)
    _folder_visible(folder, actor)
    found = _type_in_use(document_type)
    info = batch_inspect(data, limits_from_settings())
    with ScanSource(data, info.file_format) as source:
        pdf = source.pdf_of(range(info.page_count))
    folder = DocumentFolder.objects.select_for_update().get(pk=folder.pk)
    document = _document_create(
        folder=folder,
        document_type=found,
        stored=_pdf_store(pdf),
        page_count=info.page_count,
        source=DocumentSource.UPLOAD,
        indexing=Indexing.DIRECT,
        actor=actor,
    )
    audit_record(
        actor=actor,
        action=DocumentAction.DOCUMENT_ADDED,
        subject=document,
        after=_document_summary(document),
        extra={"file_name": str(file_name)[:255], "uploaded_format": info.file_format.value},
        request=request,
    )
    return document


def document_open(
    *, document: Document, actor: Any, request: HttpRequest | None = None, download: bool = True
) -> IO[bytes]:
    """The document's PDF, checked against its SHA-256, for a user the folder's owner lets see
    it (DOC-305 otherwise); the view is audited. A file that fails its check is not served:
    DOC-201 (or DOC-202 when missing), and the incident is audited."""
    _folder_visible(document.folder, actor)
    try:
        handle = stored_file_open(document.file)
    except IntegrityProblem as problem:
        _integrity_record(problem, document.file, actor=actor, request=request, subject=document)
        raise problem.error from None
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=DocumentAction.DOCUMENT_DOWNLOADED if download else DocumentAction.DOCUMENT_VIEWED,
            subject=document,
            extra={"sha256": document.file.sha256, "version": document.version},
            request=request,
        )
    return handle


def document_page_image(
    *, document: Document, page: int, actor: Any, request: HttpRequest | None = None, width: int = 1000
) -> bytes:
    """Page ``page`` (from 1) of a document as a JPEG, after the same access and SHA-256 checks
    as ``document_open``; each page shown is audited."""
    _folder_visible(document.folder, actor)
    if not 1 <= page <= document.page_count:
        raise SimisError(DocumentError.PAGE_OUT_OF_RANGE, page=page, count=document.page_count)
    data = _verified_bytes(document.file, actor=actor, request=request, subject=document)
    image = pdf_page_jpeg(data, page - 1, width=width)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=DocumentAction.DOCUMENT_VIEWED,
            subject=document,
            extra={"page": page, "sha256": document.file.sha256, "version": document.version},
            request=request,
        )
    return image


# --- Scan intake ------------------------------------------------------------------------------------


def _office(value: str | None) -> str:
    office = (value or "").strip().upper()
    if office and not OFFICE_RE.match(office):
        raise SimisError(DocumentError.OFFICE_CODE, value=office[:20])
    return office


def _read_capped(file: Any, limits: Limits) -> tuple[bytes, str]:
    """The upload's bytes (refused before reading when its declared size is too large)."""
    if isinstance(file, bytes | bytearray):
        data, name = bytes(file), ""
    else:
        declared = getattr(file, "size", None)
        if declared is not None and declared > limits.max_bytes:
            raise SimisError(DocumentError.FILE_TOO_LARGE, size=declared, limit=limits.max_bytes)
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limits.max_bytes + 1)
        name = str(getattr(file, "name", "") or "")
    if len(data) > limits.max_bytes:
        raise SimisError(DocumentError.FILE_TOO_LARGE, size=f"> {limits.max_bytes}", limit=limits.max_bytes)
    return data, Path(name).name[-255:]


@refusals_audited(DocumentAction.BATCH_REFUSED)
@transaction.atomic
def scan_batch_receive(
    file: Any, *, actor: Any, office_code: str | None = None, request: HttpRequest | None = None
) -> ScanBatch:
    """Receives a scan station's file (PDF, TIFF, PNG or JPEG; a Django ``UploadedFile``, any
    binary file object or bytes): checks it (``scans.batch_inspect``; coded refusal, audited,
    nothing stored), stores it with its SHA-256 and queues its reading."""
    _staff_required(actor)
    office = _office(office_code)
    limits = limits_from_settings()
    data, name = _read_capped(file, limits)
    info = batch_inspect(data, limits)
    stored = bytes_store(
        data, extension=info.file_format.extension, content_type=info.file_format.content_type
    )
    batch = ScanBatch.objects.create(
        file=_file_record(stored, info.page_count),
        original_name=name,
        file_format=info.file_format,
        page_count=info.page_count,
        office_code=office,
        received_by=actor,
    )
    audit_record(
        actor=actor,
        action=DocumentAction.BATCH_RECEIVED,
        subject=batch,
        after={
            "file_name": name,
            "file_format": info.file_format.value,
            "pages": info.page_count,
            "sha256": stored.sha256,
            "size": stored.size,
            "office": office,
        },
        request=request,
    )
    _job_defer(batch)
    return batch


def _job_defer(batch: ScanBatch) -> None:
    from simis.documents.tasks import scan_batch_process_job

    scan_batch_process_job.defer(batch_id=batch.pk)


@transaction.atomic
def scan_batch_retry(*, batch: ScanBatch, actor: Any, request: HttpRequest | None = None) -> ScanBatch:
    """Queues a failed batch again (only a failed one: DOC-504)."""
    _staff_required(actor)
    batch = ScanBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.FAILED:
        raise SimisError(DocumentError.NOT_RETRYABLE, batch=batch.pk, status=BatchStatus(batch.status).label)
    batch.status = BatchStatus.RECEIVED
    batch.save(update_fields=["status"])
    _job_defer(batch)
    return batch


def _locked(batch_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_NAMESPACE, batch_id % 2_147_483_647])
        return bool(cursor.fetchone()[0])


def _unlock(batch_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_NAMESPACE, batch_id % 2_147_483_647])


def _claim(batch_id: int) -> ScanBatch | None:
    """The batch, marked as being read, unless it is finished already (a job run twice)."""
    with transaction.atomic():
        batch = ScanBatch.objects.select_for_update(of=("self",)).select_related("file").get(pk=batch_id)
        if batch.status in FINAL_BATCH_STATUSES:
            return None
        batch.status = BatchStatus.READING
        batch.attempts += 1
        batch.started_at = timezone.now()
        batch.finished_at = None
        batch.pages_read = 0
        batch.outcome_code = ""
        batch.outcome_params = {}
        batch.save()
        return batch


def scan_batch_process(*, batch_id: int) -> ScanBatch:
    """The job: read, group, store, attach or queue (see the module docstring). Returns the
    batch as it ended. A page that cannot be decoded rejects the batch (DOC-009, nothing
    attached); an unexpected error marks it failed (nothing attached) and is raised again so
    the job is retried."""
    if not _locked(batch_id):
        # Another worker is reading this batch right now.
        return ScanBatch.objects.get(pk=batch_id)
    try:
        batch = _claim(batch_id)
        if batch is not None:
            try:
                _read_and_route(batch)
            except SimisError as error:
                _finish_unattached(batch.pk, BatchStatus.REJECTED, error, DocumentAction.BATCH_REJECTED)
            except Exception:
                reference = f"scan-{batch.pk}-{batch.attempts}"
                logger.exception("scan batch %s failed (%s)", batch.pk, reference)
                _finish_unattached(
                    batch.pk,
                    BatchStatus.FAILED,
                    SimisError(DocumentError.BATCH_FAILED, reference=reference),
                    DocumentAction.BATCH_FAILED,
                )
                raise
    finally:
        _unlock(batch_id)
    return ScanBatch.objects.get(pk=batch_id)


def _finish_unattached(batch_id: int, status: BatchStatus, error: SimisError, action: DocumentAction) -> None:
    with transaction.atomic():
        batch = ScanBatch.objects.select_for_update().get(pk=batch_id)
        batch.status = status
        batch.outcome_code = error.code
        batch.outcome_params = _params(error)
        batch.finished_at = timezone.now()
        batch.save()
        audit_record(
            actor=batch.received_by,
            action=action,
            subject=batch,
            extra={"code": error.code, "params": _params(error)},
            outcome="failed" if status == BatchStatus.FAILED else "refused",
        )


@dataclass
class _Planned:
    group: PageGroup
    reason: IndexingReason | None
    folder: DocumentFolder | None = None
    document_type: DocumentType | None = None
    stored: Stored | None = None

    @property
    def pages(self) -> list[int]:
        """The pages stored: the document's own, or — queued — the cover sheet too."""
        return self.group.pages if self.reason is None else self.group.all_pages


def _plan(groups: Sequence[PageGroup]) -> list[_Planned]:
    """Where each group goes: its folder (as the next version of its type) or the queue."""
    codes = [group.code for group in groups if group.code is not None and group.reason is None]
    folders = DocumentFolder.objects.in_bulk({code.folder_id for code in codes})
    types = {
        row.code: row for row in DocumentType.objects.filter(code__in={code.type_code for code in codes})
    }
    planned = []
    for group in groups:
        if group.reason is not None or group.code is None:
            planned.append(_Planned(group, group.reason or IndexingReason.NO_COVER))
            continue
        folder = folders.get(group.code.folder_id)
        document_type = types.get(group.code.type_code)
        if folder is None:
            reason: IndexingReason | None = IndexingReason.UNKNOWN_FOLDER
        elif document_type is None or not document_type.active:
            reason = IndexingReason.UNKNOWN_TYPE
        elif not page_count_expected(
            len(group.pages), min_pages=document_type.min_pages, max_pages=document_type.max_pages
        ):
            reason = IndexingReason.PAGE_COUNT
        else:
            reason = None
        planned.append(_Planned(group, reason, folder, document_type))
    return planned


def _progress(batch_id: int, pages_read: int) -> None:
    # Autocommit (no transaction is open while pages are read): visible at once to the page.
    ScanBatch.objects.filter(pk=batch_id).update(pages_read=pages_read)


def _read_and_route(batch: ScanBatch) -> None:
    try:
        data = stored_file_read(batch.file)
    except IntegrityProblem as problem:
        _integrity_record(problem, batch.file, actor=None, request=None, subject=batch)
        raise problem.error from None
    began = time.perf_counter()
    readings: list[PageReading] = []
    with ScanSource(data, batch.file_format) as source:
        last_write = 0.0
        for index in range(source.page_count):
            readings.append(page_classify(page_codes(source.reading_image(index))))
            now = time.monotonic()
            if now - last_write >= PROGRESS_INTERVAL:
                _progress(batch.pk, index + 1)
                last_write = now
        read_seconds = time.perf_counter() - began
        planned = _plan(pages_group(readings))
        for entry in planned:
            entry.stored = _pdf_store(source.pdf_of(entry.pages))
    _attach_and_queue(batch, planned, read_seconds)


@transaction.atomic
def _attach_and_queue(batch: ScanBatch, planned: Sequence[_Planned], read_seconds: float) -> None:
    batch = (
        ScanBatch.objects.select_for_update(of=("self",))
        .select_related("received_by", "file")
        .get(pk=batch.pk)
    )
    folder_ids = sorted({entry.folder.pk for entry in planned if entry.reason is None and entry.folder})
    # Locked in id order, so two batches attaching to the same folders never deadlock.
    locked = {
        folder.pk: folder
        for folder in DocumentFolder.objects.select_for_update().filter(pk__in=folder_ids).order_by("pk")
    }
    documents: list[Document] = []
    items: list[IndexingItem] = []
    for entry in planned:
        assert entry.stored is not None
        one_based = [page + 1 for page in entry.pages]
        if entry.reason is None:
            assert entry.folder is not None and entry.document_type is not None
            documents.append(
                _document_create(
                    folder=locked[entry.folder.pk],
                    document_type=entry.document_type,
                    stored=entry.stored,
                    page_count=len(entry.pages),
                    source=DocumentSource.SCAN,
                    indexing=Indexing.AUTOMATIC,
                    actor=batch.received_by,
                    batch=batch,
                    batch_pages=one_based,
                    office_code=batch.office_code,
                )
            )
        else:
            items.append(
                IndexingItem.objects.create(
                    batch=batch,
                    file=_file_record(entry.stored, len(entry.pages)),
                    page_count=len(entry.pages),
                    batch_pages=one_based,
                    first_page_is_cover=entry.group.cover_page is not None,
                    reason=entry.reason,
                    read_codes=[text[:200] for text in entry.group.texts],
                    suggested_code=entry.group.code.text if entry.group.code else "",
                )
            )
    batch.status = BatchStatus.DONE
    batch.pages_read = batch.page_count
    batch.documents_attached = len(documents)
    batch.pages_attached = sum(document.page_count for document in documents)
    batch.items_queued = len(items)
    batch.pages_queued = sum(item.page_count for item in items)
    batch.read_seconds = read_seconds
    batch.finished_at = timezone.now()
    batch.save()
    for document in documents:
        audit_record(
            actor=batch.received_by,
            action=DocumentAction.DOCUMENT_ATTACHED,
            subject=document,
            after=_document_summary(document),
        )
    audit_record(
        actor=batch.received_by,
        action=DocumentAction.BATCH_READ,
        subject=batch,
        after={
            "pages": batch.page_count,
            "documents": [document.pk for document in documents],
            "pages_attached": batch.pages_attached,
            "indexing_items": {str(item.pk): item.reason for item in items},
            "pages_queued": batch.pages_queued,
            "sha256": batch.file.sha256,
        },
    )


# --- The manual indexing queue -------------------------------------------------------------------


def _code_target(code: str) -> tuple[DocumentFolder, DocumentType]:
    """The folder (locked) and document type a typed cover sheet code names."""
    parsed = code_parse(code)
    folder = DocumentFolder.objects.select_for_update().filter(pk=parsed.folder_id).first()
    if folder is None:
        raise SimisError(DocumentError.CODE_UNKNOWN_FOLDER, folder=parsed.folder_id, code=parsed.text)
    document_type = DocumentType.objects.filter(code=parsed.type_code, active=True).first()
    if document_type is None:
        raise SimisError(DocumentError.CODE_UNKNOWN_TYPE, type=parsed.type_code, code=parsed.text)
    return folder, document_type


def _open_item(item: IndexingItem) -> IndexingItem:
    locked = (
        IndexingItem.objects.select_for_update(of=("self",)).select_related("batch", "file").get(pk=item.pk)
    )
    if locked.status != IndexingStatus.OPEN:
        raise SimisError(DocumentError.ITEM_CLOSED, status=IndexingStatus(locked.status).label)
    return locked


@refusals_audited(DocumentAction.INDEXING_REFUSED)
@transaction.atomic
def indexing_item_attach(
    *, item: IndexingItem, code: str, actor: Any, request: HttpRequest | None = None
) -> Document:
    """Attaches queued pages to the folder and type named by ``code`` (the cover sheet code, as
    typed; checked like a scanned one: DOC-101 to DOC-104) as the next version. A first page
    that is a cover sheet is left out (DOC-403 when nothing else is left). The scan clerk need
    not be able to see the folder: routing papers is not reading the case."""
    _staff_required(actor)
    folder, document_type = _code_target(code)
    item = _open_item(item)
    data = _verified_bytes(item.file, actor=actor, request=request, subject=item)
    pages = list(item.batch_pages)
    count = pdf_page_count(data)
    if item.first_page_is_cover:
        if count < 2:
            raise SimisError(DocumentError.ONLY_A_COVER)
        data, pages, count = pdf_select(data, range(1, count)), pages[1:], count - 1
    document = _document_create(
        folder=folder,
        document_type=document_type,
        stored=_pdf_store(data),
        page_count=count,
        source=DocumentSource.SCAN,
        indexing=Indexing.MANUAL,
        actor=actor,
        batch=item.batch,
        batch_pages=pages,
        office_code=item.batch.office_code,
    )
    item.status = IndexingStatus.ATTACHED
    item.document = document
    item.resolved_by = actor
    item.resolved_at = timezone.now()
    item.save(update_fields=["status", "document", "resolved_by", "resolved_at"])
    audit_record(
        actor=actor,
        action=DocumentAction.DOCUMENT_INDEXED,
        subject=document,
        after=_document_summary(document),
        extra={"indexing_item": item.pk, "reason": item.reason, "code": code_parse(code).text},
        request=request,
    )
    return document


@transaction.atomic
def indexing_item_discard(
    *, item: IndexingItem, reason: str, actor: Any, request: HttpRequest | None = None
) -> IndexingItem:
    """Sets queued pages aside (a blank page, a stray sheet), saying why (DOC-402). They stay
    in the batch file and the queue's history."""
    _staff_required(actor)
    why = str(reason or "").strip()
    if not why:
        raise SimisError(DocumentError.DISCARD_REASON_REQUIRED)
    item = _open_item(item)
    item.status = IndexingStatus.DISCARDED
    item.discard_reason = why[:2000]
    item.resolved_by = actor
    item.resolved_at = timezone.now()
    item.save(update_fields=["status", "discard_reason", "resolved_by", "resolved_at"])
    audit_record(
        actor=actor,
        action=DocumentAction.INDEXING_DISCARDED,
        subject=item,
        after={"reason": item.discard_reason, "batch": item.batch_id, "batch_pages": item.batch_pages},
        request=request,
    )
    return item


def indexing_page_image(
    *, item: IndexingItem, page: int, actor: Any, request: HttpRequest | None = None, width: int = 1000
) -> bytes:
    """Page ``page`` (from 1) of queued pages as a JPEG for the indexing clerk (staff only)."""
    _staff_required(actor)
    if not 1 <= page <= item.page_count:
        raise SimisError(DocumentError.PAGE_OUT_OF_RANGE, page=page, count=item.page_count)
    data = _verified_bytes(item.file, actor=actor, request=request, subject=item)
    return pdf_page_jpeg(data, page - 1, width=width)
