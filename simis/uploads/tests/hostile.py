"""Hostile files, crafted for real: zip bombs, archives that lie about their sizes, nested and
macro-carrying workbooks, formulas, renamed files, foreign encodings."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from simis.uploads.layouts import Layout
from simis.uploads.tests.files import new_contributor, xlsx_bytes

ZEROS_MB = b"\x00" * (1024 * 1024)


def _workbook_parts(layout: Layout) -> dict[str, bytes]:
    """The parts of a genuine small workbook of ``layout``."""
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(layout, [new_contributor()]))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def workbook_with(
    layout: Layout, extra: dict[str, bytes], *, replace: dict[str, bytes] | None = None
) -> bytes:
    """A genuine workbook with parts added (or replaced)."""
    parts = {**_workbook_parts(layout), **(replace or {})}
    parts.update(extra)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def zip_bomb(layout: Layout, megabytes: int) -> bytes:
    """A workbook whose worksheet part unpacks to ``megabytes`` MB of zeros from a few hundred
    KB: written by streaming, so the test never holds the unpacked bytes."""
    parts = _workbook_parts(layout)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(name, content)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            for _ in range(megabytes):
                stream.write(ZEROS_MB)
    return buffer.getvalue()


def lying_archive(layout: Layout) -> bytes:
    """A workbook whose worksheet part declares 200 bytes but inflates to 20 MB: the directory
    lies, as in bombs made to slip past size checks."""
    parts = _workbook_parts(layout)
    real = b" " * (20 * 1024 * 1024)
    declared = 200
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = compressor.compress(real) + compressor.flush()
    crc = zlib.crc32(real[:declared])
    out = io.BytesIO()
    central = []
    entries = [(name, content) for name, content in parts.items() if name != "xl/worksheets/sheet1.xml"]
    entries.append(("xl/worksheets/sheet1.xml", b""))
    for name, content in entries:
        encoded = name.encode()
        if name == "xl/worksheets/sheet1.xml":
            body, size, entry_crc, method = data, declared, crc, zipfile.ZIP_DEFLATED
        else:
            body, size, entry_crc, method = content, len(content), zlib.crc32(content), zipfile.ZIP_STORED
        offset = out.tell()
        out.write(
            struct.pack(
                "<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0, entry_crc, len(body), size, len(encoded), 0
            )
        )
        out.write(encoded)
        out.write(body)
        central.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                method,
                0,
                0,
                entry_crc,
                len(body),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    for record in central:
        out.write(record)
    end = out.tell()
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), end - start, start, 0))
    return out.getvalue()


def encrypted_flag_archive(layout: Layout) -> bytes:
    """A workbook whose parts are marked encrypted (general-purpose flag bit 0)."""
    data = bytearray(xlsx_bytes(layout, [new_contributor()]))
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) >= 0:
        flags = struct.unpack_from("<H", data, position + 8)[0]
        struct.pack_into("<H", data, position + 8, flags | 0x1)
        position += 4
    return bytes(data)


def ole2_file(*, encrypted: bool) -> bytes:
    """The start of an OLE2 compound file: an old .xls, or an encrypted workbook (which Office
    stores as an OLE2 container holding an "EncryptedPackage" stream)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    body = ("EncryptedPackage" if encrypted else "Workbook").encode("utf-16-le")
    return header + body + b"\x00" * 1024
