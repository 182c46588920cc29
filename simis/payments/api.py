"""The banks' web services and the employers' receipts service: ``/api/v1/payments/``.

Thin: each operation checks its input and calls one service or selector. The gateway has
already verified the partner's signature; writes run under the partner's Idempotency-Key (a
retried POST gets the stored answer), and a payment is also applied once per bank reference
whatever key it comes with. Bill inquiry, notifications and reversals are for partners of kind
``bank``; receipts for ``employer_system`` partners, scoped to their establishment and its
branches.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.responses import codes_4xx

from simis.api.public import PartnerKind, api_caller
from simis.core.errors import SimisError
from simis.payments import selectors, services
from simis.payments.choices import PaymentChannel
from simis.payments.errors import PaymentError
from simis.payments.models import Payment, Receipt

router = Router(tags=["payments"])

MAX_RECEIPTS = 100
_STATUS = {
    PaymentError.BAD_BILL_NUMBER: 404,
    PaymentError.UNKNOWN_BILL: 404,
    PaymentError.UNKNOWN_PAYMENT: 404,
    PaymentError.NOT_A_BANK: 403,
    PaymentError.RECEIPTS_NOT_ALLOWED: 403,
    PaymentError.ESTABLISHMENT_NOT_ALLOWED: 403,
    PaymentError.REFERENCE_CONFLICT: 409,
}


class ErrorOut(Schema):
    code: str
    message: str
    message_ar: str
    message_en: str


class BillOut(Schema):
    bill_number: str
    establishment_number: str
    establishment_name_ar: str
    establishment_name_en: str
    month: str = Field(..., description="The month billed, YYYY-MM.")
    bill_total: Decimal = Field(..., description="The bill's total in SAR.")
    due_date: date
    amount_due: Decimal = Field(
        ...,
        description="What the establishment owes now in SAR: contributions and fines owed less its "
        "credit, never below zero. A payment settles the oldest debt first, whatever bill it names.",
    )
    status: str = Field(..., description="The bill's month: unpaid, partly_paid or paid.")


class NotificationIn(Schema):
    bill_number: str = Field(..., max_length=40, description="The 14-digit bill number the payer gave.")
    amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2, description="SAR paid.")
    paid_at: datetime = Field(..., description="When the payer paid (ISO 8601 with a time zone).")
    channel: PaymentChannel = Field(..., description="atm, phone, internet, branch or transfer.")
    bank_reference: str = Field(
        ...,
        max_length=64,
        description="Your reference of the payment, unique among your payments; the same "
        "reference again returns the same receipt. Book it under the same reference on your "
        "statement.",
    )


class SettledOut(Schema):
    account: str = Field(..., description="contributions or penalties (fines).")
    month: str = Field(..., description="YYYY-MM")
    amount: Decimal


class ReceiptOut(Schema):
    receipt_number: str
    issued_at: datetime
    payment_number: str
    bill_number: str | None
    establishment_number: str
    amount: Decimal
    paid_on: date
    paid_at: datetime | None
    channel: str
    channel_name: str = Field(..., description="The payment type in the language asked for.")
    bank: str
    bank_reference: str
    status: str = Field(..., description="applied or reversed.")
    settled: list[SettledOut] = Field(..., description="What the payment settled, oldest month first.")
    credit: Decimal = Field(..., description="What exceeded every debt and became the employer's credit.")
    already_notified: bool = Field(
        False, description="True when this bank reference had been notified before: nothing new was applied."
    )


class ReversalIn(Schema):
    bank_reference: str = Field(
        ..., max_length=64, description="The reference the payment was notified with."
    )
    reason: str = Field(..., max_length=200, description="Why the payment is taken back.")


class ReversalOut(Schema):
    payment_number: str
    receipt_number: str
    bank_reference: str
    amount: Decimal
    reversed_on: date
    reason: str
    status: str
    already_reversed: bool


class ReceiptsOut(Schema):
    count: int
    offset: int
    limit: int
    receipts: list[ReceiptOut]


class ReceiptsQuery(Schema):
    establishment: str = Field("", max_length=16, description="One of your establishments (default: all).")
    from_: date | None = Field(None, alias="from", description="First day paid (YYYY-MM-DD).")
    to: date | None = Field(None, description="Last day paid.")
    number: str = Field("", max_length=14, description="A receipt or payment number.")
    channel: PaymentChannel | None = Field(None, description="Only this payment type.")
    offset: int = Field(0, ge=0)
    limit: int = Field(25, ge=1, le=MAX_RECEIPTS)


def _refused(error: SimisError) -> JsonResponse:
    status = _STATUS.get(error.error, 422)  # type: ignore[call-overload]
    return JsonResponse(error.as_dict(), status=status, json_dumps_params={"ensure_ascii": False})


def _bank(request: HttpRequest) -> str:
    caller = api_caller(request)
    if caller.kind != PartnerKind.BANK:
        raise SimisError(PaymentError.NOT_A_BANK, kind=caller.kind)
    return caller.partner_code


def receipt_out(receipt: Receipt, *, already: bool = False) -> dict[str, Any]:
    payment: Payment = receipt.payment
    return {
        "receipt_number": receipt.number,
        "issued_at": receipt.issued_at,
        "payment_number": payment.number,
        "bill_number": payment.bill.number if payment.bill_id and payment.bill else None,
        "establishment_number": payment.establishment.number,
        "amount": payment.amount.amount,
        "paid_on": payment.paid_on,
        "paid_at": payment.paid_at,
        "channel": payment.channel,
        "channel_name": str(PaymentChannel(payment.channel).label),
        "bank": payment.bank,
        "bank_reference": payment.bank_reference,
        "status": payment.status,
        "settled": [
            {"account": row.account, "month": f"{row.month:%Y-%m}", "amount": row.amount}
            for row in selectors.receipt_settled(receipt)
        ],
        "credit": receipt.credit.amount,
        "already_notified": already,
    }


@router.get("/bills/{number}", response={200: BillOut, codes_4xx: ErrorOut}, url_name="payments-bill-inquiry")
def bill_inquiry(request: HttpRequest, number: str) -> Any:
    """Bill inquiry for a bank's channels: the bill, its establishment and the amount due now.
    404 PAY-030 for a malformed number, PAY-031 for an unknown bill."""
    try:
        _bank(request)
        found = selectors.bill_inquiry(number)
    except SimisError as error:
        return _refused(error)
    return {
        "bill_number": found.bill.number,
        "establishment_number": found.establishment_number,
        "establishment_name_ar": found.name_ar,
        "establishment_name_en": found.name_en,
        "month": f"{found.month:%Y-%m}",
        "bill_total": found.total,
        "due_date": found.due_on,
        "amount_due": found.amount_due,
        "status": found.status.value,
    }


@router.post(
    "/notifications",
    response={200: ReceiptOut, 201: ReceiptOut, codes_4xx: ErrorOut},
    url_name="payments-notify",
)
def payment_notification(request: HttpRequest, payload: NotificationIn) -> Any:
    """A payment made at the bank: applied to the establishment's account at once, oldest debt
    first, and its receipt returned (201). The same ``bank_reference`` again returns the same
    receipt (200, ``already_notified``) and applies nothing; with another bill or amount it is
    refused (409 PAY-033)."""
    try:
        bank = _bank(request)
        notified = services.payment_notify(
            bank=bank,
            bill_number=payload.bill_number,
            amount=payload.amount,
            paid_at=payload.paid_at,
            channel=payload.channel,
            bank_reference=payload.bank_reference,
            now=timezone.now(),
        )
    except SimisError as error:
        return _refused(error)
    body = receipt_out(notified.receipt, already=not notified.created)
    return Status(201 if notified.created else 200, body)


@router.post(
    "/reversals",
    response={200: ReversalOut, 201: ReversalOut, codes_4xx: ErrorOut},
    url_name="payments-reverse",
)
def payment_reversal(request: HttpRequest, payload: ReversalIn) -> Any:
    """Take back a payment the bank notified: the months it settled are owed again (201). A
    second reversal of the same payment returns the first (200, ``already_reversed``)."""
    try:
        bank = _bank(request)
        done = services.payment_reversal_notify(
            bank=bank, bank_reference=payload.bank_reference, reason=payload.reason
        )
    except SimisError as error:
        return _refused(error)
    reversal = done.reversal
    payment = reversal.payment
    body = {
        "payment_number": payment.number,
        "receipt_number": payment.receipt.number,
        "bank_reference": payment.bank_reference,
        "amount": payment.amount.amount,
        "reversed_on": reversal.reversed_on,
        "reason": reversal.reason,
        "status": payment.status,
        "already_reversed": not done.created,
    }
    return Status(201 if done.created else 200, body)


@router.get("/receipts", response={200: ReceiptsOut, codes_4xx: ErrorOut}, url_name="payments-receipts")
def receipts(request: HttpRequest, filters: Query[ReceiptsQuery]) -> Any:
    """An employer system's receipts (CON-3): those of its establishment and its branches, newest
    payment first, filtered by establishment, days paid, number and payment type."""
    caller = api_caller(request)
    try:
        if caller.kind != PartnerKind.EMPLOYER_SYSTEM:
            raise SimisError(PaymentError.RECEIPTS_NOT_ALLOWED, kind=caller.kind)
        if filters.establishment and not selectors.establishment_of_partner(
            organisation_key=caller.organisation_key, number=filters.establishment
        ):
            raise SimisError(
                PaymentError.ESTABLISHMENT_NOT_ALLOWED,
                key=caller.organisation_key,
                number=filters.establishment,
            )
        if filters.from_ and filters.to and filters.from_ > filters.to:
            raise SimisError(PaymentError.DATE_RANGE, start=filters.from_, end=filters.to)
    except SimisError as error:
        return _refused(error)
    found = selectors.receipts_for_partner(
        organisation_key=caller.organisation_key,
        wanted=selectors.ReceiptFilter(
            number=filters.number.strip(),
            start=filters.from_,
            end=filters.to,
            channel=filters.channel.value if filters.channel else "",
            establishment=filters.establishment,
        ),
    )
    page = list(found[filters.offset : filters.offset + filters.limit])
    return {
        "count": found.count(),
        "offset": filters.offset,
        "limit": filters.limit,
        "receipts": [receipt_out(receipt) for receipt in page],
    }
