"""The report of an upload: the file as uploaded, in its own format (CSV or XLSX), with each
row's result added — applied, refused or not applied — and, for a refused row, every error's
code and message in Arabic and in English.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return before one) as a formula, and the report echoes what the uploader typed, so
every such cell is **neutralised** with a leading single quote (OWASP's advice against CSV and
formula injection). A negative amount therefore reads ``'-500``: text, as it was in the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from simis.uploads.choices import FileFormat, UploadStatus
from simis.uploads.layouts import REPORT_HEADERS
from simis.uploads.models import Upload, UploadRow
from simis.uploads.parsing import table_read

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
RESULT_APPLIED = "طُبِّق / Applied"
RESULT_REFUSED = "مرفوض / Refused"
RESULT_NOT_APPLIED = "لم يُطبَّق / Not applied"


def neutralise(text: str) -> str:
    """``text`` made inert for spreadsheet programs: a leading quote when it starts with a
    formula trigger."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def report_rows(upload: Upload) -> Iterator[list[str]]:
    """The report's rows: the marker row, the header with the result columns, then every data
    row of the file with its result. Every cell neutralised."""
    upload.file.open("rb")
    try:
        data = upload.file.read()
    finally:
        upload.file.close()
    from simis.uploads.services import limits_from_settings

    table = table_read(data, upload.original_name, upload.kind, limits_from_settings())
    refused = {
        row.row_number: row
        for row in UploadRow.objects.filter(upload=upload).only(
            "row_number", "codes", "messages_ar", "messages_en"
        )
    }
    kept = [position for position in range(len(table.header)) if position not in table.ignored]
    width = len(kept)
    applied = upload.status == UploadStatus.APPLIED

    def own(cells: list[str]) -> list[str]:
        return [neutralise(cells[position]) if position < len(cells) else "" for position in kept]

    yield [neutralise(cell) for cell in table.marker]
    yield [*own(table.header), *REPORT_HEADERS]
    for number, cells in table.rows:
        row = own(cells)
        row.extend([""] * (width - len(row)))
        problem = refused.get(number)
        if problem is not None:
            result = [
                RESULT_REFUSED,
                "\n".join(problem.codes),
                "\n".join(problem.messages_ar),
                "\n".join(problem.messages_en),
            ]
        else:
            result = [RESULT_APPLIED if applied else RESULT_NOT_APPLIED, "", "", ""]
        yield [*row, *(neutralise(text) for text in result), str(number)]


def report_bytes(upload: Upload) -> bytes:
    """The report file's bytes in the upload's own format."""
    rows = report_rows(upload)
    if upload.file_format == FileFormat.XLSX:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Report")
        sheet.sheet_view.rightToLeft = True
        for row in rows:
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerows(rows)
    return text.getvalue().encode("utf-8-sig")
