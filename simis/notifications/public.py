"""What other apps may import from ``simis.notifications``. Import from here only.

Send an SMS from a service, inside its transaction (nothing goes if the transaction rolls back)::

    from simis.notifications.public import SmsTemplate, sms_send

    sms_send(
        to=person.mobile,                       # 05XXXXXXXX, +9665XXXXXXXX, Arabic-Indic digits…
        template=SmsTemplate.REGISTRATION_APPROVED,
        context={"name": person.name_ar, "establishment": establishment.name, "reference": case.number},
        language=sms_language_for(contributor_user),   # "ar" or "en"
        idempotency_key=f"case-{case.number}-approved",  # the same key never sends twice
        related=("workflow.case", case.number),
        actor=actor,
    )

Schedule a reminder with ``sms_reminder_schedule(event_on=..., days_before=..., ...)``; read what
was sent about something with ``sms_outbox_for(kind, key)``. Record an unhandled error caught
outside a page or a job with ``error_capture(exc, source="api", request=request)``.
"""

from __future__ import annotations

from typing import Any

from simis.notifications.choices import ErrorSource, SmsEncoding, SmsStatus, SmsTemplate
from simis.notifications.errors import NotificationError
from simis.notifications.message_templates import RenderedMessage, message_render
from simis.notifications.models import SmsMessage
from simis.notifications.rules import phone_normalise, segment_count, sms_parts
from simis.notifications.selectors import sms_message_by_key, sms_outbox_for
from simis.notifications.services import (
    error_capture,
    sms_cancel,
    sms_reminder_schedule,
    sms_send,
    sms_status_update,
)


def sms_language_for(user: Any, default: str = "ar") -> str:
    """The language a person's messages are written in: their portal language, else Arabic."""
    language = getattr(user, "preferred_language", "") or default
    return language if language in ("ar", "en") else default


__all__ = [
    "ErrorSource",
    "NotificationError",
    "RenderedMessage",
    "SmsEncoding",
    "SmsMessage",
    "SmsStatus",
    "SmsTemplate",
    "error_capture",
    "message_render",
    "phone_normalise",
    "segment_count",
    "sms_cancel",
    "sms_language_for",
    "sms_message_by_key",
    "sms_outbox_for",
    "sms_parts",
    "sms_reminder_schedule",
    "sms_send",
    "sms_status_update",
]
