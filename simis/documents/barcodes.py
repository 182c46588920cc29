"""Barcodes: drawn for cover sheets (Code128 with python-barcode, QR with segno, both as SVG)
and read from scanned pages (zxing-cpp). No ORM."""

from __future__ import annotations

import io
from typing import Any

import zxingcpp

# A cover sheet carries Code128 and QR codes only; looking for nothing else is about 2.5 times
# faster than trying every symbology zxing-cpp knows, and ignores barcodes printed on the
# papers themselves (identity cards, invoices).
# (A tuple, as zxing-cpp 3 asks: combining formats with ``|`` is deprecated; its stubs lag.)
READ_FORMATS: Any = (zxingcpp.BarcodeFormat.Code128, zxingcpp.BarcodeFormat.QRCode)


def page_codes(image: Any) -> list[str]:
    """The texts of the Code128 and QR codes found on a page image (PIL, any rotation)."""
    # Cover sheets are printed dark on light: looking for inverted codes too costs 10% for nothing.
    return [found.text for found in zxingcpp.read_barcodes(image, formats=READ_FORMATS, try_invert=False)]


def _svg_element(document: str) -> str:
    """An SVG document without its XML declaration and doctype, to sit inside HTML."""
    start = document.find("<svg")
    return document[start:] if start >= 0 else document


# Bars 0.4 mm wide are 3.1 pixels at 200 dpi: at 0.33 mm (2.6 pixels) a scan at exactly 200 dpi
# misread one bar in tests (Code128's own checksum caught it, but nothing was read).
MODULE_MM = 0.4
# The widest a Code128 may be on the sheet, quiet zones apart (A4 less the margins).
CODE128_MAX_MM = 160.0


def code128_svg(text: str, *, height_mm: float = 16.0) -> str:
    """A Code128 barcode of ``text`` as an inline SVG element (no human-readable line: the
    cover sheet prints the code itself, larger, under it). Bars are ``MODULE_MM`` wide unless
    the code would be wider than ``CODE128_MAX_MM``."""
    import barcode
    from barcode.writer import SVGWriter

    symbol = barcode.get("code128", text, writer=SVGWriter())
    modules = len(symbol.build()[0])
    module_mm = min(MODULE_MM, CODE128_MAX_MM / modules)
    buffer = io.BytesIO()
    symbol.write(
        buffer,
        options={
            "module_width": module_mm,
            "module_height": height_mm,
            "quiet_zone": 6.5,
            "write_text": False,
            "background": "white",
            "foreground": "black",
        },
    )
    # WeasyPrint reads presentation attributes, not ``style`` declarations, on SVG shapes.
    svg = buffer.getvalue().decode("utf-8").replace('style="fill:black;"', 'fill="black"')
    return _svg_element(svg.replace('style="fill:white"', 'fill="white"'))


def qr_svg(text: str, *, border: int = 4) -> str:
    """A QR code of ``text`` (error correction level M) as an inline SVG element with a
    ``viewBox`` and no size: the page's CSS gives it one."""
    import segno

    code = segno.make(text, error="m", micro=False)
    return _svg_element(code.svg_inline(scale=1, border=border, dark="black", light="white", omitsize=True))
