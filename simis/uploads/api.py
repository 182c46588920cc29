"""The signed web service for uploads (CH-3 with REG-7): ``/api/v1/uploads/``.

Thin: each operation checks its input and calls one service or selector. The gateway has
already verified the partner's signature; writes run under the partner's Idempotency-Key, so
a retried POST gets the stored answer and stores no second upload. Object-level check: a
partner system uploads for, and reads the uploads of, the establishment whose number is its
organisation key (or a branch of it) — any other upload is not found (404).
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Router, Schema, Status
from ninja.responses import codes_4xx

from simis.api.public import PartnerKind, api_caller
from simis.core.errors import SimisError
from simis.uploads import selectors, services
from simis.uploads.choices import UploadChannel, UploadKind, UploadMode
from simis.uploads.errors import UploadError
from simis.uploads.models import Upload

router = Router(tags=["uploads"])

MAX_ROWS_LISTED = 1000


class UploadIn(Schema):
    establishment: str = Field(..., max_length=16, description="The establishment number the rows are for.")
    kind: UploadKind = Field(..., description="What each row does: " + ", ".join(UploadKind.values) + ".")
    mode: UploadMode = Field(
        UploadMode.ALL_OR_NOTHING,
        description="all_or_nothing: one refused row and nothing is applied; valid_rows: apply the "
        "valid rows.",
    )
    file_name: str = Field(..., max_length=255, description="The file's name, ending in .csv or .xlsx.")
    content_base64: str = Field(..., description="The file's bytes in base64 (RFC 4648).")


class ErrorOut(Schema):
    code: str
    message: str
    message_ar: str
    message_en: str


class ProgressOut(Schema):
    phase: str
    done: int
    total: int
    percent: int
    finished: bool


class RowOut(Schema):
    row: int = Field(..., description="The row's number in the file, as a spreadsheet shows it.")
    columns: list[str]
    codes: list[str]
    messages_ar: list[str]
    messages_en: list[str]


class UploadOut(Schema):
    id: int
    establishment: str
    kind: str
    mode: str
    status: str = Field(
        ..., description="received, validating, validated, applying, applied, rejected or failed."
    )
    file_name: str
    file_format: str
    template_version: int
    sha256: str
    size: int
    rows: int
    rows_valid: int
    rows_refused: int
    rows_applied: int
    outcome: ErrorOut | None = Field(None, description="Why nothing or not everything was applied.")
    progress: ProgressOut
    created_at: datetime
    finished_at: datetime | None
    report_path: str | None = Field(None, description="GET it (signed) for the report file.")
    refused_rows: list[RowOut] = Field(default_factory=list)


def _outcome(upload: Upload) -> dict[str, str] | None:
    if not upload.outcome_code:
        return None
    member = next((item for item in UploadError if item.code == upload.outcome_code), None)
    if member is None:
        return None
    error = SimisError(member, **upload.outcome_params)
    return error.as_dict()


def upload_out(upload: Upload, *, offset: int = 0, limit: int = 100) -> dict[str, Any]:
    progress = selectors.upload_progress(upload)
    rows = selectors.upload_refused_rows(upload, offset=offset, limit=min(limit, MAX_ROWS_LISTED))
    return {
        "id": upload.pk,
        "establishment": upload.establishment.number,
        "kind": upload.kind,
        "mode": upload.mode,
        "status": upload.status,
        "file_name": upload.original_name,
        "file_format": upload.file_format,
        "template_version": upload.format_version,
        "sha256": upload.sha256,
        "size": upload.size,
        "rows": upload.row_count,
        "rows_valid": upload.rows_valid,
        "rows_refused": upload.rows_refused,
        "rows_applied": upload.rows_applied,
        "outcome": _outcome(upload),
        "progress": {
            "phase": str(progress.phase),
            "done": progress.done,
            "total": progress.total,
            "percent": progress.percent,
            "finished": progress.finished,
        },
        "created_at": upload.created_at,
        "finished_at": upload.finished_at,
        "report_path": f"/api/v1/uploads/{upload.pk}/report" if services.has_report(upload) else None,
        "refused_rows": [
            {
                "row": row.row_number,
                "columns": row.columns,
                "codes": row.codes,
                "messages_ar": row.messages_ar,
                "messages_en": row.messages_en,
            }
            for row in rows
        ],
    }


@router.post("/", response={201: UploadOut, 409: ErrorOut, codes_4xx: ErrorOut}, url_name="uploads-create")
def upload_create(request: HttpRequest, payload: UploadIn) -> Any:
    """Upload a file (base64 in JSON). It is checked as a whole at once — a refused file is
    answered with its code and nothing is stored — then processed in the background: poll
    ``GET /api/v1/uploads/{id}``. The same file already applied (or being processed) for the
    establishment is refused with 409 UPL-101 (UPL-102) and ``upload_id`` of the first."""
    caller = api_caller(request)
    if caller.kind != PartnerKind.EMPLOYER_SYSTEM:
        raise SimisError(
            UploadError.PARTNER_NOT_ALLOWED, key=caller.organisation_key, number=payload.establishment
        )
    try:
        data = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise SimisError(UploadError.BAD_BASE64) from None
    try:
        upload = services.upload_receive(
            actor=None,
            establishment_number=payload.establishment,
            kind=payload.kind,
            mode=payload.mode,
            file_name=payload.file_name,
            data=data,
            channel=UploadChannel.API,
            partner_code=caller.partner_code,
            partner_key=caller.organisation_key,
        )
    except SimisError as error:
        if error.error in (UploadError.ALREADY_APPLIED, UploadError.IN_PROGRESS):
            body: dict[str, Any] = {**error.as_dict(), "upload_id": int(error.params["upload"])}
            return JsonResponse(body, status=409, json_dumps_params={"ensure_ascii": False})
        raise
    return Status(201, upload_out(upload))


def _partner_upload(request: HttpRequest, upload_id: int) -> Upload:
    caller = api_caller(request)
    upload = selectors.upload_get_for_partner(organisation_key=caller.organisation_key, pk=upload_id)
    if upload is None:
        raise Http404
    return upload


@router.get("/{upload_id}", response={200: UploadOut, codes_4xx: ErrorOut}, url_name="uploads-detail")
def upload_detail(request: HttpRequest, upload_id: int, offset: int = 0, limit: int = 100) -> Any:
    """Where the upload is, its counts and outcome, and its refused rows (``offset``/``limit``,
    at most 1000 at a time), each with its codes and messages in both languages."""
    return upload_out(_partner_upload(request, upload_id), offset=max(offset, 0), limit=max(limit, 0))


@router.get("/{upload_id}/report", response={codes_4xx: ErrorOut}, url_name="uploads-report")
def upload_report(request: HttpRequest, upload_id: int) -> HttpResponse:
    """The report file: the uploaded file back, in its own format, with each row's result."""
    upload = _partner_upload(request, upload_id)
    if not services.has_report(upload):
        raise SimisError(UploadError.REPORT_NOT_READY, upload=upload.pk)
    if not upload.report:
        upload = services.report_build(upload)
    upload.report.open("rb")
    try:
        data = upload.report.read()
    finally:
        upload.report.close()
    content_type = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if upload.file_format == "xlsx"
        else "text/csv; charset=utf-8"
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="simis-upload-{upload.pk}-report.{upload.file_format}"'
    )
    return response
