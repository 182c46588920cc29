"""Issue 5's path in a real browser, Arabic first, then English:

the last two months are billed for three employers. Nour Trading's officer sees the newest bill and
its lines; the bank pays it through the signed bank web service (the demo bank client, over HTTP);
the officer finds the receipt and an account that owes nothing. Badr Builders paid nothing: the
fines job runs and its account shows the fines. The third employer asks for an instalment plan on
its account page and sees the schedule. A finance officer imports the bank's camt.053 statement
that pays Badr's older bill: the file reconciles and Badr's statement adds up to its balance.
Screenshots go to test-output/contributions-*.png."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from conftest import TEST_OUTPUT
from simis.contributions.models import Bill
from simis.contributions.rules import due_date
from simis.contributions.services import month_bill, payment_post, penalties_accrue
from simis.core.dates import add_months, month_start
from simis.identity.models import Audience
from simis.registry.tests.conftest import bind, user_make
from simis.registry.tests.factories import engagement_make, establishment_make, person_make, wage_make
from simis.registry.tests.test_browser_registry import sign_in, sign_out, with_totp


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(TEST_OUTPUT / f"contributions-{name}.png"), full_page=True)


def _employer(name_en: str, workers: int):  # type: ignore[no-untyped-def]
    establishment = establishment_make(name_en=name_en)
    for _ in range(workers):
        engagement = engagement_make(
            person_make(),
            establishment,
            join_date=date(2020, 1, 1),
            covers_annuities=True,
            covers_unemployment=True,
        )
        wage_make(engagement, basic=Decimal("8000"), housing=Decimal("2000"))
    return establishment


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_bill_pay_fine_plan_and_reconcile(browser_page, live_server, settings, tmp_path, parameters) -> None:  # type: ignore[no-untyped-def]
    from simis.payments.demo_bank import BANK_CODE, bank_call, demo_bank_setup
    from simis.payments.statement_samples import statement_file_sample

    settings.SIMIS_PUBLIC_URL = live_server.url  # what partners sign against
    settings.VAR_DIR = tmp_path  # the demo bank's key pair
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    today = timezone.localdate()
    older, newest = add_months(month_start(today), -2), add_months(month_start(today), -1)
    nour = _employer("Nour Trading", 3)
    badr = _employer("Badr Builders", 2)
    third = _employer("Third Trading", 4)
    month_bill(month=older, today=newest)
    month_bill(month=newest, today=month_start(today))
    older_bill = Bill.objects.get(establishment=nour, month=older)
    payment_post(
        establishment_id=nour.pk,
        amount=older_bill.total,
        paid_on=due_date(older, 15),
        source="browser:older",
    )
    officer, third_officer = (
        user_make("nour_acct", Audience.EMPLOYER),
        user_make("third_acct", Audience.EMPLOYER),
    )
    bind(officer, nour.number)
    bind(third_officer, third.number)
    officer_secret, third_secret = with_totp(officer), with_totp(third_officer)
    finance = user_make("finance", Audience.STAFF)
    finance.user_permissions.add(
        *Permission.objects.filter(codename__in=["reconcile", "view_payment", "run_billing"])
    )
    finance_secret = with_totp(finance)

    # --- Nour's officer sees the newest bill and its lines, in Arabic ---------------------------
    sign_in(page, "nour_acct", officer_secret)
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.goto("/contributions/")
    page.click(f'a[href="/contributions/establishments/{nour.number}/"]')
    page.wait_for_selector('[data-testid="summary"]')
    bill = Bill.objects.get(establishment=nour, month=newest)
    assert page.locator('[data-testid="balance"]').inner_text().strip() == str(bill.total.amount)
    shot(page, "account-ar")
    page.click(f'a[href="/contributions/bills/{bill.number}/"]')
    page.wait_for_selector('[data-testid="bill-lines"]')
    assert page.locator('[data-testid="bill-lines"] tbody tr').count() == 3
    assert page.locator('[data-testid="bill-total"]').inner_text().strip() == "6450.00"  # 3 × 10,000 × 21.5 %
    shot(page, "bill-ar")

    # --- The bank pays it through the signed bank web service ------------------------------------
    bank, _registered = demo_bank_setup()
    inquiry = bank_call(bank, live_server.url, "GET", f"/api/v1/payments/bills/{bill.number}")
    assert inquiry.exit_code == 0, inquiry.body
    assert inquiry.body["amount_due"] == "6450.00"
    paid = bank_call(
        bank,
        live_server.url,
        "POST",
        "/api/v1/payments/notifications",
        {
            "bill_number": bill.number,
            "amount": "6450.00",
            "paid_at": timezone.now().isoformat(),
            "channel": "internet",
            "bank_reference": "BROWSER-0001",
        },
        idempotency_key="browser-pay-1",
    )
    assert paid.exit_code == 0, paid.body
    receipt = paid.body["receipt_number"]

    # --- The officer finds the receipt; the account owes nothing; now in English -------------------
    page.goto("/payments/receipts/")
    page.wait_for_selector('[data-testid="receipt-table"]')
    assert receipt in page.locator('[data-testid="receipt-table"]').inner_text()
    page.click('[data-testid="language-switch"]')
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "ltr"
    shot(page, "receipts-en")
    page.goto(f"/contributions/establishments/{nour.number}/")
    assert page.locator('[data-testid="balance"]').inner_text().strip() == "0.00"
    assert page.locator('[data-testid="closing"]').inner_text().strip() == "0.00"
    sign_out(page)

    # --- Badr paid nothing: the fines job runs ---------------------------------------------------------
    penalties_accrue(today=today)

    # --- The third employer asks for an instalment plan -------------------------------------------------
    sign_in(page, "third_acct", third_secret)
    page.goto(f"/contributions/establishments/{third.number}/")
    page.fill("#id_count", "6")
    with page.expect_navigation():
        page.click('[data-testid="plan-request"]')
    page.wait_for_selector('[data-testid="plan"]')
    assert page.locator('[data-testid="plan"] ~ table tbody tr').count() == 7  # down payment + 6
    shot(page, "plan")
    sign_out(page)

    # --- A finance officer: Badr's fines, then the bank's statement file ---------------------------------
    sign_in(page, "finance", finance_secret)
    page.goto(f"/contributions/?number={badr.number}")
    page.wait_for_selector('[data-testid="summary"]')
    fines = Decimal(page.locator('[data-testid="penalties-due"]').inner_text().strip())
    assert fines > 0
    badr_older = Bill.objects.get(establishment=badr, month=older)
    sample = statement_file_sample(
        [(badr_older.number, badr_older.total.amount, "Badr Builders", today)], noise=0, seed=5
    )
    statement_file = tmp_path / sample.filename
    statement_file.write_bytes(sample.data)
    page.goto("/payments/statements/")
    page.fill("#id_bank", BANK_CODE)
    page.set_input_files("#id_file", str(statement_file))
    with page.expect_navigation():
        page.click('[data-testid="statement-submit"]')
    page.wait_for_selector('[data-testid="statement-outcomes"]')
    assert badr_older.number in page.locator('[data-testid="statement-lines"]').inner_text()
    shot(page, "statement-import")
    page.goto(f"/contributions/establishments/{badr.number}/?start={older}&end={today}")
    balance = page.locator('[data-testid="balance"]').inner_text().strip()
    assert page.locator('[data-testid="closing"]').inner_text().strip() == balance
    newest_badr = Bill.objects.get(establishment=badr, month=newest)
    assert Decimal(balance) == newest_badr.total.amount + fines
    shot(page, "statement-adds-up")
