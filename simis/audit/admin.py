"""A read-only window on the audit log for staff with the ``audit.view_auditentry`` permission.

Nobody can add, change or delete entries here (the database would refuse anyway); the change
page shows every field read-only."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from simis.audit.actions import action_label
from simis.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "occurred_at",
        "actor_label",
        "actor_audience",
        "action_display",
        "subject",
        "outcome",
    )
    list_filter = ("outcome", "actor_audience", "action", "subject_type")
    search_fields = ("=subject_id", "=actor_label", "=request_id", "action", "=ip")
    search_help_text = _("Exact record id, actor, request id or IP address; or part of an action code.")
    date_hierarchy = "occurred_at"
    ordering = ("-id",)
    # Counting millions of rows on every page view is the slow part; show "more" instead.
    show_full_result_count = False
    list_per_page = 50
    readonly_fields = (
        "id",
        "occurred_at",
        "actor_id",
        "actor_label",
        "actor_audience",
        "action",
        "action_display",
        "subject_type",
        "subject_id",
        "before_pretty",
        "after_pretty",
        "extra_pretty",
        "request_id",
        "ip",
        "user_agent",
        "outcome",
        "prev_hash",
        "hash",
    )
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("action"), ordering="action")
    def action_display(self, obj: AuditEntry) -> str:
        return action_label(obj.action)

    @admin.display(description=_("record"))
    def subject(self, obj: AuditEntry) -> str:
        return f"{obj.subject_type} #{obj.subject_id}" if obj.subject_type else "—"

    def _pretty(self, value: Any) -> str:
        if value is None:
            return "—"
        return format_html("<pre>{}</pre>", json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False))

    @admin.display(description=_("before"))
    def before_pretty(self, obj: AuditEntry) -> str:
        return self._pretty(obj.before)

    @admin.display(description=_("after"))
    def after_pretty(self, obj: AuditEntry) -> str:
        return self._pretty(obj.after)

    @admin.display(description=_("details"))
    def extra_pretty(self, obj: AuditEntry) -> str:
        return self._pretty(obj.extra)
