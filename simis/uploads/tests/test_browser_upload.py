"""In a real browser, in Arabic: Nour Trading's officer downloads nothing, writes a file with
some bad rows, uploads it choosing to apply the valid rows, watches the progress bar until the
job has run, and reads the refused rows with their codes — then downloads the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import TEST_OUTPUT
from simis.registry.public import Person
from simis.uploads.layouts import NEW_CONTRIBUTORS_V1
from simis.uploads.models import Upload
from simis.uploads.services import upload_process
from simis.uploads.tests.conftest import PASSWORD
from simis.uploads.tests.files import csv_bytes, new_contributor


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_uploads_a_file_with_bad_rows_and_reads_the_report_in_arabic(
    browser_page: Any, nour: Any, bulk: None, tmp_path: Path
) -> None:
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    rows = [
        new_contributor(),
        new_contributor(birth_date="2015-01-01"),  # too young: REG-210
        new_contributor(identity_number="1000000017"),  # wrong check digit: IDF-006
        new_contributor(join_date="١/٣/٢٠٢٦", first_name_en='=HYPERLINK("http://evil.example")'),
    ]
    upload_file = tmp_path / "nour-march.csv"
    upload_file.write_bytes(csv_bytes(NEW_CONTRIBUTORS_V1, rows))

    page.goto("/accounts/login/")
    page.fill('input[name="login"]', nour.officer.username)
    page.fill('input[name="password"]', PASSWORD)
    with page.expect_navigation():
        page.locator('input[name="password"]').press("Enter")
    assert page.locator("html").get_attribute("dir") == "rtl"

    with page.expect_navigation():
        page.click('[data-testid="portal-nav"] [data-nav-key="uploads"]')
    assert "رفع الملفات" in page.locator("h1").inner_text()
    with page.expect_navigation():
        page.click('[data-testid="upload-new"]')
    page.select_option('select[name="establishment"]', nour.main.number)
    page.select_option('select[name="kind"]', "new_contributors")
    page.select_option('select[name="mode"]', "valid_rows")
    page.set_input_files('input[name="file"]', str(upload_file))
    page.click('[data-simis-help-toggle][aria-controls="id_mode_helptext"]')
    assert page.locator("#id_mode_helptext").is_visible()  # help on demand (SUP-1)
    page.screenshot(path=str(TEST_OUTPUT / "uploads-form-ar.png"), full_page=True)
    with page.expect_navigation():
        page.click('[data-testid="upload-submit"]')

    progress = page.locator('[data-testid="upload-progress"]')
    assert progress.get_attribute("data-finished") == "false"
    assert page.locator("progress").count() == 1
    # The job runs (here, in the test's thread, as a worker would); the page, polling every
    # second, sees the upload finish and reloads itself.
    upload = Upload.objects.get()
    upload_process(upload_id=upload.pk)
    page.wait_for_selector('[data-testid="upload-summary"]', timeout=10_000)

    assert page.locator('[data-testid="upload-status"]').get_attribute("data-status") == "applied"
    assert page.locator('[data-testid="rows-applied"]').inner_text() == "2"
    assert page.locator('[data-testid="rows-refused"]').inner_text() == "2"
    refused = page.locator('[data-testid="refused-rows"]')
    assert refused.locator('tr[data-row="4"]').inner_text().count("REG-210") == 1
    assert "IDF-006" in refused.locator('tr[data-row="5"]').inner_text()
    assert "رقم الهوية" in refused.locator('tr[data-row="5"]').inner_text()  # the column, in Arabic
    assert "UPL-112" in page.locator('[data-testid="upload-outcome"]').inner_text()
    page.screenshot(path=str(TEST_OUTPUT / "uploads-report-ar.png"), full_page=True)

    with page.expect_download() as download_info:
        page.click('[data-testid="report-download"]')
    download = download_info.value
    assert download.suggested_filename == f"simis-upload-{upload.pk}-report.csv"
    report = Path(download.path()).read_bytes().decode("utf-8-sig")
    assert "REG-210" in report and "IDF-006" in report
    assert "'=HYPERLINK" in report
    assert Person.objects.filter(identities__number=rows[0]["identity_number"]).exists()
