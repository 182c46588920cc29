"""The set-based billing run on PostgreSQL, held to the Python calculator line by line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from simis.contributions import billing
from simis.contributions.models import (
    Account,
    Bill,
    BillingRun,
    BillLine,
    EntryKind,
    JournalEntry,
    LineKind,
    MonthDebt,
    Posting,
    RateClass,
    RunStatus,
)
from simis.contributions.selectors import contribution_calculate
from simis.contributions.services import month_bill, periods_rebill
from simis.core.errors import SimisError
from simis.core.identifiers import bill_number_valid
from simis.core.money import Money
from simis.core.parameter_table import Regime
from simis.registry.models import EngagementStatus, ReviewReason
from simis.registry.tests.factories import engagement_make, establishment_make, person_make, wage_make

SEP = date(2026, 9, 1)
OCT = date(2026, 10, 1)
NOV = date(2026, 11, 1)
SAUDI_ALL = {"covers_annuities": True, "covers_occupational_hazards": True, "covers_unemployment": True}


@dataclass
class Register:
    nour: object
    badr: object
    empty: object
    sara: object  # Saudi, old law, whole month
    nada: object  # Saudi, new law, joined 10 Oct
    ravi: object  # non-Saudi, left 20 Oct
    omar: object  # Saudi, transitional, wage changes 16 Oct
    hamad: object  # Emirati, GCC protection
    blocked: object  # late registration, October disputed
    reviewed_later: object  # late registration, only September disputed
    faisal: object  # Saudi at Badr


@pytest.fixture
def register(parameters) -> Register:  # type: ignore[no-untyped-def]
    nour, badr, empty = establishment_make(), establishment_make(), establishment_make()

    def worker(establishment, *, nationality="SAU", regime=Regime.OLD_LAW, wage="5000", **fields):  # type: ignore[no-untyped-def]
        person = person_make(nationality=nationality, regime=regime)
        engagement = engagement_make(person, establishment, **fields)
        wage_make(engagement, basic=Decimal(wage), housing=Decimal(wage) / 4)
        return engagement

    sara = worker(nour, join_date=date(2004, 1, 1), **SAUDI_ALL)
    nada = worker(nour, regime=Regime.NEW_LAW, join_date=date(2026, 10, 10), wage="7000", **SAUDI_ALL)
    ravi = worker(
        nour, nationality="IND", join_date=date(2025, 3, 1), leave_date=date(2026, 10, 20), wage="2500"
    )
    omar = worker(nour, regime=Regime.TRANSITIONAL, join_date=date(2020, 1, 1), wage="8000", **SAUDI_ALL)
    wage_make(omar, effective_from=date(2026, 10, 16), basic=Decimal("9000"), housing=Decimal("2250"))
    hamad = worker(nour, nationality="ARE", gcc_extension=True, gcc_country="AE", join_date=date(2023, 5, 1))
    pending = {"status": EngagementStatus.PENDING_REVIEW, "review_reason": ReviewReason.LATE_REGISTRATION}
    blocked = worker(
        nour,
        join_date=date(2025, 1, 1),
        disputed_from=date(2025, 1, 1),
        disputed_until=OCT,
        **pending,
        **SAUDI_ALL,
    )
    reviewed_later = worker(
        nour,
        join_date=date(2025, 6, 1),
        disputed_from=date(2025, 6, 1),
        disputed_until=date(2026, 9, 1),
        **pending,
    )
    faisal = worker(badr, join_date=date(2019, 4, 1), wage="12000", **SAUDI_ALL)
    return Register(nour, badr, empty, sara, nada, ravi, omar, hamad, blocked, reviewed_later, faisal)


def _lines(month: date) -> dict[int, BillLine]:
    return {
        line.engagement_id: line for line in BillLine.objects.filter(bill_month=month, kind=LineKind.REGULAR)
    }


def test_every_line_equals_the_calculator(register: Register) -> None:
    run = month_bill(month=OCT, today=date(2026, 11, 2))
    assert run.status == RunStatus.DONE
    lines = _lines(OCT)
    expected = {
        register.sara.pk,
        register.nada.pk,
        register.ravi.pk,
        register.omar.pk,
        register.hamad.pk,
        register.reviewed_later.pk,
        register.faisal.pk,
    }
    assert set(lines) == expected, "the period under review for October is left out"
    for engagement_id, line in lines.items():
        calc = contribution_calculate(engagement=engagement_id, month=OCT)
        assert (line.days, line.divisor, line.base) == (calc.basis.days, calc.basis.divisor, calc.basis.base)
        assert (line.employer, line.employee) == (calc.employer, calc.employee)
        rate_class = RateClass.objects.get(pk=line.rate_class_id)
        assert (rate_class.employer_units, rate_class.employee_units) == (
            calc.employer_units,
            calc.employee_units,
        )
        assert rate_class.regime == calc.regime.value
    # Figures checked by hand (RULES §1; October 2026 has 31 days).
    sara = lines[register.sara.pk]  # old law, Saudi: 9 + 2 + 0.75 / 9 + 0.75 on 6,250
    assert (sara.employer, sara.employee) == (73_438, 60_938)  # 734.375 -> 734.38; 609.375 -> 609.38
    # New law, 10–31 Oct: 22/31 of 8,750 = 6,209.677…; pensions at 20 % from July 2026 (10 + 10),
    # so 10 + 2 + 0.75 = 12.75 % -> 791.73 and 10 + 0.75 = 10.75 % -> 667.54.
    nada = lines[register.nada.pk]
    assert (nada.days, nada.employer, nada.employee) == (22, 79_173, 66_754)
    ravi = lines[register.ravi.pk]  # 20 days of 3,125 at 2 %
    assert (ravi.days, ravi.employer, ravi.employee) == (20, 4_032, 0)
    omar = lines[register.omar.pk]  # 15 days at 10,000 and 16 days at 11,250
    assert omar.base == 15 * 1_000_000 + 16 * 1_125_000
    assert run.lines == 7 and run.bills == 2


def test_bills_numbers_and_ledger_add_up(register: Register) -> None:
    run = month_bill(month=OCT, today=date(2026, 11, 2))
    bills = {bill.establishment_id: bill for bill in Bill.objects.filter(run=run)}
    assert set(bills) == {register.nour.pk, register.badr.pk}, "no bill for an establishment with nobody"
    for establishment_id, bill in bills.items():
        assert bill_number_valid(bill.number)
        lines = BillLine.objects.filter(bill_month=OCT, establishment_id=establishment_id)
        assert bill.total == Money(Decimal(sum(ln.employer + ln.employee for ln in lines)) / 100)
        assert bill.due_on == date(2026, 11, 15)
        (receivable,) = Posting.objects.filter(reference=bill.number)
        assert (receivable.account, receivable.amount, receivable.month) == (
            Account.CONTRIBUTIONS_RECEIVABLE,
            bill.total,
            OCT,
        )
        assert receivable.establishment_id == establishment_id
    assert run.employer_total + run.employee_total == sum((b.total for b in bills.values()), Money(0))
    # One balanced entry for the run: every bill's debit, the revenue credited once.
    (entry,) = JournalEntry.objects.filter(source=f"bill-run:{run.pk}")
    postings = list(entry.postings.all())
    assert len(postings) == 3 and sum((p.amount for p in postings), Money(0)) == Money(0)
    (revenue,) = [p for p in postings if p.account == Account.CONTRIBUTION_REVENUE]
    assert -revenue.amount == run.employer_total + run.employee_total


def test_rerunning_a_month_changes_nothing(register: Register) -> None:
    first = month_bill(month=OCT, today=date(2026, 11, 2))
    counts = (Bill.objects.count(), BillLine.objects.count(), Posting.objects.count())
    again = month_bill(month=OCT, today=date(2026, 11, 3))
    assert again.pk == first.pk
    assert (Bill.objects.count(), BillLine.objects.count(), Posting.objects.count()) == counts


def test_months_are_billed_in_order_and_only_once_ended(register: Register) -> None:
    with pytest.raises(SimisError) as not_ended:
        month_bill(month=NOV, today=date(2026, 11, 30))
    assert not_ended.value.code == "CON-001"
    month_bill(month=OCT, today=date(2026, 11, 2))
    with pytest.raises(SimisError) as skipped:
        month_bill(month=date(2026, 12, 1), today=date(2027, 1, 2))
    assert skipped.value.code == "CON-002"


def test_a_changed_month_is_adjusted_on_the_next_bill_never_rewritten(register: Register) -> None:
    _changed_month_adjusted(register)


@pytest.mark.django_db(transaction=True)
def test_a_changed_month_is_adjusted_by_a_run_in_parts_too(register: Register, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SIMIS_BILLING_PARTS, settings.SIMIS_BILLING_PARALLEL_FROM = 2, 0
    _changed_month_adjusted(register)
    from simis.audit.models import AuditEntry

    billed = AuditEntry.objects.filter(action="contributions.month_billed")
    assert [entry.extra["parts"] for entry in billed] == [2, 2]


def _changed_month_adjusted(register: Register) -> None:
    month_bill(month=OCT, today=date(2026, 11, 2))
    october = {k: (v.employer, v.employee) for k, v in _lines(OCT).items()}
    # A wage correction from 1 October, a late registration from 5 October, and the period under
    # review approved: all reported to billing by the register.
    wage_make(register.sara, effective_from=OCT, basic=Decimal("6000"), housing=Decimal("1500"))
    late = engagement_make(person_make(), register.nour, join_date=date(2026, 10, 5))
    wage_make(late, basic=Decimal("4000"), housing=Decimal("1000"))
    blocked = register.blocked
    type(blocked).objects.filter(pk=blocked.pk).update(
        status=EngagementStatus.ACTIVE, review_reason="", disputed_from=None, disputed_until=None
    )
    periods_rebill(
        [
            (register.sara.pk, register.nour.pk, OCT),
            (late.pk, register.nour.pk, date(2026, 10, 5)),
            (blocked.pk, register.nour.pk, date(2025, 1, 1)),
            (register.faisal.pk, register.badr.pk, OCT),  # reported, but nothing changed
        ]
    )
    run = month_bill(month=NOV, today=date(2026, 12, 1))
    assert _lines(OCT) and {k: (v.employer, v.employee) for k, v in _lines(OCT).items()} == october
    adjustments = {
        line.engagement_id: line for line in BillLine.objects.filter(bill_month=NOV, kind=LineKind.ADJUSTMENT)
    }
    assert set(adjustments) == {register.sara.pk, late.pk, blocked.pk}
    for engagement_id in adjustments:
        now = contribution_calculate(engagement=engagement_id, month=OCT)
        billed = BillLine.objects.filter(engagement_id=engagement_id, for_month=OCT)
        assert sum(ln.employer for ln in billed) == now.employer
        assert sum(ln.employee for ln in billed) == now.employee
        assert sum(ln.base for ln in billed) == now.basis.base
    assert adjustments[register.sara.pk].employer == 88_125 - 73_438
    bill = Bill.objects.get(run=run, establishment=register.nour)
    assert bill.adjustment_lines == 3
    assert bill.adjustment_amount == Money(
        Decimal(sum(ln.employer + ln.employee for ln in adjustments.values())) / 100
    )
    assert not billing.fetch("SELECT 1 FROM contributions_rebill"), "the changes were taken"
    for bill in Bill.objects.all():  # every bill is its lines
        lines = BillLine.objects.filter(bill_month=bill.month, establishment_id=bill.establishment_id)
        regular = [ln for ln in lines if ln.kind == LineKind.REGULAR]
        assert bill.contributors == len(regular) and bill.adjustment_lines == len(lines) - len(regular)
        assert bill.employer_amount == Money(Decimal(sum(ln.employer for ln in regular)) / 100)
        assert bill.total == Money(Decimal(sum(ln.employer + ln.employee for ln in lines)) / 100)


def test_a_removed_period_is_reversed(register: Register) -> None:
    month_bill(month=OCT, today=date(2026, 11, 2))
    billed = _lines(OCT)[register.reviewed_later.pk]
    register.reviewed_later.wages.all().delete()
    type(register.reviewed_later).objects.filter(pk=register.reviewed_later.pk).delete()
    periods_rebill([(register.reviewed_later.pk, register.nour.pk, date(2025, 6, 1))])
    month_bill(month=NOV, today=date(2026, 12, 1))
    reversal = BillLine.objects.get(bill_month=NOV, engagement_id=register.reviewed_later.pk)
    assert reversal.kind == LineKind.ADJUSTMENT and reversal.for_month == OCT
    assert (reversal.employer, reversal.employee, reversal.base) == (
        -billed.employer,
        -billed.employee,
        -billed.base,
    )


def test_bills_and_postings_are_append_only(register: Register) -> None:
    month_bill(month=OCT, today=date(2026, 11, 2))
    bill = Bill.objects.first()
    assert bill is not None
    for statement in (
        ("UPDATE contributions_bill SET total = 0 WHERE id = %s", [bill.pk]),
        ("DELETE FROM contributions_billline WHERE establishment_id = %s", [bill.establishment_id]),
        ("UPDATE contributions_posting SET amount = 1", []),
        ("DELETE FROM contributions_journalentry", []),
    ):
        with (
            pytest.raises(DatabaseError, match="CON-009"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(*statement)


def test_a_bill_names_a_run_and_a_posting_an_entry_that_exist(register: Register) -> None:
    """The statement-level references (migrations 0014, 0015) refuse what a foreign key would."""
    run = month_bill(month=OCT, today=date(2026, 11, 2))
    bill = Bill.objects.get(establishment=register.nour)
    entry = JournalEntry.objects.get(source=f"bill-run:{run.pk}")
    copy_bill = (  # a copy of the bill for November, under the run and establishment given
        "INSERT INTO contributions_bill (number, establishment_id, month, run_id, issued_on, due_on,"
        " contributors, adjustment_lines, employer_amount, employee_amount, adjustment_amount, total)"
        " SELECT '00000000000000', %s, month + 31, %s, issued_on, due_on, contributors,"
        " adjustment_lines, employer_amount, employee_amount, adjustment_amount, total"
        " FROM contributions_bill WHERE id = %s"
    )
    pair = (
        "INSERT INTO contributions_posting"
        " (entry_id, establishment_id, account, amount, posted_on, reference)"
        " VALUES (%s, %s, 'bank', 1, '2026-11-02', ''), (%s, %s, 'refunds', -1, '2026-11-02', '')"
    )
    nour = register.nour.pk
    refused = (
        (
            copy_bill,
            [nour, run.pk + 1000, bill.pk],
            'violates foreign key "contributions_bill_run_id_exists"',
        ),
        (copy_bill, [nour + 1000, run.pk, bill.pk], '"contributions_bill_establishment_id_exists"'),
        (pair, [entry.pk + 1000, nour] * 2, 'violates foreign key "contributions_posting_entry_id_exists"'),
        ("DELETE FROM contributions_billingrun WHERE id = %s", [run.pk], "is still referenced"),
        ("UPDATE contributions_billingrun SET id = id + 1000 WHERE id = %s", [run.pk], "is still referenced"),
        ("DELETE FROM registry_establishment WHERE id = %s", [nour], "is still referenced"),
    )
    for sql, params, message in refused:
        with (
            pytest.raises(IntegrityError, match=message),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)
    with transaction.atomic(), connection.cursor() as cursor:  # what names real rows is kept
        cursor.execute(copy_bill, [nour, run.pk, bill.pk])
        cursor.execute(pair, [entry.pk, nour] * 2)
        cursor.execute("UPDATE contributions_billingrun SET error = 'x' WHERE id = %s", [run.pk])
    other = BillingRun.objects.create(month=NOV, issued_on=OCT, due_on=OCT, status=RunStatus.FAILED)
    other.delete()  # a run without bills may go


@pytest.mark.django_db(transaction=True)
def test_deleting_an_establishment_waits_for_bills_being_written(register: Register) -> None:
    """A bill's establishment is not locked when the bill is written (migration 0015): deleting
    an establishment waits for the transaction writing bills, then sees them."""
    import threading

    import psycopg

    month_bill(month=OCT, today=date(2026, 11, 2))
    bill = Bill.objects.get(establishment=register.nour)
    params = {**connection.get_connection_params(), "autocommit": False}
    params.pop("cursor_factory", None)
    writer, deleter = psycopg.connect(**params), psycopg.connect(**params)
    outcome: list[BaseException | None] = []

    def delete() -> None:
        try:
            deleter.execute("DELETE FROM registry_establishment WHERE id = %s", [register.empty.pk])
            outcome.append(None)
        except psycopg.Error as error:
            outcome.append(error)
        deleter.rollback()

    try:
        writer.execute(
            "INSERT INTO contributions_bill (number, establishment_id, month, run_id, issued_on, due_on,"
            " contributors, adjustment_lines, employer_amount, employee_amount, adjustment_amount, total)"
            " SELECT '00000000000000', %s, month, run_id, issued_on, due_on, contributors,"
            " adjustment_lines, employer_amount, employee_amount, adjustment_amount, total"
            " FROM contributions_bill WHERE id = %s",
            [register.empty.pk, bill.pk],
        )
        waiting = threading.Thread(target=delete)
        waiting.start()
        waiting.join(timeout=1.0)
        assert waiting.is_alive() and not outcome, "the delete waits for the bill's transaction"
        writer.commit()
        waiting.join(timeout=10)
        assert outcome and isinstance(outcome[0], psycopg.errors.ForeignKeyViolation)
        assert "contributions_bill_establishment_id_exists" in str(outcome[0])
        deleter.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState):
            deleter.execute("DELETE FROM registry_establishment WHERE id = %s", [register.badr.pk])
    finally:
        writer.close()
        deleter.close()


def test_an_unbalanced_entry_is_refused_by_the_database(register: Register) -> None:
    month_bill(month=OCT, today=date(2026, 11, 2))
    entry = JournalEntry.objects.first()
    assert entry is not None
    with pytest.raises(DatabaseError, match="CON-010"), transaction.atomic():
        Posting.objects.create(
            entry=entry,
            establishment_id=register.nour.pk,
            account=Account.BANK,
            amount=Money(1),
            posted_on=date(2026, 11, 2),
        )
    with transaction.atomic():  # a balanced pair in one statement is accepted
        Posting.objects.bulk_create(
            [
                Posting(
                    entry=entry,
                    establishment_id=register.nour.pk,
                    account=Account.BANK,
                    amount=Money(1),
                    posted_on=OCT,
                ),
                Posting(
                    entry=entry,
                    establishment_id=register.nour.pk,
                    account=Account.REFUNDS,
                    amount=Money(-1),
                    posted_on=OCT,
                ),
            ]
        )


def _big_entry(source: str, establishments: int) -> None:
    """One entry debiting October's contributions of establishments 1..n (1 SAR each, so
    the debt trigger's plain-insert path is tried) and crediting revenue, in one statement."""
    entry = JournalEntry.objects.create(kind=EntryKind.BILL, source=source, posted_on=OCT)
    billing.execute(
        "INSERT INTO contributions_posting (entry_id, establishment_id, account, month, amount, posted_on,"
        " reference) SELECT %(entry)s, n, 'contributions', %(month)s, 1, %(month)s, ''"
        " FROM generate_series(1, %(n)s) n"
        " UNION ALL SELECT %(entry)s, 0, 'contribution_revenue', %(month)s, -%(n)s, %(month)s, ''",
        {"entry": entry.pk, "month": OCT, "n": establishments},
    )


def test_the_debts_of_a_big_statement_are_kept_whether_its_months_are_new_or_not(db) -> None:  # type: ignore[no-untyped-def]
    _big_entry("test:first", 10_000)  # every key new: inserted plainly
    assert MonthDebt.objects.filter(month=OCT).count() == 10_000
    _big_entry("test:second", 10_001)  # 10,000 keys exist: merged
    debts = dict(MonthDebt.objects.filter(month=OCT).values_list("establishment_id", "contributions"))
    assert len(debts) == 10_001
    assert debts[1] == debts[10_000] == Money(2) and debts[10_001] == Money(1)
    assert sum(d.amount for d in debts.values()) == 20_001


def test_bill_numbers_in_sql_and_python_agree(db) -> None:  # type: ignore[no-untyped-def]
    from simis.core.identifiers import bill_number_make

    for sequence in (1, 7, 42, 123_456_789_012, 999_999_999_999):
        assert billing.fetch("SELECT contributions_bill_number(%(s)s)", {"s": sequence})[0][
            0
        ] == bill_number_make(sequence)


def test_a_failed_run_bills_nothing_and_is_recorded(register: Register) -> None:
    # Everyone under the new law in June 2024, before it existed: no rates for anyone.
    type(register.sara).objects.update(coverage_regime="new_law")
    with pytest.raises(SimisError) as failure:
        month_bill(month=date(2024, 6, 1), today=date(2026, 11, 2))
    assert failure.value.code == "CON-004"
    assert not Bill.objects.exists() and not BillLine.objects.exists()
    assert BillingRun.objects.get().status == RunStatus.FAILED


@pytest.mark.django_db(transaction=True)
def test_lines_computed_in_parts_are_those_of_one_statement(register: Register, settings) -> None:  # type: ignore[no-untyped-def]
    """On a large register the lines are written by several connections reading the run's
    snapshot; they must be exactly the lines one statement in the run's transaction writes."""
    settings.SIMIS_BILLING_PARTS, settings.SIMIS_BILLING_PARALLEL_FROM = 3, 0
    expected_sql, params = billing.lines_select(
        billing.month_rule(OCT, _reader()),
        bill_month=OCT,
        kind=LineKind.REGULAR,
        classes=billing.rate_classes_prepare(OCT, _reader()),
    )
    expected = sorted(billing.fetch(expected_sql, params))
    run = month_bill(month=OCT, today=date(2026, 11, 2))
    assert run.status == RunStatus.DONE and run.lines == len(expected) == 7
    columns = [field.attname for field in BillLine._meta.concrete_fields]
    written = BillLine.objects.filter(bill_month=OCT).values_list(*columns)
    assert sorted(written) == expected
    assert billing.fetch("SELECT to_regclass(%(t)s)", {"t": billing.stage_name(OCT)})[0][0] is None
    assert Bill.objects.filter(run=run).count() == 2
    from simis.audit.models import AuditEntry

    assert AuditEntry.objects.get(action="contributions.month_billed").extra["parts"] == 3


@pytest.mark.django_db(transaction=True)
def test_a_run_in_parts_that_fails_leaves_nothing(register: Register, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SIMIS_BILLING_PARTS, settings.SIMIS_BILLING_PARALLEL_FROM = 2, 0
    type(register.sara).objects.update(coverage_regime="new_law")
    with pytest.raises(SimisError) as failure:
        month_bill(month=date(2024, 6, 1), today=date(2026, 11, 2))
    assert str(failure.value).startswith("CON-004: 4 contribution periods of 2024-06")
    assert not Bill.objects.exists() and not BillLine.objects.exists()
    assert BillingRun.objects.get().status == RunStatus.FAILED
    assert (
        billing.fetch("SELECT to_regclass(%(t)s)", {"t": billing.stage_name(date(2024, 6, 1))})[0][0] is None
    )


def _reader():  # type: ignore[no-untyped-def]
    from simis.core.selectors import parameter_reader, parameter_versions_current

    return parameter_reader(sorted(parameter_versions_current().values()))


def test_the_register_reports_its_changes_to_the_next_bill(nour, khalid) -> None:  # type: ignore[no-untyped-def]
    from simis.core.money import Money as M
    from simis.registry.services import (
        IdentityInput,
        PersonNames,
        WageInput,
        contributor_register,
        engagement_review_decide,
    )
    from simis.registry.tests.factories import national_id

    def register(join: date, requested: date):  # type: ignore[no-untyped-def]
        return contributor_register(
            actor=khalid,
            establishment=nour.main,
            identities=[IdentityInput("national_id", national_id())],
            names=PersonNames(first_ar="علي", family_ar="الحربي", first_en="Ali", family_en="Alharbi"),
            birth_date=date(1995, 5, 5),
            gender="male",
            nationality="SAU",
            join_date=join,
            occupation="4",
            wage=WageInput(basic=M(Decimal("8000")), housing=M(Decimal("2000"))),
            requested_on=requested,
        ).engagement

    on_time = register(date(2026, 8, 1), date(2026, 8, 20))
    month_bill(month=SEP, today=date(2026, 10, 1))
    late = register(date(2026, 8, 10), date(2026, 10, 5))  # late: August to October disputed
    assert late.status == EngagementStatus.PENDING_REVIEW
    month_bill(month=OCT, today=date(2026, 11, 1))
    assert not BillLine.objects.filter(engagement_id=late.pk).exists(), "disputed months are not billed"
    engagement_review_decide(actor=khalid, engagement=late, decision="approved", on=date(2026, 11, 3))
    month_bill(month=NOV, today=date(2026, 12, 1))
    adjustments = BillLine.objects.filter(bill_month=NOV, engagement_id=late.pk, kind=LineKind.ADJUSTMENT)
    assert sorted((a.for_month, a.days) for a in adjustments) == [(SEP, 30), (OCT, 31)]
    assert BillLine.objects.filter(bill_month=NOV, engagement_id=late.pk, kind=LineKind.REGULAR).exists()
    unchanged = BillLine.objects.filter(bill_month=NOV, engagement_id=on_time.pk, kind=LineKind.ADJUSTMENT)
    assert not unchanged.exists()
