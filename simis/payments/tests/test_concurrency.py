"""The same payment notified twice at the same moment, in two database sessions as two web
processes would: it is applied once and both answers carry the same receipt. Real
transactions, so these tests commit."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection

from simis.contributions.models import JournalEntry
from simis.payments import services
from simis.payments.choices import PaymentChannel
from simis.payments.models import Payment, Receipt
from simis.payments.tests.conftest import OCT
from simis.payments.tests.test_services import PAID

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_notifications_of_one_payment_at_once_apply_it_once(billed, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    number = billed.bill(billed.one, OCT).number
    posting = services.payments_post
    inside = threading.Event()

    def slow_post(payments):  # type: ignore[no-untyped-def]
        # Keep the first transaction open long enough for the second to arrive.
        inside.set()
        time.sleep(0.5)
        return posting(payments)

    monkeypatch.setattr(services, "payments_post", slow_post)
    start = threading.Barrier(2)

    def notify() -> tuple[str, bool, float]:
        try:
            start.wait(10)
            began = time.monotonic()
            notified = services.payment_notify(
                bank="DEMO-BANK",
                bill_number=number,
                amount=Decimal("1000.00"),
                paid_at=PAID,
                channel=PaymentChannel.INTERNET_BANKING,
                bank_reference="RACE-1",
            )
            return notified.receipt.number, notified.created, time.monotonic() - began
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = [future.result(60) for future in [pool.submit(notify), pool.submit(notify)]]
    assert inside.is_set()
    assert sorted(created for _, created, _ in results) == [False, True]
    assert results[0][0] == results[1][0]
    assert max(waited for _, _, waited in results) >= 0.4  # the duplicate waited for the first
    assert Payment.objects.count() == 1 and Receipt.objects.count() == 1
    assert JournalEntry.objects.filter(kind="payment").count() == 1


def test_a_notification_arriving_during_an_import_waits_and_both_apply(billed, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from simis.contributions.public import account_summary
    from simis.core.money import Money
    from simis.payments.tests.statements import Row, mt940

    one_oct, two_oct = billed.bill(billed.one, OCT), billed.bill(billed.two, OCT)
    data = mt940(
        [Row("100.00", "FT7001", f"BILL {one_oct.number}"), Row("200.00", "FT7002", f"BILL {two_oct.number}")]
    )
    posting = services.payments_post
    importing = threading.Event()

    def slow_post(payments):  # type: ignore[no-untyped-def]
        if not importing.is_set():
            importing.set()  # the file holds both accounts from here to its commit
            time.sleep(0.5)
        return posting(payments)

    monkeypatch.setattr(services, "payments_post", slow_post)

    def import_file() -> int:
        try:
            return services.statement_import(
                data=data, file_name="day.sta", bank="DEMO-BANK"
            ).statement_import.applied
        finally:
            connection.close()

    def notify() -> float:
        try:
            assert importing.wait(10)
            began = time.monotonic()
            services.payment_notify(
                bank="DEMO-BANK",
                bill_number=two_oct.number,
                amount=Decimal("50.00"),
                paid_at=PAID,
                channel=PaymentChannel.ATM,
                bank_reference="ATM-7003",
            )
            return time.monotonic() - began
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        imported, notified = pool.submit(import_file), pool.submit(notify)
        assert imported.result(60) == 2
        assert notified.result(60) >= 0.3  # it waited for the file's lock on Badr's account
    assert Payment.objects.count() == 3
    assert account_summary(billed.two.pk).balance == Money("16125.00") - Money("250.00")


def test_a_bank_reversal_during_an_import_returning_the_same_payment_waits_and_reverses_once(
    billed, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The file returns a payment while the bank's web service reverses it. The import holds the
    employer's account and then marks the payment reversed; the web service took the payment's
    row first and then waited for the account — each waited for the other, and PostgreSQL
    aborted one as a deadlock. Now the web service takes the account first: it waits for the
    file, then finds the payment reversed once."""
    from simis.contributions.models import EntryKind
    from simis.payments.models import PaymentReversal
    from simis.payments.tests.statements import Row, mt940

    number = billed.bill(billed.one, OCT).number
    services.payment_notify(
        bank="DEMO-BANK",
        bill_number=number,
        amount=Decimal("1000.00"),
        paid_at=PAID,
        channel=PaymentChannel.ATM,
        bank_reference="ATM-8001",
    )
    data = mt940([Row("1000.00", "FT8002", f"RETURN BILL {number}", mark="RC", kind="NRTN")])
    reverse = services.payments_reverse
    reversing = threading.Event()

    def slow_reverse(reversals):  # type: ignore[no-untyped-def]
        entries = reverse(reversals)  # the account is locked from here to the file's commit
        reversing.set()
        time.sleep(0.5)
        return entries

    monkeypatch.setattr(services, "payments_reverse", slow_reverse)

    def import_file() -> int:
        try:
            return services.statement_import(
                data=data, file_name="returns.sta", bank="DEMO-BANK"
            ).statement_import.reversals
        finally:
            connection.close()

    def bank_reverses() -> bool:
        try:
            assert reversing.wait(10)
            return services.payment_reversal_notify(
                bank="DEMO-BANK", bank_reference="ATM-8001", reason="card dispute"
            ).created
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        imported, reversed_ = pool.submit(import_file), pool.submit(bank_reverses)
        assert imported.result(60) == 1
        assert reversed_.result(60) is False  # the file's reversal stands; nothing twice
    assert PaymentReversal.objects.count() == 1
    assert JournalEntry.objects.filter(kind=EntryKind.REVERSAL).count() == 1
