"""The bulk upload's coded, bilingual refusals (UPL-xxx).

Numbering: UPL-0xx the file itself (size, type, encoding, archive safety, template and
columns), UPL-1xx the upload as a whole (duplicates, establishment, outcome), UPL-2xx one row.
A row refused by the register keeps the register's own code (REG-xxx), and a date, identity
number or amount refused by the kernel keeps the kernel's (DATE-xxx, IDF-xxx, MNY-xxx).
Codes never change meaning; a retired refusal keeps its number unused."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from simis.core.errors import ErrorCatalogue


class UploadError(ErrorCatalogue):
    # --- The file: size and type ---
    EMPTY_FILE = ("UPL-001", _("The file is empty."))
    FILE_TOO_LARGE = (
        "UPL-002",
        _(
            "The file is %(size)s bytes; files of up to %(limit)s bytes are accepted. Split it into "
            "smaller files."
        ),
    )
    TOO_MANY_ROWS = (
        "UPL-003",
        _("The file has more than %(limit)s data rows; split it into files of at most %(limit)s rows."),
    )
    UNKNOWN_FORMAT = (
        "UPL-004",
        _("The file is neither a CSV text file nor an Excel workbook (.xlsx). Use one of the templates."),
    )
    LEGACY_XLS = (
        "UPL-005",
        _(
            "The file is an old Excel 97-2003 workbook (.xls). Open it in Excel and save it as an Excel "
            "workbook (.xlsx) or as CSV UTF-8."
        ),
    )
    EXTENSION_MISMATCH = (
        "UPL-006",
        _(
            "The file is named %(name)s but its content is %(actual)s: a renamed file is not accepted. "
            "Save the file in the format its name says."
        ),
    )
    FILE_NAME_REQUIRED = (
        "UPL-007",
        _("The file name must end in .csv or .xlsx; %(name)s does not."),
    )
    # --- CSV text ---
    NOT_UTF8 = (
        "UPL-010",
        _(
            "The file is not UTF-8 text (the first unreadable byte is at position %(offset)s). In Excel "
            "choose Save As, then 'CSV UTF-8 (Comma delimited)'."
        ),
    )
    WINDOWS_1256 = (
        "UPL-011",
        _(
            "The file is saved in the Arabic Windows encoding (Windows-1256), not in UTF-8. In Excel "
            "choose Save As, then 'CSV UTF-8 (Comma delimited)', and upload the new file."
        ),
    )
    UTF16 = (
        "UPL-012",
        _(
            "The file is saved as UTF-16 ('Unicode text'), not as UTF-8. In Excel choose Save As, then "
            "'CSV UTF-8 (Comma delimited)'."
        ),
    )
    BINARY_CONTENT = (
        "UPL-013",
        _("The file contains binary data (a NUL byte at position %(offset)s), so it is not a CSV text file."),
    )
    CSV_UNREADABLE = ("UPL-014", _("The CSV file cannot be read: %(detail)s."))
    CELL_TOO_LONG = (
        "UPL-015",
        _(
            "A cell on row %(row)s is longer than %(limit)s characters; no field of the templates is "
            "that long."
        ),
    )
    # --- Excel workbooks (.xlsx): checked before anything is unpacked ---
    NOT_A_WORKBOOK = (
        "UPL-020",
        _("The file is a ZIP archive but not an Excel workbook (.xlsx): %(detail)s."),
    )
    ARCHIVE_TOO_LARGE = (
        "UPL-021",
        _(
            "The workbook would unpack to %(size)s bytes, more than the %(limit)s allowed. It was not "
            "opened (this is how a 'zip bomb' looks)."
        ),
    )
    COMPRESSION_RATIO = (
        "UPL-022",
        _(
            "The part %(entry)s of the workbook is compressed %(ratio)s times, more than the %(limit)s "
            "allowed. It was not opened (this is how a 'zip bomb' looks)."
        ),
    )
    NESTED_ARCHIVE = (
        "UPL-023",
        _(
            "The workbook contains another archive or embedded file (%(entry)s); such workbooks are "
            "not accepted."
        ),
    )
    TOO_MANY_PARTS = (
        "UPL-024",
        _("The workbook has %(count)s parts, more than the %(limit)s a data workbook needs."),
    )
    ENCRYPTED = (
        "UPL-025",
        _(
            "The workbook is protected with a password or encrypted. Remove the protection and "
            "upload it again."
        ),
    )
    DAMAGED_ARCHIVE = ("UPL-026", _("The workbook is damaged and cannot be read (%(detail)s)."))
    UNSAFE_PART_NAME = (
        "UPL-027",
        _("The workbook contains a part with an unsafe name (%(entry)s); it was not opened."),
    )
    FORMULA = (
        "UPL-028",
        _(
            "Cell %(cell)s holds a formula; formulas are never calculated here. Copy the data and paste it "
            "back as values only, then upload the file again."
        ),
    )
    NO_SHEET = ("UPL-029", _("The workbook has no worksheet to read."))
    MACROS = (
        "UPL-030",
        _("The workbook contains macros (VBA). Save it as a plain Excel workbook (.xlsx) without macros."),
    )
    # --- The template: marker row, version and columns ---
    NOT_A_TEMPLATE = (
        "UPL-040",
        _(
            "The first row is not the SIMIS template row (its first cell must be %(marker)s). Download the "
            "template and keep its first two rows as they are."
        ),
    )
    WRONG_KIND = (
        "UPL-041",
        _("This file is a template for '%(found)s', but you chose '%(chosen)s'."),
    )
    UNSUPPORTED_VERSION = (
        "UPL-042",
        _(
            "Version %(found)s of the '%(kind)s' template is not accepted. Download the current template "
            "(version %(current)s) and copy your data into it."
        ),
    )
    UNKNOWN_COLUMNS = (
        "UPL-043",
        _("The file has columns the template does not have: %(columns)s. Use the template's column names."),
    )
    MISSING_COLUMNS = ("UPL-044", _("Required columns are missing: %(columns)s."))
    DUPLICATE_COLUMN = ("UPL-045", _("The column %(column)s appears more than once."))
    NO_ROWS = ("UPL-046", _("The file has the template's first two rows but no data rows."))
    PROPERTY_MISMATCH = (
        "UPL-047",
        _("The workbook's template property (%(found)s) does not match its first row (%(row)s)."),
    )
    # --- The upload as a whole ---
    ALREADY_APPLIED = (
        "UPL-101",
        _(
            "This file was already applied for establishment %(number)s as upload %(upload)s on %(date)s. "
            "The same file is applied only once."
        ),
    )
    IN_PROGRESS = (
        "UPL-102",
        _("The same file is already being processed for establishment %(number)s as upload %(upload)s."),
    )
    ESTABLISHMENT_NOT_ALLOWED = (
        "UPL-103",
        _("Establishment %(number)s does not exist or you may not upload files for it."),
    )
    UNKNOWN_KIND = ("UPL-104", _("%(value)s is not a kind of upload; choose one of: %(choices)s."))
    UNKNOWN_MODE = ("UPL-105", _("%(value)s is not a way of applying a file; choose one of: %(choices)s."))
    NOT_RETRYABLE = (
        "UPL-106",
        _("Only a failed upload can be tried again; upload %(upload)s is %(status)s."),
    )
    PARTNER_NOT_ALLOWED = (
        "UPL-107",
        _("Your organisation (%(key)s) may not upload files for establishment %(number)s."),
    )
    BAD_BASE64 = ("UPL-108", _("The file content is not valid base64."))
    UPLOADER_NOT_ALLOWED = (
        "UPL-109",
        _("Only employer users and the institution's staff can upload files."),
    )
    ROWS_REFUSED = (
        "UPL-110",
        _(
            "%(invalid)s of the %(total)s rows were refused, so nothing was applied (you chose "
            "all or nothing). Correct them and upload the file again."
        ),
    )
    NOTHING_VALID = ("UPL-111", _("None of the %(total)s rows could be applied."))
    APPLIED_WITH_REFUSALS = (
        "UPL-112",
        _(
            "%(applied)s rows were applied; %(invalid)s rows were refused and not applied. Correct them and "
            "upload them in a new file."
        ),
    )
    FAILED = (
        "UPL-113",
        _(
            "Processing stopped because of a problem on our side (reference %(reference)s). Nothing was "
            "applied; try again."
        ),
    )
    REPORT_NOT_READY = ("UPL-114", _("The report of upload %(upload)s is not ready yet."))
    # --- One row ---
    REQUIRED = ("UPL-201", _("%(column)s is required."))
    BAD_AMOUNT = (
        "UPL-202",
        _("%(value)s is not an amount in riyals; write digits with an optional decimal point, e.g. 5000.50."),
    )
    BAD_CHOICE = ("UPL-203", _("%(value)s is not accepted here; write one of: %(choices)s."))
    BAD_WHOLE_NUMBER = ("UPL-204", _("%(value)s is not a whole number."))
    DUPLICATE_PERSON_IN_FILE = (
        "UPL-205",
        _("The identity number %(number)s is also on row %(row)s of this file."),
    )
    DUPLICATE_WAGE_IN_FILE = (
        "UPL-206",
        _("Row %(row)s of this file already changes the wage of %(number)s from the same month."),
    )
    EXTRA_CELLS = (
        "UPL-207",
        _("The row has %(count)s cells, more than the %(columns)s columns of the template."),
    )
    PERSON_NOT_FOUND = ("UPL-208", _("No contributor is registered with the identity number %(number)s."))
    NO_OPEN_PERIOD = (
        "UPL-209",
        _("Contributor %(contributor_number)s has no open contribution period at establishment %(number)s."),
    )
    NO_PERIOD_IN_MONTH = (
        "UPL-210",
        _(
            "Contributor %(contributor_number)s has no contribution period at establishment %(number)s "
            "in the month of %(month)s."
        ),
    )
    LEAVE_REASON_REQUIRED = ("UPL-211", _("Give the leave reason together with the leave date."))
    AMBIGUOUS_IDENTITY = (
        "UPL-212",
        _(
            "The number %(number)s belongs to more than one contributor (on documents of different kinds); "
            "fill in the identity type column."
        ),
    )
    TEXT_TOO_LONG = ("UPL-213", _("%(column)s is longer than %(limit)s characters."))
