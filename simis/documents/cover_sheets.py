"""Printable cover sheets: an A4 PDF per folder and document type (WeasyPrint), carrying the
same code as a Code128 and a QR code, the code in plain text for manual indexing, and two small
QR markers (``SD1-COVER``) so a sheet whose codes are damaged is still seen as a cover sheet.

Fonts are the system's (Debian ``fonts-noto-core``: Noto Naskh Arabic, Noto Sans Arabic); the
renderer may fetch nothing but ``data:`` URLs, so a sheet never reaches the network."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import timezone, translation

from simis.core.dates import format_gregorian, format_hijri
from simis.core.errors import SimisError
from simis.documents.barcodes import code128_svg, qr_svg
from simis.documents.errors import DocumentError
from simis.documents.owners import folder_owner
from simis.documents.rules import MARKER, cover_code

if TYPE_CHECKING:
    from simis.documents.models import DocumentFolder, DocumentType

STYLESHEET = Path(__file__).resolve().parent / "cover_sheet.css"
LANGUAGES = ("ar", "en")


def cover_sheet_html(
    folder: DocumentFolder, document_type: DocumentType, *, language: str, today: date | None = None
) -> str:
    """The cover sheet as HTML (what ``cover_sheet_pdf`` prints)."""
    if language not in LANGUAGES:
        raise SimisError(DocumentError.UNKNOWN_LANGUAGE, value=str(language)[:20])
    code = cover_code(folder.pk, document_type.code)
    owner = folder_owner(folder.owner_kind)
    day = today or timezone.localdate()
    with translation.override(language):
        return render_to_string(
            "documents/cover_sheet.html",
            {
                "language": language,
                "direction": "rtl" if language == "ar" else "ltr",
                "folder": folder,
                "owner_label": owner.label if owner is not None else folder.owner_kind,
                "document_type": document_type,
                "code": code,
                "code128": code128_svg(code),
                "qr": qr_svg(code),
                "marker": qr_svg(MARKER, border=2),
                "printed_hijri": format_hijri(day),
                "printed_gregorian": format_gregorian(day),
            },
        )


def cover_sheet_pdf(
    folder: DocumentFolder, document_type: DocumentType, *, language: str = "ar", today: date | None = None
) -> bytes:
    """An A4 cover sheet for papers of ``document_type`` going into ``folder``, in Arabic
    (right to left) or English; both names of the document type are always shown."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    html = cover_sheet_html(folder, document_type, language=language, today=today)
    fetcher = URLFetcher(allowed_protocols=("data",))
    pdf: bytes = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(
        stylesheets=[weasyprint.CSS(string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=fetcher)]
    )
    return pdf
