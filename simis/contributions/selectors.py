"""Reads of the contributions app: the contribution calculator, bills and their lines.

The calculator (``contribution_calculate``) computes one period's month in Python with the same
rules and integer formula as the set-based run, and explains it line by line; a database test
holds the two equal for every line of a billed month."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from simis.contributions import billing, rules
from simis.contributions.errors import ContributionsError
from simis.contributions.models import Bill, BillLine, MonthDebt
from simis.core.contribution_rates import Branch
from simis.core.dates import add_months, month_end, month_start
from simis.core.errors import SimisError
from simis.core.money import Money
from simis.core.parameter_table import ParameterReader, Regime
from simis.core.selectors import parameter_reader, parameter_versions_current
from simis.identity.public import IdentityError, user_scope
from simis.registry.public import Engagement, Person, establishments_visible, persons_visible


@dataclass(frozen=True, slots=True)
class BranchShare:
    branch: str
    party: str
    rate: Decimal
    amount: Money


@dataclass(frozen=True, slots=True)
class Calculation:
    """One contribution period's month: the basis, the rates and the two shares."""

    engagement_id: int
    establishment_id: int
    person_id: int
    month: date
    regime: Regime
    key: billing.ClassKey
    basis: rules.MonthBasis
    blocked: bool
    employer_units: int
    employee_units: int
    employer: int  # halalas
    employee: int
    shares: tuple[BranchShare, ...]
    rates: dict[str, Any]
    parameter_version_ids: tuple[int, ...]

    @property
    def employer_amount(self) -> Money:
        return Money(rules.riyals(self.employer))

    @property
    def employee_amount(self) -> Money:
        return Money(rules.riyals(self.employee))

    @property
    def total(self) -> Money:
        return Money(rules.riyals(self.employer + self.employee))

    def as_record(self) -> dict[str, Any]:
        """JSON-safe: everything the calculation used and produced."""
        return {
            "engagement": self.engagement_id,
            "establishment": self.establishment_id,
            "person": self.person_id,
            "month": f"{self.month:%Y-%m}",
            "regime": self.regime.value,
            "blocked_by_review": self.blocked,
            "day_basis": self.basis.day_basis.value,
            "days": self.basis.days,
            "divisor": self.basis.divisor,
            "base_halalas": self.basis.base,
            "wage_billed": str(rules.riyals(rules.round_half_up_div(self.basis.base, self.basis.divisor))),
            "segments": [
                {
                    "from": s.start.isoformat(),
                    "to": s.end.isoformat(),
                    "contributory_wage": str(rules.riyals(s.contributory)),
                }
                for s in self.basis.segments
            ],
            "employer_rate": str(Decimal(self.employer_units) / rules.RATE_UNITS_PER_PERCENT),
            "employee_rate": str(Decimal(self.employee_units) / rules.RATE_UNITS_PER_PERCENT),
            "employer": str(self.employer_amount.amount),
            "employee": str(self.employee_amount.amount),
            "total": str(self.total.amount),
            "branches": [
                {"branch": s.branch, "party": s.party, "rate": str(s.rate), "amount": str(s.amount.amount)}
                for s in self.shares
            ],
            "rates": self.rates,
            "parameter_versions": list(self.parameter_version_ids),
        }

    def explain(self) -> list[str]:
        """The calculation in words, one step a line, in the active language."""
        lines = []
        for segment in self.basis.segments:
            lines.append(
                _("%(start)s – %(end)s: %(days)s days at a contributory wage of %(wage)s SAR")
                % {
                    "start": segment.start.isoformat(),
                    "end": segment.end.isoformat(),
                    "days": segment.days,
                    "wage": rules.riyals(segment.contributory),
                }
            )
        if self.blocked:
            lines.append(
                _("The month is under office review: nothing is billed until the review is decided.")
            )
        elif self.basis.day_basis == rules.DayBasis.CALENDAR_DAYS:
            lines.append(
                _("Wage billed: %(base)s ÷ %(divisor)s days in the month = %(wage)s SAR")
                % {
                    "base": rules.riyals(self.basis.base),
                    "divisor": self.basis.divisor,
                    "wage": rules.riyals(rules.round_half_up_div(self.basis.base, self.basis.divisor)),
                }
            )
        else:
            lines.append(_("Whole-month billing (before February 2022): the month's contributory wage"))
        parties = {"employer": _("employer"), "employee": _("contributor")}
        for share in self.shares:
            lines.append(
                _("%(branch)s, %(party)s: %(rate)s%% = %(amount)s SAR")
                % {
                    "branch": Branch(share.branch).label,
                    "party": parties.get(share.party, share.party),
                    "rate": share.rate,
                    "amount": share.amount.amount,
                }
            )
        lines.append(
            _("Employer %(employer)s SAR + employee %(employee)s SAR = %(total)s SAR")
            % {
                "employer": self.employer_amount.amount,
                "employee": self.employee_amount.amount,
                "total": self.total.amount,
            }
        )
        return lines


def _allocate(total: int, weights: list[int]) -> list[int]:
    """``total`` halalas split in proportion to ``weights`` (largest remainder), summing exactly."""
    whole = sum(weights)
    if not whole:
        return [0] * len(weights)
    raw = [total * w for w in weights]
    shares = [r // whole for r in raw]
    order = sorted(range(len(weights)), key=lambda i: raw[i] % whole, reverse=True)
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def contribution_calculate(
    *, engagement: Engagement | int, month: date, read: ParameterReader | None = None
) -> Calculation:
    """What ``engagement`` owes for ``month``, from the register and the parameters in force
    (or ``read``). CON-011 for an unknown period; CON-012 when it covers no day of the month."""
    if not isinstance(engagement, Engagement):
        found = Engagement.objects.select_related("person").filter(pk=engagement).first()
        if found is None:
            raise SimisError(ContributionsError.UNKNOWN_PERIOD, value=engagement)
        engagement = found
    first = month_start(month)
    if read is None:
        read = parameter_reader(sorted(parameter_versions_current().values()))
    rule = billing.month_rule(first, read)
    wages = [
        rules.WagePoint(w.effective_from, rules.halalas(w.contributory_wage.amount))
        for w in engagement.wages.all()
    ]
    blocked = bool(
        engagement.status == billing.ENGAGEMENT_PENDING
        and engagement.disputed_from is not None
        and engagement.disputed_until is not None
        and engagement.disputed_from <= first <= engagement.disputed_until
    )
    basis = rules.month_basis(
        month=first,
        join=engagement.join_date,
        leave=engagement.leave_date,
        wages=wages,
        day_basis=rule.day_basis,
        whole_month_rule=rule.whole_month_rule,
        blocked=blocked,
    )
    if not basis.segments and not blocked:
        raise SimisError(ContributionsError.NOT_COVERED, period=engagement.pk, month=f"{first:%Y-%m}")
    key = billing.ClassKey(
        Regime(engagement.coverage_regime),
        engagement.covers_annuities,
        engagement.covers_occupational_hazards,
        engagement.covers_unemployment,
        engagement.gcc_extension,
        engagement.gcc_country,
    )
    rates = billing.class_rates(key, first, read)
    if rates is None:
        raise SimisError(ContributionsError.NO_RATES, count=1, month=f"{first:%Y-%m}", example=engagement.pk)
    employer = rules.share_halalas(basis.base, basis.divisor, rates["employer_units"])
    employee = rules.share_halalas(basis.base, basis.divisor, rates["employee_units"])
    shares = []
    for party, total in (("employer", employer), ("employee", employee)):
        party_lines = [line for line in rates["rates"]["lines"] if line["party"] == party]
        weights = [rules.rate_units(Decimal(line["rate"])) for line in party_lines]
        for line, amount in zip(party_lines, _allocate(total, weights), strict=True):
            shares.append(
                BranchShare(line["branch"], party, Decimal(line["rate"]), Money(rules.riyals(amount)))
            )
    versions = sorted(set(rates["parameter_version_ids"]) | set(rule.version_ids))
    return Calculation(
        engagement_id=engagement.pk,
        establishment_id=engagement.establishment_id,
        person_id=engagement.person_id,
        month=first,
        regime=key.regime,
        key=key,
        basis=basis,
        blocked=blocked,
        employer_units=rates["employer_units"],
        employee_units=rates["employee_units"],
        employer=employer,
        employee=employee,
        shares=tuple(shares),
        rates=rates["rates"],
        parameter_version_ids=tuple(versions),
    )


def person_month_calculate(*, user: Any, person: Person, month: date) -> list[Calculation]:
    """The calculator (CON-1): each of ``person``'s periods in ``month`` that ``user`` may see —
    staff all, an employer user those at its establishments, the insured person their own —
    computed and explained. IDN-040 (through the register) when ``user`` may not see the person;
    ``user=None`` is the system (the command line)."""
    first = month_start(month)
    periods = (
        Engagement.objects.filter(person=person, join_date__lte=month_end(first))
        .exclude(leave_date__lt=first)
        .select_related("person")
        .order_by("join_date", "pk")
    )
    if user is not None:
        if not persons_visible(user).filter(pk=person.pk).exists():
            raise SimisError(IdentityError.OUT_OF_SCOPE)
        if not user_scope(user).unrestricted and person.user_id != user.pk:
            periods = periods.filter(establishment__in=establishments_visible(user).values("pk"))
    read = parameter_reader(sorted(parameter_versions_current().values()))
    return [contribution_calculate(engagement=period, month=first, read=read) for period in periods]


# --- Bills ---------------------------------------------------------------------------------------


def bills_visible(user: Any) -> QuerySet[Bill]:
    """The bills of the establishments ``user`` acts for (all for staff)."""
    return Bill.objects.filter(establishment__in=establishments_visible(user).values("pk"))


def bill_get(*, user: Any, number: str) -> Bill | None:
    """The bill with this number if ``user`` may see it; None otherwise (not told apart)."""
    return bills_visible(user).select_related("establishment").filter(number=number.strip()).first()


def bill_lines(bill: Bill) -> QuerySet[BillLine]:
    """A bill's lines: its month's, then adjustments of earlier months."""
    return BillLine.objects.filter(bill_month=bill.month, establishment_id=bill.establishment_id).order_by(
        "kind", "for_month", "engagement_id"
    )


def bill_month_owed(bill: Bill) -> Money:
    """The contributions still owed for the bill's month (what the month's debt holds)."""
    debt = MonthDebt.objects.filter(establishment_id=bill.establishment_id, month=bill.month).first()
    return debt.contributions if debt else Money(0)


def bill_statuses(establishment_id: int, bills: Sequence[Bill]) -> dict[int, rules.BillStatus]:
    """Each bill's status (paid, partly paid, unpaid) from its month's debt, in one read."""
    owed = {d.month: d.contributions for d in MonthDebt.objects.filter(establishment_id=establishment_id)}
    return {
        bill.pk: rules.bill_status(total=bill.total.amount, owed=owed.get(bill.month, Money(0)).amount)
        for bill in bills
    }


def bill_lines_page(bill: Bill, *, after: str = "", size: int = 50) -> tuple[list[BillLine], str]:
    """A page of a bill's lines in (period, month) order after the cursor ``after`` ("" for
    the first page; the cursor of the next page is returned, "" after the last). CON-015 for a
    cursor this function did not give."""
    lines = bill_lines(bill).order_by("engagement_id", "for_month")
    if after:
        try:
            engagement_id, month = after.split(":")
            lines = (
                lines.filter(engagement_id__gt=int(engagement_id))
                | lines.filter(engagement_id=int(engagement_id), for_month__gt=date.fromisoformat(month))
            ).order_by("engagement_id", "for_month")
        except ValueError:
            raise SimisError(ContributionsError.BAD_CURSOR, value=after[:40]) from None
    page = list(lines[: size + 1])
    more, page = len(page) > size, page[:size]
    return page, (f"{page[-1].engagement_id}:{page[-1].for_month.isoformat()}" if more and page else "")


# --- The employer's account (CON-2) --------------------------------------------------------------


def overdue_months(establishment_id: int, today: date) -> list[rules.MonthOwed]:
    """Unpaid months past their due date that no instalment plan in force covers."""
    from simis.contributions.models import PLAN_IN_FORCE, InstalmentPlan

    read = parameter_reader(sorted(parameter_versions_current().values()))
    due_day = int(read("billing.due_day", today, rules.ACCOUNT_REGIME).value)
    plan = InstalmentPlan.objects.filter(establishment_id=establishment_id, status__in=PLAN_IN_FORCE).first()
    result = []
    for row in MonthDebt.objects.filter(establishment_id=establishment_id).order_by("month"):
        owed = rules.MonthOwed(
            row.month, rules.halalas(row.contributions.amount), rules.halalas(row.penalties.amount)
        )
        if owed.contributions + owed.penalties <= 0 or rules.due_date(row.month, due_day) >= today:
            continue
        if plan is not None and plan.first_month <= row.month <= plan.last_month:
            continue
        result.append(owed)
    return result


@dataclass(frozen=True, slots=True)
class AccountSummary:
    """CON-2: the contribution and fine balances, total debit and credit and the balance."""

    contributions_due: Money
    penalties_due: Money
    credit: Money
    total_debit: Money
    total_credit: Money

    @property
    def balance(self) -> Money:
        """What the employer owes (negative: what it is owed)."""
        return self.contributions_due + self.penalties_due - self.credit


def account_summary(establishment_id: int) -> AccountSummary:
    row = billing.fetch(
        """
SELECT coalesce(sum(amount) FILTER (WHERE account = 'contributions'), 0),
       coalesce(sum(amount) FILTER (WHERE account = 'penalties'), 0),
       coalesce(-sum(amount) FILTER (WHERE account = 'credit'), 0),
       coalesce(sum(amount) FILTER (WHERE amount > 0), 0),
       coalesce(-sum(amount) FILTER (WHERE amount < 0), 0)
  FROM contributions_posting
 WHERE establishment_id = %(e)s AND account IN ('contributions', 'penalties', 'credit')
""",
        {"e": establishment_id},
    )[0]
    return AccountSummary(*(Money(value) for value in row))


@dataclass(frozen=True, slots=True)
class StatementRow:
    entry_id: int
    posted_on: date
    kind: str
    reference: str
    debit: Money
    credit: Money
    balance: Money


@dataclass(frozen=True, slots=True)
class Statement:
    start: date
    end: date
    opening: Money
    rows: tuple[StatementRow, ...]
    closing: Money
    summary: AccountSummary

    @property
    def total_debit(self) -> Money:
        return sum((r.debit for r in self.rows), Money(0))

    @property
    def total_credit(self) -> Money:
        return sum((r.credit for r in self.rows), Money(0))


def account_statement(establishment_id: int, *, start: date, end: date) -> Statement:
    """The employer's account between two days: the opening balance, one row per journal entry
    (debit, credit, running balance) and the closing balance. Only the employer's own accounts
    count (contributions and fines due, its credit), so a payment shows as a credit whatever it
    settled."""
    opening = billing.fetch(
        """SELECT coalesce(sum(amount), 0) FROM contributions_posting
            WHERE establishment_id = %(e)s AND account IN ('contributions', 'penalties', 'credit')
              AND posted_on < %(start)s""",
        {"e": establishment_id, "start": start},
    )[0][0]
    rows = billing.fetch(
        """
SELECT j.id, j.posted_on, j.kind, coalesce(nullif(max(p.reference), ''), j.memo), sum(p.amount)
  FROM contributions_posting p
  JOIN contributions_journalentry j ON j.id = p.entry_id
 WHERE p.establishment_id = %(e)s AND p.posted_on BETWEEN %(start)s AND %(end)s
   AND p.account IN ('contributions', 'penalties', 'credit')
 GROUP BY j.id, j.posted_on, j.kind, j.memo
 ORDER BY j.posted_on, j.id
""",
        {"e": establishment_id, "start": start, "end": end},
    )
    balance = Money(opening)
    out = []
    for entry_id, posted_on, kind, memo, amount in rows:
        change = Money(amount)
        balance = balance + change
        out.append(
            StatementRow(
                entry_id,
                posted_on,
                kind,
                memo,
                change if change.amount > 0 else Money(0),
                -change if change.amount < 0 else Money(0),
                balance,
            )
        )
    return Statement(start, end, Money(opening), tuple(out), balance, account_summary(establishment_id))


def balance_by_month(establishment_id: int, *, start: date, end: date) -> list[tuple[date, Money]]:
    """The balance at the end of each month from ``start`` to ``end`` (the statement's chart):
    the balance before ``start`` plus each month's movements, summed in one pass."""
    first = month_start(start)
    rows = billing.fetch(
        """
SELECT CASE WHEN posted_on < %(first)s THEN NULL ELSE date_trunc('month', posted_on)::date END, sum(amount)
  FROM contributions_posting
 WHERE establishment_id = %(e)s AND account IN ('contributions', 'penalties', 'credit')
   AND posted_on <= %(end)s
 GROUP BY 1
""",
        {"e": establishment_id, "first": first, "end": end},
    )
    moves = {month: amount for month, amount in rows}
    balance = Money(moves.pop(None, 0) or 0)
    series = []
    month = first
    while month <= end:
        balance = balance + Money(moves.get(month, 0))
        series.append((min(month_end(month), end), balance))
        month = add_months(month, 1)
    return series


def certificate_verify(number: str, token: str) -> Any:
    """The certificate if ``number`` and ``token`` match one issued; None otherwise."""
    from simis.contributions.models import ComplianceCertificate

    found = (
        ComplianceCertificate.objects.select_related("establishment").filter(number=number.strip()).first()
    )
    if found is None or not token or not hmac_compare(found.token, token.strip()):
        return None
    return found


def hmac_compare(a: str, b: str) -> bool:
    import hmac

    return hmac.compare_digest(a.encode(), b.encode())
