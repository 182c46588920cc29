"""Issue 4's document path in a real browser, in Arabic: Khalid (staff) signs in with his
authenticator code, opens a case's document folder, prints the cover sheet of the work injury
report, "scans" it with the signed letter behind it (the printed PDF rasterised as a scanner
would), sends the batch at the scan station, watches it being read, and finds the letter
attached to the case — then opens its page. Screenshots go to test-output/documents-*.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP

from conftest import TEST_OUTPUT
from simis.documents.models import Document, ScanBatch
from simis.documents.services import scan_batch_process
from simis.documents.tests.conftest import PASSWORD, Cases
from simis.documents.tests.scans import batch_pdf, rasterise, scanned, signed_page


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(TEST_OUTPUT / f"documents-{name}.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_print_the_cover_sheet_scan_the_signed_paper_and_see_it_attached(
    browser_page: Any, khalid: Any, cases: Cases, types: None, tmp_path: Path
) -> None:
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    folder = cases.folder("CASE-2026-0042", "تعويض إصابة عمل — سارة العتيبي")
    cases.grant(khalid, "CASE-2026-0042")
    cases.required["CASE-2026-0042"] = ["WORK_INJURY_REPORT"]
    secret = pyotp.random_base32()
    TOTP.activate(khalid, secret)

    page.goto("/accounts/login/")
    page.fill('input[name="login"]', khalid.username)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('input[name="password"]').press("Enter")
    page.wait_for_selector('input[name="code"]')
    page.fill('input[name="code"]', pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.locator('input[name="code"]').press("Enter")
    assert page.locator("html").get_attribute("dir") == "rtl"

    page.goto(f"/documents/folders/{folder.pk}/")
    assert "تعويض إصابة عمل" in page.locator("h1").inner_text()
    assert page.locator('[data-required="WORK_INJURY_REPORT"]').get_attribute("class") == "is-missing"
    page.select_option('select[name="document_type"]', "WORK_INJURY_REPORT")
    shot(page, "folder-ar")
    # The sheet opens in the browser's PDF viewer, to be printed from there.
    with page.expect_response(lambda response: "/cover-sheet/" in response.url) as printed:
        page.click('[data-testid="cover-submit"]')
    assert printed.value.headers["content-type"] == "application/pdf"
    # (The viewer keeps the bytes to itself: the same URL is fetched again with the session.)
    sheet = page.request.get(printed.value.url).body()
    assert sheet.startswith(b"%PDF-")
    page.goto(f"/documents/folders/{folder.pk}/")

    # The printed sheet goes on top of the signed letter, and the scanner makes a PDF of both.
    scan = tmp_path / "scan-station-ruh.pdf"
    scan.write_bytes(
        batch_pdf([scanned(rasterise(sheet)[0], angle=0.8, seed=1), scanned(signed_page(0), seed=2)])
    )
    with page.expect_navigation():
        page.click('[data-testid="portal-nav"] [data-nav-key="documents-scan"]')
    page.set_input_files('input[name="file"]', str(scan))
    page.fill('input[name="office_code"]', "RUH")
    with page.expect_navigation():
        page.click('[data-testid="scan-submit"]')
    assert page.locator('[data-testid="batch-progress"]').get_attribute("data-finished") == "false"

    # The job runs (here, in the test's thread, as the worker would); the page, polling every
    # second, sees the batch finish and reloads itself.
    scan_batch_process(batch_id=ScanBatch.objects.get().pk)
    page.wait_for_selector('[data-testid="batch-summary"]', timeout=10_000)
    assert page.locator('[data-testid="documents-attached"]').inner_text() == "1"
    assert page.locator('[data-testid="pages-queued"]').inner_text() == "0"
    shot(page, "batch-ar")

    document = Document.objects.get(folder=folder)
    with page.expect_navigation():
        page.click(f'[data-testid="attached"] tr[data-document="{document.pk}"] a')
    assert page.locator('[data-required="WORK_INJURY_REPORT"]').get_attribute("class") == "is-ok"
    with page.expect_navigation():
        page.click(f'[data-testid="view-{document.pk}"]')
    image = page.locator('[data-testid="page-image"]')
    assert image.evaluate("element => element.naturalWidth") > 500
    assert page.locator('[data-testid="document-sha256"]').inner_text() == document.file.sha256
    shot(page, "document-ar")
