"""The downloadable templates, one per kind of upload, in CSV (UTF-8 with a byte-order mark,
so Excel reads the Arabic right) and in Excel (.xlsx, written with openpyxl).

Both carry the template's identity twice over: in the first row (``SIMIS`` · kind · version)
and in the file name (``simis-new-contributors-v1.xlsx``); the workbook also as its custom
document property ``simis_template``. Column names are in Arabic and English.

- CSV: the marker row, the header row, and one example row marked as a comment (its first cell
  starts with ``#``, so it is never read as data).
- XLSX: sheet one holds the marker and header rows, frozen, with a note on every header cell, an
  input message on every column (the hint, in both languages), drop-down lists where a column
  takes codes, and identity numbers formatted as text (so Excel keeps their digits as typed).
  Sheet two holds the instructions in both languages, a table of the columns with examples,
  and the kind's own notes.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from simis.uploads.layouts import COMMENT_PREFIX, FIRST_DATA_ROW, Bilingual, Layout
from simis.uploads.parsing import CUSTOM_PROPERTY

# Rows the Excel template's drop-downs and text formats cover.
TEMPLATE_ROWS = 200_000

GENERAL_INSTRUCTIONS = (
    Bilingual(
        "لا تغيّر الصف الأول (علامة النموذج وإصداره) ولا الصف الثاني (أسماء الأعمدة). اكتب بياناتك "
        "بدءًا من الصف الثالث، صفًا لكل عملية.",
        "Do not change the first row (the template's marker and version) or the second (the column names). "
        "Write your data from the third row on, one operation per row.",
    ),
    Bilingual(
        "الأعمدة الاختيارية يمكن تركها فارغة أو حذفها. يجوز ترتيب الأعمدة كما تشاء، وتكفي التسمية "
        "بالعربية أو بالإنجليزية.",
        "Optional columns may be left empty or removed. Columns may come in any order; their Arabic or their "
        "English name alone is enough.",
    ),
    Bilingual(
        "التواريخ بالتقويم الهجري (أم القرى) أو الميلادي، والأرقام بالعربية أو الهندية مقبولة. لا "
        "تستخدم المعادلات: انسخ القيم فقط.",
        "Dates may be Hijri (Umm al-Qura) or Gregorian; Arabic-Indic digits are accepted. Do not use "
        "formulas: paste values only.",
    ),
    Bilingual(
        "احفظ الملف بصيغة Excel ‏(.xlsx) أو CSV UTF-8. الصف الذي يبدأ بـ # ملاحظة لا تُقرأ.",
        "Save the file as an Excel workbook (.xlsx) or as CSV UTF-8. A row whose first cell starts "
        "with # is a "
        "comment and is not read.",
    ),
    Bilingual(
        "عند الرفع تختار: تطبيق الملف كاملًا أو لا شيء، أو تطبيق الصفوف السليمة فقط. ستحصل على تقرير "
        "بنتيجة كل صف.",
        "When you upload you choose: apply the whole file or nothing, or apply only the valid rows. "
        "You get a "
        "report with every row's result.",
    ),
)


def template_csv(layout: Layout) -> bytes:
    """The CSV template: UTF-8 with a byte-order mark, comma-separated."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(layout.marker_row())
    writer.writerow([column.header for column in layout.columns])
    examples = [column.example for column in layout.columns]
    examples[0] = f"{COMMENT_PREFIX} {examples[0]}".rstrip()
    writer.writerow(examples)
    return text.getvalue().encode("utf-8-sig")


_HEADER_FILL = PatternFill("solid", fgColor="DDEBE4")
_REQUIRED_FILL = PatternFill("solid", fgColor="F6E3C7")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _limited(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def template_xlsx(layout: Layout) -> bytes:
    """The Excel template: a data sheet and an instructions sheet."""
    workbook = Workbook()
    data = workbook.active
    assert data is not None
    data.title = "Data - البيانات"
    data.sheet_view.rightToLeft = True
    data.append(layout.marker_row())
    data.append([column.header for column in layout.columns])
    data.freeze_panes = f"A{FIRST_DATA_ROW}"
    for position, column in enumerate(layout.columns, start=1):
        letter = get_column_letter(position)
        cell = data.cell(row=2, column=position)
        cell.font = Font(bold=True)
        cell.alignment = _WRAP
        cell.fill = _REQUIRED_FILL if column.required else _HEADER_FILL
        required = "مطلوب / Required" if column.required else "اختياري / Optional"
        cell.comment = Comment(
            f"{required}\n{column.hint.ar}\n{column.hint.en}\nمثال / Example: {column.example or '—'}",
            "SIMIS",
        )
        data.column_dimensions[letter].width = max(14, min(len(column.header) + 4, 40))
        cells = f"{letter}{FIRST_DATA_ROW}:{letter}{TEMPLATE_ROWS + FIRST_DATA_ROW}"
        if column.choices:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(column.choices) + '"',
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle=_limited("قيمة غير مقبولة / Not accepted", 32),
                error=_limited(f"{column.hint.ar}\n{column.hint.en}", 255),
            )
        else:
            validation = DataValidation(allow_blank=True)
        validation.showInputMessage = True
        validation.promptTitle = _limited(column.name.en, 32)
        validation.prompt = _limited(f"{column.hint.ar}\n{column.hint.en}", 255)
        validation.add(cells)
        data.add_data_validation(validation)
        if column.key.endswith("number") or column.key in ("occupation", "identity_number"):
            for row in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 1000):
                data.cell(row=row, column=position).number_format = "@"
    _instructions(workbook, layout)
    workbook.custom_doc_props.append(StringProperty(name=CUSTOM_PROPERTY, value=layout.property_value))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _instructions(workbook: Workbook, layout: Layout) -> None:
    sheet = workbook.create_sheet("Instructions - التعليمات")
    sheet.sheet_view.rightToLeft = True
    sheet.append([f"{layout.title.ar} / {layout.title.en}", f"{layout.version_label}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(["التعليمات", "Instructions"])
    for item in (*GENERAL_INSTRUCTIONS, *layout.notes):
        sheet.append([item.ar, item.en])
    sheet.append([])
    sheet.append(["العمود", "Column", "مطلوب / Required", "الوصف", "Description", "مثال / Example"])
    header_row = sheet.max_row
    for column in layout.columns:
        sheet.append(
            [
                column.name.ar,
                column.name.en,
                "نعم / Yes" if column.required else "لا / No",
                column.hint.ar,
                column.hint.en,
                column.example,
            ]
        )
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = _WRAP
    for letter, width in zip("ABCDEF", (45, 45, 16, 50, 50, 18), strict=True):
        sheet.column_dimensions[letter].width = width
