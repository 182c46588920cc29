"""The document app's coded, bilingual refusals (DOC-xxx).

Numbering: DOC-0xx a scanned or uploaded file itself (size, type, pages, safety), DOC-1xx a
cover sheet's code as typed or read, DOC-2xx stored files and their integrity, DOC-3xx folders
and document types, DOC-4xx the indexing queue, DOC-5xx scan batches. Codes never change
meaning; a retired refusal keeps its number unused."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from simis.core.errors import ErrorCatalogue


class DocumentError(ErrorCatalogue):
    # --- The file ---
    EMPTY_FILE = ("DOC-001", _("The file is empty."))
    FILE_TOO_LARGE = (
        "DOC-002",
        _(
            "The file is %(size)s bytes; files of up to %(limit)s bytes are accepted. Scan fewer pages "
            "at once."
        ),
    )
    UNKNOWN_FORMAT = (
        "DOC-003",
        _("The file is not a PDF, TIFF, PNG or JPEG image. Set the scanner to save one of these formats."),
    )
    TOO_MANY_PAGES = (
        "DOC-004",
        _("The file has more than %(limit)s pages; scan the papers in smaller batches."),
    )
    PAGE_TOO_LARGE = (
        "DOC-005",
        _(
            "Page %(page)s would be %(pixels)s pixels, more than the %(limit)s allowed. It was not opened "
            "(this is how a 'decompression bomb' looks). Scan at 200 to 300 dpi."
        ),
    )
    DAMAGED_FILE = ("DOC-006", _("The file is damaged and cannot be read (%(detail)s)."))
    ENCRYPTED_PDF = (
        "DOC-007",
        _("The PDF is protected with a password or encrypted. Save it without protection and send it again."),
    )
    NO_PAGES = ("DOC-008", _("The file has no pages."))
    PAGE_UNREADABLE = (
        "DOC-009",
        _("Page %(page)s of the file cannot be read as an image (%(detail)s); nothing was attached."),
    )
    # --- Cover sheet codes ---
    CODE_SHAPE = (
        "DOC-101",
        _(
            "%(code)s is not a cover sheet code. Type the code printed under the barcode, for example "
            "SD1-1234-WORK_INJURY_REPORT-7."
        ),
    )
    CODE_CHECK = (
        "DOC-102",
        _("The last character of %(code)s does not match the rest: check the code for a typing mistake."),
    )
    CODE_UNKNOWN_FOLDER = ("DOC-103", _("No document folder %(folder)s exists (code %(code)s)."))
    CODE_UNKNOWN_TYPE = (
        "DOC-104",
        _("The document type %(type)s of code %(code)s is not in use."),
    )
    # --- Stored files ---
    INTEGRITY = (
        "DOC-201",
        _(
            "The stored file %(file)s no longer matches the SHA-256 recorded when it was received, so it is "
            "not shown. The incident has been recorded; tell the system administrators."
        ),
    )
    FILE_MISSING = (
        "DOC-202",
        _("The stored file %(file)s cannot be found in the document store. Tell the system administrators."),
    )
    PAGE_OUT_OF_RANGE = ("DOC-203", _("Page %(page)s does not exist; the document has %(count)s pages."))
    # DOC-205 is raised by the database itself (migration 0002) when anything tries to change
    # or remove a document or a stored file's record; listed here so the code stays reserved.
    NEVER_CHANGED = (
        "DOC-205",
        _("A document or a stored file is never changed or removed; add a new version instead."),
    )
    # --- Folders and document types ---
    OWNER_NOT_REGISTERED = (
        "DOC-301",
        _("No application has registered folders of the kind %(kind)s."),
    )
    UNKNOWN_TYPE = ("DOC-302", _("There is no document type %(type)s."))
    INACTIVE_TYPE = ("DOC-303", _("The document type %(type)s is no longer in use."))
    TYPES_FILE_INVALID = ("DOC-304", _("The document types file %(file)s is not valid: %(detail)s"))
    FOLDER_NOT_FOUND = ("DOC-305", _("The document folder does not exist or you may not see it."))
    UNKNOWN_LANGUAGE = ("DOC-306", _("%(value)s is not a language of the cover sheet; choose ar or en."))
    # --- The indexing queue ---
    ITEM_CLOSED = (
        "DOC-401",
        _("These pages were already dealt with (%(status)s); nothing was changed."),
    )
    DISCARD_REASON_REQUIRED = ("DOC-402", _("Say why the pages are set aside."))
    ONLY_A_COVER = (
        "DOC-403",
        _("There are no pages besides the cover sheet to attach; set the item aside instead."),
    )
    # --- Scan batches ---
    BATCH_FAILED = (
        "DOC-501",
        _(
            "Reading the batch stopped because of a problem on our side (reference %(reference)s). Nothing "
            "was attached; it will be tried again."
        ),
    )
    OFFICE_CODE = (
        "DOC-502",
        _("%(value)s is not an office code: use up to 8 Latin letters, digits or hyphens."),
    )
    STAFF_ONLY = ("DOC-503", _("Only the institution's staff can scan, index or upload documents."))
    NOT_RETRYABLE = (
        "DOC-504",
        _("Only a failed batch can be read again; batch %(batch)s is %(status)s."),
    )
