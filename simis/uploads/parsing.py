"""Reading an uploaded file into rows of text, refusing hostile or broken files first.

Pure: bytes in, a ``Table`` out, or a ``SimisError`` (UPL-0xx) that says what is wrong with the
file as a whole. Nothing here touches the database. In order:

1. **Size** (``Limits.max_bytes``) and **emptiness**.
2. **What the file really is**, from its first bytes, never from its name: a ZIP archive (an
   .xlsx candidate), an OLE2 container (an old .xls, or an encrypted workbook) or text (a CSV
   candidate). A name that says otherwise is a renamed file and is refused.
3. CSV: **UTF-8** only, with or without a byte-order mark; UTF-16 and the Arabic Windows code
   page (Windows-1256) are recognised and named in the refusal; NUL bytes mean binary.
4. XLSX, **before anything is unpacked**: the archive's directory is read and every part's
   declared size and compression ratio checked (the total against ``max_unpacked_bytes``, each
   part against ``max_ratio``), together with the number of parts, their names (no absolute or
   ``..`` paths), encryption, macros and embedded archives. Then every part is unpacked through
   ``zipfile``, which never reads past a part's declared size and checks its CRC, so a directory
   that lies about sizes is caught as damage. Worksheets are scanned for formulas (``<f>``
   elements): a formula is refused, never evaluated. Only then does calamine read the values.
5. The **template**: the marker row (``SIMIS`` · kind · version), the workbook's custom
   property when present, and the header row's column names (unknown, missing or repeated
   columns refuse the file).
6. The **row limit** (``max_rows``), counted while reading, and the longest cell.
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePosixPath
from typing import Any

from simis.core.errors import SimisError
from simis.uploads.choices import FileFormat, UploadKind
from simis.uploads.errors import UploadError
from simis.uploads.layouts import (
    COMMENT_PREFIX,
    MARKER,
    REPORT_HEADER_NAMES,
    Column,
    Layout,
    kind_from_slug,
    layout_for,
    normalise_header,
)

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
CUSTOM_PROPERTY = "simis_template"
# Parts of an archive that are themselves archives or foreign objects.
_NESTED_SUFFIXES = (
    ".zip",
    ".xlsx",
    ".xlsm",
    ".xlsb",
    ".xls",
    ".docx",
    ".pptx",
    ".jar",
    ".gz",
    ".7z",
    ".rar",
    ".cab",
)
_NESTED_FOLDERS = ("xl/embeddings/", "xl/externallinks/", "xl/activex/")
_FORMULA = re.compile(rb"<(?:[A-Za-z0-9_]+:)?f[\s>/]")
_CELL_REF = re.compile(rb'<(?:[A-Za-z0-9_]+:)?c\b[^>]*?\br="([A-Z]{1,3}[0-9]{1,7})"')
_PROPERTY = re.compile(
    rb'<property\b[^>]*\bname="'
    + CUSTOM_PROPERTY.encode()
    + rb'"[^>]*>\s*<vt:lpwstr\b[^>]*>([^<]{0,100})</vt:lpwstr>'  # writers may declare xmlns:vt here
)
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_READ_CHUNK = 1 << 20
# Marker, header, blank and comment rows a sheet may have beyond its data rows.
_SLACK_ROWS = 1000


@dataclass(frozen=True, slots=True)
class Limits:
    """What a file may be. Defaults suit a large employer's monthly file; settings override
    them (``limits_from_settings`` in services)."""

    max_bytes: int = 50 * 1024 * 1024
    max_rows: int = 200_000
    max_unpacked_bytes: int = 400 * 1024 * 1024
    max_ratio: int = 200
    # The ratio is judged only for parts at least this big: a tiny part can compress very well.
    ratio_floor_bytes: int = 1024 * 1024
    max_parts: int = 100
    max_cell_chars: int = 500


@dataclass
class Table:
    """A file read and checked against its template: ``rows`` holds each data row's number in
    the file (as a spreadsheet shows it, from 3) and its cells as text, one per ``columns``
    position (``None`` for a position with no header)."""

    file_format: FileFormat
    layout: Layout
    marker: list[str]
    header: list[str]
    columns: list[Column | None]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    # Positions of a report's result columns (a corrected report uploaded again): ignored.
    ignored: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        self._blank = dict.fromkeys(self.layout.keys, "")
        self._slots = [(position, column.key) for position, column in enumerate(self.columns) if column]
        self._free = [
            position
            for position, column in enumerate(self.columns)
            if column is None and position not in self.ignored
        ]

    @property
    def slots(self) -> list[tuple[int, str]]:
        """``(position, column key)`` of every column the header names."""
        return self._slots

    @property
    def free(self) -> list[int]:
        """Positions the header names no column at (a report's result columns excepted)."""
        return self._free

    def values(self, cells: list[str]) -> dict[str, str]:
        """The row's cells by column key, trimmed; columns the file leaves out, or the row does not
        reach, are empty."""
        found = self._blank.copy()
        width = len(cells)
        for position, key in self._slots:
            if position < width:
                found[key] = cells[position].strip()
        return found

    def extra_cells(self, cells: list[str]) -> int:
        """How many non-empty cells the row has where the header names no column."""
        width = len(cells)
        count = sum(1 for position in self._free if position < width and cells[position].strip())
        if width > len(self.columns):
            count += sum(1 for text in cells[len(self.columns) :] if text.strip())
        return count


# --- 1 and 2: size and what the file is ---------------------------------------------------------


def _extension(name: str) -> str:
    return PurePosixPath(str(name).replace("\\", "/")).suffix.lower().lstrip(".")


def sniff_format(data: bytes, name: str, limits: Limits) -> FileFormat:
    """The file's format from its content; refuses an empty, oversized, legacy, encrypted,
    unknown or renamed file."""
    if not data:
        raise SimisError(UploadError.EMPTY_FILE)
    if len(data) > limits.max_bytes:
        raise SimisError(UploadError.FILE_TOO_LARGE, size=len(data), limit=limits.max_bytes)
    extension = _extension(name)
    if extension not in ("csv", "xlsx", "xls"):
        raise SimisError(UploadError.FILE_NAME_REQUIRED, name=name)
    if data.startswith(OLE2_MAGIC):
        if ENCRYPTED_PACKAGE in data:
            raise SimisError(UploadError.ENCRYPTED)
        raise SimisError(UploadError.LEGACY_XLS)
    if data.startswith(ZIP_MAGIC):
        if extension != "xlsx":
            raise SimisError(UploadError.EXTENSION_MISMATCH, name=name, actual="ZIP / Excel (.xlsx)")
        return FileFormat.XLSX
    if extension in ("xlsx", "xls"):
        raise SimisError(UploadError.EXTENSION_MISMATCH, name=name, actual="text")
    return FileFormat.CSV


# --- 3: CSV text --------------------------------------------------------------------------------


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 text with a few broken bytes (a damaged or hand-edited file), not a file in
    another encoding: more well-formed non-ASCII characters than broken sequences."""
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    return sum(1 for ch in text if ord(ch) > 127) - broken > broken


def _looks_windows_1256(data: bytes) -> bool:
    """Arabic text saved by Windows in its Arabic code page: not UTF-8, but read as Windows-1256
    its non-ASCII characters are mostly Arabic letters."""
    try:
        text = data.decode("cp1256")
    except UnicodeDecodeError:
        return False
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if not non_ascii:
        return False
    arabic = sum(1 for ch in non_ascii if _ARABIC.match(ch))
    return arabic * 2 > len(non_ascii)


def decode_text(data: bytes) -> str:
    """UTF-8 text (a byte-order mark is dropped); UPL-012, UPL-013, UPL-011 or UPL-010 otherwise."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SimisError(UploadError.UTF16)
    head = data[:200]
    if len(head) >= 4 and head.count(b"\x00") * 3 >= len(head):
        # Every other byte NUL: UTF-16 written without a byte-order mark.
        raise SimisError(UploadError.UTF16)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise SimisError(UploadError.BINARY_CONTENT, offset=nul)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if not _mostly_utf8(data) and _looks_windows_1256(data):
            raise SimisError(UploadError.WINDOWS_1256) from None
        raise SimisError(UploadError.NOT_UTF8, offset=error.start) from None


def _delimiter(text: str) -> str:
    """Comma, or the semicolon or tab some locales' spreadsheet programs write, read from the
    character after the marker in the first line."""
    first = text[: text.find("\n")] if "\n" in text else text
    stripped = first.lstrip('"')
    if stripped.upper().startswith(MARKER):
        after = stripped[len(MARKER) :].lstrip('"')
        if after[:1] in (";", "\t"):
            return after[:1]
    return ","


def _csv_rows(text: str, limits: Limits) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        yield from reader
    except csv.Error as error:
        raise SimisError(UploadError.CSV_UNREADABLE, detail=str(error)) from None


# --- 4: Excel workbooks ---------------------------------------------------------------------------


def _unsafe_name(name: str) -> bool:
    return (
        name.startswith(("/", "\\"))
        or "\\" in name
        or "\x00" in name
        or ".." in PurePosixPath(name).parts
        or re.match(r"^[A-Za-z]:", name) is not None
    )


def _column_letters(reference: bytes) -> str:
    return reference.decode("ascii", "replace")


def _formula_cell(xml: bytes, position: int) -> str:
    """The cell reference (e.g. ``C5``) of the formula found at ``position``."""
    start = xml.rfind(b"<c", 0, position)
    while start >= 0 and xml[start + 2 : start + 3] not in (b" ", b">", b"\t", b"\n", b"\r"):
        start = xml.rfind(b"<c", 0, start)
    match = _CELL_REF.match(xml, start) if start >= 0 else None
    return _column_letters(match.group(1)) if match else "?"


@dataclass(frozen=True, slots=True)
class WorkbookCheck:
    """What the archive inspection learnt: the template property, when the workbook has one."""

    template_property: str | None


def workbook_inspect(data: bytes, limits: Limits) -> WorkbookCheck:
    """Every check on the archive that must pass before a spreadsheet reader opens it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise SimisError(UploadError.DAMAGED_ARCHIVE, detail=str(error)[:200]) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_parts:
            raise SimisError(UploadError.TOO_MANY_PARTS, count=len(infos), limit=limits.max_parts)
        names = {info.filename.lower() for info in infos}
        total = 0
        for info in infos:
            name = info.filename
            lowered = name.lower()
            if _unsafe_name(name):
                raise SimisError(UploadError.UNSAFE_PART_NAME, entry=name[:100])
            if info.flag_bits & 0x1:
                raise SimisError(UploadError.ENCRYPTED)
            if lowered.endswith("vbaproject.bin"):
                raise SimisError(UploadError.MACROS)
            if lowered.endswith(_NESTED_SUFFIXES) or lowered.startswith(_NESTED_FOLDERS):
                raise SimisError(UploadError.NESTED_ARCHIVE, entry=name[:100])
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise SimisError(UploadError.DAMAGED_ARCHIVE, detail=f"{name[:100]}: unsupported compression")
            total += info.file_size
            if total > limits.max_unpacked_bytes:
                raise SimisError(UploadError.ARCHIVE_TOO_LARGE, size=total, limit=limits.max_unpacked_bytes)
            if info.file_size >= limits.ratio_floor_bytes:
                ratio = info.file_size // max(info.compress_size, 1)
                if ratio > limits.max_ratio:
                    raise SimisError(
                        UploadError.COMPRESSION_RATIO, entry=name[:100], ratio=ratio, limit=limits.max_ratio
                    )
        for required in ("[content_types].xml", "xl/workbook.xml"):
            if required not in names:
                raise SimisError(UploadError.NOT_A_WORKBOOK, detail=required)
        template_property: str | None = None
        for info in infos:
            content = _part_read(archive, info)
            lowered = info.filename.lower()
            if lowered.startswith("xl/worksheets/") and lowered.endswith(".xml"):
                found = _FORMULA.search(content)
                if found:
                    raise SimisError(UploadError.FORMULA, cell=_formula_cell(content, found.start()))
            elif lowered == "docprops/custom.xml":
                match = _PROPERTY.search(content)
                if match:
                    template_property = match.group(1).decode("utf-8", "replace").strip()
        return WorkbookCheck(template_property=template_property)


def _part_read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A part unpacked: ``zipfile`` stops at the declared size and checks the CRC, so a part
    that unpacks to more than its directory entry says is refused as damaged."""
    chunks: list[bytes] = []
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_READ_CHUNK):
                chunks.append(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as error:
        raise SimisError(
            UploadError.DAMAGED_ARCHIVE, detail=f"{info.filename[:100]}: {str(error)[:150]}"
        ) from None
    return b"".join(chunks)


def cell_text(value: Any) -> str:
    """A spreadsheet value as the text a person typed: whole numbers without ``.0``, dates in
    ISO form (read as Gregorian), booleans as yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _xlsx_rows(data: bytes, limits: Limits) -> Iterator[list[str]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise SimisError(UploadError.NO_SHEET)
        sheet = workbook.get_sheet_by_index(0)
        if sheet.height > limits.max_rows + _SLACK_ROWS:
            # Counted exactly below (blank and comment rows aside); this spares reading a huge sheet.
            raise SimisError(UploadError.TOO_MANY_ROWS, limit=limits.max_rows)
        for row in sheet.iter_rows():
            # Most cells are text already: only the others go through ``cell_text``.
            yield [value if value.__class__ is str else cell_text(value) for value in row]
    except SimisError:
        raise
    except (CalamineError, ValueError, OSError) as error:
        raise SimisError(UploadError.DAMAGED_ARCHIVE, detail=str(error)[:200]) from None
    except Exception as error:  # calamine's own error types (XmlError, ZipError, …)
        if type(error).__module__.startswith("python_calamine"):
            raise SimisError(UploadError.DAMAGED_ARCHIVE, detail=str(error)[:200]) from None
        raise


# --- 5 and 6: template, columns, rows ---------------------------------------------------------------


def _is_blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _marker_layout(marker: list[str], chosen: UploadKind) -> Layout:
    first = marker[0].strip().lstrip("\ufeff") if marker else ""
    if first.upper() != MARKER:
        raise SimisError(UploadError.NOT_A_TEMPLATE, marker=MARKER)
    slug = marker[1].strip() if len(marker) > 1 else ""
    found = kind_from_slug(slug)
    if found != chosen:
        label = str(found.label) if found is not None else slug or "—"
        raise SimisError(UploadError.WRONG_KIND, found=label, chosen=str(chosen.label))
    text = marker[2].strip().lower().lstrip("v") if len(marker) > 2 else ""
    version = int(text) if text.isdigit() and len(text) < 4 else 0
    layout = layout_for(chosen, version)
    if layout is None:
        from simis.uploads.layouts import current_layout

        raise SimisError(
            UploadError.UNSUPPORTED_VERSION,
            found=marker[2].strip() if len(marker) > 2 and marker[2].strip() else "—",
            kind=str(chosen.label),
            current=current_layout(chosen).version,
        )
    return layout


def _header_columns(header: list[str], layout: Layout) -> list[Column | None]:
    columns: list[Column | None] = []
    unknown: list[str] = []
    seen: set[str] = set()
    for text in header:
        if not text.strip() or normalise_header(text) in REPORT_HEADER_NAMES:
            columns.append(None)
            continue
        column = layout.by_header.get(normalise_header(text))
        if column is None:
            unknown.append(text.strip()[:60])
            columns.append(None)
            continue
        if column.key in seen:
            raise SimisError(UploadError.DUPLICATE_COLUMN, column=column.header)
        seen.add(column.key)
        columns.append(column)
    if unknown:
        raise SimisError(UploadError.UNKNOWN_COLUMNS, columns=", ".join(unknown))
    missing = [column.header for column in layout.required if column.key not in seen]
    if missing:
        raise SimisError(UploadError.MISSING_COLUMNS, columns=", ".join(missing))
    return columns


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the while: a large file is millions of small
    objects (rows of strings, and what is read from them) that hold no cycles, which every
    collection would scan again as they accumulate — seconds for a 100,000-row file."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def table_read(data: bytes, name: str, kind: UploadKind | str, limits: Limits | None = None) -> Table:
    """The file's rows checked against the template of ``kind`` (see the module docstring)."""
    with collection_paused():
        return _table_read(data, name, kind, limits)


def _table_read(data: bytes, name: str, kind: UploadKind | str, limits: Limits | None) -> Table:
    limits = limits or Limits()
    chosen = UploadKind(kind)
    file_format = sniff_format(data, name, limits)
    template_property: str | None = None
    if file_format == FileFormat.XLSX:
        template_property = workbook_inspect(data, limits).template_property
        source = _xlsx_rows(data, limits)
    else:
        source = _csv_rows(decode_text(data), limits)
    marker: list[str] | None = None
    header: list[str] | None = None
    table: Table | None = None
    number = 0
    for cells in source:
        number += 1
        if cells and max(map(len, cells)) > limits.max_cell_chars:
            raise SimisError(UploadError.CELL_TOO_LONG, row=number, limit=limits.max_cell_chars)
        if marker is None:
            if _is_blank(cells):
                continue
            marker = cells
            layout = _marker_layout(marker, chosen)
            if template_property is not None and template_property != layout.property_value:
                raise SimisError(
                    UploadError.PROPERTY_MISMATCH, found=template_property, row=layout.property_value
                )
            continue
        if header is None:
            header = cells
            table = Table(
                file_format=file_format,
                layout=layout,
                marker=marker,
                header=header,
                columns=_header_columns(header, layout),
                ignored=frozenset(
                    position
                    for position, text in enumerate(header)
                    if normalise_header(text) in REPORT_HEADER_NAMES
                ),
            )
            continue
        assert table is not None
        first = cells[0].strip() if cells else ""
        if first.startswith(COMMENT_PREFIX) or (not first and _is_blank(cells)):
            continue
        if len(table.rows) >= limits.max_rows:
            raise SimisError(UploadError.TOO_MANY_ROWS, limit=limits.max_rows)
        table.rows.append((number, cells))
    if marker is None:
        raise SimisError(UploadError.EMPTY_FILE)
    if table is None:
        raise SimisError(UploadError.NOT_A_TEMPLATE, marker=MARKER)
    if not table.rows:
        raise SimisError(UploadError.NO_ROWS)
    return table
