"""The registry's signed web services (CH-3 for REG-1…REG-6, the ANN-5 reads, GOV-1).

Two routers, mounted by ``RegistryConfig.ready()`` through ``simis.api.public.register_router``,
so every call passes the partner gateway first (RFC 9421 signature, Idempotency-Key on writes,
signed answers):

* ``/api/v1/registry/…`` for employers' payroll systems (``Partner.kind`` employer_system). The
  partner's organisation key is its establishment number: it acts for that establishment and,
  when it is a main establishment, for its branches — the scope an employer user bound to it has
  on the portal. Any other establishment, period, contributor or batch is answered as not found
  (REGAPI-1xx, 404): the partner cannot tell "not yours" from "does not exist".
* ``/api/v1/gov/…`` for government agencies (kind agency), GOV-1. Every call names its purpose
  and is recorded in the audit log with it, refused calls included.

Endpoints are thin: check the partner's scope, convert dates and money, call one registry
service, shape its answer. A ``SimisError`` becomes a ``RefusalOut`` answer: 404 not found,
403 not this partner's kind of service, 422 a business refusal (REG-xxx, with every refused
line for multi-line requests), 400 a query that cannot be answered (no purpose, bad cursor).

Partners are not users, while the registry's services and selectors take the acting user.
Until they accept a partner, endpoints do the partner's scope check themselves, call the services
as the system (``actor=None``), and record the partner in an audit entry of their own inside the
same transaction (``registry.partner_request``); reads use the selectors that take no user
(``workers_matching``, ``workers_page_query``, ``establishment_group``) and read the models.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status

from simis.api.public import ApiCaller, PartnerKind, api_caller, register_router
from simis.audit.public import audit_record
from simis.core.dates import Calendar, parse_date_input
from simis.core.errors import ErrorCatalogue, ParameterError, SimisError
from simis.core.identifiers import IdentityKind, normalise_identifier
from simis.core.money import Money
from simis.identity.public import IdentityError
from simis.registry.actions import RegistryAction
from simis.registry.api_schemas import (
    BatchSummaryIn,
    BranchIn,
    ContributorIn,
    ContributorOut,
    EstablishmentOut,
    PeriodAddIn,
    PeriodOut,
    RefusalOut,
    RegistrationOut,
    TerminateIn,
    TransferIn,
    TransferOut,
    WageBatchAmendIn,
    WageBatchIn,
    WageBatchOut,
    WageChangeIn,
    WageChangeOut,
    WageIn,
    WageLineIn,
    WorkerPageOut,
    WorkerQuery,
)
from simis.registry.choices import EngagementStatus
from simis.registry.errors import LineError, RegistryError, RegistryLinesError
from simis.registry.models import Engagement, Establishment, Person, Wage, WageBatch
from simis.registry.rules import BatchSummary
from simis.registry.selectors import MAX_PAGE_SIZE, establishment_group, workers_matching, workers_page_query
from simis.registry.services import (
    IdentityInput,
    PersonNames,
    WageInput,
    WageLine,
    contributor_register,
    contributor_transfer,
    engagement_add,
    engagement_terminate,
    establishment_branch_add,
    wage_batch_amend,
    wage_batch_register,
    wage_change,
)

# --- Coded refusals of the web services themselves ------------------------------------------------


class RegistryApiError(ErrorCatalogue):
    """Refusals that only the web services give (the registry's own are REG-xxx). Each member
    carries the HTTP status it is answered with."""

    def __init__(self, code: str, message: Any, status: int = 400) -> None:
        super().__init__(code, message)
        self.status = status

    # --- Who may call ---
    PURPOSE_REQUIRED = (
        "REGAPI-001",
        _(
            "State the purpose of this lookup in the purpose parameter (%(minimum)s to %(maximum)s "
            "characters): every government lookup is recorded with its purpose."
        ),
        400,
    )
    EMPLOYER_SYSTEMS_ONLY = (
        "REGAPI-002",
        _("This web service is for employers' systems; partner %(partner)s is not one."),
        403,
    )
    AGENCIES_ONLY = (
        "REGAPI-003",
        _("This web service is for government agencies; partner %(partner)s is not one."),
        403,
    )
    PARTNER_WITHOUT_ESTABLISHMENT = (
        "REGAPI-004",
        _(
            "Partner %(partner)s is not linked to a registered establishment. Ask the institution to "
            "correct the partner's organisation key."
        ),
        403,
    )
    # --- Not found (or not the partner's) ---
    ESTABLISHMENT_NOT_FOUND = (
        "REGAPI-101",
        _("No establishment %(number)s was found among the establishments you act for."),
        404,
    )
    CONTRIBUTOR_NOT_FOUND = (
        "REGAPI-102",
        _("No contributor %(key)s was found among the workers of the establishments you act for."),
        404,
    )
    IDENTITY_NOT_REGISTERED = (
        "REGAPI-103",
        _(
            "No contributor is registered with the identity number %(number)s. Register the person as a "
            "new contributor."
        ),
        404,
    )
    PERIOD_NOT_FOUND = (
        "REGAPI-104",
        _("No contribution period %(period)s was found at the establishments you act for."),
        404,
    )
    BATCH_NOT_FOUND = (
        "REGAPI-105",
        _("No wage-change batch %(batch)s was found at the establishments you act for."),
        404,
    )
    PERSON_NOT_FOUND = (
        "REGAPI-106",
        _("No contributor is registered with the identity number %(number)s."),
        404,
    )
    REGISTERED_ESTABLISHMENT_NOT_FOUND = (
        "REGAPI-107",
        _("No establishment is registered under the number %(number)s."),
        404,
    )
    # --- Queries that cannot be answered ---
    CURSOR_INVALID = (
        "REGAPI-201",
        _(
            "The cursor %(value)s was not given by this service: pass next_cursor of the previous page "
            "as it was."
        ),
        400,
    )
    IDENTITY_REQUIRED = (
        "REGAPI-202",
        _("Give the identity number to look up in the identity parameter."),
        400,
    )


class RegistryApiAction(models.TextChoices):
    """What the web services add to the audit log (the services record the changes themselves)."""

    PARTNER_REQUEST = "registry.partner_request", _("Registration web service called by a partner system")


# --- Answers --------------------------------------------------------------------------------------

# Every status a refusal of these services can have, for the OpenAPI document.
REFUSED = frozenset({400, 401, 403, 404, 409, 422})

_FORBIDDEN = frozenset(
    {RegistryError.GOVERNMENT_ONLY, RegistryError.STAFF_ONLY, RegistryError.REGISTRANT_NOT_ALLOWED}
)


def refusal_status(error: SimisError) -> int:
    """404 not found (an out-of-scope record is not found either), 403 not for this caller,
    503 when the law parameters are not loaded (a retry may succeed, so it is not stored as the
    answer to the Idempotency-Key), 422 for every other refusal: the request was understood and
    the register's rules refuse it."""
    member = error.error
    if isinstance(member, RegistryApiError):
        return member.status
    if member is IdentityError.OUT_OF_SCOPE:
        return 404
    if member in _FORBIDDEN:
        return 403
    if member is ParameterError.NOT_LOADED:
        return 503
    return 422


def _plain(params: dict[str, Any]) -> dict[str, str]:
    return {key: str(value) for key, value in params.items()}


def refusal_body(error: SimisError) -> dict[str, Any]:
    """``{code, message, message_ar, message_en, params}``, and ``lines`` — each refused line
    with its own code — when a multi-line request was refused."""
    body: dict[str, Any] = {**error.as_dict(), "params": _plain(error.params)}
    if isinstance(error, RegistryLinesError):
        body["lines"] = [
            {**item.as_dict(), "params": _plain(item.error.params)} for item in error.line_errors
        ]
    return body


def refusal_response(error: SimisError) -> JsonResponse:
    return JsonResponse(
        refusal_body(error), status=refusal_status(error), json_dumps_params={"ensure_ascii": False}
    )


PURPOSE_MIN_LENGTH = 3
PURPOSE_MAX_LENGTH = 500


def _purpose(request: HttpRequest) -> str:
    return " ".join(str(request.GET.get("purpose", "")).split())


def _result_summary(result: Any) -> dict[str, Any]:
    """Which records an answer named, for its audit entry."""
    body = result.value if isinstance(result, Status) else result
    if not isinstance(body, dict):
        return {}
    summary: dict[str, Any] = {
        key: body[key] for key in ("contributor_number", "period_id", "batch_id", "number") if key in body
    }
    for nested in ("period", "opened"):
        if isinstance(body.get(nested), dict):
            summary["period_id"] = body[nested]["period_id"]
    if "workers" in body:
        summary["contributor_numbers"] = [row["contributor_number"] for row in body["workers"]]
    if "wages" in body:
        summary["period_ids"] = [row["period_id"] for row in body["wages"]]
    return summary


def call_record(
    request: HttpRequest,
    *,
    operation: str,
    action: RegistryApiAction | RegistryAction,
    error: SimisError | None = None,
    result: Any = None,
    subject: models.Model | None = None,
) -> None:
    """The partner's call in the audit log: who (partner, key id), what (operation, path,
    Idempotency-Key), with which outcome, and — for a government lookup — why (the purpose)."""
    caller = api_caller(request)
    extra: dict[str, Any] = {
        "operation": operation,
        "partner": caller.partner_code,
        "partner_kind": caller.kind,
        "keyid": caller.keyid,
        "method": request.method,
        "path": request.path,
    }
    if request.method != "GET":
        extra["idempotency_key"] = request.headers.get("Idempotency-Key", "")
    if action == RegistryAction.GOVERNMENT_LOOKUP:
        extra["purpose"] = _purpose(request)[:PURPOSE_MAX_LENGTH]
        extra["query"] = {key: value for key, value in request.GET.items() if key != "purpose"}
    if error is not None:
        extra["code"] = error.code
        extra["params"] = _plain(error.params)
        if isinstance(error, RegistryLinesError):
            extra["lines"] = [{"line": item.line, "code": item.error.code} for item in error.line_errors]
    else:
        extra["result"] = _result_summary(result)
    audit_record(
        actor=None,
        action=action,
        subject=subject,
        extra=extra,
        request=request,
        outcome="refused" if error is not None else "success",
    )


def answered(
    action: RegistryApiAction | RegistryAction,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Turns a view's ``SimisError`` into its coded answer and records the call: every refusal;
    every accepted write (inside the write's transaction, so it is stored with it); and every
    government lookup. Accepted government lookups are recorded by the view itself, which knows
    the person or establishment it disclosed."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def run(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            try:
                result = view(request, *args, **kwargs)
            except SimisError as error:
                call_record(request, operation=view.__name__, action=action, error=error)
                return refusal_response(error)
            if request.method != "GET" and action == RegistryApiAction.PARTNER_REQUEST:
                call_record(request, operation=view.__name__, action=action, result=result)
            return result

        return run

    return decorate


# --- Who the partner acts for ---------------------------------------------------------------------


@dataclass(frozen=True)
class EmployerAccess:
    """An employer system's reach: its establishment and, for a main establishment, the branches."""

    caller: ApiCaller
    home: Establishment
    group: tuple[Establishment, ...]

    @property
    def ids(self) -> list[int]:
        return [item.pk for item in self.group]

    def establishment(self, number: str) -> Establishment:
        key = normalise_identifier(number)
        for item in self.group:
            if item.number == key:
                return item
        raise SimisError(RegistryApiError.ESTABLISHMENT_NOT_FOUND, number=number)

    def period(self, period_id: int) -> Engagement:
        found = (
            Engagement.objects.select_related("establishment")
            .filter(pk=period_id, establishment_id__in=self.ids)
            .first()
        )
        if found is None:
            raise SimisError(RegistryApiError.PERIOD_NOT_FOUND, period=period_id)
        return found

    def person(self, condition: Q, key: str) -> Person:
        """A person with a period at one of the partner's establishments."""
        at_ours = Engagement.objects.filter(person=OuterRef("pk"), establishment_id__in=self.ids)
        found = Person.objects.filter(condition).filter(Exists(at_ours)).select_related("nationality").first()
        if found is None:
            raise SimisError(RegistryApiError.CONTRIBUTOR_NOT_FOUND, key=key)
        return found

    def batch(self, batch_id: int) -> WageBatch:
        found = (
            WageBatch.objects.select_related("establishment")
            .filter(pk=batch_id, establishment_id__in=self.ids)
            .first()
        )
        if found is None:
            raise SimisError(RegistryApiError.BATCH_NOT_FOUND, batch=batch_id)
        return found

    def lines(self, lines: Sequence[WageLineIn]) -> list[WageLine]:
        """The request's wage lines on the partner's periods. A line naming a period that is not
        the partner's (REGAPI-104) or an amount that is not one (MNY-xxx) refuses the whole
        request, with every such line; the service then checks the lines against the rules."""
        wanted = {line.period_id for line in lines}
        periods = {e.pk: e for e in Engagement.objects.filter(pk__in=wanted, establishment_id__in=self.ids)}
        refused: list[LineError] = []
        built: list[WageLine] = []
        for position, line in enumerate(lines, start=1):
            try:
                if line.period_id not in periods:
                    raise SimisError(RegistryApiError.PERIOD_NOT_FOUND, period=line.period_id)
                built.append(
                    WageLine(
                        engagement=periods[line.period_id], wage=wage_input(line), occupation=line.occupation
                    )
                )
            except SimisError as error:
                refused.append(LineError(position, error))
        if refused:
            raise RegistryLinesError(refused, total=len(lines))
        return built


def employer_access(request: HttpRequest) -> EmployerAccess:
    caller = api_caller(request)
    if caller.kind != PartnerKind.EMPLOYER_SYSTEM:
        raise SimisError(RegistryApiError.EMPLOYER_SYSTEMS_ONLY, partner=caller.partner_code)
    home = (
        Establishment.objects.select_related("parent")
        .filter(number=normalise_identifier(caller.organisation_key or "-"))
        .first()
    )
    if home is None:
        raise SimisError(RegistryApiError.PARTNER_WITHOUT_ESTABLISHMENT, partner=caller.partner_code)
    group = tuple(establishment_group(home)) if home.is_main else (home,)
    return EmployerAccess(caller=caller, home=home, group=group)


def agency_access(request: HttpRequest) -> ApiCaller:
    """The agency calling, once it has said why (REGAPI-001 otherwise)."""
    caller = api_caller(request)
    if caller.kind != PartnerKind.AGENCY:
        raise SimisError(RegistryApiError.AGENCIES_ONLY, partner=caller.partner_code)
    if not PURPOSE_MIN_LENGTH <= len(_purpose(request)) <= PURPOSE_MAX_LENGTH:
        raise SimisError(
            RegistryApiError.PURPOSE_REQUIRED, minimum=PURPOSE_MIN_LENGTH, maximum=PURPOSE_MAX_LENGTH
        )
    return caller


def identity_condition(number: str, kind: str | None = None, country: str | None = None) -> Q:
    condition = Q(identities__number=normalise_identifier(number))
    if kind:
        condition &= Q(identities__kind=IdentityKind(kind))
    if country:
        condition &= Q(identities__country_id=country.strip().upper())
    return condition


# --- Conversions ----------------------------------------------------------------------------------


def day(text: str, calendar: str) -> date:
    """A request date in its body's calendar, as the Gregorian date stored (DATE-xxx refusals)."""
    return parse_date_input(text, calendar)


def day_or_none(text: str | None, calendar: str) -> date | None:
    return None if text is None else day(text, calendar)


def month_first(text: str) -> date:
    year, month = (int(part) for part in text.split("-"))
    return date(year, month, 1)


def wage_input(wage: WageIn) -> WageInput:
    return WageInput(
        basic=Money(wage.basic),
        housing=Money(wage.housing),
        other=Money(wage.other),
        housing_in_kind=wage.housing_in_kind,
    )


def summary_input(summary: BatchSummaryIn) -> BatchSummary:
    return BatchSummary(
        line_count=summary.line_count,
        total_basic=Money(summary.total_basic),
        total_housing=Money(summary.total_housing),
        total_contributory=Money(summary.total_contributory),
    )


def money_text(value: Money) -> str:
    return str(value.amount)


def wage_out(wage: Wage) -> dict[str, Any]:
    return {
        "period_id": wage.engagement_id,
        "effective_from": wage.effective_from,
        "basic": money_text(wage.basic),
        "housing": money_text(wage.housing),
        "other": money_text(wage.other),
        "housing_in_kind": wage.housing_in_kind,
        "contributory_wage": money_text(wage.contributory_wage),
        "occupation": wage.occupation_id,
    }


def _periods_with_wages(**condition: Any) -> Iterable[Engagement]:
    return (
        Engagement.objects.filter(**condition)
        .select_related("establishment", "person")
        .prefetch_related(Prefetch("wages", queryset=Wage.objects.order_by("effective_from")))
        .order_by("join_date", "pk")
    )


def period_out(engagement: Engagement) -> dict[str, Any]:
    """A period with its establishment and wage history (``engagement`` from ``_periods_with_wages``)."""
    return {
        "period_id": engagement.pk,
        "contributor_number": engagement.person.contributor_number,
        "establishment_number": engagement.establishment.number,
        "establishment_name_ar": engagement.establishment.name_ar,
        "establishment_name_en": engagement.establishment.name_en,
        "join_date": engagement.join_date,
        "leave_date": engagement.leave_date,
        "leave_reason": engagement.leave_reason,
        "status": engagement.status,
        "review_reason": engagement.review_reason,
        "occupation": engagement.occupation_id,
        "covers_annuities": engagement.covers_annuities,
        "covers_occupational_hazards": engagement.covers_occupational_hazards,
        "covers_unemployment": engagement.covers_unemployment,
        "gcc_extension": engagement.gcc_extension,
        "transferred_from": engagement.transferred_from_id,
        "wages": [wage_out(wage) for wage in engagement.wages.all()],
    }


def period_out_by_id(period_id: int) -> dict[str, Any]:
    return period_out(next(iter(_periods_with_wages(pk=period_id))))


def contributor_out(person: Person, establishment_ids: Sequence[int] | None) -> dict[str, Any]:
    """The person and their periods, oldest first — only those at ``establishment_ids`` when given
    (an employer sees its own periods of a worker, as on the portal)."""
    condition: dict[str, Any] = {"person": person}
    if establishment_ids is not None:
        condition["establishment_id__in"] = establishment_ids
    return {
        "contributor_number": person.contributor_number,
        "name_ar": person.full_name_ar,
        "name_en": person.full_name_en,
        "birth_date": person.birth_date,
        "gender": person.gender,
        "nationality": person.nationality_id,
        "regime": person.regime,
        "periods": [period_out(e) for e in _periods_with_wages(**condition)],
    }


def establishment_out(establishment: Establishment, *, branches: bool = True) -> dict[str, Any]:
    active = Engagement.objects.filter(establishment=establishment, status=EngagementStatus.ACTIVE).count()
    children = (
        Establishment.objects.filter(parent=establishment).order_by("number")
        if branches and establishment.is_main
        else Establishment.objects.none()
    )
    main_number = (
        establishment.number
        if establishment.is_main
        else Establishment.objects.values_list("number", flat=True).get(pk=establishment.main_id)
    )
    return {
        "number": establishment.number,
        "unified_number": establishment.unified_number,
        "commercial_registration": establishment.commercial_registration,
        "name_ar": establishment.name_ar,
        "name_en": establishment.name_en,
        "is_main": establishment.is_main,
        "main_number": main_number,
        "status": establishment.status,
        "economic_activity": establishment.economic_activity_id,
        "region": establishment.region_id,
        "city": establishment.city,
        "office": establishment.office_id,
        "registered_on": establishment.registered_on,
        "active_workers": active,
        "branches": [
            {"number": b.number, "name_ar": b.name_ar, "name_en": b.name_en, "status": b.status}
            for b in children
        ],
    }


def batch_out(batch: WageBatch) -> dict[str, Any]:
    return {
        "batch_id": batch.pk,
        "establishment_number": batch.establishment.number,
        "month": batch.month,
        "reference": batch.reference,
        "declared": {
            "line_count": batch.declared_line_count,
            "total_basic": money_text(batch.declared_total_basic),
            "total_housing": money_text(batch.declared_total_housing),
            "total_contributory": money_text(batch.declared_total_contributory),
        },
        "amendment_count": batch.amendment_count,
        "lines": [wage_out(w) for w in Wage.objects.filter(batch=batch).order_by("pk")],
    }


def workers_page(establishment: Establishment, query: WorkerQuery) -> dict[str, Any]:
    """One keyset page of an establishment's workers, newest period first (the selectors'
    ``workers_matching`` and ``workers_page_query``: the same search and indexes as the portal)."""
    cursor = query.cursor
    after: int | None = None
    if cursor:
        if not cursor.isdigit() or len(cursor) > 18:
            raise SimisError(RegistryApiError.CURSOR_INVALID, value=cursor)
        after = int(cursor)
    size = max(1, min(query.page_size, MAX_PAGE_SIZE))
    matching = workers_matching(
        establishment,
        search=query.search,
        status=None if query.status == "all" else query.status,
        nationality=query.nationality,
        occupation=query.occupation,
    )
    rows = list(workers_page_query(matching, cursor=after, size=size))
    more = len(rows) > size
    rows = rows[:size]

    def name(row: dict[str, Any], language: str) -> str:
        parts = (row[f"person__first_name_{language}"], row[f"person__father_name_{language}"])
        return " ".join(p for p in (*parts, row[f"person__family_name_{language}"]) if p)

    return {
        "workers": [
            {
                "period_id": row["pk"],
                "contributor_number": row["person__contributor_number"],
                "name_ar": name(row, "ar"),
                "name_en": name(row, "en"),
                "nationality": row["person__nationality_id"],
                "occupation": row["occupation_id"],
                "join_date": row["join_date"],
                "leave_date": row["leave_date"],
                "status": row["status"],
            }
            for row in rows
        ],
        "next_cursor": str(rows[-1]["pk"]) if more and rows else None,
        "total": matching.count() if query.with_total else None,
    }


# --- Employer systems: /api/v1/registry/ ----------------------------------------------------------

router = Router(tags=["registry"])
PARTNER = RegistryApiAction.PARTNER_REQUEST


@router.get(
    "/establishments",
    response={200: list[EstablishmentOut], REFUSED: RefusalOut},
    url_name="registry-establishments",
    summary="Your establishment and its branches — المنشأة وفروعها",
)
@answered(PARTNER)
def establishments_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The establishment this system acts for and, for a main establishment, every branch
    (REG-1). عرض المنشأة الرئيسية وفروعها."""
    access = employer_access(request)
    return [establishment_out(item) for item in access.group]


@router.get(
    "/establishments/{number}",
    response={200: EstablishmentOut, REFUSED: RefusalOut},
    url_name="registry-establishment",
    summary="One of your establishments — بيانات منشأة",
)
@answered(PARTNER)
def establishment_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    """An establishment this system acts for, with its branches and count of active workers.
    REGAPI-101 (404) for any other number."""
    return establishment_out(employer_access(request).establishment(number))


@router.post(
    "/establishments/{number}/branches",
    response={201: EstablishmentOut, REFUSED: RefusalOut},
    url_name="registry-branches",
    summary="Add a branch — إضافة فرع",
)
@answered(PARTNER)
def branch_add(request: HttpRequest, number: str, payload: BranchIn) -> Status[dict[str, Any]]:
    """Adds a branch under your main establishment (REG-1); it takes the main's 700 and CR
    numbers unless it has its own. REG-105 under a branch; REG-106 when the main is not active."""
    main = employer_access(request).establishment(number)
    branch = establishment_branch_add(
        actor=None,
        main=main,
        name_ar=payload.name_ar,
        name_en=payload.name_en,
        economic_activity=payload.economic_activity,
        region=payload.region,
        city=payload.city,
        office=payload.office,
        commercial_registration=payload.commercial_registration,
        unified_number=payload.unified_number,
        registered_on=day_or_none(payload.registered_on, payload.calendar),
        request=request,
    )
    return Status(201, establishment_out(branch))


@router.get(
    "/establishments/{number}/workers",
    response={200: WorkerPageOut, REFUSED: RefusalOut},
    url_name="registry-workers",
    summary="Workers of an establishment — عمال المنشأة",
)
@answered(PARTNER)
def workers_list(request: HttpRequest, number: str, filters: Query[WorkerQuery]) -> dict[str, Any]:
    """The contribution periods of an establishment, newest first, filtered by status, nationality,
    occupation and a search text. Keyset paging: pass `next_cursor` back as `cursor`."""
    return workers_page(employer_access(request).establishment(number), filters)


@router.post(
    "/establishments/{number}/contributors",
    response={201: RegistrationOut, REFUSED: RefusalOut},
    url_name="registry-contributors-register",
    summary="Register a new contributor — تسجيل مشترك جديد",
)
@answered(PARTNER)
def contributor_create(request: HttpRequest, number: str, payload: ContributorIn) -> Status[dict[str, Any]]:
    """Registers a person never covered before, Saudi or not, with the first contribution period
    and wage (REG-2). REG-201 when an identity number is already registered (it names the
    contributor: add a period instead). A registration after the end of the month of joining is
    accepted with status `pending_review`. The regime and covered branches are derived."""
    establishment = employer_access(request).establishment(number)
    registration = contributor_register(
        actor=None,
        establishment=establishment,
        identities=[IdentityInput(item.kind, item.number, item.country) for item in payload.identities],
        names=PersonNames(**payload.names.model_dump()),
        birth_date=day(payload.birth_date, payload.calendar),
        birth_date_calendar=Calendar(payload.calendar),
        gender=payload.gender,
        nationality=payload.nationality,
        join_date=day(payload.join_date, payload.calendar),
        occupation=payload.occupation,
        wage=wage_input(payload.wage),
        external_old_law_months=payload.external_old_law_months,
        mobile=payload.mobile,
        request=request,
    )
    body = {
        "contributor_number": registration.person.contributor_number,
        "period": period_out_by_id(registration.engagement.pk),
    }
    return Status(201, body)


@router.post(
    "/establishments/{number}/periods",
    response={201: PeriodOut, REFUSED: RefusalOut},
    url_name="registry-periods-add",
    summary="Add a contribution period — إضافة فترة اشتراك",
)
@answered(PARTNER)
def period_create(request: HttpRequest, number: str, payload: PeriodAddIn) -> Status[dict[str, Any]]:
    """Adds a contribution period, with its first wage, for a contributor already registered —
    named by an identity number (REG-3). A finished period may be sent with its leave date and
    reason. REGAPI-103 (404) when nobody holds the identity number: register them instead."""
    establishment = employer_access(request).establishment(number)
    ref = payload.contributor
    person = Person.objects.filter(identity_condition(ref.number, ref.kind, ref.country)).distinct().first()
    if person is None:
        raise SimisError(RegistryApiError.IDENTITY_NOT_REGISTERED, number=ref.number)
    engagement = engagement_add(
        actor=None,
        person=person,
        establishment=establishment,
        join_date=day(payload.join_date, payload.calendar),
        occupation=payload.occupation,
        wage=wage_input(payload.wage),
        leave_date=day_or_none(payload.leave_date, payload.calendar),
        leave_reason=payload.leave_reason,
        request=request,
    )
    return Status(201, period_out_by_id(engagement.pk))


@router.get(
    "/periods/{period_id}",
    response={200: PeriodOut, REFUSED: RefusalOut},
    url_name="registry-period",
    summary="A contribution period and its wages — فترة اشتراك وأجورها",
)
@answered(PARTNER)
def period_detail(request: HttpRequest, period_id: int) -> dict[str, Any]:
    """A period at one of your establishments with its wage history (ANN-5)."""
    return period_out_by_id(employer_access(request).period(period_id).pk)


@router.post(
    "/periods/{period_id}/termination",
    response={200: PeriodOut, REFUSED: RefusalOut},
    url_name="registry-period-terminate",
    summary="Terminate a contribution period — إنهاء فترة اشتراك",
)
@answered(PARTNER)
def period_terminate(request: HttpRequest, period_id: int, payload: TerminateIn) -> dict[str, Any]:
    """Ends a period on its last day worked, for a reason (REG-3). A termination after the end of
    the month of leaving waits for review (status `pending_review`). REG-305 before the last
    wage change, REG-306 on an ended period, REG-312 for a transfer (use `/transfer`)."""
    engagement = engagement_terminate(
        actor=None,
        engagement=employer_access(request).period(period_id),
        leave_date=day(payload.leave_date, payload.calendar),
        reason=payload.reason,
        request=request,
    )
    return period_out_by_id(engagement.pk)


@router.post(
    "/periods/{period_id}/transfer",
    response={200: TransferOut, REFUSED: RefusalOut},
    url_name="registry-period-transfer",
    summary="Transfer a worker between branches — نقل مشترك بين الفروع",
)
@answered(PARTNER)
def period_transfer(request: HttpRequest, period_id: int, payload: TransferIn) -> dict[str, Any]:
    """Moves a worker to another establishment of the same main from `transfer_date` (REG-6): the
    period closes the day before and a new one opens that day with the wage carried over — no gap,
    no overlap. REG-601 outside the main establishment's group."""
    access = employer_access(request)
    engagement = access.period(period_id)
    target = access.establishment(payload.target_establishment)
    opened = contributor_transfer(
        actor=None,
        engagement=engagement,
        target=target,
        transfer_date=day(payload.transfer_date, payload.calendar),
        request=request,
    )
    return {"closed": period_out_by_id(engagement.pk), "opened": period_out_by_id(opened.pk)}


@router.post(
    "/establishments/{number}/wage-changes",
    response={200: WageChangeOut, REFUSED: RefusalOut},
    url_name="registry-wage-changes",
    summary="Change wages of one or many workers — تعديل الأجور",
)
@answered(PARTNER)
def wages_change(request: HttpRequest, number: str, payload: WageChangeIn) -> dict[str, Any]:
    """Changes the wages (and optionally occupations) of workers of an establishment from the first
    day of `month` (REG-4). All lines apply or none: a refusal (REG-409) lists every refused line
    with its own code; `line` is the position in `lines`, from 1."""
    access = employer_access(request)
    establishment = access.establishment(number)
    wages = wage_change(
        actor=None,
        establishment=establishment,
        month=month_first(payload.month),
        lines=access.lines(payload.lines),
        request=request,
    )
    return {"month": month_first(payload.month), "wages": [wage_out(w) for w in wages]}


@router.post(
    "/establishments/{number}/wage-batches",
    response={201: WageBatchOut, REFUSED: RefusalOut},
    url_name="registry-wage-batches",
    summary="Register a wage-change batch with its summary — تسجيل ملخص دفعة تعديل الأجور",
)
@answered(PARTNER)
def wage_batch_create(request: HttpRequest, number: str, payload: WageBatchIn) -> Status[dict[str, Any]]:
    """Registers wage changes with the summary you declare: number of lines, total basic wage,
    total housing allowance, total contributory wage (REG-5). When the summary does not match the
    lines the batch is refused as a whole with REG-501; its `params` give each declared and counted
    figure and the difference (declared minus counted). Lines are refused as in `/wage-changes`."""
    access = employer_access(request)
    batch = wage_batch_register(
        actor=None,
        establishment=access.establishment(number),
        month=month_first(payload.month),
        lines=access.lines(payload.lines),
        declared=summary_input(payload.summary),
        reference=payload.reference,
        request=request,
    )
    return Status(201, batch_out(batch))


@router.get(
    "/wage-batches/{batch_id}",
    response={200: WageBatchOut, REFUSED: RefusalOut},
    url_name="registry-wage-batch",
    summary="A wage-change batch — دفعة تعديل الأجور",
)
@answered(PARTNER)
def wage_batch_detail(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    """A batch of one of your establishments: its declared summary and its lines."""
    return batch_out(employer_access(request).batch(batch_id))


@router.put(
    "/wage-batches/{batch_id}",
    response={200: WageBatchOut, REFUSED: RefusalOut},
    url_name="registry-wage-batch",
    summary="Amend a wage-change batch — تعديل دفعة تعديل الأجور",
)
@answered(PARTNER)
def wage_batch_replace(request: HttpRequest, batch_id: int, payload: WageBatchAmendIn) -> dict[str, Any]:
    """Replaces a batch's lines and declared summary, with the same checks as registering it
    (REG-5). REG-502 when a period of the batch already has a later wage change."""
    access = employer_access(request)
    batch = wage_batch_amend(
        actor=None,
        batch=access.batch(batch_id),
        lines=access.lines(payload.lines),
        declared=summary_input(payload.summary),
        request=request,
    )
    return batch_out(batch)


@router.get(
    "/contributors",
    response={200: ContributorOut, REFUSED: RefusalOut},
    url_name="registry-contributor-by-identity",
    summary="A worker by identity number — بحث عن مشترك برقم الهوية",
)
@answered(PARTNER)
def contributor_by_identity(
    request: HttpRequest,
    identity: str = Query(..., max_length=20, description="National ID, iqama, GCC ID or passport number."),
    kind: Literal["national_id", "iqama", "gcc_id", "passport"] | None = None,
    country: str | None = Query(None, max_length=3),
) -> dict[str, Any]:
    """One of your workers, found by an identity number, with the periods and wage history at your
    establishments (ANN-5). REGAPI-102 (404) for anyone who never worked at them."""
    access = employer_access(request)
    person = access.person(identity_condition(identity, kind, country), identity)
    return contributor_out(person, access.ids)


@router.get(
    "/contributors/{contributor_number}",
    response={200: ContributorOut, REFUSED: RefusalOut},
    url_name="registry-contributor",
    summary="A worker's periods and wage history — فترات المشترك وأجوره",
)
@answered(PARTNER)
def contributor_detail(request: HttpRequest, contributor_number: int) -> dict[str, Any]:
    """One of your workers by contributor number, with the periods and wage history at your
    establishments (ANN-5). REGAPI-102 (404) for anyone who never worked at them."""
    access = employer_access(request)
    person = access.person(Q(contributor_number=contributor_number), str(contributor_number))
    return contributor_out(person, access.ids)


# --- Government agencies: /api/v1/gov/ ------------------------------------------------------------

gov_router = Router(tags=["government"])
GOVERNMENT = RegistryAction.GOVERNMENT_LOOKUP

PURPOSE_QUERY = Query(
    None,
    max_length=PURPOSE_MAX_LENGTH,
    description="Required: why the agency looks this up; recorded in the audit log with the call. "
    "— الغرض من الاستعلام (إلزامي، ويُسجَّل).",
)


def government_establishment(number: str) -> Establishment:
    """By establishment number or 700 number (the main establishment when branches share it)."""
    key = normalise_identifier(number)
    found = (
        Establishment.objects.filter(Q(number=key) | Q(unified_number=key)).order_by("-is_main", "pk").first()
    )
    if found is None:
        raise SimisError(RegistryApiError.REGISTERED_ESTABLISHMENT_NOT_FOUND, number=number)
    return found


@gov_router.get(
    "/persons",
    response={200: ContributorOut, REFUSED: RefusalOut},
    url_name="gov-person",
    summary="A contributor or beneficiary by identity number — الاستعلام عن مشترك",
)
@answered(GOVERNMENT)
def gov_person(
    request: HttpRequest,
    identity: str | None = Query(None, max_length=20, description="National ID, iqama, GCC ID or passport."),
    purpose: str | None = PURPOSE_QUERY,
    kind: Literal["national_id", "iqama", "gcc_id", "passport"] | None = None,
    country: str | None = Query(None, max_length=3),
) -> dict[str, Any]:
    """The person registered with this identity number, with every contribution period and its
    wage history (GOV-1). `purpose` is required (REGAPI-001, 400)."""
    agency_access(request)
    if not identity:
        raise SimisError(RegistryApiError.IDENTITY_REQUIRED)
    person = (
        Person.objects.filter(identity_condition(identity, kind, country))
        .select_related("nationality")
        .distinct()
        .first()
    )
    if person is None:
        raise SimisError(RegistryApiError.PERSON_NOT_FOUND, number=identity)
    body = contributor_out(person, None)
    call_record(request, operation="gov_person", action=GOVERNMENT, result=body, subject=person)
    return body


@gov_router.get(
    "/establishments/{number}",
    response={200: EstablishmentOut, REFUSED: RefusalOut},
    url_name="gov-establishment",
    summary="An employer by establishment or 700 number — الاستعلام عن منشأة",
)
@answered(GOVERNMENT)
def gov_establishment(
    request: HttpRequest, number: str, purpose: str | None = PURPOSE_QUERY
) -> dict[str, Any]:
    """An establishment by its number or its 700 number, with its branches and count of active
    workers (GOV-1). `purpose` is required (REGAPI-001, 400)."""
    agency_access(request)
    establishment = government_establishment(number)
    body = establishment_out(establishment)
    call_record(request, operation="gov_establishment", action=GOVERNMENT, result=body, subject=establishment)
    return body


@gov_router.get(
    "/establishments/{number}/workers",
    response={200: WorkerPageOut, REFUSED: RefusalOut},
    url_name="gov-establishment-workers",
    summary="Workers registered in an establishment — العاملون المسجلون في منشأة",
)
@answered(GOVERNMENT)
def gov_establishment_workers(
    request: HttpRequest, number: str, filters: Query[WorkerQuery], purpose: str | None = PURPOSE_QUERY
) -> dict[str, Any]:
    """The workers registered in an establishment, one keyset page at a time (GOV-1); every page
    is recorded with the purpose and the contributors it showed."""
    agency_access(request)
    establishment = government_establishment(number)
    body = workers_page(establishment, filters)
    call_record(
        request, operation="gov_establishment_workers", action=GOVERNMENT, result=body, subject=establishment
    )
    return body


def routers_register() -> None:
    """Mount both routers behind the gateway (called once, from ``RegistryConfig.ready()``)."""
    register_router("registry", router)
    register_router("gov", gov_router)
