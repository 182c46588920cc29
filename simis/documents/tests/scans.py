"""Real generated scans for the tests and the benchmark: cover sheets rendered by the app and
rasterised as a scanner would (PDFium at 200 dpi, grayscale), tilted, blurred and sprinkled
with sensor noise; signed letters (WeasyPrint, Arabic, with a pen scribble); a cover sheet
with its codes blotted by an ink stain; batches written as a scanner writes them (JPEG pages
in a PDF, or bilevel CCITT G4 pages in a TIFF).

Nothing here is a mock: each page goes through the same PDF renderer, rasteriser and barcode
reader as a real scan would."""

from __future__ import annotations

import io
import random
from functools import lru_cache
from typing import Any

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from simis.documents.cover_sheets import cover_sheet_pdf
from simis.documents.rules import MARKER

DPI = 200

LETTER = """<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 25mm 22mm; }}
body {{ font-family: "Noto Naskh Arabic", "Noto Sans Arabic", serif; font-size: 13pt; line-height: 1.8; }}
h1 {{ font-size: 16pt; text-align: center; }}
.sign {{ margin-top: 30mm; }}
</style></head><body>
<h1>{title}</h1>
<p>إلى المؤسسة العامة للتأمينات الاجتماعية،</p>
<p>{body}</p>
<p>وتفضلوا بقبول فائق الاحترام والتقدير.</p>
<p class="sign">الاسم: {signer}<br>التوقيع: ..............................<br>التاريخ: ١٥/٠٩/١٤٤٧هـ</p>
</body></html>"""

BODIES = (
    "نفيدكم بأن العامل المذكور أعلاه تعرض لإصابة أثناء العمل في موقع المشروع بتاريخ ٣/٩/١٤٤٧هـ، "
    "وقد نقل إلى المستشفى لتلقي العلاج، ونرفق لكم بلاغ الإصابة موقعًا ومختومًا.",
    "نقر نحن الموقعين أدناه بصحة البيانات الواردة في الطلب، ونلتزم بإبلاغ المؤسسة بأي تغيير يطرأ عليها "
    "خلال ثلاثين يومًا من حدوثه.",
    "يشهد صاحب العمل بأن الأجر الشهري للعامل يتكون من الأجر الأساسي وبدل السكن وبدل النقل، "
    "وأن هذه الشهادة أعطيت له بناءً على طلبه دون أدنى مسؤولية على المنشأة.",
)


def rasterise(pdf: bytes, dpi: int = DPI) -> list[Image.Image]:
    """Every page of ``pdf`` in grayscale at ``dpi``, as a flatbed scanner gives it."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [
            document[index].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            for index in range(len(document))
        ]
    finally:
        document.close()


def scanned(
    image: Image.Image, *, angle: float = 0.0, noise: float = 10.0, blur: float = 0.5, seed: int = 0
) -> Image.Image:
    """``image`` as it comes out of a scanner: slightly tilted, a little soft, noisy."""
    page = image.convert("L")
    if angle:
        page = page.rotate(angle, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=255)
    if blur:
        page = page.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        random.seed(seed)
        grain = Image.effect_noise(page.size, noise)
        page = ImageChops.add(page, grain, scale=1.0, offset=-128)
    page.info["dpi"] = (DPI, DPI)
    return page


@lru_cache(maxsize=8)
def _letter(index: int, signer: str) -> bytes:
    import weasyprint

    html = LETTER.format(title="خطاب", body=BODIES[index % len(BODIES)], signer=signer)
    return bytes(weasyprint.HTML(string=html).write_pdf())


def signed_page(index: int = 0, *, signer: str = "سارة العتيبي", seed: int = 0) -> Image.Image:
    """A signed Arabic letter, rasterised, with a pen scribble over the signature line."""
    page = rasterise(_letter(index, signer))[0]
    rng = random.Random(seed or index + 1)
    draw = ImageDraw.Draw(page)
    x, y = int(page.width * 0.55), int(page.height * 0.62)
    points = [(x + step * 22, y + rng.randint(-28, 28)) for step in range(14)]
    draw.line(points, fill=20, width=4, joint="curve")
    return page


def cover_page(folder: Any, document_type: Any, *, language: str = "ar") -> Image.Image:
    """The app's own cover sheet for ``folder`` and ``document_type``, rasterised."""
    return rasterise(cover_sheet_pdf(folder, document_type, language=language))[0]


def blot_codes(image: Image.Image, *, margin: int = 18) -> Image.Image:
    """The page with an ink stain over every barcode that carries a cover sheet code (the
    Code128 and the QR); the small corner markers are left as they were."""
    page = image.copy()
    draw = ImageDraw.Draw(page)
    found = [
        code for code in zxingcpp.read_barcodes(page) if code.text.startswith("SD1-") and code.text != MARKER
    ]
    if not found:
        raise AssertionError("no cover sheet code to blot on this page")
    for code in found:
        corners = [
            code.position.top_left,
            code.position.top_right,
            code.position.bottom_right,
            code.position.bottom_left,
        ]
        xs, ys = [point.x for point in corners], [point.y for point in corners]
        box = (min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin)
        draw.rectangle(box, fill=35)
    return page


def batch_pdf(pages: list[Image.Image], *, quality: int = 85) -> bytes:
    """A multi-page PDF of JPEG pages, the way an office scanner saves a batch."""
    buffer = io.BytesIO()
    first, rest = pages[0].convert("L"), [page.convert("L") for page in pages[1:]]
    first.save(buffer, "PDF", save_all=True, append_images=rest, resolution=float(DPI), quality=quality)
    return buffer.getvalue()


def batch_tiff(pages: list[Image.Image], *, threshold: int = 150) -> bytes:
    """A multi-page bilevel TIFF (CCITT G4), the way a document scanner saves black and white."""
    bilevel = [
        page.convert("L").point(lambda value: 255 if value > threshold else 0).convert("1") for page in pages
    ]
    buffer = io.BytesIO()
    bilevel[0].save(
        buffer, "TIFF", save_all=True, append_images=bilevel[1:], compression="group4", dpi=(DPI, DPI)
    )
    return buffer.getvalue()
