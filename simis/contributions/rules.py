"""Pure billing and collection rules: no ORM, no I/O, "today" passed in.

**Exact integer money.** A bill line is computed in halalas with integers only, so Python (the
contribution calculator, the tests) and PostgreSQL (the set-based billing run) give the same
halala for the same inputs:

- a rate is held in *rate units*, ten-thousandths of a per cent (0.75 % is 7,500; 9.5 % is
  95,000), so every rate the parameters declare is an exact integer;
- a line's *base* is Σ contributory wage (halalas) × days billed at that wage, over the wages in
  force during the month, and its divisor is the month's length in days (calendar-day billing,
  from Feb 2022) or 1 with one "day" per month (whole-month billing, before);
- a party's share is ``round_half_up(base × rate units ÷ (divisor × 1,000,000))`` halalas:
  the exact product rounded once, half up, the rule of ``simis.core.money.quantize_sar``.

``share_sql`` is the same formula for PostgreSQL; a database test holds the two equal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from django.db import models
from django.utils.translation import pgettext_lazy

from simis.contributions.errors import ContributionsError
from simis.core.dates import add_months, month_end, month_start
from simis.core.errors import ParameterError, SimisError
from simis.core.parameter_table import Regime

# Account-level parameters (billing, fines, plans) are the same under every regime; they are
# read under this one (collection.yaml declares each for all three).
ACCOUNT_REGIME = Regime.OLD_LAW

RATE_UNITS_PER_PERCENT = 10_000
_SHARE_DENOMINATOR = 100 * RATE_UNITS_PER_PERCENT  # halalas → per cent → rate units


class DayBasis(StrEnum):
    WHOLE_MONTH = "whole_month"
    CALENDAR_DAYS = "calendar_days"


class WholeMonthRule(StrEnum):
    ANY_DAY = "any_day"
    FIRST_DAY = "first_day"


def rate_units(rate: Decimal) -> int:
    """A percentage as an exact integer count of rate units; PRM-003 when it has more than four
    decimal places (no real rate does, and rounding a rate would change every bill)."""
    scaled = rate * RATE_UNITS_PER_PERCENT
    if scaled != scaled.to_integral_value():
        raise SimisError(
            ParameterError.INVALID_CHOICE, key="rate", value=str(rate), allowed="at most 4 decimal places"
        )
    return int(scaled)


def round_half_up_div(numerator: int, denominator: int) -> int:
    """``numerator ÷ denominator`` rounded half away from zero, in integers (denominator > 0)."""
    if numerator >= 0:
        return (2 * numerator + denominator) // (2 * denominator)
    return -((-2 * numerator + denominator) // (2 * denominator))


def share_halalas(base: int, divisor: int, units: int) -> int:
    """A party's share of a line, in halalas (see the module docstring)."""
    return round_half_up_div(base * units, divisor * _SHARE_DENOMINATOR)


def share_sql(base: str, divisor: str, units: str) -> str:
    """``share_halalas`` as a PostgreSQL expression over bigint columns (non-negative inputs):
    integer division truncates toward zero, so this is the same half-up rounding. The inputs
    must be integer types: over ``numeric`` the division would not truncate."""
    return (
        f"(2 * {base} * {units} + {divisor} * {_SHARE_DENOMINATOR}) / (2 * {divisor} * {_SHARE_DENOMINATOR})"
    )


def halalas(amount: Decimal) -> int:
    """Riyals (two places) as an integer count of halalas."""
    return int((amount * 100).to_integral_value())


def riyals(amount: int) -> Decimal:
    return (Decimal(amount) / 100).quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True)
class WagePoint:
    """A wage of the period: its contributory wage in halalas from ``effective_from``."""

    effective_from: date
    contributory: int


@dataclass(frozen=True, slots=True)
class Segment:
    """Days ``start``–``end`` of the month billed at ``contributory`` halalas a month."""

    start: date
    end: date
    contributory: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True, slots=True)
class MonthBasis:
    """What one period owes for one month before rates: ``base`` ÷ ``divisor`` is the
    contributory wage billed (see the module docstring)."""

    month: date
    day_basis: DayBasis
    days: int
    divisor: int
    base: int
    segments: tuple[Segment, ...]

    @property
    def wage_billed(self) -> Decimal:
        """The contributory wage billed for the month, exact to a fraction of a halala."""
        return Decimal(self.base) / self.divisor / 100


def month_basis(
    *,
    month: date,
    join: date,
    leave: date | None,
    wages: Sequence[WagePoint],
    day_basis: DayBasis | str,
    whole_month_rule: WholeMonthRule | str = WholeMonthRule.ANY_DAY,
    blocked: bool = False,
) -> MonthBasis:
    """The month's basis for one contribution period.

    ``wages`` are the period's wages (any order). ``blocked`` is a month under office review
    (RULES §3): nothing is billed until the review is decided. Calendar-day billing bills each
    day worked at the wage in force that day; whole-month billing bills the wage in force on the
    month's last billed day for the whole month."""
    first, last = month_start(month), month_end(month)
    basis = DayBasis(day_basis)
    start, end = max(first, join), min(last, leave) if leave else last
    ordered = sorted(wages, key=lambda w: w.effective_from)
    if blocked or end < start or not ordered:
        return MonthBasis(first, basis, 0, _divisor(basis, first), 0, ())
    if basis == DayBasis.WHOLE_MONTH:
        if WholeMonthRule(whole_month_rule) == WholeMonthRule.FIRST_DAY and start != first:
            return MonthBasis(first, basis, 0, 1, 0, ())
        in_force = [w for w in ordered if w.effective_from <= end]
        if not in_force:
            return MonthBasis(first, basis, 0, 1, 0, ())
        amount = in_force[-1].contributory
        return MonthBasis(first, basis, 1, 1, amount, (Segment(first, last, amount),))
    segments: list[Segment] = []
    for index, wage in enumerate(ordered):
        until = ordered[index + 1].effective_from - timedelta(days=1) if index + 1 < len(ordered) else end
        seg_start, seg_end = max(start, wage.effective_from), min(end, until)
        if seg_start <= seg_end:
            segments.append(Segment(seg_start, seg_end, wage.contributory))
    days = sum(s.days for s in segments)
    base = sum(s.days * s.contributory for s in segments)
    return MonthBasis(first, basis, days, _divisor(basis, first), base, tuple(segments))


def _divisor(basis: DayBasis, first: date) -> int:
    return (month_end(first) - first).days + 1 if basis == DayBasis.CALENDAR_DAYS else 1


_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-\d{2})?$")


def month_parse(text: str) -> date:
    """ "2026-10" (or a day of it, "2026-10-15") as the month's first day; CON-014 otherwise."""
    value = (text or "").strip()
    match = _MONTH.match(value)
    try:
        if match is None:
            raise ValueError(value)
        if len(value) > 7:
            date.fromisoformat(value)
        return date(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise SimisError(ContributionsError.BAD_MONTH, value=value) from None


def due_date(month: date, due_day: int) -> date:
    """The day a month's contributions are due: ``due_day`` of the next month (RULES §2)."""
    following = add_months(month_start(month), 1)
    return following.replace(day=min(due_day, month_end(following).day))


class BillStatus(models.TextChoices):
    UNPAID = "unpaid", pgettext_lazy("bill", "Unpaid")
    PARTLY_PAID = "partly_paid", pgettext_lazy("bill", "Partly paid")
    PAID = "paid", pgettext_lazy("bill", "Paid")


def bill_status(*, total: Decimal, owed: Decimal) -> BillStatus:
    """A bill is paid when nothing of its month is owed any more, partly paid when some of its
    total has been paid, unpaid otherwise (a bill of zero is paid)."""
    if owed <= 0:
        return BillStatus.PAID
    if owed < total:
        return BillStatus.PARTLY_PAID
    return BillStatus.UNPAID


# --- Late-payment fines -----------------------------------------------------------------------


class PenaltyMethod(StrEnum):
    SIMPLE = "simple"
    COMPOUND = "compound"


def penalty_periods_started(due_on: date, today: date) -> int:
    """How many months of delay — each month or part of one counts (RULES §2) — have started by
    ``today`` for a debt due on ``due_on``: the first starts the day after the due date, the
    next a month after that, and so on."""
    if today <= due_on:
        return 0
    count = 0
    while period_start(due_on, count + 1) <= today:
        count += 1
    return count


def period_start(due_on: date, index: int) -> date:
    """The first day of the ``index``-th month of delay (1-based)."""
    return add_months(due_on, index - 1) + timedelta(days=1)


def penalty_halalas(*, unpaid: int, accrued: int, rate: Decimal, method: PenaltyMethod | str) -> int:
    """One month's fine on a month's debt: ``rate`` % of the contribution still unpaid (simple)
    or of it and the fines already accrued on it (compound), rounded half up once."""
    base = unpaid + accrued if PenaltyMethod(method) == PenaltyMethod.COMPOUND else unpaid
    if base <= 0:
        return 0
    return round_half_up_div(base * rate_units(rate), _SHARE_DENOMINATOR)


@dataclass(frozen=True, slots=True)
class Waiver:
    """An amnesty window (``penalty.waivers``): no fine for a month of delay starting inside it;
    with ``paid_in_full`` only if every overdue contribution was paid by its end."""

    code: str
    start: date
    end: date
    paid_in_full: bool

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


def waivers_parse(data: object) -> tuple[Waiver, ...]:
    """The ``penalty.waivers`` parameter as windows; PRM-003 for a malformed entry."""
    if not isinstance(data, list):
        raise SimisError(
            ParameterError.INVALID_CHOICE, key="penalty.waivers", value=str(data), allowed="a list"
        )
    windows = []
    for item in data:
        try:
            windows.append(
                Waiver(
                    code=str(item["code"]),
                    start=date.fromisoformat(str(item["from"])),
                    end=date.fromisoformat(str(item["to"])),
                    paid_in_full=item.get("condition", "") == "paid_in_full",
                )
            )
        except (KeyError, TypeError, ValueError):
            raise SimisError(
                ParameterError.INVALID_CHOICE,
                key="penalty.waivers",
                value=str(item),
                allowed="{code, from, to, condition}",
            ) from None
    return tuple(windows)


# --- Instalment plans -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InstalmentDue:
    number: int  # 0 is the down payment
    due_on: date
    amount: int  # halalas
    cumulative: int  # halalas due by then, down payment included


def instalment_schedule(
    *, debt: int, count: int, down_payment_percent: Decimal, first_due: date, due_day: int
) -> tuple[InstalmentDue, ...]:
    """The down payment (due ``first_due``) and ``count`` monthly instalments, each due on
    ``due_day`` of the months after it; the halalas that do not divide evenly go to the first
    instalments, so the schedule sums exactly to ``debt``."""
    down = round_half_up_div(debt * rate_units(down_payment_percent), _SHARE_DENOMINATOR)
    rest = debt - down
    each, extra = divmod(rest, count)
    schedule = [InstalmentDue(0, first_due, down, down)]
    cumulative = down
    for number in range(1, count + 1):
        month = add_months(month_start(first_due), number)
        amount = each + (1 if number <= extra else 0)
        cumulative += amount
        schedule.append(
            InstalmentDue(number, month.replace(day=min(due_day, month_end(month).day)), amount, cumulative)
        )
    return tuple(schedule)


# --- Allocation of a payment ------------------------------------------------------------------


class AllocationOrder(StrEnum):
    CONTRIBUTIONS_FIRST = "contributions_first"
    PENALTIES_FIRST = "penalties_first"


@dataclass(frozen=True, slots=True)
class MonthOwed:
    month: date
    contributions: int  # halalas
    penalties: int


@dataclass(frozen=True, slots=True)
class Allocation:
    """Where a payment goes: ``(account, month, halalas)`` settled, oldest month first, and the
    ``remainder`` that exceeds every debt (the employer's credit)."""

    settled: tuple[tuple[str, date, int], ...]
    remainder: int


def allocate(amount: int, owed: Sequence[MonthOwed], order: AllocationOrder | str) -> Allocation:
    """Settles the oldest month first; within a month contributions before fines or the reverse
    (``payment.allocation_order``). Nothing is settled below zero."""
    first, second = (
        ("contributions", "penalties")
        if AllocationOrder(order) == AllocationOrder.CONTRIBUTIONS_FIRST
        else ("penalties", "contributions")
    )
    left = amount
    settled = []
    for debt in sorted(owed, key=lambda d: d.month):
        for account in (first, second):
            due = getattr(debt, account)
            take = min(left, due) if due > 0 else 0
            if take:
                settled.append((account, debt.month, take))
                left -= take
        if not left:
            break
    return Allocation(tuple(settled), left)
