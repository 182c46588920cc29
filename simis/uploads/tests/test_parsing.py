"""Reading files (no database): what is accepted, and every hostile or broken file refused as a
whole with its own code before anything reads its rows."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from simis.core.errors import SimisError
from simis.uploads.choices import FileFormat, UploadKind
from simis.uploads.layouts import NEW_CONTRIBUTORS_V1, PERIODS_V1, current_layout
from simis.uploads.parsing import Limits, cell_text, table_read
from simis.uploads.template_files import template_csv, template_xlsx
from simis.uploads.tests import hostile
from simis.uploads.tests.files import csv_bytes, new_contributor, xlsx_bytes

NEW = UploadKind.NEW_CONTRIBUTORS


def refused(
    code: str, data: bytes, name: str = "file.csv", kind: UploadKind = NEW, limits: Limits | None = None
) -> None:
    with pytest.raises(SimisError) as caught:
        table_read(data, name, kind, limits)
    assert caught.value.code == code, caught.value


# --- Accepted ------------------------------------------------------------------------------------


def test_csv_with_and_without_byte_order_mark_is_read() -> None:
    rows = [new_contributor(), new_contributor()]
    for encoding in ("utf-8-sig", "utf-8"):
        table = table_read(csv_bytes(NEW_CONTRIBUTORS_V1, rows, encoding=encoding), "nour.csv", NEW)
        assert table.file_format == FileFormat.CSV
        assert [number for number, _cells in table.rows] == [3, 4]
        assert table.values(table.rows[0][1])["identity_number"] == rows[0]["identity_number"]


def test_semicolon_separated_csv_as_some_locales_save_it() -> None:
    table = table_read(csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()], delimiter=";"), "nour.csv", NEW)
    assert table.values(table.rows[0][1])["gender"] == "male"


def test_columns_in_any_order_named_in_either_language_or_by_key() -> None:
    layout = NEW_CONTRIBUTORS_V1
    keys = [column.key for column in reversed(layout.columns)]
    names = [
        column.name.en if position % 3 == 0 else column.name.ar if position % 3 == 1 else column.key
        for position, column in enumerate(reversed(layout.columns))
    ]
    row = new_contributor()
    table = table_read(csv_bytes(layout, [row], columns=keys, header=names), "nour.csv", NEW)
    assert table.values(table.rows[0][1]) == {key: str(row.get(key, "")) for key in keys}


def test_optional_columns_may_be_left_out() -> None:
    keys = [column.key for column in NEW_CONTRIBUTORS_V1.columns if column.required]
    table = table_read(csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()], columns=keys), "nour.csv", NEW)
    assert table.values(table.rows[0][1])["housing_allowance"] == ""


def test_blank_and_comment_rows_are_skipped_and_row_numbers_kept() -> None:
    layout = NEW_CONTRIBUTORS_V1
    data = csv_bytes(layout, [new_contributor(), {}, {"identity_kind": "# a note"}, new_contributor()])
    assert [number for number, _cells in table_read(data, "nour.csv", NEW).rows] == [3, 6]


def test_xlsx_values_come_back_as_typed_text() -> None:
    row = new_contributor(identity_number=1000000016, basic_wage=5000.5, join_date=datetime(2026, 3, 1))
    table = table_read(xlsx_bytes(NEW_CONTRIBUTORS_V1, [row]), "nour.xlsx", NEW)
    values = table.values(table.rows[0][1])
    assert (values["identity_number"], values["basic_wage"], values["join_date"]) == (
        "1000000016",
        "5000.5",
        "2026-03-01",
    )


def test_cell_text() -> None:
    assert cell_text(12.0) == "12"
    assert cell_text(True) == "yes"
    assert cell_text(date(2026, 1, 2)) == "2026-01-02"
    assert cell_text(None) == ""


@pytest.mark.parametrize("kind", list(UploadKind))
def test_downloaded_templates_are_read_back(kind: UploadKind) -> None:
    layout = current_layout(kind)
    refused("UPL-046", template_csv(layout), layout.file_name("csv"), kind)
    refused("UPL-046", template_xlsx(layout), layout.file_name("xlsx"), kind)
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(template_xlsx(layout)))
    assert workbook.sheetnames[1].startswith("Instructions")
    sheet = workbook.worksheets[0]
    sheet.append(["x"] * len(layout.columns))
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = table_read(buffer.getvalue(), layout.file_name("xlsx"), kind)
    assert len(table.rows) == 1
    assert layout.file_name("xlsx") == f"simis-{kind.value.replace('_', '-')}-v1.xlsx"


def test_a_corrected_report_may_be_uploaded_again() -> None:
    from simis.uploads.layouts import REPORT_HEADERS

    layout = NEW_CONTRIBUTORS_V1
    keys = [column.key for column in layout.columns]
    header = [column.header for column in layout.columns] + list(REPORT_HEADERS)
    row = {**new_contributor()}
    cells = [row.get(key, "") for key in keys] + ["مرفوض / Refused", "REG-210", "…", "…", "3"]
    text = io.StringIO()
    import csv

    csv.writer(text).writerows([layout.marker_row(), header, cells])
    table = table_read(text.getvalue().encode(), "report.csv", NEW)
    assert table.extra_cells(table.rows[0][1]) == 0


# --- Refused: size, emptiness, what the file really is ----------------------------------------------


def test_empty_file() -> None:
    refused("UPL-001", b"")
    refused("UPL-001", b"\r\n\r\n")


def test_file_too_large() -> None:
    refused("UPL-002", csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()] * 3), limits=Limits(max_bytes=500))


def test_too_many_rows() -> None:
    data = csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor() for _ in range(6)])
    refused("UPL-003", data, limits=Limits(max_rows=5))
    assert len(table_read(data, "f.csv", NEW, Limits(max_rows=6)).rows) == 6


def test_too_many_rows_in_a_workbook_is_refused_before_reading_them() -> None:
    data = xlsx_bytes(NEW_CONTRIBUTORS_V1, [new_contributor() for _ in range(30)])
    refused("UPL-003", data, "f.xlsx", limits=Limits(max_rows=10))


def test_renamed_files_are_refused_by_their_content() -> None:
    refused("UPL-006", csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()]), "payroll.xlsx")
    refused("UPL-006", xlsx_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()]), "payroll.csv")
    refused("UPL-006", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "payroll.xlsx")


def test_old_excel_and_encrypted_workbooks() -> None:
    refused("UPL-005", hostile.ole2_file(encrypted=False), "payroll.xls")
    refused("UPL-005", hostile.ole2_file(encrypted=False), "payroll.xlsx")
    refused("UPL-025", hostile.ole2_file(encrypted=True), "payroll.xlsx")


def test_other_file_names() -> None:
    refused("UPL-007", b"SIMIS", "payroll.txt")
    refused("UPL-007", b"SIMIS", "payroll")


# --- Refused: encodings --------------------------------------------------------------------------------


def test_windows_1256_is_recognised_and_named() -> None:
    data = csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()], encoding="cp1256")
    refused("UPL-011", data)
    with pytest.raises(SimisError) as caught:
        table_read(data, "f.csv", NEW)
    assert "Windows-1256" in caught.value.error.render_in("en")


def test_utf16_with_and_without_byte_order_mark() -> None:
    text = csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()], encoding="utf-8").decode()
    refused("UPL-012", text.encode("utf-16"))
    refused("UPL-012", text.encode("utf-16-le"))


def test_other_non_utf8_bytes_give_their_position() -> None:
    data = b"SIMIS,new-contributors,v1\r\nidentity_number\r\n\xff\xfe\xfd latin \xe9\r\n"
    with pytest.raises(SimisError) as caught:
        table_read(data, "f.csv", NEW)
    assert caught.value.code == "UPL-010"
    assert caught.value.params["offset"] == data.index(b"\xff")


def test_binary_content() -> None:
    refused("UPL-013", b"SIMIS,new-contributors,v1\r\n\x00\x01\x02binary")


def test_unterminated_quote() -> None:
    refused("UPL-014", b'SIMIS,new-contributors,v1\r\nidentity_number,"unterminated\r\n')


def test_overlong_cell() -> None:
    refused("UPL-015", csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor(first_name_ar="ا" * 600)]))


# --- Refused: Excel archives, before anything is unpacked -----------------------------------------------


def test_zip_bomb_is_refused_by_its_declared_size_before_unpacking() -> None:
    bomb = hostile.zip_bomb(NEW_CONTRIBUTORS_V1, 450)
    assert len(bomb) < 2 * 1024 * 1024  # 450 MB of worksheet in under 2 MB
    refused("UPL-021", bomb, "bomb.xlsx")


def test_zip_bomb_is_refused_by_its_compression_ratio() -> None:
    refused("UPL-022", hostile.zip_bomb(NEW_CONTRIBUTORS_V1, 20), "bomb.xlsx")


def test_archive_lying_about_its_sizes_is_refused_as_damaged() -> None:
    refused("UPL-026", hostile.lying_archive(NEW_CONTRIBUTORS_V1), "liar.xlsx")


def test_nested_archives_and_embedded_objects() -> None:
    inner = xlsx_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()])
    refused("UPL-023", hostile.workbook_with(NEW_CONTRIBUTORS_V1, {"xl/media/inner.zip": inner}), "n.xlsx")
    refused(
        "UPL-023",
        hostile.workbook_with(NEW_CONTRIBUTORS_V1, {"xl/embeddings/oleObject1.bin": b"x"}),
        "n.xlsx",
    )
    refused(
        "UPL-023",
        hostile.workbook_with(NEW_CONTRIBUTORS_V1, {"xl/externalLinks/externalLink1.xml": b"<x/>"}),
        "n.xlsx",
    )


def test_macros_are_refused() -> None:
    refused(
        "UPL-030", hostile.workbook_with(NEW_CONTRIBUTORS_V1, {"xl/vbaProject.bin": b"\x00" * 64}), "m.xlsx"
    )


def test_too_many_parts() -> None:
    parts = {f"xl/media/image{n}.png": b"png" for n in range(150)}
    refused("UPL-024", hostile.workbook_with(NEW_CONTRIBUTORS_V1, parts), "p.xlsx")


def test_unsafe_part_names() -> None:
    refused("UPL-027", hostile.workbook_with(NEW_CONTRIBUTORS_V1, {"../../etc/cron.d/x": b"x"}), "u.xlsx")
    refused("UPL-027", hostile.workbook_with(NEW_CONTRIBUTORS_V1, {"/abs/path.xml": b"x"}), "u.xlsx")


def test_encrypted_parts() -> None:
    refused("UPL-025", hostile.encrypted_flag_archive(NEW_CONTRIBUTORS_V1), "e.xlsx")


def test_zip_that_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    refused("UPL-020", buffer.getvalue(), "archive.xlsx")


def test_damaged_archive() -> None:
    data = xlsx_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()])
    refused("UPL-026", data[: len(data) // 2], "cut.xlsx")


def test_formulas_are_refused_never_evaluated() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(NEW_CONTRIBUTORS_V1.marker_row())
    sheet.append([column.header for column in NEW_CONTRIBUTORS_V1.columns])
    row = new_contributor()
    sheet.append([row.get(column.key, "") for column in NEW_CONTRIBUTORS_V1.columns])
    sheet["O3"] = '=HYPERLINK("http://evil.example","1000")'
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(SimisError) as caught:
        table_read(buffer.getvalue(), "f.xlsx", NEW)
    assert caught.value.code == "UPL-028"
    assert caught.value.params["cell"] == "O3"


def test_text_that_looks_like_a_formula_in_a_csv_is_only_text() -> None:
    table = table_read(csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor(first_name_en="=1+2")]), "f.csv", NEW)
    assert table.values(table.rows[0][1])["first_name_en"] == "=1+2"


# --- Refused: the template ------------------------------------------------------------------------------


def test_missing_marker_row() -> None:
    data = csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()], marker=["identity_kind", "identity_number"])
    refused("UPL-040", data)


def test_template_of_another_kind() -> None:
    data = csv_bytes(PERIODS_V1, [{"identity_number": "1000000016"}])
    refused("UPL-041", data)


def test_unsupported_template_version() -> None:
    data = csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()], marker=["SIMIS", "new-contributors", "v9"])
    with pytest.raises(SimisError) as caught:
        table_read(data, "f.csv", NEW)
    assert caught.value.code == "UPL-042"
    assert caught.value.params["current"] == 1


def test_workbook_property_disagreeing_with_the_marker_row() -> None:
    data = xlsx_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()], custom_property="new-contributors-v2")
    refused("UPL-047", data, "f.xlsx")


def test_unknown_missing_and_repeated_columns() -> None:
    keys = [column.key for column in NEW_CONTRIBUTORS_V1.columns]
    refused("UPL-043", csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()], columns=[*keys, "salary_grade"]))
    refused("UPL-044", csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()], columns=keys[2:]))
    refused("UPL-045", csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()], columns=[*keys, "gender"]))


def test_header_without_rows() -> None:
    refused("UPL-046", csv_bytes(NEW_CONTRIBUTORS_V1, []))
