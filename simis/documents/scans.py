"""Scanned files: what kind they are, whether they are safe to open, their pages one at a time,
and PDFs made of some of their pages. No ORM.

A scan station sends a multi-page PDF, a multi-page TIFF, or a single PNG or JPEG page.
``batch_inspect`` refuses, with a coded error and before anything is stored, a file that is
empty, too large, of another type, encrypted, damaged, with too many pages or with a page that
would decode to more pixels than allowed (a "decompression bomb": a small file that unpacks to
gigabytes). Only the headers are read for that; a page whose image data turns out to be
damaged is found when the job reads it (DOC-009, nothing attached).

Pages are read for their barcodes in grayscale: PDF pages rasterised with PDFium at
``READ_DPI`` (as a scanner at 200 dpi would give them), image pages as they are (reduced by a
whole factor when very large, so a 600 dpi scan costs what a 300 dpi one does).

A document is stored as a PDF of its pages (``ScanSource.pdf_of``): from a PDF batch its pages
are copied as they are (no re-encoding); from images, bilevel pages are written with CCITT G4
(lossless) and grayscale or colour pages as JPEG at quality 90. One file per version opens in
any viewer, keeps its pages in order and has one SHA-256; the untouched batch file is kept
beside it.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageFile, ImageOps

from simis.core.errors import SimisError
from simis.documents.choices import BatchFormat
from simis.documents.errors import DocumentError

READ_DPI = 200
# Image pages longer than this (pixels) are reduced by a whole factor before their codes are
# read: an A4 page at 300 dpi is 3,508 pixels long.
READ_MAX_SIDE = 3600
JPEG_QUALITY = 90
DEFAULT_IMAGE_DPI = 200

_PDF_MAGIC = b"%PDF-"
_MAGIC: tuple[tuple[bytes, BatchFormat], ...] = (
    (b"\x89PNG\r\n\x1a\n", BatchFormat.PNG),
    (b"\xff\xd8\xff", BatchFormat.JPEG),
    (b"II*\x00", BatchFormat.TIFF),
    (b"MM\x00*", BatchFormat.TIFF),
    (b"II+\x00", BatchFormat.TIFF),
    (b"MM\x00+", BatchFormat.TIFF),
)
_PIL_FORMAT = {BatchFormat.PNG: "PNG", BatchFormat.JPEG: "JPEG", BatchFormat.TIFF: "TIFF"}
_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 100 * 1024 * 1024
    max_pages: int = 500
    # Pillow's own guard against decompression bombs (about 89 million pixels by default).
    max_page_pixels: int = Image.MAX_IMAGE_PIXELS or 89_478_485


@dataclass(frozen=True)
class BatchInfo:
    file_format: BatchFormat
    page_count: int


def batch_format(data: bytes) -> BatchFormat:
    """The file's type from its first bytes (never from its name)."""
    if not data:
        raise SimisError(DocumentError.EMPTY_FILE)
    # PDF readers accept a header anywhere in the first kilobyte.
    if _PDF_MAGIC in data[:1024]:
        return BatchFormat.PDF
    for magic, found in _MAGIC:
        if data.startswith(magic):
            return found
    raise SimisError(DocumentError.UNKNOWN_FORMAT)


@contextmanager
def bombs_refused() -> Iterator[None]:
    """Strict decoding: Pillow's decompression-bomb warning (over ``Image.MAX_IMAGE_PIXELS``)
    becomes an error, and a truncated image is an error rather than a page padded with grey.
    (WeasyPrint, once imported, sets ``ImageFile.LOAD_TRUNCATED_IMAGES`` for the whole process;
    it is switched off here for as long as a scan is decoded.)"""
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _bomb(error: Exception, page: int, limits: Limits) -> SimisError:
    found = _BOMB_PIXELS.search(str(error))
    return SimisError(
        DocumentError.PAGE_TOO_LARGE,
        page=page,
        pixels=found.group(1) if found else "?",
        limit=min(limits.max_page_pixels, Image.MAX_IMAGE_PIXELS or limits.max_page_pixels),
    )


def _pdf_open(data: bytes) -> Any:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise SimisError(DocumentError.ENCRYPTED_PDF) from None
        raise SimisError(DocumentError.DAMAGED_FILE, detail=str(error)[:200]) from None


def _pdf_pixels(width_pt: float, height_pt: float, dpi: int = READ_DPI) -> int:
    return math.ceil(width_pt * dpi / 72) * math.ceil(height_pt * dpi / 72)


def _pdf_largest_image(pdf: Any, index: int) -> int:
    """The pixel count of the largest image on a PDF page (an image is decoded whole, however
    small the page it is drawn on: a bomb can hide in a small page)."""
    import pypdfium2.raw as pdfium_c

    try:
        page = pdf[index]
    except Exception as error:
        raise SimisError(DocumentError.DAMAGED_FILE, detail=str(error)[:200]) from None
    try:
        largest = 0
        for found in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
            width, height = found.get_px_size()
            largest = max(largest, width * height)
        return largest
    finally:
        page.close()


def batch_inspect(data: bytes, limits: Limits) -> BatchInfo:
    """The file's type and page count, or the coded reason it is refused (see the module
    docstring). Reads headers only."""
    if len(data) > limits.max_bytes:
        raise SimisError(DocumentError.FILE_TOO_LARGE, size=len(data), limit=limits.max_bytes)
    found = batch_format(data)
    if found == BatchFormat.PDF:
        pdf = _pdf_open(data)
        try:
            count = len(pdf)
            if count == 0:
                raise SimisError(DocumentError.NO_PAGES)
            if count > limits.max_pages:
                raise SimisError(DocumentError.TOO_MANY_PAGES, limit=limits.max_pages)
            for index in range(count):
                try:
                    width, height = pdf.get_page_size(index)
                except Exception as error:
                    raise SimisError(DocumentError.DAMAGED_FILE, detail=str(error)[:200]) from None
                pixels = max(_pdf_pixels(width, height), _pdf_largest_image(pdf, index))
                if pixels > limits.max_page_pixels:
                    raise SimisError(
                        DocumentError.PAGE_TOO_LARGE,
                        page=index + 1,
                        pixels=pixels,
                        limit=limits.max_page_pixels,
                    )
            return BatchInfo(found, count)
        finally:
            pdf.close()
    count = 0
    with bombs_refused():
        try:
            image = Image.open(io.BytesIO(data), formats=[_PIL_FORMAT[found]])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _bomb(error, 1, limits) from None
        except Exception as error:
            raise SimisError(DocumentError.DAMAGED_FILE, detail=str(error)[:200]) from None
        with image:
            while True:
                width, height = image.size
                if width * height > limits.max_page_pixels:
                    raise SimisError(
                        DocumentError.PAGE_TOO_LARGE,
                        page=count + 1,
                        pixels=width * height,
                        limit=limits.max_page_pixels,
                    )
                count += 1
                if found != BatchFormat.TIFF:
                    break
                if count > limits.max_pages:
                    raise SimisError(DocumentError.TOO_MANY_PAGES, limit=limits.max_pages)
                try:
                    image.seek(count)
                except EOFError:
                    break
                except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
                    raise _bomb(error, count + 1, limits) from None
                except Exception as error:
                    raise SimisError(DocumentError.DAMAGED_FILE, detail=str(error)[:200]) from None
    return BatchInfo(found, count)


def _for_reading(image: Image.Image) -> Image.Image:
    gray = image.convert("L") if image.mode != "L" else image.copy()
    longest = max(gray.size)
    if longest > READ_MAX_SIDE:
        gray = gray.reduce(math.ceil(longest / READ_MAX_SIDE))
    return gray


def _for_pdf(image: Image.Image) -> Image.Image:
    """A page image in a mode Pillow's PDF writer stores well: bilevel (CCITT G4), grayscale or
    colour (JPEG)."""
    if image.mode in ("1", "L", "RGB"):
        return image.copy()
    if image.mode in ("LA", "I;16", "I;16B", "I;16L", "I", "F"):
        return image.convert("L")
    if image.mode == "P" and "transparency" not in image.info:
        return image.convert("RGB")
    # Transparent pages are laid on white paper.
    rgba = image.convert("RGBA")
    paper = Image.new("RGB", rgba.size, "white")
    paper.paste(rgba, mask=rgba.getchannel("A"))
    return paper


class ScanSource:
    """The pages of an inspected batch file, opened once, read one at a time."""

    def __init__(self, data: bytes, file_format: BatchFormat | str) -> None:
        self.data = data
        self.file_format = BatchFormat(file_format)
        self._pdf: Any = None
        self._image: Image.Image | None = None
        if self.file_format == BatchFormat.PDF:
            self._pdf = _pdf_open(data)
            self.page_count = len(self._pdf)
        else:
            with bombs_refused():
                self._image = Image.open(io.BytesIO(data), formats=[_PIL_FORMAT[self.file_format]])
            self.page_count = (
                getattr(self._image, "n_frames", 1) if self.file_format == BatchFormat.TIFF else 1
            )

    def __enter__(self) -> ScanSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None
        if self._image is not None:
            self._image.close()
            self._image = None

    def _frame(self, index: int) -> Image.Image:
        """Image page ``index`` (0-based), decoded; DOC-009 when its data cannot be decoded."""
        assert self._image is not None
        try:
            with bombs_refused():
                self._image.seek(index)
                self._image.load()
                frame = (
                    ImageOps.exif_transpose(self._image)
                    if self.file_format == BatchFormat.JPEG
                    else self._image
                )
                return frame.copy() if frame is self._image else frame
        except Exception as error:
            raise SimisError(DocumentError.PAGE_UNREADABLE, page=index + 1, detail=str(error)[:200]) from None

    def reading_image(self, index: int) -> Image.Image:
        """Page ``index`` (0-based) in grayscale, for barcode reading."""
        if self._pdf is not None:
            try:
                page = self._pdf[index]
                try:
                    scan = _sole_image(page)
                    if scan is not None:
                        return scan
                    image = page.render(scale=READ_DPI / 72, grayscale=True).to_pil()
                finally:
                    page.close()
            except Exception as error:
                raise SimisError(
                    DocumentError.PAGE_UNREADABLE, page=index + 1, detail=str(error)[:200]
                ) from None
            return image if image.mode == "L" else image.convert("L")
        return _for_reading(self._frame(index))

    def pdf_of(self, indexes: Sequence[int]) -> bytes:
        """A PDF of these pages (0-based, in this order)."""
        if self._pdf is not None:
            return pdf_pages_copy(self._pdf, indexes)
        frames = [_for_pdf(self._frame(index)) for index in indexes]
        return pdf_from_images(frames)


def _sole_image(page: Any) -> Image.Image | None:
    """The scanned image itself when a PDF page is nothing but one image drawn upright or
    turned (what a scanner writes), decoded without rendering the page — about five times
    faster than rasterising it; None for any other page (text, drawings, several images, a
    mirrored image), which is rendered instead."""
    import pypdfium2.raw as pdfium_c

    objects = list(page.get_objects(max_depth=1))
    if len(objects) != 1 or objects[0].type != pdfium_c.FPDF_PAGEOBJ_IMAGE:
        return None
    matrix = objects[0].get_matrix()
    if matrix.a * matrix.d - matrix.b * matrix.c <= 0:
        return None
    try:
        image = objects[0].get_bitmap(render=False).to_pil()
    except Exception:
        return None
    return _for_reading(image)


def pdf_pages_copy(source: Any, indexes: Sequence[int] | None = None) -> bytes:
    """A new PDF holding these pages of ``source`` (a PDFium document), copied as they are.
    Only pages are copied: a source's document-level scripts, attachments and forms are not."""
    import pypdfium2 as pdfium

    target = pdfium.PdfDocument.new()
    try:
        target.import_pages(source, pages=list(indexes) if indexes is not None else None)
        buffer = io.BytesIO()
        target.save(buffer)
        return buffer.getvalue()
    finally:
        target.close()


def pdf_from_images(frames: Sequence[Image.Image]) -> bytes:
    """A PDF with one page per image, at the first image's resolution (200 dpi when unknown)."""
    dpi = frames[0].info.get("dpi", (DEFAULT_IMAGE_DPI, DEFAULT_IMAGE_DPI))[0] or DEFAULT_IMAGE_DPI
    # Pillow hands these options to each page's encoder too: its G4 encoder for bilevel pages
    # refuses a JPEG quality, so a batch with bilevel pages keeps JPEG's default for the others.
    options: dict[str, Any] = {} if any(frame.mode == "1" for frame in frames) else {"quality": JPEG_QUALITY}
    buffer = io.BytesIO()
    frames[0].save(
        buffer, "PDF", save_all=True, append_images=list(frames[1:]), resolution=float(dpi), **options
    )
    return buffer.getvalue()


def pdf_page_count(data: bytes) -> int:
    pdf = _pdf_open(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


def pdf_select(data: bytes, indexes: Sequence[int]) -> bytes:
    """A PDF of these pages (0-based) of the PDF ``data``."""
    pdf = _pdf_open(data)
    try:
        return pdf_pages_copy(pdf, indexes)
    finally:
        pdf.close()


def pdf_page_jpeg(data: bytes, index: int, *, width: int = 1000) -> bytes:
    """Page ``index`` (0-based) of the PDF ``data`` as a JPEG about ``width`` pixels wide (never
    more than 200 dpi), for the page viewer (a scanned page is a photograph: as JPEG it is a
    few times smaller than as PNG)."""
    pdf = _pdf_open(data)
    try:
        page = pdf[index]
        try:
            page_width, _height = page.get_size()
            scale = min(width / max(page_width, 1.0), READ_DPI / 72)
            image = page.render(scale=scale).to_pil().convert("RGB")
        finally:
            page.close()
    finally:
        pdf.close()
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    return buffer.getvalue()
