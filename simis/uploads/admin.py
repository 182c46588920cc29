"""Read-only admin of uploads: what came in and what became of it. Nothing is changed here;
uploads change only through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from simis.uploads.models import Upload, UploadRow


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Upload)
class UploadAdmin(ReadOnly):
    list_display = (
        "id",
        "establishment",
        "kind",
        "status",
        "row_count",
        "rows_applied",
        "rows_refused",
        "created_at",
    )
    list_filter = ("kind", "status", "mode", "channel")
    search_fields = ("=id", "establishment__number", "sha256", "original_name")
    date_hierarchy = "created_at"


@admin.register(UploadRow)
class UploadRowAdmin(ReadOnly):
    list_display = ("upload", "row_number", "codes")
    search_fields = ("=upload__id",)
