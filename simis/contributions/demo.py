"""The demonstration employer accounts that ``make run`` loads (``manage.py contributions_demo_load``),
on top of the demonstration register (``demo_registry_load``):

- the four months before the current one are billed, in order, each issued on the 1st of the
  month after it;
- **Nour Trading** (7000000001) paid every bill by its due date except the last one, which is
  waiting to be paid through the bank web service (``bank_demo_pay``);
- **Badr Builders** paid nothing since the first of those months: fines accrue month by month
  of delay (the daily job is run once here, up to today);
- the generated establishment that owes the most (at least SAR 6,000) has an instalment plan.

Idempotent and cheap: when a month has been billed nothing is done. Only on development,
demonstration and test systems."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from simis.contributions.models import Bill, BillingRun, InstalmentPlan, MonthDebt, RunStatus
from simis.contributions.services import (
    instalment_plan_request,
    instalment_plans_review,
    month_bill,
    payment_post,
    penalties_accrue,
)
from simis.core.dates import add_months, month_start
from simis.core.money import Money
from simis.registry.public import Establishment

NOUR_NUMBER = "7000000001"
BADR_NAME_EN = "Badr Builders"
DEMO_MONTHS = 4


@dataclass
class DemoAccounts:
    created: bool
    months: list[str] = field(default_factory=list)
    nour_unpaid_bill: str = ""
    badr_fines: str = ""
    plan: str = ""


def contributions_demo_load(*, today: date | None = None) -> DemoAccounts:
    if BillingRun.objects.filter(status=RunStatus.DONE).exists():
        return DemoAccounts(created=False)
    today = today or timezone.localdate()
    first = add_months(month_start(today), -DEMO_MONTHS)
    months = [add_months(first, i) for i in range(DEMO_MONTHS)]
    nour = Establishment.objects.filter(number=NOUR_NUMBER).first()
    badr = Establishment.objects.filter(name_en=BADR_NAME_EN).first()
    result = DemoAccounts(created=True)
    with transaction.atomic():
        for month in months:
            issued = add_months(month, 1)
            run = month_bill(month=month, today=min(issued, today))
            result.months.append(f"{run.month:%Y-%m}")
            # Nour pays each bill on the 10th of the month after, except the newest.
            if nour is not None and month != months[-1]:
                bill = Bill.objects.filter(establishment=nour, month=month).first()
                if bill is not None:
                    payment_post(
                        establishment_id=nour.pk,
                        amount=bill.total,
                        paid_on=issued.replace(day=10),
                        source=f"demo:{bill.number}",
                        memo=bill.number,
                    )
        if nour is not None:
            newest = Bill.objects.filter(establishment=nour, month=months[-1]).first()
            result.nour_unpaid_bill = newest.number if newest else ""
        penalties_accrue(today=today)
        if badr is not None:
            debt = MonthDebt.objects.filter(establishment_id=badr.pk)
            result.badr_fines = str(sum((d.penalties for d in debt), Money(0)).amount)
        planned = _plan_for_the_biggest_debtor(
            exclude={e.pk for e in (nour, badr) if e is not None}, today=today
        )
        result.plan = planned.number if planned else ""
        instalment_plans_review(today=today)
    return result


def _plan_for_the_biggest_debtor(*, exclude: set[int], today: date) -> Any:
    debts: dict[int, Money] = {}
    for row in MonthDebt.objects.exclude(establishment_id__in=exclude):
        debts[row.establishment_id] = (
            debts.get(row.establishment_id, Money(0)) + row.contributions + row.penalties
        )
    for establishment_id, _owed in sorted(debts.items(), key=lambda item: item[1], reverse=True):
        if _owed.amount < 6000:
            break
        establishment = Establishment.objects.get(pk=establishment_id)
        if InstalmentPlan.objects.filter(establishment=establishment).exists():
            continue
        return instalment_plan_request(establishment=establishment, count=6, actor=None, today=today)
    return None
