"""Reading the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from simis.audit.chain import GENESIS_HASH, ChainFields
from simis.audit.models import AuditEntry


class ChainBreak(models.TextChoices):
    """Why verification stopped at an entry."""

    CONTENT_CHANGED = "content_changed", _("its content no longer matches its hash (the entry was altered)")
    LINK_BROKEN = (
        "link_broken",
        _(
            "its previous hash does not match the entry before it "
            "(an earlier entry was removed, inserted or re-hashed)"
        ),
    )


@dataclass(frozen=True)
class VerifyResult:
    """``checked`` counts the entries examined, including the broken one when there is one."""

    ok: bool
    checked: int
    first_broken_id: int | None = None
    reason: ChainBreak | None = None


def audit_entries_for(subject: models.Model) -> models.QuerySet[AuditEntry]:
    """Every entry about ``subject``, newest first (empty for an unsaved instance)."""
    if subject.pk is None:
        return AuditEntry.objects.none()
    return AuditEntry.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=str(subject.pk)
    ).order_by("-id")


def audit_chain_verify(batch_size: int = 5000) -> VerifyResult:
    """Walk the whole chain in id order and report the first entry that does not hold.

    Reads ``batch_size`` rows at a time by key (``id > last``), so memory stays bounded however
    long the log is. Ids are not expected to be contiguous — a rolled-back transaction burns a
    sequence number — so removal is detected by each entry's ``prev_hash`` naming the hash of
    the entry before it, never by gaps. Removing only the newest entries cannot be seen from the
    chain alone; compare the head hash with a copy kept elsewhere for that."""
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    expected_prev = GENESIS_HASH
    checked = 0
    last_id = 0
    names = list(ChainFields.__dataclass_fields__)
    while True:
        batch = list(
            AuditEntry.objects.filter(id__gt=last_id).order_by("id").only(*names, "hash")[:batch_size]
        )
        if not batch:
            return VerifyResult(ok=True, checked=checked)
        for entry in batch:
            checked += 1
            if entry.prev_hash != expected_prev:
                return VerifyResult(False, checked, entry.id, ChainBreak.LINK_BROKEN)
            if ChainFields.of(entry).hash() != entry.hash:
                return VerifyResult(False, checked, entry.id, ChainBreak.CONTENT_CHANGED)
            expected_prev = entry.hash
        last_id = batch[-1].id
