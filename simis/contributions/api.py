"""The contributions web services for employers' payroll systems (CON-1, CON-2, CON-3, CH-3):
the contribution calculator, bills and their lines, the account and its statement, instalment
plans. Mounted at ``/api/v1/contributions/`` behind the partner gateway (signed requests and
answers). Read-only.

A partner of kind ``employer_system`` acts for the establishment its organisation key names and,
for a main establishment, its branches. Anything else is answered as not found (CONAPI-1xx, 404)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema

from simis.api.public import PartnerKind, api_caller, register_router
from simis.contributions import rules, selectors
from simis.contributions.models import Bill, InstalmentPlan, LineKind
from simis.core.dates import add_months, month_start
from simis.core.errors import ErrorCatalogue, SimisError
from simis.registry.public import Engagement, Establishment, Person

router = Router(tags=["contributions"])


class ContributionsApiError(ErrorCatalogue):
    NOT_AN_EMPLOYER_SYSTEM = ("CONAPI-101", _("These services are for employers' payroll systems."))
    UNKNOWN_ESTABLISHMENT = ("CONAPI-102", _("No establishment %(number)s that this system acts for."))
    UNKNOWN_BILL = ("CONAPI-103", _("No bill %(number)s of an establishment this system acts for."))
    UNKNOWN_CONTRIBUTOR = (
        "CONAPI-104",
        _("No contributor %(number)s works for an establishment this system acts for."),
    )


_STATUS = {"CONAPI-101": 403, "CON-014": 400, "CON-015": 400}


def _refused(error: SimisError) -> JsonResponse:
    status = _STATUS.get(error.code, 404 if error.code.startswith("CONAPI-1") else 422)
    return JsonResponse(error.as_dict(), status=status, json_dumps_params={"ensure_ascii": False})


def _scope(request: HttpRequest) -> QuerySet[Establishment]:
    caller = api_caller(request)
    if caller.kind != PartnerKind.EMPLOYER_SYSTEM:
        raise SimisError(ContributionsApiError.NOT_AN_EMPLOYER_SYSTEM)
    key = caller.organisation_key
    return Establishment.objects.filter(Q(number=key) | Q(parent__number=key, parent__is_main=True))


def _establishment(request: HttpRequest, number: str) -> Establishment:
    found = _scope(request).filter(number=number.strip()).first()
    if found is None:
        raise SimisError(ContributionsApiError.UNKNOWN_ESTABLISHMENT, number=number[:20])
    return found


def _money(value: Any) -> str:
    return str(value.amount)


class CalculationQuery(Schema):
    contributor: int
    month: str


class BillQuery(Schema):
    establishment: str
    since: str | None = None


class LinesQuery(Schema):
    after: str | None = None


class StatementQuery(Schema):
    establishment: str
    start: date | None = None
    end: date | None = None


@router.get("/calculation", summary="The contribution calculator: a contributor's month, explained")
def calculation(request: HttpRequest, query: Query[CalculationQuery]) -> Any:
    try:
        scope = _scope(request)
        month = rules.month_parse(query.month)
        person = Person.objects.filter(contributor_number=query.contributor).first()
        periods = (
            Engagement.objects.filter(person=person, establishment__in=scope).select_related("person")
            if person
            else Engagement.objects.none()
        )
        calculations = []
        for period in periods.order_by("join_date", "pk"):
            try:
                calculations.append(selectors.contribution_calculate(engagement=period, month=month))
            except SimisError as error:
                if error.code != "CON-012":  # covers no day of the month: not part of the answer
                    raise
        if person is None or not periods.exists():
            raise SimisError(ContributionsApiError.UNKNOWN_CONTRIBUTOR, number=query.contributor)
    except SimisError as error:
        return _refused(error)
    return {
        "contributor": query.contributor,
        "month": f"{month:%Y-%m}",
        "periods": [{**c.as_record(), "explanation": c.explain()} for c in calculations],
        "employer": str(rules.riyals(sum(c.employer for c in calculations))),
        "employee": str(rules.riyals(sum(c.employee for c in calculations))),
    }


def _bill_out(bill: Bill) -> dict[str, Any]:
    return {
        "number": bill.number,
        "establishment": bill.establishment.number,
        "month": f"{bill.month:%Y-%m}",
        "issued_on": bill.issued_on.isoformat(),
        "due_on": bill.due_on.isoformat(),
        "contributors": bill.contributors,
        "adjustment_lines": bill.adjustment_lines,
        "employer": _money(bill.employer_amount),
        "employee": _money(bill.employee_amount),
        "adjustments": _money(bill.adjustment_amount),
        "total": _money(bill.total),
    }


@router.get("/bills", summary="An establishment's bills, newest first")
def bills(request: HttpRequest, query: Query[BillQuery]) -> Any:
    try:
        establishment = _establishment(request, query.establishment)
        found = Bill.objects.filter(establishment=establishment).select_related("establishment")
        if query.since:
            found = found.filter(month__gte=rules.month_parse(query.since))
    except SimisError as error:
        return _refused(error)
    return {"bills": [_bill_out(bill) for bill in found.order_by("-month")[:240]]}


@router.get("/bills/{number}", summary="A bill and a page of its lines")
def bill(request: HttpRequest, number: str, query: Query[LinesQuery]) -> Any:
    try:
        found = (
            Bill.objects.filter(number=number.strip(), establishment__in=_scope(request))
            .select_related("establishment")
            .first()
        )
        if found is None:
            raise SimisError(ContributionsApiError.UNKNOWN_BILL, number=number[:20])
        page, next_after = selectors.bill_lines_page(found, after=query.after or "", size=500)
    except SimisError as error:
        return _refused(error)
    numbers = dict(
        Engagement.objects.filter(pk__in=[line.engagement_id for line in page]).values_list(
            "pk", "person__contributor_number"
        )
    )
    return {
        **_bill_out(found),
        "lines": [
            {
                "period": line.engagement_id,
                "contributor": numbers.get(line.engagement_id),
                "month": f"{line.for_month:%Y-%m}",
                "kind": "adjustment" if line.kind == LineKind.ADJUSTMENT else "month",
                "rate_class": line.rate_class_id,
                "days": line.days,
                "wage_billed": str(rules.riyals(rules.round_half_up_div(line.base, line.divisor))),
                "employer": str(rules.riyals(line.employer)),
                "employee": str(rules.riyals(line.employee)),
            }
            for line in page
        ],
        "next": next_after or None,
    }


@router.get("/account", summary="An establishment's balances and its statement")
def account(request: HttpRequest, query: Query[StatementQuery]) -> Any:
    try:
        establishment = _establishment(request, query.establishment)
    except SimisError as error:
        return _refused(error)
    today = timezone.localdate()
    start = query.start or add_months(month_start(today), -11)
    end = query.end or today
    statement = selectors.account_statement(establishment.pk, start=start, end=end)
    summary = statement.summary
    return {
        "establishment": establishment.number,
        "contributions_due": _money(summary.contributions_due),
        "fines_due": _money(summary.penalties_due),
        "credit": _money(summary.credit),
        "total_debit": _money(summary.total_debit),
        "total_credit": _money(summary.total_credit),
        "balance": _money(summary.balance),
        "statement": {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "opening": _money(statement.opening),
            "closing": _money(statement.closing),
            "rows": [
                {
                    "date": row.posted_on.isoformat(),
                    "kind": row.kind,
                    "reference": row.reference,
                    "debit": _money(row.debit),
                    "credit": _money(row.credit),
                    "balance": _money(row.balance),
                }
                for row in statement.rows
            ],
        },
    }


@router.get("/plans", summary="An establishment's instalment plans and their schedules (CON-3)")
def plans(request: HttpRequest, establishment: str) -> Any:
    try:
        found = _establishment(request, establishment)
    except SimisError as error:
        return _refused(error)
    return {
        "plans": [
            {
                "number": plan.number,
                "status": plan.status,
                "requested_on": plan.requested_on.isoformat(),
                "debt": _money(plan.debt),
                "down_payment": _money(plan.down_payment),
                "instalments": [
                    {
                        "number": i.number,
                        "due_on": i.due_on.isoformat(),
                        "amount": _money(i.amount),
                        "status": i.status,
                    }
                    for i in plan.instalments.order_by("number")
                ],
                "misses": plan.misses,
                "ended_on": plan.ended_on.isoformat() if plan.ended_on else None,
                "end_reason": plan.end_reason,
            }
            for plan in InstalmentPlan.objects.filter(establishment=found).order_by("-pk")
        ]
    }


def mount() -> None:
    register_router("contributions", router)
