"""The document pages: the scan station, the manual indexing queue, folders and the document
viewer. Institution staff only (anyone else signed in gets 404: the pages do not exist for
them). A folder, and every document in it, opens only for a user its owner app lets see it
(``can_view``); any other is not found (404), never forbidden. Thin: each view validates its
input and calls one service or selector."""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
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
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from simis.core.errors import SimisError
from simis.documents import selectors, services
from simis.documents.choices import FINAL_BATCH_STATUSES, BatchStatus, IndexingStatus
from simis.documents.errors import DocumentError
from simis.documents.forms import (
    CoverSheetForm,
    DocumentUploadForm,
    IndexingAttachForm,
    IndexingDiscardForm,
    ScanBatchForm,
)
from simis.documents.models import Document, DocumentFolder, IndexingItem, ScanBatch
from simis.documents.owners import owner_can_view
from simis.documents.rules import cover_code
from simis.identity.public import Audience

View = Callable[..., HttpResponseBase]
QUEUE_PAGE_SIZE = 50
# Errors of a stored file: shown as a coded page, not as "not found".
_STORE_ERRORS = frozenset({DocumentError.INTEGRITY.code, DocumentError.FILE_MISSING.code})


def staff_only(view: View) -> View:
    """Signed-in institution staff; anyone else signed in gets 404, anyone signed out the
    sign-in page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(request.user, "audience", "") != Audience.STAFF:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _store_error(request: HttpRequest, error: SimisError) -> HttpResponse:
    """A stored file that failed its check (already audited by the service): a coded page in
    both languages, status 500 — the fault is ours, not the reader's."""
    return render(
        request,
        "documents/store_error.html",
        {
            "code": error.code,
            "message_ar": error.error.render_in("ar", **error.params),
            "message_en": error.error.render_in("en", **error.params),
        },
        status=500,
    )


def _page_number(request: HttpRequest, count: int) -> int:
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    return min(max(page, 1), max(count, 1))


def _data_uri(image: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(image).decode("ascii")


# --- The scan station --------------------------------------------------------------------------------


@staff_only
@require_http_methods(["GET", "POST"])
def scan_view(request: HttpRequest) -> HttpResponse:
    form = ScanBatchForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.scan_batch_receive(
                form.cleaned_data["file"],
                actor=request.user,
                office_code=form.cleaned_data["office_code"],
                request=request,
            )
        except SimisError as error:
            form.add_error(None, f"{error.code}: {error.message}")
        else:
            return HttpResponseRedirect(reverse("documents:batch", args=[batch.pk]))
    return render(
        request,
        "documents/scan.html",
        {"form": form, "batches": selectors.batches_recent(), "status": _status_labels()},
        status=400 if form.errors else 200,
    )


def _status_labels() -> dict[str, str]:
    return {str(status.value): str(status.label) for status in BatchStatus}


def _batch_or_404(pk: int) -> ScanBatch:
    batch = selectors.batch_get(pk)
    if batch is None:
        raise Http404
    return batch


def _outcome(batch: ScanBatch) -> str:
    if not batch.outcome_code:
        return ""
    for member in DocumentError:
        if member.code == batch.outcome_code:
            try:
                return f"{member.code}: {member.render(**batch.outcome_params)}"
            except (KeyError, TypeError, ValueError):
                return f"{member.code}: {member.message}"
    return batch.outcome_code


@staff_only
@require_GET
def batch_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(pk)
    documents = [
        {
            "document": document,
            "visible": owner_can_view(request.user, document.folder.owner_kind, document.folder.owner_key),
        }
        for document in selectors.batch_documents(batch)
    ]
    return render(
        request,
        "documents/batch.html",
        {
            "batch": batch,
            "finished": batch.status in FINAL_BATCH_STATUSES,
            "outcome": _outcome(batch),
            "documents": documents,
            "items": selectors.batch_indexing_items(batch),
            "can_retry": batch.status == BatchStatus.FAILED,
        },
    )


@staff_only
@require_GET
def batch_progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls every second; once the batch is finished the page
    reloads to show where its pages went (``HX-Refresh``)."""
    batch = _batch_or_404(pk)
    finished = batch.status in FINAL_BATCH_STATUSES or batch.status == BatchStatus.FAILED
    response = render(request, "documents/_progress.html", {"batch": batch, "finished": finished})
    if finished and request.headers.get("HX-Request") == "true":
        response["HX-Refresh"] = "true"
    return response


@staff_only
@require_POST
def batch_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(pk)
    try:
        services.scan_batch_retry(batch=batch, actor=request.user, request=request)
    except SimisError as error:
        messages.error(request, f"{error.code}: {error.message}")
    return HttpResponseRedirect(reverse("documents:batch", args=[batch.pk]))


# --- The indexing queue -----------------------------------------------------------------------------


@staff_only
@require_GET
def queue_view(request: HttpRequest) -> HttpResponse:
    items = selectors.indexing_items_open()
    return render(
        request,
        "documents/queue.html",
        {"items": items[:QUEUE_PAGE_SIZE], "total": items.count(), "page_size": QUEUE_PAGE_SIZE},
    )


def _item_or_404(pk: int) -> IndexingItem:
    item = selectors.indexing_item_get(pk)
    if item is None:
        raise Http404
    return item


@staff_only
@require_http_methods(["GET", "POST"])
def queue_item_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_or_404(pk)
    form = IndexingAttachForm(request.POST or None, initial={"code": item.suggested_code})
    if request.method == "POST" and form.is_valid():
        try:
            document = services.indexing_item_attach(
                item=item, code=form.cleaned_data["code"], actor=request.user, request=request
            )
        except SimisError as error:
            if error.code in _STORE_ERRORS:
                return _store_error(request, error)
            form.add_error("code", f"{error.code}: {error.message}")
        else:
            messages.success(
                request,
                _("The pages were attached as version %(version)s of %(type)s in folder %(folder)s.")
                % {
                    "version": document.version,
                    "type": document.document_type.name,
                    "folder": document.folder_id,
                },
            )
            return HttpResponseRedirect(reverse("documents:queue"))
    page = _page_number(request, item.page_count)
    try:
        image = services.indexing_page_image(item=item, page=page, actor=request.user, request=request)
    except SimisError as error:
        if error.code in _STORE_ERRORS:
            return _store_error(request, error)
        raise Http404 from None
    return render(
        request,
        "documents/queue_item.html",
        {
            "item": item,
            "open": item.status == IndexingStatus.OPEN,
            "form": form,
            "discard_form": IndexingDiscardForm(),
            "page": page,
            "pages": range(1, item.page_count + 1),
            "image": _data_uri(image),
            "batch_page": item.batch_pages[page - 1] if page <= len(item.batch_pages) else page,
        },
        status=400 if form.errors else 200,
    )


@staff_only
@require_POST
def queue_item_discard_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_or_404(pk)
    form = IndexingDiscardForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            f"{DocumentError.DISCARD_REASON_REQUIRED.code}: {DocumentError.DISCARD_REASON_REQUIRED.render()}",
        )
        return HttpResponseRedirect(reverse("documents:queue-item", args=[item.pk]))
    try:
        services.indexing_item_discard(
            item=item, reason=form.cleaned_data["reason"], actor=request.user, request=request
        )
    except SimisError as error:
        messages.error(request, f"{error.code}: {error.message}")
        return HttpResponseRedirect(reverse("documents:queue-item", args=[item.pk]))
    messages.success(request, _("The pages were set aside."))
    return HttpResponseRedirect(reverse("documents:queue"))


# --- Folders and documents --------------------------------------------------------------------------


def _folder_or_404(request: HttpRequest, pk: int) -> DocumentFolder:
    folder = selectors.folder_get(user=request.user, pk=pk)
    if folder is None:
        raise Http404
    return folder


def _folder_page(
    request: HttpRequest,
    folder: DocumentFolder,
    *,
    upload_form: DocumentUploadForm | None = None,
    status: int = 200,
) -> HttpResponse:
    types = list(selectors.document_types_active())
    required = selectors.folder_required_types(folder)
    return render(
        request,
        "documents/folder.html",
        {
            "folder": folder,
            "owner_label": selectors.folder_owner_label(folder),
            "owner_link": selectors.folder_owner_link(folder),
            "documents": selectors.folder_documents(folder),
            "required": required,
            "cover_form": CoverSheetForm(types=types),
            "upload_form": upload_form or DocumentUploadForm(types=types),
            "codes": {row.code: cover_code(folder.pk, row.code) for row in types},
        },
        status=status,
    )


@staff_only
@require_GET
def folder_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _folder_page(request, _folder_or_404(request, pk))


@staff_only
@require_GET
def cover_sheet_view(request: HttpRequest, pk: int) -> HttpResponse:
    folder = _folder_or_404(request, pk)
    form = CoverSheetForm(request.GET, types=selectors.document_types_active())
    if not form.is_valid():
        messages.error(request, _("Choose a document and a language for the cover sheet."))
        return HttpResponseRedirect(reverse("documents:folder", args=[folder.pk]))
    code = form.cleaned_data["document_type"]
    try:
        pdf = services.cover_sheet_print(
            folder=folder,
            document_type=code,
            language=form.cleaned_data["language"],
            actor=request.user,
            request=request,
        )
    except SimisError as error:
        messages.error(request, f"{error.code}: {error.message}")
        return HttpResponseRedirect(reverse("documents:folder", args=[folder.pk]))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="cover-sheet-{folder.pk}-{code}.pdf"'
    return response


@staff_only
@require_POST
def document_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    folder = _folder_or_404(request, pk)
    form = DocumentUploadForm(request.POST, request.FILES, types=selectors.document_types_active())
    if form.is_valid():
        uploaded = form.cleaned_data["file"]
        limits = services.limits_from_settings()
        try:
            if uploaded.size > limits.max_bytes:
                raise SimisError(DocumentError.FILE_TOO_LARGE, size=uploaded.size, limit=limits.max_bytes)
            document = services.document_add(
                folder=folder,
                document_type=form.cleaned_data["document_type"],
                data=uploaded.read(),
                file_name=uploaded.name,
                actor=request.user,
                request=request,
            )
        except SimisError as error:
            form.add_error(None, f"{error.code}: {error.message}")
        else:
            messages.success(
                request,
                _("Version %(version)s of %(type)s was added.")
                % {"version": document.version, "type": document.document_type.name},
            )
            return HttpResponseRedirect(reverse("documents:folder", args=[folder.pk]))
    return _folder_page(request, folder, upload_form=form, status=400)


def _document_or_404(request: HttpRequest, pk: int) -> Document:
    document = selectors.document_get(user=request.user, pk=pk)
    if document is None:
        raise Http404
    return document


@staff_only
@require_GET
def document_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One page of a document at a time (the page is read from the store, checked against its
    SHA-256, rendered and audited)."""
    document = _document_or_404(request, pk)
    page = _page_number(request, document.page_count)
    try:
        image = services.document_page_image(
            document=document, page=page, actor=request.user, request=request
        )
    except SimisError as error:
        if error.code in _STORE_ERRORS:
            return _store_error(request, error)
        raise Http404 from None
    return render(
        request,
        "documents/document.html",
        {
            "document": document,
            "folder": document.folder,
            "owner_label": selectors.folder_owner_label(document.folder),
            "versions": selectors.document_versions(document),
            "page": page,
            "pages": range(1, document.page_count + 1),
            "image": _data_uri(image),
        },
    )


@staff_only
@require_GET
def document_file_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    document = _document_or_404(request, pk)
    try:
        handle = services.document_open(document=document, actor=request.user, request=request)
    except SimisError as error:
        if error.code in _STORE_ERRORS:
            return _store_error(request, error)
        raise Http404 from None
    name = f"{document.document_type.code}-{document.folder_id}-v{document.version}.pdf"
    return FileResponse(handle, as_attachment=True, filename=name, content_type="application/pdf")
