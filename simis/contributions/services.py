"""Writes of the contributions app: one function per business operation, each audited.

``month_bill`` bills a month for every establishment (CON-1, see ``billing``); ``periods_rebill``
is how the register tells billing that a period's earlier months may now owe something else.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from simis.audit.public import audit_record
from simis.contributions import billing, ledger, rules
from simis.contributions.actions import ContributionsAction
from simis.contributions.errors import ContributionsError
from simis.contributions.ledger import Line
from simis.contributions.models import (
    PLAN_IN_FORCE,
    Account,
    AccrualRun,
    BillingRun,
    ComplianceCertificate,
    EmployerCredit,
    EntryKind,
    Instalment,
    InstalmentPlan,
    InstalmentStatus,
    JournalEntry,
    MonthDebt,
    PenaltyAccrual,
    PlanEndReason,
    PlanStatus,
    Posting,
    RateClass,
    Rebill,
    RunStatus,
)
from simis.core.dates import add_months, month_end, month_start
from simis.core.db_copy import objects_copy
from simis.core.errors import SimisError
from simis.core.money import Money
from simis.core.parameter_table import ParameterReader
from simis.core.selectors import parameter_reader, parameter_versions_current
from simis.core.timing import StepTimer

_BILLING_LOCK = 0x53494D4953_42  # "SIMIS" + "B": one billing run at a time


def periods_rebill(changes: Iterable[tuple[int, int, date]]) -> int:
    """Notes ``(engagement id, establishment id, since)`` changes for the next billing run."""
    rows = [Rebill(engagement_id=e, establishment_id=s, since=since) for e, s, since in changes]
    Rebill.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def register_changes_heard(changes: list[tuple[int, int, date]]) -> None:
    """The register's change listener: keeps the changes that reach a month already billed (the
    next run adjusts them); later months are billed afresh anyway."""
    last = (
        BillingRun.objects.filter(status=RunStatus.DONE)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    if last is None:
        return
    periods_rebill(change for change in changes if change[2] <= month_end(last))


def billing_next_month() -> date | None:
    """The month the next run must bill, or None before the first run (any month may start)."""
    last = (
        BillingRun.objects.filter(status=RunStatus.DONE)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    return add_months(last, 1) if last else None


def month_bill(*, month: date, actor: Any = None, today: date | None = None) -> BillingRun:
    """Bills ``month`` for every establishment in one transaction, or returns the run that
    already billed it (re-running a month changes nothing). Months are billed in order, each
    once it has ended. A failure bills nothing and is recorded as a failed run (CON-005)."""
    first = month_start(month)
    today = today or timezone.localdate()
    if today <= month_end(first):
        raise SimisError(
            ContributionsError.MONTH_NOT_ENDED,
            month=f"{first:%Y-%m}",
            **{"from": (date.fromordinal(month_end(first).toordinal() + 1)).isoformat()},
        )
    done = BillingRun.objects.filter(month=first, status=RunStatus.DONE).first()
    if done is not None:
        return done
    expected = billing_next_month()
    if expected is not None and expected != first:
        raise SimisError(
            ContributionsError.MONTH_OUT_OF_ORDER, month=f"{first:%Y-%m}", next=f"{expected:%Y-%m}"
        )
    # Parts of the run on connections of their own read this transaction's snapshot, which
    # holds no uncommitted change of a caller's: only a run that is its own transaction splits.
    outermost = not connection.in_atomic_block
    try:
        with transaction.atomic():
            return _run(first, actor=actor, today=today, outermost=outermost)
    except SimisError as error:
        if error.code == ContributionsError.RUN_IN_PROGRESS.code:
            raise
        _record_failure(first, actor, today, f"{error.code}: {error.message}")
        raise
    except DatabaseError as error:
        _record_failure(first, actor, today, str(error).splitlines()[0])
        raise SimisError(
            ContributionsError.RUN_FAILED, month=f"{first:%Y-%m}", detail=str(error).splitlines()[0]
        ) from error


def _record_failure(month: date, actor: Any, today: date, detail: str) -> None:
    if not connection.in_atomic_block:
        billing.stage_drop(month)
    with transaction.atomic():
        run = BillingRun.objects.create(
            month=month,
            status=RunStatus.FAILED,
            started_by=actor if getattr(actor, "pk", None) else None,
            issued_on=today,
            due_on=today,
            finished_at=timezone.now(),
            error=detail[:2000],
        )
        audit_record(
            actor=actor, action=ContributionsAction.BILLING_FAILED, subject=run, extra={"error": detail}
        )


def _billing_parts(outermost: bool) -> int:
    """How many connections compute the lines: ``SIMIS_BILLING_PARTS`` for a register of at
    least ``SIMIS_BILLING_PARALLEL_FROM`` contribution periods (PostgreSQL's estimate), else 1."""
    parts = int(settings.SIMIS_BILLING_PARTS)
    if not outermost or parts < 2:
        return 1
    estimate = "SELECT reltuples FROM pg_class WHERE oid = 'registry_engagement'::regclass"
    periods = billing.fetch(estimate)[0][0]
    return parts if max(periods, 0) >= settings.SIMIS_BILLING_PARALLEL_FROM else 1


def _run(month: date, *, actor: Any, today: date, outermost: bool) -> BillingRun:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_BILLING_LOCK])
        if not cursor.fetchone()[0]:
            raise SimisError(ContributionsError.RUN_IN_PROGRESS, month=f"{month:%Y-%m}")
    done = BillingRun.objects.filter(month=month, status=RunStatus.DONE).first()
    if done is not None:  # billed by a run that finished while we waited
        return done
    timer = StepTimer()
    # The run's sums and the debt table's upsert hash half a million establishments.
    billing.fetch("SELECT set_config('work_mem', %(size)s, true)", {"size": settings.SIMIS_BILLING_WORK_MEM})
    versions = sorted(parameter_versions_current().values())
    read = parameter_reader(versions)
    due_day = int(read("billing.due_day", month_end(month), rules.ACCOUNT_REGIME).value)
    run = BillingRun.objects.create(
        month=month,
        started_by=actor if getattr(actor, "pk", None) else None,
        issued_on=today,
        due_on=rules.due_date(month, due_day),
        parameter_version_ids=versions,
    )
    with timer.step("rate_classes"):
        rule = billing.month_rule(month, read)
        classes = billing.rate_classes_prepare(month, read)
    with timer.step("changes"):
        earlier = _rebill_months(month, read)
    parts = _billing_parts(outermost)
    with timer.step("lines"):
        written = billing.lines_create(rule, classes, parts=parts)
    try:  # with parts, the lines' keys are built meanwhile; the partition waits for them
        with timer.step("adjustments"):
            adjustments = billing.adjustments_compute(month, earlier)
        with timer.step("bills"):
            bills = billing.bills_insert(month, run.pk, today, run.due_on)
        with timer.step("ledger"):
            billing.bills_post(month, run.pk, today)
            credits_apply(on=today)
        with timer.step("attach"):
            billing.partition_attach(written)
    finally:
        written.release()
    lines = written.count
    totals = billing.run_totals()
    run.status = RunStatus.DONE
    run.finished_at = timezone.now()
    run.bills = bills
    run.lines = lines
    run.adjustment_lines = adjustments
    run.employer_total = rules.riyals(totals[0])
    run.employee_total = rules.riyals(totals[1])
    run.adjustment_total = rules.riyals(totals[2])
    run.timings = timer.steps
    run.save()
    audit_record(
        actor=actor,
        action=ContributionsAction.MONTH_BILLED,
        subject=run,
        extra={
            "month": f"{month:%Y-%m}",
            "bills": bills,
            "lines": lines,
            "adjustment_lines": adjustments,
            "employer": str(run.employer_total),
            "employee": str(run.employee_total),
            "adjustments": str(run.adjustment_total),
            "parameter_versions": versions,
            "seconds": timer.steps,
            "parts": parts,
        },
    )
    return run


def _rebill_months(month: date, read: Any) -> list[tuple[billing.MonthRule, list[RateClass]]]:
    """Takes the register's pending changes (deleting them in this transaction) into the
    temporary ``rebill_periods`` table and returns each earlier billed month they reach, with
    its rule and rate classes."""
    billing.execute("DROP TABLE IF EXISTS rebill_periods")
    billing.execute(
        "CREATE TEMP TABLE rebill_periods (engagement_id bigint PRIMARY KEY, since date) ON COMMIT DROP"
    )
    billing.execute(
        """WITH taken AS (DELETE FROM contributions_rebill RETURNING engagement_id, since)
           INSERT INTO rebill_periods SELECT engagement_id, min(since) FROM taken GROUP BY engagement_id"""
    )
    earliest = billing.fetch("SELECT min(since) FROM rebill_periods")[0][0]
    first_billed = (
        BillingRun.objects.filter(status=RunStatus.DONE)
        .order_by("month")
        .values_list("month", flat=True)
        .first()
    )
    if earliest is None or first_billed is None:
        return []
    billing.execute("ANALYZE rebill_periods")
    months = []
    current = max(month_start(earliest), first_billed)
    while current < month:
        months.append((billing.month_rule(current, read), billing.rate_classes_prepare(current, read)))
        current = add_months(current, 1)
    return months


# --- Payments and credits (the payments app posts through these) -----------------------------


@dataclass(frozen=True, slots=True)
class PaymentPosting:
    entry: JournalEntry
    created: bool
    settled: tuple[tuple[str, date, Money], ...]
    credit: Money  # what exceeded every debt and became the employer's credit


def _read() -> ParameterReader:
    return parameter_reader(sorted(parameter_versions_current().values()))


@dataclass(frozen=True, slots=True)
class PaymentIn:
    """One payment to post: for ``payments_post``."""

    establishment_id: int
    amount: Money
    paid_on: date
    source: str
    memo: str = ""


def payment_post(
    *, establishment_id: int, amount: Money, paid_on: date, source: str, memo: str = ""
) -> PaymentPosting:
    """A payment received for an establishment: the bank account is debited; the oldest unpaid
    months are settled (contributions before fines, or the reverse, by ``payment.allocation_order``)
    and anything beyond every debt becomes the employer's credit. Posting the same ``source``
    again returns the first posting and writes nothing (CON-5: notified twice, applied once)."""
    return payments_post([PaymentIn(establishment_id, amount, paid_on, source, memo)])[0]


def payments_post(payments: Sequence[PaymentIn]) -> list[PaymentPosting]:
    """Many payments at once — a bank statement — each exactly as ``payment_post`` would post it,
    in the order given (two payments of one employer: the second settles what the first left),
    with a fixed number of statements whatever their number: the accounts locked in one, their
    debts read in one, the allocations made in memory, the entries and then all their postings
    written in one statement each (so the balance and debt triggers run once). A source posted
    before — or earlier in the same list — is answered with that first posting."""
    if not payments:
        return []
    ledger.accounts_lock(p.establishment_id for p in payments)
    known = {e.source: e for e in JournalEntry.objects.filter(source__in=[p.source for p in payments])}
    establishments = sorted({p.establishment_id for p in payments})
    owed: dict[int, list[rules.MonthOwed]] = {e: [] for e in establishments}
    owed.update(ledger.months_owed_of(establishments))
    read = _read()
    drafts: list[tuple[PaymentIn, list[Line], rules.Allocation]] = []
    first_of: dict[str, int] = {}
    for payment in payments:
        if payment.source in known or payment.source in first_of:
            continue
        order = read("payment.allocation_order", payment.paid_on, rules.ACCOUNT_REGIME).value
        allocation = rules.allocate(
            rules.halalas(payment.amount.amount), owed[payment.establishment_id], order
        )
        owed[payment.establishment_id] = _owed_after(owed[payment.establishment_id], allocation)
        lines = [
            Line(Account.BANK, None, rules.halalas(payment.amount.amount)),
            *ledger.settle_lines(allocation),
            Line(Account.EMPLOYER_CREDIT, None, -allocation.remainder),
        ]
        first_of[payment.source] = len(drafts)
        drafts.append((payment, lines, allocation))
    entries = ledger.entries_write(
        [
            (
                JournalEntry(
                    kind=EntryKind.PAYMENT,
                    source=payment.source,
                    establishment_id=payment.establishment_id,
                    posted_on=payment.paid_on,
                    memo=payment.memo[:200],
                ),
                lines,
            )
            for payment, lines, _allocation in drafts
        ]
    )
    accounts = {"contributions": Account.CONTRIBUTIONS_RECEIVABLE, "penalties": Account.PENALTIES_RECEIVABLE}
    answers: list[PaymentPosting] = []
    answered: set[str] = set()
    for payment in payments:
        if payment.source in known:
            answers.append(_payment_posting(known[payment.source], created=False))
            continue
        index = first_of[payment.source]
        _payment, _lines, allocation = drafts[index]
        answers.append(
            PaymentPosting(
                entries[index],
                payment.source not in answered,
                tuple(
                    (accounts[account], month, Money(rules.riyals(amount)))
                    for account, month, amount in allocation.settled
                ),
                Money(rules.riyals(allocation.remainder)),
            )
        )
        answered.add(payment.source)
    return answers


def _owed_after(owed: list[rules.MonthOwed], allocation: rules.Allocation) -> list[rules.MonthOwed]:
    """The months still owed once ``allocation`` is posted (what the debt trigger will store)."""
    taken: dict[tuple[str, date], int] = {(a, m): amount for a, m, amount in allocation.settled}
    left = []
    for debt in owed:
        contributions = debt.contributions - taken.get(("contributions", debt.month), 0)
        penalties = debt.penalties - taken.get(("penalties", debt.month), 0)
        if contributions > 0 or penalties > 0:
            left.append(rules.MonthOwed(debt.month, contributions, penalties))
    return left


def _payment_posting(entry: JournalEntry, *, created: bool) -> PaymentPosting:
    postings = list(entry.postings.order_by("id"))
    settled = tuple(
        (p.account, p.month, -p.amount)
        for p in postings
        if p.account in (Account.CONTRIBUTIONS_RECEIVABLE, Account.PENALTIES_RECEIVABLE) and p.month
    )
    credit = sum((-p.amount for p in postings if p.account == Account.EMPLOYER_CREDIT), Money(0))
    return PaymentPosting(entry, created, settled, credit)


def payment_reverse(*, payment_source: str, reversed_on: date, source: str, memo: str = "") -> JournalEntry:
    """Undoes a payment (a bank's reversal or a returned transfer): every posting of the payment's
    entry is posted again with the opposite sign, so the months it settled are owed again. If its
    credit was already spent on later debt, the credit account goes below zero: the employer
    owes it back. CON-041 for a source that was never posted. A ``source`` posted before is
    answered with that entry."""
    return payments_reverse([ReversalIn(payment_source, reversed_on, source, memo)])[0]


@dataclass(frozen=True, slots=True)
class ReversalIn:
    payment_source: str  # the payment's entry
    reversed_on: date
    source: str  # the reversal's own entry, posted once
    memo: str = ""


def payments_reverse(reversals: Sequence[ReversalIn]) -> list[JournalEntry]:
    """Many payments undone at once — a bank statement's returned transfers — each exactly as
    ``payment_reverse`` would, with a fixed number of statements: the payments' entries and
    their postings read in one query each, the accounts locked in one, the reversing entries and
    then all their postings written in one ``COPY`` each (so the balance and debt triggers run
    once). Returns each reversal's entry, in the order given; nothing is written when one names
    a payment never posted (CON-041)."""
    if not reversals:
        return []
    payments = {
        entry.source: entry
        for entry in JournalEntry.objects.filter(
            source__in={r.payment_source for r in reversals}, kind=EntryKind.PAYMENT
        )
    }
    for reversal in reversals:
        payment = payments.get(reversal.payment_source)
        if payment is None or payment.establishment_id is None:
            raise SimisError(ContributionsError.UNKNOWN_PAYMENT, source=reversal.payment_source)
    ledger.accounts_lock(entry.establishment_id for entry in payments.values() if entry.establishment_id)
    known = {e.source: e for e in JournalEntry.objects.filter(source__in={r.source for r in reversals})}
    postings: dict[int, list[Posting]] = {entry.pk: [] for entry in payments.values()}
    for posting in Posting.objects.filter(entry_id__in=list(postings)).order_by("id"):
        postings[posting.entry_id].append(posting)
    made: dict[str, JournalEntry] = {}
    drafts: list[tuple[JournalEntry, list[Line]]] = []
    for reversal in reversals:
        if reversal.source in known or reversal.source in made:
            continue
        payment = payments[reversal.payment_source]
        entry = JournalEntry(
            kind=EntryKind.REVERSAL,
            source=reversal.source,
            establishment_id=payment.establishment_id,
            posted_on=reversal.reversed_on,
            memo=(reversal.memo or payment.memo)[:200],
        )
        lines = [
            Line(Account(p.account), p.month, -rules.halalas(p.amount.amount)) for p in postings[payment.pk]
        ]
        made[reversal.source] = entry
        drafts.append((entry, lines))
    ledger.entries_write(drafts)
    return [known.get(r.source) or made[r.source] for r in reversals]


def credits_apply(*, on: date, establishment_ids: Iterable[int] | None = None) -> int:
    """Spends employers' credit on their debts, oldest month first (after a bill or a fine is
    posted). Returns how many establishments had credit applied. Set-based like
    ``payments_post``: after a month's bills every employer holding credit may spend it, so the
    accounts are locked in one statement, credits and debts read in one each, and the entries
    and their postings written in one statement each."""
    rows = EmployerCredit.objects.filter(credit__gt=0)
    if establishment_ids is not None:
        rows = rows.filter(establishment_id__in=list(establishment_ids))
    candidates = set(rows.values_list("establishment_id", flat=True))
    debtors = sorted(
        set(
            MonthDebt.objects.filter(establishment_id__in=candidates)
            .filter(Q(contributions__gt=0) | Q(penalties__gt=0))
            .values_list("establishment_id", flat=True)
        )
    )
    if not debtors:
        return 0
    ledger.accounts_lock(debtors)
    credits = {
        row.establishment_id: rules.halalas(row.credit.amount)
        for row in EmployerCredit.objects.filter(establishment_id__in=debtors)
    }
    owed = ledger.months_owed_of(debtors)
    entries_so_far = dict(
        JournalEntry.objects.filter(establishment_id__in=debtors)
        .values("establishment_id")
        .annotate(n=Count("id"))
        .values_list("establishment_id", "n")
    )
    order = _read()("payment.allocation_order", on, rules.ACCOUNT_REGIME).value
    drafts: list[tuple[int, list[Line]]] = []
    for establishment_id in debtors:
        credit = credits.get(establishment_id, 0)
        if credit <= 0 or not owed.get(establishment_id):
            continue
        allocation = rules.allocate(credit, owed[establishment_id], order)
        spent = credit - allocation.remainder
        drafts.append(
            (establishment_id, [Line(Account.EMPLOYER_CREDIT, None, spent), *ledger.settle_lines(allocation)])
        )
    ledger.entries_write(
        [
            (
                JournalEntry(
                    kind=EntryKind.CREDIT_APPLIED,
                    source=_credit_source(establishment_id, on, entries_so_far.get(establishment_id, 0)),
                    establishment_id=establishment_id,
                    posted_on=on,
                ),
                lines,
            )
            for establishment_id, lines in drafts
        ]
    )
    return len(drafts)


def _credit_source(establishment_id: int, on: date, entries_so_far: int) -> str:
    return f"credit:{establishment_id}:{on.isoformat()}:{entries_so_far}"


# --- Late-payment fines (CON-4) ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccrualResult:
    accrued: int
    waived: int
    deferred: int
    amount: Money


def penalties_accrue(*, today: date | None = None, actor: Any = None) -> AccrualResult:
    """Accrues every month of delay that has started by ``today`` on every unpaid contribution
    month, once (a periodic job; running it again, or after a missed day, accrues exactly what
    is missing). Each month of delay is charged on the contribution still unpaid when it
    started (RULES §2: 2 % per month or part of a month, simple by default). Amnesty windows
    waive; a window conditional on paying in full is decided once it has ended."""
    today = today or timezone.localdate()
    versions = sorted(parameter_versions_current().values())
    read = parameter_reader(versions)
    due_day = int(read("billing.due_day", today, rules.ACCOUNT_REGIME).value)
    waivers = rules.waivers_parse(read("penalty.waivers", today, rules.ACCOUNT_REGIME).value)
    plans = _months_under_plan(today, read)
    with transaction.atomic():
        # Months owed now, and months paid since the last run after their due date: a month of
        # delay that started before the payment is charged even though nothing is owed now.
        last_run = AccrualRun.objects.order_by("-ran_on").values_list("ran_on", flat=True).first()
        owed_now = {
            (row[0], row[1])
            for row in MonthDebt.objects.filter(contributions__gt=0).values_list("establishment_id", "month")
        }
        paid_late = {
            (row[0], row[1])
            for row in billing.fetch(
                """SELECT DISTINCT establishment_id, month FROM contributions_posting
                    WHERE account = 'contributions' AND amount < 0 AND posted_on >= %(since)s""",
                {"since": last_run or date(1900, 1, 1)},
            )
        }
        candidates = sorted(owed_now | paid_late)
        # The months of delay already accrued, for those months only (not every accrual ever made).
        done = {
            (row[0], row[1]): row[2]
            for row in billing.fetch(
                """SELECT a.establishment_id, a.month, max(a.period)
                     FROM unnest(%(e)s::integer[], %(m)s::date[]) AS c(establishment_id, month)
                     JOIN contributions_penaltyaccrual a
                       ON a.establishment_id = c.establishment_id AND a.month = c.month
                    GROUP BY a.establishment_id, a.month""",
                {"e": [c[0] for c in candidates], "m": [c[1] for c in candidates]},
            )
        }
        wanted: list[tuple[int, date, int, date, date]] = []
        for establishment_id, month in candidates:
            due = rules.due_date(month, due_day)
            started = rules.penalty_periods_started(due, today)
            for period in range(done.get((establishment_id, month), 0) + 1, started + 1):
                wanted.append((establishment_id, month, period, rules.period_start(due, period), due))
        AccrualRun.objects.create(ran_on=today)
        if not wanted:
            return AccrualResult(0, 0, 0, Money(0))
        unpaid = _unpaid_at_start(wanted)
        cleared = _paid_in_full_by(waivers, {w[0] for w in wanted}, due_day)
        accruals: list[PenaltyAccrual] = []
        deferred: set[tuple[int, date]] = set()  # an earlier month of delay waits for an amnesty's end
        finished: set[tuple[int, date]] = set()  # paid before this month of delay started
        for establishment_id, month, period, start, due in wanted:
            if (establishment_id, month) in deferred | finished:
                continue
            contributions, fines = unpaid[(establishment_id, month, period)]
            if contributions <= 0 and (establishment_id, month) not in owed_now:
                finished.add((establishment_id, month))
                continue
            rate_reading = read("penalty.rate", start, rules.ACCOUNT_REGIME)
            method_reading = read("penalty.method", start, rules.ACCOUNT_REGIME)
            window = next((w for w in waivers if w.covers(start)), None)
            waiver = plans.get((establishment_id, month), "")
            if not waiver and window is not None and window.paid_in_full and today <= window.end:
                deferred.add((establishment_id, month))  # decided once the window has ended
                continue
            if (
                not waiver
                and window is not None
                and (not window.paid_in_full or establishment_id in cleared.get(window.code, set()))
            ):
                waiver = window.code
            amount = 0
            if not waiver and contributions > 0:
                amount = rules.penalty_halalas(
                    unpaid=contributions, accrued=fines, rate=rate_reading.value, method=method_reading.value
                )
            accruals.append(
                PenaltyAccrual(
                    establishment_id=establishment_id,
                    month=month,
                    period=period,
                    period_start=start,
                    due_on=due,
                    unpaid=Money(rules.riyals(max(contributions, 0))),
                    accrued_before=Money(rules.riyals(fines)),
                    rate=rate_reading.value,
                    method=method_reading.value,
                    amount=Money(rules.riyals(amount)),
                    waiver=waiver,
                    parameter_version_ids=sorted(
                        {r.version_id for r in (rate_reading, method_reading) if r.version_id is not None}
                    ),
                )
            )
        charged = [a for a in accruals if a.amount.amount > 0]
        # The accounts before the month debts the fines' postings change, as a payment takes
        # them (the other order could deadlock with a payment of a fined employer).
        ledger.accounts_lock(a.establishment_id for a in charged)
        # In one COPY a table: on the day after the due date every late employer is fined.
        entries = ledger.entries_write(
            [
                (
                    JournalEntry(
                        kind=EntryKind.PENALTY,
                        source=f"penalty:{a.establishment_id}:{a.month:%Y-%m}:{a.period}",
                        establishment_id=a.establishment_id,
                        posted_on=a.period_start,
                        memo=f"{a.month:%Y-%m} #{a.period}",
                    ),
                    [
                        Line(Account.PENALTIES_RECEIVABLE, a.month, rules.halalas(a.amount.amount)),
                        Line(Account.PENALTY_REVENUE, a.month, -rules.halalas(a.amount.amount)),
                    ],
                )
                for a in charged
            ]
        )
        for accrual, entry in zip(charged, entries, strict=True):
            accrual.entry = entry
        objects_copy(PenaltyAccrual, accruals, with_pk=False)
        credits_apply(on=today, establishment_ids={a.establishment_id for a in charged})
        total = sum((a.amount for a in charged), Money(0))
        result = AccrualResult(len(charged), sum(1 for a in accruals if a.waiver), len(deferred), total)
        audit_record(
            actor=actor,
            action=ContributionsAction.PENALTIES_ACCRUED,
            subject_type="contributions.penaltyaccrual",
            subject_id=today.isoformat(),
            extra={
                "today": today.isoformat(),
                "accrued": result.accrued,
                "waived": result.waived,
                "deferred": result.deferred,
                "amount": str(total.amount),
                "parameter_versions": versions,
            },
        )
        return result


def _unpaid_at_start(
    wanted: list[tuple[int, date, int, date, date]],
) -> dict[tuple[int, date, int], tuple[int, int]]:
    """For each (establishment, month, period): the contribution and the fines of that month
    still unpaid the day before the period started (postings dated before it)."""
    rows = billing.fetch(
        """
SELECT t.establishment_id, t.month, t.period,
       coalesce(sum(p.amount) FILTER (WHERE p.account = 'contributions'), 0),
       coalesce(sum(p.amount) FILTER (WHERE p.account = 'penalties'), 0)
  FROM unnest(%(e)s::integer[], %(m)s::date[], %(n)s::integer[], %(s)s::date[])
       AS t(establishment_id, month, period, start)
  LEFT JOIN contributions_posting p
         ON p.establishment_id = t.establishment_id AND p.month = t.month
        AND p.account IN ('contributions', 'penalties') AND p.posted_on < t.start
 GROUP BY t.establishment_id, t.month, t.period
""",
        {
            "e": [w[0] for w in wanted],
            "m": [w[1] for w in wanted],
            "n": [w[2] for w in wanted],
            "s": [w[3] for w in wanted],
        },
    )
    return {(r[0], r[1], r[2]): (rules.halalas(r[3]), rules.halalas(r[4])) for r in rows}


def _paid_in_full_by(
    waivers: Sequence[rules.Waiver], establishments: set[int], due_day: int
) -> dict[str, set[int]]:
    """For each conditional amnesty that has ended: the establishments that owed no contribution
    due before its end, as of its end."""
    result: dict[str, set[int]] = {}
    for window in waivers:
        if not window.paid_in_full:
            continue
        rows = billing.fetch(
            """
SELECT e.id
  FROM unnest(%(ids)s::integer[]) AS e(id)
 WHERE coalesce((SELECT sum(p.amount) FROM contributions_posting p
                  WHERE p.establishment_id = e.id AND p.account = 'contributions'
                    AND p.posted_on <= %(end)s AND p.month < %(cutoff)s), 0) <= 0
""",
            {
                "ids": sorted(establishments),
                "end": window.end,
                "cutoff": _last_month_due_by(window.end, due_day),
            },
        )
        result[window.code] = {row[0] for row in rows}
    return result


def _last_month_due_by(day: date, due_day: int) -> date:
    """The first month whose contributions were not yet due on ``day`` (months before it were)."""
    month = month_start(day)
    while rules.due_date(add_months(month, -1), due_day) > day:
        month = add_months(month, -1)
    return month


def _months_under_plan(today: date, read: ParameterReader) -> dict[tuple[int, date], str]:
    """(establishment, month) pairs an instalment plan in force covers, with the plan's number,
    when the parameters say fines stop accruing during a plan (``instalment.penalties_accrue``)."""
    if read("instalment.penalties_accrue", today, rules.ACCOUNT_REGIME).value:
        return {}
    covered: dict[tuple[int, date], str] = {}
    for plan in InstalmentPlan.objects.filter(status__in=PLAN_IN_FORCE):
        for debt in MonthDebt.objects.filter(
            establishment_id=plan.establishment_id, month__gte=plan.first_month, month__lte=plan.last_month
        ):
            covered[(debt.establishment_id, debt.month)] = plan.number
    return covered


# --- Instalment plans (CON-4) ------------------------------------------------------------------


def _owed_total(establishment_id: int, first: date | None = None, last: date | None = None) -> int:
    rows = MonthDebt.objects.filter(establishment_id=establishment_id)
    if first is not None and last is not None:
        rows = rows.filter(month__gte=first, month__lte=last)
    return sum(
        max(rules.halalas(row.contributions.amount), 0) + max(rules.halalas(row.penalties.amount), 0)
        for row in rows
    )


def instalment_plan_request(
    *, establishment: Any, count: int, actor: Any, today: date | None = None
) -> InstalmentPlan:
    """An establishment's whole unpaid debt (every billed month not fully paid, contributions and
    fines) put on a plan of ``count`` monthly instalments after a down payment. Refused below
    ``instalment.minimum_debt`` (CON-030), above ``instalment.maximum_count`` instalments
    (CON-031), or while another plan is in force (CON-032)."""
    today = today or timezone.localdate()
    versions = sorted(parameter_versions_current().values())
    read = parameter_reader(versions)

    def value(key: str) -> Any:
        return read(key, today, rules.ACCOUNT_REGIME).value

    with transaction.atomic():
        ledger.account_lock(establishment.pk)
        if InstalmentPlan.objects.filter(establishment=establishment, status__in=PLAN_IN_FORCE).exists():
            raise SimisError(ContributionsError.PLAN_IN_FORCE)
        maximum = int(value("instalment.maximum_count"))
        if not 1 <= count <= maximum:
            raise SimisError(ContributionsError.PLAN_TOO_LONG, count=count, maximum=maximum)
        owed = ledger.months_owed(establishment.pk)
        debt = sum(max(m.contributions, 0) + max(m.penalties, 0) for m in owed)
        minimum = rules.halalas(Decimal(value("instalment.minimum_debt")))
        if debt < minimum:
            raise SimisError(
                ContributionsError.DEBT_TOO_SMALL, debt=rules.riyals(debt), minimum=rules.riyals(minimum)
            )
        due_day = int(value("billing.due_day"))
        first_due = date.fromordinal(today.toordinal() + int(value("instalment.down_payment_days")))
        schedule = rules.instalment_schedule(
            debt=debt,
            count=count,
            down_payment_percent=Decimal(value("instalment.down_payment_percent")),
            first_due=first_due,
            due_day=due_day,
        )
        earlier = InstalmentPlan.objects.filter(establishment=establishment).count()
        plan = InstalmentPlan.objects.create(
            number=f"{establishment.number}-{earlier + 1:02d}",
            establishment=establishment,
            status=PlanStatus.AWAITING_DOWN_PAYMENT if schedule[0].amount else PlanStatus.ACTIVE,
            requested_on=today,
            requested_by=actor if getattr(actor, "pk", None) else None,
            first_month=owed[0].month,
            last_month=owed[-1].month,
            debt=Money(rules.riyals(debt)),
            count=count,
            down_payment=Money(rules.riyals(schedule[0].amount)),
            parameter_version_ids=versions,
        )
        Instalment.objects.bulk_create(
            [
                Instalment(
                    plan=plan,
                    number=item.number,
                    due_on=item.due_on,
                    amount=Money(rules.riyals(item.amount)),
                    cumulative=Money(rules.riyals(item.cumulative)),
                )
                for item in schedule
                if item.number or item.amount
            ]
        )
        audit_record(
            actor=actor,
            action=ContributionsAction.PLAN_MADE,
            subject=plan,
            extra={
                "debt": str(plan.debt.amount),
                "count": count,
                "down_payment": str(plan.down_payment.amount),
                "months": [f"{plan.first_month:%Y-%m}", f"{plan.last_month:%Y-%m}"],
                "parameter_versions": versions,
            },
        )
        return plan


@dataclass(frozen=True, slots=True)
class PlanReview:
    plans: int
    met: int
    missed: int
    completed: int
    cancelled: int


def instalment_plans_review(*, today: date | None = None, actor: Any = None) -> PlanReview:
    """A periodic job: each plan in force compares what has been paid of its months with what
    was due by each instalment's date; a late down payment or more misses than allowed cancels
    it (fines then accrue again from the next month of delay), a paid-off debt completes it."""
    today = today or timezone.localdate()
    read = _read()
    allowed = int(read("instalment.misses_allowed", today, rules.ACCOUNT_REGIME).value)
    counts = {"met": 0, "missed": 0, "completed": 0, "cancelled": 0}
    plans = list(InstalmentPlan.objects.filter(status__in=PLAN_IN_FORCE).order_by("pk"))
    for plan in plans:
        with transaction.atomic():
            ledger.account_lock(plan.establishment_id)
            plan.refresh_from_db()
            remaining = _owed_total(plan.establishment_id, plan.first_month, plan.last_month)
            paid = rules.halalas(plan.debt.amount) - remaining
            before = (plan.status, plan.misses)
            for instalment in plan.instalments.filter(status=InstalmentStatus.PENDING).order_by("number"):
                if paid >= rules.halalas(instalment.cumulative.amount):
                    instalment.status = InstalmentStatus.MET
                elif instalment.due_on < today:
                    instalment.status = InstalmentStatus.MISSED
                else:
                    continue
                instalment.save(update_fields=["status"])
                counts[instalment.status] += 1
                if instalment.status == InstalmentStatus.MET and instalment.number == 0:
                    plan.status = PlanStatus.ACTIVE
                if instalment.status == InstalmentStatus.MISSED:
                    plan.misses += 1
                    if instalment.number == 0:
                        plan.status, plan.end_reason = PlanStatus.CANCELLED, PlanEndReason.DOWN_PAYMENT_LATE
                    elif plan.misses > allowed:
                        plan.status, plan.end_reason = PlanStatus.CANCELLED, PlanEndReason.INSTALMENTS_MISSED
            if remaining <= 0 and plan.status in PLAN_IN_FORCE:
                plan.status, plan.end_reason = PlanStatus.COMPLETED, PlanEndReason.PAID_OFF
            if (plan.status, plan.misses) != before:
                if plan.status not in PLAN_IN_FORCE:
                    plan.ended_on = today
                    counts[plan.status] += 1
                plan.save()
                audit_record(
                    actor=actor,
                    action=ContributionsAction.PLAN_CHANGED,
                    subject=plan,
                    before={"status": before[0], "misses": before[1]},
                    after={"status": plan.status, "misses": plan.misses, "paid": str(rules.riyals(paid))},
                )
    return PlanReview(len(plans), counts["met"], counts["missed"], counts["completed"], counts["cancelled"])


# --- Compliance certificates (CON-2; new law art. 10) -------------------------------------------


def certificate_token(number: str, establishment_number: str, issued_on: date, valid_until: date) -> str:
    import hashlib
    import hmac

    from django.conf import settings

    message = f"{number}|{establishment_number}|{issued_on.isoformat()}|{valid_until.isoformat()}"
    return hmac.new(settings.SECRET_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()[:32]


def certificate_issue(*, establishment: Any, actor: Any, today: date | None = None) -> ComplianceCertificate:
    """A compliance certificate, when nothing is overdue — no month past its due date left
    unpaid, unless an instalment plan in force covers it (CON-050 otherwise). A certificate
    still valid is given again rather than a second one made."""
    from simis.contributions.selectors import overdue_months

    today = today or timezone.localdate()
    overdue = overdue_months(establishment.pk, today)
    if overdue:
        raise SimisError(
            ContributionsError.OVERDUE,
            months=", ".join(f"{m.month:%Y-%m}" for m in overdue[:6]),
            amount=rules.riyals(sum(m.contributions + m.penalties for m in overdue)),
        )
    current = (
        ComplianceCertificate.objects.filter(establishment=establishment, issued_on=today)
        .order_by("-pk")
        .first()
    )
    if current is not None:
        return current
    days = int(_read()("certificate.validity_days", today, rules.ACCOUNT_REGIME).value)
    valid_until = date.fromordinal(today.toordinal() + days)
    number = f"{establishment.number}-{today:%Y%m%d}"
    with transaction.atomic():
        certificate = ComplianceCertificate.objects.create(
            number=number,
            establishment=establishment,
            issued_on=today,
            valid_until=valid_until,
            token=certificate_token(number, establishment.number, today, valid_until),
            issued_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(actor=actor, action=ContributionsAction.CERTIFICATE_ISSUED, subject=certificate)
    return certificate
