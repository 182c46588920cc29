"""Reads of the register.

Selectors that serve people take the requesting ``user`` and restrict what it sees through
identity's scope: staff see everything; employer users the establishments they are bound to
(a binding to a main establishment covers its branches) and the people working there;
an insured person only themselves; government agency users only through the ``government_*``
lookups (GOV-1). Selectors for other subsystems (billing) take no user: they are never called
with a person's request directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from simis.core.dates import month_end, month_start
from simis.core.errors import SimisError
from simis.core.identifiers import IdentityKind, normalise_identifier
from simis.core.money import Money
from simis.core.selectors import parameter_records_explain
from simis.identity.public import Audience, IdentityError, OrganisationKind, user_scope
from simis.registry import rules
from simis.registry.choices import EngagementStatus
from simis.registry.errors import RegistryError
from simis.registry.models import Engagement, Establishment, Person, PersonIdentity, Wage

MAX_PAGE_SIZE = 200


# --- Who sees what --------------------------------------------------------------------------------


def _audience(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return ""
    return str(getattr(user, "audience", ""))


def establishments_visible(user: Any) -> QuerySet[Establishment]:
    """The establishments ``user`` acts for: all for staff; for an employer user those bound
    and the branches of bound main establishments; none for anyone else."""
    scope = user_scope(user)
    if scope.unrestricted:
        return Establishment.objects.all()
    numbers = sorted(scope.keys(OrganisationKind.ESTABLISHMENT))
    if not numbers:
        return Establishment.objects.none()
    return Establishment.objects.filter(Q(number__in=numbers) | Q(parent__number__in=numbers))


def _require_visible(user: Any, establishment: Establishment) -> None:
    if not establishments_visible(user).filter(pk=establishment.pk).exists():
        raise SimisError(IdentityError.OUT_OF_SCOPE)


def persons_visible(user: Any) -> QuerySet[Person]:
    """Staff: everyone. Employer user: people with a period at an establishment it acts for.
    Insured person: themselves. Anyone else: nobody."""
    scope = user_scope(user)
    if scope.unrestricted:
        return Person.objects.all()
    if _audience(user) == Audience.CONTRIBUTOR:
        return Person.objects.filter(user=user)
    visible = establishments_visible(user)
    return Person.objects.filter(
        Exists(Engagement.objects.filter(person=OuterRef("pk"), establishment__in=visible.values("pk")))
    )


def _require_government(user: Any) -> None:
    scope = user_scope(user)
    if scope.unrestricted:
        return
    if _audience(user) == Audience.AGENCY and scope.agencies:
        return
    raise SimisError(RegistryError.GOVERNMENT_ONLY)


# --- Establishments -------------------------------------------------------------------------------


def establishment_get(*, user: Any, number: str) -> Establishment | None:
    """The establishment with this number, if ``user`` may see it; None otherwise (including
    when it does not exist: the two are not told apart)."""
    return (
        establishments_visible(user)
        .select_related("parent", "region", "office", "economic_activity")
        .filter(number=normalise_identifier(number))
        .first()
    )


def establishment_list(*, user: Any) -> QuerySet[Establishment]:
    """The establishments ``user`` acts for, mains first, then by number."""
    return establishments_visible(user).select_related("parent").order_by("-is_main", "number")


def establishment_branches(*, user: Any, main: Establishment) -> QuerySet[Establishment]:
    """The branches of a main establishment that ``user`` may see."""
    return establishments_visible(user).filter(parent=main).order_by("number")


def establishment_group(establishment: Establishment) -> QuerySet[Establishment]:
    """The main establishment and all its branches (the group a transfer may move within)."""
    main_id = establishment.main_id
    return Establishment.objects.filter(Q(pk=main_id) | Q(parent_id=main_id)).order_by("-is_main", "number")


# --- Workers of an establishment ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkerRow:
    engagement_id: int
    contributor_number: int
    name_ar: str
    name_en: str
    nationality: str
    occupation: str
    join_date: date
    leave_date: date | None
    status: str


@dataclass(frozen=True, slots=True)
class WorkerPage:
    """One page of workers, newest period first. ``next_cursor`` is None on the last page;
    ``total`` is counted only when asked for."""

    rows: list[WorkerRow]
    next_cursor: int | None
    total: int | None


def workers_matching(
    establishment: Establishment,
    *,
    search: str,
    status: str | Sequence[str] | None,
    nationality: str | None,
    occupation: str | None,
) -> QuerySet[Engagement]:
    rows = Engagement.objects.filter(establishment=establishment)
    if status:
        statuses = [status] if isinstance(status, str) else list(status)
        rows = rows.filter(status__in=statuses)
    if nationality:
        rows = rows.filter(person__nationality_id=nationality.upper())
    if occupation:
        rows = rows.filter(occupation_id=occupation)
    text = search.strip()
    if text:
        number = normalise_identifier(text)
        if number.isdigit():
            # A number is a contributor number or an identity number, matched exactly. The few
            # persons are found first, so the periods are then read by person (an index), not
            # by scanning the establishment's whole list.
            persons = set(PersonIdentity.objects.filter(number=number).values_list("person_id", flat=True))
            if len(number) <= 18:
                persons.update(
                    Person.objects.filter(contributor_number=int(number)).values_list("pk", flat=True)
                )
            rows = rows.filter(person_id__in=sorted(persons))
        else:
            # Trigram-indexed (registry_person_name_trgm) substring match over all name parts.
            rows = rows.filter(person__search_name__contains=text.lower())
    return rows


def establishment_workers(
    establishment: Establishment,
    *,
    user: Any,
    search: str = "",
    status: str | Sequence[str] | None = EngagementStatus.ACTIVE,
    nationality: str | None = None,
    occupation: str | None = None,
    cursor: int | None = None,
    page_size: int = 50,
    with_total: bool = False,
) -> WorkerPage:
    """The workers (contribution periods) of an establishment, filtered by status (active by
    default; None for all), nationality (alpha-3), occupation (ISCO-08) and a search text (a
    name fragment in Arabic or English, a contributor number or an identity number).

    Keyset pagination over the period id (newest first): pass the previous page's
    ``next_cursor`` for the next page, so page 500 costs what page 1 does. ``with_total``
    counts the matches too (an index-only scan when only status is filtered). IDN-040 when
    ``user`` does not act for the establishment."""
    _require_visible(user, establishment)
    return _workers_page(
        establishment,
        search=search,
        status=status,
        nationality=nationality,
        occupation=occupation,
        cursor=cursor,
        page_size=page_size,
        with_total=with_total,
    )


def workers_page_query(matching: QuerySet[Engagement], *, cursor: int | None, size: int) -> QuerySet[Any]:
    """One keyset page (plus one row, to know whether more follow) of ``matching``, newest first."""
    page = matching.filter(pk__lt=cursor) if cursor is not None else matching
    return page.order_by("-pk").values(
        "pk",
        "person__contributor_number",
        "person__first_name_ar",
        "person__father_name_ar",
        "person__family_name_ar",
        "person__first_name_en",
        "person__father_name_en",
        "person__family_name_en",
        "person__nationality_id",
        "occupation_id",
        "join_date",
        "leave_date",
        "status",
    )[: size + 1]


def _workers_page(
    establishment: Establishment,
    *,
    search: str,
    status: str | Sequence[str] | None,
    nationality: str | None,
    occupation: str | None,
    cursor: int | None,
    page_size: int,
    with_total: bool,
) -> WorkerPage:
    size = max(1, min(page_size, MAX_PAGE_SIZE))
    matching = workers_matching(
        establishment, search=search, status=status, nationality=nationality, occupation=occupation
    )
    values = list(workers_page_query(matching, cursor=cursor, size=size))
    more = len(values) > size
    values = values[:size]
    rows = [
        WorkerRow(
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
        for v in values
    ]
    return WorkerPage(
        rows=rows,
        next_cursor=rows[-1].engagement_id if more and rows else None,
        total=matching.count() if with_total else None,
    )


# --- Persons --------------------------------------------------------------------------------------


def _identity_filter(number: str, kind: IdentityKind | str | None, country: str | None) -> Q:
    condition = Q(identities__number=normalise_identifier(number))
    if kind:
        condition &= Q(identities__kind=IdentityKind(kind))
    if country:
        condition &= Q(identities__country_id=country.upper())
    return condition


def person_by_identity(
    *, user: Any, number: str, kind: IdentityKind | str | None = None, country: str | None = None
) -> Person | None:
    """The person holding this identity number (any kind unless ``kind`` is given; GCC IDs and
    passports may need ``country``), if ``user`` may see them."""
    return (
        persons_visible(user)
        .filter(_identity_filter(number, kind, country))
        .select_related("nationality")
        .distinct()
        .first()
    )


def person_by_contributor_number(*, user: Any, contributor_number: int) -> Person | None:
    return persons_visible(user).filter(contributor_number=contributor_number).first()


def person_own(*, user: Any) -> Person | None:
    """The insured person's own record (their portal account linked to it), or None."""
    if _audience(user) != Audience.CONTRIBUTOR:
        return None
    return Person.objects.filter(user=user).select_related("nationality").first()


@dataclass(frozen=True, slots=True)
class WageView:
    effective_from: date
    basic: Money
    housing: Money
    other: Money
    contributory_wage: Money
    occupation: str | None


@dataclass(frozen=True, slots=True)
class PeriodView:
    """A contribution period as the insured person sees it (ANN-5)."""

    engagement_id: int
    establishment_number: str
    establishment_name_ar: str
    establishment_name_en: str
    join_date: date
    leave_date: date | None
    leave_reason: str
    status: str
    occupation: str
    covers_annuities: bool
    covers_occupational_hazards: bool
    covers_unemployment: bool
    gcc_extension: bool
    wages: list[WageView]


def contributor_periods(person: Person, *, user: Any) -> list[PeriodView]:
    """A contributor's contribution periods, oldest first, each with its establishment, dates
    and wage history (ANN-5). An employer user sees only the periods at its establishments;
    IDN-040 when ``user`` may not see the person at all."""
    if not persons_visible(user).filter(pk=person.pk).exists():
        raise SimisError(IdentityError.OUT_OF_SCOPE)
    periods = Engagement.objects.filter(person=person)
    if not user_scope(user).unrestricted and _audience(user) != Audience.CONTRIBUTOR:
        periods = periods.filter(establishment__in=establishments_visible(user).values("pk"))
    return _period_views(periods)


def _period_views(periods: QuerySet[Engagement]) -> list[PeriodView]:
    periods = (
        periods.select_related("establishment")
        .prefetch_related(Prefetch("wages", queryset=Wage.objects.order_by("effective_from")))
        .order_by("join_date", "pk")
    )
    return [
        PeriodView(
            engagement_id=e.pk,
            establishment_number=e.establishment.number,
            establishment_name_ar=e.establishment.name_ar,
            establishment_name_en=e.establishment.name_en,
            join_date=e.join_date,
            leave_date=e.leave_date,
            leave_reason=e.leave_reason,
            status=e.status,
            occupation=e.occupation_id,
            covers_annuities=e.covers_annuities,
            covers_occupational_hazards=e.covers_occupational_hazards,
            covers_unemployment=e.covers_unemployment,
            gcc_extension=e.gcc_extension,
            wages=[
                WageView(w.effective_from, w.basic, w.housing, w.other, w.contributory_wage, w.occupation_id)
                for w in e.wages.all()
            ],
        )
        for e in periods
    ]


# --- Government agencies (GOV-1) ------------------------------------------------------------------


def government_person_lookup(
    *, user: Any, number: str, kind: IdentityKind | str | None = None, country: str | None = None
) -> Person | None:
    """A contributor by identity number, for staff and government agency users (REG-001 for
    anyone else)."""
    _require_government(user)
    return (
        Person.objects.filter(_identity_filter(number, kind, country))
        .select_related("nationality")
        .distinct()
        .first()
    )


def government_contributor_periods(person: Person, *, user: Any) -> list[PeriodView]:
    """Every contribution period of a contributor found by ``government_person_lookup``, with
    establishments, dates and wage history (GOV-1: "query a beneficiary or contributor"), for
    staff and government agency users (REG-001 for anyone else)."""
    _require_government(user)
    return _period_views(Engagement.objects.filter(person=person))


def government_establishment_lookup(*, user: Any, number: str) -> Establishment | None:
    """An establishment by its establishment number or its 700 number (the main establishment
    when a 700 number is shared with branches)."""
    _require_government(user)
    key = normalise_identifier(number)
    return (
        Establishment.objects.filter(Q(number=key) | Q(unified_number=key))
        .select_related("parent", "region", "office", "economic_activity")
        .order_by("-is_main", "pk")
        .first()
    )


def government_establishment_workers(
    establishment: Establishment,
    *,
    user: Any,
    search: str = "",
    status: str | Sequence[str] | None = EngagementStatus.ACTIVE,
    cursor: int | None = None,
    page_size: int = 50,
    with_total: bool = False,
) -> WorkerPage:
    """The workers registered in an establishment, for staff and government agency users."""
    _require_government(user)
    return _workers_page(
        establishment,
        search=search,
        status=status,
        nationality=None,
        occupation=None,
        cursor=cursor,
        page_size=page_size,
        with_total=with_total,
    )


# --- For billing (no user: called by the contributions subsystem) ---------------------------------


@dataclass(frozen=True, slots=True)
class BlockedPeriod:
    """A period under review whose month may not be billed yet, and why."""

    engagement_id: int
    review_reason: str
    disputed_from: date
    disputed_until: date


def engagement_months_blocked_for_billing(establishment: Establishment, month: date) -> list[BlockedPeriod]:
    """The establishment's periods waiting for review whose disputed months include ``month``:
    billing leaves them out of that month until the review is decided (RULES §3)."""
    first = month_start(month)
    rows = Engagement.objects.filter(
        establishment=establishment,
        status=EngagementStatus.PENDING_REVIEW,
        disputed_from__lte=first,
        disputed_until__gte=first,
    ).order_by("pk")
    return [
        BlockedPeriod(e.pk, e.review_reason, e.disputed_from, e.disputed_until)  # type: ignore[arg-type]
        for e in rows
    ]


def engagement_is_billable(engagement: Engagement, month: date) -> bool:
    """False while the period is under review and ``month`` is one of its disputed months."""
    if engagement.status != EngagementStatus.PENDING_REVIEW:
        return True
    first = month_start(month)
    assert engagement.disputed_from is not None and engagement.disputed_until is not None
    return not (engagement.disputed_from <= first <= engagement.disputed_until)


def engagement_wage_on(engagement: Engagement, on: date) -> Wage | None:
    """The wage in force on a day of the period (the latest row starting on or before it)."""
    return (
        Wage.objects.filter(engagement=engagement, effective_from__lte=on).order_by("-effective_from").first()
    )


def engagements_in_month(establishment: Establishment, month: date) -> QuerySet[Engagement]:
    """The establishment's periods that cover at least one day of ``month``, with their person."""
    first = month_start(month)
    return (
        Engagement.objects.filter(establishment=establishment, join_date__lte=month_end(first))
        .filter(Q(leave_date__isnull=True) | Q(leave_date__gte=first))
        .select_related("person")
        .order_by("pk")
    )


# --- Derivations explained ------------------------------------------------------------------------
# A row stores what its derived columns were derived from (``*_inputs``): the inputs its columns
# do not hold and the parameter readings, compact. These give the whole derivation back, each
# reading in full from the parameter version it names, to explain the figure line by line.


def person_regime_derivation(person: Person) -> rules.RegimeDerivation:
    """How the person's legal regime was derived. PRM-005/PRM-008 for a stored record that names
    no existing version or cannot be read."""
    return rules.RegimeDerivation.from_record(
        person.regime_inputs,
        regime=person.regime,
        external_old_law_months=person.external_old_law_months,
        readings=parameter_records_explain(person.regime_inputs["readings"]),
    )


def engagement_coverage_derivation(engagement: Engagement) -> rules.Coverage:
    """How the period's covered branches were derived. PRM-005/PRM-008 as above."""
    record = engagement.coverage_inputs
    return rules.Coverage.from_record(
        record,
        annuities=engagement.covers_annuities,
        occupational_hazards=engagement.covers_occupational_hazards,
        unemployment=engagement.covers_unemployment,
        gcc_extension=engagement.gcc_extension,
        gcc_country=engagement.gcc_country,
        readings=parameter_records_explain(record["readings"]),
    )


def wage_derivation(wage: Wage) -> rules.ContributoryWage:
    """How the wage's contributory wage was derived (a wage carried over by a transfer: as it was
    derived for the wage it came from, ``contributory_inputs["carried_over_from_wage"]``).
    PRM-005/PRM-008 as above."""
    record = wage.contributory_inputs
    return rules.ContributoryWage.from_record(
        record,
        amount=wage.contributory_wage,
        basic=wage.basic,
        readings=parameter_records_explain(record["readings"]),
    )
