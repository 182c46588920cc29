"""Writes to the register: one function per business operation (MISSION REG-1 … REG-6).

Each service validates with the pure rules (``rules.py``), writes, and records what it did in the
audit log as its last write, with before and after. A refusal (``SimisError``) rolls the
operation back and is then recorded in the audit log on its own, outside the rolled-back block
(``refusals_audited``). Callers pass ``requested_on`` (the day of the request, default today) so
deadlines are judged against the day the employer asked, and ``request`` when there is one.

``actor`` is the user acting; ``None`` is the system itself (data migration, the ``populate``
generator). Employer users act only for establishments they are bound to (a binding to a main
establishment covers its branches); staff act for all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from simis.audit.public import audit_record, model_snapshot
from simis.core.dates import Calendar, month_start
from simis.core.errors import DateError, IdentifierError, SimisError
from simis.core.identifiers import IdentityKind
from simis.core.money import Money
from simis.core.parameter_table import ParameterReader, Regime
from simis.core.selectors import parameter_reader
from simis.identity.public import (
    Audience,
    IdentityError,
    OrganisationKind,
    OrganisationRole,
    organisation_bind,
    user_scope,
)
from simis.notifications.public import phone_normalise
from simis.registry import rules
from simis.registry.actions import RegistryAction
from simis.registry.changes import periods_changed
from simis.registry.choices import (
    EngagementStatus,
    EstablishmentStatus,
    Gender,
    LeaveReason,
    ReviewDecision,
    ReviewReason,
)
from simis.registry.errors import LineError, RegistryError, RegistryLinesError
from simis.registry.models import (
    SAUDI,
    Country,
    EconomicActivity,
    Engagement,
    Establishment,
    Occupation,
    Office,
    Person,
    PersonIdentity,
    Region,
    Wage,
    WageBatch,
)
from simis.registry.review_cases import registration_approved_notify, review_case_open

P = ParamSpec("P")
R = TypeVar("R")


# --- Inputs ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IdentityInput:
    """An identity document as typed. ``country``: ISO alpha-3 (or alpha-2) of the issuing state,
    needed for GCC national IDs and passports (a passport defaults to the nationality)."""

    kind: IdentityKind | str
    number: str
    country: str = ""


@dataclass(frozen=True, slots=True)
class PersonNames:
    """The four-part name in Arabic and in English; first and family names are required."""

    first_ar: str
    family_ar: str
    first_en: str
    family_en: str
    father_ar: str = ""
    grandfather_ar: str = ""
    father_en: str = ""
    grandfather_en: str = ""


@dataclass(frozen=True, slots=True)
class WageInput:
    """Basic wage, housing allowance and other allowances, monthly, in riyals."""

    basic: Money
    housing: Money = field(default_factory=Money.zero)
    other: Money = field(default_factory=Money.zero)
    housing_in_kind: bool = False

    def __post_init__(self) -> None:
        # Channels hand over Decimals or numeric strings; the rules work in Money.
        for name in ("basic", "housing", "other"):
            value = getattr(self, name)
            if not isinstance(value, Money):
                object.__setattr__(self, name, Money(value))


@dataclass(frozen=True, slots=True)
class WageLine:
    """One wage change of a multi-line request: the period and its new wage; ``occupation``
    (ISCO-08 code) when it changes too."""

    engagement: Engagement
    wage: WageInput
    occupation: str | None = None


@dataclass(frozen=True, slots=True)
class ContributorRegistration:
    person: Person
    engagement: Engagement
    wage: Wage


# --- Plumbing -------------------------------------------------------------------------------------


def _today(requested_on: date | None) -> date:
    return requested_on or timezone.localdate()


def _json_params(params: dict[str, Any]) -> dict[str, str]:
    return {key: str(value) for key, value in params.items()}


def refusal_record(*, operation: str, error: SimisError, actor: Any, request: HttpRequest | None) -> None:
    """Put a refused operation in the audit log, in its own transaction, so the entry survives
    the refusal. Line-by-line refusals keep each line's code."""
    extra: dict[str, Any] = {"operation": operation, "code": error.code, "params": _json_params(error.params)}
    if isinstance(error, RegistryLinesError):
        extra["lines"] = [
            {"line": item.line, "code": item.error.code, "params": _json_params(item.error.params)}
            for item in error.line_errors
        ]
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=RegistryAction.REQUEST_REFUSED,
            extra=extra,
            request=request,
            outcome="refused",
        )


def refusals_audited(func: Callable[P, R]) -> Callable[P, R]:
    """Wraps an atomic service: a ``SimisError`` escaping it (its writes already rolled back) is
    recorded as a refusal, then raised again."""

    @wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except SimisError as error:
            request = kwargs.get("request")
            refusal_record(
                operation=func.__name__,
                error=error,
                actor=kwargs.get("actor"),
                request=request if isinstance(request, HttpRequest) else None,
            )
            raise

    return run


def _is_staff(actor: Any) -> bool:
    return actor is None or (
        getattr(actor, "is_authenticated", False) and getattr(actor, "audience", "") == Audience.STAFF
    )


def _require_staff(actor: Any) -> None:
    if not _is_staff(actor):
        raise SimisError(RegistryError.STAFF_ONLY)


def acts_for(actor: Any, establishment: Establishment, role: str = OrganisationRole.OFFICER) -> bool:
    """Whether ``actor`` may act for the establishment with at least ``role`` (changes need an
    officer, binding users an administrator; a viewer only reads): the system and staff always;
    an organisation user bound to it or to its main establishment."""
    if actor is None:
        return True
    scope = user_scope(actor)
    if scope.allows(OrganisationKind.ESTABLISHMENT, establishment.number, role=role):
        return True
    if establishment.parent_id is None:
        return False
    main_number = Establishment.objects.values_list("number", flat=True).get(pk=establishment.parent_id)
    return scope.allows(OrganisationKind.ESTABLISHMENT, main_number, role=role)


def _require_acts_for(actor: Any, establishment: Establishment, role: str = OrganisationRole.OFFICER) -> None:
    if not acts_for(actor, establishment, role):
        raise SimisError(IdentityError.OUT_OF_SCOPE)


def _require_active(establishment: Establishment) -> None:
    if establishment.status != EstablishmentStatus.ACTIVE:
        raise SimisError(
            RegistryError.ESTABLISHMENT_NOT_ACTIVE,
            number=establishment.number,
            status=EstablishmentStatus(establishment.status).label,
        )


def _reference(model: Any, code: str, error: RegistryError) -> Any:
    found = model.objects.filter(pk=str(code or "").strip()).first()
    if found is None:
        raise SimisError(error, value=code)
    return found


def _country(code: str) -> Country:
    text = str(code or "").strip().upper()
    found = Country.objects.filter(code=text).first() or Country.objects.filter(alpha2=text).first()
    if found is None:
        raise SimisError(RegistryError.UNKNOWN_COUNTRY, value=code)
    return found


def _occupation(code: str) -> Occupation:
    found: Occupation = _reference(Occupation, code, RegistryError.UNKNOWN_OCCUPATION)
    return found


def _leave_reason(reason: LeaveReason | str) -> LeaveReason:
    try:
        return LeaveReason(reason)
    except ValueError:
        raise SimisError(RegistryError.UNKNOWN_LEAVE_REASON, value=str(reason)) from None


def _overlap_error(
    person: Person, establishment: Establishment, start: date, end: date | None
) -> SimisError | None:
    clash = (
        Engagement.objects.filter(person=person, establishment=establishment, join_date__lte=end or date.max)
        .exclude(leave_date__lt=start)
        .order_by("join_date")
        .first()
    )
    if clash is None:
        return None
    return SimisError(
        RegistryError.OVERLAP,
        contributor_number=person.contributor_number,
        number=establishment.number,
        join=clash.join_date.isoformat(),
    )


def _engagement_insert(engagement: Engagement) -> Engagement:
    """Insert under a savepoint: a concurrent overlapping period (the exclusion constraint)
    becomes the coded refusal instead of a database error."""
    try:
        with transaction.atomic():
            engagement.save(force_insert=True)
    except IntegrityError as error:
        if "registry_eng_no_overlap" not in str(error):
            raise
        raise (
            _overlap_error(
                engagement.person, engagement.establishment, engagement.join_date, engagement.leave_date
            )
            or SimisError(
                RegistryError.OVERLAP,
                contributor_number=engagement.person.contributor_number,
                number=engagement.establishment.number,
                join=engagement.join_date.isoformat(),
            )
        ) from None
    return engagement


def _apply_coverage(engagement: Engagement, coverage: rules.Coverage) -> bool:
    """Copy derived coverage onto the period; True when anything changed."""
    values = {
        "covers_annuities": coverage.annuities,
        "covers_occupational_hazards": coverage.occupational_hazards,
        "covers_unemployment": coverage.unemployment,
        "gcc_extension": coverage.gcc_extension,
        "gcc_country": coverage.gcc_country,
        "coverage_regime": coverage.regime.value,
    }
    changed = any(getattr(engagement, name) != value for name, value in values.items())
    for name, value in values.items():
        setattr(engagement, name, value)
    engagement.coverage_inputs = coverage.as_record()
    return changed


def _coverage_for(
    person: Person, first_covered_on: date, regime: Regime, read: ParameterReader
) -> rules.Coverage:
    nationality = person.nationality
    return rules.coverage_derive(
        nationality=rules.nationality_class(nationality.code, is_gcc=nationality.is_gcc),
        gcc_country=nationality.alpha2 if nationality.is_gcc and nationality.code != SAUDI else None,
        birth_date=person.birth_date,
        first_covered_on=first_covered_on,
        regime=regime,
        read=read,
    )


def _spans(person: Person, extra: Sequence[rules.Span] = ()) -> list[rules.Span]:
    rows = Engagement.objects.filter(person=person).values_list("join_date", "leave_date")
    return [rules.Span(join, leave) for join, leave in rows] + list(extra)


def _regime_for(
    person: Person, read: ParameterReader, extra: Sequence[rules.Span] = ()
) -> rules.RegimeDerivation:
    return rules.regime_derive(
        birth_date=person.birth_date,
        periods=_spans(person, extra),
        external_old_law_months=person.external_old_law_months,
        read=read,
    )


def person_rederive(person: Person, *, read: ParameterReader, on: date) -> dict[str, Any]:
    """Recompute the person's regime from all their periods, and every period's covered branches
    (they depend on the regime and the first coverage date). Called by every service that
    changes periods. Returns what changed, for the audit entry."""
    derivation = _regime_for(person, read)
    changes: dict[str, Any] = {}
    if person.regime != derivation.regime:
        changes["regime"] = {"before": person.regime, "after": derivation.regime.value}
    person.regime = derivation.regime
    person.regime_inputs = derivation.as_record()
    person.regime_derived_on = on
    person.save(update_fields=["regime", "regime_inputs", "regime_derived_on"])
    if derivation.first_covered_on is None:
        return changes
    coverage = _coverage_for(person, derivation.first_covered_on, derivation.regime, read)
    recovered: list[int] = []
    for engagement in Engagement.objects.filter(person=person).select_for_update():
        changed = _apply_coverage(engagement, coverage)
        engagement.save(update_fields=[*_COVERAGE_FIELDS, "coverage_inputs"])
        if changed:
            recovered.append(engagement.pk)
    if recovered:
        changes["coverage_changed"] = recovered
        periods_changed(
            (e.pk, e.establishment_id, e.join_date) for e in Engagement.objects.filter(pk__in=recovered)
        )
    return changes


_COVERAGE_FIELDS = [
    "coverage_regime",
    "covers_annuities",
    "covers_occupational_hazards",
    "covers_unemployment",
    "gcc_extension",
    "gcc_country",
]


def _last_wage(engagement: Engagement) -> Wage | None:
    return Wage.objects.filter(engagement=engagement).order_by("-effective_from").first()


def _prior(wage: Wage | None) -> rules.PriorWage | None:
    if wage is None:
        return None
    return rules.PriorWage(
        effective_from=wage.effective_from,
        basic=wage.basic,
        housing=wage.housing,
        housing_in_kind=wage.housing_in_kind,
        contributory_wage=wage.contributory_wage,
    )


def _wage_build(
    *,
    engagement: Engagement,
    person: Person,
    wage: WageInput,
    effective_from: date,
    regime: Regime | None = None,
    prior: Wage | None,
    read: ParameterReader,
    occupation: Occupation | None = None,
    batch: WageBatch | None = None,
) -> Wage:
    rules.wage_amounts_check(basic=wage.basic, housing=wage.housing, other=wage.other)
    derived = rules.contributory_wage(
        basic=wage.basic,
        housing=wage.housing,
        housing_in_kind=wage.housing_in_kind,
        regime=regime or Regime(person.regime),
        covers_annuities=engagement.covers_annuities,
        effective_from=effective_from,
        birth_date=person.birth_date,
        prior=_prior(prior),
        read=read,
    )
    return Wage(
        engagement=engagement,
        establishment_id=engagement.establishment_id,
        effective_from=effective_from,
        basic=wage.basic,
        housing=wage.housing,
        other=wage.other,
        housing_in_kind=wage.housing_in_kind,
        occupation=occupation,
        contributory_wage=derived.amount,
        contributory_inputs=derived.as_record(),
        parameter_version_ids=derived.version_ids,
        batch=batch,
    )


def _pending(engagement: Engagement, reason: ReviewReason, timing: rules.Timing) -> None:
    engagement.status = EngagementStatus.PENDING_REVIEW
    engagement.review_reason = reason
    engagement.disputed_from = timing.disputed_from
    engagement.disputed_until = timing.disputed_until


# --- REG-1: establishments and their users --------------------------------------------------------


@refusals_audited
@transaction.atomic
def establishment_register(
    *,
    actor: Any,
    unified_number: str,
    commercial_registration: str,
    name_ar: str,
    name_en: str,
    economic_activity: str,
    region: str,
    city: str,
    office: str,
    registered_on: date | None = None,
    request: HttpRequest | None = None,
) -> Establishment:
    """Registers a main establishment (REG-1). Staff, the system or an employer user may register;
    the 700 number and the CR number must not belong to another main establishment."""
    if not (_is_staff(actor) or getattr(actor, "audience", "") == Audience.EMPLOYER):
        raise SimisError(RegistryError.REGISTRANT_NOT_ALLOWED)
    unified, cr = rules.establishment_fields_check(
        unified_number=unified_number,
        commercial_registration=commercial_registration,
        name_ar=name_ar,
        name_en=name_en,
        city=city,
    )
    today = timezone.localdate()
    registered_on = registered_on or today
    if registered_on > today:
        raise SimisError(RegistryError.REGISTERED_IN_FUTURE, date=registered_on.isoformat())
    taken = Establishment.objects.filter(is_main=True, unified_number=unified).first()
    if taken is not None:
        raise SimisError(RegistryError.UNIFIED_NUMBER_TAKEN, value=unified, number=taken.number)
    taken = Establishment.objects.filter(is_main=True, commercial_registration=cr).first()
    if taken is not None:
        raise SimisError(RegistryError.CR_TAKEN, value=cr, number=taken.number)
    establishment = Establishment.objects.create(
        unified_number=unified,
        commercial_registration=cr,
        name_ar=name_ar.strip(),
        name_en=name_en.strip(),
        is_main=True,
        economic_activity=_reference(EconomicActivity, economic_activity, RegistryError.UNKNOWN_ACTIVITY),
        region=_reference(Region, region, RegistryError.UNKNOWN_REGION),
        city=city.strip(),
        office=_reference(Office, office, RegistryError.UNKNOWN_OFFICE),
        registered_on=registered_on,
    )
    establishment.refresh_from_db(fields=["number"])
    audit_record(
        actor=actor,
        action=RegistryAction.ESTABLISHMENT_REGISTERED,
        subject=establishment,
        after=model_snapshot(establishment),
        request=request,
    )
    return establishment


@refusals_audited
@transaction.atomic
def establishment_branch_add(
    *,
    actor: Any,
    main: Establishment,
    name_ar: str,
    name_en: str,
    economic_activity: str,
    region: str,
    city: str,
    office: str,
    commercial_registration: str | None = None,
    unified_number: str | None = None,
    registered_on: date | None = None,
    request: HttpRequest | None = None,
) -> Establishment:
    """Adds a branch under a main establishment (REG-1). The branch takes the main's 700 number
    and CR number unless it has its own. Refused under a branch (REG-105) or an inactive main."""
    _require_acts_for(actor, main)
    main = Establishment.objects.select_for_update().get(pk=main.pk)
    if not main.is_main:
        raise SimisError(RegistryError.PARENT_NOT_MAIN, number=main.number)
    _require_active(main)
    unified, cr = rules.establishment_fields_check(
        unified_number=unified_number or main.unified_number,
        commercial_registration=commercial_registration or main.commercial_registration,
        name_ar=name_ar,
        name_en=name_en,
        city=city,
    )
    today = timezone.localdate()
    registered_on = registered_on or today
    if registered_on > today:
        raise SimisError(RegistryError.REGISTERED_IN_FUTURE, date=registered_on.isoformat())
    branch = Establishment.objects.create(
        unified_number=unified,
        commercial_registration=cr,
        name_ar=name_ar.strip(),
        name_en=name_en.strip(),
        is_main=False,
        parent=main,
        parent_is_main=True,
        economic_activity=_reference(EconomicActivity, economic_activity, RegistryError.UNKNOWN_ACTIVITY),
        region=_reference(Region, region, RegistryError.UNKNOWN_REGION),
        city=city.strip(),
        office=_reference(Office, office, RegistryError.UNKNOWN_OFFICE),
        registered_on=registered_on,
    )
    branch.refresh_from_db(fields=["number"])
    audit_record(
        actor=actor,
        action=RegistryAction.BRANCH_ADDED,
        subject=branch,
        after=model_snapshot(branch),
        extra={"main": main.number},
        request=request,
    )
    return branch


@refusals_audited
@transaction.atomic
def establishment_status_change(
    *,
    actor: Any,
    establishment: Establishment,
    status: EstablishmentStatus | str,
    request: HttpRequest | None = None,
) -> Establishment:
    """Suspends, closes or reactivates an establishment (staff only). Closing needs every period
    terminated (REG-116) and, for a main, every branch closed first (REG-117)."""
    _require_staff(actor)
    establishment = Establishment.objects.select_for_update().get(pk=establishment.pk)
    try:
        new = EstablishmentStatus(status)
    except ValueError:
        raise SimisError(RegistryError.UNKNOWN_STATUS, value=str(status)) from None
    if establishment.status == new:
        raise SimisError(RegistryError.STATUS_UNCHANGED, number=establishment.number, status=new.label)
    if new == EstablishmentStatus.CLOSED:
        active = establishment.engagements.exclude(status=EngagementStatus.TERMINATED).count()
        if active:
            raise SimisError(
                RegistryError.ESTABLISHMENT_HAS_ACTIVE_PERIODS, number=establishment.number, count=active
            )
        if establishment.branches.exclude(status=EstablishmentStatus.CLOSED).exists():
            raise SimisError(RegistryError.ESTABLISHMENT_HAS_OPEN_BRANCHES, number=establishment.number)
    before = model_snapshot(establishment, ["status"])
    establishment.status = new
    establishment.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=RegistryAction.ESTABLISHMENT_STATUS_CHANGED,
        subject=establishment,
        before=before,
        after=model_snapshot(establishment, ["status"]),
        request=request,
    )
    return establishment


@refusals_audited
@transaction.atomic
def establishment_user_bind(
    *,
    actor: Any,
    establishment: Establishment,
    user: Any,
    role: OrganisationRole | str,
    valid_from: date | None = None,
    valid_to: date | None = None,
    request: HttpRequest | None = None,
) -> Any:
    """Lets an employer user act for an establishment, with a role (administrator, officer,
    viewer), through identity's organisation binding (REG-1). Only the institution or an
    administrator of the establishment may bind. Returns the membership."""
    _require_acts_for(actor, establishment, OrganisationRole.ADMINISTRATOR)
    if getattr(user, "audience", "") != Audience.EMPLOYER:
        raise SimisError(RegistryError.USER_NOT_EMPLOYER, username=user.get_username())
    if role not in OrganisationRole.values:
        raise SimisError(RegistryError.UNKNOWN_ROLE, value=str(role))
    if user_scope(user, on=valid_from).allows(OrganisationKind.ESTABLISHMENT, establishment.number):
        raise SimisError(
            RegistryError.USER_ALREADY_BOUND, username=user.get_username(), number=establishment.number
        )
    membership = organisation_bind(
        actor=actor,
        user=user,
        org_kind=OrganisationKind.ESTABLISHMENT,
        org_key=establishment.number,
        role=str(role),
        valid_from=valid_from,
        valid_to=valid_to,
    )
    audit_record(
        actor=actor,
        action=RegistryAction.ESTABLISHMENT_USER_BOUND,
        subject=establishment,
        after={"user_id": user.pk, "username": user.get_username(), "role": str(role)},
        request=request,
    )
    return membership


# --- GOV-1: government inquiries ------------------------------------------------------------------


@transaction.atomic
def government_lookup_record(
    *,
    actor: Any,
    purpose: str,
    query: dict[str, Any],
    shown: dict[str, Any],
    subject: Any = None,
    request: HttpRequest | None = None,
) -> None:
    """GOV-1: every look-up of the register by a government agency is recorded with the purpose
    it stated, what it asked and what it was shown (``shown`` empty: nothing was found). A
    look-up without a purpose is refused (REG-701) and nothing is shown."""
    stated = " ".join(str(purpose or "").split())
    if not stated:
        raise SimisError(RegistryError.GOVERNMENT_PURPOSE_REQUIRED)
    audit_record(
        actor=actor,
        action=RegistryAction.GOVERNMENT_LOOKUP,
        subject=subject,
        extra={"purpose": stated, "query": query, "shown": shown, "channel": "portal"},
        request=request,
    )


# --- REG-2: contributors --------------------------------------------------------------------------


def _documents(identities: Sequence[IdentityInput], nationality: Country) -> list[rules.Document]:
    documents = []
    for item in identities:
        try:
            kind = IdentityKind(item.kind)
        except ValueError:
            raise SimisError(IdentifierError.WRONG_KIND, value=str(item.kind)) from None
        if kind in (IdentityKind.NATIONAL_ID, IdentityKind.IQAMA):
            documents.append(rules.Document(kind, item.number, SAUDI, "SA"))
            continue
        issuer = _country(item.country) if item.country else nationality
        documents.append(rules.Document(kind, item.number, issuer.code, issuer.alpha2))
    return documents


def _names_check(names: PersonNames) -> None:
    if not all(part.strip() for part in (names.first_ar, names.family_ar, names.first_en, names.family_en)):
        raise SimisError(RegistryError.PERSON_NAME_REQUIRED)


@refusals_audited
@transaction.atomic
def contributor_register(
    *,
    actor: Any,
    establishment: Establishment,
    identities: Sequence[IdentityInput],
    names: PersonNames,
    birth_date: date,
    gender: Gender | str,
    nationality: str,
    join_date: date,
    occupation: str,
    wage: WageInput,
    birth_date_calendar: Calendar | str = Calendar.GREGORIAN,
    external_old_law_months: int = 0,
    mobile: str = "",
    requested_on: date | None = None,
    request: HttpRequest | None = None,
) -> ContributorRegistration:
    """Registers a person never covered before, Saudi or not, with the first contribution period
    and the first wage (REG-2). Refused when any identity number is already registered (REG-201,
    naming the contributor). The regime and covered branches are derived, never given; a late
    registration (after the end of the month of joining) waits for review, one beyond the
    retroactive limit is refused."""
    today = _today(requested_on)
    _require_acts_for(actor, establishment)
    _require_active(establishment)
    _names_check(names)
    if gender not in Gender.values:
        raise SimisError(RegistryError.UNKNOWN_GENDER, value=str(gender))
    if external_old_law_months < 0:
        raise SimisError(RegistryError.NEGATIVE_EXTERNAL_MONTHS)
    if birth_date_calendar not in Calendar.values:
        raise SimisError(DateError.UNKNOWN_CALENDAR, value=str(birth_date_calendar))
    country = _country(nationality)
    occupation_row = _occupation(occupation)
    documents = rules.identity_documents_check(
        nationality=country.code, documents=_documents(identities, country)
    )
    for doc in documents:
        existing = (
            PersonIdentity.objects.filter(kind=doc.kind, country_id=doc.country, number=doc.number)
            .select_related("person")
            .first()
        )
        if existing is not None:
            raise SimisError(
                RegistryError.IDENTITY_EXISTS,
                number=doc.number,
                contributor_number=existing.person.contributor_number,
            )
    mobile = phone_normalise(mobile) if mobile.strip() else ""
    read = parameter_reader()
    derivation = rules.regime_derive(
        birth_date=birth_date,
        periods=[rules.Span(join_date)],
        external_old_law_months=external_old_law_months,
        read=read,
    )
    rules.worker_age_check(birth_date=birth_date, join_date=join_date, regime=derivation.regime, read=read)
    timing = rules.registration_timing(
        join_date=join_date, leave_date=None, requested_on=today, regime=derivation.regime, read=read
    )
    person = Person.objects.create(
        first_name_ar=names.first_ar.strip(),
        father_name_ar=names.father_ar.strip(),
        grandfather_name_ar=names.grandfather_ar.strip(),
        family_name_ar=names.family_ar.strip(),
        first_name_en=names.first_en.strip(),
        father_name_en=names.father_en.strip(),
        grandfather_name_en=names.grandfather_en.strip(),
        family_name_en=names.family_en.strip(),
        birth_date=birth_date,
        birth_date_calendar=Calendar(birth_date_calendar),
        gender=gender,
        nationality=country,
        external_old_law_months=external_old_law_months,
        regime=derivation.regime,
        regime_inputs=derivation.as_record(),
        regime_derived_on=today,
        registered_on=today,
        mobile=mobile,
    )
    person.refresh_from_db(fields=["contributor_number"])
    try:
        with transaction.atomic():
            PersonIdentity.objects.bulk_create(
                PersonIdentity(person=person, kind=doc.kind, country_id=doc.country, number=doc.number)
                for doc in documents
            )
    except IntegrityError:
        # Registered meanwhile by a concurrent request: name who has it now.
        for doc in documents:
            existing = PersonIdentity.objects.filter(
                kind=doc.kind, country_id=doc.country, number=doc.number
            ).first()
            if existing is not None and existing.person_id != person.pk:
                raise SimisError(
                    RegistryError.IDENTITY_EXISTS,
                    number=doc.number,
                    contributor_number=existing.person.contributor_number,
                ) from None
        raise
    coverage = _coverage_for(person, join_date, derivation.regime, read)
    engagement = Engagement(
        person=person,
        establishment=establishment,
        join_date=join_date,
        occupation=occupation_row,
        requested_on=today,
    )
    _apply_coverage(engagement, coverage)
    if timing.late:
        _pending(engagement, ReviewReason.LATE_REGISTRATION, timing)
    _engagement_insert(engagement)
    first_wage = _wage_build(
        engagement=engagement,
        person=person,
        wage=wage,
        effective_from=join_date,
        prior=None,
        read=read,
        occupation=occupation_row,
    )
    first_wage.save()
    periods_changed([(engagement.pk, establishment.pk, join_date)])
    audit_record(
        actor=actor,
        action=RegistryAction.CONTRIBUTOR_REGISTERED,
        subject=person,
        after={
            "person": model_snapshot(person),
            "identities": [
                {"kind": d.kind.value, "country": d.country, "number": d.number} for d in documents
            ],
            "engagement": model_snapshot(engagement),
            "wage": model_snapshot(first_wage),
        },
        extra={"timing": timing.as_record()},
        request=request,
    )
    if review_case_open(engagement, actor=actor, request=request) is None:
        registration_approved_notify(engagement, actor=actor)  # on time: approved as registered
    return ContributorRegistration(person, engagement, first_wage)


@refusals_audited
@transaction.atomic
def contributor_user_link(
    *, actor: Any, person: Person, user: Any, request: HttpRequest | None = None
) -> Person:
    """Links an insured person's portal account to their contributor record, so they see their
    own periods (staff or the system only, after identity has verified the person)."""
    _require_staff(actor)
    if getattr(user, "audience", "") != Audience.CONTRIBUTOR:
        raise SimisError(RegistryError.USER_NOT_CONTRIBUTOR, username=user.get_username())
    linked = Person.objects.filter(user=user).exclude(pk=person.pk).first()
    if linked is not None:
        raise SimisError(
            RegistryError.USER_ALREADY_LINKED,
            username=user.get_username(),
            contributor_number=linked.contributor_number,
        )
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = model_snapshot(person, ["user"])
    person.user = user
    person.save(update_fields=["user"])
    audit_record(
        actor=actor,
        action=RegistryAction.CONTRIBUTOR_USER_LINKED,
        subject=person,
        before=before,
        after=model_snapshot(person, ["user"]),
        extra={"linked_user": user.get_username()},
        request=request,
    )
    return person


# --- REG-3: contribution periods ------------------------------------------------------------------


@refusals_audited
@transaction.atomic
def engagement_add(
    *,
    actor: Any,
    person: Person,
    establishment: Establishment,
    join_date: date,
    occupation: str,
    wage: WageInput,
    leave_date: date | None = None,
    leave_reason: LeaveReason | str | None = None,
    requested_on: date | None = None,
    request: HttpRequest | None = None,
) -> Engagement:
    """Adds a contribution period for an already registered contributor, with its first wage
    (REG-3). A finished period may be added with its leave date and reason. Deadline and
    retroactive limit as for a new contributor (RULES §3); the person's regime and every
    period's branches are derived again afterwards."""
    today = _today(requested_on)
    _require_acts_for(actor, establishment)
    _require_active(establishment)
    person = Person.objects.select_for_update().select_related("nationality").get(pk=person.pk)
    occupation_row = _occupation(occupation)
    reason: LeaveReason | None = None
    if leave_date is not None:
        reason = _leave_reason(leave_reason or "")
        if reason == LeaveReason.TRANSFER:
            raise SimisError(RegistryError.TRANSFER_REASON_RESERVED)
    read = parameter_reader()
    span = rules.Span(join_date, leave_date)
    derivation = _regime_for(person, read, [span])
    rules.worker_age_check(
        birth_date=person.birth_date, join_date=join_date, regime=derivation.regime, read=read
    )
    timing = rules.registration_timing(
        join_date=join_date, leave_date=leave_date, requested_on=today, regime=derivation.regime, read=read
    )
    clash = _overlap_error(person, establishment, join_date, leave_date)
    if clash is not None:
        raise clash
    assert derivation.first_covered_on is not None  # the new span is among the periods
    engagement = Engagement(
        person=person,
        establishment=establishment,
        join_date=join_date,
        leave_date=leave_date,
        leave_reason=reason or "",
        occupation=occupation_row,
        status=EngagementStatus.TERMINATED if leave_date else EngagementStatus.ACTIVE,
        requested_on=today,
    )
    _apply_coverage(engagement, _coverage_for(person, derivation.first_covered_on, derivation.regime, read))
    if timing.late:
        _pending(engagement, ReviewReason.LATE_REGISTRATION, timing)
    _engagement_insert(engagement)
    first_wage = _wage_build(
        engagement=engagement,
        person=person,
        regime=derivation.regime,
        wage=wage,
        effective_from=join_date,
        prior=None,
        read=read,
        occupation=occupation_row,
    )
    first_wage.save()
    periods_changed([(engagement.pk, establishment.pk, join_date)])
    changes = person_rederive(person, read=read, on=today)
    engagement.refresh_from_db()
    audit_record(
        actor=actor,
        action=RegistryAction.ENGAGEMENT_ADDED,
        subject=engagement,
        after={"engagement": model_snapshot(engagement), "wage": model_snapshot(first_wage)},
        extra={"timing": timing.as_record(), "rederived": changes},
        request=request,
    )
    review_case_open(engagement, actor=actor, request=request)
    return engagement


@refusals_audited
@transaction.atomic
def engagement_terminate(
    *,
    actor: Any,
    engagement: Engagement,
    leave_date: date,
    reason: LeaveReason | str,
    requested_on: date | None = None,
    request: HttpRequest | None = None,
) -> Engagement:
    """Ends a contribution period on ``leave_date`` (its last day) for ``reason`` (REG-3).
    Refused before the last wage change (REG-305), on an ended period (REG-306) or one under
    review (REG-307); a transfer has its own service (REG-312). Due by the end of the month of
    leaving: a late termination waits for review, its months from leaving to the request
    disputed (RULES §3)."""
    today = _today(requested_on)
    engagement = Engagement.objects.select_for_update().select_related("establishment").get(pk=engagement.pk)
    _require_acts_for(actor, engagement.establishment)
    if engagement.status == EngagementStatus.PENDING_REVIEW:
        raise SimisError(RegistryError.PENDING_REVIEW, reason=ReviewReason(engagement.review_reason).label)
    if engagement.status == EngagementStatus.TERMINATED:
        raise SimisError(RegistryError.ALREADY_TERMINATED, leave=str(engagement.leave_date))
    chosen = _leave_reason(reason)
    if chosen == LeaveReason.TRANSFER:
        raise SimisError(RegistryError.TRANSFER_REASON_RESERVED)
    last = Wage.objects.filter(engagement=engagement).aggregate(last=Max("effective_from"))["last"]
    timing = rules.termination_timing(
        join_date=engagement.join_date, leave_date=leave_date, requested_on=today, last_wage_from=last
    )
    before = model_snapshot(engagement)
    engagement.leave_date = leave_date
    engagement.leave_reason = chosen
    engagement.status = EngagementStatus.TERMINATED
    if timing.late:
        _pending(engagement, ReviewReason.LATE_EXCLUSION, timing)
    engagement.save()
    periods_changed([(engagement.pk, engagement.establishment_id, leave_date + timedelta(days=1))])
    person = Person.objects.select_for_update().select_related("nationality").get(pk=engagement.person_id)
    changes = person_rederive(person, read=parameter_reader(), on=today)
    engagement.refresh_from_db()
    audit_record(
        actor=actor,
        action=RegistryAction.ENGAGEMENT_TERMINATED,
        subject=engagement,
        before=before,
        after=model_snapshot(engagement),
        extra={"timing": timing.as_record(), "rederived": changes},
        request=request,
    )
    review_case_open(engagement, actor=actor, request=request)
    return engagement


@refusals_audited
@transaction.atomic
def engagement_review_decide(
    *,
    actor: Any,
    engagement: Engagement,
    decision: ReviewDecision | str,
    note: str = "",
    on: date | None = None,
    request: HttpRequest | None = None,
) -> Engagement | None:
    """Decides a late registration or termination (staff only; the workflow will route it).

    Approved: the period stands as registered and its disputed months become billable.
    Rejected: a late registration is removed with its wages (``None`` is returned); a late
    termination is undone and the period is active again (the employer terminates it anew)."""
    _require_staff(actor)
    today = on or timezone.localdate()
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    if engagement.status != EngagementStatus.PENDING_REVIEW:
        raise SimisError(RegistryError.NOT_PENDING_REVIEW)
    try:
        chosen = ReviewDecision(decision)
    except ValueError:
        raise SimisError(RegistryError.UNKNOWN_DECISION, value=str(decision)) from None
    before = model_snapshot(engagement)
    reason = engagement.review_reason
    subject_id = engagement.pk
    # Approved: its disputed months become billable. Rejected: removed, or its leaving undone.
    since = engagement.disputed_from if chosen == ReviewDecision.APPROVED else None
    periods_changed([(engagement.pk, engagement.establishment_id, since or engagement.join_date)])
    result: Engagement | None = engagement
    if chosen == ReviewDecision.APPROVED:
        engagement.status = EngagementStatus.TERMINATED if engagement.leave_date else EngagementStatus.ACTIVE
    elif reason == ReviewReason.LATE_REGISTRATION:
        Wage.objects.filter(engagement=engagement).delete()
        engagement.delete()
        result = None
    else:
        engagement.leave_date = None
        engagement.leave_reason = ""
        engagement.status = EngagementStatus.ACTIVE
    if result is not None:
        engagement.review_reason = ""
        engagement.disputed_from = None
        engagement.disputed_until = None
        engagement.save()
    person = Person.objects.select_for_update().select_related("nationality").get(pk=engagement.person_id)
    changes = person_rederive(person, read=parameter_reader(), on=today)
    audit_record(
        actor=actor,
        action=RegistryAction.ENGAGEMENT_REVIEWED,
        subject_type="registry.engagement",
        subject_id=subject_id,
        before=before,
        after=model_snapshot(result) if result is not None else None,
        extra={"decision": chosen.value, "reason": reason, "note": note, "rederived": changes},
        request=request,
    )
    return result


# --- REG-4 and REG-5: wages -----------------------------------------------------------------------


def _wage_lines_apply(
    *,
    establishment: Establishment,
    month: date,
    lines: Sequence[WageLine],
    read: ParameterReader,
    batch: WageBatch | None = None,
) -> list[Wage]:
    """Validates every line and writes them all, or raises ``RegistryLinesError`` with each
    refused line's error and writes nothing."""
    if not lines:
        raise SimisError(RegistryError.NO_LINES)
    effective_from = month_start(month)
    ids = [line.engagement.pk for line in lines]
    locked = {
        e.pk: e
        for e in Engagement.objects.select_for_update()
        .filter(pk__in=ids)
        .select_related("person", "person__nationality")
        .order_by("pk")
    }
    last_wages: dict[int, Wage] = {}
    for wage in (
        Wage.objects.filter(engagement_id__in=ids)
        .order_by("engagement_id", "-effective_from")
        .distinct("engagement_id")
    ):
        last_wages[wage.engagement_id] = wage
    seen: set[int] = set()
    errors: list[LineError] = []
    built: list[tuple[Wage, Engagement, Occupation | None]] = []
    for position, line in enumerate(lines, start=1):
        try:
            engagement = locked[line.engagement.pk]
            if engagement.establishment_id != establishment.pk:
                raise SimisError(
                    RegistryError.LINE_FOR_OTHER_ESTABLISHMENT,
                    engagement=engagement.pk,
                    number=establishment.number,
                )
            if engagement.pk in seen:
                raise SimisError(RegistryError.DUPLICATE_LINE, engagement=engagement.pk)
            seen.add(engagement.pk)
            occupation = _occupation(line.occupation) if line.occupation else None
            last = last_wages.get(engagement.pk)
            regime = Regime(engagement.person.regime)
            rules.wage_change_date_check(
                effective_from=effective_from,
                join_date=engagement.join_date,
                leave_date=engagement.leave_date,
                last_wage_from=last.effective_from if last else None,
                regime=regime,
                read=read,
            )
            wage = _wage_build(
                engagement=engagement,
                person=engagement.person,
                wage=line.wage,
                effective_from=effective_from,
                prior=last,
                read=read,
                occupation=occupation,
                batch=batch,
            )
            built.append((wage, engagement, occupation))
        except SimisError as error:
            errors.append(LineError(position, error))
    if errors:
        raise RegistryLinesError(errors, total=len(lines))
    wages = Wage.objects.bulk_create(wage for wage, _e, _o in built)
    periods_changed((w.engagement_id, w.establishment_id, w.effective_from) for w in wages)
    for _wage, engagement, occupation in built:
        if occupation is not None and engagement.occupation_id != occupation.pk:
            engagement.occupation = occupation
            engagement.save(update_fields=["occupation"])
    return wages


def _wage_lines_record(wages: Sequence[Wage]) -> list[dict[str, Any]]:
    return [
        {
            "wage_id": w.pk,
            "engagement_id": w.engagement_id,
            "effective_from": w.effective_from.isoformat(),
            "basic": str(w.basic.amount),
            "housing": str(w.housing.amount),
            "other": str(w.other.amount),
            "contributory_wage": str(w.contributory_wage.amount),
            "occupation_id": w.occupation_id,
        }
        for w in wages
    ]


@refusals_audited
@transaction.atomic
def wage_change(
    *,
    actor: Any,
    establishment: Establishment,
    month: date,
    lines: Sequence[WageLine],
    requested_on: date | None = None,
    request: HttpRequest | None = None,
) -> list[Wage]:
    """Changes the wages (and optionally the occupations) of one or many contributors of an
    establishment from the first day of ``month`` (REG-4). All lines apply or none: a refusal
    lists every refused line with its own code (REG-409). Each new contributory wage is derived
    with the annual mechanism before Feb 2022 and the age-50 cap (RULES §3)."""
    _require_acts_for(actor, establishment)
    wages = _wage_lines_apply(establishment=establishment, month=month, lines=lines, read=parameter_reader())
    audit_record(
        actor=actor,
        action=RegistryAction.WAGES_CHANGED,
        subject=establishment,
        after={"month": month_start(month).isoformat(), "lines": _wage_lines_record(wages)},
        extra={"requested_on": _today(requested_on).isoformat()},
        request=request,
    )
    return wages


def _counted(wages: Sequence[Wage]) -> rules.BatchSummary:
    return rules.BatchSummary(
        line_count=len(wages),
        total_basic=Money.total(w.basic for w in wages),
        total_housing=Money.total(w.housing for w in wages),
        total_contributory=Money.total(w.contributory_wage for w in wages),
    )


def _summary_record(summary: rules.BatchSummary) -> dict[str, Any]:
    return {
        "line_count": summary.line_count,
        "total_basic": str(summary.total_basic.amount),
        "total_housing": str(summary.total_housing.amount),
        "total_contributory": str(summary.total_contributory.amount),
    }


@refusals_audited
@transaction.atomic
def wage_batch_register(
    *,
    actor: Any,
    establishment: Establishment,
    month: date,
    lines: Sequence[WageLine],
    declared: rules.BatchSummary,
    reference: str = "",
    requested_on: date | None = None,
    request: HttpRequest | None = None,
) -> WageBatch:
    """Registers a batch of wage changes with the summary the employer declares (REG-5): number
    of lines, total basic wage, total housing allowance, total contributory wage. Refused as a
    whole, showing each figure and its difference (REG-501), unless the declared summary equals
    the lines'; refused line by line (REG-409) like ``wage_change``."""
    _require_acts_for(actor, establishment)
    batch = WageBatch.objects.create(
        establishment=establishment,
        month=month_start(month),
        reference=reference.strip(),
        declared_line_count=declared.line_count,
        declared_total_basic=declared.total_basic,
        declared_total_housing=declared.total_housing,
        declared_total_contributory=declared.total_contributory,
    )
    wages = _wage_lines_apply(
        establishment=establishment, month=month, lines=lines, read=parameter_reader(), batch=batch
    )
    rules.batch_summary_check(declared=declared, counted=_counted(wages))
    audit_record(
        actor=actor,
        action=RegistryAction.WAGE_BATCH_REGISTERED,
        subject=batch,
        after={"batch": model_snapshot(batch), "lines": _wage_lines_record(wages)},
        extra={"requested_on": _today(requested_on).isoformat()},
        request=request,
    )
    return batch


@refusals_audited
@transaction.atomic
def wage_batch_amend(
    *,
    actor: Any,
    batch: WageBatch,
    lines: Sequence[WageLine],
    declared: rules.BatchSummary,
    requested_on: date | None = None,
    request: HttpRequest | None = None,
) -> WageBatch:
    """Replaces a batch's lines and declared summary (REG-5), with the same checks as
    registering it. Refused when a period in the batch already has a later wage change than the
    batch's month (REG-502): amending would rewrite the history that change was derived from."""
    batch = WageBatch.objects.select_for_update().select_related("establishment").get(pk=batch.pk)
    _require_acts_for(actor, batch.establishment)
    old = list(Wage.objects.filter(batch=batch).order_by("pk"))
    later = (
        Wage.objects.filter(engagement_id__in=[w.engagement_id for w in old], effective_from__gt=batch.month)
        .order_by("effective_from")
        .first()
    )
    if later is not None:
        raise SimisError(
            RegistryError.BATCH_WAGE_SUPERSEDED,
            engagement=later.engagement_id,
            date=later.effective_from.isoformat(),
        )
    before = {"batch": model_snapshot(batch), "lines": _wage_lines_record(old)}
    Wage.objects.filter(batch=batch).delete()
    wages = _wage_lines_apply(
        establishment=batch.establishment,
        month=batch.month,
        lines=lines,
        read=parameter_reader(),
        batch=batch,
    )
    rules.batch_summary_check(declared=declared, counted=_counted(wages))
    batch.declared_line_count = declared.line_count
    batch.declared_total_basic = declared.total_basic
    batch.declared_total_housing = declared.total_housing
    batch.declared_total_contributory = declared.total_contributory
    batch.amendment_count += 1
    batch.amended_at = timezone.now()
    batch.save()
    audit_record(
        actor=actor,
        action=RegistryAction.WAGE_BATCH_AMENDED,
        subject=batch,
        before=before,
        after={"batch": model_snapshot(batch), "lines": _wage_lines_record(wages)},
        extra={"requested_on": _today(requested_on).isoformat(), "summary": _summary_record(declared)},
        request=request,
    )
    return batch


# --- REG-6: transfer between branches -------------------------------------------------------------


@refusals_audited
@transaction.atomic
def contributor_transfer(
    *,
    actor: Any,
    engagement: Engagement,
    target: Establishment,
    transfer_date: date,
    requested_on: date | None = None,
    request: HttpRequest | None = None,
) -> Engagement:
    """Moves a contributor to another establishment of the same main establishment from
    ``transfer_date`` (REG-6): the period closes the day before (reason: transfer), a new one
    opens that day at the target with the wage carried over — no gap, no overlap. Refused when
    the target is under another main (REG-601). Returns the new period."""
    today = _today(requested_on)
    engagement = Engagement.objects.select_for_update().select_related("establishment").get(pk=engagement.pk)
    source = engagement.establishment
    _require_acts_for(actor, source)
    _require_acts_for(actor, target)
    if engagement.status != EngagementStatus.ACTIVE:
        raise SimisError(RegistryError.TRANSFER_NOT_ACTIVE)
    if target.pk == source.pk:
        raise SimisError(RegistryError.TRANSFER_SAME_ESTABLISHMENT, number=target.number)
    if target.main_id != source.main_id:
        raise SimisError(RegistryError.TRANSFER_OTHER_MAIN, target=target.number, source=source.number)
    _require_active(target)
    person = Person.objects.select_for_update().select_related("nationality").get(pk=engagement.person_id)
    last = _last_wage(engagement)
    read = parameter_reader()
    rules.transfer_check(
        join_date=engagement.join_date,
        transfer_date=transfer_date,
        requested_on=today,
        last_wage_from=last.effective_from if last else None,
        regime=Regime(person.regime),
        read=read,
    )
    before = model_snapshot(engagement)
    engagement.leave_date = transfer_date - timedelta(days=1)
    engagement.leave_reason = LeaveReason.TRANSFER
    engagement.status = EngagementStatus.TERMINATED
    engagement.save()
    moved = Engagement(
        person=person,
        establishment=target,
        join_date=transfer_date,
        occupation_id=engagement.occupation_id,
        requested_on=today,
        transferred_from=engagement,
        covers_annuities=engagement.covers_annuities,
        covers_occupational_hazards=engagement.covers_occupational_hazards,
        covers_unemployment=engagement.covers_unemployment,
        gcc_extension=engagement.gcc_extension,
        gcc_country=engagement.gcc_country,
        coverage_regime=engagement.coverage_regime,
        coverage_inputs=engagement.coverage_inputs,
    )
    _engagement_insert(moved)
    carried: Wage | None = None
    if last is not None:
        carried = Wage.objects.create(
            engagement=moved,
            establishment_id=target.pk,
            effective_from=transfer_date,
            basic=last.basic,
            housing=last.housing,
            other=last.other,
            housing_in_kind=last.housing_in_kind,
            occupation_id=last.occupation_id,
            contributory_wage=last.contributory_wage,
            contributory_inputs={**last.contributory_inputs, "carried_over_from_wage": last.pk},
            parameter_version_ids=last.parameter_version_ids,
        )
    periods_changed(
        [(engagement.pk, engagement.establishment_id, transfer_date), (moved.pk, target.pk, transfer_date)]
    )
    changes = person_rederive(person, read=read, on=today)
    engagement.refresh_from_db()
    moved.refresh_from_db()
    audit_record(
        actor=actor,
        action=RegistryAction.CONTRIBUTOR_TRANSFERRED,
        subject=moved,
        before={"from": before},
        after={
            "from": model_snapshot(engagement),
            "to": model_snapshot(moved),
            "wage": model_snapshot(carried) if carried else None,
        },
        extra={"rederived": changes},
        request=request,
    )
    return moved
