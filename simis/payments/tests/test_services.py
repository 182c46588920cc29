"""Payments services on PostgreSQL: a bank's notification applied once, its reversal, a
statement file reconciled (confirmed, applied, reversed, waiting, ignored) once, and a staff
decision on an entry that waited."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from simis.audit.public import AuditEntry
from simis.contributions.public import EntryKind, account_summary
from simis.core.errors import SimisError
from simis.core.identifiers import bill_number_make
from simis.core.money import Money
from simis.payments import services
from simis.payments.choices import (
    LineOutcome,
    LineReason,
    PaymentChannel,
    PaymentOrigin,
    PaymentStatus,
    Resolution,
)
from simis.payments.models import Payment, PaymentReversal, Receipt, StatementImport, StatementLine
from simis.payments.selectors import bill_inquiry
from simis.payments.tests.conftest import MONTHLY, OCT, SEP
from simis.payments.tests.statements import Row, mt940

BANK = "DEMO-BANK"
PAID = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)


def _journal(kind: str, establishment) -> int:  # type: ignore[no-untyped-def]
    from simis.contributions.models import JournalEntry

    return JournalEntry.objects.filter(kind=kind, establishment_id=establishment.pk).count()


def _notify(bill_number: str, amount: str, reference: str = "ATM-0001", **extra):  # type: ignore[no-untyped-def]
    return services.payment_notify(
        bank=extra.pop("bank", BANK),
        bill_number=bill_number,
        amount=Decimal(amount),
        paid_at=extra.pop("paid_at", PAID),
        channel=extra.pop("channel", PaymentChannel.ATM),
        bank_reference=reference,
        **extra,
    )


# --- Notifications ---------------------------------------------------------------------------------


def test_a_notified_payment_is_applied_oldest_month_first_with_its_receipt(billed) -> None:  # type: ignore[no-untyped-def]
    october = billed.bill(billed.one, OCT)
    notified = _notify(october.number, "3000.00")
    assert notified.created
    payment, receipt = notified.payment, notified.receipt
    assert payment.status == PaymentStatus.APPLIED and payment.bill_id == october.pk
    assert payment.establishment_id == billed.one.pk and payment.paid_on == date(2026, 11, 3)
    assert payment.number.startswith("2") and len(payment.number) == 14
    assert receipt.number.startswith("3") and receipt.number[1:13] == payment.number[1:13]
    # Naming October's bill still settles September first (the ledger's allocation, not ours).
    assert receipt.settled == [
        {"account": "contributions", "month": "2026-09-01", "amount": "2687.50"},
        {"account": "contributions", "month": "2026-10-01", "amount": "312.50"},
    ]
    assert receipt.credit == Money(0)
    assert account_summary(billed.one.pk).balance == Money("2375.00")
    assert (
        AuditEntry.objects.filter(action="payments.payment_notified", subject_id=str(payment.pk)).count() == 1
    )


def test_paying_more_than_owed_becomes_credit_on_the_receipt(billed) -> None:  # type: ignore[no-untyped-def]
    notified = _notify(billed.bill(billed.one, SEP).number, "6000.00")
    assert notified.receipt.credit == Money("625.00")
    assert account_summary(billed.one.pk).balance == Money("-625.00")


def test_the_same_reference_again_returns_the_same_receipt_and_posts_once(billed) -> None:  # type: ignore[no-untyped-def]
    number = billed.bill(billed.one, OCT).number
    first = _notify(number, "1000.00", "REF-1")
    again = _notify(number, "1000.00", "REF-1")
    assert not again.created and again.receipt.number == first.receipt.number
    assert Payment.objects.count() == 1 and Receipt.objects.count() == 1
    assert _journal(EntryKind.PAYMENT, billed.one) == 1
    # The same reference from another bank is another payment.
    other = _notify(number, "1000.00", "REF-1", bank="OTHER-BANK")
    assert other.created and other.payment.pk != first.payment.pk


def test_the_same_reference_with_another_amount_or_bill_is_refused(billed) -> None:  # type: ignore[no-untyped-def]
    number = billed.bill(billed.one, OCT).number
    _notify(number, "1000.00", "REF-2")
    with pytest.raises(SimisError) as refused:
        _notify(number, "1000.01", "REF-2")
    assert refused.value.code == "PAY-033"
    with pytest.raises(SimisError) as refused:
        _notify(billed.bill(billed.two, OCT).number, "1000.00", "REF-2")
    assert refused.value.code == "PAY-033"


@pytest.mark.parametrize(
    ("number", "code"),
    [("12345", "PAY-030"), (bill_number_make(999_999), "PAY-031"), ("1" + "0" * 13, "PAY-030")],
    ids=["short", "never-issued", "zero-sequence"],
)
def test_an_unknown_or_malformed_bill_is_refused(billed, number: str, code: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as refused:
        _notify(number, "10.00")
    assert refused.value.code == code
    assert not Payment.objects.exists()


def test_bad_amount_reference_and_future_time_are_refused(billed) -> None:  # type: ignore[no-untyped-def]
    number = billed.bill(billed.one, OCT).number
    for kwargs, code in [
        ({"amount": "0"}, "PAY-034"),
        ({"reference": "has space"}, "PAY-037"),
        ({"reference": ""}, "PAY-037"),
        ({"paid_at": timezone.now() + timedelta(hours=1)}, "PAY-035"),
    ]:
        amount = kwargs.pop("amount", "10.00")
        reference = kwargs.pop("reference", "REF-X")
        with pytest.raises(SimisError) as refused:
            _notify(number, amount, reference, **kwargs)
        assert refused.value.code == code
    assert not Payment.objects.exists()


def test_bill_inquiry_shows_the_amount_due_now_and_the_bills_status(billed) -> None:  # type: ignore[no-untyped-def]
    september, october = billed.bill(billed.one, SEP), billed.bill(billed.one, OCT)
    found = bill_inquiry(october.number)
    assert (found.establishment_number, found.month, found.total) == (billed.one.number, OCT, MONTHLY)
    assert found.amount_due == Decimal("5375.00") and found.status == "unpaid"
    _notify(october.number, "3000.00")
    assert bill_inquiry(september.number).status == "paid"
    partly = bill_inquiry(october.number)
    assert partly.status == "partly_paid" and partly.amount_due == Decimal("2375.00")
    _notify(october.number, "9000.00", "REF-MORE")
    paid = bill_inquiry(october.number)
    assert paid.status == "paid" and paid.amount_due == Decimal("0.00")  # a credit is never "due"


# --- Reversals -----------------------------------------------------------------------------------------


def test_a_reversal_makes_the_months_owed_again_once(billed) -> None:  # type: ignore[no-untyped-def]
    number = billed.bill(billed.one, OCT).number
    notified = _notify(number, "3000.00", "REV-1")
    done = services.payment_reversal_notify(
        bank=BANK, bank_reference="REV-1", reason="Card payment cancelled"
    )
    assert done.created and done.reversal.origin == PaymentOrigin.NOTIFICATION
    notified.payment.refresh_from_db()
    assert notified.payment.status == PaymentStatus.REVERSED
    assert account_summary(billed.one.pk).balance == Money("5375.00")
    again = services.payment_reversal_notify(bank=BANK, bank_reference="REV-1", reason="again")
    assert not again.created and again.reversal.pk == done.reversal.pk
    assert _journal(EntryKind.REVERSAL, billed.one) == 1
    with pytest.raises(SimisError) as refused:
        services.payment_reversal_notify(bank=BANK, bank_reference="NEVER", reason="x")
    assert refused.value.code == "PAY-036"
    with pytest.raises(SimisError) as refused:
        services.payment_reversal_notify(bank=BANK, bank_reference="REV-1", reason="  ")
    assert refused.value.code == "PAY-038"


# --- Statements --------------------------------------------------------------------------------------


def _import(data: bytes, name: str = "stmt.sta", bank: str = BANK):  # type: ignore[no-untyped-def]
    return services.statement_import(data=data, file_name=name, bank=bank)


def _outcomes(record: StatementImport) -> dict[int, tuple[str, str]]:
    return {line.position: (line.outcome, line.reason) for line in record.lines.order_by("position")}


def test_a_statement_is_reconciled_entry_by_entry(billed, khalid) -> None:  # type: ignore[no-untyped-def]
    one_oct, two_sep = billed.bill(billed.one, OCT), billed.bill(billed.two, SEP)
    notified = _notify(one_oct.number, "1000.00", "FT0001")
    unknown = bill_number_make(888_888)
    data = mt940(
        [
            Row("1000.00", "FT0001", f"GOSI BILL {one_oct.number}"),  # 1 notified: confirmed
            Row("8062.50", "FT0002", f"سداد فاتورة {two_sep.number}"),  # 2 new payment
            Row("500.00", "FT0003", "CONTRIBUTIONS OCTOBER"),  # 3 no bill: waits
            Row("700.00", "FT0004", f"BILLS {one_oct.number} AND {two_sep.number}"),  # 4 two bills: waits
            Row("300.00", "FT0005", f"BILL {unknown}"),  # 5 unknown bill: waits
            Row("11.50", "FT0006", "BANK CHARGES", mark="D", kind="NCHG"),  # 6 charges: ignored
            Row("8062.50", "FT0007", f"RETURN BILL {two_sep.number}", mark="RC", kind="NRTN"),  # 7 returns 2
            Row("999.00", "FT0008", "REF FT0001", end_to_end="FT0001"),  # 8 same ref, other amount: waits
        ]
    )
    imported = services.statement_import(data=data, file_name="day.sta", bank=BANK, actor=khalid)
    record = imported.statement_import
    assert imported.created
    assert _outcomes(record) == {
        1: (LineOutcome.CONFIRMED, ""),
        2: (LineOutcome.APPLIED, ""),
        3: (LineOutcome.UNMATCHED, LineReason.NO_BILL_NUMBER),
        4: (LineOutcome.UNMATCHED, LineReason.SEVERAL_BILLS),
        5: (LineOutcome.UNMATCHED, LineReason.UNKNOWN_BILL),
        6: (LineOutcome.IGNORED, LineReason.NOT_A_PAYMENT),
        7: (LineOutcome.REVERSAL, ""),
        8: (LineOutcome.UNMATCHED, LineReason.AMOUNT_DIFFERS),
    }
    assert (record.confirmed, record.applied, record.reversals, record.unmatched, record.ignored) == (
        1,
        1,
        1,
        4,
        1,
    )
    assert record.applied_total == Money("8062.50") and record.entries == 8
    assert record.sha256 and record.file.name.endswith(".sta") and record.imported_by == khalid
    notified.payment.refresh_from_db()
    assert notified.payment.confirmed_at is not None
    applied = Payment.objects.get(bank_reference="FT0002")
    assert applied.channel == PaymentChannel.BANK_TRANSFER and applied.origin == PaymentOrigin.STATEMENT
    assert applied.status == PaymentStatus.REVERSED and applied.receipt.number
    reversal = PaymentReversal.objects.get(payment=applied)
    assert reversal.statement_line.position == 7 and reversal.origin == PaymentOrigin.STATEMENT
    # The returned payment left Badr's debt as it was; Nour's notified 1,000 counts once.
    assert account_summary(billed.two.pk).balance == Money("16125.00")
    assert account_summary(billed.one.pk).balance == Money("4375.00")
    assert AuditEntry.objects.filter(action="payments.statement_imported").count() == 1


def test_the_same_file_twice_applies_once(billed) -> None:  # type: ignore[no-untyped-def]
    number = billed.bill(billed.one, OCT).number
    data = mt940([Row("100.00", "FT1001", f"GOSI BILL {number}")])
    first = _import(data)
    second = _import(data, name="renamed.sta")
    assert first.created and not second.created
    assert second.statement_import.pk == first.statement_import.pk
    assert Payment.objects.count() == 1 and StatementImport.objects.count() == 1
    assert _journal(EntryKind.PAYMENT, billed.one) == 1


def test_an_overlapping_statement_confirms_what_an_earlier_one_applied(billed) -> None:  # type: ignore[no-untyped-def]
    number = billed.bill(billed.one, OCT).number
    _import(mt940([Row("100.00", "FT2001", f"GOSI BILL {number}")], statement_id="A"))
    later = _import(
        mt940(
            [Row("100.00", "FT2001", f"GOSI BILL {number}"), Row("5.00", "FT2002", f"{number}")],
            statement_id="B",
        )
    )
    assert _outcomes(later.statement_import) == {1: (LineOutcome.CONFIRMED, ""), 2: (LineOutcome.APPLIED, "")}
    assert Payment.objects.count() == 2


def test_a_file_that_cannot_be_read_is_refused_and_nothing_is_stored(billed) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as refused:
        _import(b"not a statement")
    assert refused.value.code == "PAY-003"
    assert not StatementImport.objects.exists()
    assert AuditEntry.objects.filter(action="payments.statement_refused").count() == 1
    with pytest.raises(SimisError) as refused:
        _import(mt940([Row("1.00", "X1")]), bank=" ")
    assert refused.value.code == "PAY-040"


def test_a_file_applies_completely_or_not_at_all(billed, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    number = billed.bill(billed.one, OCT).number
    data = mt940([Row("100.00", "FT3001", f"GOSI BILL {number}"), Row("7.00", "FT3002", "RETURN", mark="RC")])

    written = services.objects_copy

    def broken(model, objects, **kwargs):  # type: ignore[no-untyped-def]
        # The payments, their postings and receipts are written; the lines fail after them.
        if model is StatementLine:
            raise RuntimeError("the disk is full")
        return written(model, objects, **kwargs)

    monkeypatch.setattr(services, "objects_copy", broken)
    with pytest.raises(RuntimeError):
        _import(data)
    assert not Payment.objects.exists() and not StatementImport.objects.exists()
    assert _journal(EntryKind.PAYMENT, billed.one) == 0


def test_rows_written_by_copy_read_back_as_the_orm_wrote_them(billed) -> None:  # type: ignore[no-untyped-def]
    """``objects_copy`` (the import's writes) against ``bulk_create``: the same instances, one
    written each way, read back field for field equal — money, JSON, arrays, empty text, NULLs,
    times — and a field it cannot write is refused rather than guessed."""
    from django.db import transaction
    from django.forms.models import model_to_dict

    from simis.core.db_copy import ids_take, objects_copy

    payment = _notify(billed.bill(billed.one, OCT).number, "1000.00", "FT9001").payment
    record = _import(mt940([Row("1.00", "FT9002", "no bill here")])).statement_import

    def line(pk: int, numbers: list[str]) -> StatementLine:
        return StatementLine(
            id=pk,
            statement_import=record,
            position=7 + pk % 1000,
            statement_id="S-1",
            entry_reference=f"REF-{pk}",
            booking_date=date(2026, 11, 20),
            value_date=date(2026, 11, 19),
            amount=Decimal("1234.567"),
            currency="SAR",
            credit=True,
            debtor_name="مؤسسة نور للتجارة",
            remittance="GOSI BILL\t«two»\nlines",
            bill_numbers=numbers,
            outcome=LineOutcome.APPLIED,
            payment=payment,
        )

    copied, created = (line(pk, ["10000000001600", "10000000000016"]) for pk in ids_take(StatementLine, 2))
    created.bill_numbers = []
    objects_copy(StatementLine, [copied])
    StatementLine.objects.bulk_create([created])
    differing = ("id", "entry_reference", "position")  # unique per line
    fields = [f.name for f in StatementLine._meta.concrete_fields if f.name not in differing]
    read = {
        row.pk: model_to_dict(row, fields=fields)
        for row in StatementLine.objects.filter(pk__in=[copied.pk, created.pk])
    }
    assert read[copied.pk] | {"bill_numbers": []} == read[created.pk]
    assert read[copied.pk]["bill_numbers"] == ["10000000001600", "10000000000016"]
    assert (
        read[copied.pk]["remittance"] == "GOSI BILL\t«two»\nlines" and read[copied.pk]["resolved_by"] is None
    )

    receipt = Receipt.objects.get(payment=payment)
    assert receipt.settled and receipt.issued_at.tzinfo is not None  # written by COPY at notification
    assert Payment.objects.get(pk=payment.pk).amount == Money("1000.00")
    assert copied._state.adding is False and copied._state.db == "default"
    with pytest.raises(TypeError, match="no conversion"):
        objects_copy(StatementImport, [record])  # a FileField: not one it knows
    naive = line(ids_take(StatementLine, 1)[0], [])
    naive.booking_date = datetime(2026, 11, 20, 23, 30)  # type: ignore[assignment]
    with pytest.raises(ValueError, match="for a date column"), transaction.atomic():
        objects_copy(StatementLine, [naive])  # its day depends on the zone: refused
    late = Receipt(number="30000000009999", payment=payment, issued_at=datetime(2026, 11, 20, 23, 30))
    with pytest.raises(ValueError, match="naive datetime"), transaction.atomic():
        objects_copy(Receipt, [late])


def test_sample_files_of_both_formats_reconcile(billed) -> None:  # type: ignore[no-untyped-def]
    from simis.payments.statement_samples import statement_file_sample

    bills = [billed.bill(e, m) for e in (billed.one, billed.two) for m in (SEP, OCT)]
    payments = [(b.number, b.total.amount, "Nour Trading Est.", date(2026, 11, 20)) for b in bills]
    for format_, seed in (("camt053", 1), ("mt940", 2)):
        sample = statement_file_sample(payments, format=format_, seed=seed, noise=0.0)
        record = services.statement_import(
            data=sample.data, file_name=sample.filename, bank=f"BANK-{format_}"
        ).statement_import
        assert record.applied == 4 and record.unmatched == 0, _outcomes(record)
    assert account_summary(billed.one.pk).balance == Money("-5375.00")  # every bill paid twice


# --- The work queue ------------------------------------------------------------------------------------


def _waiting(
    billed, text: str = "CONTRIBUTIONS", amount: str = "500.00", mark: str = "C", reference: str = "FT4001"
) -> StatementLine:  # type: ignore[no-untyped-def]
    record = _import(mt940([Row(amount, reference, text, mark=mark)])).statement_import
    return record.lines.get()


def test_staff_apply_a_waiting_entry_to_a_bill(billed, khalid) -> None:  # type: ignore[no-untyped-def]
    line = _waiting(billed)
    assert line.outcome == LineOutcome.UNMATCHED
    october = billed.bill(billed.one, OCT)
    resolved = services.statement_line_resolve(
        line_id=line.pk, actor=khalid, resolution=Resolution.BILL, bill_number=october.number, note="phoned"
    )
    assert resolved.outcome == LineOutcome.RESOLVED and resolved.resolution == Resolution.BILL
    payment = resolved.payment
    assert payment.origin == PaymentOrigin.STAFF and payment.bill_id == october.pk and payment.receipt
    assert payment.bank_reference == "FT4001" and payment.amount == Money("500.00")
    assert account_summary(billed.one.pk).balance == Money("4875.00")
    assert AuditEntry.objects.filter(action="payments.line_resolved", actor_id=khalid.pk).count() == 1
    with pytest.raises(SimisError) as refused:
        services.statement_line_resolve(
            line_id=line.pk, actor=khalid, resolution=Resolution.NOT_OURS, note="x"
        )
    assert refused.value.code == "PAY-041"


def test_staff_apply_a_waiting_entry_to_an_establishment(billed, khalid) -> None:  # type: ignore[no-untyped-def]
    line = _waiting(billed)
    resolved = services.statement_line_resolve(
        line_id=line.pk,
        actor=khalid,
        resolution=Resolution.ESTABLISHMENT,
        establishment_number=billed.two.number,
    )
    assert resolved.payment.establishment_id == billed.two.pk and resolved.payment.bill_id is None
    for kwargs, code in [
        ({"resolution": Resolution.ESTABLISHMENT, "establishment_number": "9999999999"}, "PAY-043"),
        ({"resolution": Resolution.ESTABLISHMENT}, "PAY-042"),
        ({"resolution": Resolution.BILL, "bill_number": "123"}, "PAY-030"),
    ]:
        other = _waiting(billed, text="OTHER", reference=f"FT-{code}")
        with pytest.raises(SimisError) as refused:
            services.statement_line_resolve(line_id=other.pk, actor=khalid, **kwargs)  # type: ignore[arg-type]
        assert refused.value.code == code


def test_not_ours_and_refunds_need_a_note_and_post_nothing(billed, khalid) -> None:  # type: ignore[no-untyped-def]
    line = _waiting(billed)
    with pytest.raises(SimisError) as refused:
        services.statement_line_resolve(line_id=line.pk, actor=khalid, resolution=Resolution.REFUND)
    assert refused.value.code == "PAY-045"
    resolved = services.statement_line_resolve(
        line_id=line.pk, actor=khalid, resolution=Resolution.REFUND, note="Paid twice; refund to payer"
    )
    assert resolved.outcome == LineOutcome.RESOLVED and resolved.payment is None
    assert not Payment.objects.exists()


def test_a_debit_that_waits_cannot_be_applied(billed, khalid) -> None:  # type: ignore[no-untyped-def]
    number = billed.bill(billed.one, OCT).number
    line = _waiting(billed, text=f"RETURN BILL {number}", amount="42.00", mark="RC")
    assert (line.outcome, line.reason) == (LineOutcome.UNMATCHED, LineReason.RETURN_NOT_MATCHED)
    with pytest.raises(SimisError) as refused:
        services.statement_line_resolve(
            line_id=line.pk, actor=khalid, resolution=Resolution.BILL, bill_number=number
        )
    assert refused.value.code == "PAY-044"


def test_a_reference_the_bank_notified_since_confirms_the_entry(billed, khalid) -> None:  # type: ignore[no-untyped-def]
    line = _waiting(billed)
    october = billed.bill(billed.one, OCT)
    notified = _notify(october.number, "500.00", "FT4001")
    resolved = services.statement_line_resolve(
        line_id=line.pk, actor=khalid, resolution=Resolution.BILL, bill_number=october.number
    )
    assert resolved.outcome == LineOutcome.CONFIRMED and resolved.resolution == Resolution.CONFIRMED
    assert resolved.payment_id == notified.payment.pk and Payment.objects.count() == 1
