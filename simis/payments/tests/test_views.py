"""The payments pages: an employer's receipts (search, paging, the printable receipt) and only
its own — another establishment's receipt is not found; staff's payments search, statement
import and detail, and the work queue with its decision, behind the finance permissions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from simis.audit.public import AuditEntry
from simis.identity.models import Audience
from simis.payments import services
from simis.payments.choices import LineOutcome, PaymentChannel
from simis.payments.forms import (
    PaymentSearchForm,
    ReceiptSearchForm,
    ResolveForm,
    StatementUploadForm,
    WaitingSearchForm,
)
from simis.payments.models import Payment, StatementImport, StatementLine
from simis.payments.tests.conftest import OCT, SEP
from simis.payments.tests.statements import Row, mt940
from simis.payments.tests.test_services import PAID
from simis.portal.public import assert_fields_have_help_text
from simis.registry.tests.conftest import bind, user_make

pytestmark = pytest.mark.django_db


def signed_in(client: Client, user: Any) -> Client:
    """Signed in as ``user``; staff hold a second factor first (no page opens to them without)."""
    if user.audience == Audience.STAFF and not user.authenticator_set.exists():
        TOTP.activate(user, pyotp.random_base32())
    client.force_login(user)
    return client


def _pay(bill: Any, amount: str, reference: str, channel: str = PaymentChannel.ATM) -> Payment:
    return services.payment_notify(
        bank="DEMO-BANK",
        bill_number=bill.number,
        amount=Decimal(amount),
        paid_at=PAID,
        channel=channel,
        bank_reference=reference,
    ).payment


@pytest.fixture
def employer(billed: Any) -> Any:
    """The employer user of the first billed establishment."""
    user = user_make("employer-one", Audience.EMPLOYER)
    bind(user, billed.one.number)
    return user


def _finance(username: str = "finance", *, codenames: tuple[str, ...] = ("reconcile", "view_payment")) -> Any:
    user = user_make(username, Audience.STAFF)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="payments", codename__in=codenames)
    )
    return user


def test_every_field_has_help_text() -> None:
    for form in (ReceiptSearchForm, PaymentSearchForm, StatementUploadForm, WaitingSearchForm, ResolveForm):
        assert_fields_have_help_text(form)


def test_an_employer_sees_its_own_receipts_only(client: Client, billed: Any, employer: Any) -> None:
    mine = _pay(billed.bill(billed.one, OCT), "100.00", "MINE-1")
    theirs = _pay(billed.bill(billed.two, OCT), "200.00", "THEIRS-1")
    signed_in(client, employer)
    page = client.get("/payments/receipts/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-nav-key="payments-receipts"' in html
    assert f'data-receipt="{mine.receipt.number}"' in html and theirs.receipt.number not in html
    receipt = client.get(f"/payments/receipts/{mine.receipt.number}/")
    assert receipt.status_code == 200
    text = receipt.content.decode()
    assert 'data-testid="receipt-print"' in text and "payments/js/payments.js" in text
    assert 'data-testid="receipt-amount">100.00 ريال' in text  # Django's Arabic number format
    # Another establishment's receipt does not exist for this user, and nor do staff pages.
    assert client.get(f"/payments/receipts/{theirs.receipt.number}/").status_code == 404
    assert client.get("/payments/").status_code == 404
    assert client.get("/payments/statements/").status_code == 404


def test_receipts_search_and_pages(client: Client, billed: Any, employer: Any) -> None:
    for index in range(27):
        _pay(billed.bill(billed.one, SEP), "10.00", f"ATM-{index}", PaymentChannel.ATM)
    branch = _pay(billed.bill(billed.one, OCT), "20.00", "BR-1", PaymentChannel.BRANCH)
    signed_in(client, employer)
    first = client.get("/payments/receipts/").content.decode()
    assert "28" in first and 'data-testid="next-page"' in first
    second = client.get("/payments/receipts/?page=2", headers={"HX-Request": "true"})
    assert second.content.decode().lstrip().startswith('<section id="receipt-results"')
    assert second.content.decode().count("data-receipt=") == 3
    only_branch = client.get("/payments/receipts/?channel=branch").content.decode()
    assert only_branch.count("data-receipt=") == 1 and branch.receipt.number in only_branch
    by_number = client.get(f"/payments/receipts/?number={branch.number}").content.decode()
    assert by_number.count("data-receipt=") == 1
    dated = client.get("/payments/receipts/?start=1/12/2026&start_calendar=gregorian").content.decode()
    assert 'data-testid="receipts-empty"' in dated


def test_the_receipt_page_is_in_arabic_and_english(client: Client, billed: Any, employer: Any) -> None:
    payment = _pay(billed.bill(billed.one, OCT), "3000.00", "LANG-1", PaymentChannel.INTERNET_BANKING)
    signed_in(client, employer)
    arabic = client.get(f"/payments/receipts/{payment.receipt.number}/").content.decode()
    assert 'dir="rtl"' in arabic and "إيصال" in arabic and "الإنترنت المصرفي" in arabic
    client.post("/preferences/language/", {"language": "en", "next": "/"})
    english = client.get(f"/payments/receipts/{payment.receipt.number}/").content.decode()
    assert 'lang="en" dir="ltr"' in english and "Payment receipt" in english and "Internet banking" in english


def test_staff_pages_need_the_finance_permissions(client: Client, billed: Any) -> None:
    plain = user_make("plain-staff", Audience.STAFF)
    signed_in(client, plain)
    for url in ("/payments/", "/payments/statements/", "/payments/waiting/"):
        assert client.get(url).status_code == 403, url
    viewer = _finance("viewer", codenames=("view_payment",))
    signed_in(client, viewer)
    assert client.get("/payments/").status_code == 200
    assert client.get("/payments/statements/").status_code == 403


def test_staff_search_payments(client: Client, billed: Any) -> None:
    one = _pay(billed.bill(billed.one, OCT), "100.00", "S-1")
    two = _pay(billed.bill(billed.two, OCT), "200.00", "S-2", PaymentChannel.BRANCH)
    signed_in(client, _finance())
    html = client.get("/payments/").content.decode()
    assert f'data-payment="{one.number}"' in html and f'data-payment="{two.number}"' in html
    found = client.get(
        f"/payments/?query={billed.two.number}", headers={"HX-Request": "true"}
    ).content.decode()
    assert f'data-payment="{two.number}"' in found and one.number not in found
    assert client.get("/payments/?query=S-1").content.decode().count("data-payment=") == 1
    assert client.get("/payments/?channel=branch").content.decode().count("data-payment=") == 1
    # Staff open any receipt.
    assert client.get(f"/payments/receipts/{two.receipt.number}/").status_code == 200


def test_staff_import_a_statement_and_decide_what_waits(client: Client, billed: Any) -> None:
    october = billed.bill(billed.one, OCT)
    data = mt940(
        [Row("300.00", "FT9001", f"GOSI BILL {october.number}"), Row("75.00", "FT9002", "GOSI OCTOBER")]
    )
    signed_in(client, finance := _finance())
    page = client.get("/payments/statements/")
    assert page.status_code == 200 and 'data-testid="statement-form"' in page.content.decode()
    posted = client.post(
        "/payments/statements/", {"bank": "DEMO-BANK", "file": SimpleUploadedFile("day.sta", data)}
    )
    record = StatementImport.objects.get()
    assert posted.status_code == 302 and posted["Location"] == f"/payments/statements/{record.pk}/"
    detail = client.get(posted["Location"]).content.decode()
    assert (
        'data-line="1" data-outcome="applied"' in detail
        and 'data-line="2" data-outcome="unmatched"' in detail
    )
    only_waiting = client.get(f"{posted['Location']}?outcome=unmatched").content.decode()
    assert 'data-line="1"' not in only_waiting
    # The same file again: nothing applied, the first import shown.
    again = client.post(
        "/payments/statements/", {"bank": "DEMO-BANK", "file": SimpleUploadedFile("x.sta", data)}
    )
    assert again["Location"] == f"/payments/statements/{record.pk}/" and Payment.objects.count() == 1
    # A file that is not a statement: the coded refusal on the form.
    refused = client.post(
        "/payments/statements/", {"bank": "DEMO-BANK", "file": SimpleUploadedFile("x.txt", b"hello")}
    )
    assert refused.status_code == 200 and "PAY-003" in refused.content.decode()

    line = StatementLine.objects.get(outcome=LineOutcome.UNMATCHED)
    queue = client.get("/payments/waiting/?q=october").content.decode()
    assert f'data-line="{line.pk}"' in queue
    assert f'data-line="{line.pk}"' not in client.get("/payments/waiting/?q=nothing-like-it").content.decode()
    form = client.get(f"/payments/waiting/{line.pk}/")
    assert form.status_code == 200 and 'data-testid="resolve-form"' in form.content.decode()
    missing = client.post(f"/payments/waiting/{line.pk}/", {"resolution": "bill", "bill_number": ""})
    assert missing.status_code == 200 and "PAY-042" in missing.content.decode()
    done = client.post(
        f"/payments/waiting/{line.pk}/",
        {"resolution": "bill", "bill_number": october.number, "note": "called them"},
    )
    assert done.status_code == 302 and done["Location"] == "/payments/waiting/"
    line.refresh_from_db()
    assert line.outcome == LineOutcome.RESOLVED and line.resolved_by == finance and line.payment is not None
    assert AuditEntry.objects.filter(action="payments.line_resolved").count() == 1
    assert 'data-testid="not-waiting"' in client.get(f"/payments/waiting/{line.pk}/").content.decode()
