"""Reads of document management. A folder and its documents are read only through
``folder_get`` / ``document_get``, which ask the folder's owner app whether the user may see it
(``can_view``); anything refused is simply not found (a page answers 404). Scan batches and the
indexing queue are the scan station's and are read by staff (the views check the audience)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from simis.documents.choices import IndexingStatus
from simis.documents.models import Document, DocumentFolder, DocumentType, IndexingItem, ScanBatch
from simis.documents.owners import folder_owner, owner_can_view


def folder_get(*, user: Any, pk: int) -> DocumentFolder | None:
    """The folder, if its owner lets ``user`` see it."""
    folder = DocumentFolder.objects.filter(pk=pk).first()
    if folder is None or not owner_can_view(user, folder.owner_kind, folder.owner_key):
        return None
    return folder


def folder_of(owner_kind: str, owner_key: str) -> DocumentFolder | None:
    """The folder of a record, if it has one (no access check: for the owner app itself)."""
    return DocumentFolder.objects.filter(owner_kind=owner_kind, owner_key=str(owner_key)).first()


def folder_url(folder: DocumentFolder) -> str:
    """The folder's page (documents, versions, cover sheets to print)."""
    return reverse("documents:folder", args=[folder.pk])


def cover_sheet_url(folder: DocumentFolder, type_code: str, *, language: str = "ar") -> str:
    """The printable cover sheet of ``type_code`` for the folder (opens as a PDF)."""
    query = urlencode({"document_type": type_code, "language": language})
    return f"{reverse('documents:cover-sheet', args=[folder.pk])}?{query}"


def folder_documents(folder: DocumentFolder) -> QuerySet[Document]:
    """Every document of the folder, every version, newest first within each type."""
    return (
        Document.objects.filter(folder=folder)
        .select_related("document_type", "file", "created_by")
        .order_by("document_type__code", "-version")
    )


def folder_latest_documents(folder: DocumentFolder) -> list[Document]:
    """The newest version of each document type in the folder."""
    latest: dict[int, Document] = {}
    for document in folder_documents(folder):
        latest.setdefault(document.document_type_id, document)
    return list(latest.values())


def folder_type_codes(folder: DocumentFolder) -> set[str]:
    """The codes of the document types the folder holds at least one version of."""
    return set(
        Document.objects.filter(folder=folder).values_list("document_type__code", flat=True).distinct()
    )


@dataclass(frozen=True)
class RequiredType:
    document_type: DocumentType | None
    code: str
    latest: Document | None


def folder_required_types(folder: DocumentFolder) -> list[RequiredType] | None:
    """The types the owner says the record needs, each with its newest document (None when
    missing); None when the owner names no required types."""
    owner = folder_owner(folder.owner_kind)
    if owner is None or owner.required_types is None:
        return None
    codes = list(dict.fromkeys(str(code) for code in owner.required_types(folder.owner_key)))
    types = {row.code: row for row in DocumentType.objects.filter(code__in=codes)}
    latest = {document.document_type.code: document for document in folder_latest_documents(folder)}
    return [RequiredType(types.get(code), code, latest.get(code)) for code in codes]


def folder_owner_link(folder: DocumentFolder) -> str:
    owner = folder_owner(folder.owner_kind)
    if owner is None or owner.link is None:
        return ""
    try:
        return owner.link(folder.owner_key)
    except Exception:
        return ""


def folder_owner_label(folder: DocumentFolder) -> str:
    owner = folder_owner(folder.owner_kind)
    return str(owner.label) if owner is not None else folder.owner_kind


def document_get(*, user: Any, pk: int) -> Document | None:
    """The document, if its folder's owner lets ``user`` see it."""
    document = (
        Document.objects.select_related("folder", "document_type", "file", "created_by", "batch")
        .filter(pk=pk)
        .first()
    )
    if document is None or not owner_can_view(user, document.folder.owner_kind, document.folder.owner_key):
        return None
    return document


def document_versions(document: Document) -> QuerySet[Document]:
    """Every version of the same type in the same folder, newest first."""
    return (
        Document.objects.filter(folder_id=document.folder_id, document_type_id=document.document_type_id)
        .select_related("file", "created_by")
        .order_by("-version")
    )


def document_types_active() -> QuerySet[DocumentType]:
    return DocumentType.objects.filter(active=True).order_by("code")


def batches_recent(*, limit: int = 30) -> QuerySet[ScanBatch]:
    return ScanBatch.objects.select_related("received_by", "file").order_by("-created_at", "-pk")[:limit]


def batch_get(pk: int) -> ScanBatch | None:
    return ScanBatch.objects.select_related("received_by", "file").filter(pk=pk).first()


def batch_documents(batch: ScanBatch) -> QuerySet[Document]:
    return batch.documents.select_related("folder", "document_type").order_by("pk")


def batch_indexing_items(batch: ScanBatch) -> QuerySet[IndexingItem]:
    return batch.indexing_items.select_related("document").order_by("pk")


def indexing_items_open() -> QuerySet[IndexingItem]:
    """The queue, oldest first."""
    return (
        IndexingItem.objects.filter(status=IndexingStatus.OPEN)
        .select_related("batch", "batch__received_by")
        .order_by("created_at", "pk")
    )


def indexing_item_get(pk: int) -> IndexingItem | None:
    return (
        IndexingItem.objects.select_related("batch", "file", "document", "resolved_by").filter(pk=pk).first()
    )
