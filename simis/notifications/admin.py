"""Read-only admin of the outbox and the error groups. Nothing is changed here: messages change
only through the services (the staff pages at /notifications/ are the everyday view)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from simis.notifications.models import ErrorEvent, SmsMessage, SmsStatusEvent


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class HistoryInline(admin.TabularInline):
    model = SmsStatusEvent
    extra = 0
    can_delete = False
    readonly_fields = ("status", "occurred_at", "source", "detail")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnly):
    list_display = (
        "id",
        "template_key",
        "language",
        "status",
        "segments",
        "encoding",
        "attempts",
        "created_at",
    )
    list_filter = ("status", "template_key", "language", "encoding", "backend")
    search_fields = ("=id", "=recipient", "=idempotency_key", "=gateway_message_id", "related_key")
    date_hierarchy = "created_at"
    inlines = [HistoryInline]


@admin.register(ErrorEvent)
class ErrorEventAdmin(ReadOnly):
    list_display = ("exception_type", "location", "occurrence_count", "last_seen", "last_alerted_at")
    search_fields = ("exception_type", "location", "=fingerprint")
    date_hierarchy = "last_seen"
