"""The portal's upload pages (employer users; staff act for any establishment). Thin: each
validates its input and calls one service or selector. Another establishment's upload is not
found (404), never forbidden, so its existence is not revealed."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from simis.core.errors import SimisError
from simis.identity.public import Audience, user_scope
from simis.registry.public import establishments_visible
from simis.uploads import selectors, services
from simis.uploads.choices import FINAL_STATUSES, UploadChannel, UploadKind, UploadStatus
from simis.uploads.errors import UploadError
from simis.uploads.forms import UploadForm
from simis.uploads.layouts import current_layout
from simis.uploads.models import Upload
from simis.uploads.template_files import template_csv, template_xlsx

REFUSED_ROWS_PER_PAGE = 50
# Above this many establishments, staff type the number instead of choosing from a list.
_SELECT_LIMIT = 200


def uploaders_only(view: Any) -> Any:
    """Signed-in employer users and staff; anyone else is refused (403)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if getattr(request.user, "audience", "") not in (Audience.EMPLOYER, Audience.STAFF):
            raise PermissionDenied
        response: HttpResponseBase = view(request, *args, **kwargs)
        return response

    return wrapped


def _visible_or_404(request: HttpRequest, pk: int) -> Upload:
    upload = selectors.upload_get(user=request.user, pk=pk)
    if upload is None:
        raise Http404
    return upload


def _templates() -> list[dict[str, Any]]:
    found = []
    for kind in UploadKind:
        layout = current_layout(kind)
        found.append(
            {
                "kind": kind,
                "label": kind.label,
                "layout": layout,
                "stem": f"simis-{layout.property_value}",
                "xlsx_name": layout.file_name("xlsx"),
                "csv_name": layout.file_name("csv"),
            }
        )
    return found


@uploaders_only
def upload_list_view(request: HttpRequest) -> HttpResponse:
    entries = [
        {"upload": upload, "progress": selectors.upload_progress(upload)}
        for upload in selectors.upload_list(user=request.user)
    ]
    return render(request, "uploads/list.html", {"entries": entries, "templates": _templates()})


def _establishment_choices(request: HttpRequest) -> list[tuple[str, str]] | None:
    visible = establishments_visible(request.user).order_by("number")
    if user_scope(request.user).unrestricted and visible.count() > _SELECT_LIMIT:
        return None
    return [(item.number, f"{item.number} — {item.name}") for item in visible[:_SELECT_LIMIT]]


@uploaders_only
@require_http_methods(["GET", "POST"])
def upload_new_view(request: HttpRequest) -> HttpResponse:
    choices = _establishment_choices(request)
    form = UploadForm(request.POST or None, request.FILES or None, establishments=choices)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            upload = services.upload_receive(
                actor=request.user,
                establishment_number=form.cleaned_data["establishment"],
                kind=form.cleaned_data["kind"],
                mode=form.cleaned_data["mode"],
                file_name=uploaded.name,
                data=_read_capped(uploaded),
                channel=UploadChannel.PORTAL,
                request=request,
            )
        except SimisError as error:
            form.add_error(None, f"{error.code}: {error.message}")
        else:
            return HttpResponseRedirect(reverse("uploads:detail", args=[upload.pk]))
    return render(request, "uploads/new.html", {"form": form, "templates": _templates()})


def _read_capped(uploaded: Any) -> bytes:
    """The uploaded file's bytes; an oversized one is refused before it is read into memory."""
    limits = services.limits_from_settings()
    if uploaded.size > limits.max_bytes:
        raise SimisError(UploadError.FILE_TOO_LARGE, size=uploaded.size, limit=limits.max_bytes)
    data: bytes = uploaded.read()
    return data


@uploaders_only
def template_download_view(request: HttpRequest, kind: str, extension: str) -> HttpResponse:
    try:
        layout = current_layout(kind.replace("-", "_"))
    except ValueError:
        raise Http404 from None
    if extension == "csv":
        data, content_type = template_csv(layout), "text/csv; charset=utf-8"
    elif extension == "xlsx":
        data = template_xlsx(layout)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{layout.file_name(extension)}"'
    return response


@uploaders_only
def upload_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _visible_or_404(request, pk)
    paginator = Paginator(upload.rows.order_by("row_number"), REFUSED_ROWS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "uploads/detail.html",
        {
            "upload": upload,
            "progress": selectors.upload_progress(upload),
            "finished": upload.status in FINAL_STATUSES,
            "outcome": _outcome(upload),
            "page": page,
            "has_report": services.has_report(upload),
            "can_retry": upload.status == UploadStatus.FAILED,
        },
    )


def _outcome(upload: Upload) -> str:
    """The stored outcome code's message in the reader's language."""
    if not upload.outcome_code:
        return ""
    for member in UploadError:
        if member.code == upload.outcome_code:
            try:
                return f"{member.code}: {member.render(**upload.outcome_params)}"
            except (KeyError, TypeError, ValueError):
                return f"{member.code}: {member.message}"
    return upload.outcome_code


@uploaders_only
def upload_progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls every second; once the upload has finished, the page
    reloads to show the outcome (``HX-Refresh``)."""
    upload = _visible_or_404(request, pk)
    progress = selectors.upload_progress(upload)
    response = render(request, "uploads/_progress.html", {"upload": upload, "progress": progress})
    if progress.finished and request.headers.get("HX-Request") == "true":
        response["HX-Refresh"] = "true"
    return response


@uploaders_only
def report_download_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    upload = _visible_or_404(request, pk)
    if not services.has_report(upload):
        raise Http404
    if not upload.report:
        upload = services.report_build(upload)
    upload.report.open("rb")
    return FileResponse(
        upload.report,
        as_attachment=True,
        filename=f"simis-upload-{upload.pk}-report.{upload.file_format}",
    )


@uploaders_only
@require_POST
def upload_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _visible_or_404(request, pk)
    try:
        services.upload_retry(actor=request.user, upload=upload, request=request)
    except SimisError as error:
        messages.error(request, f"{error.code}: {error.message}")
    return HttpResponseRedirect(reverse("uploads:detail", args=[upload.pk]))
