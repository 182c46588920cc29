"""Reads of the payments app, always through the reader's scope: staff see every payment; an
employer user the payments of the establishments it acts for (bound ones and their branches);
an employer's partner system those of its own establishment. Anything else is not found."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import get_language

from simis.contributions.public import Bill, BillStatus, account_summary, bill_month_owed, bill_status
from simis.identity.public import Audience, user_scope
from simis.payments import rules
from simis.payments.choices import LineOutcome
from simis.payments.models import Payment, Receipt, StatementImport, StatementLine
from simis.payments.services import bill_for_payment
from simis.registry.public import Establishment, establishments_visible

PAGE_SIZE = 25


# --- Bill inquiry (CON-5) ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BillInquiry:
    bill: Bill
    establishment_number: str
    name_ar: str
    name_en: str
    month: date
    total: Decimal
    due_on: date
    amount_due: Decimal  # the establishment's whole balance now, never below zero
    month_owed: Decimal  # what is still owed of the bill's own month (contributions)
    status: BillStatus


def bill_inquiry(number: str) -> BillInquiry:
    """What a bank shows an employer before it pays: the bill, its establishment and what is
    due now — the establishment's balance (contributions and fines owed, less its credit, never
    below zero), since a payment settles the oldest debt first whatever bill it names. PAY-030
    for a malformed number, PAY-031 for a bill never issued."""
    bill = bill_for_payment(number)
    establishment = bill.establishment
    balance = account_summary(establishment.pk).balance.amount
    owed = _month_owed(bill)
    return BillInquiry(
        bill=bill,
        establishment_number=establishment.number,
        name_ar=establishment.name_ar,
        name_en=establishment.name_en,
        month=bill.month,
        total=bill.total.amount,
        due_on=bill.due_on,
        amount_due=rules.amount_due(balance),
        month_owed=owed,
        status=bill_status(total=bill.total.amount, owed=owed),
    )


def bills_unpaid(*, limit: int) -> list[BillInquiry]:
    """Up to ``limit`` bills something of whose month is still owed, newest month first (the
    demo's statement generator pays them)."""
    found: list[BillInquiry] = []
    for number in Bill.objects.order_by("-month", "pk").values_list("number", flat=True).iterator():
        inquiry = bill_inquiry(number)
        if inquiry.month_owed > 0:
            found.append(inquiry)
            if len(found) >= limit:
                break
    return found


def _month_owed(bill: Bill) -> Decimal:
    """The contributions still owed for the bill's month."""
    return bill_month_owed(bill).amount


# --- Receipts and payments -------------------------------------------------------------------------


def payments_visible(user: Any) -> QuerySet[Payment]:
    """Staff: every payment. Employer users: their establishments'. Anyone else: none."""
    scope = user_scope(user)
    if scope.unrestricted:
        return Payment.objects.all()
    if getattr(user, "audience", "") != Audience.EMPLOYER:
        return Payment.objects.none()
    return Payment.objects.filter(establishment__in=establishments_visible(user).values("pk"))


def receipts_visible(user: Any) -> QuerySet[Receipt]:
    return Receipt.objects.filter(payment__in=payments_visible(user).values("pk"))


@dataclass(frozen=True, slots=True)
class ReceiptFilter:
    number: str = ""
    start: date | None = None
    end: date | None = None
    channel: str = ""
    establishment: str = ""


def _receipts_filtered(receipts: QuerySet[Receipt], wanted: ReceiptFilter) -> QuerySet[Receipt]:
    if wanted.number:
        receipts = receipts.filter(Q(number=wanted.number) | Q(payment__number=wanted.number))
    if wanted.start:
        receipts = receipts.filter(payment__paid_on__gte=wanted.start)
    if wanted.end:
        receipts = receipts.filter(payment__paid_on__lte=wanted.end)
    if wanted.channel:
        receipts = receipts.filter(payment__channel=wanted.channel)
    if wanted.establishment:
        receipts = receipts.filter(payment__establishment__number=wanted.establishment)
    return receipts.select_related("payment", "payment__establishment", "payment__bill").order_by(
        "-payment__paid_on", "-payment_id"
    )


def receipt_search(*, user: Any, wanted: ReceiptFilter) -> QuerySet[Receipt]:
    """The receipts ``user`` may see that match, newest payment first."""
    return _receipts_filtered(receipts_visible(user), wanted)


def receipt_get(*, user: Any, number: str) -> Receipt | None:
    """The receipt with this number if ``user`` may see it; None otherwise (not told apart)."""
    return (
        receipts_visible(user)
        .select_related("payment", "payment__establishment", "payment__bill", "payment__reversal")
        .filter(number=number.strip())
        .first()
    )


def receipts_for_partner(*, organisation_key: str, wanted: ReceiptFilter) -> QuerySet[Receipt]:
    """The receipts of a partner's establishment and its branches."""
    own = Receipt.objects.filter(
        Q(payment__establishment__number=organisation_key)
        | Q(payment__establishment__parent__number=organisation_key)
    )
    return _receipts_filtered(own, wanted)


def establishment_of_partner(*, organisation_key: str, number: str) -> bool:
    """Whether establishment ``number`` is the partner's own or one of its branches."""
    return (
        Establishment.objects.filter(number=number)
        .filter(Q(number=organisation_key) | Q(parent__number=organisation_key))
        .exists()
    )


@dataclass(frozen=True, slots=True)
class PaymentFilter:
    query: str = ""  # payment, receipt or bill number, bank reference, establishment number
    status: str = ""
    channel: str = ""
    bank: str = ""
    start: date | None = None
    end: date | None = None


def payment_search(*, user: Any, wanted: PaymentFilter) -> QuerySet[Payment]:
    """Staff's search of payments, newest first."""
    payments = payments_visible(user)
    text = wanted.query.strip()
    if text:
        payments = payments.filter(
            Q(number=text)
            | Q(receipt__number=text)
            | Q(bill__number=text)
            | Q(bank_reference=text)
            | Q(establishment__number=text)
        )
    if wanted.status:
        payments = payments.filter(status=wanted.status)
    if wanted.channel:
        payments = payments.filter(channel=wanted.channel)
    if wanted.bank:
        payments = payments.filter(bank=wanted.bank)
    if wanted.start:
        payments = payments.filter(paid_on__gte=wanted.start)
    if wanted.end:
        payments = payments.filter(paid_on__lte=wanted.end)
    return payments.select_related("establishment", "bill", "receipt").order_by("-paid_on", "-id")


def banks_known() -> list[str]:
    """The banks payments came from, for choosing one."""
    return sorted(Payment.objects.order_by().values_list("bank", flat=True).distinct())


@dataclass(frozen=True, slots=True)
class SettledRow:
    account: str
    month: date
    amount: Decimal


def receipt_settled(receipt: Receipt) -> list[SettledRow]:
    """What the payment settled, month by month, oldest first."""
    return [
        SettledRow(item["account"], date.fromisoformat(item["month"]), Decimal(item["amount"]))
        for item in receipt.settled
    ]


def establishment_name(establishment: Any) -> str:
    """The establishment's name in the active language."""
    return str(establishment.name_ar if (get_language() or "ar").startswith("ar") else establishment.name_en)


# --- Statements and the work queue -------------------------------------------------------------------


def statement_imports() -> QuerySet[StatementImport]:
    return StatementImport.objects.select_related("imported_by").order_by("-imported_at", "-pk")


def statement_import_get(pk: int) -> StatementImport | None:
    return StatementImport.objects.select_related("imported_by").filter(pk=pk).first()


def statement_import_waiting(statement_import: StatementImport) -> int:
    return statement_import.lines.filter(outcome=LineOutcome.UNMATCHED).count()


def statement_lines(statement_import: StatementImport, *, outcome: str = "") -> QuerySet[StatementLine]:
    lines = statement_import.lines.select_related("payment")
    if outcome:
        lines = lines.filter(outcome=outcome)
    return lines.order_by("position")


def statement_outcome_counts(statement_import: StatementImport) -> dict[str, int]:
    rows = statement_import.lines.order_by().values("outcome").annotate(count=Count("id"))
    return {row["outcome"]: row["count"] for row in rows}


def lines_waiting(*, query: str = "") -> QuerySet[StatementLine]:
    """Entries waiting for staff, oldest first; ``query`` searches the payer, the remittance,
    the references and the amount."""
    lines = StatementLine.objects.filter(outcome=LineOutcome.UNMATCHED).select_related("statement_import")
    text = query.strip()
    if text:
        condition = (
            Q(debtor_name__icontains=text)
            | Q(remittance__icontains=text)
            | Q(entry_reference__iexact=text)
            | Q(end_to_end_id__iexact=text)
            | Q(debtor_account__iexact=text)
        )
        with contextlib.suppress(ArithmeticError):  # not a number: text only
            condition |= Q(amount=Decimal(text.replace(",", "")))
        lines = lines.filter(condition)
    return lines.order_by("booking_date", "id")


def line_get(pk: int) -> StatementLine | None:
    return (
        StatementLine.objects.select_related("statement_import", "payment", "resolved_by")
        .filter(pk=pk)
        .first()
    )
