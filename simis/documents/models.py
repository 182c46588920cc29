"""Document folders, document types, documents and their stored files, scan batches and the
manual indexing queue. ORM only: every change goes through ``services.py``.

Documents are never overwritten: a second document of the same type in a folder is a new
version (unique ``(folder, document_type, version)``), and the database itself refuses to
change or delete a ``Document`` or a ``DocumentFile`` once written (migration 0002). Stored
files are content-addressed (their name is their SHA-256), so the store never overwrites
one either.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from simis.documents.choices import (
    BatchFormat,
    BatchStatus,
    DocumentSource,
    Indexing,
    IndexingReason,
    IndexingStatus,
)

SHA256_SHAPE = Q(sha256__regex=r"^[0-9a-f]{64}$")


class DocumentType(models.Model):
    """A kind of paper a transaction may need (loaded from ``document_types.yaml``)."""

    code = models.CharField(
        _("code"),
        max_length=24,
        unique=True,
        help_text=_("A stable code in capitals, digits and underscores, printed in the cover sheet's code."),
    )
    name_ar = models.CharField(_("Arabic name"), max_length=200, help_text=_("The name shown in Arabic."))
    name_en = models.CharField(_("English name"), max_length=200, help_text=_("The name shown in English."))
    description_ar = models.TextField(_("Arabic description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)
    min_pages = models.PositiveSmallIntegerField(
        _("fewest pages"), default=1, help_text=_("The fewest pages a document of this type has.")
    )
    max_pages = models.PositiveSmallIntegerField(
        _("most pages"),
        null=True,
        blank=True,
        help_text=_("The most pages a document of this type has; empty for no limit."),
    )
    active = models.BooleanField(
        _("in use"),
        default=True,
        help_text=_("Types removed from the file stay for the documents that have them."),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="documents_type_code_shape", condition=Q(code__regex=r"^[A-Z][A-Z0-9_]{1,23}$")
            ),
            models.CheckConstraint(
                name="documents_type_page_hints",
                condition=Q(min_pages__gte=1)
                & (Q(max_pages__isnull=True) | Q(max_pages__gte=models.F("min_pages"))),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        """The name in the active language."""
        return self.name_ar if (get_language() or "ar").startswith("ar") else self.name_en

    @property
    def description(self) -> str:
        return self.description_ar if (get_language() or "ar").startswith("ar") else self.description_en


class DocumentFolder(models.Model):
    """The documents of one record of another app, e.g. ``("workflow.case", "123")``. The owner
    app decides who may see them (``folder_owner_register``)."""

    owner_kind = models.CharField(
        _("owner kind"), max_length=64, help_text=_("The kind of record the folder belongs to.")
    )
    owner_key = models.CharField(
        _("owner key"), max_length=128, help_text=_("The key of the record the folder belongs to.")
    )
    title = models.CharField(
        _("title"), max_length=300, help_text=_("What the folder is for, as its owner names it.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("document folder")
        verbose_name_plural = _("document folders")
        constraints = [
            models.UniqueConstraint(fields=["owner_kind", "owner_key"], name="documents_folder_owner_unique")
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.owner_kind}:{self.owner_key}"


class DocumentFile(models.Model):
    """A file in the document store (Django's default storage), with the SHA-256 of its bytes
    taken when it was written and checked again whenever it is served."""

    storage_name = models.CharField(_("stored as"), max_length=255)
    sha256 = models.CharField(
        _("SHA-256"), max_length=64, help_text=_("The SHA-256 digest of the file's bytes, in hexadecimal.")
    )
    size = models.PositiveBigIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type"), max_length=100)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    created_at = models.DateTimeField(_("stored at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")
        constraints = [models.CheckConstraint(name="documents_file_sha256_shape", condition=SHA256_SHAPE)]
        indexes = [models.Index(fields=["sha256"], name="documents_file_sha256_idx")]

    def __str__(self) -> str:
        return f"{self.storage_name} ({self.sha256[:12]})"


class ScanBatch(models.Model):
    """A file sent from a scan station: its pages, read, become documents or queued pages."""

    file = models.OneToOneField(
        DocumentFile, on_delete=models.PROTECT, related_name="batch", verbose_name=_("file")
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_format = models.CharField(_("file format"), max_length=8, choices=BatchFormat.choices)
    page_count = models.PositiveIntegerField(_("pages"))
    office_code = models.CharField(
        _("office"), max_length=8, blank=True, help_text=_("The office whose scan station sent the batch.")
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received from"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.RECEIVED
    )
    pages_read = models.PositiveIntegerField(_("pages read"), default=0)
    documents_attached = models.PositiveIntegerField(_("documents attached"), default=0)
    pages_attached = models.PositiveIntegerField(_("pages attached"), default=0)
    pages_queued = models.PositiveIntegerField(_("pages sent to the indexing queue"), default=0)
    items_queued = models.PositiveIntegerField(_("groups sent to the indexing queue"), default=0)
    outcome_code = models.CharField(_("outcome code"), max_length=16, blank=True)
    outcome_params = models.JSONField(_("outcome details"), default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    read_seconds = models.FloatField(_("seconds spent reading pages"), null=True, blank=True)
    created_at = models.DateTimeField(_("received at"), default=timezone.now, editable=False)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("scan batch")
        verbose_name_plural = _("scan batches")
        indexes = [models.Index(fields=["-created_at"], name="documents_batch_created_idx")]

    def __str__(self) -> str:
        return f"{self.pk} {self.original_name} ({self.page_count})"


class Document(models.Model):
    """One version of a document of one type in one folder. Never changed: a correction is the
    next version."""

    folder = models.ForeignKey(
        DocumentFolder, on_delete=models.PROTECT, related_name="documents", verbose_name=_("folder")
    )
    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("document type")
    )
    version = models.PositiveIntegerField(
        _("version"), help_text=_("1 for the first document of this type in the folder, then 2, 3 …")
    )
    file = models.OneToOneField(
        DocumentFile, on_delete=models.PROTECT, related_name="document", verbose_name=_("file")
    )
    page_count = models.PositiveIntegerField(_("pages"))
    source = models.CharField(_("source"), max_length=8, choices=DocumentSource.choices)
    indexing = models.CharField(_("attached"), max_length=16, choices=Indexing.choices)
    batch = models.ForeignKey(
        ScanBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("scan batch"),
    )
    batch_pages = ArrayField(
        models.PositiveIntegerField(),
        default=list,
        blank=True,
        verbose_name=_("pages in the batch"),
        help_text=_("Which pages of the scan batch (from 1) the document's pages are."),
    )
    office_code = models.CharField(_("office"), max_length=8, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(
                fields=["folder", "document_type", "version"], name="documents_document_version_unique"
            ),
            models.CheckConstraint(name="documents_document_version_positive", condition=Q(version__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.document_type_id} v{self.version} in folder {self.folder_id}"


class IndexingItem(models.Model):
    """Pages of a batch that could not be routed by their cover sheet, waiting for someone to
    type the cover sheet's code (or set them aside). The pages are kept as one PDF; when the
    first is a cover sheet it is left out of the document made from them."""

    batch = models.ForeignKey(
        ScanBatch, on_delete=models.PROTECT, related_name="indexing_items", verbose_name=_("scan batch")
    )
    file = models.OneToOneField(
        DocumentFile, on_delete=models.PROTECT, related_name="indexing_item", verbose_name=_("pages")
    )
    page_count = models.PositiveIntegerField(_("pages"))
    batch_pages = ArrayField(
        models.PositiveIntegerField(), default=list, verbose_name=_("pages in the batch")
    )
    first_page_is_cover = models.BooleanField(_("first page is a cover sheet"), default=False)
    reason = models.CharField(_("why"), max_length=32, choices=IndexingReason.choices)
    read_codes = ArrayField(
        models.CharField(max_length=200), default=list, blank=True, verbose_name=_("codes read")
    )
    suggested_code = models.CharField(_("suggested code"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=IndexingStatus.choices, default=IndexingStatus.OPEN
    )
    document = models.OneToOneField(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indexing_item",
        verbose_name=_("document"),
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dealt with by"),
    )
    resolved_at = models.DateTimeField(_("dealt with at"), null=True, blank=True)
    discard_reason = models.TextField(_("why set aside"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("indexing item")
        verbose_name_plural = _("indexing queue")
        indexes = [
            models.Index(
                fields=["created_at"],
                name="documents_indexing_open_idx",
                condition=Q(status=IndexingStatus.OPEN),
            )
        ]
        constraints = [
            models.CheckConstraint(
                name="documents_indexing_attached_has_document",
                condition=~Q(status=IndexingStatus.ATTACHED) | Q(document__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.pk} batch {self.batch_id} {self.reason} ({self.status})"
