"""The compliance certificate as a printable A4 PDF (WeasyPrint), in Arabic or English, with a QR
code of its verification address. System fonts only; the renderer fetches nothing but
``data:`` URLs, so printing never reaches the network."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from simis.contributions.models import ComplianceCertificate
from simis.core.dates import format_gregorian, format_hijri
from simis.documents.public import qr_svg

STYLESHEET = """
@page { size: A4; margin: 20mm 18mm; }
html { font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "DejaVu Sans", sans-serif; font-size: 12pt; }
h1 { font-size: 20pt; margin: 0 0 4mm; }
.kicker { color: #555; margin: 0 0 10mm; }
dl { display: grid; grid-template-columns: 45mm 1fr; gap: 3mm 6mm; }
dt { color: #555; }
dd { margin: 0; font-weight: bold; }
.qr { width: 40mm; height: 40mm; margin-top: 10mm; }
.qr svg { width: 40mm; height: 40mm; }
.note { margin-top: 8mm; color: #333; font-size: 10pt; }
.url { direction: ltr; unicode-bidi: embed; font-size: 8pt; word-break: break-all; }
"""


def certificate_html(certificate: ComplianceCertificate, *, language: str, verify_url: str) -> str:
    language = "en" if language.startswith("en") else "ar"
    with translation.override(language):
        return render_to_string(
            "contributions/certificate_pdf.html",
            {
                "language": language,
                "direction": "rtl" if language == "ar" else "ltr",
                "certificate": certificate,
                "establishment": certificate.establishment,
                "issued_hijri": format_hijri(certificate.issued_on),
                "issued_gregorian": format_gregorian(certificate.issued_on),
                "until_hijri": format_hijri(certificate.valid_until),
                "until_gregorian": format_gregorian(certificate.valid_until),
                "qr": qr_svg(verify_url),
                "verify_url": verify_url,
            },
        )


def certificate_pdf(certificate: ComplianceCertificate, *, language: str, verify_url: str) -> bytes:
    import weasyprint
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",))
    html = certificate_html(certificate, language=language, verify_url=verify_url)
    pdf: bytes = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(
        stylesheets=[weasyprint.CSS(string=STYLESHEET, url_fetcher=fetcher)]
    )
    return pdf
