"""The employer's account: payments, credits, fines, instalment plans, certificates, statements —
and the ledger's invariants under random sequences of operations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simis.contributions import rules
from simis.contributions.models import (
    Account,
    Bill,
    EmployerCredit,
    EntryKind,
    InstalmentPlan,
    InstalmentStatus,
    JournalEntry,
    MonthDebt,
    PenaltyAccrual,
    PlanStatus,
    Posting,
)
from simis.contributions.selectors import (
    account_statement,
    account_summary,
    certificate_verify,
    overdue_months,
)
from simis.contributions.services import (
    certificate_issue,
    instalment_plan_request,
    instalment_plans_review,
    month_bill,
    payment_post,
    payment_reverse,
    penalties_accrue,
)
from simis.core.errors import SimisError
from simis.core.money import Money
from simis.registry.tests.factories import engagement_make, establishment_make, person_make, wage_make

SEP, OCT, NOV = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)


def _employer(workers: int = 1, wage: str = "10000"):  # type: ignore[no-untyped-def]
    establishment = establishment_make()
    for _ in range(workers):
        engagement = engagement_make(
            person_make(),
            establishment,
            join_date=date(2020, 1, 1),
            covers_annuities=True,
            covers_unemployment=True,
        )
        wage_make(engagement, basic=Decimal(wage), housing=Decimal(wage) / 4)
    return establishment


@pytest.fixture
def billed(parameters):  # type: ignore[no-untyped-def]
    """Two employers billed for September and October 2026 (12,500 a month each worker:
    employer 11.75 % + employee 9.75 % = 2,687.50 SAR a worker a month)."""
    one, two = _employer(), _employer(workers=3)
    month_bill(month=SEP, today=date(2026, 10, 1))
    month_bill(month=OCT, today=date(2026, 11, 1))
    return one, two


def _bill(establishment, month):  # type: ignore[no-untyped-def]
    return Bill.objects.get(establishment=establishment, month=month)


def test_a_bill_is_owed_until_paid(billed) -> None:  # type: ignore[no-untyped-def]
    one, _two = billed
    assert _bill(one, OCT).total == Money("2687.50")
    summary = account_summary(one.pk)
    assert summary.contributions_due == Money("5375.00") and summary.balance == Money("5375.00")


def test_a_payment_settles_the_oldest_month_and_is_applied_once(billed) -> None:  # type: ignore[no-untyped-def]
    one, _two = billed
    first = payment_post(
        establishment_id=one.pk, amount=Money("3000"), paid_on=date(2026, 11, 3), source="payment:1"
    )
    assert first.created
    assert [(account, month, amount) for account, month, amount in first.settled] == [
        ("contributions", SEP, Money("2687.50")),
        ("contributions", OCT, Money("312.50")),
    ]
    again = payment_post(
        establishment_id=one.pk, amount=Money("3000"), paid_on=date(2026, 11, 3), source="payment:1"
    )
    assert not again.created and again.entry.pk == first.entry.pk
    assert JournalEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 1
    assert account_summary(one.pk).balance == Money("2375.00")
    assert MonthDebt.objects.get(establishment_id=one.pk, month=SEP).contributions == Money(0)


def test_paying_more_than_owed_leaves_a_credit_spent_on_the_next_bill(billed) -> None:  # type: ignore[no-untyped-def]
    one, _two = billed
    paid = payment_post(
        establishment_id=one.pk, amount=Money("6000"), paid_on=date(2026, 11, 3), source="p:over"
    )
    assert paid.credit == Money("625.00")
    assert EmployerCredit.objects.get(establishment_id=one.pk).credit == Money("625.00")
    month_bill(month=NOV, today=date(2026, 12, 1))
    assert EmployerCredit.objects.get(establishment_id=one.pk).credit == Money(0)
    assert MonthDebt.objects.get(establishment_id=one.pk, month=NOV).contributions == Money("2062.50")
    assert account_summary(one.pk).balance == Money("2062.50")


def test_the_credit_of_several_employers_is_spent_at_once_each_on_its_own_months(billed) -> None:  # type: ignore[no-untyped-def]
    one, two = billed
    three = _employer()  # billed from November only: its credit waits for its first bill
    paid_on = date(2026, 11, 3)
    payment_post(establishment_id=one.pk, amount=Money("6000"), paid_on=paid_on, source="p:one")
    payment_post(establishment_id=two.pk, amount=Money("20000"), paid_on=paid_on, source="p:two")
    payment_post(establishment_id=three.pk, amount=Money("100"), paid_on=paid_on, source="p:three")
    # one: 5,375 owed, 625 over; two: 16,125 owed, 3,875 over; three: nothing owed, 100 over.
    month_bill(month=NOV, today=date(2026, 12, 1))  # spends every credit it can, in one go
    assert EmployerCredit.objects.get(establishment_id=one.pk).credit == Money(0)
    assert MonthDebt.objects.get(establishment_id=one.pk, month=NOV).contributions == Money("2062.50")
    assert EmployerCredit.objects.get(establishment_id=two.pk).credit == Money(0)
    assert MonthDebt.objects.get(establishment_id=two.pk, month=NOV).contributions == Money("4187.50")
    assert EmployerCredit.objects.get(establishment_id=three.pk).credit == Money(0)
    assert MonthDebt.objects.get(establishment_id=three.pk, month=NOV).contributions == Money("2587.50")
    applied = JournalEntry.objects.filter(kind=EntryKind.CREDIT_APPLIED)
    assert sorted(applied.values_list("establishment_id", flat=True)) == sorted([one.pk, two.pk, three.pk])
    assert len(set(applied.values_list("source", flat=True))) == 3


def test_a_reversed_payment_makes_the_months_owed_again(billed) -> None:  # type: ignore[no-untyped-def]
    one, _two = billed
    payment_post(establishment_id=one.pk, amount=Money("3000"), paid_on=date(2026, 11, 3), source="p:r")
    payment_reverse(payment_source="p:r", reversed_on=date(2026, 11, 4), source="reversal:p:r")
    payment_reverse(payment_source="p:r", reversed_on=date(2026, 11, 4), source="reversal:p:r")  # retried
    assert account_summary(one.pk).balance == Money("5375.00")
    assert MonthDebt.objects.get(establishment_id=one.pk, month=SEP).contributions == Money("2687.50")
    with pytest.raises(SimisError) as unknown:
        payment_reverse(payment_source="p:none", reversed_on=date(2026, 11, 4), source="x")
    assert unknown.value.code == "CON-041"


def test_fines_accrue_each_month_or_part_of_a_month_once(billed) -> None:  # type: ignore[no-untyped-def]
    one, _two = billed
    # September was due on 15 October: the first month of delay started on 16 October.
    first = penalties_accrue(today=date(2026, 10, 16))
    assert first.accrued == 2  # September, both employers
    assert penalties_accrue(today=date(2026, 10, 16)).accrued == 0, "running again accrues nothing"
    fine = PenaltyAccrual.objects.get(establishment_id=one.pk, month=SEP, period=1)
    assert (fine.unpaid, fine.amount, fine.period_start) == (
        Money("2687.50"),
        Money("53.75"),
        date(2026, 10, 16),
    )
    # Paid half of September on 1 November; a missed month of runs is caught up on 17 November.
    payment_post(establishment_id=one.pk, amount=Money("1343.75"), paid_on=date(2026, 11, 1), source="p:half")
    penalties_accrue(today=date(2026, 11, 17))
    september = PenaltyAccrual.objects.get(establishment_id=one.pk, month=SEP, period=2)
    october = PenaltyAccrual.objects.get(establishment_id=one.pk, month=OCT, period=1)
    assert september.unpaid == Money("1343.75") and september.amount == Money("26.88")
    assert october.amount == Money("53.75")
    summary = account_summary(one.pk)
    assert summary.penalties_due == Money("53.75") + Money("26.88") + Money("53.75") - Money("0")


def test_an_amnesty_waives_fines(billed, settings) -> None:  # type: ignore[no-untyped-def]
    from simis.core.models import ParameterValue

    one, _two = billed
    ParameterValue.objects.filter(key="penalty.waivers").update(
        value_json=[{"code": "AMNESTY-TEST", "from": "2026-10-01", "to": "2026-10-31"}]
    )
    from simis.core.selectors import parameter_cache_clear

    parameter_cache_clear()
    penalties_accrue(today=date(2026, 10, 20))
    waived = PenaltyAccrual.objects.get(establishment_id=one.pk, month=SEP, period=1)
    assert waived.waiver == "AMNESTY-TEST" and waived.amount == Money(0)
    assert not JournalEntry.objects.filter(kind=EntryKind.PENALTY).exists()
    parameter_cache_clear()


def test_a_conditional_amnesty_waits_for_its_end(billed) -> None:  # type: ignore[no-untyped-def]
    from simis.core.models import ParameterValue
    from simis.core.selectors import parameter_cache_clear

    one, two = billed
    ParameterValue.objects.filter(key="penalty.waivers").update(
        value_json=[
            {"code": "PAID-UP", "from": "2026-10-01", "to": "2026-11-10", "condition": "paid_in_full"}
        ]
    )
    parameter_cache_clear()
    assert penalties_accrue(today=date(2026, 10, 20)).deferred == 2
    assert not PenaltyAccrual.objects.exists()
    payment_post(establishment_id=one.pk, amount=Money("2687.50"), paid_on=date(2026, 11, 5), source="p:sep")
    penalties_accrue(today=date(2026, 11, 11))
    assert PenaltyAccrual.objects.get(establishment_id=one.pk, month=SEP, period=1).waiver == "PAID-UP"
    kept = PenaltyAccrual.objects.get(establishment_id=two.pk, month=SEP, period=1)
    assert kept.waiver == "" and kept.amount == Money("161.25")  # 2 % of 3 × 2,687.50
    parameter_cache_clear()


def test_an_instalment_plan_runs_its_course(billed) -> None:  # type: ignore[no-untyped-def]
    _one, two = billed  # owes 16,125.00
    with pytest.raises(SimisError) as too_long:
        instalment_plan_request(establishment=two, count=25, actor=None, today=date(2026, 11, 2))
    assert too_long.value.code == "CON-031"
    plan = instalment_plan_request(establishment=two, count=4, actor=None, today=date(2026, 11, 2))
    assert plan.debt == Money("16125.00") and plan.down_payment == Money("1612.50")
    assert plan.status == PlanStatus.AWAITING_DOWN_PAYMENT
    schedule = list(plan.instalments.order_by("number"))
    assert [i.due_on for i in schedule] == [
        date(2026, 11, 17),
        date(2026, 12, 15),
        date(2027, 1, 15),
        date(2027, 2, 15),
        date(2027, 3, 15),
    ]
    assert sum((i.amount for i in schedule), Money(0)) == plan.debt
    with pytest.raises(SimisError) as second:
        instalment_plan_request(establishment=two, count=4, actor=None, today=date(2026, 11, 2))
    assert second.value.code == "CON-032"
    # No fines while the plan is in force; a certificate may be issued.
    penalties_accrue(today=date(2026, 11, 20))
    assert not PenaltyAccrual.objects.filter(establishment_id=two.pk).exclude(waiver=plan.number).exists()
    assert certificate_issue(establishment=two, actor=None, today=date(2026, 11, 20))
    payment_post(
        establishment_id=two.pk, amount=Money("1612.50"), paid_on=date(2026, 11, 10), source="p:down"
    )
    instalment_plans_review(today=date(2026, 11, 18))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    instalment_plans_review(today=date(2026, 12, 16))  # first instalment missed: allowed once
    plan.refresh_from_db()
    assert (plan.status, plan.misses) == (PlanStatus.ACTIVE, 1)
    instalment_plans_review(today=date(2027, 1, 16))  # second missed: cancelled
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CANCELLED and plan.ended_on == date(2027, 1, 16)
    assert plan.instalments.filter(status=InstalmentStatus.MISSED).count() == 2


def test_a_plan_needs_a_debt_of_6000(billed) -> None:  # type: ignore[no-untyped-def]
    one, _two = billed  # owes 5,375.00
    with pytest.raises(SimisError) as small:
        instalment_plan_request(establishment=one, count=3, actor=None, today=date(2026, 11, 2))
    assert small.value.code == "CON-030"


def test_a_plan_paid_off_completes(billed) -> None:  # type: ignore[no-untyped-def]
    _one, two = billed
    plan = instalment_plan_request(establishment=two, count=2, actor=None, today=date(2026, 11, 2))
    payment_post(establishment_id=two.pk, amount=plan.debt, paid_on=date(2026, 11, 5), source="p:all")
    instalment_plans_review(today=date(2026, 11, 6))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPLETED
    assert InstalmentPlan.objects.get(pk=plan.pk).instalments.filter(status=InstalmentStatus.MET).count() == 3


def test_a_certificate_only_when_nothing_is_overdue(billed) -> None:  # type: ignore[no-untyped-def]
    one, _two = billed
    with pytest.raises(SimisError) as overdue:
        certificate_issue(establishment=one, actor=None, today=date(2026, 10, 20))
    assert overdue.value.code == "CON-050"
    payment_post(establishment_id=one.pk, amount=Money("2687.50"), paid_on=date(2026, 10, 21), source="p:c")
    assert overdue_months(one.pk, date(2026, 10, 22)) == []
    certificate = certificate_issue(establishment=one, actor=None, today=date(2026, 10, 22))
    assert certificate.valid_until == date(2026, 11, 21)
    assert certificate_verify(certificate.number, certificate.token) == certificate
    assert certificate_verify(certificate.number, "0" * 32) is None
    assert certificate_issue(establishment=one, actor=None, today=date(2026, 10, 22)).pk == certificate.pk


def test_the_statement_adds_up(billed) -> None:  # type: ignore[no-untyped-def]
    one, _two = billed
    payment_post(establishment_id=one.pk, amount=Money("3000"), paid_on=date(2026, 11, 3), source="p:s")
    penalties_accrue(today=date(2026, 11, 17))
    statement = account_statement(one.pk, start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert statement.opening == Money(0)
    assert [row.kind for row in statement.rows] == ["bill", "penalty", "bill", "payment", "penalty"]
    assert statement.closing == statement.opening + statement.total_debit - statement.total_credit
    assert statement.closing == statement.summary.balance


# --- Invariants under random operations (CON-2) --------------------------------------------------

OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("pay"), st.integers(min_value=1, max_value=2_000_000), st.integers(0, 40)),
        st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=20), st.integers(0, 40)),
        st.tuples(st.just("accrue"), st.just(0), st.integers(0, 40)),
        st.tuples(st.just("retry"), st.integers(min_value=0, max_value=20), st.integers(0, 40)),
    ),
    min_size=1,
    max_size=12,
)


@pytest.mark.django_db(transaction=False)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_ledger_invariants_hold_under_random_operations(billed, operations) -> None:  # type: ignore[no-untyped-def]
    one, _two = billed
    sid = transaction.savepoint()
    try:
        payments: list[tuple[str, int]] = []
        for index, (kind, value, day) in enumerate(operations):
            on = date.fromordinal(date(2026, 11, 1).toordinal() + day)
            if kind == "pay":
                source = f"h:{index}"
                payment_post(
                    establishment_id=one.pk, amount=Money(rules.riyals(value)), paid_on=on, source=source
                )
                payments.append((source, value))
            elif kind == "retry" and payments:
                source, amount = payments[value % len(payments)]
                again = payment_post(
                    establishment_id=one.pk, amount=Money(rules.riyals(amount)), paid_on=on, source=source
                )
                assert not again.created
            elif kind == "reverse" and payments:
                source, _amount = payments[value % len(payments)]
                payment_reverse(payment_source=source, reversed_on=on, source=f"rev:{source}")
            elif kind == "accrue":
                penalties_accrue(today=on)
        postings = Posting.objects.select_related("entry")
        # Every entry balances, so the whole ledger does.
        assert sum((p.amount for p in postings), Money(0)) == Money(0)
        mine = [p for p in postings if p.establishment_id == one.pk]

        def total(account: Account) -> Money:
            return sum((p.amount for p in mine if p.account == account), Money(0))

        billed_total = sum(
            (
                p.amount
                for p in mine
                if p.account == Account.CONTRIBUTIONS_RECEIVABLE and p.entry.kind == EntryKind.BILL
            ),
            Money(0),
        )
        fines = total(Account.PENALTY_REVENUE) * -1
        paid = total(Account.BANK)
        summary = account_summary(one.pk)
        assert summary.balance == billed_total + fines - paid
        # The debt table the database keeps equals the postings, month by month.
        for debt in MonthDebt.objects.filter(establishment_id=one.pk):
            owed = sum(
                (
                    p.amount
                    for p in mine
                    if p.month == debt.month and p.account == Account.CONTRIBUTIONS_RECEIVABLE
                ),
                Money(0),
            )
            assert debt.contributions == owed
        # No month is ever settled below zero by a payment.
        assert all(
            d.contributions.amount >= 0 for d in MonthDebt.objects.filter(establishment_id=one.pk)
        ) or any(k == "reverse" for k, _v, _d in operations)
    finally:
        transaction.savepoint_rollback(sid)


def test_the_balance_by_month_follows_the_postings(billed) -> None:  # type: ignore[no-untyped-def]
    from simis.contributions.selectors import balance_by_month

    one, _two = billed
    payment_post(establishment_id=one.pk, amount=Money("1000"), paid_on=date(2026, 11, 3), source="p:m")
    series = balance_by_month(one.pk, start=date(2026, 8, 15), end=date(2026, 11, 20))
    assert [(day, value.amount) for day, value in series] == [
        (date(2026, 8, 31), Decimal("0.00")),
        (date(2026, 9, 30), Decimal("0.00")),
        (date(2026, 10, 31), Decimal("2687.50")),  # September's bill, issued on 1 October
        (date(2026, 11, 20), Decimal("4375.00")),  # October's, less 1,000 paid
    ]


@pytest.mark.django_db(transaction=True)
def test_two_payments_of_one_employer_at_once_settle_one_after_the_other(parameters) -> None:  # type: ignore[no-untyped-def]
    """Two connections post payments for the same account at the same moment: the second waits
    for the first's lock, sees the months it settled, and settles the next ones — never the
    same month twice."""
    import threading

    from django.db import connections

    from simis.contributions.ledger import accounts_lock

    one = _employer()
    month_bill(month=SEP, today=date(2026, 10, 1))
    month_bill(month=OCT, today=date(2026, 11, 1))
    results: dict[str, object] = {}
    barrier = threading.Barrier(2)

    def pay(name: str) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                accounts_lock([one.pk, one.pk + 10_000])  # a statement's many accounts, in order
                results[name] = payment_post(
                    establishment_id=one.pk,
                    amount=Money("2687.50"),
                    paid_on=date(2026, 11, 3),
                    source=f"race:{name}",
                )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    settled = sorted(month for r in results.values() for _account, month, _amount in r.settled)  # type: ignore[attr-defined]
    assert settled == [SEP, OCT]
    assert account_summary(one.pk).balance == Money(0)


def test_many_payments_at_once_post_exactly_as_one_by_one(parameters) -> None:  # type: ignore[no-untyped-def]
    """A statement's payments posted together give the very postings that posting them one by
    one in the same order gives: same months settled, same credit, a repeated source once."""
    import random

    from simis.contributions.services import PaymentIn, payments_post

    employers = [_employer(workers=1 + i % 3) for i in range(6)]
    month_bill(month=SEP, today=date(2026, 10, 1))
    month_bill(month=OCT, today=date(2026, 11, 1))
    penalties_accrue(today=date(2026, 11, 20))
    rng = random.Random(3)
    batch = [
        PaymentIn(
            rng.choice(employers).pk,
            Money(rules.riyals(rng.randrange(50_000, 900_000))),
            date(2026, 11, 21),
            f"s:{i}",
        )
        for i in range(40)
    ]
    batch.append(batch[5])  # the bank sent one twice

    def snapshot() -> list[tuple[object, ...]]:
        return sorted(
            (p.entry.source, p.account, p.month, p.amount.amount, p.establishment_id)
            for p in Posting.objects.filter(entry__kind=EntryKind.PAYMENT).select_related("entry")
        )

    sid = transaction.savepoint()
    for item in batch:
        payment_post(
            establishment_id=item.establishment_id,
            amount=item.amount,
            paid_on=item.paid_on,
            source=item.source,
        )
    one_by_one = snapshot()
    debts_one_by_one = sorted(
        MonthDebt.objects.values_list("establishment_id", "month", "contributions", "penalties")
    )
    transaction.savepoint_rollback(sid)
    answers = payments_post(batch)
    assert snapshot() == one_by_one
    assert sorted(
        MonthDebt.objects.values_list("establishment_id", "month", "contributions", "penalties")
    ) == (debts_one_by_one)
    assert [a.created for a in answers].count(False) == 1 and answers[-1].entry.pk == answers[5].entry.pk
    again = payments_post(batch[:3])
    assert not any(a.created for a in again) and [a.entry.pk for a in again] == [
        a.entry.pk for a in answers[:3]
    ]


def test_many_reversals_at_once_undo_exactly_their_payments(parameters) -> None:  # type: ignore[no-untyped-def]
    """A statement's returned payments reversed together: each reversal posts the exact opposite
    of its payment's postings, so every month it settled is owed again and the employer's net
    position is that of the payments left standing; a retried reversal posts once, and a batch
    naming a payment never posted writes nothing (CON-041)."""
    from simis.contributions.services import PaymentIn, ReversalIn, payments_post, payments_reverse

    employers = [_employer(workers=1 + i % 2) for i in range(4)]
    month_bill(month=SEP, today=date(2026, 10, 1))
    month_bill(month=OCT, today=date(2026, 11, 1))
    payments = [
        PaymentIn(employers[i % 4].pk, Money(f"{1500 + 700 * i}.25"), date(2026, 11, 3), f"p:{i}")
        for i in range(12)
    ]
    returned = {0, 3, 4, 7, 11}

    def debts() -> dict[tuple[int, date], list[Decimal]]:
        return {
            (row.establishment_id, row.month): [row.contributions.amount, row.penalties.amount]
            for row in MonthDebt.objects.all()
        }

    def net() -> dict[int, Decimal]:
        """What each employer owes in all: its months' debts less its credit."""
        owed: dict[int, Decimal] = {}
        for (establishment_id, _month), (contributions, penalties) in debts().items():
            owed[establishment_id] = owed.get(establishment_id, Decimal(0)) + contributions + penalties
        for row in EmployerCredit.objects.all():
            owed[row.establishment_id] = owed.get(row.establishment_id, Decimal(0)) - row.credit.amount
        return owed

    sid = transaction.savepoint()
    payments_post([p for i, p in enumerate(payments) if i not in returned])
    net_standing = net()
    transaction.savepoint_rollback(sid)

    payments_post(payments)
    expected = debts()
    for posting in Posting.objects.filter(
        entry__source__in=[f"p:{i}" for i in returned],
        account__in=[Account.CONTRIBUTIONS_RECEIVABLE, Account.PENALTIES_RECEIVABLE],
    ):
        column = 0 if posting.account == Account.CONTRIBUTIONS_RECEIVABLE else 1
        expected[(posting.establishment_id, posting.month)][column] -= posting.amount.amount  # type: ignore[index]
    reversals = [ReversalIn(f"p:{i}", date(2026, 11, 5), f"r:{i}", f"returned {i}") for i in sorted(returned)]
    reversals.append(reversals[1])  # the bank's file named one twice
    entries = payments_reverse(reversals)
    assert entries[-1].pk == entries[1].pk and len({e.pk for e in entries}) == len(returned)
    for i in returned:
        paid = sorted(
            (p.account, p.month, p.amount.amount, p.establishment_id)
            for p in Posting.objects.filter(entry__source=f"p:{i}")
        )
        undone = sorted(
            (p.account, p.month, -p.amount.amount, p.establishment_id)
            for p in Posting.objects.filter(entry__source=f"r:{i}")
        )
        assert paid and undone == paid
        entry = JournalEntry.objects.get(source=f"r:{i}")
        assert (entry.kind, entry.posted_on, entry.memo) == (
            EntryKind.REVERSAL,
            date(2026, 11, 5),
            f"returned {i}",
        )
    assert debts() == expected
    assert net() == net_standing
    assert payments_reverse(reversals[:2])[0].pk == entries[0].pk  # retried: nothing new

    written = JournalEntry.objects.count()
    with pytest.raises(SimisError) as unknown:
        payments_reverse(
            [ReversalIn("p:1", date(2026, 11, 6), "r:1"), ReversalIn("p:none", date(2026, 11, 6), "r:x")]
        )
    assert unknown.value.code == "CON-041"
    assert JournalEntry.objects.count() == written


def test_the_balance_check_reads_each_entry_by_key_whatever_the_statistics(parameters) -> None:  # type: ignore[no-untyped-def]
    """After the first billing run nearly every posting is the run's, and ANALYZE records one
    ``entry_id``: the planner then expected any entry to own the whole table and summed each
    new entry's postings with a sequential scan (a day's fines for 96,552 employers ran for over
    nine minutes). Migration 0019 keeps the check on the entry index: 5,000 fines against a
    40,000-posting run finish well inside a 3-second limit (a scan per entry takes far longer)."""
    from django.db import connection

    from simis.contributions.ledger import Line, entries_write

    establishment = establishment_make()
    run = JournalEntry.objects.create(kind=EntryKind.BILL, source="bill-run:big", posted_on=date(2026, 11, 1))
    with connection.cursor() as cursor:
        cursor.execute(
            """
INSERT INTO contributions_posting (entry_id, establishment_id, account, month, amount, posted_on, reference)
SELECT %(run)s, %(est)s, %(debit)s, %(month)s, 1.00, %(on)s, '' FROM generate_series(1, 39999)
UNION ALL
SELECT %(run)s, 0, %(credit)s, %(month)s, -39999.00, %(on)s, ''
""",
            {
                "run": run.pk,
                "est": establishment.pk,
                "debit": Account.CONTRIBUTIONS_RECEIVABLE.value,
                "credit": Account.CONTRIBUTION_REVENUE.value,
                "month": OCT,
                "on": date(2026, 11, 1),
            },
        )
        cursor.execute("ANALYZE contributions_posting")
        cursor.execute(
            "SELECT n_distinct FROM pg_stats "
            "WHERE tablename = 'contributions_posting' AND attname = 'entry_id'"
        )
        assert cursor.fetchone()[0] == 1  # the statistics the planner was misled by
    fines = [
        (
            JournalEntry(
                kind=EntryKind.PENALTY,
                source=f"fine:{i}",
                establishment=establishment,
                posted_on=date(2026, 11, 16),
            ),
            [Line(Account.PENALTIES_RECEIVABLE, OCT, 100), Line(Account.PENALTY_REVENUE, OCT, -100)],
        )
        for i in range(5000)
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = '3s'")
        entries_write(fines)
    assert MonthDebt.objects.get(establishment_id=establishment.pk, month=OCT).penalties == Money("5000.00")
    assert Posting.objects.filter(entry__kind=EntryKind.PENALTY).count() == 10_000
