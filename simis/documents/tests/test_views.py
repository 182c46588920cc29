"""The document pages through the test client: the done-when path (a staff member opens a
case's folder, prints the cover sheet, "scans" the signed paper at the scan station and sees
it attached), the indexing queue, and who gets 404."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from simis.audit.public import AuditEntry
from simis.documents.barcodes import page_codes
from simis.documents.forms import (
    CoverSheetForm,
    DocumentUploadForm,
    IndexingAttachForm,
    IndexingDiscardForm,
    ScanBatchForm,
)
from simis.documents.models import Document, DocumentType, IndexingItem, ScanBatch
from simis.documents.rules import cover_code
from simis.documents.services import scan_batch_process
from simis.documents.tests.conftest import Cases
from simis.documents.tests.scans import batch_pdf, blot_codes, cover_page, rasterise, scanned, signed_page
from simis.portal.public import assert_fields_have_help_text

pytestmark = pytest.mark.django_db


def signed_in(client: Client, user: Any) -> Client:
    """Signed in as ``user``; staff hold a second factor first (no page opens to them without)."""
    if not user.authenticator_set.exists():
        TOTP.activate(user, pyotp.random_base32())
    client.force_login(user)
    return client


def test_every_field_has_help_text() -> None:
    for form in (ScanBatchForm, IndexingAttachForm, IndexingDiscardForm, CoverSheetForm, DocumentUploadForm):
        assert_fields_have_help_text(form)


def test_staff_print_a_cover_sheet_scan_the_signed_paper_and_see_it_attached(
    client: Client, khalid: Any, cases: Cases, types: None
) -> None:
    folder = cases.folder("CASE-42", "تعويض إصابة عمل — سارة العتيبي")
    cases.grant(khalid, "CASE-42")
    cases.required["CASE-42"] = ["WORK_INJURY_REPORT", "NATIONAL_ID"]
    signed_in(client, khalid)

    page = client.get(f"/documents/folders/{folder.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-nav-key="documents-scan"' in html and 'data-nav-key="documents-queue"' in html
    assert re.search(r'class="is-missing" data-required="WORK_INJURY_REPORT"', html)
    assert 'href="/cases/CASE-42/"' in html

    sheet = client.get(
        f"/documents/folders/{folder.pk}/cover-sheet/",
        {"document_type": "WORK_INJURY_REPORT", "language": "ar"},
    )
    assert sheet.status_code == 200 and sheet["Content-Type"] == "application/pdf"
    printed = rasterise(sheet.content)[0]
    code = cover_code(folder.pk, "WORK_INJURY_REPORT")
    assert code in page_codes(printed)
    assert AuditEntry.objects.filter(
        action="documents.cover_sheet_printed", subject_id=str(folder.pk)
    ).exists()

    scan = batch_pdf([scanned(printed, angle=0.9, seed=11), scanned(signed_page(0), angle=-0.4, seed=12)])
    sent = client.post(
        "/documents/scan/", {"file": SimpleUploadedFile("station.pdf", scan), "office_code": "jed"}
    )
    assert sent.status_code == 302
    batch = ScanBatch.objects.get()
    assert sent["Location"] == f"/documents/scan/batches/{batch.pk}/"
    waiting = client.get(sent["Location"]).content.decode()
    assert f'hx-get="/documents/scan/batches/{batch.pk}/progress/"' in waiting
    assert batch.office_code == "JED"

    scan_batch_process(batch_id=batch.pk)  # what the worker does

    progress = client.get(f"/documents/scan/batches/{batch.pk}/progress/", HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"
    done = client.get(f"/documents/scan/batches/{batch.pk}/").content.decode()
    document = Document.objects.get(folder=folder)
    assert f'data-document="{document.pk}"' in done
    assert folder.title in done

    after = client.get(f"/documents/folders/{folder.pk}/").content.decode()
    assert re.search(r'class="is-ok" data-required="WORK_INJURY_REPORT"', after)
    assert re.search(r'class="is-missing" data-required="NATIONAL_ID"', after)
    assert f'data-document="{document.pk}" data-type="WORK_INJURY_REPORT" data-version="1"' in after

    viewer = client.get(f"/documents/d/{document.pk}/")
    assert viewer.status_code == 200
    assert 'src="data:image/jpeg;base64,' in viewer.content.decode()
    assert AuditEntry.objects.filter(action="documents.document_viewed", subject_id=str(document.pk)).exists()

    download = client.get(f"/documents/d/{document.pk}/file/")
    body = b"".join(download.streaming_content)
    assert download["Content-Type"] == "application/pdf"
    assert hashlib.sha256(body).hexdigest() == document.file.sha256


def test_a_refused_scan_shows_its_code(client: Client, khalid: Any) -> None:
    signed_in(client, khalid)
    response = client.post("/documents/scan/", {"file": SimpleUploadedFile("notes.txt", b"hello")})
    assert response.status_code == 400
    assert "DOC-003" in response.content.decode()
    assert not ScanBatch.objects.exists()


def test_the_indexing_clerk_types_the_code_of_a_blotted_sheet(
    client: Client, khalid: Any, cases: Cases, types: None
) -> None:
    folder = cases.folder("CASE-77")
    sick = DocumentType.objects.get(code="SICK_LEAVE")
    scan = batch_pdf([scanned(blot_codes(cover_page(folder, sick)), seed=1), scanned(signed_page(1), seed=2)])
    signed_in(client, khalid)
    client.post("/documents/scan/", {"file": SimpleUploadedFile("s.pdf", scan)})
    scan_batch_process(batch_id=ScanBatch.objects.get().pk)
    item = IndexingItem.objects.get()

    queue = client.get("/documents/queue/").content.decode()
    assert f'data-item="{item.pk}"' in queue
    page = client.get(f"/documents/queue/{item.pk}/").content.decode()
    assert 'data-testid="cover-note"' in page and 'src="data:image/jpeg;base64,' in page

    wrong = client.post(f"/documents/queue/{item.pk}/", {"code": "SD1-77-SICK_LEAVE-0"})
    assert wrong.status_code == 400 and "DOC-10" in wrong.content.decode()
    right = client.post(f"/documents/queue/{item.pk}/", {"code": cover_code(folder.pk, "SICK_LEAVE")})
    assert right.status_code == 302 and right["Location"] == "/documents/queue/"
    item.refresh_from_db()
    assert item.status == "attached" and item.document is not None
    assert item.document.folder == folder and item.document.page_count == 1
    assert f'data-item="{item.pk}"' not in client.get("/documents/queue/").content.decode()


def test_setting_pages_aside_needs_a_reason(client: Client, khalid: Any, cases: Cases, types: None) -> None:
    signed_in(client, khalid)
    client.post(
        "/documents/scan/", {"file": SimpleUploadedFile("s.pdf", batch_pdf([scanned(signed_page(0))]))}
    )
    scan_batch_process(batch_id=ScanBatch.objects.get().pk)
    item = IndexingItem.objects.get()
    client.post(f"/documents/queue/{item.pk}/discard/", {"reason": ""})
    assert IndexingItem.objects.get(pk=item.pk).status == "open"
    client.post(f"/documents/queue/{item.pk}/discard/", {"reason": "A stray page from the copier."})
    assert IndexingItem.objects.get(pk=item.pk).status == "discarded"


def test_a_folder_the_owner_refuses_is_not_found(
    client: Client, khalid: Any, huda: Any, cases: Cases, types: None
) -> None:
    folder = cases.folder("CASE-9")
    cases.grant(khalid, "CASE-9")
    signed_in(client, khalid)
    client.post(
        f"/documents/folders/{folder.pk}/upload/",
        {
            "document_type": "NATIONAL_ID",
            "file": SimpleUploadedFile("id.pdf", batch_pdf([scanned(signed_page(0))])),
        },
    )
    document = Document.objects.get(folder=folder)
    assert document.source == "upload"
    client.logout()
    signed_in(client, huda)  # staff, but the case is not hers
    for url in (
        f"/documents/folders/{folder.pk}/",
        f"/documents/folders/{folder.pk}/cover-sheet/?document_type=NATIONAL_ID&language=ar",
        f"/documents/d/{document.pk}/",
        f"/documents/d/{document.pk}/file/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/documents/folders/{folder.pk}/upload/", {}).status_code == 404
    assert not AuditEntry.objects.filter(actor_id=huda.pk, action__startswith="documents.document_").exists()


def test_the_pages_exist_only_for_staff(client: Client, nour_officer: Any) -> None:
    assert client.get("/documents/scan/").status_code == 302  # signed out: to the sign-in page
    signed_in(client, nour_officer)
    for url in ("/documents/scan/", "/documents/queue/", "/documents/folders/1/"):
        assert client.get(url).status_code == 404, url
    assert 'data-nav-key="documents-scan"' not in client.get("/").content.decode()


def test_a_tampered_file_shows_a_coded_page(
    client: Client, khalid: Any, cases: Cases, types: None, document_store: Any
) -> None:
    folder = cases.folder("CASE-5")
    cases.grant(khalid, "CASE-5")
    signed_in(client, khalid)
    client.post(
        f"/documents/folders/{folder.pk}/upload/",
        {
            "document_type": "PASSPORT",
            "file": SimpleUploadedFile("p.pdf", batch_pdf([scanned(signed_page(2))])),
        },
    )
    document = Document.objects.get()
    (document_store / document.file.storage_name).write_bytes(b"%PDF-1.4 something else")
    for url in (f"/documents/d/{document.pk}/", f"/documents/d/{document.pk}/file/"):
        response = client.get(url)
        assert response.status_code == 500
        assert 'data-error-code="DOC-201"' in response.content.decode()
