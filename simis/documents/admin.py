"""Read-only admin of document management: what came in and where it went. Nothing is changed
here; documents change only through the services (and the database refuses to change one)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from simis.documents.models import Document, DocumentFolder, DocumentType, IndexingItem, ScanBatch


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DocumentType)
class DocumentTypeAdmin(ReadOnly):
    list_display = ("code", "name_ar", "name_en", "min_pages", "max_pages", "active")
    list_filter = ("active",)
    search_fields = ("code", "name_ar", "name_en")


@admin.register(DocumentFolder)
class DocumentFolderAdmin(ReadOnly):
    list_display = ("id", "owner_kind", "owner_key", "title", "created_at")
    list_filter = ("owner_kind",)
    search_fields = ("=id", "owner_key", "title")


@admin.register(Document)
class DocumentAdmin(ReadOnly):
    list_display = (
        "id",
        "folder",
        "document_type",
        "version",
        "page_count",
        "source",
        "indexing",
        "created_at",
    )
    list_filter = ("source", "indexing", "document_type")
    search_fields = ("=id", "=folder__id", "folder__owner_key", "file__sha256")


@admin.register(ScanBatch)
class ScanBatchAdmin(ReadOnly):
    list_display = (
        "id",
        "original_name",
        "page_count",
        "status",
        "documents_attached",
        "pages_queued",
        "created_at",
    )
    list_filter = ("status", "file_format", "office_code")
    search_fields = ("=id", "original_name", "file__sha256")


@admin.register(IndexingItem)
class IndexingItemAdmin(ReadOnly):
    list_display = ("id", "batch", "reason", "status", "page_count", "created_at")
    list_filter = ("status", "reason")
