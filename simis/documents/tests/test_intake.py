"""Scan intake end to end with real generated scans: the app's cover sheet is rendered,
rasterised as a scanner would, tilted and made noisy; signed Arabic letters follow it; a second
cover sheet has its codes blotted by an ink stain. The batch goes through intake and the job,
and the tests look at where every page went — and at the bytes that were stored."""

from __future__ import annotations

import hashlib
from typing import Any

import pypdfium2 as pdfium
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ImageChops

from simis.audit.public import AuditEntry
from simis.core.errors import SimisError
from simis.documents.choices import BatchStatus, DocumentSource, Indexing, IndexingReason, IndexingStatus
from simis.documents.models import (
    Document,
    DocumentFile,
    DocumentFolder,
    DocumentType,
    IndexingItem,
    ScanBatch,
)
from simis.documents.rules import cover_code
from simis.documents.services import (
    indexing_item_attach,
    indexing_item_discard,
    scan_batch_process,
    scan_batch_receive,
)
from simis.documents.tests.conftest import Cases
from simis.documents.tests.scans import (
    batch_pdf,
    batch_tiff,
    blot_codes,
    cover_page,
    rasterise,
    scanned,
    signed_page,
)

pytestmark = pytest.mark.django_db


def intake(data: bytes, actor: Any, name: str = "scan.pdf", office: str = "RUH") -> ScanBatch:
    batch = scan_batch_receive(SimpleUploadedFile(name, data), actor=actor, office_code=office)
    return scan_batch_process(batch_id=batch.pk)


def stored_bytes(file: DocumentFile) -> bytes:
    with default_storage.open(file.storage_name, "rb") as handle:
        data: bytes = handle.read()
    return data


def pdf_pages(data: bytes) -> list[Any]:
    return rasterise(data)


def test_a_signed_document_lands_on_its_case_and_a_blotted_cover_in_the_queue(
    khalid: Any, cases: Cases, types: None, django_capture_on_commit_callbacks: Any
) -> None:
    sara = cases.folder("CASE-1001", "إصابة عمل — سارة")
    ravi = cases.folder("CASE-1002", "Work injury — Ravi")
    report = DocumentType.objects.get(code="WORK_INJURY_REPORT")
    medical = DocumentType.objects.get(code="MEDICAL_REPORT")
    pages = [
        scanned(cover_page(sara, report), angle=1.2, seed=1),
        scanned(signed_page(0), angle=-0.8, seed=2),
        scanned(signed_page(1), angle=0.5, seed=3),
        scanned(blot_codes(cover_page(ravi, medical)), angle=-1.0, seed=4),
        scanned(signed_page(2), seed=5),
    ]
    data = batch_pdf(pages)

    with django_capture_on_commit_callbacks(execute=True):
        batch = intake(data, khalid)

    assert batch.status == BatchStatus.DONE
    assert (batch.page_count, batch.documents_attached, batch.pages_attached, batch.pages_queued) == (
        5,
        1,
        2,
        2,
    )
    # The batch file itself is kept, with the SHA-256 of what the scanner sent.
    assert (
        batch.file.sha256
        == hashlib.sha256(data).hexdigest()
        == hashlib.sha256(stored_bytes(batch.file)).hexdigest()
    )

    document = Document.objects.get(folder=sara)
    assert (document.document_type.code, document.version, document.page_count) == (
        "WORK_INJURY_REPORT",
        1,
        2,
    )
    assert (document.source, document.indexing, document.batch_pages) == (
        DocumentSource.SCAN,
        Indexing.AUTOMATIC,
        [2, 3],
    )
    assert (document.created_by, document.office_code) == (khalid, "RUH")
    stored = stored_bytes(document.file)
    assert hashlib.sha256(stored).hexdigest() == document.file.sha256
    assert document.file.size == len(stored) and document.file.content_type == "application/pdf"
    # The stored PDF is the scanner's pages 2 and 3, copied as they were: pixel for pixel.
    batch_images, document_images = pdf_pages(data), pdf_pages(stored)
    assert len(document_images) == 2
    for mine, original in zip(document_images, batch_images[1:3], strict=True):
        assert ImageChops.difference(mine, original).getbbox() is None
    assert not Document.objects.filter(folder=ravi).exists()
    # The owner app heard of the new document once, after the commit.
    assert [attached.pk for attached in cases.attached] == [document.pk]

    item = IndexingItem.objects.get(batch=batch)
    assert (item.reason, item.status, item.batch_pages, item.first_page_is_cover) == (
        IndexingReason.COVER_UNREADABLE,
        IndexingStatus.OPEN,
        [4, 5],
        True,
    )
    assert item.read_codes == ["SD1-COVER"]
    assert hashlib.sha256(stored_bytes(item.file)).hexdigest() == item.file.sha256

    actions = list(
        AuditEntry.objects.filter(subject_type__startswith="documents.").values_list("action", flat=True)
    )
    assert {"documents.batch_received", "documents.document_attached", "documents.batch_read"} <= set(actions)

    # The indexing clerk reads the code printed under the ruined barcode, mistypes it once...
    code = cover_code(ravi.pk, "MEDICAL_REPORT")
    typo = code[:4] + ("9" if code[4] != "9" else "8") + code[5:]
    with pytest.raises(SimisError) as refused:
        indexing_item_attach(item=item, code=typo, actor=khalid)
    assert refused.value.code in ("DOC-102", "DOC-103")
    assert AuditEntry.objects.filter(action="documents.indexing_refused", outcome="refused").exists()
    assert IndexingItem.objects.get(pk=item.pk).status == IndexingStatus.OPEN

    # ...then types it right: the page behind the cover sheet goes to Ravi's folder.
    with django_capture_on_commit_callbacks(execute=True):
        indexed = indexing_item_attach(item=item, code=code.lower(), actor=khalid)
    assert (indexed.folder, indexed.version, indexed.page_count, indexed.batch_pages) == (ravi, 1, 1, [5])
    assert indexed.indexing == Indexing.MANUAL
    only_page = pdf_pages(stored_bytes(indexed.file))
    assert len(only_page) == 1 and ImageChops.difference(only_page[0], batch_images[4]).getbbox() is None
    item.refresh_from_db()
    assert (item.status, item.document, item.resolved_by) == (IndexingStatus.ATTACHED, indexed, khalid)
    assert cases.attached[-1].pk == indexed.pk
    assert AuditEntry.objects.filter(action="documents.document_indexed", subject_id=str(indexed.pk)).exists()
    with pytest.raises(SimisError) as again:
        indexing_item_attach(item=item, code=code, actor=khalid)
    assert again.value.code == "DOC-401"


def test_a_second_scan_of_the_same_paper_is_version_2_and_version_1_stays(
    khalid: Any, cases: Cases, types: None
) -> None:
    folder = cases.folder("CASE-2001")
    national_id = DocumentType.objects.get(code="NATIONAL_ID")
    first = intake(
        batch_pdf([scanned(cover_page(folder, national_id), seed=1), scanned(signed_page(0), seed=2)]), khalid
    )
    version_1 = Document.objects.get(folder=folder)
    sha_1 = version_1.file.sha256
    second = intake(
        batch_pdf([scanned(cover_page(folder, national_id), seed=3), scanned(signed_page(1), seed=4)]), khalid
    )
    assert (first.documents_attached, second.documents_attached) == (1, 1)
    versions = list(Document.objects.filter(folder=folder).order_by("version"))
    assert [document.version for document in versions] == [1, 2]
    assert versions[0].pk == version_1.pk and versions[0].file.sha256 == sha_1
    assert hashlib.sha256(stored_bytes(versions[0].file)).hexdigest() == sha_1
    assert versions[1].file.sha256 != sha_1


def test_several_documents_in_one_bilevel_tiff(khalid: Any, cases: Cases, types: None) -> None:
    first, second = cases.folder("CASE-3001"), cases.folder("CASE-3002")
    wage = DocumentType.objects.get(code="WAGE_CERTIFICATE")
    contract = DocumentType.objects.get(code="EMPLOYMENT_CONTRACT")
    data = batch_tiff(
        [
            scanned(cover_page(first, wage, language="en"), angle=0.7, seed=1),
            scanned(signed_page(2), seed=2),
            scanned(cover_page(second, contract), angle=-0.6, seed=3).rotate(180),  # fed upside down
            scanned(signed_page(0), seed=4),
            scanned(signed_page(1), seed=5),
        ]
    )
    batch = intake(data, khalid, name="station-7.tif")
    assert (batch.file_format, batch.documents_attached, batch.pages_queued) == ("tiff", 2, 0)
    assert Document.objects.get(folder=first).batch_pages == [2]
    assert Document.objects.get(folder=second).batch_pages == [4, 5]
    assert len(pdf_pages(stored_bytes(Document.objects.get(folder=second).file))) == 2


def test_a_pdf_made_on_a_computer_is_read_too(khalid: Any, cases: Cases, types: None) -> None:
    """No scanner: the cover sheet and a letter as vector PDF pages (rasterised to be read)."""
    import io

    from simis.documents.cover_sheets import cover_sheet_pdf
    from simis.documents.tests.scans import _letter

    folder = cases.folder("CASE-3501")
    contract = DocumentType.objects.get(code="EMPLOYMENT_CONTRACT")
    combined = pdfium.PdfDocument.new()
    for part in (cover_sheet_pdf(folder, contract, language="en"), _letter(0, "Ravi Kumar")):
        source = pdfium.PdfDocument(part)
        combined.import_pages(source)
        source.close()
    buffer = io.BytesIO()
    combined.save(buffer)
    combined.close()
    batch = intake(buffer.getvalue(), khalid)
    document = Document.objects.get(folder=folder)
    assert (batch.documents_attached, document.batch_pages) == (1, [2])
    # Copied, not rasterised: the letter's text is still text.
    copied = pdfium.PdfDocument(stored_bytes(document.file))
    assert "Ravi Kumar" in copied[0].get_textpage().get_text_range()
    copied.close()


def test_pages_before_any_cover_sheet_wait_in_the_queue(khalid: Any, cases: Cases, types: None) -> None:
    folder = cases.folder("CASE-4001")
    sick = DocumentType.objects.get(code="SICK_LEAVE")
    batch = intake(
        batch_pdf(
            [
                scanned(signed_page(0), seed=1),
                scanned(cover_page(folder, sick), seed=2),
                scanned(signed_page(1), seed=3),
            ]
        ),
        khalid,
    )
    item = IndexingItem.objects.get(batch=batch)
    assert (item.reason, item.batch_pages, item.first_page_is_cover, item.suggested_code) == (
        IndexingReason.NO_COVER,
        [1],
        False,
        "",
    )
    assert Document.objects.get(folder=folder).batch_pages == [3]
    # Without a cover sheet every page is kept when attached by hand.
    document = indexing_item_attach(item=item, code=cover_code(folder.pk, "SICK_LEAVE"), actor=khalid)
    assert (document.version, document.page_count, document.batch_pages) == (2, 1, [1])


def test_a_cover_for_a_folder_that_does_not_exist_is_queued_with_its_code(
    khalid: Any, cases: Cases, types: None
) -> None:
    ghost = DocumentFolder(pk=987654, owner_kind="tests.case", owner_key="GONE", title="لا يوجد")
    passport = DocumentType.objects.get(code="PASSPORT")
    batch = intake(
        batch_pdf([scanned(cover_page(ghost, passport), seed=1), scanned(signed_page(0), seed=2)]), khalid
    )
    item = IndexingItem.objects.get(batch=batch)
    assert (item.reason, item.suggested_code, item.batch_pages) == (
        IndexingReason.UNKNOWN_FOLDER,
        cover_code(987654, "PASSPORT"),
        [1, 2],
    )
    with pytest.raises(SimisError) as refused:
        indexing_item_attach(item=item, code=item.suggested_code, actor=khalid)
    assert refused.value.code == "DOC-103"


def test_more_pages_than_the_type_expects_go_to_the_queue(khalid: Any, cases: Cases, types: None) -> None:
    folder = cases.folder("CASE-5001")
    national_id = DocumentType.objects.get(code="NATIONAL_ID")  # one or two pages
    batch = intake(
        batch_pdf(
            [scanned(cover_page(folder, national_id), seed=1)]
            + [scanned(signed_page(i), seed=i + 2) for i in range(3)]
        ),
        khalid,
    )
    item = IndexingItem.objects.get(batch=batch)
    assert (item.reason, item.suggested_code, item.page_count) == (
        IndexingReason.PAGE_COUNT,
        cover_code(folder.pk, "NATIONAL_ID"),
        4,
    )
    assert not Document.objects.filter(folder=folder).exists()
    # A person who looked at the pages may still attach them: the hint does not bind them.
    document = indexing_item_attach(item=item, code=item.suggested_code, actor=khalid)
    assert document.page_count == 3


def test_a_cover_sheet_alone_can_only_be_set_aside(khalid: Any, cases: Cases, types: None) -> None:
    folder = cases.folder("CASE-6001")
    iban = DocumentType.objects.get(code="BANK_IBAN_LETTER")
    batch = intake(batch_pdf([scanned(cover_page(folder, iban), seed=1)]), khalid)
    item = IndexingItem.objects.get(batch=batch)
    assert item.reason == IndexingReason.NO_PAGES
    with pytest.raises(SimisError) as refused:
        indexing_item_attach(item=item, code=item.suggested_code, actor=khalid)
    assert refused.value.code == "DOC-403"
    with pytest.raises(SimisError) as no_reason:
        indexing_item_discard(item=item, reason="  ", actor=khalid)
    assert no_reason.value.code == "DOC-402"
    indexing_item_discard(item=item, reason="The papers were not in the scanner.", actor=khalid)
    item.refresh_from_db()
    assert (item.status, item.resolved_by) == (IndexingStatus.DISCARDED, khalid)
    assert AuditEntry.objects.filter(action="documents.indexing_discarded", subject_id=str(item.pk)).exists()


def test_a_single_jpeg_page_is_a_batch_too(khalid: Any, cases: Cases, types: None) -> None:
    import io

    page = scanned(signed_page(0), seed=1)
    buffer = io.BytesIO()
    page.save(buffer, "JPEG", quality=80, dpi=(200, 200))
    batch = intake(buffer.getvalue(), khalid, name="phone.jpg")
    assert (batch.file_format, batch.page_count, batch.pages_queued) == ("jpeg", 1, 1)
    assert IndexingItem.objects.get(batch=batch).reason == IndexingReason.NO_COVER


def test_a_batch_with_a_page_that_cannot_be_decoded_attaches_nothing(
    khalid: Any, cases: Cases, types: None
) -> None:
    import io

    page = scanned(signed_page(0), seed=1)
    buffer = io.BytesIO()
    page.save(buffer, "PNG")
    # Cut the file short: its header still says one A4 page, but most of the image data is gone
    # (only decoding finds out, in the job).
    truncated = buffer.getvalue()[: len(buffer.getvalue()) // 2]
    batch = scan_batch_receive(truncated, actor=khalid)
    batch = scan_batch_process(batch_id=batch.pk)
    assert (batch.status, batch.outcome_code, batch.outcome_params["page"]) == (
        BatchStatus.REJECTED,
        "DOC-009",
        "1",
    )
    assert not Document.objects.exists()
    assert not IndexingItem.objects.filter(batch=batch).exists()
    assert AuditEntry.objects.filter(action="documents.batch_rejected", subject_id=str(batch.pk)).exists()


def test_a_job_run_twice_attaches_once(khalid: Any, cases: Cases, types: None) -> None:
    folder = cases.folder("CASE-8001")
    sick = DocumentType.objects.get(code="SICK_LEAVE")
    batch = intake(
        batch_pdf([scanned(cover_page(folder, sick), seed=1), scanned(signed_page(0), seed=2)]), khalid
    )
    again = scan_batch_process(batch_id=batch.pk)
    assert again.status == BatchStatus.DONE
    assert Document.objects.filter(folder=folder).count() == 1


def test_the_batch_pages_a_scanner_sees(khalid: Any, cases: Cases, types: None) -> None:
    """The rasterised cover sheet really carries both codes and both markers (the tests above
    would pass vacuously if the reader found nothing)."""
    from simis.documents.barcodes import page_codes

    folder = cases.folder("CASE-9001")
    report = DocumentType.objects.get(code="WORK_INJURY_REPORT")
    texts = sorted(page_codes(scanned(cover_page(folder, report), angle=1.5, seed=9)))
    code = cover_code(folder.pk, "WORK_INJURY_REPORT")
    assert texts == sorted([code, code, "SD1-COVER", "SD1-COVER"])
    assert sorted(page_codes(scanned(blot_codes(cover_page(folder, report)), seed=9))) == [
        "SD1-COVER",
        "SD1-COVER",
    ]
    document = pdfium.PdfDocument(batch_pdf([cover_page(folder, report)]))
    assert len(document) == 1
    document.close()
