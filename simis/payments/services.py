"""Writes of the payments app: a bank's payment notification and reversal (CON-5), a statement
file imported and reconciled (CH-4), and a staff decision on an entry that waited. Each is one
transaction and is audited.

Money reaches the employer's account only through ``contributions.public.payment_post`` and, for
a statement's many payments at once, ``payments_post`` (which settle the oldest debt first and
turn any excess into credit), and leaves it only through ``payment_reverse``; this app never
allocates.

Applied once, whatever arrives twice:

- a notification takes a transaction lock on its bank and reference, then looks the reference
  up: a second notification of the same payment — retried, or racing the first from another
  web process — waits for the first to commit and answers with its receipt;
- a statement entry whose reference the bank already notified confirms that payment instead of
  applying another; the unique ``(bank, bank_reference)`` constraint and the ledger's unique
  ``source`` hold the line behind both;
- a statement file is imported once (unique SHA-256; a second import of the same bytes returns
  the first), and imports of one bank's statements run one at a time.
"""

from __future__ import annotations

import gc
import hashlib
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from simis.audit.public import audit_record
from simis.contributions.public import (
    Bill,
    PaymentIn,
    PaymentPosting,
    ReversalIn,
    accounts_lock,
    bill_by_number,
    payments_post,
    payments_reverse,
)
from simis.core.db_copy import ids_take, objects_copy
from simis.core.errors import SimisError
from simis.core.identifiers import bill_number_valid, normalise_digits
from simis.core.money import Money
from simis.core.timing import StepTimer
from simis.payments import rules
from simis.payments.actions import PaymentAction
from simis.payments.choices import (
    LineOutcome,
    LineReason,
    PaymentChannel,
    PaymentOrigin,
    PaymentStatus,
    Resolution,
)
from simis.payments.errors import PaymentError
from simis.payments.models import Payment, PaymentReversal, Receipt, StatementImport, StatementLine
from simis.payments.statement_files import STATEMENT_MAX_BYTES, Statement, StatementEntry, statements_parse
from simis.registry.public import Establishment

# Two-key advisory locks: "PAY" + a hash of (bank, reference), "PAY"+1 + a hash of the bank.
_REFERENCE_LOCK = 0x504159
_IMPORT_LOCK = 0x50415A
# A bank's clock may run a little ahead of ours.
CLOCK_SKEW = timedelta(minutes=5)
# Django's ``__in`` sends one parameter per value; PostgreSQL takes at most 65,535 per statement.
_CHUNK = 10_000


@dataclass(frozen=True, slots=True)
class PaymentDraft:
    """A payment to record and post."""

    establishment_id: int
    bill_id: int | None
    amount: Decimal
    channel: str
    origin: str
    bank: str
    bank_reference: str
    paid_on: date
    paid_at: datetime | None = None


def _lock(first: int, text: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [first, text])


def _reference_lock(bank: str, reference: str) -> None:
    """Holds (bank, reference) until the transaction ends."""
    _lock(_REFERENCE_LOCK, f"{bank}\x1f{reference}")


def _settled_record(posting: PaymentPosting) -> list[dict[str, str]]:
    return [
        {"account": str(account), "month": month.isoformat(), "amount": str(amount.amount)}
        for account, month, amount in posting.settled
    ]


def _payments_apply(
    drafts: Sequence[PaymentDraft], *, timer: StepTimer | None = None, also_lock: Iterable[int] = ()
) -> list[Payment]:
    """Records the payments with their numbers, posts each to its establishment's account (in
    the order given) and issues their receipts. Inside the caller's transaction.

    Several establishments' accounts (theirs and ``also_lock``) are locked together first, in
    establishment order, so that a file and the notifications arriving meanwhile never wait for
    each other in a circle; the payments are inserted before, so that a notification holding a
    reference this file also names has nothing of the file's to wait for."""
    timer = timer or StepTimer()
    with timer.step("payments"):
        payments = _payments_insert(drafts)
    establishments = {payment.establishment_id for payment in payments} | set(also_lock)
    if len(establishments) > 1:
        with timer.step("locks"):
            accounts_lock(establishments)
    with timer.step("postings"):
        postings = payments_post(
            [
                PaymentIn(
                    establishment_id=payment.establishment_id,
                    amount=payment.amount,
                    paid_on=payment.paid_on,
                    source=payment.posting_source,
                    memo=f"{payment.number} {payment.bank} {payment.bank_reference}",
                )
                for payment in payments
            ]
        )
    receipts = [
        Receipt(
            id=pk,
            number=rules.receipt_number(payment.pk),
            payment=payment,
            issued_at=payment.created_at,
            settled=_settled_record(posting),
            credit=posting.credit,
        )
        for pk, payment, posting in zip(ids_take(Receipt, len(payments)), payments, postings, strict=True)
    ]
    with timer.step("receipts"):
        objects_copy(Receipt, receipts)
    for payment, receipt in zip(payments, receipts, strict=True):
        payment.receipt = receipt
    return payments


def _payments_insert(drafts: Sequence[PaymentDraft]) -> list[Payment]:
    # Ids first, so that numbers (made from the id) are written with the rows.
    ids = ids_take(Payment, len(drafts))
    now = timezone.now()
    payments = [
        Payment(
            id=pk,
            number=rules.payment_number(pk),
            establishment_id=draft.establishment_id,
            bill_id=draft.bill_id,
            amount=Money(draft.amount),
            channel=draft.channel,
            origin=draft.origin,
            bank=draft.bank,
            bank_reference=draft.bank_reference,
            paid_on=draft.paid_on,
            paid_at=draft.paid_at,
            status=PaymentStatus.APPLIED,
            posting_source=rules.posting_source(pk),
            created_at=now,
        )
        for pk, draft in zip(ids, drafts, strict=True)
    ]
    objects_copy(Payment, payments)
    return payments


@dataclass(frozen=True, slots=True)
class _Reversal:
    payment: Payment
    reason: str
    on: date
    origin: str
    line: StatementLine | None = None


def _reverse(
    payment: Payment, *, reason: str, on: date, origin: str, line: StatementLine | None = None
) -> PaymentReversal:
    return _reversals_make([_Reversal(payment, reason, on, origin, line)])[0]


def _reversals_make(reversals: Sequence[_Reversal]) -> list[PaymentReversal]:
    """Undoes the payments in the ledger (``payments_reverse``: one batch whatever their
    number), marks them reversed and records each reversal."""
    if not reversals:
        return []
    payments_reverse(
        [
            ReversalIn(
                payment_source=r.payment.posting_source,
                reversed_on=r.on,
                source=rules.reversal_source(r.payment.pk),
                memo=r.reason[:200],
            )
            for r in reversals
        ]
    )
    for chunk in _chunks([r.payment.pk for r in reversals]):
        Payment.objects.filter(pk__in=chunk).update(status=PaymentStatus.REVERSED)
    records = []
    for pk, r in zip(ids_take(PaymentReversal, len(reversals)), reversals, strict=True):
        r.payment.status = PaymentStatus.REVERSED
        records.append(
            PaymentReversal(
                id=pk,
                payment=r.payment,
                reason=r.reason[:200],
                reversed_on=r.on,
                origin=r.origin,
                posting_source=rules.reversal_source(r.payment.pk),
                statement_line=r.line,
            )
        )
    objects_copy(PaymentReversal, records)
    return records


# --- The banks' web services (CON-5) ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Notified:
    payment: Payment
    receipt: Receipt
    created: bool  # False: the bank had notified this payment before; nothing was applied now


def reference_check(reference: str) -> str:
    reference = (reference or "").strip()
    if not rules.bank_reference_valid(reference):
        raise SimisError(PaymentError.BAD_REFERENCE, reference=reference[:80])
    return reference


def bill_for_payment(number: str) -> Bill:
    """The bill a payer names; PAY-030 for a malformed number, PAY-031 for one never issued."""
    number = normalise_digits((number or "").strip())
    if not bill_number_valid(number):
        raise SimisError(PaymentError.BAD_BILL_NUMBER, number=number[:40])
    bill = bill_by_number(number)
    if bill is None:
        raise SimisError(PaymentError.UNKNOWN_BILL, number=number)
    return bill


def payment_notify(
    *,
    bank: str,
    bill_number: str,
    amount: Decimal,
    paid_at: datetime,
    channel: PaymentChannel | str,
    bank_reference: str,
    now: datetime | None = None,
) -> Notified:
    """A bank tells SIMIS that an employer paid a bill at one of its channels: the payment is
    recorded, applied to the establishment's account (oldest debt first) and its receipt issued,
    in one transaction. The same bank reference again returns the first payment's receipt and
    applies nothing (PAY-033 when it came with another bill or amount)."""
    now = now or timezone.now()
    reference = reference_check(bank_reference)
    if amount <= 0:
        raise SimisError(PaymentError.AMOUNT_NOT_POSITIVE, amount=amount)
    money = Money(amount)
    if timezone.is_naive(paid_at):
        paid_at = timezone.make_aware(paid_at)
    if paid_at > now + CLOCK_SKEW:
        raise SimisError(PaymentError.PAID_IN_FUTURE, value=paid_at.isoformat(), now=now.isoformat())
    chosen = PaymentChannel(channel)
    with transaction.atomic():
        _reference_lock(bank, reference)
        earlier = _notified_before(bank, reference, bill_number=bill_number, amount=money)
        if earlier is not None:
            return earlier
        bill = bill_for_payment(bill_number)
        try:
            with transaction.atomic():
                (payment,) = _payments_apply(
                    [
                        PaymentDraft(
                            establishment_id=bill.establishment_id,
                            bill_id=bill.pk,
                            amount=money.amount,
                            channel=chosen,
                            origin=PaymentOrigin.NOTIFICATION,
                            bank=bank,
                            bank_reference=reference,
                            paid_on=timezone.localdate(paid_at),
                            paid_at=paid_at,
                        )
                    ]
                )
        except IntegrityError:
            # A statement import applied the same reference meanwhile (it takes no reference lock).
            again = _notified_before(bank, reference, bill_number=bill_number, amount=money)
            if again is None:
                raise
            return again
        audit_record(
            actor=None,
            action=PaymentAction.NOTIFIED,
            subject=payment,
            after={
                "number": payment.number,
                "bill": bill.number,
                "establishment": bill.establishment_id,
                "amount": str(money.amount),
                "channel": chosen.value,
                "paid_at": paid_at.isoformat(),
                "receipt": payment.receipt.number,
                "credit": str(payment.receipt.credit.amount),
            },
            extra={"partner": bank, "bank_reference": reference},
        )
        return Notified(payment, payment.receipt, True)


def _notified_before(bank: str, reference: str, *, bill_number: str, amount: Money) -> Notified | None:
    payment = (
        Payment.objects.select_related("receipt", "bill").filter(bank=bank, bank_reference=reference).first()
    )
    if payment is None:
        return None
    named = normalise_digits((bill_number or "").strip())
    if payment.amount != amount or (payment.bill is not None and payment.bill.number != named):
        raise SimisError(
            PaymentError.REFERENCE_CONFLICT,
            reference=reference,
            bill=payment.bill.number if payment.bill else "-",
            amount=payment.amount.amount,
            payment=payment.number,
        )
    return Notified(payment, payment.receipt, False)


@dataclass(frozen=True, slots=True)
class Reversed:
    reversal: PaymentReversal
    created: bool


def payment_reversal_notify(
    *, bank: str, bank_reference: str, reason: str, today: date | None = None
) -> Reversed:
    """A bank takes back a payment it notified (a cancelled card payment, a returned cheque):
    the payment is reversed in the employer's account, so the months it settled are owed again.
    A second reversal of the same payment returns the first (PAY-036 for a reference the bank
    never notified)."""
    reference = reference_check(bank_reference)
    reason = " ".join((reason or "").split())
    if not 1 <= len(reason) <= 200:
        raise SimisError(PaymentError.REASON_REQUIRED)
    with transaction.atomic():
        _reference_lock(bank, reference)
        establishment_id = (
            Payment.objects.filter(bank=bank, bank_reference=reference)
            .values_list("establishment_id", flat=True)
            .first()
        )
        if establishment_id is None:
            raise SimisError(PaymentError.UNKNOWN_PAYMENT, reference=reference)
        # The account before the payment, as a statement import takes them: the other order
        # could deadlock with an import returning the same payment.
        accounts_lock([establishment_id])
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("bill")
            .filter(bank=bank, bank_reference=reference)
            .first()
        )
        if payment is None:
            raise SimisError(PaymentError.UNKNOWN_PAYMENT, reference=reference)
        existing = PaymentReversal.objects.filter(payment=payment).first()
        if existing is not None:
            return Reversed(existing, False)
        reversal = _reverse(
            payment, reason=reason, on=today or timezone.localdate(), origin=PaymentOrigin.NOTIFICATION
        )
        audit_record(
            actor=None,
            action=PaymentAction.REVERSED,
            subject=payment,
            before={"status": PaymentStatus.APPLIED.value},
            after={"status": PaymentStatus.REVERSED.value, "reason": reason},
            extra={"partner": bank, "bank_reference": reference, "origin": reversal.origin},
        )
        return Reversed(reversal, True)


# --- Statement files (CH-4) ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Imported:
    statement_import: StatementImport
    created: bool  # False: the same file was imported before; nothing was applied now


def statement_import(
    *,
    data: bytes,
    file_name: str,
    bank: str,
    actor: Any = None,
    request: HttpRequest | None = None,
    max_bytes: int = STATEMENT_MAX_BYTES,
) -> Imported:
    """Reads a bank's statement file and reconciles every entry (the rules in ``rules.py``):
    notified payments confirmed, transfers naming one bill applied as new payments, returned
    payments reversed, the rest waiting for staff or ignored, each with its reason — all in one
    transaction, so a file applies completely or not at all. The same file again returns the
    first import. A file that cannot be read is refused with its PAY code and nothing stored."""
    bank = (bank or "").strip()
    if not bank:
        raise SimisError(PaymentError.BANK_REQUIRED)
    digest = hashlib.sha256(data).hexdigest()
    earlier = StatementImport.objects.filter(sha256=digest).first()
    if earlier is not None:
        return Imported(earlier, False)
    started = time.perf_counter()
    timer = StepTimer()
    try:
        with timer.step("parse"):
            statements = statements_parse(data, filename=file_name, max_bytes=max_bytes)
    except SimisError as error:
        audit_record(
            actor=actor,
            action=PaymentAction.STATEMENT_REFUSED,
            subject_type="payments.statementimport",
            subject_id=digest,
            extra={"file": file_name[-255:], "sha256": digest, "code": error.code, "bank": bank},
            request=request,
            outcome="refused",
        )
        raise
    with _collection_paused(), transaction.atomic():
        try:
            with transaction.atomic(), timer.step("file"):
                record = _import_record(statements, data, digest, file_name, bank, actor)
        except IntegrityError:
            # The same file, imported by someone else at the same moment: theirs stands.
            return Imported(StatementImport.objects.get(sha256=digest), False)
        _lock(_IMPORT_LOCK, bank)
        _reconcile(record, statements, timer)
        record.seconds = round(time.perf_counter() - started, 3)
        record.timings = timer.steps
        record.save()
        audit_record(
            actor=actor,
            action=PaymentAction.STATEMENT_IMPORTED,
            subject=record,
            after={
                "file": record.original_name,
                "sha256": record.sha256,
                "bank": bank,
                "statement": record.statement_id,
                "entries": record.entries,
                "confirmed": record.confirmed,
                "applied": record.applied,
                "applied_total": str(record.applied_total.amount),
                "reversals": record.reversals,
                "unmatched": record.unmatched,
                "ignored": record.ignored,
            },
            request=request,
        )
        return Imported(record, True)


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Python's cyclic collector paused while a file is reconciled: it makes a few hundred
    thousand long-lived objects (entries, payments, lines) that every full collection would
    scan again as they pile up; what cycles they hold are collected once it is back."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _import_record(
    statements: Sequence[Statement], data: bytes, digest: str, file_name: str, bank: str, actor: Any
) -> StatementImport:
    first, last = statements[0], statements[-1]
    entries = [entry for statement in statements for entry in statement.entries]
    record = StatementImport(
        original_name=str(file_name or "statement")[-255:],
        sha256=digest,
        size=len(data),
        format=first.format,
        message=first.message,
        bank=bank,
        statement_id=first.statement_id[:64],
        account=first.account[:64],
        currency=first.currency,
        opening_balance=first.opening_balance,
        opening_date=first.opening_date,
        closing_balance=last.closing_balance,
        closing_date=last.closing_date,
        statements=[
            {
                "id": s.statement_id,
                "account": s.account,
                "currency": s.currency,
                "opening": str(s.opening_balance),
                "opening_date": s.opening_date.isoformat(),
                "closing": str(s.closing_balance),
                "closing_date": s.closing_date.isoformat(),
                "entries": len(s.entries),
            }
            for s in statements
        ],
        entries=len(entries),
        credits=sum(1 for e in entries if e.credit),
        credits_total=sum((e.amount for e in entries if e.credit and e.currency == rules.SAR), Decimal(0)),
        debits=sum(1 for e in entries if not e.credit),
        debits_total=sum((e.amount for e in entries if not e.credit and e.currency == rules.SAR), Decimal(0)),
        imported_by=actor if getattr(actor, "pk", None) else None,
    )
    record.file.save(record.original_name, ContentFile(data), save=False)
    record.save()
    return record


def _chunks(values: Sequence[Any]) -> list[Sequence[Any]]:
    return [values[start : start + _CHUNK] for start in range(0, len(values), _CHUNK)]


def _known_payments(bank: str, references: Sequence[str]) -> dict[str, rules.KnownPayment]:
    found: dict[str, rules.KnownPayment] = {}
    for chunk in _chunks(references):
        rows = Payment.objects.filter(bank=bank, bank_reference__in=chunk).values_list(
            "id", "bank_reference", "amount", "bill_id", "establishment_id", "status"
        )
        for pk, reference, amount, bill_id, establishment_id, status in rows:
            found[reference] = rules.KnownPayment(
                pk, amount.amount, bill_id, establishment_id, status == PaymentStatus.REVERSED
            )
    return found


def _known_bills(numbers: Sequence[str]) -> dict[str, rules.KnownBill]:
    found: dict[str, rules.KnownBill] = {}
    for chunk in _chunks(numbers):
        for pk, number, establishment_id in Bill.objects.filter(number__in=chunk).values_list(
            "id", "number", "establishment_id"
        ):
            found[number] = rules.KnownBill(pk, establishment_id)
    return found


def _applied_by_bill(bill_ids: Sequence[int]) -> dict[tuple[int, Decimal], list[rules.KnownPayment]]:
    found: dict[tuple[int, Decimal], list[rules.KnownPayment]] = {}
    for chunk in _chunks(bill_ids):
        rows = (
            Payment.objects.filter(bill_id__in=chunk, status=PaymentStatus.APPLIED)
            .order_by("id")
            .values_list("id", "amount", "bill_id", "establishment_id")
        )
        for pk, amount, bill_id, establishment_id in rows:
            known = rules.KnownPayment(pk, amount.amount, bill_id, establishment_id, False)
            found.setdefault((bill_id, amount.amount), []).append(known)
    return found


def _reconcile(record: StatementImport, statements: Sequence[Statement], timer: StepTimer) -> None:
    """Decides every entry (three set-based look-ups, then the rules in file order), applies the
    new payments, writes the lines, then the reversals and confirmations."""
    entries: list[tuple[Statement, StatementEntry]] = [(s, e) for s in statements for e in s.entries]
    ours = [e for s, e in entries if e.currency == rules.SAR and s.currency == rules.SAR]
    with timer.step("lookups"):
        notified = _known_payments(record.bank, rules.references_of(ours))
        bills = _known_bills(sorted({e.bill_numbers[0] for e in ours if len(e.bill_numbers) == 1}))
        # Payments a debit may return: those of the bills the file's debits name.
        returned = {e.bill_numbers[0] for e in ours if not e.credit and len(e.bill_numbers) == 1}
        debit_bills = sorted(bills[number].id for number in returned if number in bills)
        applied_by_bill = _applied_by_bill(debit_bills)
    matcher = rules.StatementMatcher(notified=notified, bills=bills, applied_by_bill=applied_by_bill)
    with timer.step("match"):
        decisions = [
            matcher.decide(entry)
            if statement.currency == rules.SAR
            else rules.Decision(LineOutcome.IGNORED, LineReason.OTHER_CURRENCY)
            for statement, entry in entries
        ]
    drafts = []
    for (_statement, entry), decision in zip(entries, decisions, strict=True):
        if decision.new_payment is not None:
            drafts.append(
                PaymentDraft(
                    establishment_id=decision.new_payment.establishment_id,
                    bill_id=decision.new_payment.bill_id,
                    amount=entry.amount,
                    channel=PaymentChannel.BANK_TRANSFER,
                    origin=PaymentOrigin.STATEMENT,
                    bank=record.bank,
                    bank_reference=entry.entry_reference,
                    paid_on=entry.value_date,
                )
            )
    known = {p.id: p for p in notified.values()}
    known.update((p.id, p) for listed in applied_by_bill.values() for p in listed)
    returned_from = {
        known[d.payment_id].establishment_id
        for d in decisions
        if d.outcome == LineOutcome.REVERSAL and d.payment_id is not None
    }
    created = _payments_apply(drafts, timer=timer, also_lock=returned_from)
    lines = []
    line_ids = ids_take(StatementLine, len(entries))
    for line_id, (statement, entry), decision in zip(line_ids, entries, decisions, strict=True):
        payment_id = decision.payment_id
        if decision.new_payment is not None:
            payment_id = created[decision.new_payment.index].pk
        elif decision.reverses_new is not None:
            payment_id = created[decision.reverses_new].pk
        lines.append(
            StatementLine(
                id=line_id,
                statement_import=record,
                position=entry.line,
                statement_id=statement.statement_id[:64],
                entry_reference=entry.entry_reference[:64],
                booking_date=entry.booking_date,
                value_date=entry.value_date,
                amount=entry.amount,
                currency=entry.currency,
                credit=entry.credit,
                reversal=entry.reversal,
                debtor_name=entry.debtor_name[:200],
                debtor_account=entry.debtor_account[:64],
                remittance=entry.remittance,
                end_to_end_id=entry.end_to_end_id[:64],
                bill_numbers=list(entry.bill_numbers),
                outcome=decision.outcome,
                reason=decision.reason,
                payment_id=payment_id,
            )
        )
    with timer.step("lines"):
        objects_copy(StatementLine, lines)
    reversals = [line for line in lines if line.outcome == LineOutcome.REVERSAL]
    with timer.step("reversals"):
        to_reverse = {p.pk: p for p in Payment.objects.filter(pk__in=[line.payment_id for line in reversals])}
        _reversals_make(
            [
                _Reversal(
                    to_reverse[line.payment_id],  # type: ignore[index]  # a reversal names its payment
                    reason=(line.remittance or line.entry_reference)[:200],
                    on=line.value_date,
                    origin=PaymentOrigin.STATEMENT,
                    line=line,
                )
                for line in reversals
            ]
        )
    confirmed = [line.payment_id for line in lines if line.outcome == LineOutcome.CONFIRMED]
    with timer.step("confirmations"):
        for chunk in _chunks(confirmed):
            Payment.objects.filter(pk__in=chunk, confirmed_at__isnull=True).update(
                confirmed_at=timezone.now()
            )
    counts = {outcome: 0 for outcome in LineOutcome}
    for line in lines:
        counts[LineOutcome(line.outcome)] += 1
    record.confirmed = counts[LineOutcome.CONFIRMED]
    record.applied = counts[LineOutcome.APPLIED]
    record.applied_total = Money(sum((d.amount for d in drafts), Decimal(0)))
    record.reversals = counts[LineOutcome.REVERSAL]
    record.unmatched = counts[LineOutcome.UNMATCHED]
    record.ignored = counts[LineOutcome.IGNORED]


# --- The staff's work queue ------------------------------------------------------------------------


def statement_line_resolve(
    *,
    line_id: int,
    actor: Any,
    resolution: Resolution | str,
    bill_number: str = "",
    establishment_number: str = "",
    note: str = "",
    request: HttpRequest | None = None,
) -> StatementLine:
    """A staff member decides an entry that waited: applies it to a bill or to an establishment
    (a new payment, posted like any other, with its receipt), or marks it as not a contribution
    payment or to be refunded to the payer (no posting; a note says why). If the bank has
    notified the same reference since, the entry is confirmed against that payment instead.
    PAY-041 when the entry no longer waits."""
    chosen = Resolution(resolution)
    note = (note or "").strip()
    with transaction.atomic():
        line = (
            StatementLine.objects.select_for_update()
            .select_related("statement_import")
            .filter(pk=line_id)
            .first()
        )
        if line is None:
            raise SimisError(PaymentError.LINE_NOT_WAITING, position="?", statement="?", outcome="-")
        if line.outcome != LineOutcome.UNMATCHED:
            raise SimisError(
                PaymentError.LINE_NOT_WAITING,
                position=line.position,
                statement=line.statement_id,
                outcome=LineOutcome(line.outcome).label,
            )
        before = {"outcome": line.outcome, "reason": line.reason}
        if chosen in (Resolution.NOT_OURS, Resolution.REFUND):
            if not note:
                raise SimisError(PaymentError.NOTE_REQUIRED)
            line.outcome = LineOutcome.RESOLVED
        elif chosen in (Resolution.BILL, Resolution.ESTABLISHMENT):
            chosen = _line_apply(
                line, chosen, bill_number=bill_number, establishment_number=establishment_number
            )
            line.outcome = LineOutcome.CONFIRMED if chosen == Resolution.CONFIRMED else LineOutcome.RESOLVED
        else:
            raise SimisError(PaymentError.TARGET_REQUIRED)
        line.resolution = chosen
        line.note = note
        line.resolved_by = actor if getattr(actor, "pk", None) else None
        line.resolved_at = timezone.now()
        line.save()
        audit_record(
            actor=actor,
            action=PaymentAction.LINE_RESOLVED,
            subject=line,
            before=before,
            after={
                "outcome": line.outcome,
                "resolution": line.resolution,
                "payment": line.payment.number if line.payment else None,
                "note": note,
            },
            extra={"statement_import": line.statement_import_id, "entry_reference": line.entry_reference},
            request=request,
        )
        return line


def _line_apply(
    line: StatementLine, chosen: Resolution, *, bill_number: str, establishment_number: str
) -> Resolution:
    if not line.credit or line.reversal:
        raise SimisError(PaymentError.DEBIT_NOT_APPLICABLE, position=line.position)
    if line.currency != rules.SAR:
        raise SimisError(PaymentError.OTHER_CURRENCY, position=line.position, currency=line.currency)
    bill: Bill | None = None
    if chosen == Resolution.BILL:
        if not bill_number.strip():
            raise SimisError(PaymentError.TARGET_REQUIRED)
        bill = bill_for_payment(bill_number)
        establishment_id = bill.establishment_id
    else:
        number = normalise_digits(establishment_number.strip())
        if not number:
            raise SimisError(PaymentError.TARGET_REQUIRED)
        found = Establishment.objects.filter(number=number).values_list("pk", flat=True).first()
        if found is None:
            raise SimisError(PaymentError.UNKNOWN_ESTABLISHMENT, number=number)
        establishment_id = found
    bank = line.statement_import.bank
    _reference_lock(bank, line.entry_reference)
    existing = Payment.objects.filter(bank=bank, bank_reference=line.entry_reference).first()
    if existing is not None:
        if existing.amount.amount != line.amount:
            raise SimisError(
                PaymentError.REFERENCE_CONFLICT,
                reference=line.entry_reference,
                bill=existing.bill.number if existing.bill else "-",
                amount=existing.amount.amount,
                payment=existing.number,
            )
        line.payment = existing
        return Resolution.CONFIRMED
    (payment,) = _payments_apply(
        [
            PaymentDraft(
                establishment_id=establishment_id,
                bill_id=bill.pk if bill else None,
                amount=line.amount,
                channel=PaymentChannel.BANK_TRANSFER,
                origin=PaymentOrigin.STAFF,
                bank=bank,
                bank_reference=line.entry_reference,
                paid_on=line.value_date,
            )
        ]
    )
    line.payment = payment
    return chosen
