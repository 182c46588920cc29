"""What the audit log says the document app did: every intake (received or refused), every
document attached (automatically or by hand), every document opened, every integrity failure."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentAction(models.TextChoices):
    TYPES_LOADED = "documents.types_loaded", _("Document types loaded")
    FOLDER_CREATED = "documents.folder_created", _("Document folder created")
    FOLDER_RETITLED = "documents.folder_retitled", _("Document folder renamed")
    COVER_SHEET_PRINTED = "documents.cover_sheet_printed", _("Cover sheet printed")
    BATCH_RECEIVED = "documents.batch_received", _("Scan batch received")
    BATCH_REFUSED = "documents.batch_refused", _("Scan batch refused")
    BATCH_READ = "documents.batch_read", _("Scan batch read and routed")
    BATCH_REJECTED = "documents.batch_rejected", _("Scan batch rejected, nothing attached")
    BATCH_FAILED = "documents.batch_failed", _("Scan batch failed, nothing attached")
    DOCUMENT_ATTACHED = "documents.document_attached", _("Document attached from its cover sheet")
    DOCUMENT_INDEXED = "documents.document_indexed", _("Document attached by hand from the indexing queue")
    DOCUMENT_ADDED = "documents.document_added", _("Document uploaded to a folder")
    INDEXING_REFUSED = "documents.indexing_refused", _("Manual indexing refused")
    INDEXING_DISCARDED = "documents.indexing_discarded", _("Pages set aside from the indexing queue")
    DOCUMENT_VIEWED = "documents.document_viewed", _("Document viewed")
    DOCUMENT_DOWNLOADED = "documents.document_downloaded", _("Document downloaded")
    INTEGRITY_FAILED = "documents.integrity_failed", _("Stored file failed its SHA-256 check; not served")
