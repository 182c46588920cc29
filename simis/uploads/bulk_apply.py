"""Registering many new contributors at once (REG-2, REG-7): the same rows
``contributor_register`` writes, written with ``COPY`` in the caller's transaction.

Per-row service calls cost a few milliseconds each (a dozen queries, savepoints, an audit entry
under the chain lock); 100,000 of them take minutes. Here instead:

1. The checks the service makes of every row, in the service's order and with its codes, run
   in Python with the register's own pure rules from ``simis.registry.public``: names, gender,
   nationality and occupation (reference tables read once), identity documents
   (``identity_documents_check``), the regime (``regime_derive``), the minimum age
   (``worker_age_check``), the deadline and retroactive limit (``registration_timing``),
   covered branches (``coverage_derive``) and the contributory wage (``wage_amounts_check``,
   ``contributory_wage_first``: a new period's first wage, which has no prior wage and so no
   age-50 cap) — against one parameter snapshot, exactly as one service call reads it. A rule's
   answer is remembered only where all its inputs repeat across a file (the timing of a join
   date, the check of a set of amounts, the contributory wage of a wage joining on a day);
   everything else is asked row by row. A test holds every row of a varied file to the rules
   asked afresh (``tests/test_bulk_checks.py``).
2. Whether a document is already registered is asked once for the whole file (one query
   over an array of numbers), not once per row.
3. Ids are drawn from the tables' sequences in one query, and the four tables — persons,
   identity documents, contribution periods, wages — are filled with ``COPY``. Every
   constraint and trigger of the register still runs (unique documents, no overlapping
   periods, wages inside their period, references — the register's references are checked
   by one anti-join per ``COPY`` (``simis.core.db_references``), so as each chunk is copied
   rather than row by row at commit).
   Contribution periods go in scattered order within a chunk (the no-overlap GiST index takes
   them faster so), and VACUUM and ANALYZE are kept off the four tables until commit
   (``_statistics_held``).

**Two processes.** The rows are read (``rows.NewContributorCells``), checked and turned into
``COPY`` text (a derivation's stored record serialised once per distinct derivation) in a
forked process of their own, a chunk at a time, while this process streams the chunks already
made into PostgreSQL from a thread (``Copier``): the checking has a core to itself and
PostgreSQL the other, and neither waits for the other's interpreter lock. The text crosses
through buffers shared with the child (``Producer``). The child never touches the database
(everything it needs — reference tables, the parameter snapshot, the registered documents, the
ids — is read before the fork); a failure there is raised here, and the caller's transaction
rolls everything back. Files of one chunk are checked in this process, between the copies.

The rows written equal the service's, field for field (regime and its inputs, covered branches
and their inputs, review status and disputed months of a late registration, contributory wage
with its inputs and parameter versions); a test registers the same file both ways and compares.
The audit differs on purpose: one entry for the upload (``services``), listing every row's ids
through ``UploadAppliedChunk``, instead of one entry per contributor under the audit chain's
lock. The setting ``SIMIS_UPLOAD_BULK_CONTRIBUTORS = False`` sends new contributors through
``contributor_register`` row by row instead (``appliers.contributors_register``): correct, and
slow.
"""

from __future__ import annotations

import contextlib
import gc
import json
import mmap
import multiprocessing
import queue
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import fields
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cache, partial
from itertools import islice
from operator import attrgetter
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection
from django.utils import timezone

from simis.core.dates import Calendar
from simis.core.errors import DateError, ErrorCatalogue, IdentifierError, SimisError
from simis.core.identifiers import IdentityKind, normalise_identifier
from simis.core.money import Money
from simis.core.parameter_table import ParameterReader, ParameterReading, Regime
from simis.core.selectors import parameter_reader
from simis.identity.public import IdentityError, OrganisationKind, user_scope
from simis.registry.public import (
    Document,
    Engagement,
    EngagementStatus,
    EstablishmentStatus,
    Gender,
    Person,
    RegistryError,
    ReviewReason,
    Span,
    Wage,
    contributory_wage_first,
    coverage_derive,
    identity_documents_check,
    nationality_class,
    periods_added,
    regime_derive,
    registration_timing,
    wage_amounts_check,
    worker_age_check,
)
from simis.uploads.choices import UploadKind
from simis.uploads.outcomes import AppliedRow, ApplyContext, ApplyResult
from simis.uploads.parsing import Table
from simis.uploads.rows import (
    NewContributorCells,
    NewContributorInput,
    NewContributorValues,
    Repeats,
    RowProblem,
    new_contributor_values,
    row_read,
)

_GENDERS = frozenset(Gender.values)
_CALENDARS = frozenset(Calendar.values)
_KINDS = {kind.value: kind for kind in IdentityKind}
SAUDI = "SAU"
SAUDI_ALPHA2 = "SA"

# Rows of the file per chunk: checked and made into COPY text together, copied together.
CHUNK_ROWS = 5000
FIRST_CHUNK_ROWS = 500
# Chunks the checking process may run ahead of the copying.
CHUNKS_AHEAD = 3
# Buffers shared with the checking process for chunks' COPY text (a chunk of 5,000 rows is
# about 10 MB; a larger one crosses through the pipe instead). Only the pages written are used.
BUFFERS = 6
BUFFER_BYTES = 32 << 20
# A chunk's COPY text is sent in slices, so the server starts on the first while the rest follows.
_WRITE_BYTES = 1 << 20


def bulk_enabled() -> bool:
    """Whether new contributors take this path (``SIMIS_UPLOAD_BULK_CONTRIBUTORS``, on by default)."""
    return bool(getattr(settings, "SIMIS_UPLOAD_BULK_CONTRIBUTORS", True))


def streams(kind: str) -> bool:
    """Whether an upload of ``kind`` is read, checked and applied in one pass here."""
    return kind == UploadKind.NEW_CONTRIBUTORS and bulk_enabled()


# --- Reference data, read once ------------------------------------------------------------------


class Country:
    __slots__ = ("alpha2", "code", "gcc_country", "is_gcc", "nationality")

    def __init__(self, code: str, alpha2: str, is_gcc: bool) -> None:
        self.code = code
        self.alpha2 = alpha2
        self.is_gcc = is_gcc
        # What ``coverage_derive`` is given for a national of this country.
        self.nationality = nationality_class(code, is_gcc=is_gcc)
        self.gcc_country = alpha2 if is_gcc and code != SAUDI else None


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
        self._countries: dict[str, Country] = {}

    def country(self, value: str) -> Country:
        found = self._countries.get(value)
        if found is not None:
            return found
        text = str(value or "").strip().upper()
        found = self.by_code.get(text) or self.by_alpha2.get(text)
        if found is None:
            raise SimisError(RegistryError.UNKNOWN_COUNTRY, value=value)
        self._countries[value] = found
        return found

    def occupation(self, value: str) -> str:
        if value in self.occupations:
            return value
        code = str(value or "").strip()
        if code not in self.occupations:
            raise SimisError(RegistryError.UNKNOWN_OCCUPATION, value=value)
        return code


def _remembered(read: ParameterReader) -> ParameterReader:
    """The snapshot's reader, remembered per (key, day, regime): readings are immutable, and a
    file asks the same few questions for every row. Equal readings (the same row of the table,
    read for different days) are given as one object, so that derivations holding them are
    told apart by which objects they hold (``Records``)."""
    same: dict[ParameterReading, ParameterReading] = {}

    @cache
    def remembered(key: str, on: date, regime: Regime) -> ParameterReading:
        reading = read(key, on, regime)
        try:
            return same.setdefault(reading, reading)
        except TypeError:  # a value that is a list or a mapping: not hashable, kept as it is
            return reading

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


def identities_registered(numbers: Iterable[str]) -> dict[tuple[str, str, str], int]:
    """``{(kind, country, number): contributor number}`` of the documents registered under any
    of ``numbers``, asked in one query over an array of the numbers."""
    # Registered numbers are Latin letters and digits (``core.identifiers``): a number with
    # anything else cannot be among them, and the others make a plain array literal.
    numbers = sorted({number for number in numbers if number.isascii() and number.isalnum()})
    if not numbers:
        return {}
    identity_model: Any = Person._meta.get_field("identities").related_model
    sql = (
        f"SELECT i.kind, i.country_id, i.number, p.contributor_number "  # noqa: S608 (table names from the models)
        f"FROM {identity_model._meta.db_table} i JOIN {Person._meta.db_table} p ON p.id = i.person_id "
        f"WHERE i.number = ANY(%s::text::text[])"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ["{" + ",".join(numbers) + "}"])
        return {
            (kind, country, number): contributor for kind, country, number, contributor in cursor.fetchall()
        }


# --- The rows, as COPY text -----------------------------------------------------------------------


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
    "coverage_regime",
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

# COPY's text format: a backslash, tab, newline or carriage return inside a value is escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NULL = "\\N"


def copy_text(value: Any) -> str:
    """One value as COPY's text format writes it: NULL, ``t``/``f``, ISO dates, escaped text."""
    if value is None:
        return _NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "{" + ",".join(str(item) for item in value) + "}"
    return str(value).translate(_COPY_ESCAPES)


# What ``json.dumps(…, ensure_ascii=False, separators=(",", ":"))`` writes, without making an
# encoder per call.
_json_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _record_text(derivation: Any) -> str:
    """A derivation's stored record (``as_record()``) as JSON, in COPY text — compact: ``jsonb``
    keeps no spacing, and the server parses a tenth less text."""
    return copy_text(_json_encode(derivation.as_record()))


class Records:
    """Each distinct derivation's columns as COPY text, made once: derivations are immutable
    values, and a large file repeats the same few hundred (same wage, same join date, same
    readings) many times. A derivation is known by its fields and by which readings it holds —
    the same objects every time, from the remembered snapshot reader — so the key is cheap to
    make and to compare (no hashing of nested readings)."""

    def __init__(self) -> None:
        self._texts: dict[tuple[Any, ...], str] = {}
        self._getters: dict[type, Callable[[Any], Any]] = {}
        self._readings: list[tuple[ParameterReading, ...]] = []

    def _key(self, derivation: Any) -> tuple[Any, ...]:
        kind = type(derivation)
        getter = self._getters.get(kind)
        if getter is None:
            getter = self._getters[kind] = attrgetter(*_plain_fields(derivation))
        try:
            plain = getter(derivation)
        except AttributeError:  # a field the first derivation had as an amount or a choice is None
            plain = tuple(getattr(derivation, field.name) for field in fields(derivation))
        return (kind, plain, *map(id, derivation.readings))

    def text(self, derivation: Any, columns: Callable[[Any], str]) -> str:
        key = self._key(derivation)
        try:
            known = self._texts.get(key)
        except TypeError:  # a field holding a list or mapping: not hashable, not remembered
            return columns(derivation)
        if known is None:
            known = self._texts[key] = columns(derivation)
            self._readings.append(derivation.readings)  # kept alive, so their ids stay theirs
        return known


def _plain_fields(derivation: Any) -> list[str]:
    """The names that give a derivation's fields (its readings aside) as plain values, cheap to
    hash and compare: an amount's ``Decimal``, a choice's text."""
    names = []
    for field in fields(derivation):
        if field.name == "readings":
            continue
        value = getattr(derivation, field.name)
        if isinstance(value, Money):
            names.append(f"{field.name}.amount")
        elif isinstance(value, Enum):
            names.append(f"{field.name}._value_")
        else:
            names.append(field.name)
    # Two names at least, so that the getter gives a tuple whatever the derivation.
    return names if len(names) > 1 else [*names, *names]


def _regime_columns(derivation: Any) -> str:
    return f"{derivation.regime.value}\t{_record_text(derivation)}"


def _coverage_columns(coverage: Any) -> str:
    flags = (coverage.annuities, coverage.occupational_hazards, coverage.unemployment, coverage.gcc_extension)
    return "\t".join(
        [
            coverage.regime.value,
            *(copy_text(flag) for flag in flags),
            copy_text(coverage.gcc_country),
            _record_text(coverage),
        ]
    )


def _wage_columns(derived: Any) -> str:
    return f"{derived.amount.amount}\t{_record_text(derived)}\t{copy_text(derived.version_ids)}"


def _timing_columns(timing: Any) -> str:
    if timing.late:
        status = EngagementStatus.PENDING_REVIEW.value
        reason = ReviewReason.LATE_REGISTRATION.value
        return f"{status}\t{reason}\t{copy_text(timing.disputed_from)}\t{copy_text(timing.disputed_until)}"
    return f"{EngagementStatus.ACTIVE.value}\t\t{_NULL}\t{_NULL}"


# --- The checks of one row, as contributor_register makes them ----------------------------------


class _Remembered:
    """A rule's answer — its result, or its refusal — per the inputs given: ``rule(*inputs)``,
    the inputs being the whole key, so that two calls share an answer only when every input
    that varies is equal (the others are the checker's, fixed for the file)."""

    __slots__ = ("answers", "rule")

    def __init__(self, rule: Callable[..., Any]) -> None:
        self.rule = rule
        self.answers: dict[tuple[Any, ...], tuple[bool, Any]] = {}

    def __call__(self, inputs: tuple[Any, ...]) -> Any:
        answer = self.answers.get(inputs)
        if answer is None:
            try:
                answer = (True, self.rule(*inputs))
            except SimisError as error:
                answer = (False, error)
            self.answers[inputs] = answer
        ok, value = answer
        if ok:
            return value
        raise SimisError(value.error, **value.params)


# One registration's lines of COPY text, one string per table: persons, identity documents,
# contribution periods, wages.
Lines = tuple[str, str, str, str]


class Checker:
    """The checks ``contributor_register`` makes of a row, in its order and with its codes, and
    the rows it would write, as COPY text.

    Rules whose inputs repeat across a file are asked once per distinct inputs (``_Remembered``:
    the timing of a join date, the check of a set of amounts, the contributory wage of a first
    wage — which does not depend on the birth date, ``contributory_wage_first``) together with
    their columns' text; the others — names, documents, regime, age, covered branches — are
    asked row by row."""

    def __init__(
        self,
        context: ApplyContext,
        references: References,
        read: ParameterReader,
        registered: dict[tuple[str, str, str], int],
    ) -> None:
        self.references = references
        self.read = read
        self.registered = registered
        today = self.today = context.requested_on
        today_text = self.today_text = today.isoformat()
        self.now_text = timezone.now().isoformat()
        self.establishment = str(context.establishment.pk)
        self.records = Records()

        def timing(join: date, regime: Regime) -> str:
            found = registration_timing(
                join_date=join, leave_date=None, requested_on=today, regime=regime, read=read
            )
            return f"{_timing_columns(found)}\t{today_text}"

        # Amounts are remembered by their Decimals (cheap to hash; equal exactly when the amounts
        # are) and given to the rules as Money again.
        def amounts(basic: Decimal, housing: Decimal, other: Decimal) -> str:
            wage_amounts_check(basic=Money(basic), housing=Money(housing), other=Money(other))
            return f"{basic}\t{housing}\t{other}"

        def wage(
            basic: Decimal, housing: Decimal, in_kind: bool, regime: Regime, annuities: bool, join: date
        ) -> str:
            derived = contributory_wage_first(
                basic=Money(basic),
                housing=Money(housing),
                housing_in_kind=in_kind,
                regime=regime,
                covers_annuities=annuities,
                effective_from=join,
                read=read,
            )
            return self.records.text(derived, _wage_columns)

        # The columns alike for every row: a person's registration and creation, a period's
        # establishment and join date (per date).
        self.registered_on = f"{self.today_text}\t{self.today_text}\t{self.now_text}\n"
        self.periods: dict[date, str] = {}
        self.timings = _Remembered(timing)
        self.amounts = _Remembered(amounts)
        self.wages = _Remembered(wage)
        self.spans: dict[date, tuple[Span, ...]] = {}

    def _documents(
        self, identities: Iterable[tuple[str | None, str, str]], nationality: Country
    ) -> list[Document]:
        documents = []
        for kind_text, number, country in identities:
            kind = _KINDS.get(kind_text or "")
            if kind is None:
                raise SimisError(IdentifierError.WRONG_KIND, value=str(kind_text))
            if kind is IdentityKind.NATIONAL_ID or kind is IdentityKind.IQAMA:
                documents.append(Document(kind, number, SAUDI, SAUDI_ALPHA2))
                continue
            issuer = self.references.country(country) if country else nationality
            documents.append(Document(kind, number, issuer.code, issuer.alpha2))
        return identity_documents_check(nationality=nationality.code, documents=documents)

    def check(self, values: NewContributorValues, ids: tuple[int, int, int] | None) -> Lines | None:
        """The row checked (a refusal raises the service's ``SimisError``); its lines when ``ids``
        are given."""
        (
            _row,
            identities,
            names,
            birth,
            birth_calendar,
            gender,
            nationality_code,
            join,
            occupation_code,
            wage,
            external,
        ) = values
        # What the service checks before asking whether a document is already registered.
        parts = tuple(map(str.strip, names))
        first_ar, _father_ar, _grandfather_ar, family_ar, first_en, _father_en, _grandfather_en, family_en = (
            parts
        )
        if not (first_ar and family_ar and first_en and family_en):
            raise SimisError(RegistryError.PERSON_NAME_REQUIRED)
        if gender not in _GENDERS:
            raise SimisError(RegistryError.UNKNOWN_GENDER, value=str(gender))
        if external < 0:
            raise SimisError(RegistryError.NEGATIVE_EXTERNAL_MONTHS)
        if birth_calendar not in _CALENDARS:
            raise SimisError(DateError.UNKNOWN_CALENDAR, value=str(birth_calendar))
        references = self.references
        nationality = references.country(nationality_code)
        occupation = references.occupation(occupation_code)
        documents = self._documents(identities, nationality)
        if self.registered:
            for doc in documents:
                holder = self.registered.get((doc.kind.value, doc.country, doc.number))
                if holder is not None:
                    raise SimisError(
                        RegistryError.IDENTITY_EXISTS, number=doc.number, contributor_number=holder
                    )

        # The regime, age, deadline, covered branches and contributory wage, in the service's order.
        read = self.read
        spans = self.spans.get(join)
        if spans is None:
            spans = self.spans[join] = (Span(join),)
        derivation = regime_derive(
            birth_date=birth, periods=spans, external_old_law_months=external, read=read
        )
        regime = derivation.regime
        worker_age_check(birth_date=birth, join_date=join, regime=regime, read=read)
        timing_text = self.timings((join, regime))
        coverage = coverage_derive(
            nationality=nationality.nationality,
            gcc_country=nationality.gcc_country,
            birth_date=birth,
            first_covered_on=join,
            regime=regime,
            read=read,
        )
        basic, housing, in_kind = wage.basic.amount, wage.housing.amount, wage.housing_in_kind
        amounts_text = self.amounts((basic, housing, wage.other.amount))
        wage_text = self.wages((basic, housing, in_kind, regime, coverage.annuities, join))
        if ids is None:
            return None

        # The four tables' rows, in their COPY column order. Only names are free text; codes,
        # countries, occupations and document numbers were checked against their lists or
        # formats above (letters and digits), so they need no escaping.
        person, engagement, wage_id = ids
        now = self.now_text
        name_texts = "\t".join(parts)
        if name_texts.count("\t") != 7 or "\\" in name_texts or "\n" in name_texts or "\r" in name_texts:
            name_texts = "\t".join(part.translate(_COPY_ESCAPES) for part in parts)
        if len(documents) == 1:
            doc = documents[0]
            identity_lines = f"{person}\t{doc.kind._value_}\t{doc.country}\t{doc.number}\t{now}\n"
        else:
            identity_lines = "".join(
                f"{person}\t{doc.kind._value_}\t{doc.country}\t{doc.number}\t{now}\n" for doc in documents
            )
        records = self.records
        period = self.periods.get(join)
        if period is None:
            period = self.periods[join] = f"{self.establishment}\t{join.isoformat()}\t"
        return (
            f"{person}\t{name_texts}\t{birth.isoformat()}\t{birth_calendar}\t"
            f"{gender}\t{nationality.code}\t{external}\t"
            f"{records.text(derivation, _regime_columns)}\t{self.registered_on}",
            identity_lines,
            f"{engagement}\t{person}\t{period}\t{occupation}\t{timing_text}\t"
            f"{records.text(coverage, _coverage_columns)}\t{now}\n",
            f"{wage_id}\t{engagement}\t{period}{amounts_text}\t{'t' if in_kind else 'f'}\t{occupation}\t"
            f"{wage_text}\t{now}\n",
        )


# --- Chunks: checked rows, their refusals and their COPY text --------------------------------------


# A refusal as it crosses from the checking process: (column, catalogue, member name, params).
Packed = tuple[str, type[ErrorCatalogue], str, dict[str, Any]]


def _pack(problem: RowProblem) -> Packed:
    error = problem.error
    return (problem.column, type(error.error), error.error.name, error.params)


def _unpack(packed: Packed) -> RowProblem:
    column, catalogue, name, params = packed
    return RowProblem(column, SimisError(catalogue[name], **params))


class Chunk(NamedTuple):
    rows: int  # rows of the file checked so far, this chunk's included
    refused: list[tuple[int, list[Packed]]]
    applied: list[tuple[int, int, int, int]]  # row number, person, period and wage ids
    texts: Sequence[bytes | memoryview] | None  # COPY text of the four tables
    # From the checking process, the texts are in a shared buffer: its number and their lengths.
    shared: tuple[int, tuple[int, ...]] | None = None


Item = tuple[int, NewContributorValues | list[RowProblem]]


@cache
def _scattered(count: int) -> tuple[int, ...]:
    """Positions 0 … count-1 in bit-reversed order. Contribution periods are sent in this order
    within a chunk: the no-overlap constraint's GiST index takes keys scattered faster than
    ascending ones (about 25 % less time for its table; the rows are the same either way)."""
    bits = max(count - 1, 1).bit_length()
    return tuple(sorted(range(count), key=lambda position: int(f"{position:0{bits}b}"[::-1], 2)))


def chunks(
    items: Iterable[Item],
    checker: Checker,
    ids: tuple[Sequence[int], Sequence[int], Sequence[int]] | None,
    *,
    refusal: SimisError | None,
    all_or_nothing: bool,
    size: int,
    total: int | None = None,
) -> Iterator[Chunk]:
    """The rows checked in file order, ``size`` at a time. With ``ids`` (rows to be written) a
    passing row gets the ids of its position in the file and its COPY lines; all or nothing, no
    more lines are made once a row is refused — nothing will be kept. A chunk's rows are read
    first and then checked (reading one row, then checking it, mixes two working sets: about a
    tenth slower)."""
    rows = iter(items)
    any_refused = False
    done = 0
    # The first chunks are small, so that PostgreSQL has work almost at once; they double up to
    # ``size``. Towards the end of ``total`` rows they shrink again, so that little is left to
    # store once the last row is checked.
    step = min(FIRST_CHUNK_ROWS, size)
    refused_alike = [_pack(RowProblem("", refusal))] if refusal is not None else []
    check = checker.check
    while True:
        batch = list(islice(rows, step))
        if not batch and done:
            return
        refused: list[tuple[int, list[Packed]]] = []
        applied: list[tuple[int, int, int, int]] = []
        lines: list[Lines] = []
        for position, (number, item) in enumerate(batch, done):
            if isinstance(item, list):
                refused.append((number, [_pack(problem) for problem in item]))
                any_refused = True
            elif refused_alike:
                refused.append((number, refused_alike))
                any_refused = True
            else:
                writing = ids is not None and not (all_or_nothing and any_refused)
                row_ids = (ids[0][position], ids[1][position], ids[2][position]) if writing and ids else None
                try:
                    made = check(item, row_ids)
                except SimisError as error:
                    refused.append((number, [_pack(RowProblem("", error))]))
                    any_refused = True
                else:
                    if made is not None and row_ids is not None:
                        lines.append(made)
                        applied.append((number, *row_ids))
        done += len(batch)
        yield _chunk(done, refused, applied, lines, all_or_nothing and any_refused)
        if len(batch) < step:
            return
        left = size if total is None else max(FIRST_CHUNK_ROWS, (total - done) // 3)
        step = min(step * 2, size, left)


def _chunk(
    rows: int,
    refused: list[tuple[int, list[Packed]]],
    applied: list[tuple[int, int, int, int]],
    lines: list[Lines],
    nothing_kept: bool,
) -> Chunk:
    if nothing_kept or not lines:
        return Chunk(rows, refused, [], None)
    persons, identities, engagements, wages = zip(*lines, strict=True)
    scattered = map(engagements.__getitem__, _scattered(len(engagements)))
    texts = tuple("".join(part).encode() for part in (persons, identities, scattered, wages))
    return Chunk(rows, refused, applied, texts)


# --- The checking process ----------------------------------------------------------------------------


class Producer:
    """The chunks, made in a forked process started at once (``fork``), at most ``CHUNKS_AHEAD``
    ahead of the caller, or else here as they are asked for. ``close`` stops the process
    whatever happened.

    From the forked process a chunk's COPY text — 10 MB or so — comes through one of a few
    buffers of memory shared with it (mapped before the fork), not through the pipe: written
    once there and read from there by the driver, rather than pickled, piped, read and
    unpickled. The caller gives a buffer back (``release``) once its text is copied."""

    def __init__(self, make: Callable[[], Iterator[Chunk]], *, fork: bool) -> None:
        self.make = make
        self.child: Any = None
        self.ready: Any = None
        self.free: Any = None
        self.buffers: list[mmap.mmap] = []
        if fork and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self.ready = context.Queue(maxsize=CHUNKS_AHEAD)
            self.free = context.Queue()
            self.buffers = [mmap.mmap(-1, BUFFER_BYTES) for _ in range(BUFFERS)]
            for number in range(BUFFERS):
                self.free.put(number)
            self.child = context.Process(
                target=_produce,
                args=(make, self.ready, self.free, self.buffers),
                name="uploads-check",
                daemon=True,
            )
            try:
                self.child.start()
            except (AssertionError, OSError):  # a daemonic caller may not fork: check here instead
                self._queues_close()
                self.child = None

    @property
    def forked(self) -> bool:
        return self.child is not None

    def __iter__(self) -> Iterator[Chunk]:
        if self.child is None:
            yield from self.make()
            return
        while True:
            try:
                item = self.ready.get(timeout=1)
            except queue.Empty:
                if not self.child.is_alive():
                    raise RuntimeError(
                        f"the checking process ended unexpectedly (exit code {self.child.exitcode})"
                    ) from None
                continue
            if item is None:
                return
            if isinstance(item, str):
                raise RuntimeError(f"the checking process failed:\n{item}")
            if item.shared is not None:
                number, lengths = item.shared
                view = memoryview(self.buffers[number])
                texts, offset = [], 0
                for length in lengths:
                    texts.append(view[offset : offset + length])
                    offset += length
                item = item._replace(texts=texts)
            yield item

    def release(self, chunk: Chunk) -> None:
        """Gives the chunk's shared buffer back to the checking process."""
        if chunk.shared is not None and self.free is not None:
            self.free.put(chunk.shared[0])

    def close(self) -> None:
        if self.child is None:
            return
        if self.child.is_alive():
            self.child.terminate()
        self.child.join(timeout=5)
        self.child = None
        self._queues_close()

    def _queues_close(self) -> None:
        for channel in (self.ready, self.free):
            if channel is not None:
                channel.close()
        self.ready = self.free = None
        for buffer in self.buffers:
            # A view of it still held: unmapped when the last one goes.
            with contextlib.suppress(BufferError):
                buffer.close()
        self.buffers = []


def _produce(make: Callable[[], Iterator[Chunk]], ready: Any, free: Any, buffers: list[mmap.mmap]) -> None:
    """The forked process: chunks onto ``ready`` (their text in a free shared buffer), then
    None; a failure as its traceback. It never touches the database connections it inherited
    (the caller's, mid-transaction, and the progress writer's), and leaves through ``os._exit``
    as every forked multiprocessing child does, so they are never closed from here."""
    # A short-lived process over a copy of its parent's heap: nothing worth collecting, and a
    # collection would touch (and so copy) every page of it. A profiler running in the parent
    # (the benchmark's ``--profile``) is not carried over.
    gc.disable()
    sys.setprofile(None)
    try:
        for chunk in make():
            texts = chunk.texts
            if texts is not None and sum(map(len, texts)) <= BUFFER_BYTES:
                number = free.get()
                buffer, offset = buffers[number], 0
                for text in texts:
                    buffer[offset : offset + len(text)] = text
                    offset += len(text)
                chunk = chunk._replace(texts=None, shared=(number, tuple(map(len, texts))))
            ready.put(chunk)
        ready.put(None)
    except BaseException:
        ready.put(traceback.format_exc())


# --- Writing ---------------------------------------------------------------------------------------------


def _ids(models: Sequence[Any], count: int) -> list[list[int]]:
    """``count`` ids for each of ``models``, drawn from each table's own sequence (so nothing
    else can take them), in one statement."""
    if not count:
        return [[] for _model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join("pg_get_serial_sequence(%s, %s)" for _model in models),
            [name for model in models for name in (model._meta.db_table, model._meta.pk.column)],
        )
        sequences = cursor.fetchone()
        draws = ", ".join("array_agg(nextval(%s::regclass))" for _sequence in sequences)
        cursor.execute(f"SELECT {draws} FROM generate_series(1, %s)", [*sequences, count])  # noqa: S608
        return [list(ids) for ids in cursor.fetchone()]


def _register_tables() -> list[Any]:
    identity_model: Any = Person._meta.get_field("identities").related_model
    return [Person, identity_model, Engagement, Wage]


def _statistics_held() -> None:
    """Keeps VACUUM and ANALYZE off the four tables until the transaction ends (they wait;
    autovacuum passes them by). Either would count none of the rows being copied — uncommitted —
    yet count the pages they fill: a table so described looks empty to the planner, which may
    then check each wage's contribution period through an index of the whole establishment, once
    per wage (minutes instead of seconds, seen on a register that held few rows). The lock does
    not conflict with anyone's reads or writes of rows; a second bulk upload waits for this one."""
    tables = ", ".join(model._meta.db_table for model in _register_tables())
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {tables} IN SHARE UPDATE EXCLUSIVE MODE")


def _copy_sql(model: Any, names: Sequence[str]) -> str:
    columns = ", ".join(model._meta.get_field(name).column for name in names)
    return f"COPY {model._meta.db_table} ({columns}) FROM STDIN"


class Copier:
    """Copies chunks' text into the four tables — persons, identity documents, contribution
    periods, wages, in that order, as the wage trigger needs its period — from a thread of its
    own over the transaction's own connection, so that PostgreSQL has the next chunk as soon as
    it is done with one while the calling thread takes in the chunk after (nothing else uses the
    connection meanwhile: the caller only reports progress, over its own connection).
    ``finish`` waits for the last copy and raises a database error as Django's; the caller's
    transaction then rolls everything back."""

    def __init__(self) -> None:
        self.statements = tuple(
            _copy_sql(model, names)
            for model, names in zip(
                _register_tables(),
                (PERSON_FIELDS, IDENTITY_FIELDS, ENGAGEMENT_FIELDS, WAGE_FIELDS),
                strict=True,
            )
        )
        connection.ensure_connection()
        self.raw = connection.connection  # Django's connections belong to their thread: the driver's
        self.copied = 0
        self.error: BaseException | None = None
        self.queue: queue.Queue[tuple[int, Sequence[bytes | memoryview], Callable[[], None]] | None] = (
            queue.Queue(maxsize=2)
        )
        self.thread = threading.Thread(target=self._run, name="uploads-copy", daemon=True)
        self.thread.start()

    def copy(self, rows: int, texts: Sequence[bytes | memoryview], done: Callable[[], None]) -> None:
        """Queues a chunk of ``rows`` rows (``texts``: one COPY text a table); ``done`` is called
        once the texts are no longer needed."""
        if self.error is None:
            self.queue.put((rows, texts, done))
        else:
            done()

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            rows, texts, done = item
            try:
                if self.error is None:  # else drained: the first error is raised by ``finish``
                    self._copy(rows, texts)
            except BaseException as error:  # raised again in the calling thread
                self.error = error
            finally:
                done()

    def _copy(self, rows: int, texts: Sequence[bytes | memoryview]) -> None:
        with self.raw.cursor() as cursor:
            for statement, text in zip(self.statements, texts, strict=True):
                if not len(text):
                    continue
                view = memoryview(text)
                with cursor.copy(statement) as copy:
                    for offset in range(0, len(view), _WRITE_BYTES):
                        copy.write(view[offset : offset + _WRITE_BYTES])
        self.copied += rows

    def finish(self) -> None:
        self.close()
        if self.error is not None:
            with connection.wrap_database_errors:
                raise self.error

    def close(self) -> None:
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()


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


_NUMBER_KEYS = ("identity_number", "passport_number")


def table_items(table: Table) -> Iterator[Item]:
    """Each row of a new-contributors file, read (``rows.NewContributorCells``, or ``row_read``
    for a row with anything wrong with it, which names every problem) and checked against the
    file's earlier rows (``rows.Repeats``): its values (``rows.NewContributorValues``), or its
    problems."""
    layout = table.layout
    cells_reader = NewContributorCells(layout, table.slots, len(table.columns), table.free)
    values_read = cells_reader.values
    repeats = Repeats()
    repeated = repeats.documents_check
    for number, cells in table.rows:
        values = values_read(number, cells)
        if values is None:
            read, problems = row_read(layout, number, table.values(cells), table.extra_cells(cells))
            if problems or not isinstance(read, NewContributorInput):
                yield number, problems
                continue
            values = new_contributor_values(read)
        problem = repeated(number, values[1])
        yield number, ([problem] if problem is not None else values)


def _table_numbers(table: Table) -> list[str]:
    positions = [position for position, key in table.slots if key in _NUMBER_KEYS]
    numbers = []
    for _number, cells in table.rows:
        width = len(cells)
        for position in positions:
            if position < width and (text := cells[position]):
                numbers.append(normalise_identifier(text))
    return numbers


def contributors_register_table(table: Table, context: ApplyContext) -> ApplyResult:
    """Registers a whole file of new contributors in one pass: each row's cells are read
    (``table_items``), the register's checks made and the row made into COPY text in a
    checking process, while this one copies the chunks already made. The refused rows carry
    the same codes as when the cells are read first."""
    return _register(lambda: table_items(table), len(table.rows), _table_numbers(table), context)


def _register(
    items: Callable[[], Iterable[Item]], total: int, numbers: Iterable[str], context: ApplyContext
) -> ApplyResult:
    """The bulk path (see the module docstring). All or nothing: nothing is kept when any row is
    refused (rows copied before the refusal are rolled back by the caller). Otherwise the
    refused rows are left out."""
    result = ApplyResult()
    refusal = _establishment_refusal(context)
    registered = identities_registered(numbers) if refusal is None else {}
    writing = refusal is None and not context.check_only and total > 0
    # Ids drawn up front for every row that may pass; a refused row's ids are simply unused.
    ids = None
    if writing:
        _statistics_held()
        person_ids, engagement_ids, wage_ids = _ids((Person, Engagement, Wage), total)
        ids = (person_ids, engagement_ids, wage_ids)
    checker = Checker(context, References(), _remembered(parameter_reader()), registered)

    def make() -> Iterator[Chunk]:
        return chunks(
            items(),
            checker,
            ids,
            refusal=refusal,
            all_or_nothing=context.all_or_nothing,
            size=CHUNK_ROWS,
            total=total,
        )

    copier = Copier() if writing else None
    producer = Producer(make, fork=writing and total > CHUNK_ROWS)
    applied: list[AppliedRow] = []
    try:
        for chunk in producer:
            for number, problems in chunk.refused:
                for packed in problems:
                    result.refuse(number, _unpack(packed))
            if chunk.texts is not None and copier is not None:
                copier.copy(len(chunk.applied), chunk.texts, partial(producer.release, chunk))
                applied.extend(map(AppliedRow._make, chunk.applied))
            else:
                producer.release(chunk)
            # Rows checked count for half the work, rows stored for the other half.
            context.progress(chunk.rows // 2 + (copier.copied // 2 if copier else chunk.rows // 2))
        if copier is not None:
            copier.finish()
    finally:
        if copier is not None:
            copier.close()
        producer.close()
    if applied and not (context.all_or_nothing and result.problems):
        result.applied = applied
        periods_added(row.engagement_id for row in applied)  # late joiners may reach billed months
    return result
