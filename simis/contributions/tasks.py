"""The contributions app's jobs: billing (on demand and on the 1st of each month), fines and
instalment plans (daily). Each is idempotent: a retried or repeated run changes nothing more."""

from __future__ import annotations

import logging

from django.utils import timezone

from simis.contributions.rules import month_parse
from simis.contributions.services import (
    billing_next_month,
    instalment_plans_review,
    month_bill,
    penalties_accrue,
)
from simis.core.dates import add_months, month_start
from simis.core.errors import SimisError
from simis.core.jobs import app, task

logger = logging.getLogger("simis.contributions")


@task(queue="billing", name="contributions.month_bill", retry=0)
def contributions_month_bill(month: str, user_id: int | None = None) -> None:
    """A month billed on a staff member's request (the billing page)."""
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    run = month_bill(month=month_parse(month), actor=actor)
    logger.info("billed %s: %d bills, %d lines", month, run.bills, run.lines)


@app.periodic(cron="0 2 1 * *", periodic_id="contributions-monthly-billing")
@task(queue="billing", name="contributions.monthly_billing", retry=0)
def contributions_monthly_billing(timestamp: int) -> None:
    """On the 1st: bills the month that has just ended, if the months before it are billed."""
    last_month = add_months(month_start(timezone.localdate()), -1)
    expected = billing_next_month()
    if expected is not None and expected != last_month:
        logger.warning("monthly billing skipped: %s is the next month to bill, not %s", expected, last_month)
        return
    try:
        run = month_bill(month=last_month)
    except SimisError as error:
        logger.error("monthly billing of %s failed: %s", last_month, error)
        raise
    logger.info("billed %s: %d bills, %d lines", last_month, run.bills, run.lines)


@app.periodic(cron="15 1 * * *", periodic_id="contributions-fines")
@task(queue="billing", name="contributions.penalties_accrue")
def contributions_penalties_accrue(timestamp: int) -> None:
    result = penalties_accrue()
    logger.info(
        "fines: %d accrued (%s), %d waived, %d waiting",
        result.accrued,
        result.amount,
        result.waived,
        result.deferred,
    )


@app.periodic(cron="45 1 * * *", periodic_id="contributions-plans")
@task(queue="billing", name="contributions.instalment_plans_review")
def contributions_instalment_plans_review(timestamp: int) -> None:
    review = instalment_plans_review()
    logger.info(
        "plans: %d reviewed, %d instalments met, %d missed, %d completed, %d cancelled",
        review.plans,
        review.met,
        review.missed,
        review.completed,
        review.cancelled,
    )
