"""The register's web channel: the employer portal (REG-1…REG-6), government inquiries (GOV-1) and
the insured person's own contribution periods (ANN-5).

Thin views: each validates its form, calls one service (writes) or the selectors (reads) with
the signed-in user, and renders. Who may see which establishment or person is the selectors'
decision; a record outside the user's reach answers 404, never 403, so its existence is not
revealed. A refusal (``SimisError``) goes back to the field it concerns, or to the top of the
form, with its code and message."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from simis.audit.public import action_label, audit_entries_for
from simis.core.dates import format_gregorian, format_hijri, month_start
from simis.core.errors import SimisError
from simis.core.identifiers import normalise_identifier
from simis.core.money import Money
from simis.identity.public import Audience, audiences
from simis.registry import selectors, services
from simis.registry.actions import RegistryAction
from simis.registry.choices import EngagementStatus, EstablishmentStatus, LeaveReason, ReviewReason
from simis.registry.errors import RegistryError, RegistryLinesError
from simis.registry.forms import (
    MAX_LINES,
    BatchLineFormSet,
    BatchSummaryForm,
    ContributorRegisterForm,
    ContributorSearchForm,
    EstablishmentSearchForm,
    InquiryForm,
    InquiryKind,
    NationalityFilter,
    PeriodAddForm,
    RegistryWebError,
    StatusFilter,
    TerminateForm,
    TransferForm,
    WageChangeForm,
    WageLineFormSet,
    WorkerFilterForm,
    reference_names,
)
from simis.registry.models import (
    SAUDI,
    Engagement,
    Establishment,
    Person,
    PersonIdentity,
    Wage,
    WageBatch,
)
from simis.registry.rules import BatchSummary
from simis.registry.services import (
    IdentityInput,
    PersonNames,
    WageInput,
    WageLine,
    acts_for,
    contributor_register,
    contributor_transfer,
    engagement_add,
    engagement_terminate,
    wage_batch_amend,
    wage_batch_register,
    wage_change,
)

PAGE_SIZE = 50
# How many earlier pages' cursors a pager link carries; beyond them "previous" goes to page 1.
TRAIL_LENGTH = 20
DASHBOARD_LIMIT = 24
EMPLOYER_SIDE = frozenset({Audience.EMPLOYER, Audience.STAFF})
GOVERNMENT_SIDE = frozenset({Audience.AGENCY, Audience.STAFF})


# --- Access ---------------------------------------------------------------------------------------


def _is_staff(request: HttpRequest) -> bool:
    return getattr(request.user, "audience", "") == Audience.STAFF


def _establishment(request: HttpRequest, number: str) -> Establishment:
    found = selectors.establishment_get(user=request.user, number=number)
    if found is None:
        raise Http404
    return found


def _can_change(request: HttpRequest, establishment: Establishment) -> bool:
    """Whether the page offers changes for this establishment: it is active and the user may
    change its register (staff, or an officer or administrator of it or its main; a viewer only
    reads). The services check it again."""
    return establishment.status == EstablishmentStatus.ACTIVE and acts_for(request.user, establishment)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _render_partial_or_page(
    request: HttpRequest, partial: str, page: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    response = render(request, partial if _is_htmx(request) else page, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _requested_calendar(request: HttpRequest) -> str:
    return str(getattr(request.user, "date_display", "") or "")


# --- Refusals -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """A coded refusal as a page shows it: the message in the page's language and in the other."""

    code: str
    message: str
    other_language: str
    other_message: str
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, error: SimisError) -> Refusal:
        texts = error.as_dict()
        other = "en" if (translation.get_language() or "ar").startswith("ar") else "ar"
        return cls(error.code, texts["message"], other, texts[f"message_{other}"], dict(error.params))


# Which field a service's refusal is about, by code; codes not listed go to the top of the form.
CONTRIBUTOR_FIELDS = {
    "REG-201": "identity_number",
    "REG-202": "identity_kind",
    "REG-203": "identity_kind",
    "REG-204": "identity_kind",
    "REG-205": "identity_country",
    "REG-206": "identity_number",
    "REG-207": "first_name_ar",
    "REG-208": "nationality",
    "REG-209": "birth_date",
    "REG-210": "birth_date",
    "REG-211": "passport_number",
    "REG-213": "gender",
    "NTF-001": "mobile",
    "NTF-002": "mobile",
    "REG-301": "join_date",
    "REG-302": "join_date",
    "REG-303": "join_date",
    "REG-310": "occupation",
    "REG-404": "basic",
    "REG-405": "basic",
    "IDF-": "identity_number",
    "DATE-": "birth_date",
}
PERIOD_FIELDS = {
    "REGW-001": "identity_number",
    "REG-209": "join_date",
    "REG-210": "join_date",
    "REG-301": "join_date",
    "REG-302": "join_date",
    "REG-303": "join_date",
    "REG-304": "leave_date",
    "REG-308": "leave_date",
    "REG-309": "leave_reason",
    "REG-312": "leave_reason",
    "REG-310": "occupation",
    "REG-404": "basic",
    "REG-405": "basic",
}
TERMINATE_FIELDS = {
    "REG-304": "leave_date",
    "REG-305": "leave_date",
    "REG-308": "leave_date",
    "REG-309": "reason",
    "REG-312": "reason",
}
TRANSFER_FIELDS = {
    "REG-601": "target",
    "REG-602": "target",
    "REG-106": "target",
    "REG-603": "transfer_date",
    "REG-301": "transfer_date",
    "REG-302": "transfer_date",
    "REG-402": "transfer_date",
    "REG-403": "transfer_date",
}
LINE_FIELDS = {"REG-404": "basic", "REG-405": "basic", "REG-310": "occupation"}
MONTH_FIELDS = {"REG-401": "month", "REG-402": "month", "REG-403": "month", "REG-408": "month"}


def _field_for(code: str, fields: dict[str, str]) -> str | None:
    if code in fields:
        return fields[code]
    for prefix, name in fields.items():
        if prefix.endswith("-") and code.startswith(prefix):
            return name
    return None


def _refuse(form: Any, error: SimisError, fields: dict[str, str]) -> Refusal | None:
    """Puts the refusal on its field and returns None, or returns it for the top of the page."""
    name = _field_for(error.code, fields)
    if name and name in form.fields:
        form.add_error(name, ValidationError(f"{error.code}: {error.message}", code=error.code))
        return None
    return Refusal.of(error)


# --- Reference names ------------------------------------------------------------------------------


def _in_language(pair: tuple[str, str] | None, fallback: str = "") -> str:
    if pair is None:
        return fallback
    return pair[0] if (translation.get_language() or "ar").startswith("ar") else pair[1]


def occupation_name(code: str | None) -> str:
    return _in_language(reference_names("occupation").get(code or ""), code or "")


def country_name(code: str | None) -> str:
    return _in_language(reference_names("country").get(code or ""), code or "")


def sar(amount: Any) -> str:
    """An amount of riyals as the institution prints it in both languages: 12,500.00."""
    value = amount.amount if isinstance(amount, Money) else amount
    return f"{value:,.2f}"


def day_text(request: HttpRequest, day: date) -> str:
    """A day in both calendars for a message, the user's preferred one first."""
    hijri = format_hijri(day)
    gregorian = format_gregorian(day)
    if _requested_calendar(request) == "gregorian":
        return f"{gregorian} ({hijri})"
    return f"{hijri} ({gregorian})"


def _two_names(name_ar: str, name_en: str) -> tuple[str, str]:
    """(the name in the page's language, the name in the other)."""
    if (translation.get_language() or "ar").startswith("ar"):
        return name_ar or name_en, name_en if name_ar else ""
    return name_en or name_ar, name_ar if name_en else ""


STATUS_CLASSES = {
    EngagementStatus.ACTIVE: "active",
    EngagementStatus.TERMINATED: "terminated",
    EngagementStatus.PENDING_REVIEW: "pending",
}


# --- Reads the register's selectors do not offer yet ----------------------------------------------
# Each is limited to records the selectors already let the user see (an establishment from
# ``establishment_get``, period ids from ``contributor_periods``); see the issue note for the
# selectors that should replace them.


def _engagements_at(establishment: Establishment, ids: Iterable[int]) -> list[Engagement]:
    """The periods of an establishment the user may see, among ``ids``, in the order given."""
    wanted = [i for i in dict.fromkeys(ids) if i > 0][:MAX_LINES]
    found = {
        e.pk: e
        for e in Engagement.objects.filter(establishment=establishment, pk__in=wanted).select_related(
            "person", "establishment"
        )
    }
    return [found[i] for i in wanted if i in found]


def _engagement_visible(request: HttpRequest, pk: int) -> Engagement:
    engagement = (
        Engagement.objects.filter(pk=pk, establishment__in=selectors.establishments_visible(request.user))
        .select_related("person", "establishment")
        .first()
    )
    if engagement is None:
        raise Http404
    return engagement


def _last_wages(ids: Sequence[int]) -> dict[int, Wage]:
    rows = (
        Wage.objects.filter(engagement_id__in=list(ids))
        .order_by("engagement_id", "-effective_from")
        .distinct("engagement_id")
    )
    return {w.engagement_id: w for w in rows}


def _person_for_new_period(request: HttpRequest, number: str) -> Person | None:
    """The contributor holding this identity number, for an employer adding a period at an
    establishment it acts for (checked by the caller): a person who never worked there is not
    among ``persons_visible`` yet, but the employer holds their identity number."""
    person = selectors.person_by_identity(user=request.user, number=number)
    if person is not None:
        return person
    holder = PersonIdentity.objects.filter(number=number).select_related("person").order_by("pk").first()
    return holder.person if holder is not None else None


def _batches_of(establishment: Establishment) -> QuerySet[WageBatch]:
    return (
        WageBatch.objects.filter(establishment=establishment)
        .annotate(line_total=Count("lines"))
        .order_by("-month", "-pk")
    )


# --- Worker rows as pages show them ---------------------------------------------------------------


@dataclass(frozen=True)
class WorkerLine:
    engagement_id: int
    contributor_number: int
    name: str
    name_other: str
    nationality: str
    is_saudi: bool
    occupation: str
    join_date: date
    leave_date: date | None
    status: str
    status_label: str
    status_class: str
    url: str
    select_label: str


def _worker_lines(rows: Iterable[selectors.WorkerRow]) -> list[WorkerLine]:
    lines = []
    for row in rows:
        name, other = _two_names(row.name_ar, row.name_en)
        status = EngagementStatus(row.status)
        lines.append(
            WorkerLine(
                engagement_id=row.engagement_id,
                contributor_number=row.contributor_number,
                name=name,
                name_other=other,
                nationality=country_name(row.nationality),
                is_saudi=row.nationality == SAUDI,
                occupation=occupation_name(row.occupation),
                join_date=row.join_date,
                leave_date=row.leave_date,
                status=status.value,
                status_label=str(status.label),
                status_class=STATUS_CLASSES[status],
                url=reverse("registry:person", args=[row.contributor_number]),
                select_label=_("Select %(name)s") % {"name": name},
            )
        )
    return lines


def _non_saudi_page(
    establishment: Establishment,
    *,
    search: str,
    status: str | None,
    occupation: str | None,
    cursor: int | None,
    with_total: bool,
) -> selectors.WorkerPage:
    """``establishment_workers`` for non-Saudi workers, which the selector cannot filter yet
    (its nationality filter takes one country). Same keyset page, same rows."""
    matching = selectors.workers_matching(
        establishment, search=search, status=status, nationality=None, occupation=occupation
    ).exclude(person__nationality_id=SAUDI)
    values = list(selectors.workers_page_query(matching, cursor=cursor, size=PAGE_SIZE))
    more = len(values) > PAGE_SIZE
    rows = [
        selectors.WorkerRow(
            engagement_id=v["pk"],
            contributor_number=v["person__contributor_number"],
            name_ar=" ".join(
                p
                for p in (
                    v["person__first_name_ar"],
                    v["person__father_name_ar"],
                    v["person__family_name_ar"],
                )
                if p
            ),
            name_en=" ".join(
                p
                for p in (
                    v["person__first_name_en"],
                    v["person__father_name_en"],
                    v["person__family_name_en"],
                )
                if p
            ),
            nationality=v["person__nationality_id"],
            occupation=v["occupation_id"],
            join_date=v["join_date"],
            leave_date=v["leave_date"],
            status=v["status"],
        )
        for v in values[:PAGE_SIZE]
    ]
    return selectors.WorkerPage(
        rows=rows,
        next_cursor=rows[-1].engagement_id if more and rows else None,
        total=matching.count() if with_total else None,
    )


@dataclass
class Pager:
    page: int
    total: int | None
    next_query: str | None
    previous_query: str | None
    first_query: str | None


def _pager(
    base: QueryDict,
    cursor: int | None,
    trail: list[int],
    page: int,
    result: selectors.WorkerPage,
    total: int | None = None,
) -> Pager:
    """Links to the next, previous and first pages. Pages after the first carry the total counted
    on the first page (``total``), so a deep page costs what the first does without its count."""
    total = result.total if result.total is not None else total

    def query(**changes: Any) -> str:
        params = base.copy()
        for key in ("cursor", "trail", "page", "total"):
            params.pop(key, None)
        if changes and total is not None:
            changes["total"] = total
        for key, value in changes.items():
            if value is None or value == "" or (key == "page" and value == 1):
                continue
            params[key] = str(value)
        return params.urlencode()

    next_query = None
    if result.next_cursor is not None:
        next_trail = [*trail, cursor or 0][-TRAIL_LENGTH:]
        next_query = query(cursor=result.next_cursor, trail=",".join(map(str, next_trail)), page=page + 1)
    previous_query = None
    if page > 1:
        previous = trail[-1] if trail else 0
        if previous:
            previous_query = query(cursor=previous, trail=",".join(map(str, trail[:-1])), page=page - 1)
        else:
            # Page 1, or deeper than the trail remembers: back to the first page.
            previous_query = query()
    return Pager(
        page=page,
        total=total,
        next_query=next_query,
        previous_query=previous_query,
        first_query=query() if page > 2 else None,
    )


# --- Establishments: the employer's dashboard -----------------------------------------------------


@dataclass
class EstablishmentCard:
    establishment: Establishment
    active: int
    saudi: int
    non_saudi: int
    pending: int
    recent: list[WorkerLine]
    can_change: bool


def _counts(request: HttpRequest, establishment: Establishment, *, recent: int = 0) -> EstablishmentCard:
    def total(**filters: Any) -> int:
        page = selectors.establishment_workers(
            establishment, user=request.user, page_size=1, with_total=True, **filters
        )
        return page.total or 0

    active = total()
    saudi = total(nationality=SAUDI) if active else 0
    rows: list[WorkerLine] = []
    if recent:
        rows = _worker_lines(
            selectors.establishment_workers(
                establishment, user=request.user, status=None, page_size=recent
            ).rows
        )
    return EstablishmentCard(
        establishment=establishment,
        active=active,
        saudi=saudi,
        non_saudi=active - saudi,
        pending=total(status=EngagementStatus.PENDING_REVIEW),
        recent=rows,
        can_change=_can_change(request, establishment),
    )


@audiences(EMPLOYER_SIDE)
def home(request: HttpRequest) -> HttpResponse:
    """The establishments the employer user acts for, each with its workforce counts and latest
    registrations. Staff open any establishment by number."""
    search: EstablishmentSearchForm | None = None
    refusal: Refusal | None = None
    if _is_staff(request):
        search = EstablishmentSearchForm(request.GET or None)
        establishments: list[Establishment] = []
        if search.is_valid():
            found = selectors.establishment_get(user=request.user, number=search.cleaned_data["number"])
            if found is None:
                refusal = Refusal.of(
                    SimisError(RegistryWebError.NOT_FOUND, number=search.cleaned_data["number"])
                )
            else:
                establishments = [found]
    else:
        establishments = list(selectors.establishment_list(user=request.user)[: DASHBOARD_LIMIT + 1])
    more = len(establishments) > DASHBOARD_LIMIT
    cards = [_counts(request, e, recent=3) for e in establishments[:DASHBOARD_LIMIT]]
    return render(
        request,
        "registry/home.html",
        {"cards": cards, "more": more, "search": search, "refusal": refusal},
    )


@audiences(EMPLOYER_SIDE)
def workers_home(request: HttpRequest) -> HttpResponse:
    """The navigation's "Workers": the worker list of the user's (first) main establishment."""
    first = selectors.establishment_list(user=request.user).first() if not _is_staff(request) else None
    if first is None:
        return redirect("registry:home")
    return redirect("registry:workers", number=first.number)


@audiences(EMPLOYER_SIDE)
def establishment_detail(request: HttpRequest, number: str) -> HttpResponse:
    establishment = _establishment(request, number)
    main = establishment if establishment.is_main else establishment.parent
    members = selectors.establishment_group(establishment)
    visible = set(
        selectors.establishments_visible(request.user)
        .filter(pk__in=members.values("pk"))
        .values_list("pk", flat=True)
    )
    group = [e for e in members if e.pk in visible]
    return render(
        request,
        "registry/establishment.html",
        {
            "card": _counts(request, establishment, recent=8),
            "establishment": establishment,
            "can_change": _can_change(request, establishment),
            "main": main,
            "group": group,
            "batches": list(_batches_of(establishment)[:5]),
        },
    )


# --- Worker list ----------------------------------------------------------------------------------


def _group_choices(request: HttpRequest, establishment: Establishment) -> list[tuple[str, str]]:
    visible = set(
        selectors.establishments_visible(request.user)
        .filter(pk__in=selectors.establishment_group(establishment).values("pk"))
        .values_list("number", flat=True)
    )
    choices = []
    for e in selectors.establishment_group(establishment):
        if e.number in visible:
            choices.append((e.number, f"{e.name} · {e.number}"))
    return choices


@audiences(EMPLOYER_SIDE)
def workers(request: HttpRequest, number: str) -> HttpResponse:
    """The worker list: search, filters and keyset pages of 50; htmx swaps the results only."""
    establishment = _establishment(request, number)
    branches = _group_choices(request, establishment)
    data = request.GET.copy()
    data.setdefault("status", StatusFilter.ACTIVE)
    data.setdefault("branch", establishment.number)
    form = WorkerFilterForm(data, branches=branches)
    if not form.is_valid():
        # A tampered or stale link: start again from the first page with no filters.
        data = QueryDict(mutable=True)
        data.update({"status": StatusFilter.ACTIVE, "branch": establishment.number})
        form = WorkerFilterForm(data, branches=branches)
        form.is_valid()
    filters = form.cleaned_data
    listed = establishment
    if filters.get("branch") and filters["branch"] != establishment.number:
        listed = _establishment(request, filters["branch"])
    status = None if filters["status"] == StatusFilter.ALL else filters["status"] or EngagementStatus.ACTIVE
    cursor = filters.get("cursor")
    trail = filters.get("trail") or []
    page_number = filters.get("page") or (len(trail) + 1 if cursor else 1)
    carried_total = filters.get("total") if cursor else None
    count = carried_total is None
    if filters.get("nationality") == NationalityFilter.NON_SAUDI:
        result = _non_saudi_page(
            listed,
            search=filters["q"],
            status=status,
            occupation=filters.get("occupation") or None,
            cursor=cursor,
            with_total=count,
        )
    else:
        result = selectors.establishment_workers(
            listed,
            user=request.user,
            search=filters["q"],
            status=status,
            nationality=SAUDI if filters.get("nationality") == NationalityFilter.SAUDI else None,
            occupation=filters.get("occupation") or None,
            cursor=cursor,
            page_size=PAGE_SIZE,
            with_total=count,
        )
    context = {
        "establishment": establishment,
        "listed": listed,
        "form": form,
        "rows": _worker_lines(result.rows),
        "pager": _pager(data, cursor, trail, page_number, result, carried_total),
        "list_url": reverse("registry:workers", args=[establishment.number]),
        "filtered": bool(filters["q"] or filters.get("nationality") or filters.get("occupation")),
        "can_act": _can_change(request, listed),
        "can_change": _can_change(request, establishment),
    }
    return _render_partial_or_page(request, "registry/_worker_results.html", "registry/workers.html", context)


# --- REG-2: register a new contributor ------------------------------------------------------------


def _money(value: Any) -> Money:
    return Money(value if value is not None else 0)


def _wage_input(data: dict[str, Any]) -> WageInput:
    """The wage fields every registration, period and wage form shares."""
    return WageInput(
        basic=_money(data["basic"]),
        housing=_money(data["housing"]),
        other=_money(data["other"]),
        housing_in_kind=data["housing_in_kind"],
    )


@audiences(EMPLOYER_SIDE)
def contributor_new(request: HttpRequest, number: str) -> HttpResponse:
    establishment = _establishment(request, number)
    form = ContributorRegisterForm(request.POST or None)
    form.prefer_calendar(_requested_calendar(request))
    refusal: Refusal | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        identities = [IdentityInput(data["identity_kind"], data["identity_number"], data["identity_country"])]
        if data["passport_number"]:
            identities.append(IdentityInput("passport", data["passport_number"], ""))
        try:
            registration = contributor_register(
                actor=request.user,
                establishment=establishment,
                identities=identities,
                names=PersonNames(
                    first_ar=data["first_name_ar"],
                    father_ar=data["father_name_ar"],
                    grandfather_ar=data["grandfather_name_ar"],
                    family_ar=data["family_name_ar"],
                    first_en=data["first_name_en"],
                    father_en=data["father_name_en"],
                    grandfather_en=data["grandfather_name_en"],
                    family_en=data["family_name_en"],
                ),
                birth_date=data["birth_date"],
                birth_date_calendar=form.birth_date_calendar(),
                gender=data["gender"],
                nationality=data["nationality"],
                join_date=data["join_date"],
                occupation=data["occupation"],
                wage=_wage_input(data),
                mobile=data["mobile"],
                request=request,
            )
        except SimisError as error:
            refusal = _refuse(form, error, CONTRIBUTOR_FIELDS)
        else:
            person = registration.person
            if registration.engagement.status == EngagementStatus.PENDING_REVIEW:
                messages.warning(
                    request,
                    _(
                        "Contributor %(number)s %(name)s is registered. The registration came after the "
                        "deadline, so it waits for the institution's review."
                    )
                    % {"number": person.contributor_number, "name": person.full_name},
                )
            else:
                messages.success(
                    request,
                    _("Contributor %(number)s %(name)s is registered at establishment %(establishment)s.")
                    % {
                        "number": person.contributor_number,
                        "name": person.full_name,
                        "establishment": establishment.number,
                    },
                )
            return redirect("registry:person", contributor_number=person.contributor_number)
    return render(
        request,
        "registry/contributor_form.html",
        {"establishment": establishment, "form": form, "refusal": refusal},
        status=400 if request.method == "POST" else 200,
    )


# --- REG-3: add a period for a registered contributor; terminate a period --------------------------


@audiences(EMPLOYER_SIDE)
def period_new(request: HttpRequest, number: str) -> HttpResponse:
    establishment = _establishment(request, number)
    form = PeriodAddForm(request.POST or None, initial={"identity_number": request.GET.get("identity", "")})
    form.prefer_calendar(_requested_calendar(request))
    refusal: Refusal | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = _person_for_new_period(request, data["identity_number"])
            if person is None:
                raise SimisError(RegistryWebError.CONTRIBUTOR_NOT_FOUND, number=data["identity_number"])
            engagement_add(
                actor=request.user,
                person=person,
                establishment=establishment,
                join_date=data["join_date"],
                occupation=data["occupation"],
                wage=_wage_input(data),
                leave_date=data["leave_date"],
                leave_reason=data["leave_reason"] or None,
                request=request,
            )
        except SimisError as error:
            refusal = _refuse(form, error, PERIOD_FIELDS)
        else:
            messages.success(
                request,
                _(
                    "A contribution period at establishment %(establishment)s is added for contributor "
                    "%(number)s %(name)s."
                )
                % {
                    "establishment": establishment.number,
                    "number": person.contributor_number,
                    "name": person.full_name,
                },
            )
            return redirect("registry:person", contributor_number=person.contributor_number)
    return render(
        request,
        "registry/period_form.html",
        {"establishment": establishment, "form": form, "refusal": refusal},
        status=400 if request.method == "POST" else 200,
    )


@audiences(EMPLOYER_SIDE)
def period_lookup(request: HttpRequest, number: str) -> HttpResponse:
    """htmx: who holds the identity number typed in the add-period form."""
    _establishment(request, number)
    key = normalise_identifier(request.GET.get("identity_number", ""))[:20]
    searched = len(key) >= 6
    person = _person_for_new_period(request, key) if searched else None
    return render(request, "registry/_person_found.html", {"person": person, "searched": searched})


@audiences(EMPLOYER_SIDE)
def period_terminate(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _engagement_visible(request, pk)
    form = TerminateForm(request.POST or None)
    form.prefer_calendar(_requested_calendar(request))
    refusal: Refusal | None = None
    if request.method == "POST" and form.is_valid():
        try:
            ended = engagement_terminate(
                actor=request.user,
                engagement=engagement,
                leave_date=form.cleaned_data["leave_date"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except SimisError as error:
            refusal = _refuse(form, error, TERMINATE_FIELDS)
        else:
            if ended.status == EngagementStatus.PENDING_REVIEW:
                messages.warning(
                    request,
                    _(
                        "The period is terminated. The termination came after the deadline, so it waits "
                        "for review."
                    ),
                )
            else:
                messages.success(
                    request,
                    _("The contribution period of %(name)s at establishment %(establishment)s is terminated.")
                    % {"name": engagement.person.full_name, "establishment": engagement.establishment.number},
                )
            return redirect("registry:person", contributor_number=engagement.person.contributor_number)
    return render(
        request,
        "registry/terminate_form.html",
        {
            "engagement": engagement,
            "form": form,
            "refusal": refusal,
            "wage": _last_wages([engagement.pk]).get(engagement.pk),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- REG-6: transfer to another branch of the same main --------------------------------------------


@audiences(EMPLOYER_SIDE)
def period_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _engagement_visible(request, pk)
    targets = [
        choice
        for choice in _group_choices(request, engagement.establishment)
        if choice[0] != engagement.establishment.number
    ]
    form = TransferForm(request.POST or None, targets=targets)
    form.prefer_calendar(_requested_calendar(request))
    refusal = None if targets else Refusal.of(SimisError(RegistryWebError.NO_TRANSFER_TARGET))
    if request.method == "POST" and targets and form.is_valid():
        target = _establishment(request, form.cleaned_data["target"])
        try:
            moved = contributor_transfer(
                actor=request.user,
                engagement=engagement,
                target=target,
                transfer_date=form.cleaned_data["transfer_date"],
                request=request,
            )
        except SimisError as error:
            refusal = _refuse(form, error, TRANSFER_FIELDS)
        else:
            messages.success(
                request,
                _("%(name)s is transferred to establishment %(establishment)s from %(date)s.")
                % {
                    "name": engagement.person.full_name,
                    "establishment": f"{target.number} {target.name}",
                    "date": day_text(request, moved.join_date),
                },
            )
            return redirect("registry:person", contributor_number=engagement.person.contributor_number)
    return render(
        request,
        "registry/transfer_form.html",
        {"engagement": engagement, "form": form, "refusal": refusal},
        status=400 if request.method == "POST" else 200,
    )


# --- REG-4 and REG-5: wage changes and batches ----------------------------------------------------


@dataclass
class WageRow:
    """One line of the wage-change table: the worker, their wage now, and the line's form."""

    engagement: Engagement
    name: str
    current: Wage | None
    form: Any

    def _now(self, part: str) -> str:
        return sar(getattr(self.current, part)) if self.current is not None else ""

    @property
    def current_basic(self) -> str:
        return self._now("basic")

    @property
    def current_housing(self) -> str:
        return self._now("housing")

    @property
    def current_other(self) -> str:
        return self._now("other")

    @property
    def current_occupation(self) -> str:
        return occupation_name(self.engagement.occupation_id)


def _selected_ids(request: HttpRequest) -> list[int]:
    return [int(v) for v in request.GET.getlist("engagement") if v.isdigit()]


def _wage_initial(engagements: Sequence[Engagement]) -> list[dict[str, Any]]:
    current = _last_wages([e.pk for e in engagements])
    initial = []
    for engagement in engagements:
        wage = current.get(engagement.pk)
        initial.append(
            {
                "engagement": engagement.pk,
                "basic": wage.basic.amount if wage else None,
                "housing": wage.housing.amount if wage else 0,
                "other": wage.other.amount if wage else 0,
                "housing_in_kind": wage.housing_in_kind if wage else False,
            }
        )
    return initial


def _wage_rows(formset: Any, engagements: dict[int, Engagement]) -> list[WageRow]:
    current = _last_wages(list(engagements))
    rows = []
    for line in formset.forms:
        raw = line["engagement"].value()
        engagement = engagements.get(int(raw)) if str(raw).isdigit() else None
        if engagement is None:
            continue
        rows.append(WageRow(engagement, engagement.person.full_name, current.get(engagement.pk), line))
    return rows


def _lines_from(formset: Any, engagements: dict[int, Engagement]) -> list[WageLine]:
    lines = []
    for line in formset.forms:
        if formset.can_delete and line.cleaned_data.get("DELETE"):
            continue
        data = line.cleaned_data
        lines.append(
            WageLine(
                engagement=engagements[data["engagement"]],
                wage=_wage_input(data),
                occupation=data.get("occupation") or None,
            )
        )
    return lines


def _kept_forms(formset: Any) -> list[Any]:
    return [f for f in formset.forms if not (formset.can_delete and f.cleaned_data.get("DELETE"))]


def _refuse_lines(formset: Any, header: Any, error: SimisError) -> Refusal | None:
    """A multi-line refusal: each refused line's error on its row; the summary at the top."""
    if isinstance(error, RegistryLinesError):
        kept = _kept_forms(formset)
        for item in error.line_errors:
            if not 0 < item.line <= len(kept):
                continue
            line = kept[item.line - 1]
            if _refuse(line, item.error, LINE_FIELDS) is not None:
                line.add_error(
                    None, ValidationError(f"{item.error.code}: {item.error.message}", code=item.error.code)
                )
        return Refusal.of(error)
    return _refuse(header, error, MONTH_FIELDS)


def _posted_engagements(request: HttpRequest, establishment: Establishment) -> dict[int, Engagement]:
    ids = []
    prefix = "form"
    total = request.POST.get(f"{prefix}-TOTAL_FORMS", "0")
    for index in range(min(int(total) if total.isdigit() else 0, MAX_LINES)):
        value = request.POST.get(f"{prefix}-{index}-engagement", "")
        if value.isdigit():
            ids.append(int(value))
    return {e.pk: e for e in _engagements_at(establishment, ids)}


def _unknown_line(formset: Any, engagements: dict[int, Engagement]) -> Refusal | None:
    """REGW-003 for a posted line whose period is not one of this establishment's workers (the
    line is not shown: the period may belong to someone the user may not see)."""
    for line in formset.forms:
        pk = line.cleaned_data.get("engagement")
        if pk not in engagements:
            return Refusal.of(SimisError(RegistryWebError.WORKER_NOT_FOUND, engagement=pk))
    return None


@audiences(EMPLOYER_SIDE)
def wage_change_view(request: HttpRequest, number: str) -> HttpResponse:
    """REG-4: new wages (and occupations) for the workers selected on the worker list."""
    establishment = _establishment(request, number)
    refusal: Refusal | None = None
    if request.method == "POST":
        engagements = _posted_engagements(request, establishment)
        header = WageChangeForm(request.POST)
        formset = WageLineFormSet(request.POST)
        header.prefer_calendar(_requested_calendar(request))
        if header.is_valid() and formset.is_valid():
            refusal = _unknown_line(formset, engagements)
        if refusal is None and header.is_valid() and formset.is_valid():
            try:
                wages = wage_change(
                    actor=request.user,
                    establishment=establishment,
                    month=header.cleaned_data["month"],
                    lines=_lines_from(formset, engagements),
                    request=request,
                )
            except SimisError as error:
                refusal = _refuse_lines(formset, header, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "The wage of %(count)d worker changes from %(month)s.",
                        "The wages of %(count)d workers change from %(month)s.",
                        len(wages),
                    )
                    % {
                        "count": len(wages),
                        "month": day_text(request, month_start(header.cleaned_data["month"])),
                    },
                )
                return redirect("registry:workers", number=establishment.number)
    else:
        selected = _engagements_at(establishment, _selected_ids(request))
        engagements = {e.pk: e for e in selected}
        header = WageChangeForm(initial={"month": month_start(timezone.localdate())})
        header.prefer_calendar(_requested_calendar(request))
        formset = WageLineFormSet(initial=_wage_initial(selected))
        if not selected:
            refusal = Refusal.of(SimisError(RegistryWebError.NO_WORKERS_SELECTED))
    return render(
        request,
        "registry/wage_change_form.html",
        {
            "establishment": establishment,
            "header": header,
            "formset": formset,
            "rows": _wage_rows(formset, engagements),
            "refusal": refusal,
            "batch": None,
        },
        status=400 if request.method == "POST" else 200,
    )


def _declared(form: BatchSummaryForm) -> BatchSummary:
    data = form.cleaned_data
    return BatchSummary(
        line_count=data["declared_line_count"],
        total_basic=_money(data["declared_total_basic"]),
        total_housing=_money(data["declared_total_housing"]),
        total_contributory=_money(data["declared_total_contributory"]),
    )


@dataclass(frozen=True)
class SummaryDifference:
    label: str
    declared: str
    counted: str
    difference: str


def _differences(refusal: Refusal | None) -> list[SummaryDifference]:
    """REG-501's figures as a table: declared, counted and the difference of each total."""
    if refusal is None or refusal.code != RegistryError.SUMMARY_MISMATCH.code:
        return []
    p = refusal.params
    lines_difference = int(p["declared_lines"]) - int(p["lines"])
    return [
        SummaryDifference(
            _("Number of workers"), str(p["declared_lines"]), str(p["lines"]), str(lines_difference)
        ),
        SummaryDifference(_("Total basic wages"), p["declared_basic"], p["basic"], p["basic_difference"]),
        SummaryDifference(
            _("Total housing allowances"), p["declared_housing"], p["housing"], p["housing_difference"]
        ),
        SummaryDifference(
            _("Total contributory wages"),
            p["declared_contributory"],
            p["contributory"],
            p["contributory_difference"],
        ),
    ]


@audiences(EMPLOYER_SIDE)
def batch_list(request: HttpRequest, number: str) -> HttpResponse:
    establishment = _establishment(request, number)
    batches = [
        {
            "pk": b.pk,
            "month": b.month,
            "reference": b.reference,
            "lines": b.line_total,  # type: ignore[attr-defined]
            "basic": sar(b.declared_total_basic),
            "contributory": sar(b.declared_total_contributory),
            "amendments": b.amendment_count,
        }
        for b in _batches_of(establishment)[:100]
    ]
    return render(
        request,
        "registry/batch_list.html",
        {
            "establishment": establishment,
            "batches": batches,
            "can_change": _can_change(request, establishment),
        },
    )


@audiences(EMPLOYER_SIDE)
def batch_new(request: HttpRequest, number: str) -> HttpResponse:
    """REG-5: the selected workers' new wages with the summary the employer declares."""
    establishment = _establishment(request, number)
    refusal: Refusal | None = None
    if request.method == "POST":
        engagements = _posted_engagements(request, establishment)
        header = BatchSummaryForm(request.POST)
        formset = WageLineFormSet(request.POST)
        header.prefer_calendar(_requested_calendar(request))
        if header.is_valid() and formset.is_valid():
            refusal = _unknown_line(formset, engagements)
        if refusal is None and header.is_valid() and formset.is_valid():
            try:
                batch = wage_batch_register(
                    actor=request.user,
                    establishment=establishment,
                    month=header.cleaned_data["month"],
                    lines=_lines_from(formset, engagements),
                    declared=_declared(header),
                    reference=header.cleaned_data["reference"],
                    request=request,
                )
            except SimisError as error:
                refusal = _refuse_lines(formset, header, error)
            else:
                messages.success(
                    request,
                    _("Wage-change batch %(batch)s for %(month)s is registered with %(count)s workers.")
                    % {
                        "batch": batch.pk,
                        "month": batch.month.isoformat(),
                        "count": batch.declared_line_count,
                    },
                )
                return redirect("registry:batches", number=establishment.number)
    else:
        selected = _engagements_at(establishment, _selected_ids(request))
        engagements = {e.pk: e for e in selected}
        header = BatchSummaryForm(initial={"month": month_start(timezone.localdate())})
        header.prefer_calendar(_requested_calendar(request))
        formset = WageLineFormSet(initial=_wage_initial(selected))
        if not selected:
            refusal = Refusal.of(SimisError(RegistryWebError.NO_WORKERS_SELECTED))
    return render(
        request,
        "registry/wage_change_form.html",
        {
            "establishment": establishment,
            "header": header,
            "formset": formset,
            "rows": _wage_rows(formset, engagements),
            "refusal": refusal,
            "differences": _differences(refusal),
            "batch": "new",
        },
        status=400 if request.method == "POST" else 200,
    )


@audiences(EMPLOYER_SIDE)
def batch_amend(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """REG-5: a registered batch's lines and declared summary, replaced."""
    establishment = _establishment(request, number)
    batch = _batches_of(establishment).filter(pk=pk).first()
    if batch is None:
        raise Http404
    refusal: Refusal | None = None
    if request.method == "POST":
        engagements = _posted_engagements(request, establishment)
        header = BatchSummaryForm(request.POST)
        formset = BatchLineFormSet(request.POST)
        header.prefer_calendar(_requested_calendar(request))
        if header.is_valid() and formset.is_valid():
            refusal = _unknown_line(formset, engagements)
        if refusal is None and header.is_valid() and formset.is_valid():
            try:
                wage_batch_amend(
                    actor=request.user,
                    batch=batch,
                    lines=_lines_from(formset, engagements),
                    declared=_declared(header),
                    request=request,
                )
            except SimisError as error:
                refusal = _refuse_lines(formset, header, error)
            else:
                messages.success(request, _("Wage-change batch %(batch)s is amended.") % {"batch": batch.pk})
                return redirect("registry:batches", number=establishment.number)
    else:
        lines = list(batch.lines.select_related("engagement", "engagement__person").order_by("pk"))
        engagements = {w.engagement_id: w.engagement for w in lines}
        header = BatchSummaryForm(
            initial={
                "month": batch.month,
                "reference": batch.reference,
                "declared_line_count": batch.declared_line_count,
                "declared_total_basic": batch.declared_total_basic.amount,
                "declared_total_housing": batch.declared_total_housing.amount,
                "declared_total_contributory": batch.declared_total_contributory.amount,
            }
        )
        header.prefer_calendar(_requested_calendar(request))
        formset = BatchLineFormSet(
            initial=[
                {
                    "engagement": w.engagement_id,
                    "basic": w.basic.amount,
                    "housing": w.housing.amount,
                    "other": w.other.amount,
                    "housing_in_kind": w.housing_in_kind,
                    "occupation": w.occupation_id or "",
                }
                for w in lines
            ]
        )
    return render(
        request,
        "registry/wage_change_form.html",
        {
            "establishment": establishment,
            "header": header,
            "formset": formset,
            "rows": _wage_rows(formset, engagements),
            "refusal": refusal,
            "differences": _differences(refusal),
            "batch": batch,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- A contributor's history (employer, staff, the contributor) -----------------------------------


@dataclass
class PeriodCard:
    view: selectors.PeriodView
    establishment_name: str
    status_label: str
    status_class: str
    leave_reason: str
    occupation: str
    review_reason: str
    disputed_from: date | None
    disputed_until: date | None
    wages: list[dict[str, Any]]
    events: list[dict[str, Any]]
    can_act: bool


def _period_cards(
    request: HttpRequest, person: Person, periods: list[selectors.PeriodView]
) -> list[PeriodCard]:
    details = {
        e.pk: e
        for e in Engagement.objects.filter(pk__in=[p.engagement_id for p in periods]).select_related(
            "establishment"
        )
    }
    acting = getattr(request.user, "audience", "") in EMPLOYER_SIDE
    show_actor = _is_staff(request)
    # The first registration is recorded on the person; it belongs with the period it opened.
    registered: dict[int, list[Any]] = {}
    for entry in audit_entries_for(person).filter(action=RegistryAction.CONTRIBUTOR_REGISTERED):
        opened = (entry.after or {}).get("engagement", {}).get("id")
        if isinstance(opened, int):
            registered.setdefault(opened, []).append(entry)

    def event(entry: Any) -> dict[str, Any]:
        return {
            "at": entry.occurred_at,
            "label": action_label(entry.action),
            "outcome": entry.outcome,
            "actor": entry.actor_label if show_actor else "",
        }

    cards = []
    for period in reversed(periods):
        engagement = details[period.engagement_id]
        status = EngagementStatus(period.status)
        wages = [
            {
                "effective_from": w.effective_from,
                "basic": sar(w.basic),
                "housing": sar(w.housing),
                "other": sar(w.other),
                "contributory": sar(w.contributory_wage),
                "occupation": occupation_name(w.occupation) if w.occupation else "",
            }
            for w in reversed(period.wages)
        ]
        entries = [*registered.get(engagement.pk, []), *audit_entries_for(engagement)[:20]]
        events = [event(e) for e in sorted(entries, key=lambda e: e.pk)]
        cards.append(
            PeriodCard(
                view=period,
                establishment_name=_two_names(period.establishment_name_ar, period.establishment_name_en)[0],
                status_label=str(status.label),
                status_class=STATUS_CLASSES[status],
                leave_reason=str(LeaveReason(period.leave_reason).label) if period.leave_reason else "",
                occupation=occupation_name(period.occupation),
                review_reason=str(ReviewReason(engagement.review_reason).label)
                if engagement.review_reason
                else "",
                disputed_from=engagement.disputed_from,
                disputed_until=engagement.disputed_until,
                wages=wages,
                events=events,
                can_act=acting
                and status == EngagementStatus.ACTIVE
                and _can_change(request, engagement.establishment),
            )
        )
    return cards


def _person_page(request: HttpRequest, person: Person, *, own: bool) -> HttpResponse:
    try:
        periods = selectors.contributor_periods(person, user=request.user)
    except SimisError:
        raise Http404 from None
    name, name_other = _two_names(person.full_name_ar, person.full_name_en)
    registered = audit_entries_for(person).order_by("id").first()
    return render(
        request,
        "registry/person.html",
        {
            "person": person,
            "name": name,
            "name_other": name_other,
            "nationality": country_name(person.nationality_id),
            "identities": list(person.identities.order_by("kind")),
            "cards": _period_cards(request, person, periods),
            "own": own,
            "registered_entry": registered,
            "pending": sum(1 for p in periods if p.status == EngagementStatus.PENDING_REVIEW),
        },
    )


@audiences({Audience.EMPLOYER, Audience.STAFF, Audience.CONTRIBUTOR})
def person_detail(request: HttpRequest, contributor_number: int) -> HttpResponse:
    """A contributor's periods, wage history and status changes, as far as the user may see
    them: staff all; an employer the periods at its establishments; the contributor their own."""
    person = selectors.person_by_contributor_number(user=request.user, contributor_number=contributor_number)
    if person is None:
        raise Http404
    return _person_page(request, person, own=getattr(request.user, "audience", "") == Audience.CONTRIBUTOR)


@audiences({Audience.CONTRIBUTOR})
def my_periods(request: HttpRequest) -> HttpResponse:
    """ANN-5: the signed-in insured person's own contribution periods."""
    person = selectors.person_own(user=request.user)
    if person is None:
        return render(request, "registry/not_linked.html")
    return _person_page(request, person, own=True)


@audiences({Audience.STAFF})
def contributor_search(request: HttpRequest) -> HttpResponse:
    """Staff: open a contributor's history by identity or contributor number."""
    form = ContributorSearchForm(request.GET or None)
    refusal = None
    if form.is_valid():
        key = form.cleaned_data["number"]
        person = selectors.person_by_identity(user=request.user, number=key)
        if person is None and key.isdigit() and len(key) <= 18:
            person = selectors.person_by_contributor_number(user=request.user, contributor_number=int(key))
        if person is not None:
            return redirect("registry:person", contributor_number=person.contributor_number)
        refusal = Refusal.of(SimisError(RegistryWebError.NOT_FOUND, number=key))
    return render(request, "registry/contributor_search.html", {"form": form, "refusal": refusal})


# --- GOV-1: government inquiries ------------------------------------------------------------------


@audiences(GOVERNMENT_SIDE)
def inquiries(request: HttpRequest) -> HttpResponse:
    """A government agency's inquiry: a person by identity number, an employer by establishment
    or 700 number, or an employer's registered workers (keyset pages). Nothing is looked up
    without a stated purpose."""
    asked = bool(request.GET.get("number") or request.GET.get("purpose"))
    form = InquiryForm(
        request.GET if asked else None, initial={"kind": request.GET.get("kind") or InquiryKind.PERSON}
    )
    context: dict[str, Any] = {
        "form": form,
        "kind": request.GET.get("kind") or InquiryKind.PERSON,
        "rows": None,
    }
    status = 200
    if asked and not form.is_valid():
        if form.has_error("purpose") or form.has_error("purpose_detail"):
            context["refusal"] = Refusal.of(SimisError(RegistryWebError.PURPOSE_REQUIRED))
        status = 400
    elif asked:
        data = form.cleaned_data
        context["kind"] = data["kind"]
        try:
            if data["kind"] == InquiryKind.PERSON:
                context.update(_inquiry_person(request, data))
            else:
                context.update(_inquiry_establishment(request, data))
            _inquiry_record(request, data, context)
        except SimisError as error:
            context["refusal"] = Refusal.of(error)
            status = 403
    if _is_htmx(request) and context.get("kind") == InquiryKind.WORKERS and context["rows"] is not None:
        return _render_partial_or_page(
            request, "registry/_gov_workers.html", "registry/inquiries.html", context, status
        )
    return render(request, "registry/inquiries.html", context, status=status)


def _inquiry_record(request: HttpRequest, data: dict[str, Any], context: dict[str, Any]) -> None:
    """GOV-1: the look-up, its stated purpose and what it showed go to the audit log."""
    person = context.get("person")
    establishment = context.get("establishment")
    shown: dict[str, Any] = {}
    if person is not None:
        shown["contributor_number"] = person.contributor_number
        shown["periods"] = [card.view.engagement_id for card in context.get("cards", [])]
    if establishment is not None:
        shown["establishment"] = establishment.number
    if context.get("rows") is not None:
        shown["contributor_numbers"] = [line.contributor_number for line in context["rows"]]
    services.government_lookup_record(
        actor=request.user,
        purpose=f"{data['purpose']}: {data['purpose_detail']}",
        query={"kind": str(data["kind"]), "number": data["number"], "cursor": request.GET.get("cursor", "")},
        shown=shown,
        subject=person or establishment,
        request=request,
    )


def _inquiry_person(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    person = selectors.government_person_lookup(user=request.user, number=data["number"])
    if person is None:
        return {"refusal": Refusal.of(SimisError(RegistryWebError.NOT_FOUND, number=data["number"]))}
    name, name_other = _two_names(person.full_name_ar, person.full_name_en)
    periods = selectors.government_contributor_periods(person, user=request.user)
    return {
        "person": person,
        "name": name,
        "name_other": name_other,
        "nationality": country_name(person.nationality_id),
        "identities": list(person.identities.order_by("kind")),
        "cards": _period_cards(request, person, periods),
    }


def _inquiry_establishment(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    establishment = selectors.government_establishment_lookup(user=request.user, number=data["number"])
    if establishment is None:
        return {"refusal": Refusal.of(SimisError(RegistryWebError.NOT_FOUND, number=data["number"]))}
    context: dict[str, Any] = {"establishment": establishment}
    base = request.GET.copy()
    base["kind"] = InquiryKind.WORKERS
    base["number"] = establishment.number
    for key in ("cursor", "trail", "page"):
        base.pop(key, None)
    context["workers_query"] = base.urlencode()
    if data["kind"] == InquiryKind.WORKERS:
        cursor_text = request.GET.get("cursor", "")
        cursor = int(cursor_text) if cursor_text.isdigit() else None
        trail = [int(p) for p in request.GET.get("trail", "").split(",") if p.isdigit()]
        page_text = request.GET.get("page", "")
        page = int(page_text) if page_text.isdigit() and int(page_text) > 0 else 1
        total_text = request.GET.get("total", "")
        carried = int(total_text) if cursor and total_text.isdigit() else None
        result = selectors.government_establishment_workers(
            establishment, user=request.user, cursor=cursor, page_size=PAGE_SIZE, with_total=carried is None
        )
        context["rows"] = _worker_lines(result.rows)
        context["pager"] = _pager(request.GET.copy(), cursor, trail, page, result, carried)
    return context
