"""Hostile and malformed files a scan station (or someone pretending to be one) might send,
built byte by byte: an encrypted PDF, a PNG whose header promises ten billion pixels, a PDF
page two hundred inches wide, and plain things that are not scans at all."""

from __future__ import annotations

import io
import struct
import zlib

import pypdfium2 as pdfium


def _pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """A PDF of these numbered objects (1 is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    identifier = b"<0123456789abcdef0123456789abcdef>"
    out += b"trailer\n<< /Size %d /Root 1 0 R %s /ID [%s %s] >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer_extra,
        identifier,
        identifier,
        xref,
    )
    return bytes(out)


_PAGES = [
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
]


def encrypted_pdf() -> bytes:
    """A one-page PDF behind the standard security handler, whose user password is not empty
    (its /U entry matches no empty password)."""
    security = b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>"
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", *_PAGES, security], b"/Encrypt 4 0 R")


def scripted_pdf() -> bytes:
    """A one-page PDF that runs JavaScript when opened and carries an embedded file."""
    catalog = (
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert('hello')) >>"
        b" /Names << /EmbeddedFiles << /Names [(payload.exe) 4 0 R] >> >> >>"
    )
    attachment = b"<< /Type /Filespec /F (payload.exe) >>"
    return _pdf([catalog, *_PAGES, attachment])


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG of a few dozen bytes whose header says ``width`` × ``height`` pixels (bilevel): a
    decoder that trusted it would allocate gigabytes."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def pdf_of_blank_pages(count: int, *, width: float = 595.0, height: float = 842.0) -> bytes:
    document = pdfium.PdfDocument.new()
    for _ in range(count):
        document.new_page(width, height)
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    return buffer.getvalue()


NOT_SCANS = {
    "zip": b"PK\x03\x04" + b"\x00" * 60,
    "html": b"<!doctype html><html><body>scan</body></html>",
    "windows program": b"MZ\x90\x00" + b"\x00" * 60,
    "csv": "الاسم,الهوية\nسارة,1000000008\n".encode(),
    "gif": b"GIF89a" + b"\x00" * 30,
}


def pdf_hiding_a_bomb() -> bytes:
    """An ordinary A4 page that draws one image whose header says 100,000 × 100,000 pixels."""
    content = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
    packed = zlib.compress(b"\x00" * 1024)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 5 0 R >> >>"
        b" /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width 100000 /Height 100000 /ColorSpace /DeviceGray"
        b" /BitsPerComponent 1 /Filter /FlateDecode /Length %d >>\nstream\n"
        % len(packed)
        + packed
        + b"\nendstream",
    ]
    return _pdf(objects)
