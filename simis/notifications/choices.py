"""The notification app's codes: readable enums shared by the models, the pure rules and the pages."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SmsTemplate(models.TextChoices):
    """The events that send an SMS. Each has an Arabic and an English wording in
    ``message_templates.yaml``; a test checks the two lists match."""

    REGISTRATION_APPROVED = "registration.approved", _("New registration approved (to the contributor)")
    CASE_DECIDED = "case.decided", _("Decision on a case (to the submitter)")
    REMINDER_GENERIC = "reminder.generic", _("Reminder of an appointment or a deadline")
    ERROR_ALERT = "error.alert", _("Error alert (to the quality owner)")


class SmsStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("SMS status", "Queued")
    SENDING = "sending", pgettext_lazy("SMS status", "Sending")
    SENT = "sent", pgettext_lazy("SMS status", "Sent")
    DELIVERED = "delivered", pgettext_lazy("SMS status", "Delivered")
    FAILED = "failed", pgettext_lazy("SMS status", "Failed")
    CANCELLED = "cancelled", pgettext_lazy("SMS status", "Cancelled")


class SmsEncoding(models.TextChoices):
    GSM7 = "gsm7", _("GSM-7 (Latin)")
    UCS2 = "ucs2", _("UCS-2 (Arabic and other scripts)")


class SmsLanguage(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    ENGLISH = "en", _("English")


class StatusSource(models.TextChoices):
    """Who reported a status change."""

    SYSTEM = "system", _("SIMIS")
    GATEWAY = "gateway", _("Gateway")
    PERSON = "person", _("A person")


class ErrorSource(models.TextChoices):
    """Where an unhandled error was caught."""

    PAGE = "page", _("Portal page")
    API = "api", _("Web service")
    JOB = "job", _("Background job")
    OTHER = "other", _("Other")
