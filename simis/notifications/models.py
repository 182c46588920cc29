"""The SMS outbox with its status history, the send-rate buckets, and the error groups of
REL-3 with their occurrences. ORM only: every change goes through ``services.py``.

The database holds the rules that must survive concurrency: one message per idempotency key
(a unique constraint, so a caller's retry can never queue a second SMS), a recipient in E.164,
segment counts of at least one, and a status history nobody can edit (a trigger refuses UPDATE
and DELETE, migration 0002)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from simis.notifications.choices import (
    ErrorSource,
    SmsEncoding,
    SmsLanguage,
    SmsStatus,
    SmsTemplate,
    StatusSource,
)


class SmsMessage(models.Model):
    """One SMS to one mobile number, from the moment it is queued to its final status."""

    recipient = models.CharField(
        _("recipient"), max_length=16, help_text=_("The mobile number in international form (+9665XXXXXXXX).")
    )
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=SmsLanguage.choices,
        help_text=_("The language it is written in."),
    )
    template_key = models.CharField(
        _("template"),
        max_length=64,
        choices=SmsTemplate.choices,
        help_text=_("The event whose wording was used."),
    )
    template_version = models.PositiveSmallIntegerField(
        _("template version"), help_text=_("The version of the wording that was used.")
    )
    text = models.TextField(_("text"), help_text=_("The text exactly as sent."))
    encoding = models.CharField(
        _("encoding"),
        max_length=8,
        choices=SmsEncoding.choices,
        help_text=_("GSM-7 for Latin text (160 characters per SMS), UCS-2 otherwise (70)."),
    )
    segments = models.PositiveSmallIntegerField(
        _("parts"), help_text=_("How many SMS the text takes; the gateway bills each.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SmsStatus.choices, default=SmsStatus.QUEUED, db_index=False
    )
    attempts = models.PositiveSmallIntegerField(
        _("attempts"), default=0, help_text=_("How many times it was handed to the gateway.")
    )
    backend = models.CharField(
        _("gateway"), max_length=16, blank=True, help_text=_("The gateway that took it (file, http, smpp…).")
    )
    gateway_message_id = models.CharField(
        _("gateway message id"), max_length=100, blank=True, help_text=_("The gateway's own reference.")
    )
    last_error = models.TextField(_("last error"), blank=True, help_text=_("Why the last attempt failed."))
    idempotency_key = models.CharField(
        _("idempotency key"),
        max_length=200,
        unique=True,
        help_text=_("The sender's key for this message: the same key never sends a second SMS."),
    )
    send_after = models.DateTimeField(
        _("send after"),
        null=True,
        blank=True,
        help_text=_("A scheduled message (a reminder) is not sent before this moment."),
    )
    dispatched_at = models.DateTimeField(
        _("handed to the worker at"),
        null=True,
        blank=True,
        help_text=_("When its delivery job was queued (at once, or when a scheduled time came)."),
    )
    related_kind = models.CharField(
        _("related kind"),
        max_length=50,
        blank=True,
        help_text=_("What the message is about, e.g. 'workflow.case'."),
    )
    related_key = models.CharField(
        _("related key"), max_length=100, blank=True, help_text=_("Which one, e.g. the case number.")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
        help_text=_("The person whose action sent it; empty when SIMIS sent it on its own."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("SMS message")
        verbose_name_plural = _("SMS messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["related_kind", "related_key"], name="ntf_sms_related"),
            models.Index(fields=["created_at"], name="ntf_sms_created"),
            # The scheduler's query: queued messages whose time has come and no job yet.
            models.Index(
                fields=["send_after"],
                name="ntf_sms_due",
                condition=Q(status="queued", dispatched_at__isnull=True),
            ),
            models.Index(
                fields=["backend", "gateway_message_id"],
                name="ntf_sms_gateway_id",
                condition=~Q(gateway_message_id=""),
            ),
            models.Index(fields=["status", "created_at"], name="ntf_sms_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__regex=r"^\+9665[0-9]{8}$"), name="ntf_sms_recipient_e164"
            ),
            models.CheckConstraint(
                condition=Q(language__in=SmsLanguage.values), name="ntf_sms_language_valid"
            ),
            models.CheckConstraint(condition=Q(status__in=SmsStatus.values), name="ntf_sms_status_valid"),
            models.CheckConstraint(
                condition=Q(encoding__in=SmsEncoding.values), name="ntf_sms_encoding_valid"
            ),
            models.CheckConstraint(condition=Q(segments__gte=1), name="ntf_sms_segments_positive"),
            models.CheckConstraint(condition=~Q(idempotency_key=""), name="ntf_sms_idempotency_key_present"),
        ]

    def __str__(self) -> str:
        return f"SMS {self.pk} {self.template_key} {self.status}"

    @property
    def reference(self) -> str:
        """Our reference for the gateway: stable across attempts, so an idempotent gateway drops a
        resend of something it already took."""
        return f"simis-sms-{self.pk}"


class SmsStatusEvent(models.Model):
    """One status a message reached, when, and who said so. Append-only (migration 0002)."""

    message = models.ForeignKey(
        SmsMessage, on_delete=models.PROTECT, related_name="history", verbose_name=_("message")
    )
    status = models.CharField(_("status"), max_length=16, choices=SmsStatus.choices)
    occurred_at = models.DateTimeField(_("at"))
    source = models.CharField(_("reported by"), max_length=16, choices=StatusSource.choices)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        verbose_name = _("SMS status change")
        verbose_name_plural = _("SMS status changes")
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["message", "occurred_at"], name="ntf_sms_history")]

    def __str__(self) -> str:
        return f"{self.message_id} {self.status} {self.occurred_at:%Y-%m-%d %H:%M:%S}"


class SmsRateBucket(models.Model):
    """The token bucket of one gateway, shared by every worker process: a sender locks the row
    (SELECT … FOR UPDATE), refills it for the time passed and takes a token."""

    backend = models.CharField(_("gateway"), max_length=16, primary_key=True)
    tokens = models.FloatField(_("tokens"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("SMS send-rate bucket")
        verbose_name_plural = _("SMS send-rate buckets")

    def __str__(self) -> str:
        return f"{self.backend}: {self.tokens:.2f}"


class ErrorEvent(models.Model):
    """A group of identical unhandled errors (REL-3): same exception type at the same place in
    the code. The quality owner hears of a group once per alert window, with its count."""

    fingerprint = models.CharField(_("fingerprint"), max_length=64, unique=True)
    exception_type = models.CharField(_("error type"), max_length=200)
    location = models.CharField(_("where"), max_length=300, help_text=_("File and function in SIMIS's code."))
    message = models.TextField(_("latest message"), blank=True)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    occurrence_count = models.PositiveIntegerField(_("occurrences"), default=0)
    alerted_count = models.PositiveIntegerField(
        _("occurrences alerted"), default=0, help_text=_("The count when the last alert went out.")
    )
    last_alerted_at = models.DateTimeField(_("last alert"), null=True, blank=True)

    class Meta:
        verbose_name = _("error group")
        verbose_name_plural = _("error groups")
        ordering = ["-last_seen"]
        indexes = [models.Index(fields=["last_seen"], name="ntf_error_last_seen")]

    def __str__(self) -> str:
        return f"{self.exception_type} at {self.location}"


class ErrorOccurrence(models.Model):
    """One time an error happened, with what is needed to find it in the logs."""

    event = models.ForeignKey(
        ErrorEvent, on_delete=models.CASCADE, related_name="occurrences", verbose_name=_("error group")
    )
    occurred_at = models.DateTimeField(_("at"))
    source = models.CharField(_("caught in"), max_length=8, choices=ErrorSource.choices)
    message = models.TextField(_("message"), blank=True)
    traceback = models.TextField(_("traceback"))
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    user_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    username = models.CharField(_("user"), max_length=150, blank=True)
    audience = models.CharField(_("audience"), max_length=16, blank=True)
    method = models.CharField(_("method"), max_length=10, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    job_id = models.BigIntegerField(_("job id"), null=True, blank=True)
    task_name = models.CharField(_("job"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("error occurrence")
        verbose_name_plural = _("error occurrences")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["event", "-occurred_at"], name="ntf_error_occurrences")]

    def __str__(self) -> str:
        return f"{self.event_id} {self.source} {self.occurred_at:%Y-%m-%d %H:%M:%S}"
