"""Issue 4's path in a real browser, in Arabic:

Nour Trading's officer registers a worker who joined two months ago — a retroactive registration,
so it goes to review. The Riyadh office has two registration officers: Faisal is on annual leave,
so the case lands round-robin in Huda's inbox, and Faisal's stays empty. Huda opens the task,
prints the employment contract's cover sheet, "scans" it on top of the signed contract at the
scan station, sees the contract attached to the case, registers her security key (DevTools'
virtual authenticator) and approves: the approval sends her to the step-up, the key signs, the
approval goes through. The period is active and the worker's SMS is in the outbox.
Screenshots go to test-output/workflow-*.png."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from conftest import TEST_OUTPUT
from simis.core.dates import add_months, month_start
from simis.documents.public import document_types_load
from simis.documents.tests.scans import batch_pdf, rasterise, scanned, signed_page
from simis.notifications.public import SmsMessage
from simis.registry.models import Engagement, Person
from simis.registry.tests.conftest import khalid, nour, parameters, reference_rows  # noqa: F401 (fixtures)
from simis.registry.tests.factories import national_id
from simis.registry.tests.test_browser_registry import sign_in, sign_out, submit, type_date, with_totp
from simis.workflow.models import Case, CaseStatus, StaffAbsence, Task
from simis.workflow.tests.conftest import PERSONAS, job_function, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(TEST_OUTPUT / f"workflow-{name}.png"), full_page=True)


def test_retroactive_registration_routed_scanned_and_approved_with_a_key(
    browser_page: Any,
    nour: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    try:
        _scenario(browser_page, nour, tmp_path)
    finally:
        connections.close_all()


def _scenario(page: Any, nour: Any, tmp_path: Path) -> None:  # noqa: F811
    from simis.documents.models import ScanBatch
    from simis.documents.services import scan_batch_process

    page.set_viewport_size({"width": 1366, "height": 900})
    document_types_load()
    officer = job_function("registration-officer", "workflow.decide_task", "workflow.decide_sensitive")
    huda = staff("huda", officer)
    faisal = staff("faisal", officer)
    today = date.today()
    StaffAbsence.objects.create(
        user=faisal,
        start=today - timedelta(days=2),
        end=today + timedelta(days=12),
        kind="annual_leave",
        source="hr_file",
    )

    # --- The employer registers a worker who joined two months ago ----------------------------
    sign_in(page, "nour_officer", with_totp(nour.officer))
    page.goto(f"/registry/establishments/{nour.main.number}/")
    page.click('[data-testid="action-register"]')
    worker_id = national_id()
    page.select_option("#id_nationality", "SAU")
    page.select_option("#id_identity_kind", "national_id")
    page.fill("#id_identity_number", worker_id)
    for field, value in {
        "first_name_ar": "ماجد",
        "family_name_ar": "الشهري",
        "first_name_en": "Majed",
        "family_name_en": "Alshehri",
        "basic": "7000",
        "housing": "1750",
        "other": "0",
        "mobile": "0551234567",
    }.items():
        page.fill(f"#id_{field}", value)
    page.fill("#id_birth_date_0", "12/07/1998")
    page.select_option("#id_birth_date_1", "gregorian")
    page.select_option("#id_gender", "male")
    type_date(page, "join_date", month_start(add_months(today, -2)), "gregorian")
    page.select_option("#id_occupation", "2")
    submit(page)
    person = Person.objects.get(identities__number=worker_id)
    engagement = Engagement.objects.get(person=person)
    assert engagement.status == "pending_review"
    case = Case.objects.get(subject_key=str(engagement.pk))
    assert case.tasks.get().assignee == huda  # Faisal is on leave
    shot(page, "registered-pending-ar")
    sign_out(page)

    # --- Faisal, on leave, received nothing -----------------------------------------------------
    assert not Task.objects.filter(assignee=faisal).exists()

    # --- Huda finds it in her inbox ------------------------------------------------------------
    sign_in(page, "huda", PERSONAS["huda"].totp_secret)
    page.click('[data-nav-key="workflow-inbox"]')
    page.wait_for_selector('[data-testid="inbox-table"]')
    assert page.locator('[data-testid="count-open"]').inner_text() == "1"
    shot(page, "inbox-ar")
    with page.expect_navigation():
        page.click('[data-testid="task-link"]')
    assert page.locator('[data-testid="case-number"]').inner_text() == case.number
    assert (
        page.locator('[data-document-type="EMPLOYMENT_CONTRACT"]').get_attribute("data-received") == "false"
    )
    shot(page, "task-ar")

    # She prints the contract's cover sheet, which goes on top of the signed contract.
    with page.expect_response(lambda response: "/cover-sheet/" in response.url) as printed:
        page.evaluate(
            "url => fetch(url).then(r => r.status)",
            page.locator('[data-testid="cover-sheet-EMPLOYMENT_CONTRACT"]').get_attribute("href"),
        )
    sheet = printed.value.body()
    assert sheet.startswith(b"%PDF-")
    scan = tmp_path / "scan-station-ruh.pdf"
    scan.write_bytes(
        batch_pdf([scanned(rasterise(sheet)[0], angle=0.6, seed=3), scanned(signed_page(0), seed=4)])
    )
    page.goto("/documents/scan/")
    page.set_input_files('input[name="file"]', str(scan))
    page.fill('input[name="office_code"]', "RUH")
    with page.expect_navigation():
        page.click('[data-testid="scan-submit"]')
    scan_batch_process(batch_id=ScanBatch.objects.get().pk)  # the worker's job, run here
    page.wait_for_selector('[data-testid="batch-summary"]', timeout=10_000)
    assert page.locator('[data-testid="documents-attached"]').inner_text() == "1"

    # Back on the task: the contract is attached.
    task = case.tasks.get()
    page.goto(f"/workflow/tasks/{task.pk}/")
    assert page.locator('[data-document-type="EMPLOYMENT_CONTRACT"]').get_attribute("data-received") == "true"
    shot(page, "task-document-attached-ar")

    # Her security key, then the approval, confirmed with the key.
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    page.goto("/accounts/2fa/webauthn/add/")
    if "/accounts/reauthenticate/" in page.url:
        page.fill("input[name=password]", "Correct-horse-battery-9")
        page.locator("form[action='/accounts/reauthenticate/'] button[type=submit]").first.click()
        page.wait_for_url("**/accounts/2fa/webauthn/add/")
    page.click("#mfa_webauthn_add")
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)

    page.goto(f"/workflow/tasks/{task.pk}/")
    page.select_option('select[name="decision"]', "approve")
    with page.expect_navigation():
        page.click('[data-testid="decide"]')
    assert "/identity/step-up/" in page.url
    engagement.refresh_from_db()
    assert engagement.status == "pending_review"
    shot(page, "step-up-ar")
    page.click("[data-testid=step-up-button]")
    page.wait_for_url(f"**/workflow/tasks/{task.pk}/")
    assert page.locator('select[name="decision"]').input_value() == "approve"
    with page.expect_navigation():
        page.click('[data-testid="decide"]')
    assert page.url.endswith("/workflow/inbox/")
    assert page.locator('[data-testid="count-open"]').inner_text() == "0"

    engagement.refresh_from_db()
    case.refresh_from_db()
    assert engagement.status == "active" and case.status == CaseStatus.APPROVED
    (sms,) = SmsMessage.objects.filter(template_key="registration.approved")
    assert sms.recipient == "+966551234567" and case.number in sms.text
    page.goto("/notifications/outbox/")
    assert case.number in page.content() or "+9665" in page.content()
    shot(page, "outbox-ar")
