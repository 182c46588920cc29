"""Reads of the notification app. The outbox and the error groups are staff pages: the views
check the audience; these functions assume the caller may read what they return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from simis.notifications.models import ErrorEvent, ErrorOccurrence, SmsMessage, SmsStatusEvent


def sms_outbox_for(kind: str, key: str) -> QuerySet[SmsMessage]:
    """The messages sent about one thing (``("workflow.case", "C-2026-000123")``), newest first."""
    return SmsMessage.objects.filter(related_kind=kind, related_key=key).order_by("-created_at", "-id")


def sms_message_by_key(idempotency_key: str) -> SmsMessage | None:
    return SmsMessage.objects.filter(idempotency_key=idempotency_key).first()


@dataclass(frozen=True)
class OutboxFilter:
    status: str = ""
    template: str = ""
    recipient: str = ""  # E.164, already normalised
    created_from: date | None = None
    created_to: date | None = None


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def sms_outbox_list(filters: OutboxFilter) -> QuerySet[SmsMessage]:
    """The outbox, newest first, narrowed by status, template, recipient and creation days
    (both ends included, in Riyadh time)."""
    found = SmsMessage.objects.all()
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.template:
        found = found.filter(template_key=filters.template)
    if filters.recipient:
        found = found.filter(recipient=filters.recipient)
    if filters.created_from:
        found = found.filter(created_at__gte=_day_start(filters.created_from))
    if filters.created_to:
        found = found.filter(created_at__lt=_day_start(filters.created_to + timedelta(days=1)))
    return found.order_by("-created_at", "-id")


def sms_message_get(pk: int) -> SmsMessage | None:
    return SmsMessage.objects.select_related("requested_by").filter(pk=pk).first()


def sms_status_history(message: SmsMessage) -> QuerySet[SmsStatusEvent]:
    return SmsStatusEvent.objects.filter(message=message).order_by("occurred_at", "id")


def error_event_list() -> QuerySet[ErrorEvent]:
    """Error groups, the most recently seen first."""
    return ErrorEvent.objects.order_by("-last_seen", "-id")


def error_event_get(pk: int) -> ErrorEvent | None:
    return ErrorEvent.objects.filter(pk=pk).first()


def error_occurrences_for(event: ErrorEvent) -> QuerySet[ErrorOccurrence]:
    return ErrorOccurrence.objects.filter(event=event).order_by("-occurred_at", "-id")
