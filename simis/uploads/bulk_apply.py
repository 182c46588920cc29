"""Registering many new contributors at once (REG-2, REG-7): the same rows
``contributor_register`` writes, written with ``COPY`` in the caller's transaction.

Per-row service calls cost a few milliseconds each (a dozen queries, savepoints, an audit entry
under the chain lock); 100,000 of them take minutes. Here instead:

1. The checks the service makes of every row, in the service's order and with its codes, run
   in Python with the register's own pure rules: names, gender, nationality and occupation
   (reference tables read once), identity documents, the regime (``regime_derive``), the
   minimum age, the deadline and retroactive limit (``registration_timing``), covered branches
   (``coverage_derive``) and the contributory wage (``contributory_wage``) — against one
   parameter snapshot, exactly as one service call reads it.
2. Whether a document is already registered is asked once for the whole file (one query
   over an array of numbers), not once per row.
3. Ids are drawn from the tables' sequences in one query each, and the four tables — persons,
   identity documents, contribution periods, wages — are filled with ``COPY``. Every
   constraint and trigger of the register still runs (unique documents, no overlapping
   periods, wages inside their period, foreign keys at commit).

The rows written equal the service's, field for field (regime and its inputs, covered branches
and their inputs, review status and disputed months of a late registration, contributory wage
with its inputs and parameter versions); a test registers the same file both ways and compares.
The audit differs on purpose: one entry for the upload (``services``), listing every row's ids
through ``UploadAppliedChunk``, instead of one entry per contributor under the audit chain's
lock.

**The register's rules.** This module may import the register only through
``simis.registry.public``, which does not (yet) export the pure rules named in ``RULE_NAMES``.
``available()`` is true once it does; until then uploads of new contributors go through
``contributor_register`` row by row (``appliers.contributors_register``), correct but slow.
The tests and the benchmark provide the names the way the export will (see
``simis/uploads/tests/registry_rules.py``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from django.db import connection
from django.utils import timezone

from simis.core.dates import Calendar
from simis.core.errors import DateError, IdentifierError, SimisError
from simis.core.identifiers import IdentityKind
from simis.core.parameter_table import ParameterReader, ParameterReading, Regime
from simis.core.selectors import parameter_reader
from simis.identity.public import IdentityError, OrganisationKind, user_scope
from simis.registry import public as registry
from simis.registry.public import (
    Engagement,
    EngagementStatus,
    EstablishmentStatus,
    Gender,
    Person,
    RegistryError,
    ReviewReason,
    Wage,
)
from simis.uploads.outcomes import AppliedRow, ApplyContext, ApplyResult
from simis.uploads.rows import NewContributorInput, RowInput, RowProblem

# The register's pure registration rules this path needs from ``simis.registry.public``.
RULE_NAMES = (
    "Document",
    "Span",
    "contributory_wage",
    "coverage_derive",
    "identity_documents_check",
    "nationality_class",
    "regime_derive",
    "registration_timing",
    "wage_amounts_check",
    "worker_age_check",
)
SAUDI = "SAU"
SAUDI_ALPHA2 = "SA"
# Progress weights of the stages (their share of the time a 100,000-row file takes).
_STAGES = (("checked", 0.35), ("persons", 0.2), ("identities", 0.1), ("periods", 0.2), ("wages", 0.15))


def available() -> bool:
    """Whether ``simis.registry.public`` exports every rule this path needs."""
    return all(hasattr(registry, name) for name in RULE_NAMES)


def registration_rules() -> Any:
    """The rules named in ``RULE_NAMES``, as attributes, from ``simis.registry.public``."""
    return SimpleNamespace(**{name: getattr(registry, name) for name in RULE_NAMES})


# --- Reference data, read once ------------------------------------------------------------------


class Country:
    __slots__ = ("alpha2", "code", "is_gcc")

    def __init__(self, code: str, alpha2: str, is_gcc: bool) -> None:
        self.code = code
        self.alpha2 = alpha2
        self.is_gcc = is_gcc


class References:
    """The countries and occupations, as ``contributor_register`` looks them up: a country by
    its alpha-3 code first, then its alpha-2 code; an occupation by its code."""

    def __init__(self) -> None:
        country_model: Any = Person._meta.get_field("nationality").related_model
        occupation_model: Any = Engagement._meta.get_field("occupation").related_model
        rows = [
            Country(*row) for row in country_model._default_manager.values_list("code", "alpha2", "is_gcc")
        ]
        self.by_code = {row.code: row for row in rows}
        self.by_alpha2 = {row.alpha2: row for row in rows}
        self.occupations = set(occupation_model._default_manager.values_list("pk", flat=True))

    def country(self, value: str) -> Country:
        text = str(value or "").strip().upper()
        found = self.by_code.get(text) or self.by_alpha2.get(text)
        if found is None:
            raise SimisError(RegistryError.UNKNOWN_COUNTRY, value=value)
        return found

    def occupation(self, value: str) -> str:
        code = str(value or "").strip()
        if code not in self.occupations:
            raise SimisError(RegistryError.UNKNOWN_OCCUPATION, value=value)
        return code


def _remembered(read: ParameterReader) -> ParameterReader:
    """The snapshot's reader, remembered per (key, day, regime): readings are immutable, and a
    file asks the same few questions for every row."""
    cached = lru_cache(maxsize=None)(read)

    def remembered(key: str, on: date, regime: Regime) -> ParameterReading:
        return cached(key, on, regime)

    return remembered


def acts_for(actor: Any, establishment: Any) -> bool:
    """The register's rule: the system and staff act for every establishment; an employer user
    for the establishments it is bound to and the branches of a bound main establishment."""
    if actor is None:
        return True
    scope = user_scope(actor)
    if scope.allows(OrganisationKind.ESTABLISHMENT, establishment.number):
        return True
    parent = establishment.parent
    return parent is not None and scope.allows(OrganisationKind.ESTABLISHMENT, parent.number)


# --- The checks of one row, as contributor_register makes them ----------------------------------


class Registration:
    """One row's rows-to-be in the four tables."""

    __slots__ = ("coverage", "derivation", "documents", "item", "nationality", "occupation", "timing", "wage")

    def __init__(
        self, item: NewContributorInput, nationality: Country, occupation: str, documents: list[Any]
    ) -> None:
        self.item = item
        self.nationality = nationality
        self.occupation = occupation
        self.documents = documents
        self.derivation: Any = None
        self.timing: Any = None
        self.coverage: Any = None
        self.wage: Any = None


def _documents(
    item: NewContributorInput, nationality: Country, references: References, rules: Any
) -> list[Any]:
    documents = []
    for doc in item.identities:
        try:
            kind = IdentityKind(doc.kind or "")
        except ValueError:
            raise SimisError(IdentifierError.WRONG_KIND, value=str(doc.kind)) from None
        if kind in (IdentityKind.NATIONAL_ID, IdentityKind.IQAMA):
            documents.append(rules.Document(kind, doc.number, SAUDI, SAUDI_ALPHA2))
            continue
        issuer = references.country(doc.country) if doc.country else nationality
        documents.append(rules.Document(kind, doc.number, issuer.code, issuer.alpha2))
    return list(rules.identity_documents_check(nationality=nationality.code, documents=documents))


def _first_checks(item: NewContributorInput, references: References, rules: Any) -> Registration:
    """What the service checks before asking whether a document is already registered."""
    names = item.names
    if not all(part.strip() for part in (names.first_ar, names.family_ar, names.first_en, names.family_en)):
        raise SimisError(RegistryError.PERSON_NAME_REQUIRED)
    if item.gender not in Gender.values:
        raise SimisError(RegistryError.UNKNOWN_GENDER, value=str(item.gender))
    if item.external_old_law_months < 0:
        raise SimisError(RegistryError.NEGATIVE_EXTERNAL_MONTHS)
    if item.birth_date_calendar not in Calendar.values:
        raise SimisError(DateError.UNKNOWN_CALENDAR, value=str(item.birth_date_calendar))
    nationality = references.country(item.nationality)
    occupation = references.occupation(item.occupation)
    return Registration(item, nationality, occupation, _documents(item, nationality, references, rules))


def _derive(registration: Registration, *, today: date, read: ParameterReader, rules: Any) -> None:
    """The regime, age, deadline, covered branches and contributory wage, in the service's order."""
    item = registration.item
    derivation = rules.regime_derive(
        birth_date=item.birth_date,
        periods=[rules.Span(item.join_date)],
        external_old_law_months=item.external_old_law_months,
        read=read,
    )
    rules.worker_age_check(
        birth_date=item.birth_date, join_date=item.join_date, regime=derivation.regime, read=read
    )
    timing = rules.registration_timing(
        join_date=item.join_date, leave_date=None, requested_on=today, regime=derivation.regime, read=read
    )
    nationality = registration.nationality
    coverage = rules.coverage_derive(
        nationality=rules.nationality_class(nationality.code, is_gcc=nationality.is_gcc),
        gcc_country=nationality.alpha2 if nationality.is_gcc and nationality.code != SAUDI else None,
        birth_date=item.birth_date,
        first_covered_on=item.join_date,
        regime=derivation.regime,
        read=read,
    )
    wage = item.wage
    rules.wage_amounts_check(basic=wage.basic, housing=wage.housing, other=wage.other)
    registration.wage = rules.contributory_wage(
        basic=wage.basic,
        housing=wage.housing,
        housing_in_kind=wage.housing_in_kind,
        regime=derivation.regime,
        covers_annuities=coverage.annuities,
        effective_from=item.join_date,
        birth_date=item.birth_date,
        prior=None,
        read=read,
    )
    registration.derivation = derivation
    registration.timing = timing
    registration.coverage = coverage


def identities_registered(documents: Sequence[Any]) -> dict[tuple[str, str, str], int]:
    """``{(kind, country, number): contributor number}`` of the documents already registered,
    asked in one query over an array of the numbers."""
    if not documents:
        return {}
    identity_model: Any = Person._meta.get_field("identities").related_model
    numbers = sorted({doc.number for doc in documents})
    sql = (
        f"SELECT i.kind, i.country_id, i.number, p.contributor_number "  # noqa: S608 (table names from the models)
        f"FROM {identity_model._meta.db_table} i JOIN {Person._meta.db_table} p ON p.id = i.person_id "
        f"WHERE i.number = ANY(%s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [numbers])
        return {
            (kind, country, number): contributor for kind, country, number, contributor in cursor.fetchall()
        }


# --- Writing ---------------------------------------------------------------------------------------------


def _ids(model: Any, count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy_sql(model: Any, fields: Sequence[str]) -> str:
    columns = ", ".join(model._meta.get_field(name).column for name in fields)
    return f"COPY {model._meta.db_table} ({columns}) FROM STDIN"


PERSON_FIELDS = (
    "id",
    "first_name_ar",
    "father_name_ar",
    "grandfather_name_ar",
    "family_name_ar",
    "first_name_en",
    "father_name_en",
    "grandfather_name_en",
    "family_name_en",
    "birth_date",
    "birth_date_calendar",
    "gender",
    "nationality",
    "external_old_law_months",
    "regime",
    "regime_inputs",
    "regime_derived_on",
    "registered_on",
    "created_at",
)
IDENTITY_FIELDS = ("person", "kind", "country", "number", "created_at")
ENGAGEMENT_FIELDS = (
    "id",
    "person",
    "establishment",
    "join_date",
    "leave_reason",
    "occupation",
    "status",
    "review_reason",
    "disputed_from",
    "disputed_until",
    "requested_on",
    "covers_annuities",
    "covers_occupational_hazards",
    "covers_unemployment",
    "gcc_extension",
    "gcc_country",
    "coverage_inputs",
    "created_at",
)
WAGE_FIELDS = (
    "id",
    "engagement",
    "establishment",
    "effective_from",
    "basic",
    "housing",
    "other",
    "housing_in_kind",
    "occupation",
    "contributory_wage",
    "contributory_inputs",
    "parameter_version_ids",
    "created_at",
)


def _json(record: Any) -> str:
    return json.dumps(record, ensure_ascii=False)


class Stages:
    """Progress through the stages, as rows done out of the file's rows."""

    def __init__(self, context: ApplyContext, total: int) -> None:
        self.context = context
        self.total = total
        self.base = 0.0

    def at(self, stage: str, done: int, of: int) -> None:
        weight = dict(_STAGES)[stage]
        share = self.base + weight * (done / of if of else 1.0)
        self.context.progress(int(self.total * share))

    def finish(self, stage: str) -> None:
        self.base += dict(_STAGES)[stage]
        self.context.progress(int(self.total * self.base))


def _write(registrations: list[Registration], context: ApplyContext, stages: Stages) -> list[AppliedRow]:
    count = len(registrations)
    person_ids = _ids(Person, count)
    engagement_ids = _ids(Engagement, count)
    wage_ids = _ids(Wage, count)
    today = context.requested_on
    now = timezone.now()
    establishment_id = context.establishment.pk
    identity_model: Any = Person._meta.get_field("identities").related_model
    step = max(count // 20, 1)
    with connection.cursor() as cursor:
        with cursor.copy(_copy_sql(Person, PERSON_FIELDS)) as copy:
            for position, (reg, person_id) in enumerate(zip(registrations, person_ids, strict=True)):
                item = reg.item
                names = item.names
                copy.write_row(
                    (
                        person_id,
                        names.first_ar.strip(),
                        names.father_ar.strip(),
                        names.grandfather_ar.strip(),
                        names.family_ar.strip(),
                        names.first_en.strip(),
                        names.father_en.strip(),
                        names.grandfather_en.strip(),
                        names.family_en.strip(),
                        item.birth_date,
                        item.birth_date_calendar,
                        item.gender,
                        reg.nationality.code,
                        item.external_old_law_months,
                        reg.derivation.regime.value,
                        _json(reg.derivation.as_record()),
                        today,
                        today,
                        now,
                    )
                )
                if position % step == 0:
                    stages.at("persons", position, count)
        stages.finish("persons")
        with cursor.copy(_copy_sql(identity_model, IDENTITY_FIELDS)) as copy:
            for reg, person_id in zip(registrations, person_ids, strict=True):
                for doc in reg.documents:
                    copy.write_row((person_id, IdentityKind(doc.kind).value, doc.country, doc.number, now))
        stages.finish("identities")
        with cursor.copy(_copy_sql(Engagement, ENGAGEMENT_FIELDS)) as copy:
            for position, (reg, person_id, engagement_id) in enumerate(
                zip(registrations, person_ids, engagement_ids, strict=True)
            ):
                coverage = reg.coverage
                timing = reg.timing
                late = bool(timing.late)
                copy.write_row(
                    (
                        engagement_id,
                        person_id,
                        establishment_id,
                        reg.item.join_date,
                        "",
                        reg.occupation,
                        EngagementStatus.PENDING_REVIEW.value if late else EngagementStatus.ACTIVE.value,
                        ReviewReason.LATE_REGISTRATION.value if late else "",
                        timing.disputed_from if late else None,
                        timing.disputed_until if late else None,
                        today,
                        coverage.annuities,
                        coverage.occupational_hazards,
                        coverage.unemployment,
                        coverage.gcc_extension,
                        coverage.gcc_country,
                        _json(coverage.as_record()),
                        now,
                    )
                )
                if position % step == 0:
                    stages.at("periods", position, count)
        stages.finish("periods")
        with cursor.copy(_copy_sql(Wage, WAGE_FIELDS)) as copy:
            for position, (reg, engagement_id, wage_id) in enumerate(
                zip(registrations, engagement_ids, wage_ids, strict=True)
            ):
                wage = reg.item.wage
                derived = reg.wage
                copy.write_row(
                    (
                        wage_id,
                        engagement_id,
                        establishment_id,
                        reg.item.join_date,
                        wage.basic.amount,
                        wage.housing.amount,
                        wage.other.amount,
                        wage.housing_in_kind,
                        reg.occupation,
                        derived.amount.amount,
                        _json(derived.as_record()),
                        derived.version_ids,
                        now,
                    )
                )
                if position % step == 0:
                    stages.at("wages", position, count)
        stages.finish("wages")
    return [
        AppliedRow(reg.item.row, person_id, engagement_id, wage_id)
        for reg, person_id, engagement_id, wage_id in zip(
            registrations, person_ids, engagement_ids, wage_ids, strict=True
        )
    ]


# --- The applier ------------------------------------------------------------------------------------------


def _establishment_refusal(context: ApplyContext) -> SimisError | None:
    """What ``contributor_register`` refuses for every row alike: acting for an establishment the
    actor is not bound to (IDN-040), or one that is not active (REG-106)."""
    establishment = context.establishment
    if not acts_for(context.actor, establishment):
        return SimisError(IdentityError.OUT_OF_SCOPE)
    if establishment.status != EstablishmentStatus.ACTIVE:
        return SimisError(
            RegistryError.ESTABLISHMENT_NOT_ACTIVE,
            number=establishment.number,
            status=EstablishmentStatus(establishment.status).label,
        )
    return None


def contributors_register_bulk(inputs: Sequence[RowInput], context: ApplyContext) -> ApplyResult:
    """Registers every valid row's contributor (see the module docstring). All or nothing:
    nothing is written when any row is refused. Otherwise the refused rows are left out."""
    result = ApplyResult()
    typed = [item for item in inputs if isinstance(item, NewContributorInput)]
    stages = Stages(context, len(typed))
    refusal = _establishment_refusal(context)
    if refusal is not None:
        for item in typed:
            result.refuse(item.row, RowProblem("", refusal))
        return result
    references = References()
    rules = registration_rules()
    read = _remembered(parameter_reader())
    checked: list[Registration] = []
    for item in typed:
        try:
            checked.append(_first_checks(item, references, rules))
        except SimisError as error:
            result.refuse(item.row, RowProblem("", error))
    registered = identities_registered([doc for reg in checked for doc in reg.documents])
    ready: list[Registration] = []
    step = max(len(checked) // 20, 1)
    for position, reg in enumerate(checked):
        try:
            for doc in reg.documents:
                holder = registered.get((IdentityKind(doc.kind).value, doc.country, doc.number))
                if holder is not None:
                    raise SimisError(
                        RegistryError.IDENTITY_EXISTS, number=doc.number, contributor_number=holder
                    )
            _derive(reg, today=context.requested_on, read=read, rules=rules)
        except SimisError as error:
            result.refuse(reg.item.row, RowProblem("", error))
        else:
            ready.append(reg)
        if position % step == 0:
            stages.at("checked", position, len(checked))
    stages.finish("checked")
    if not ready or context.check_only or (context.all_or_nothing and result.problems):
        return result
    result.applied.extend(_write(ready, context, stages))
    return result
