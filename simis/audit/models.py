from __future__ import annotations

from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", _("Succeeded")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Failed")


class AuditEntry(models.Model):
    """One line of the append-only, hash-chained audit log.

    Written only by ``simis.audit.services.audit_record``; the database refuses UPDATE, DELETE and
    TRUNCATE (migration 0002). ``hash`` is SHA-256 over the canonical JSON of every other column
    plus ``prev_hash`` (``simis.audit.chain.entry_hash``), and ``prev_hash`` is the hash of the
    entry before it, so changing or removing any entry breaks the chain from there on.

    The actor is kept without a foreign key: deleting or renaming a user must never alter a past
    entry (which would break the chain), so the id and the name at the time are copied in.
    """

    id = models.BigAutoField(primary_key=True)
    # Set by audit_record from Python so the hash covers exactly the stored instant; the database
    # default only covers rows a DBA writes by hand.
    occurred_at = models.DateTimeField(
        _("when"), db_default=Now(), help_text=_("When the action took place.")
    )
    actor_id = models.BigIntegerField(
        _("actor id"), null=True, blank=True, help_text=_("The user's id at the time; empty for the system.")
    )
    actor_label = models.TextField(_("actor"), help_text=_("Who acted, as they were named at the time."))
    actor_audience = models.CharField(
        _("actor audience"),
        max_length=32,
        blank=True,
        help_text=_("Which kind of user acted (staff, employer, …), or “system”."),
    )
    action = models.CharField(
        _("action"),
        max_length=100,
        help_text=_("What was done, as a stable code such as identity.login_failed."),
    )
    subject_type = models.CharField(
        _("record type"),
        max_length=100,
        blank=True,
        help_text=_("The kind of record acted on, as app_label.model."),
    )
    subject_id = models.TextField(_("record id"), blank=True, help_text=_("The key of the record acted on."))
    before = models.JSONField(
        _("before"), null=True, blank=True, help_text=_("The record's fields before the action.")
    )
    after = models.JSONField(
        _("after"), null=True, blank=True, help_text=_("The record's fields after the action.")
    )
    extra = models.JSONField(
        _("details"), default=dict, blank=True, help_text=_("Anything else worth knowing about the action.")
    )
    request_id = models.CharField(
        _("request id"),
        max_length=64,
        blank=True,
        help_text=_("Correlates the entry with the web request or job logs."),
    )
    ip = models.GenericIPAddressField(
        _("IP address"), null=True, blank=True, help_text=_("Where the request came from.")
    )
    user_agent = models.TextField(
        _("browser"), blank=True, help_text=_("The client program that sent the request.")
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=16,
        choices=AuditOutcome.choices,
        default=AuditOutcome.SUCCESS,
        help_text=_("Whether the action succeeded, was refused, or failed."),
    )
    prev_hash = models.CharField(
        _("previous hash"), max_length=64, help_text=_("The hash of the entry before this one.")
    )
    hash = models.CharField(
        _("hash"), max_length=64, help_text=_("SHA-256 over this entry and the previous hash.")
    )

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "-id"], name="audit_subject_idx"),
            models.Index(fields=["actor_id", "-id"], name="audit_actor_idx"),
            # Entries arrive in time order, so a BRIN index answers date ranges at a tiny size.
            BrinIndex(fields=["occurred_at"], name="audit_occurred_at_brin"),
            models.Index(fields=["action", "-id"], name="audit_action_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=[o.value for o in AuditOutcome]), name="audit_outcome_valid"
            ),
            models.UniqueConstraint(fields=["hash"], name="audit_hash_unique"),
            # A second line of defence against a fork: no two entries may claim one predecessor.
            models.UniqueConstraint(fields=["prev_hash"], name="audit_prev_hash_unique"),
        ]

    def __str__(self) -> str:
        return f"#{self.id} {self.action} {self.subject_type}:{self.subject_id}"
