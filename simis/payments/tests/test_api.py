"""The banks' web services and the employers' receipts service (``/api/v1/payments/``), called
with real RFC 9421 signatures: a bank inquires and pays a bill, a retry with the same
Idempotency-Key replays, the same bank reference under another key returns the same receipt,
a reversal takes the payment back; an employer system reads its own receipts only; every
answer is signed by SIMIS."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from simis.api.models import PartnerKind
from simis.api.tests.conftest import SignedCaller
from simis.payments.models import Payment
from simis.payments.tests.conftest import OCT, SEP
from simis.registry.tests.api_support import assert_refused, assert_signed_by_simis, partner_make

pytestmark = pytest.mark.django_db

BASE = "/api/v1/payments"
PAID_AT = datetime(2026, 11, 3, 9, 30, tzinfo=UTC).isoformat()


@pytest.fixture
def caller(client: Client) -> SignedCaller:
    return SignedCaller(client)


@pytest.fixture
def bank(db: Any):  # type: ignore[no-untyped-def]
    return partner_make("RIYAD-BANK", kind=PartnerKind.BANK, organisation_key="RIBL", name_en="Riyad Bank")


def _pay(
    caller: SignedCaller,
    bank: Any,
    bill: str,
    amount: str = "1000.00",
    reference: str = "ATM-1",
    key: str = "k-1",
    **extra: Any,
) -> Any:
    payload = {
        "bill_number": bill,
        "amount": amount,
        "paid_at": PAID_AT,
        "channel": extra.pop("channel", "atm"),
        "bank_reference": reference,
    }
    return caller.call(bank, "POST", f"{BASE}/notifications", payload, idempotency_key=key)


def test_a_bank_inquires_a_bill(client: Client, caller: SignedCaller, bank: Any, billed: Any) -> None:
    october = billed.bill(billed.one, OCT)
    path = f"{BASE}/bills/{october.number}"
    response = caller.call(bank, "GET", path)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body == {
        "bill_number": october.number,
        "establishment_number": billed.one.number,
        "establishment_name_ar": billed.one.name_ar,
        "establishment_name_en": billed.one.name_en,
        "month": "2026-10",
        "bill_total": "2687.50",
        "due_date": october.due_on.isoformat(),
        "amount_due": "5375.00",
        "status": "unpaid",
    }
    assert_signed_by_simis(client, response, "GET", path)


@pytest.mark.parametrize(("number", "code"), [("10000000000017", "PAY-031"), ("12-34", "PAY-030")])
def test_an_unknown_or_malformed_bill_is_a_coded_404(
    caller: SignedCaller, bank: Any, billed: Any, number: str, code: str
) -> None:
    from simis.core.identifiers import bill_number_make

    if code == "PAY-031":
        number = bill_number_make(777_777)
    assert_refused(caller.call(bank, "GET", f"{BASE}/bills/{number}"), 404, code)


def test_only_banks_use_the_payment_services(caller: SignedCaller, billed: Any) -> None:
    payroll = partner_make(
        "NOUR-PAYROLL", kind=PartnerKind.EMPLOYER_SYSTEM, organisation_key=billed.one.number
    )
    number = billed.bill(billed.one, OCT).number
    assert_refused(caller.call(payroll, "GET", f"{BASE}/bills/{number}"), 403, "PAY-032")
    assert_refused(_pay(caller, payroll, number), 403, "PAY-032")
    assert_refused(caller.call(None, "GET", f"{BASE}/bills/{number}"), 401, "API-101")
    assert not Payment.objects.exists()


def test_a_bank_pays_a_bill_and_gets_the_receipt(
    client: Client, caller: SignedCaller, bank: Any, billed: Any
) -> None:
    number = billed.bill(billed.one, OCT).number
    response = _pay(caller, bank, number, "3000.00", channel="internet")
    assert response.status_code == 201, response.content
    receipt = response.json()
    payment = Payment.objects.get()
    assert receipt["receipt_number"] == payment.receipt.number and receipt["payment_number"] == payment.number
    assert receipt["bill_number"] == number and receipt["establishment_number"] == billed.one.number
    assert receipt["channel"] == "internet" and receipt["channel_name"] == "الإنترنت المصرفي"
    assert (
        receipt["bank"] == "RIYAD-BANK" and receipt["status"] == "applied" and not receipt["already_notified"]
    )
    assert receipt["settled"] == [
        {"account": "contributions", "month": "2026-09", "amount": "2687.50"},
        {"account": "contributions", "month": "2026-10", "amount": "312.50"},
    ]
    assert receipt["credit"] == "0.00"
    assert_signed_by_simis(client, response, "POST", f"{BASE}/notifications")


def test_a_retried_notification_is_applied_once(caller: SignedCaller, bank: Any, billed: Any) -> None:
    number = billed.bill(billed.one, OCT).number
    first = _pay(caller, bank, number, reference="REF-1", key="k-1")
    replay = _pay(caller, bank, number, reference="REF-1", key="k-1")
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.content == first.content
    other_key = _pay(caller, bank, number, reference="REF-1", key="k-2")
    assert other_key.status_code == 200
    assert other_key.json()["already_notified"] is True
    assert other_key.json()["receipt_number"] == first.json()["receipt_number"]
    assert Payment.objects.count() == 1
    conflict = _pay(caller, bank, number, amount="1.00", reference="REF-1", key="k-3")
    assert_refused(conflict, 409, "PAY-033")


def test_a_notification_is_validated(caller: SignedCaller, bank: Any, billed: Any) -> None:
    number = billed.bill(billed.one, OCT).number
    body = assert_refused(_pay(caller, bank, number, channel="pigeon"), 422, "API-422")
    assert any("channel" in error["loc"] for error in body["errors"])
    assert_refused(_pay(caller, bank, number, amount="-5", key="k-2"), 422, "API-422")
    assert_refused(_pay(caller, bank, number, reference="bad ref", key="k-3"), 422, "PAY-037")


def test_a_bank_reverses_a_payment(caller: SignedCaller, bank: Any, billed: Any) -> None:
    number = billed.bill(billed.one, SEP).number
    _pay(caller, bank, number, reference="REV-1")
    payload = {"bank_reference": "REV-1", "reason": "Card payment disputed"}
    response = caller.call(bank, "POST", f"{BASE}/reversals", payload, idempotency_key="r-1")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "reversed" and response.json()["already_reversed"] is False
    again = caller.call(bank, "POST", f"{BASE}/reversals", payload, idempotency_key="r-2")
    assert again.status_code == 200 and again.json()["already_reversed"] is True
    unknown = caller.call(
        bank, "POST", f"{BASE}/reversals", {"bank_reference": "NOPE", "reason": "x"}, idempotency_key="r-3"
    )
    assert_refused(unknown, 404, "PAY-036")
    # Another bank cannot reverse this bank's payment.
    other = partner_make("OTHER-BANK", kind=PartnerKind.BANK, organisation_key="OTHR")
    assert_refused(
        caller.call(other, "POST", f"{BASE}/reversals", payload, idempotency_key="r-4"), 404, "PAY-036"
    )


def test_an_employer_system_reads_its_own_receipts(
    client: Client, caller: SignedCaller, bank: Any, billed: Any
) -> None:
    _pay(caller, bank, billed.bill(billed.one, SEP).number, "100.00", reference="A-1", key="a1")
    _pay(
        caller,
        bank,
        billed.bill(billed.one, OCT).number,
        "200.00",
        reference="A-2",
        key="a2",
        channel="branch",
    )
    _pay(caller, bank, billed.bill(billed.two, OCT).number, "300.00", reference="B-1", key="b1")
    payroll = partner_make(
        "ONE-PAYROLL", kind=PartnerKind.EMPLOYER_SYSTEM, organisation_key=billed.one.number
    )
    path = f"{BASE}/receipts"
    response = caller.call(payroll, "GET", path)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 2 and {r["bank_reference"] for r in body["receipts"]} == {"A-1", "A-2"}
    assert_signed_by_simis(client, response, "GET", path)
    branch = caller.call(payroll, "GET", f"{path}?channel=branch&from=2026-11-01&to=2026-11-30").json()
    assert [r["bank_reference"] for r in branch["receipts"]] == ["A-2"]
    number = branch["receipts"][0]["receipt_number"]
    assert caller.call(payroll, "GET", f"{path}?number={number}").json()["count"] == 1
    assert caller.call(payroll, "GET", f"{path}?limit=1&offset=1").json()["receipts"][0][
        "bank_reference"
    ] in {"A-1", "A-2"}
    assert_refused(caller.call(payroll, "GET", f"{path}?establishment={billed.two.number}"), 403, "PAY-051")
    assert_refused(caller.call(payroll, "GET", f"{path}?from=2026-11-30&to=2026-11-01"), 422, "PAY-052")
    assert_refused(caller.call(bank, "GET", path), 403, "PAY-050")


def test_the_payment_services_are_in_the_openapi_document(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get"} <= set(paths[f"{BASE}/bills/{{number}}"])
    assert {"post"} <= set(paths[f"{BASE}/notifications"])
    assert {"post"} <= set(paths[f"{BASE}/reversals"])
    receipts = paths[f"{BASE}/receipts"]["get"]
    assert {p["name"] for p in receipts["parameters"]} >= {"establishment", "from", "to", "number", "channel"}
