"""Test files: CSV and Excel uploads written the way employers' systems and spreadsheet
programs write them, from rows given by column key."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty

from simis.core.identifiers import IdentityKind, generate_national_id
from simis.uploads.layouts import Layout
from simis.uploads.parsing import CUSTOM_PROPERTY

_sequence = itertools.count(1)


def next_national_id(kind: IdentityKind = IdentityKind.NATIONAL_ID) -> str:
    return generate_national_id(30_000_000 + next(_sequence), kind)


def table_cells(
    layout: Layout,
    rows: Iterable[dict[str, Any]],
    *,
    columns: Sequence[str] | None = None,
    marker: list[str] | None = None,
    header: list[str] | None = None,
) -> list[list[Any]]:
    keys = list(columns or [column.key for column in layout.columns])
    by_key = {column.key: column for column in layout.columns}
    head = header or [by_key[key].header if key in by_key else key for key in keys]
    cells: list[list[Any]] = [marker or layout.marker_row(), head]
    for row in rows:
        cells.append([row.get(key, "") for key in keys])
    return cells


def csv_bytes(
    layout: Layout,
    rows: Iterable[dict[str, Any]],
    *,
    encoding: str = "utf-8-sig",
    delimiter: str = ",",
    **shape: Any,
) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(table_cells(layout, rows, **shape))
    return text.getvalue().encode(encoding)


def xlsx_bytes(
    layout: Layout, rows: Iterable[dict[str, Any]], *, custom_property: str | None = "", **shape: Any
) -> bytes:
    """An .xlsx workbook; ``custom_property`` None leaves the template property out, "" writes
    the layout's own."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in table_cells(layout, rows, **shape):
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                # Text that looks like a formula, as a spreadsheet keeps it when typed after an
                # apostrophe: a string cell, not a formula.
                cell.data_type = "s"
    if custom_property is not None:
        workbook.custom_doc_props.append(
            StringProperty(name=CUSTOM_PROPERTY, value=custom_property or layout.property_value)
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def new_contributor(**fields: Any) -> dict[str, Any]:
    """A valid new-contributor row: a Saudi joining on 1 March 2026 (on time for a request on
    15 March 2026), new law."""
    row = {
        "identity_kind": "national_id",
        "identity_number": next_national_id(),
        "first_name_ar": "محمد",
        "father_name_ar": "عبدالله",
        "family_name_ar": "القحطاني",
        "first_name_en": "Mohammed",
        "father_name_en": "Abdullah",
        "family_name_en": "Alqahtani",
        "birth_date": "1995-04-12",
        "gender": "male",
        "nationality": "SAU",
        "join_date": "2026-03-01",
        "occupation": "4",
        "basic_wage": "6000",
        "housing_allowance": "1500",
        "other_allowances": "",
        "housing_in_kind": "no",
    }
    row.update(fields)
    return row
