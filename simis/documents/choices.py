"""The document app's codes: readable enums shared by the models, the pure rules and the pages."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DocumentSource(models.TextChoices):
    """Where a document's pages came from."""

    SCAN = "scan", _("Scanned at a scan station")
    UPLOAD = "upload", _("Uploaded as a file")


class Indexing(models.TextChoices):
    """How a document found its folder."""

    AUTOMATIC = "automatic", _("Automatically, from its cover sheet's code")
    MANUAL = "manual", _("By hand, from the indexing queue")
    DIRECT = "direct", _("Added directly to the folder")


class BatchFormat(models.TextChoices):
    """The kinds of file a scan station may send; anything else is refused (DOC-003)."""

    PDF = "pdf", "PDF"
    TIFF = "tiff", "TIFF"
    PNG = "png", "PNG"
    JPEG = "jpeg", "JPEG"

    @property
    def content_type(self) -> str:
        return {
            BatchFormat.PDF: "application/pdf",
            BatchFormat.TIFF: "image/tiff",
            BatchFormat.PNG: "image/png",
            BatchFormat.JPEG: "image/jpeg",
        }[self]

    @property
    def extension(self) -> str:
        return {
            BatchFormat.PDF: "pdf",
            BatchFormat.TIFF: "tif",
            BatchFormat.PNG: "png",
            BatchFormat.JPEG: "jpg",
        }[self]


class BatchStatus(models.TextChoices):
    """received → reading → done; or rejected (a page could not be read as an image: nothing
    attached) or failed (a problem on our side: nothing attached; the job tries again)."""

    RECEIVED = "received", pgettext_lazy("scan batch status", "Waiting to be read")
    READING = "reading", pgettext_lazy("scan batch status", "Reading the pages")
    DONE = "done", pgettext_lazy("scan batch status", "Done")
    REJECTED = "rejected", pgettext_lazy("scan batch status", "Rejected, nothing attached")
    FAILED = "failed", pgettext_lazy("scan batch status", "Failed, nothing attached")


FINAL_BATCH_STATUSES = frozenset({BatchStatus.DONE, BatchStatus.REJECTED})


class PageKind(models.TextChoices):
    """What one scanned page is, from the codes read on it (``rules.page_classify``)."""

    CONTENT = "content", _("A page of a document")
    COVER = "cover", _("A cover sheet whose code was read and checked")
    COVER_UNREADABLE = "cover_unreadable", _("A cover sheet whose code could not be read")
    COVER_CONFLICT = "cover_conflict", _("A cover sheet with codes that disagree or fail their check")


class IndexingReason(models.TextChoices):
    """Why pages went to the manual indexing queue instead of a folder."""

    NO_COVER = "no_cover", _("No cover sheet before these pages")
    COVER_UNREADABLE = "cover_unreadable", _("The cover sheet's code could not be read")
    COVER_CONFLICT = "cover_conflict", _("The cover sheet's codes disagree or fail their check")
    UNKNOWN_FOLDER = "unknown_folder", _("The cover sheet names a folder that does not exist")
    UNKNOWN_TYPE = "unknown_type", _("The cover sheet names a document type that is not in use")
    PAGE_COUNT = "page_count", _("The number of pages is outside what this document type expects")
    NO_PAGES = "no_pages", _("A cover sheet with no pages after it")


class IndexingStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("indexing item status", "Waiting")
    ATTACHED = "attached", pgettext_lazy("indexing item status", "Attached")
    DISCARDED = "discarded", pgettext_lazy("indexing item status", "Set aside")
