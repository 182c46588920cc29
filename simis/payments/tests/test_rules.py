"""The pure rules: payment and receipt numbers, bank references, a bill's status, and how each
statement entry is matched (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simis.core.identifiers import bill_number_make, luhn_check_digit
from simis.payments import rules
from simis.payments.choices import LineOutcome, LineReason
from simis.payments.statement_files import StatementEntry

BILL_A, BILL_B, BILL_GONE = bill_number_make(1), bill_number_make(2), bill_number_make(3)
DAY = date(2026, 11, 25)


@given(st.integers(min_value=1, max_value=10**12 - 1))
def test_payment_and_receipt_numbers_carry_their_kind_and_a_check_digit(sequence: int) -> None:
    payment, receipt = rules.payment_number(sequence), rules.receipt_number(sequence)
    assert len(payment) == len(receipt) == 14 and payment[0] == "2" and receipt[0] == "3"
    assert luhn_check_digit(payment[:13]) == payment[13] and luhn_check_digit(receipt[:13]) == receipt[13]
    assert payment[1:13] == receipt[1:13] == f"{sequence:012d}"


@pytest.mark.parametrize(
    ("reference", "valid"),
    [
        ("FT26329000001", True),
        ("ATM/2026-11/0042:7", True),
        ("a" * 64, True),
        ("a" * 65, False),
        ("", False),
        ("-leading", False),
        ("with space", False),
        ("عربي", False),
    ],
)
def test_bank_references(reference: str, valid: bool) -> None:
    assert rules.bank_reference_valid(reference) is valid


def test_a_credit_balance_is_never_due() -> None:
    assert rules.amount_due(Decimal("-625.00")) == Decimal("0.00")
    assert rules.amount_due(Decimal("12.50")) == Decimal("12.50")


def _entry(
    amount: str,
    reference: str,
    *,
    credit: bool = True,
    bills: tuple[str, ...] = (),
    e2e: str = "",
    currency: str = "SAR",
    reversal: bool = False,
) -> StatementEntry:
    return StatementEntry(
        line=1,
        entry_reference=reference,
        booking_date=DAY,
        value_date=DAY,
        amount=Decimal(amount),
        credit=credit,
        currency=currency,
        bill_numbers=bills,
        end_to_end_id=e2e,
        reversal=reversal,
    )


def _matcher(**known: rules.KnownPayment) -> rules.StatementMatcher:
    by_bill: dict[tuple[int, Decimal], list[rules.KnownPayment]] = {}
    for payment in known.values():
        if payment.bill_id is not None and not payment.reversed:
            by_bill.setdefault((payment.bill_id, payment.amount), []).append(payment)
    return rules.StatementMatcher(
        notified=dict(known),
        bills={BILL_A: rules.KnownBill(10, 100), BILL_B: rules.KnownBill(20, 200)},
        applied_by_bill=by_bill,
    )


def test_a_notified_payment_is_confirmed_once_by_reference_or_end_to_end_id() -> None:
    known = rules.KnownPayment(7, Decimal("100.00"), 10, 100, False)
    matcher = _matcher(ATM1=known)
    assert matcher.decide(_entry("100.00", "FT1", e2e="ATM1")) == rules.Decision(
        LineOutcome.CONFIRMED, payment_id=7
    )
    again = matcher.decide(_entry("100.00", "ATM1"))
    assert (again.outcome, again.reason) == (LineOutcome.UNMATCHED, LineReason.CONFIRMED_TWICE)
    other = matcher.decide(_entry("99.00", "ATM1", bills=(BILL_A,)))
    assert (other.outcome, other.reason) == (LineOutcome.UNMATCHED, LineReason.AMOUNT_DIFFERS)


def test_a_transfer_naming_one_known_bill_becomes_a_payment() -> None:
    matcher = _matcher()
    first = matcher.decide(_entry("50.00", "FT1", bills=(BILL_A,)))
    second = matcher.decide(_entry("60.00", "FT2", bills=(BILL_B,)))
    assert first.outcome == second.outcome == LineOutcome.APPLIED
    assert first.new_payment == rules.NewPayment(0, 10, 100, Decimal("50.00"))
    assert second.new_payment == rules.NewPayment(1, 20, 200, Decimal("60.00"))
    assert matcher.new_payments == [first.new_payment, second.new_payment]


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        (_entry("5.00", "FT1"), LineReason.NO_BILL_NUMBER),
        (_entry("5.00", "FT1", bills=(BILL_A, BILL_B)), LineReason.SEVERAL_BILLS),
        (_entry("5.00", "FT1", bills=(BILL_GONE,)), LineReason.UNKNOWN_BILL),
        (_entry("5.00", "FT1", credit=False, bills=(BILL_A,)), LineReason.RETURN_NOT_MATCHED),
        (_entry("5.00", "FT1", credit=False, reversal=True), LineReason.RETURN_NOT_MATCHED),
    ],
    ids=["no-bill", "two-bills", "unknown-bill", "return-no-payment", "reversal-no-bill"],
)
def test_what_cannot_be_matched_waits_for_staff(entry: StatementEntry, reason: LineReason) -> None:
    decision = _matcher().decide(entry)
    assert (decision.outcome, decision.reason) == (LineOutcome.UNMATCHED, reason)


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        (_entry("11.50", "FT1", credit=False), LineReason.NOT_A_PAYMENT),
        (_entry("100.00", "FT1", currency="USD", bills=(BILL_A,)), LineReason.OTHER_CURRENCY),
        (_entry("100.00", "FT1", reversal=True), LineReason.DEBIT_REVERSAL),
    ],
    ids=["charges", "dollars", "reversed-debit"],
)
def test_what_is_not_a_payment_is_ignored(entry: StatementEntry, reason: LineReason) -> None:
    decision = _matcher().decide(entry)
    assert (decision.outcome, decision.reason) == (LineOutcome.IGNORED, reason)


def test_a_return_reverses_the_newest_matching_payment_once() -> None:
    older = rules.KnownPayment(1, Decimal("80.00"), 10, 100, False)
    newer = rules.KnownPayment(2, Decimal("80.00"), 10, 100, False)
    matcher = _matcher(R1=older, R2=newer)
    applied = matcher.decide(_entry("80.00", "FT1", bills=(BILL_A,)))
    returned = _entry("80.00", "RT1", credit=False, reversal=True, bills=(BILL_A,))
    # The payment applied earlier in the same file first, then the newest known one, then the older.
    assert matcher.decide(returned) == rules.Decision(
        LineOutcome.REVERSAL, reverses_new=applied.new_payment.index
    )  # type: ignore[union-attr]
    assert matcher.decide(returned) == rules.Decision(LineOutcome.REVERSAL, payment_id=2)
    assert matcher.decide(returned) == rules.Decision(LineOutcome.REVERSAL, payment_id=1)
    assert matcher.decide(returned).outcome == LineOutcome.UNMATCHED


def test_a_debit_under_a_notified_reference_reverses_that_payment() -> None:
    known = rules.KnownPayment(9, Decimal("40.00"), None, 300, False)
    matcher = _matcher(CARD9=known)
    assert matcher.decide(_entry("40.00", "RT9", credit=False, e2e="CARD9")) == rules.Decision(
        LineOutcome.REVERSAL, payment_id=9
    )
    reversed_already = rules.KnownPayment(9, Decimal("40.00"), None, 300, True)
    assert _matcher(CARD9=reversed_already).decide(_entry("40.00", "CARD9", credit=False)).outcome == (
        LineOutcome.IGNORED
    )
