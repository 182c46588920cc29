"""Uploaded files, what became of each, and their rows' results. ORM only: every change goes
through ``services.py``.

Sized for files of 100,000 rows: a row gets a database row only when it was refused
(``UploadRow``, with its codes and both languages' messages); the rows that were applied are
recorded in chunks (``UploadAppliedChunk``: row numbers and the ids of what each created, as
arrays), which is what the upload's single audit entry points to. Progress is kept apart from
the upload (``UploadProgress``) because it is written over a second database connection while
the apply transaction is still open (see ``progress.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from simis.registry.public import Establishment
from simis.uploads.choices import (
    FileFormat,
    ProgressPhase,
    UploadChannel,
    UploadKind,
    UploadMode,
    UploadStatus,
)


def upload_path(instance: Upload, filename: str) -> str:
    extension = "xlsx" if instance.file_format == FileFormat.XLSX else "csv"
    return f"uploads/{instance.establishment_id}/{timezone.now():%Y/%m}/{instance.sha256}.{extension}"


def report_path(instance: Upload, filename: str) -> str:
    extension = "xlsx" if instance.file_format == FileFormat.XLSX else "csv"
    return f"uploads/{instance.establishment_id}/reports/upload-{instance.pk}-report.{extension}"


class Upload(models.Model):
    """A file of register operations for one establishment, and what became of it."""

    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("establishment"),
        help_text=_("The establishment the rows are for."),
    )
    kind = models.CharField(
        _("kind"), max_length=32, choices=UploadKind.choices, help_text=_("What each row of the file does.")
    )
    format_version = models.PositiveSmallIntegerField(
        _("template version"), help_text=_("The version of the template the file was written in.")
    )
    file_format = models.CharField(_("file format"), max_length=8, choices=FileFormat.choices)
    original_name = models.CharField(
        _("file name"), max_length=255, help_text=_("The file's name as uploaded.")
    )
    file = models.FileField(_("file"), upload_to=upload_path, max_length=255)
    sha256 = models.CharField(
        _("SHA-256"), max_length=64, help_text=_("The SHA-256 digest of the file's bytes, in hexadecimal.")
    )
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=UploadChannel.choices)
    partner_code = models.CharField(
        _("partner"), max_length=64, blank=True, help_text=_("The partner system that sent the file, if any.")
    )
    mode = models.CharField(
        _("how to apply"),
        max_length=16,
        choices=UploadMode.choices,
        help_text=_("Whether one refused row stops the whole file or only itself."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=UploadStatus.choices, default=UploadStatus.RECEIVED
    )
    requested_on = models.DateField(
        _("requested on"), help_text=_("The day the file was uploaded: deadlines are judged against it.")
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    rows_valid = models.PositiveIntegerField(_("rows valid"), default=0)
    rows_refused = models.PositiveIntegerField(_("rows refused"), default=0)
    rows_applied = models.PositiveIntegerField(_("rows applied"), default=0)
    outcome_code = models.CharField(_("outcome code"), max_length=16, blank=True)
    outcome_params = models.JSONField(_("outcome details"), default=dict, blank=True)
    report = models.FileField(_("report"), upload_to=report_path, max_length=255, blank=True)
    report_sha256 = models.CharField(_("report SHA-256"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        indexes = [
            models.Index(fields=["establishment", "-created_at"], name="uploads_upload_est_created_idx"),
            models.Index(fields=["sha256"], name="uploads_upload_sha256_idx"),
        ]
        constraints = [
            # The same file applies once per establishment and kind, whatever races the checks in
            # the services lose: the second apply's final write fails on this and rolls back.
            models.UniqueConstraint(
                fields=["establishment", "kind", "sha256"],
                condition=Q(status=UploadStatus.APPLIED),
                name="uploads_upload_applied_once",
            ),
            models.CheckConstraint(
                name="uploads_upload_sha256_shape", condition=Q(sha256__regex=r"^[0-9a-f]{64}$")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.kind} {self.original_name}"


class UploadRow(models.Model):
    """A refused row: where it is in the file and every reason, coded, in both languages."""

    upload = models.ForeignKey(
        Upload, on_delete=models.CASCADE, related_name="rows", verbose_name=_("upload")
    )
    row_number = models.PositiveIntegerField(
        _("row"), help_text=_("The row's number in the file, as a spreadsheet shows it.")
    )
    status = models.CharField(_("status"), max_length=16, default="refused")
    columns = ArrayField(models.CharField(max_length=40), default=list, verbose_name=_("columns"))
    codes = ArrayField(models.CharField(max_length=16), default=list, verbose_name=_("codes"))
    messages_ar = ArrayField(models.TextField(), default=list, verbose_name=_("messages in Arabic"))
    messages_en = ArrayField(models.TextField(), default=list, verbose_name=_("messages in English"))

    class Meta:
        verbose_name = _("refused row")
        verbose_name_plural = _("refused rows")
        constraints = [models.UniqueConstraint(fields=["upload", "row_number"], name="uploads_row_unique")]

    def __str__(self) -> str:
        return f"{self.upload_id}:{self.row_number} {','.join(self.codes)}"

    @property
    def messages(self) -> list[str]:
        """The messages in the active language."""
        return list(self.messages_ar if (get_language() or "ar").startswith("ar") else self.messages_en)


class UploadAppliedChunk(models.Model):
    """Applied rows, a chunk at a time: row numbers and, position by position, the ids of the
    contributor, contribution period and wage each row created or changed (0 where none)."""

    upload = models.ForeignKey(
        Upload, on_delete=models.CASCADE, related_name="chunks", verbose_name=_("upload")
    )
    first_row = models.PositiveIntegerField(_("first row"))
    row_numbers = ArrayField(models.IntegerField(), default=list)
    person_ids = ArrayField(models.BigIntegerField(), default=list)
    engagement_ids = ArrayField(models.BigIntegerField(), default=list)
    wage_ids = ArrayField(models.BigIntegerField(), default=list)

    class Meta:
        verbose_name = _("applied rows")
        verbose_name_plural = _("applied rows")
        constraints = [models.UniqueConstraint(fields=["upload", "first_row"], name="uploads_chunk_unique")]

    def __str__(self) -> str:
        return f"{self.upload_id} from row {self.first_row}"


class UploadProgress(models.Model):
    """How far the job is: written over a separate connection so it is seen while the apply
    transaction is open. No foreign key on purpose: the upload's own row may be locked or not
    yet visible to that connection."""

    upload_id = models.BigIntegerField(primary_key=True)
    phase = models.CharField(max_length=16, choices=ProgressPhase.choices)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("upload progress")
        verbose_name_plural = _("upload progress")

    def __str__(self) -> str:
        return f"{self.upload_id} {self.phase} {self.done}/{self.total}"
