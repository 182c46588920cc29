"""The contributions pages: the employer's account (CON-2: balances, chart, statement, bills,
instalment plan, compliance certificate), each bill with its lines (CON-1), the contribution
calculator, and for staff the billing runs.

Thin views: forms check shape, selectors read with the signed-in user's reach (an establishment
or bill outside it answers 404), services write and refuse with coded errors shown on the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from simis.contributions import rules, selectors, services
from simis.contributions.forms import (
    BillingRunForm,
    CalculatorForm,
    EstablishmentLookupForm,
    PlanRequestForm,
    StatementForm,
)
from simis.contributions.models import (
    PLAN_IN_FORCE,
    Bill,
    BillingRun,
    BillLine,
    ComplianceCertificate,
    InstalmentPlan,
    LineKind,
    RateClass,
)
from simis.core.dates import add_months, month_start
from simis.core.errors import SimisError
from simis.core.money import Money
from simis.identity.public import Audience, audiences
from simis.registry.public import (
    Engagement,
    Establishment,
    acts_for,
    establishment_get,
    establishment_list,
    person_by_contributor_number,
)

EMPLOYER_SIDE = frozenset({Audience.EMPLOYER, Audience.STAFF})
CALCULATOR_SIDE = frozenset({Audience.EMPLOYER, Audience.STAFF, Audience.CONTRIBUTOR})
LINES_PER_PAGE = 50
STATEMENT_ROWS = 100  # statement rows a page shows; the next ones come on demand (htmx)
RUN_BILLING = "contributions.run_billing"


def _is_staff(request: HttpRequest) -> bool:
    return getattr(request.user, "audience", "") == Audience.STAFF


def _establishment(request: HttpRequest, number: str) -> Establishment:
    found = establishment_get(user=request.user, number=number)
    if found is None:
        raise Http404
    return found


def _refusal(request: HttpRequest, error: SimisError) -> None:
    messages.error(request, f"{error.code}: {error.message}")


# --- Home ------------------------------------------------------------------------------------------


@audiences(EMPLOYER_SIDE)
def home(request: HttpRequest) -> HttpResponse:
    """Employer: its establishments with what each owes. Staff: open any establishment's account."""
    lookup = EstablishmentLookupForm(request.GET or None)
    if _is_staff(request):
        if lookup.is_valid():
            found = establishment_get(user=request.user, number=lookup.cleaned_data["number"])
            if found is not None:
                return redirect("contributions:account", found.number)
            lookup.add_error("number", _("No establishment has this number."))
        return render(
            request,
            "contributions/home.html",
            {"lookup": lookup, "runs": BillingRun.objects.order_by("-month", "-pk")[:6], "rows": []},
        )
    rows = []
    for establishment in establishment_list(user=request.user)[:50]:
        rows.append((establishment, selectors.account_summary(establishment.pk)))
    return render(request, "contributions/home.html", {"rows": rows, "lookup": None})


# --- The account -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    label: str
    value: Money


@dataclass(frozen=True)
class Chart:
    """The balance at each month's end as an SVG polyline (drawn server-side: no script)."""

    width: int
    height: int
    points: tuple[ChartPoint, ...]
    zero_y: float
    top: Money
    bottom: Money

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def balance_chart(series: list[tuple[date, Money]], *, width: int = 720, height: int = 180) -> Chart | None:
    if len(series) < 2:
        return None
    values = [value.amount for _day, value in series]
    top: Decimal = max([*values, Decimal(0)])
    bottom: Decimal = min([*values, Decimal(0)])
    span = (top - bottom) or 1
    pad = 12
    step = (width - 2 * pad) / (len(series) - 1)

    def y(amount: Any) -> float:
        return float(pad + (top - amount) / span * (height - 2 * pad))

    points = tuple(
        ChartPoint(pad + i * step, y(value.amount), f"{day:%Y-%m}", value)
        for i, (day, value) in enumerate(series)
    )
    return Chart(width, height, points, y(0), Money(top), Money(bottom))


@audiences(EMPLOYER_SIDE)
def account(request: HttpRequest, number: str) -> HttpResponse:
    establishment = _establishment(request, number)
    today = timezone.localdate()
    form = StatementForm(request.GET or None)
    start, end = add_months(month_start(today), -11), today
    if form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
    statement = selectors.account_statement(establishment.pk, start=start, end=end)
    try:
        offset = max(0, int(request.GET.get("rows", "0")))
    except ValueError:
        raise Http404 from None
    rows = statement.rows[offset : offset + STATEMENT_ROWS]
    more = offset + STATEMENT_ROWS if offset + STATEMENT_ROWS < len(statement.rows) else None
    page = {"rows": rows, "more": more, "start": start, "end": end, "establishment": establishment}
    if request.headers.get("HX-Request") and "rows" in request.GET:
        return render(request, "contributions/_statement_rows.html", page)
    bills = list(Bill.objects.filter(establishment=establishment).order_by("-month")[:24])
    plan = (
        InstalmentPlan.objects.filter(establishment=establishment, status__in=PLAN_IN_FORCE)
        .prefetch_related("instalments")
        .first()
    )
    overdue = selectors.overdue_months(establishment.pk, today)
    chart_start = add_months(month_start(today), -23)
    return render(
        request,
        "contributions/account.html",
        {
            "establishment": establishment,
            "summary": statement.summary,
            "statement": statement,
            **page,
            "form": form,
            "bills": bills,
            "bill_status": selectors.bill_statuses(establishment.pk, bills),
            "chart": balance_chart(
                selectors.balance_by_month(establishment.pk, start=chart_start, end=today)
            ),
            "plan": plan,
            "plans": InstalmentPlan.objects.filter(establishment=establishment).order_by("-pk")[:5],
            "overdue": overdue,
            "overdue_total": Money(rules.riyals(sum(m.contributions + m.penalties for m in overdue))),
            "certificates": ComplianceCertificate.objects.filter(establishment=establishment).order_by("-pk")[
                :3
            ],
            "can_act": acts_for(request.user, establishment),
            "plan_form": PlanRequestForm(),
        },
    )


@audiences(EMPLOYER_SIDE)
def plan_request(request: HttpRequest, number: str) -> HttpResponse:
    establishment = _establishment(request, number)
    if request.method != "POST" or not acts_for(request.user, establishment):
        raise Http404
    form = PlanRequestForm(request.POST)
    if form.is_valid():
        try:
            plan = services.instalment_plan_request(
                establishment=establishment, count=form.cleaned_data["count"], actor=request.user
            )
        except SimisError as error:
            _refusal(request, error)
        else:
            messages.success(request, _("Instalment plan %(number)s is made.") % {"number": plan.number})
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
    return redirect("contributions:account", establishment.number)


@audiences(EMPLOYER_SIDE)
def certificate(request: HttpRequest, number: str) -> HttpResponse:
    """Issues (or gives again) the compliance certificate and returns it as a PDF."""
    from simis.contributions.certificates import certificate_pdf

    establishment = _establishment(request, number)
    try:
        issued = services.certificate_issue(establishment=establishment, actor=request.user)
    except SimisError as error:
        _refusal(request, error)
        return redirect("contributions:account", establishment.number)
    pdf = certificate_pdf(issued, language=request.LANGUAGE_CODE, verify_url=_verify_url(request, issued))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{issued.number}.pdf"'
    return response


def _verify_url(request: HttpRequest, issued: ComplianceCertificate) -> str:
    return request.build_absolute_uri(
        reverse("contributions:certificate-verify", args=[issued.number, issued.token])
    )


def certificate_verify(request: HttpRequest, number: str, token: str) -> HttpResponse:
    """Public: anyone holding the certificate (or its QR code) can check it is genuine."""
    found = selectors.certificate_verify(number, token)
    today = timezone.localdate()
    return render(
        request,
        "contributions/certificate_verify.html",
        {
            "certificate": found,
            "valid": found is not None and found.valid_until >= today,
            "still_clear": found is not None and not selectors.overdue_months(found.establishment_id, today),
        },
        status=200 if found is not None else 404,
    )


# --- Bills ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineRow:
    line: BillLine
    contributor_number: int | None
    name: str
    wage_billed: Money
    employer: Money
    employee: Money


@audiences(EMPLOYER_SIDE)
def bill(request: HttpRequest, number: str) -> HttpResponse:
    found = selectors.bill_get(user=request.user, number=number)
    if found is None:
        raise Http404
    try:
        page, next_after = selectors.bill_lines_page(
            found, after=request.GET.get("after", ""), size=LINES_PER_PAGE
        )
    except SimisError:
        raise Http404 from None
    people = {
        e.pk: e.person
        for e in Engagement.objects.filter(pk__in=[line.engagement_id for line in page]).select_related(
            "person"
        )
    }
    rows = [
        LineRow(
            line,
            people[line.engagement_id].contributor_number if line.engagement_id in people else None,
            people[line.engagement_id].full_name if line.engagement_id in people else _("(period removed)"),
            Money(rules.riyals(rules.round_half_up_div(line.base, line.divisor))),
            Money(rules.riyals(line.employer)),
            Money(rules.riyals(line.employee)),
        )
        for line in page
    ]
    context = {"bill": found, "rows": rows, "next_after": next_after, "adjustment": LineKind.ADJUSTMENT}
    if request.headers.get("HX-Request"):
        return render(request, "contributions/_bill_lines.html", context)
    context["owed"] = selectors.bill_month_owed(found)
    context["status"] = selectors.bill_statuses(found.establishment_id, [found])[found.pk]
    context["classes"] = {
        rc.pk: rc
        for rc in RateClass.objects.filter(
            pk__in=BillLine.objects.filter(bill_month=found.month, establishment_id=found.establishment_id)
            .values("rate_class_id")
            .distinct()
        )
    }
    return render(request, "contributions/bill.html", context)


# --- The calculator -------------------------------------------------------------------------------


@audiences(CALCULATOR_SIDE)
def calculator(request: HttpRequest) -> HttpResponse:
    initial = {}
    if getattr(request.user, "audience", "") == Audience.CONTRIBUTOR:
        own = getattr(request.user, "contributor", None)
        if own is not None:
            initial["contributor"] = own.contributor_number
    form = CalculatorForm(request.GET or None, initial=initial)
    calculations = None
    if form.is_valid():
        person = person_by_contributor_number(
            user=request.user, contributor_number=form.cleaned_data["contributor"]
        )
        if person is None:
            form.add_error("contributor", _("No contributor you may see has this number."))
        else:
            try:
                calculations = selectors.person_month_calculate(
                    user=request.user, person=person, month=form.cleaned_data["month"]
                )
            except SimisError as error:
                form.add_error(None, f"{error.code}: {error.message}")
    return render(request, "contributions/calculator.html", {"form": form, "calculations": calculations})


# --- Staff: billing runs --------------------------------------------------------------------------


@audiences({Audience.STAFF})
def billing_runs(request: HttpRequest) -> HttpResponse:
    can_run = request.user.has_perm(RUN_BILLING)
    next_month = services.billing_next_month()
    form = BillingRunForm(
        request.POST or None, initial={"month": f"{next_month:%Y-%m}" if next_month else ""}
    )
    if request.method == "POST":
        if not can_run:
            raise Http404
        if form.is_valid():
            from simis.contributions.tasks import contributions_month_bill

            month = form.cleaned_data["month"]
            contributions_month_bill.defer(month=f"{month:%Y-%m}", user_id=request.user.pk)
            messages.success(
                request,
                _("Billing of %(month)s is queued; it appears below when done.")
                % {"month": f"{month:%Y-%m}"},
            )
            return redirect("contributions:runs")
    return render(
        request,
        "contributions/runs.html",
        {
            "runs": BillingRun.objects.order_by("-month", "-pk")[:36],
            "form": form,
            "can_run": can_run,
            "next_month": next_month,
        },
    )
