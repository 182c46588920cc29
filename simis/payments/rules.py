"""Pure rules of the payments app: numbers, a bill's payment status, and how each entry of a
bank statement is matched (CH-4). No ORM, no I/O: the service looks up what the rules need in a
few set-based queries and hands it over as plain values.

How an entry is matched, in file order (``StatementMatcher.decide``):

- an entry in another currency than the Saudi riyal is ignored (the institution's accounts are
  in riyals; a foreign-currency line is the bank's information);
- a **credit** that is not a reversal:
  (a) a payment the same bank already notified under the entry's bank reference or end-to-end
      id, for the same amount, is **confirmed** (once: a second entry cannot confirm it again);
      the same reference with another amount waits for staff;
  (b) else, exactly one valid bill number in the transfer and the bill exists: a **new payment**
      is applied (channel: bank transfer);
  (c) else it **waits for staff** (no bill number, several, or an unknown one);
- a **debit** that names a payment — by reference, or by its one bill number and the same
  amount as a payment applied and not yet reversed (one applied earlier in the same file
  included) — **reverses** it; a returned payment that matches none waits for staff; any other
  debit (bank charges) and the reversal of a debit are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from simis.core.identifiers import luhn_check_digit
from simis.payments.choices import LineOutcome, LineReason
from simis.payments.statement_files import StatementEntry

SAR = "SAR"
_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_./:]{0,63}")
# Numbers: a leading kind digit (bills start with 1), a 12-digit sequence, a Luhn check digit.
PAYMENT_PREFIX = "2"
RECEIPT_PREFIX = "3"


def payment_number(sequence: int) -> str:
    """The 14-digit number of payment ``sequence``: ``2``, 12 digits, Luhn check digit."""
    payload = f"{PAYMENT_PREFIX}{sequence:012d}"
    return payload + luhn_check_digit(payload)


def receipt_number(sequence: int) -> str:
    """The 14-digit number of the receipt of payment ``sequence``: ``3``, 12 digits, Luhn."""
    payload = f"{RECEIPT_PREFIX}{sequence:012d}"
    return payload + luhn_check_digit(payload)


def posting_source(payment_id: int) -> str:
    """The unique source a payment posts under in the employer's account."""
    return f"payment:{payment_id}"


def reversal_source(payment_id: int) -> str:
    return f"reversal:payment:{payment_id}"


def bank_reference_valid(value: str) -> bool:
    """1 to 64 characters: Latin letters, digits and ``- _ . / :``, not starting with a sign."""
    return bool(_REFERENCE.fullmatch(value))


def amount_due(balance: Decimal) -> Decimal:
    """What the establishment owes now: its balance, never below zero (a credit is not due)."""
    return max(balance, Decimal("0.00"))


# --- Matching statement entries -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KnownPayment:
    """A payment already in SIMIS, as matching needs it."""

    id: int
    amount: Decimal
    bill_id: int | None
    establishment_id: int
    reversed: bool


@dataclass(frozen=True, slots=True)
class KnownBill:
    id: int
    establishment_id: int


@dataclass(frozen=True, slots=True)
class NewPayment:
    """A payment the file applies: ``index`` is its place among the file's new payments."""

    index: int
    bill_id: int
    establishment_id: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with one entry. ``payment_id`` is an existing payment (confirmed, or
    reversed); ``new_payment`` one the file applies; a reversal of a payment applied earlier in
    the same file names it by ``reverses_new``."""

    outcome: LineOutcome
    reason: str = ""
    payment_id: int | None = None
    new_payment: NewPayment | None = None
    reverses_new: int | None = None


@dataclass
class StatementMatcher:
    """Decides entry after entry; remembers what earlier entries of the file did."""

    notified: dict[str, KnownPayment]  # the bank's payments by bank reference
    bills: dict[str, KnownBill]  # by bill number
    applied_by_bill: dict[tuple[int, Decimal], list[KnownPayment]]  # applied, not reversed; oldest first
    new_payments: list[NewPayment] = field(default_factory=list)
    _confirmed: set[int] = field(default_factory=set)
    _reversed: set[int] = field(default_factory=set)
    _new_reversed: set[int] = field(default_factory=set)
    _new_by_bill: dict[tuple[int, Decimal], list[int]] = field(default_factory=dict)

    def decide(self, entry: StatementEntry) -> Decision:
        if entry.currency != SAR:
            return Decision(LineOutcome.IGNORED, LineReason.OTHER_CURRENCY)
        if entry.credit:
            if entry.reversal:
                return Decision(LineOutcome.IGNORED, LineReason.DEBIT_REVERSAL)
            return self._credit(entry)
        return self._debit(entry)

    def _by_reference(self, entry: StatementEntry) -> tuple[KnownPayment | None, bool]:
        """The notified payment the entry's references name, and whether a reference named one
        for another amount."""
        other_amount = False
        for reference in entry_references(entry):
            known = self.notified.get(reference)
            if known is None:
                continue
            if known.amount == entry.amount:
                return known, False
            other_amount = True
        return None, other_amount

    def _credit(self, entry: StatementEntry) -> Decision:
        known, other_amount = self._by_reference(entry)
        if known is not None:
            if known.id in self._confirmed:
                return Decision(LineOutcome.UNMATCHED, LineReason.CONFIRMED_TWICE)
            self._confirmed.add(known.id)
            return Decision(LineOutcome.CONFIRMED, payment_id=known.id)
        if other_amount:
            return Decision(LineOutcome.UNMATCHED, LineReason.AMOUNT_DIFFERS)
        if not entry.bill_numbers:
            return Decision(LineOutcome.UNMATCHED, LineReason.NO_BILL_NUMBER)
        if len(entry.bill_numbers) > 1:
            return Decision(LineOutcome.UNMATCHED, LineReason.SEVERAL_BILLS)
        bill = self.bills.get(entry.bill_numbers[0])
        if bill is None:
            return Decision(LineOutcome.UNMATCHED, LineReason.UNKNOWN_BILL)
        new = NewPayment(len(self.new_payments), bill.id, bill.establishment_id, entry.amount)
        self.new_payments.append(new)
        self._new_by_bill.setdefault((bill.id, entry.amount), []).append(new.index)
        return Decision(LineOutcome.APPLIED, new_payment=new)

    def _debit(self, entry: StatementEntry) -> Decision:
        for reference in entry_references(entry):
            known = self.notified.get(reference)
            if known is not None and known.amount == entry.amount and not self._is_reversed(known):
                self._reversed.add(known.id)
                return Decision(LineOutcome.REVERSAL, payment_id=known.id)
        if len(entry.bill_numbers) == 1 and (bill := self.bills.get(entry.bill_numbers[0])) is not None:
            key = (bill.id, entry.amount)
            # The newest payment first: a return follows the payment it returns.
            for index in reversed(self._new_by_bill.get(key, [])):
                if index not in self._new_reversed:
                    self._new_reversed.add(index)
                    return Decision(LineOutcome.REVERSAL, reverses_new=index)
            for known in reversed(self.applied_by_bill.get(key, [])):
                if not self._is_reversed(known):
                    self._reversed.add(known.id)
                    return Decision(LineOutcome.REVERSAL, payment_id=known.id)
        if entry.reversal or entry.bill_numbers:
            return Decision(LineOutcome.UNMATCHED, LineReason.RETURN_NOT_MATCHED)
        return Decision(LineOutcome.IGNORED, LineReason.NOT_A_PAYMENT)

    def _is_reversed(self, known: KnownPayment) -> bool:
        return known.reversed or known.id in self._reversed


def entry_references(entry: StatementEntry) -> tuple[str, ...]:
    """The references a bank may have notified the entry's payment under: its own booking
    reference, then the payer's end-to-end id."""
    if entry.end_to_end_id and entry.end_to_end_id != entry.entry_reference:
        return (entry.entry_reference, entry.end_to_end_id)
    return (entry.entry_reference,)


def references_of(entries: Iterable[StatementEntry]) -> list[str]:
    """Every reference of ``entries`` that could name a notified payment, once each."""
    return sorted({reference for entry in entries for reference in entry_references(entry)})
