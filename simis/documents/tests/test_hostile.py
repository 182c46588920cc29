"""Hostile input at the scan station: every file that is not a safe scan is refused with a
coded, bilingual error; nothing is stored (no record, no file in the store), no job is
queued, and the refusal is audited."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from procrastinate.contrib.django.models import ProcrastinateJob

from simis.audit.public import AuditEntry
from simis.core.errors import SimisError
from simis.documents.models import DocumentFile, ScanBatch
from simis.documents.scans import Limits, batch_inspect
from simis.documents.services import scan_batch_receive
from simis.documents.tests.hostile import (
    NOT_SCANS,
    encrypted_pdf,
    pdf_hiding_a_bomb,
    pdf_of_blank_pages,
    png_bomb,
)

pytestmark = pytest.mark.django_db


def refused(data: bytes, actor: Any, name: str = "scan.pdf", **kwargs: Any) -> SimisError:
    jobs = ProcrastinateJob.objects.filter(task_name="documents.scan_batch_process").count()
    with pytest.raises(SimisError) as caught:
        scan_batch_receive(SimpleUploadedFile(name, data), actor=actor, **kwargs)
    assert not ScanBatch.objects.exists() and not DocumentFile.objects.exists()
    assert ProcrastinateJob.objects.filter(task_name="documents.scan_batch_process").count() == jobs
    return caught.value


def assert_store_empty(store: Path) -> None:
    assert [path for path in store.rglob("*") if path.is_file()] == []


@pytest.mark.parametrize("kind", sorted(NOT_SCANS))
def test_what_is_not_a_scan_is_refused(kind: str, khalid: Any, document_store: Path) -> None:
    error = refused(NOT_SCANS[kind], khalid, name="scan.pdf")
    assert error.code == "DOC-003"
    assert_store_empty(document_store)
    entry = AuditEntry.objects.get(action="documents.batch_refused")
    assert (entry.outcome, entry.extra["code"], entry.extra["file_name"]) == (
        "refused",
        "DOC-003",
        "scan.pdf",
    )


def test_the_refusal_speaks_both_languages(khalid: Any) -> None:
    error = refused(b"", khalid)
    assert error.code == "DOC-001"
    texts = error.as_dict()
    assert texts["message_en"] == "The file is empty."
    assert texts["message_ar"] == "الملف فارغ."


def test_an_encrypted_pdf_is_refused(khalid: Any, document_store: Path) -> None:
    assert refused(encrypted_pdf(), khalid).code == "DOC-007"
    assert_store_empty(document_store)


def test_a_damaged_pdf_is_refused(khalid: Any) -> None:
    assert refused(b"%PDF-1.7\n1 0 obj << /Type /Catalog", khalid).code == "DOC-006"


def test_a_pdf_without_pages_is_refused(khalid: Any) -> None:
    # PDFium will not even load a PDF whose page tree is empty: it is damaged, not just short.
    assert refused(pdf_of_blank_pages(0), khalid).code == "DOC-006"


def test_a_decompression_bomb_is_refused_before_it_is_decoded(khalid: Any, document_store: Path) -> None:
    bomb = png_bomb()
    assert len(bomb) < 200
    error = refused(bomb, khalid, name="page.png")
    assert (error.code, error.params["pixels"]) == ("DOC-005", "10000000000")
    assert_store_empty(document_store)


def test_a_bomb_hidden_in_a_small_pdf_page_is_refused(khalid: Any) -> None:
    error = refused(pdf_hiding_a_bomb(), khalid)
    assert (error.code, error.params["pixels"]) == ("DOC-005", 10**10)


def test_a_page_larger_than_the_limit_is_refused(khalid: Any, settings: Any) -> None:
    # A PDF page 200 inches square would rasterise to 1.6 billion pixels at 200 dpi.
    assert refused(pdf_of_blank_pages(1, width=14_400, height=14_400), khalid).code == "DOC-005"
    # The limit is a setting: an ordinary A4 page at 300 dpi is refused under a small one.
    settings.SIMIS_DOCUMENTS_MAX_PAGE_PIXELS = 1_000_000
    buffer = io.BytesIO()
    Image.new("L", (2480, 3508), 255).save(buffer, "PNG")
    error = refused(buffer.getvalue(), khalid, name="page.png")
    assert (error.code, error.params["pixels"], error.params["limit"]) == ("DOC-005", 2480 * 3508, 1_000_000)


def test_too_many_pages_are_refused(khalid: Any, settings: Any) -> None:
    settings.SIMIS_DOCUMENTS_MAX_PAGES = 3
    assert refused(pdf_of_blank_pages(4), khalid).code == "DOC-004"
    frames = [Image.new("1", (200, 300), 1) for _ in range(5)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:], compression="group4")
    assert refused(buffer.getvalue(), khalid, name="scan.tif").code == "DOC-004"


def test_a_file_too_large_is_refused_before_it_is_read(khalid: Any, settings: Any) -> None:
    settings.SIMIS_DOCUMENTS_MAX_BYTES = 1000
    error = refused(pdf_of_blank_pages(30), khalid)
    assert error.code == "DOC-002"


def test_only_staff_may_send_scans(nour_officer: Any) -> None:
    assert refused(pdf_of_blank_pages(1), nour_officer).code == "DOC-503"


def test_a_malformed_office_code_is_refused(khalid: Any) -> None:
    assert refused(pdf_of_blank_pages(1), khalid, office_code="riyadh office").code == "DOC-502"


def test_inspection_reads_headers_only_and_counts_pages() -> None:
    info = batch_inspect(pdf_of_blank_pages(3), Limits())
    assert (info.file_format, info.page_count) == ("pdf", 3)
    frames = [Image.new("L", (100, 140), 255) for _ in range(4)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:])
    assert batch_inspect(buffer.getvalue(), Limits()).page_count == 4
