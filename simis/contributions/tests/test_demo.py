"""The demonstration accounts ``make run`` loads: billed months, a payer, a late payer with fines,
an instalment plan — and an account that adds up."""

from __future__ import annotations

from datetime import date

from simis.contributions.demo import contributions_demo_load
from simis.contributions.models import Bill, InstalmentPlan, MonthDebt
from simis.contributions.selectors import account_statement, account_summary
from simis.core.money import Money
from simis.registry.demo import demo_registry_load
from simis.registry.models import Establishment


def test_the_demo_accounts(parameters) -> None:  # type: ignore[no-untyped-def]
    today = date(2026, 11, 26)
    demo_registry_load(as_of=today)
    loaded = contributions_demo_load(today=today)
    assert loaded.created and loaded.months == ["2026-07", "2026-08", "2026-09", "2026-10"]
    nour = Establishment.objects.get(number="7000000001")
    owed = {d.month: d.contributions for d in MonthDebt.objects.filter(establishment_id=nour.pk)}
    unpaid = Bill.objects.get(number=loaded.nour_unpaid_bill)
    assert owed[date(2026, 10, 1)] == unpaid.total and owed[date(2026, 7, 1)] == Money(0)
    badr = Establishment.objects.get(name_en="Badr Builders")
    assert account_summary(badr.pk).penalties_due.amount > 0
    assert InstalmentPlan.objects.filter(number=loaded.plan).exists()
    statement = account_statement(badr.pk, start=date(2026, 1, 1), end=today)
    assert statement.closing == statement.total_debit - statement.total_credit == statement.summary.balance
    assert not contributions_demo_load(today=today).created
