"""In a real browser, in Arabic: Khalid (staff) signs in with his second factor, opens the SMS
outbox from the menu, narrows it to sent messages and reads Sara's registration SMS with its
parts, encoding and status history."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP

from conftest import TEST_OUTPUT
from simis.notifications import services
from simis.notifications.tests.conftest import PASSWORD, Outbox
from simis.notifications.tests.helpers import registration_sms


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_read_the_outbox_in_arabic(browser_page: Any, outbox: Outbox, khalid: Any) -> None:
    secret = pyotp.random_base32()
    TOTP.activate(khalid, secret)
    message = registration_sms()
    services.sms_deliver(message_id=message.pk)
    pending = registration_sms(
        key="k-pending",
        language="en",
        context={"name": "Ravi", "establishment": "Nour Trading", "reference": "C-2026-000124"},
    )

    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/accounts/login/")
    page.fill('input[name="login"]', khalid.username)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('input[name="password"]').press("Enter")
    page.wait_for_selector('input[name="code"]')
    page.fill('input[name="code"]', pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.locator('input[name="code"]').press("Enter")
    page.wait_for_selector('[data-testid="user-menu"]')
    assert page.locator("html").get_attribute("dir") == "rtl"

    with page.expect_navigation():
        page.click('[data-testid="portal-nav"] [data-nav-key="notifications-outbox"]')
    assert "صندوق الرسائل النصية الصادرة" in page.locator("h1").inner_text()
    table = page.locator('[data-testid="outbox-table"]')
    assert table.locator(f'tr[data-message="{message.pk}"]').count() == 1
    assert table.locator(f'tr[data-message="{pending.pk}"]').count() == 1
    page.screenshot(path=str(TEST_OUTPUT / "notifications-outbox-ar.png"), full_page=True)

    page.select_option('select[name="status"]', "sent")
    with page.expect_navigation():
        page.click('[data-testid="outbox-filter-submit"]')
    assert table.locator(f'tr[data-message="{pending.pk}"]').count() == 0
    row = table.locator(f'tr[data-message="{message.pk}"]')
    assert row.locator('[data-testid="sms-segments"]').inner_text() == "2"

    with page.expect_navigation():
        row.locator("a").first.click()
    assert page.locator('[data-testid="sms-text"]').inner_text() == message.text
    assert "جزآن" in page.locator('[data-testid="sms-encoding"]').inner_text()  # "two parts"
    history = page.locator('[data-testid="sms-history"] tbody tr')
    assert [history.nth(i).get_attribute("data-status") for i in range(history.count())] == [
        "queued",
        "sending",
        "sent",
    ]
    page.screenshot(path=str(TEST_OUTPUT / "notifications-sms-ar.png"), full_page=True)
