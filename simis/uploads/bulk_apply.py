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
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from functools import lru_cache
from queue import Queue
from types import SimpleNamespace
from typing import Any

from django.db import connection
from django.utils import timezone

from simis.core.dates import Calendar
from simis.core.errors import DateError, IdentifierError, SimisError
from simis.core.identifiers import IdentityKind, normalise_identifier
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
from simis.uploads.choices import UploadKind
from simis.uploads.outcomes import AppliedRow, ApplyContext, ApplyResult
from simis.uploads.parsing import Table
from simis.uploads.rows import NewContributorInput, Repeats, RowInput, RowProblem, row_read

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
_GENDERS = frozenset(Gender.values)
_CALENDARS = frozenset(Calendar.values)
SAUDI = "SAU"
SAUDI_ALPHA2 = "SA"


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

    __slots__ = (
        "coverage",
        "derivation",
        "documents",
        "engagement_row",
        "identity_rows",
        "ids",
        "item",
        "nationality",
        "occupation",
        "person_row",
        "timing",
        "wage",
        "wage_row",
    )

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
        # The rows to write (``Rows.prepare``) and the ids they take.
        self.ids: tuple[int, int, int] = (0, 0, 0)
        self.person_row: tuple[Any, ...] = ()
        self.identity_rows: tuple[tuple[Any, ...], ...] = ()
        self.engagement_row: tuple[Any, ...] = ()
        self.wage_row: tuple[Any, ...] = ()


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
    if item.gender not in _GENDERS:
        raise SimisError(RegistryError.UNKNOWN_GENDER, value=str(item.gender))
    if item.external_old_law_months < 0:
        raise SimisError(RegistryError.NEGATIVE_EXTERNAL_MONTHS)
    if item.birth_date_calendar not in _CALENDARS:
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


def identities_registered(numbers: Iterable[str]) -> dict[tuple[str, str, str], int]:
    """``{(kind, country, number): contributor number}`` of the documents registered under any
    of ``numbers``, asked in one query over an array of the numbers."""
    numbers = sorted({number for number in numbers if number})
    if not numbers:
        return {}
    identity_model: Any = Person._meta.get_field("identities").related_model
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
    """``count`` ids drawn from the table's own sequence (so nothing else can take them)."""
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(nextval(pg_get_serial_sequence(%s, %s))) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return list(cursor.fetchone()[0])


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


class Records:
    """A derivation's stored record (``as_record()``) as JSON text, remembered per derivation:
    derivations are immutable values, equal derivations have equal records, and a large file
    repeats the same few hundred (same wage, same join date, same readings) many times."""

    def __init__(self) -> None:
        self._known: dict[Any, str] = {}
        self._versions: dict[Any, list[int]] = {}

    def version_ids(self, derivation: Any) -> list[int]:
        """The parameter versions a contributory wage read, remembered likewise."""
        try:
            known = self._versions.get(derivation)
        except TypeError:
            return list(derivation.version_ids)
        if known is None:
            known = self._versions[derivation] = list(derivation.version_ids)
        return known

    def json(self, derivation: Any) -> str:
        try:
            known = self._known.get(derivation)
        except TypeError:  # a reading holding a list or mapping: not hashable, not remembered
            return _json(derivation.as_record())
        if known is None:
            known = self._known[derivation] = _json(derivation.as_record())
        return known


class Rows:
    """Builds each passing registration's rows for the four tables, in column order, records
    serialised — everything but sending them."""

    def __init__(self, context: ApplyContext) -> None:
        self.today = context.requested_on
        self.now = timezone.now()
        self.establishment_id = context.establishment.pk
        self.records = Records()

    def prepare(self, reg: Registration, person_id: int, engagement_id: int, wage_id: int) -> None:
        item = reg.item
        names = item.names
        today, now = self.today, self.now
        reg.ids = (person_id, engagement_id, wage_id)
        reg.person_row = (
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
            self.records.json(reg.derivation),
            today,
            today,
            now,
        )
        reg.identity_rows = tuple(
            (person_id, IdentityKind(doc.kind).value, doc.country, doc.number, now) for doc in reg.documents
        )
        coverage = reg.coverage
        timing = reg.timing
        late = bool(timing.late)
        reg.engagement_row = (
            engagement_id,
            person_id,
            self.establishment_id,
            item.join_date,
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
            self.records.json(coverage),
            now,
        )
        wage = item.wage
        derived = reg.wage
        reg.wage_row = (
            wage_id,
            engagement_id,
            self.establishment_id,
            item.join_date,
            wage.basic.amount,
            wage.housing.amount,
            wage.other.amount,
            wage.housing_in_kind,
            reg.occupation,
            derived.amount.amount,
            self.records.json(derived),
            self.records.version_ids(derived),
            now,
        )


_SENTINEL: list[Registration] = []


class Sender:
    """Sends prepared rows, a chunk at a time, from a thread of its own over the transaction's
    own connection: each chunk is four ``COPY`` statements (persons, identity documents,
    contribution periods, wages — in that order, as the wage trigger needs its period). While
    PostgreSQL stores one chunk, the calling thread checks and prepares the next; nothing else
    uses the connection meanwhile (the calling thread only computes, and reports progress over
    its own second connection). An error in the thread is raised again by ``finish``, and the
    caller's transaction rolls everything back."""

    CHUNK = 5000

    def __init__(self, wrapper: Any) -> None:
        self.wrapper = wrapper  # Django's connection: its errors are raised as Django's
        self.connection = wrapper.connection
        self.queue: Queue[list[Registration]] = Queue(maxsize=4)
        self.sent = 0
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="uploads-copy", daemon=True)
        identity_model: Any = Person._meta.get_field("identities").related_model
        self.statements = (
            _copy_sql(Person, PERSON_FIELDS),
            _copy_sql(identity_model, IDENTITY_FIELDS),
            _copy_sql(Engagement, ENGAGEMENT_FIELDS),
            _copy_sql(Wage, WAGE_FIELDS),
        )
        self.thread.start()

    def _run(self) -> None:
        person_sql, identity_sql, engagement_sql, wage_sql = self.statements
        while (chunk := self.queue.get()) is not _SENTINEL:
            if self.error is not None:
                continue  # drain: the caller will raise the first error
            try:
                with self.connection.cursor() as cursor:
                    with cursor.copy(person_sql) as copy:
                        for reg in chunk:
                            copy.write_row(reg.person_row)
                    with cursor.copy(identity_sql) as copy:
                        for reg in chunk:
                            for row in reg.identity_rows:
                                copy.write_row(row)
                    with cursor.copy(engagement_sql) as copy:
                        for reg in chunk:
                            copy.write_row(reg.engagement_row)
                    with cursor.copy(wage_sql) as copy:
                        for reg in chunk:
                            copy.write_row(reg.wage_row)
                self.sent += len(chunk)
            except BaseException as error:  # raised again in the calling thread
                self.error = error

    def send(self, chunk: list[Registration]) -> None:
        if chunk:
            self.queue.put(chunk)

    def finish(self, progress: Callable[[int], None]) -> None:
        self.queue.put(_SENTINEL)
        while self.thread.is_alive():
            self.thread.join(timeout=0.5)
            progress(self.sent)
        if self.error is not None:
            with self.wrapper.wrap_database_errors:
                raise self.error


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


def streams(kind: str) -> bool:
    """Whether an upload of ``kind`` is read, checked and applied in one pass here."""
    return kind == UploadKind.NEW_CONTRIBUTORS and available()


def contributors_register_table(table: Table, context: ApplyContext) -> ApplyResult:
    """Registers a whole file of new contributors in one pass: each row's cells are read
    (``rows.row_read``), repeats within the file caught (``rows.Repeats``), the register's checks
    made and the row prepared and sent — the cells, the checks and the writing of earlier rows all
    overlapping. The refused rows carry the same codes as when the cells are read first."""
    layout = table.layout
    positions = [
        position for position, column in enumerate(table.columns) if column and column.key in _NUMBER_KEYS
    ]

    def items() -> Iterator[tuple[int, NewContributorInput | list[RowProblem]]]:
        repeats = Repeats()
        for number, cells in table.rows:
            built, problems = row_read(layout, number, table.values(cells), table.extra_cells(cells))
            if problems or not isinstance(built, NewContributorInput):
                yield number, problems
                continue
            repeated = repeats.check(built)
            yield number, ([repeated] if repeated is not None else built)

    numbers = (
        normalise_identifier(cells[position])
        for _number, cells in table.rows
        for position in positions
        if position < len(cells)
    )
    return _register(items(), len(table.rows), numbers, context)


def contributors_register_bulk(inputs: Sequence[RowInput], context: ApplyContext) -> ApplyResult:
    """Registers the contributors of rows already read (``appliers.applier_for``)."""
    typed = [item for item in inputs if isinstance(item, NewContributorInput)]
    numbers = (doc.number for item in typed for doc in item.identities)
    return _register(((item.row, item) for item in typed), len(typed), numbers, context)


_NUMBER_KEYS = ("identity_number", "passport_number")


def _register(
    items: Iterator[tuple[int, NewContributorInput | list[RowProblem]]] | Iterable[tuple[int, Any]],
    total: int,
    numbers: Iterable[str],
    context: ApplyContext,
) -> ApplyResult:
    """The bulk path (see the module docstring). All or nothing: nothing is kept when any row is
    refused (rows sent before the refusal are rolled back by the caller). Otherwise the refused
    rows are left out.

    Rows are checked and prepared here while a ``Sender`` thread copies the previous chunk into
    the register, so Python's work and PostgreSQL's overlap."""
    result = ApplyResult()
    refusal = _establishment_refusal(context)
    references = References()
    rules = registration_rules()
    read = _remembered(parameter_reader())
    registered = identities_registered(numbers) if refusal is None else {}
    writing = refusal is None and not context.check_only and total > 0
    # Ids drawn up front for every row that may pass; a refused row's ids are simply unused.
    person_ids = _ids(Person, total) if writing else []
    engagement_ids = _ids(Engagement, total) if writing else []
    wage_ids = _ids(Wage, total) if writing else []
    rows = Rows(context)
    sender = Sender(connection) if writing else None
    ready: list[Registration] = []
    chunk: list[Registration] = []
    try:
        for position, (number, item) in enumerate(items):
            if position % 1000 == 0:
                # Checked rows count for half the work, rows stored for the other half.
                context.progress(position // 2 + (sender.sent // 2 if sender else 0))
            if isinstance(item, list):
                for problem in item:
                    result.refuse(number, problem)
                continue
            try:
                if refusal is not None:
                    raise refusal
                reg = _first_checks(item, references, rules)
                for doc in reg.documents:
                    holder = registered.get((IdentityKind(doc.kind).value, doc.country, doc.number))
                    if holder is not None:
                        raise SimisError(
                            RegistryError.IDENTITY_EXISTS, number=doc.number, contributor_number=holder
                        )
                _derive(reg, today=context.requested_on, read=read, rules=rules)
            except SimisError as error:
                result.refuse(number, RowProblem("", error))
                continue
            ready.append(reg)
            # All or nothing: once a row is refused nothing will be kept, so nothing more is sent.
            if sender is not None and not (context.all_or_nothing and result.problems):
                rows.prepare(reg, person_ids[position], engagement_ids[position], wage_ids[position])
                chunk.append(reg)
                if len(chunk) >= Sender.CHUNK:
                    sender.send(chunk)
                    chunk = []
    finally:
        if sender is not None:
            sender.send(chunk)
            sender.finish(lambda sent: context.progress(total // 2 + sent // 2))
    if not ready or not writing or (context.all_or_nothing and result.problems):
        return result
    result.applied.extend(AppliedRow(reg.item.row, *reg.ids) for reg in ready)
    return result
