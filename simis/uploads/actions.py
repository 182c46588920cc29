"""What the audit log says an upload did: one entry when a file is received or refused, and one
when it is applied, rejected or fails — never one per row (a 100,000-row file is one entry;
its rows are listed in ``UploadAppliedChunk`` and ``UploadRow``, which the entry points to)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class UploadAction(models.TextChoices):
    RECEIVED = "uploads.file_received", _("Upload: file received")
    REFUSED = "uploads.file_refused", _("Upload: file refused")
    APPLIED = "uploads.file_applied", _("Upload: file applied")
    REJECTED = "uploads.file_rejected", _("Upload: file rejected, nothing applied")
    FAILED = "uploads.file_failed", _("Upload: processing failed, nothing applied")
    RETRIED = "uploads.file_retried", _("Upload: tried again")
