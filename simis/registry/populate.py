"""A realistic register at scale, generated and loaded with ``COPY`` (issue 3).

``populate`` makes establishments (mains with some branches, a heavy-tailed size mix, weighted
regions, cities, offices and economic activities) and contributors (Saudi and other
nationalities with four-part names in Arabic and English, valid national ID, iqama, GCC ID and
passport numbers, birth dates, contribution histories with past periods at other
establishments, transfers between branches, leave reasons and wage histories), and loads them
with PostgreSQL ``COPY`` on Django's connection, in one transaction.

Every derived figure comes from the registry's own pure rules, exactly as the services derive
it, so generated rows cannot be told from registered ones:

- the regime and its inputs from ``rules.regime_derive`` over all of a person's periods;
- every period's branches from ``rules.coverage_derive`` on the first coverage date;
- every wage's contributory wage, inputs and parameter versions from ``rules.contributory_wage``
  (a transferred period's first wage is carried over as ``contributor_transfer`` does);
- late registrations from ``rules.registration_timing``.

Speed comes from three things.

- **The rules are pure.** Parameter readings are cached per validity interval (a reading says
  from when to when it holds), and a derivation whose inputs repeat is computed once and reused:
  a contributory wage per wage and interval (with the prior wage and the year where the age-50
  cap is in play), a non-Saudi's branches per first coverage date, and every regime and coverage
  record encoded once for all that differ only in that date.
- **Generation runs beside the load.** Batches of people are made by forked processes (as many
  as there are cores, up to four) while the loader ``COPY``s the previous ones. A batch holds
  its rows without ids; in its turn (batches take turns in order, whichever process made them)
  it draws its identity, period and wage ids from the sequences and settles its GCC national
  IDs against those already given out, so the register does not depend on the number of
  processes.
- **A large load is checked in bulk (the pg_restore way).** When the load outweighs what the
  tables hold (``_bulk_wanted``), the five tables' primary keys and unique constraints, foreign
  keys, the no-overlap exclusion constraint and plain indexes (the name-search trigram index
  among them) are dropped inside the transaction, and the wage-inside-period trigger and the
  statement-level reference checks (``{table}_references``, ``simis.core.db_references``:
  persons, identity documents, periods and wages name their parents that way) are disabled;
  after the last batch they are put back word for word (``pg_get_constraintdef``,
  ``pg_get_indexdef``) and PostgreSQL checks every row as it does so: one sorted index build
  per key, one index build and overlap check for the exclusion constraint, one join per foreign
  key or reference (``{table}_references_check()``), and one join over all wages that raises
  the trigger's own error. Nothing is skipped: a row that breaks any of them refuses the whole
  load (POP-006, naming the constraint), exactly as when they are checked row by row. Kept in
  place: a key that a foreign key left in place relies on (an upload's establishment), and
  partial unique indexes (PostgreSQL would write their predicate back in another form).
  ``ALTER TABLE`` holds ACCESS EXCLUSIVE locks until commit on the five tables and on the tables
  the establishments' dropped foreign keys point to (regions, offices, economic activities); the
  reference checks lock the countries and occupations named ``FOR KEY SHARE``, and a person,
  establishment or period is deleted only after waiting for this transaction: no row can slip
  in unchecked in between. A smaller load keeps every constraint, trigger and index in place
  and is checked statement by statement.

Histories go back as far as the loaded parameters can derive a contributory wage, but not
before 1 January 1975 (``_EARLIEST``): the shipped files declare the wage limits from 1/1/1393H
(5 February 1973, when the first Social Insurance Law, M/22 of 1389H, began to apply; M/33's
figures carried back and marked unconfirmed, since no source gives M/22's own), so some people
have periods before 1/1/1422H (26 March 2001, M/33) and all three regimes occur
(``_histories_from`` finds the first day every reading exists).

Deterministic: the same seed, sizes and as-of date give the same people, establishments,
histories and wages, and on the same sequences the same ids, however many processes generate.
Database keys (ids, establishment and contributor numbers) come from the sequences, so later
registrations never collide; identity numbers are derived from the contributor number through a
fixed bijection, so they are unique across runs too (a GCC national ID, which keeps only five
of its digits, may instead become a passport when another holds it).

Only for development, demonstration and test systems (POP-001).
"""

from __future__ import annotations

import bisect
import gc
import itertools
import json
import math
import multiprocessing
import os
import queue
import random
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db import models as db_models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from simis.audit.public import audit_record
from simis.core.contribution_rates import NationalityClass
from simis.core.dates import Calendar, hijri_year_start, month_end
from simis.core.db_copy import SEQUENCE_DRAW_SQL, sequence_draw, serial_sequence
from simis.core.errors import ErrorCatalogue, SimisError
from simis.core.identifiers import IdentityKind, generate_national_id
from simis.core.money import Money
from simis.core.parameter_table import ParameterReader, ParameterReading, Regime
from simis.core.selectors import parameter_reader
from simis.registry import populate_data as data
from simis.registry import rules
from simis.registry.choices import EngagementStatus, EstablishmentStatus, Gender, LeaveReason, ReviewReason
from simis.registry.models import (
    CONTRIBUTOR_NUMBER_SEQUENCE,
    ESTABLISHMENT_NUMBER_SEQUENCE,
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
)


class PopulateError(ErrorCatalogue):
    """Refusals of the ``populate`` generator and the demonstration register (POP-xxx)."""

    NOT_ALLOWED = (
        "POP-001",
        _(
            "Generated data may only be loaded on development, demonstration or test systems "
            "(SIMIS_DEBUG, SIMIS_DEMO or SIMIS_TESTING)."
        ),
    )
    SIZE_TOO_SMALL = (
        "POP-002",
        _("The number of %(what)s must be at least %(minimum)s; %(value)s was given."),
    )
    LARGEST_TOO_BIG = (
        "POP-003",
        _(
            "The largest establishment cannot have %(largest)s active workers: only %(active)s of the "
            "contributors will be working."
        ),
    )
    REFERENCE_MISSING = (
        "POP-004",
        _("The reference table of %(table)s is empty; run the migrations first."),
    )
    PARAMETERS_MISSING = (
        "POP-005",
        _(
            "The law parameters the rules read are not loaded (%(detail)s). Load them first: "
            "simis parameters-load"
        ),
    )
    ALREADY_REGISTERED = (
        "POP-006",
        _(
            "A generated record clashes with one already registered (%(detail)s); nothing was "
            "loaded. Load into a register that does not hold these numbers."
        ),
    )
    TOO_MANY = (
        "POP-007",
        _("At most %(maximum)s %(what)s can be generated in one run; %(value)s was asked for."),
    )
    BATCH_SIZE = (
        "POP-008",
        _("The batch size must be between %(minimum)s and %(maximum)s; %(value)s was given."),
    )


class PopulateAction(db_models.TextChoices):
    POPULATION_LOADED = "registry.population_loaded", _("Generated register loaded")
    DEMO_LOADED = "registry.demo_register_loaded", _("Demonstration register loaded")


def generated_data_allowed() -> bool:
    """Generated people belong on development, demonstration and test systems only."""
    return bool(settings.DEBUG or getattr(settings, "DEMO", False) or getattr(settings, "TESTING", False))


# --- What is asked for, and what was done ------------------------------------------------------


@dataclass(frozen=True)
class Workforce:
    """An existing establishment that gets exactly ``active`` generated workers."""

    establishment_id: int
    active: int


@dataclass(frozen=True)
class PopulationSpec:
    """What to generate. ``largest``: one main establishment with exactly that many active
    workers. ``as_of``: the day the register is generated for (default today); with the seed
    and the sizes it fixes every generated value. ``workforces``: existing establishments to
    staff as well (the demonstration register)."""

    seed: int = 1
    establishments: int = 100
    contributors: int = 1_000
    largest: int | None = None
    batch_size: int = 25_000
    as_of: date | None = None
    workforces: tuple[Workforce, ...] = ()


@dataclass
class TableFigures:
    rows: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


TABLES = ("establishment", "person", "identity", "engagement", "wage")


@dataclass
class PopulationResult:
    """What a run loaded: rows and ``COPY`` seconds per table (the seconds a table's ``COPY``
    statements took, constraint checks included), and where the rest of the time went."""

    seed: int
    as_of: date
    tables: dict[str, TableFigures] = field(default_factory=lambda: {t: TableFigures() for t in TABLES})
    seconds: float = 0.0
    generate_seconds: float = 0.0
    wait_seconds: float = 0.0  # the loader waiting for the next batch
    index_seconds: float = 0.0
    constraint_seconds: float = 0.0
    analyze_seconds: float = 0.0
    commit_seconds: float = 0.0
    indexes_rebuilt: list[str] = field(default_factory=list)
    constraints_deferred: list[str] = field(default_factory=list)
    regimes: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    saudis: int = 0
    transfers: int = 0
    earliest_join: date | None = None
    histories_from: date | None = None
    largest_number: str = ""
    contributor_numbers: tuple[int, int] = (0, 0)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables.values())


Progress = Callable[[str], None]


# --- Small helpers -------------------------------------------------------------------------------

# Identity numbers are derived from the contributor number through this bijection of
# 0 … 99,999,999 (the multiplier is coprime with 10), so two contributors never share one.
_ID_MULTIPLIER = 7_392_281
_ID_OFFSET = 31_415_926
_EIGHT_DIGITS = 100_000_000
# Unified (700) and CR numbers from the establishment number, the same way over 10^9.
_EST_MULTIPLIER = 387_420_489
_EST_OFFSET = 271_828_182
_CR_MULTIPLIER = 282_475_249
_CR_OFFSET = 161_803_398
_NINE_DIGITS = 1_000_000_000
# Load sizes above this rebuild the plain indexes instead of maintaining them row by row.
_REBUILD_MINIMUM_ROWS = 50_000
_MAX_CONTRIBUTORS = 50_000_000
# Generator processes: as many as there are cores, up to four (one PostgreSQL backend loads).
_GENERATORS = max(1, min(4, os.cpu_count() or 1))
_MAX_ESTABLISHMENTS = 5_000_000
_DAYS_PER_YEAR = 365.2425
_EARLIEST = date(1975, 1, 1)


def identity_sequence(contributor_number: int) -> int:
    """The eight digits behind a contributor's national ID, iqama, GCC ID or passport."""
    return ((contributor_number % _EIGHT_DIGITS) * _ID_MULTIPLIER + _ID_OFFSET) % _EIGHT_DIGITS


def _copy_text(value: str) -> str:
    """A value in PostgreSQL's COPY text format."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


# One encoder for every record (``json.dumps`` with options builds a new one per call).
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _copy_json(text: str) -> str:
    """JSON text in COPY text format: compact JSON never holds a raw tab, newline or carriage
    return (it escapes them), so only backslashes need doubling."""
    return text.replace("\\", "\\\\") if "\\" in text else text


def _json(record: dict[str, Any]) -> str:
    return _copy_json(_ENCODE(record))


NULL = "\\N"
# Stands for the first coverage date in a record encoded once for many (``_around_first``).
_FIRST = "@first_covered_on@"
# Codes written on every row, read once (an enum member's ``.value`` is a descriptor call).
_ACTIVE = EngagementStatus.ACTIVE.value
_TERMINATED = EngagementStatus.TERMINATED.value
_HIJRI, _GREGORIAN = Calendar.HIJRI.value, Calendar.GREGORIAN.value
_FEMALE, _MALE = Gender.FEMALE.value, Gender.MALE.value
_NATIONAL_ID, _IQAMA = IdentityKind.NATIONAL_ID.value, IdentityKind.IQAMA.value
_GCC_ID, _PASSPORT = IdentityKind.GCC_NATIONAL_ID.value, IdentityKind.PASSPORT.value


def _flag(value: bool) -> str:
    return "t" if value else "f"


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    limit = math.exp(-mean)
    k, p = 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


class _Weighted:
    """Weighted choice by bisection over cumulative weights (``random.choices`` is slower)."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, pairs: Sequence[tuple[Any, float]]) -> None:
        kept = [(item, w) for item, w in pairs if w > 0]
        self.items = [item for item, _w in kept]
        self.cum = list(itertools.accumulate(w for _i, w in kept))
        self.total = self.cum[-1] if self.cum else 0.0

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


class _ByOrdinal(dict[int, Any]):
    """A dictionary that computes and keeps the value of a day ordinal it does not hold yet."""

    def __init__(self, make: Callable[[int], Any]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, ordinal: int) -> Any:
        value = self[ordinal] = self.make(ordinal)
        return value


class IntervalReader:
    """A parameter reader that remembers each reading over the interval it holds for
    (``valid_from`` to ``valid_to``), so the millions of reads of a load cost a dictionary
    lookup. It returns exactly what the wrapped reader returns."""

    def __init__(self, read: ParameterReader) -> None:
        self._read = read
        self._cache: dict[tuple[str, str], list[ParameterReading]] = {}

    def __call__(self, key: str, on: date, regime: Regime) -> ParameterReading:
        held = self._cache.get((key, regime))
        if held is not None:
            for reading in held:
                if reading.valid_from <= on and (reading.valid_to is None or on < reading.valid_to):
                    return reading
        reading = self._read(key, on, regime)
        self._cache.setdefault((key, str(regime)), []).append(reading)
        return reading


def _holds_from_to(readings: Sequence[ParameterReading]) -> tuple[date, date | None]:
    """The interval over which every one of ``readings`` holds."""
    start = max(r.valid_from for r in readings)
    ends = [r.valid_to for r in readings if r.valid_to is not None]
    return start, (min(ends) if ends else None)


# --- Reference data ------------------------------------------------------------------------------


@dataclass
class _Reference:
    offices: dict[str, str]  # office → region
    regions: set[str]
    activities: list[data.Activity]
    occupations: set[str]
    countries: dict[str, tuple[str, bool]]  # code → (alpha2, is_gcc)

    @classmethod
    def load(cls) -> _Reference:
        offices = dict(Office.objects.values_list("code", "region_id"))
        regions = set(Region.objects.values_list("code", flat=True))
        divisions = set(EconomicActivity.objects.filter(level="division").values_list("code", flat=True))
        occupations = set(Occupation.objects.values_list("code", flat=True))
        countries = {c: (a2, gcc) for c, a2, gcc in Country.objects.values_list("code", "alpha2", "is_gcc")}
        for label, rows in (
            ("offices", offices),
            ("regions", regions),
            ("economic activities", divisions),
            ("occupations", occupations),
            ("countries", countries),
        ):
            if not rows:
                raise SimisError(PopulateError.REFERENCE_MISSING, table=label)
        activities = [a for a in data.ACTIVITIES if a.code in divisions]
        if not activities:
            raise SimisError(PopulateError.REFERENCE_MISSING, table="economic activities")
        if SAUDI not in countries:
            raise SimisError(PopulateError.REFERENCE_MISSING, table="countries")
        return cls(offices, regions, activities, occupations, countries)


# --- Establishments ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Est:
    pk: int
    number: str
    unified: str
    cr: str
    name_ar: str
    name_en: str
    is_main: bool
    parent: int  # index of the main, -1 for a main
    activity: data.Activity
    region: str
    city: str
    office: str
    status: str
    registered: int  # ordinal
    active: int = 0
    group: int = -1  # index of the main of its group
    existing: bool = False


_SIZE_FACTOR = {"energy": 6.0, "security": 3.0, "industry": 2.0, "health": 2.0, "education": 1.5}
_BRANCH_SHARE = 0.06
_CLOSED_SHARE = 0.03
_SUSPENDED_SHARE = 0.01
_INACTIVE_SHARE = 0.12


def _allocate(weights: Sequence[float], total: int) -> list[int]:
    """``total`` split in proportion to ``weights`` by largest remainders: the parts sum to
    ``total`` exactly."""
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    shares = [w * total / whole for w in weights]
    parts = [int(s) for s in shares]
    left = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: parts[i] - shares[i])
    for i in order[:left]:
        parts[i] += 1
    return parts


# --- Contributors --------------------------------------------------------------------------------


@dataclass(slots=True)
class _Period:
    est: int
    join: int  # ordinal
    leave: int | None
    reason: str
    occupation: str
    transfer_from: int = -1  # index of the period this one continues
    requested: int = 0
    pending: rules.Timing | None = None


@dataclass(slots=True)
class _Who:
    saudi: bool
    nationality: str
    alpha2: str
    gcc: bool  # a national of another GCC state
    group: data.NameGroup
    female: bool
    age: float
    birth: int  # ordinal
    wage_factor: float


@dataclass(slots=True)
class _WageRow:
    effective: int  # ordinal
    basic: int
    housing: int
    other: int
    in_kind: bool
    occupation: str | None
    carried: bool = False


_LEAVE_BETWEEN_JOBS = _Weighted(
    [
        (LeaveReason.RESIGNATION.value, 45),
        (LeaveReason.END_OF_CONTRACT.value, 33),
        (LeaveReason.MUTUAL_AGREEMENT.value, 10),
        (LeaveReason.DISMISSAL.value, 6),
        (LeaveReason.ESTABLISHMENT_CLOSED.value, 4),
        (LeaveReason.OTHER.value, 2),
    ]
)
_LEAVE_LAST_SAUDI = _Weighted(
    [
        (LeaveReason.RESIGNATION.value, 45),
        (LeaveReason.END_OF_CONTRACT.value, 30),
        (LeaveReason.MUTUAL_AGREEMENT.value, 10),
        (LeaveReason.DISMISSAL.value, 6),
        (LeaveReason.ESTABLISHMENT_CLOSED.value, 4),
        (LeaveReason.DEATH.value, 2),
        (LeaveReason.DISABILITY.value, 1),
        (LeaveReason.OTHER.value, 2),
    ]
)
_LEAVE_LAST_OTHER = _Weighted(
    [
        (LeaveReason.FINAL_EXIT.value, 60),
        (LeaveReason.END_OF_CONTRACT.value, 20),
        (LeaveReason.RESIGNATION.value, 10),
        (LeaveReason.DISMISSAL.value, 4),
        (LeaveReason.ESTABLISHMENT_CLOSED.value, 3),
        (LeaveReason.DEATH.value, 1),
        (LeaveReason.OTHER.value, 2),
    ]
)


@dataclass
class _Chunk:
    """One batch of generated people. Persons are COPY text; the rows of the other tables wait
    for their ids, which are drawn for the whole chunk once it is made (in chunk order, so the
    same seed gives the same ids however many processes generate), and hold *local* indexes
    where they refer to one another:

    - ``identities``: the line after the id;
    - ``engagements``: ``(body, transferred_from)``, the line between the id and the
      transferred-from period, and that period's local index (-1 for none);
    - ``wages``: ``(engagement, tail)``, the period's local index and the line after the
      period's id; a wage carried over on a transfer is ``(engagement, head, source, rest)``,
      its inputs naming the source wage by its local index between ``head`` and ``rest``."""

    index: int
    persons: list[str]
    identities: list[str]
    engagements: list[tuple[str, int]]
    wages: list[tuple[Any, ...]]
    gcc: list[tuple[int, str, str, str]]  # (identity index, country alpha-2, number, passport line)
    regimes: Counter[str]
    statuses: Counter[str]
    saudis: int
    transfers: int
    earliest: int
    seconds: float

    def settle_gcc(self, taken: set[tuple[str, str]]) -> list[tuple[str, str]]:
        """Batches settle their GCC national IDs in batch order: a number an earlier batch (or
        an earlier person of this one) gave out turns this one's into a passport. Returns the
        numbers this batch gives out, which are added to ``taken``."""
        given = []
        for index, alpha2, value, passport in self.gcc:
            if (alpha2, value) in taken:
                self.identities[index] = passport
            else:
                taken.add((alpha2, value))
                given.append((alpha2, value))
        return given

    @property
    def counts(self) -> tuple[int, int, int]:
        return len(self.identities), len(self.engagements), len(self.wages)

    def lines(
        self, ids: tuple[Sequence[int], Sequence[int], Sequence[int]], now: str
    ) -> dict[str, list[str]]:
        """COPY lines per table, with ``ids`` (identity, period and wage ids) in place."""
        identity_ids, engagement_ids, wage_ids = ids
        engagements = [
            f"{engagement_ids[k]}\t{body}\t{NULL if source < 0 else engagement_ids[source]}\t{now}\n"
            for k, (body, source) in enumerate(self.engagements)
        ]
        wages = []
        for wage_id, row in zip(wage_ids, self.wages, strict=True):
            if len(row) == 2:
                wages.append(f"{wage_id}\t{engagement_ids[row[0]]}\t{row[1]}")
            else:
                wages.append(f"{wage_id}\t{engagement_ids[row[0]]}\t{row[1]}{wage_ids[row[2]]}{row[3]}")
        return {
            "person": self.persons,
            "identity": [f"{i}\t{tail}" for i, tail in zip(identity_ids, self.identities, strict=True)],
            "engagement": engagements,
            "wage": wages,
        }


@dataclass
class _Batch:
    """A chunk packed for the loader: one COPY text blob and its row count per table."""

    index: int
    blobs: dict[str, tuple[bytes, int]]
    regimes: Counter[str]
    statuses: Counter[str]
    saudis: int
    transfers: int
    earliest: int
    seconds: float

    @classmethod
    def of(cls, chunk: _Chunk, lines: dict[str, list[str]]) -> _Batch:
        blobs = {table: ("".join(rows).encode(), len(rows)) for table, rows in lines.items()}
        return cls(
            chunk.index,
            blobs,
            chunk.regimes,
            chunk.statuses,
            chunk.saudis,
            chunk.transfers,
            chunk.earliest,
            chunk.seconds,
        )


Draw = Callable[[str, int], list[int]]


# --- The generator -------------------------------------------------------------------------------


class _Generator:
    """Everything drawn from the seed. Establishments are planned up front; contributors are
    generated chunk by chunk (each chunk from its own seeded generator, so a chunk's people do
    not depend on the order chunks are made in)."""

    def __init__(
        self, spec: PopulationSpec, reference: _Reference, read: ParameterReader, as_of: date
    ) -> None:
        self.spec = spec
        self.ref = reference
        self.read = IntervalReader(read)
        self.as_of = as_of
        self.as_of_ord = as_of.toordinal()
        self.rng = random.Random(spec.seed)
        self.now = timezone.now().isoformat()
        self.histories_from = self._histories_from()
        self.floor_ord = max(self.histories_from, _EARLIEST).toordinal()
        # Ordinal → ISO text and ordinal → date, filled as asked (a dictionary lookup each).
        self.iso: dict[int, str] = _ByOrdinal(lambda ordinal: date.fromordinal(ordinal).isoformat())
        self.day: dict[int, date] = _ByOrdinal(date.fromordinal)
        self.month_last: dict[int, int] = _ByOrdinal(
            lambda ordinal: month_end(date.fromordinal(ordinal)).toordinal()
        )
        self._wage_memo: dict[tuple[Any, ...], list[tuple[date, date | None, tuple[str, str, str, str]]]] = {}
        # Records that differ only in the first coverage date: (before, after) that date.
        self._first_memo: dict[tuple[Any, ...], tuple[str, str]] = {}
        self._coverage_memo: dict[tuple[Any, ...], tuple[rules.Coverage, str]] = {}
        self._occupations: dict[tuple[str, bool], _Weighted] = {}
        self.ests: list[_Est] = []
        self.slots: list[int] = []
        self.largest = -1
        nationalities = [n for n in data.NATIONALITIES if n.code in reference.countries]
        self.nationalities = {n.code: n for n in nationalities}
        self.non_saudi = _Weighted([(n.code, n.share) for n in nationalities])
        self.activity_pick = _Weighted([(a, a.share) for a in reference.activities])
        self.groups = data.NAME_GROUPS
        self.saudi_norm = 1.0

    # -- dates --

    def _histories_from(self) -> date:
        """The first day every reading a contributory wage needs has a value: histories start
        there (1/1/1422H with the shipped parameters; earlier once earlier values are loaded)."""
        probe = min(hijri_year_start(1423), self.as_of)
        floor = probe
        while True:
            try:
                starts = []
                for regime in (Regime.OLD_LAW, Regime.TRANSITIONAL):
                    for annuities, in_kind in ((True, False), (False, True)):
                        derived = rules.contributory_wage(
                            basic=Money(Decimal(3000)),
                            housing=Money(Decimal(750)),
                            housing_in_kind=in_kind,
                            regime=regime,
                            covers_annuities=annuities,
                            effective_from=floor,
                            birth_date=date(1960, 1, 1),
                            prior=None,
                            read=self.read,
                        )
                        starts.append(_holds_from_to(derived.readings)[0])
                    coverage = rules.coverage_derive(
                        nationality=NationalityClass.SAUDI,
                        gcc_country=None,
                        birth_date=date(1960, 1, 1),
                        first_covered_on=floor,
                        regime=regime,
                        read=self.read,
                    )
                    starts.append(_holds_from_to(coverage.readings)[0])
            except SimisError:
                if floor == probe:
                    raise
                return floor + timedelta(days=1)
            earliest = max(starts)
            if earliest <= _EARLIEST:
                return _EARLIEST
            floor = earliest - timedelta(days=1)

    # -- establishments --

    def plan_establishments(self, numbers: list[str], pks: list[int], existing: list[_Est]) -> None:
        spec, rng = self.spec, self.rng
        total = len(numbers)
        n_branch = round(total * _BRANCH_SHARE) if total >= 20 else 0
        if spec.largest:
            n_branch = min(n_branch, total - 1)
        n_main = total - n_branch
        region_pick = _Weighted([(r, w) for r, w in data.REGION_WEIGHTS.items() if r in self.ref.regions])
        by_region: dict[str, list[tuple[tuple[str, str, str], float]]] = {}
        for office, city_ar, city_en, weight in data.CITIES:
            if office in self.ref.offices:
                by_region.setdefault(self.ref.offices[office], []).append(
                    ((office, city_ar, city_en), weight)
                )
        cities = {region: _Weighted(pairs) for region, pairs in by_region.items()}
        region_names = dict(Region.objects.values_list("code", "name_ar"))
        any_office = {region: office for office, region in sorted(self.ref.offices.items())}

        def place(region: str) -> tuple[str, str, str]:
            held = cities.get(region)
            if held is not None and held.items:
                office, city_ar, city_en = held.pick(rng)
                return office, city_ar, city_en
            return (
                any_office.get(region) or next(iter(self.ref.offices)),
                region_names.get(region, region),
                region,
            )

        self.ests = list(existing)
        base = len(self.ests)
        weights: list[float] = [0.0] * len(self.ests)
        place_en: list[str] = [""] * len(self.ests)
        oldest_needed = True
        for k in range(n_main):
            activity: data.Activity = self.activity_pick.pick(rng)
            region = region_pick.pick(rng)
            office, city_ar, city_en = place(region)
            largest = bool(spec.largest) and k == 0
            if largest:
                region, (office, city_ar, city_en) = "01", place("01")
            roll = rng.random()
            status = EstablishmentStatus.ACTIVE.value
            if not largest and roll < _CLOSED_SHARE:
                status = EstablishmentStatus.CLOSED.value
            elif not largest and roll < _CLOSED_SHARE + _SUSPENDED_SHARE:
                status = EstablishmentStatus.SUSPENDED.value
            weight = rng.paretovariate(1.2) * _SIZE_FACTOR.get(activity.profile, 1.0)
            # Larger employers are older: most workers joined an establishment years old.
            typical = 6 + 7 * math.log10(1 + weight)
            years = min(
                45.0, typical * rng.uniform(0.5, 1.6) if weight > 20 else rng.expovariate(1 / typical)
            )
            registered = self.as_of_ord - 30 - int(years * _DAYS_PER_YEAR)
            if largest or oldest_needed:
                # Someone must have employed the first contributors: the largest (or first)
                # establishment is old enough for any history.
                registered = min(registered, self.floor_ord - rng.randint(200, 3000))
                oldest_needed = False
            registered = max(registered, _EARLIEST.toordinal())
            number = numbers[k]
            self.ests.append(
                _Est(
                    pk=pks[k],
                    number=number,
                    unified="7" + f"{(int(number) * _EST_MULTIPLIER + _EST_OFFSET) % _NINE_DIGITS:09d}",
                    cr=data.CR_REGION_DIGIT.get(region, "1")
                    + f"{(int(number) * _CR_MULTIPLIER + _CR_OFFSET) % _NINE_DIGITS:09d}",
                    name_ar="",
                    name_en="",
                    is_main=True,
                    parent=-1,
                    activity=activity,
                    region=region,
                    city=city_ar,
                    office=office,
                    status=status,
                    registered=registered,
                    group=base + k,
                )
            )
            weights.append(0.0 if status == EstablishmentStatus.CLOSED.value else weight)
            place_en.append(city_en)
        if spec.largest:
            self.largest = base
            weights[base] = 0.0
        # Branches go to the larger active groups.
        candidates = _Weighted(
            [
                (base + k, weights[base + k] ** 0.8)
                for k in range(n_main)
                if self.ests[base + k].status == EstablishmentStatus.ACTIVE.value and base + k != self.largest
            ]
        )
        for j in range(n_branch):
            if not candidates.items:
                break
            main_index: int = candidates.pick(rng)
            main = self.ests[main_index]
            region = region_pick.pick(rng) if rng.random() < 0.7 else main.region
            office, city_ar, city_en = place(region)
            activity = main.activity
            span = max(self.as_of_ord - 30 - main.registered, 1)
            k = n_main + j
            share = weights[main_index] * rng.uniform(0.15, 0.5)
            weights[main_index] -= share
            self.ests.append(
                _Est(
                    pk=pks[k],
                    number=numbers[k],
                    unified=main.unified,
                    cr=main.cr,
                    name_ar="",
                    name_en="",
                    is_main=False,
                    parent=main_index,
                    activity=activity,
                    region=region,
                    city=city_ar,
                    office=office,
                    status=EstablishmentStatus.ACTIVE.value,
                    registered=main.registered + int(span * rng.random() ** 2),
                    group=main_index,
                )
            )
            weights.append(share)
            place_en.append(city_en)
        # Who works where today.
        active = self.spec.contributors - round(self.spec.contributors * _INACTIVE_SHARE)
        fixed = sum(w.active for w in spec.workforces) + (spec.largest or 0)
        sizes = _allocate(weights, max(active - fixed, 0))
        for index, size in enumerate(sizes):
            self.ests[index].active = size
        for index, workforce in enumerate(spec.workforces):
            self.ests[index].active = workforce.active
        if spec.largest:
            self.ests[self.largest].active = spec.largest
        slots = [i for i, est in enumerate(self.ests) for _n in range(est.active)]
        slots.extend([-1] * (self.spec.contributors - len(slots)))
        rng.shuffle(slots)
        self.slots = slots
        self._name_establishments(base, place_en)
        # Saudi share by activity, scaled so that about 23 % of contributors are Saudi.
        mean_factor = sum(self.ests[i].activity.saudi_factor for i in slots if i >= 0) / max(
            1, sum(1 for i in slots if i >= 0)
        )
        self.saudi_norm = mean_factor or 1.0
        # Past employers are drawn among establishments already registered, weighted by size.
        order = sorted(range(len(self.ests)), key=lambda i: (self.ests[i].registered, i))
        self._by_registration = order
        self._registered = [self.ests[i].registered for i in order]
        self._past_cum = list(itertools.accumulate(self.ests[i].active + 1.0 for i in order))
        self._group_members: dict[int, list[int]] = {}
        for index, est in enumerate(self.ests):
            if est.group >= 0:
                self._group_members.setdefault(est.group, []).append(index)

    def _name_establishments(self, base: int, place_en: list[str]) -> None:
        rng = self.rng
        saudi = self.groups["saudi"]
        for index in range(base, len(self.ests)):
            est = self.ests[index]
            if not est.is_main:
                main = self.ests[est.parent]
                est.name_ar = f"{main.name_ar} - فرع {est.city}"
                est.name_en = f"{main.name_en} - {place_en[index]} branch"
                continue
            activity = est.activity
            if est.active > 9 or rng.random() < 0.3:
                brand_en, brand_ar = data.BRANDS[rng.randrange(len(data.BRANDS))]
                est.name_ar = f"شركة {brand_ar} {activity.word_ar}"
                est.name_en = f"{brand_en} {activity.word_en} Co."
            else:
                first_en, first_ar = saudi.male[rng.randrange(len(saudi.male))]
                family_en, family_ar = saudi.family[rng.randrange(len(saudi.family))]
                est.name_ar = f"مؤسسة {first_ar} {family_ar} {activity.word_ar}"
                est.name_en = f"{first_en} {family_en} {activity.word_en} Est."

    def establishment_lines(self) -> tuple[list[str], list[str]]:
        """COPY lines for the new establishments: mains, then branches."""
        mains: list[str] = []
        branches: list[str] = []
        for est in self.ests:
            if est.existing:
                continue
            parent = self.ests[est.parent].pk if est.parent >= 0 else None
            line = "\t".join(
                (
                    str(est.pk),
                    est.number,
                    est.unified,
                    est.cr,
                    _copy_text(est.name_ar),
                    _copy_text(est.name_en),
                    _flag(est.is_main),
                    "\\N" if parent is None else str(parent),
                    "\\N" if parent is None else "t",
                    est.activity.code,
                    est.region,
                    _copy_text(est.city),
                    est.office,
                    est.status,
                    self.iso[est.registered],
                    self.now,
                )
            )
            (mains if est.is_main else branches).append(line + "\n")
        return mains, branches

    def _past_employer(self, rng: random.Random, join: int) -> int:
        """An establishment registered on or before ``join``, weighted by size; -1 when none."""
        k = bisect.bisect_right(self._registered, join)
        if k == 0:
            return -1
        point = rng.random() * self._past_cum[k - 1]
        return self._by_registration[bisect.bisect_right(self._past_cum, point, 0, k)]

    def _occupation(self, rng: random.Random, activity: data.Activity, saudi: bool) -> str:
        picker = self._occupations.get((activity.profile, saudi))
        if picker is None:
            profile = data.OCCUPATION_PROFILES[activity.profile]
            pairs = [
                (code, w * (data.SAUDI_OCCUPATION_FACTOR.get(code, 1.0) if saudi else 1.0))
                for code, w in profile.items()
                if code in self.ref.occupations
            ]
            picker = self._occupations[(activity.profile, saudi)] = _Weighted(
                pairs or [(sorted(self.ref.occupations)[0], 1.0)]
            )
        code: str = picker.pick(rng)
        return code

    # -- people --

    def chunk(
        self, index: int, start: int, stop: int, person_ids: Sequence[int], numbers: Sequence[int]
    ) -> _Chunk:
        """People ``start`` … ``stop - 1``, their rows waiting for ids (see ``_Chunk``)."""
        begun = time.perf_counter()
        rng = random.Random(self.spec.seed * 1_000_003 + index)
        out = _Chunk(index, [], [], [], [], [], Counter(), Counter(), 0, 0, self.as_of_ord, 0.0)
        for i in range(start, stop):
            self._person(rng, i, person_ids[i], numbers[i], out)
        out.seconds = time.perf_counter() - begun
        return out

    def _person(
        self,
        rng: random.Random,
        i: int,
        pk: int,
        number: int,
        out: _Chunk,
    ) -> None:
        """Person ``i``: who they are, their periods, what the rules derive, and their rows."""
        slot = self.slots[i]
        who = self._who(rng, slot)
        periods = self._career(rng, who, slot)
        if self._transfer(rng, periods, slot):
            out.transfers += 1
        # Civil service before the register (M/41) for a few older Saudis.
        external = rng.randint(12, 180) if who.saudi and who.age >= 35 and rng.random() < 0.03 else 0
        # The regime from every period, then the branches every period is covered for.
        birth = self.day[who.birth]
        spans = [
            rules.Span(self.day[p.join], None if p.leave is None else self.day[p.leave]) for p in periods
        ]
        derivation = rules.regime_derive(
            birth_date=birth, periods=spans, external_old_law_months=external, read=self.read
        )
        regime = derivation.regime
        coverage, coverage_json = self._coverage(
            rules.nationality_class(who.nationality, is_gcc=who.gcc),
            who.alpha2 if who.gcc else None,
            birth,
            derivation.first_covered_on or spans[0].start,
            regime,
        )
        self._requests(rng, periods, slot, regime)
        self._identities(rng, who, pk, number, out)
        self._periods(rng, who, pk, periods, regime, coverage, coverage_json, out)
        first, father, grandfather, family = self._names(rng, who)
        calendar = _HIJRI if who.saudi and rng.random() < 0.6 else _GREGORIAN
        out.persons.append(
            f"{pk}\t{number}\t{first[1]}\t{father[1]}\t{grandfather[1]}\t{family[1]}\t{first[0]}\t{father[0]}\t"
            f"{grandfather[0]}\t{family[0]}\t{self.iso[who.birth]}\t{calendar}\t"
            f"{_FEMALE if who.female else _MALE}\t{who.nationality}\t{external}\t"
            f"{regime.value}\t{self._regime_json(derivation)}\t{self.iso[self.as_of_ord]}\t{NULL}\t"
            f"{self.iso[periods[0].requested]}\t{self.now}\n"
        )
        out.regimes[regime.value] += 1
        out.saudis += who.saudi
        out.earliest = min(out.earliest, periods[0].join)

    def _who(self, rng: random.Random, slot: int) -> _Who:
        """Nationality (Saudi more often in the activities that employ more Saudis), gender and
        birth date."""
        activity = self.ests[slot].activity if slot >= 0 else self.activity_pick.pick(rng)
        if rng.random() < min(0.95, data.SAUDI_SHARE * activity.saudi_factor / self.saudi_norm):
            female = rng.random() < data.SAUDI_FEMALE_SHARE
            age = 19 + 44 * rng.betavariate(2.0, 3.6)
            nationality, group, wage_factor = SAUDI, self.groups["saudi"], 1.0
        else:
            nationality = self.non_saudi.pick(rng)
            info = self.nationalities[nationality]
            female = rng.random() < info.female
            age = 21 + 40 * rng.betavariate(2.6, 3.4)
            group, wage_factor = self.groups[info.group], info.wage_factor
        alpha2, is_gcc = self.ref.countries[nationality]
        birth = self.as_of_ord - int(age * _DAYS_PER_YEAR) - int(rng.random() * 365)
        saudi = nationality == SAUDI
        return _Who(saudi, nationality, alpha2, is_gcc and not saudi, group, female, age, birth, wage_factor)

    def _names(self, rng: random.Random, who: _Who) -> tuple[data.Name, data.Name, data.Name, data.Name]:
        """First, father's, grandfather's and family name; outside Arab naming the father's name
        is often and the grandfather's usually left out."""
        group = who.group
        male = group.male
        given = group.female if who.female else male
        first = given[int(rng.random() * len(given))]
        families = (
            group.family_female
            if (who.female and group.family_female and rng.random() < 0.6)
            else group.family
        )
        family = families[int(rng.random() * len(families))]
        father = male[int(rng.random() * len(male))]
        if father == first:  # a son is seldom named after his father
            father = male[int(rng.random() * len(male))]
        grandfather = male[int(rng.random() * len(male))]
        if not group.four_part:
            if rng.random() >= 0.6:
                father = ("", "")
            if father[0] == "" or rng.random() >= 0.2:
                grandfather = ("", "")
        return first, father, grandfather, family

    def _career(self, rng: random.Random, who: _Who, slot: int) -> list[_Period]:
        """The person's contribution periods, oldest first, none overlapping: a working life
        from the first coverage to today (or to the last leave, for those no longer working),
        cut into jobs at establishments registered by then; today's job at ``slot``."""
        current = self.ests[slot] if slot >= 0 else None
        # Eighteen full years (18 × 365.25 days, rounded up): well over the minimum working age.
        floor = max(self.floor_ord, who.birth + 6576)
        if who.saudi:
            start = who.birth + int((21 + rng.expovariate(1 / 2.5)) * _DAYS_PER_YEAR)
        else:
            start = self.as_of_ord - int(rng.expovariate(1 / 6.5) * _DAYS_PER_YEAR)
        start = max(start, floor + int(rng.random() * 200))
        if current is None:
            end = self.as_of_ord - 30 - int(rng.expovariate(1 / 3.0) * _DAYS_PER_YEAR)
        else:
            end = self.as_of_ord
        if start > end - 60:
            if current is None:
                start = max(floor, min(start, self.as_of_ord - 400))
                end = min(max(start + 60 + int(rng.random() * 600), end), self.as_of_ord - 1)
            else:
                start = max(floor, end - 60 - int(rng.random() * 600))
        if current is not None and start > end - 1:
            start = end - 1
        past = min(3, _poisson(rng, (end - start) / _DAYS_PER_YEAR / 20))
        # Job changes at least a month apart, so every period ends before the next begins.
        cuts: list[int] = []
        if end - start > 120:
            for cut in sorted(start + 30 + int(rng.random() * (end - start - 59)) for _k in range(past)):
                if cut - (cuts[-1] if cuts else start) >= 30:
                    cuts.append(cut)
        joins = [start, *cuts]
        periods: list[_Period] = []
        for k, join in enumerate(joins):
            last = k == len(joins) - 1
            leave: int | None
            if last:
                leave = None if current is not None else end
            else:
                gap = int(min(rng.expovariate(1 / 45), (joins[k + 1] - join) / 3))
                leave = max(join, joins[k + 1] - 1 - gap)
            if last and current is not None:
                est_index = slot
                registered = current.registered
                if join < registered:
                    # Today's employer was registered after this stretch began: the time before
                    # was spent elsewhere, so the history (and the regime) is kept.
                    earlier = self._past_employer(rng, join) if registered - join > 90 else -1
                    if earlier >= 0:
                        gap = int(min(rng.expovariate(1 / 30), (registered - join) / 3))
                        occupation = self._occupation(rng, self.ests[earlier].activity, who.saudi)
                        reason = _LEAVE_BETWEEN_JOBS.pick(rng)
                        periods.append(_Period(earlier, join, registered - 1 - gap, reason, occupation))
                    join = min(registered + int(rng.random() * min(60, end - registered)), end)
            else:
                est_index = self._past_employer(rng, join)
                if est_index < 0:
                    continue
            occupation = self._occupation(rng, self.ests[est_index].activity, who.saudi)
            reason = ""
            if not last:
                reason = _LEAVE_BETWEEN_JOBS.pick(rng)
            elif current is None:
                reason = (_LEAVE_LAST_SAUDI if who.saudi else _LEAVE_LAST_OTHER).pick(rng)
                if end - who.birth > 58 * _DAYS_PER_YEAR and rng.random() < 0.5:
                    reason = LeaveReason.RETIREMENT.value
            periods.append(_Period(est_index, join, leave, reason, occupation))
        if not periods:
            # No establishment old enough for this history: one period at the oldest one.
            est_index = self._by_registration[0]
            join = max(self.ests[est_index].registered, floor)
            leave_day = None if current is not None else max(join, end)
            if current is not None:
                est_index, join = slot, max(current.registered, floor)
            reason = "" if leave_day is None else LeaveReason.END_OF_CONTRACT.value
            occupation = self._occupation(rng, self.ests[est_index].activity, who.saudi)
            periods.append(_Period(est_index, join, leave_day, reason, occupation))
        return periods

    def _transfer(self, rng: random.Random, periods: list[_Period], slot: int) -> bool:
        """Now and then, today's period began as a transfer from another establishment of the
        same main (``contributor_transfer``): the stretch before it becomes a period there that
        ended the day before, for the reason *transfer*. True when one was made."""
        if slot < 0:
            return False
        today = periods[-1]
        members = self._group_members.get(self.ests[slot].group, [])
        if len(members) < 2 or rng.random() >= 0.05 or self.as_of_ord - today.join <= 180:
            return False
        siblings = [m for m in members if m != slot and self.ests[m].registered <= today.join]
        if not siblings:
            return False
        sibling = siblings[int(rng.random() * len(siblings))]
        moved = today.join + 60 + int(rng.random() * (self.as_of_ord - today.join - 120))
        before = _Period(sibling, today.join, moved - 1, LeaveReason.TRANSFER.value, today.occupation)
        today.join = moved
        today.transfer_from = len(periods) - 1
        periods.insert(len(periods) - 1, before)
        return True

    def _requests(self, rng: random.Random, periods: list[_Period], slot: int, regime: Regime) -> None:
        """Registration requests: on time (by the end of the month of joining), except a few
        recent late ones still waiting for review (``rules.registration_timing``); never at the
        largest establishment or a staffed existing one, whose active workers are counted."""
        for p in periods:
            p.requested = min(p.join + int(rng.random() * 21), self.month_last[p.join], self.as_of_ord)
        today = periods[-1]
        if (
            slot >= 0
            and slot != self.largest
            and not self.ests[slot].existing
            and today.transfer_from < 0
            and today.join > self.as_of_ord - 690
            and rng.random() < 0.004
        ):
            late = min(self.as_of_ord, today.join + 40 + int(rng.random() * 500))
            if late > self.month_last[today.join]:
                today.requested = late
                today.pending = rules.registration_timing(
                    join_date=self.day[today.join],
                    leave_date=None,
                    requested_on=self.day[late],
                    regime=regime,
                    read=self.read,
                )

    def _identities(
        self,
        rng: random.Random,
        who: _Who,
        pk: int,
        number: int,
        out: _Chunk,
    ) -> None:
        """A national ID (Saudis), a GCC national ID (other GCC nationals) or an iqama (everyone
        else, some with their passport too), all from the contributor number's eight digits.

        A GCC national ID keeps only a few of those digits (the rest is the birth date), so two
        could coincide: the batches settle them in order (``_Chunk.settle_gcc``), and a number
        already given out becomes a passport instead."""
        lines = out.identities
        seq = identity_sequence(number)
        if who.saudi:
            kind, country, value = _NATIONAL_ID, SAUDI, generate_national_id(seq)
        elif who.gcc:
            value = self._gcc_number(who.alpha2, self.day[who.birth], seq)
            kind, country = _GCC_ID, who.nationality
            passport = f"{pk}\t{_PASSPORT}\t{country}\tA{seq:08d}\t{self.now}\n"
            out.gcc.append((len(lines), who.alpha2, value, passport))
        else:
            kind, country = _IQAMA, SAUDI
            value = generate_national_id(seq, IdentityKind.IQAMA)
        lines.append(f"{pk}\t{kind}\t{country}\t{value}\t{self.now}\n")
        if not who.saudi and not who.gcc and rng.random() < 0.15:
            letters = self.nationalities[who.nationality].passport_letters
            letter = letters[(seq // 10_000_000) % len(letters)]
            lines.append(f"{pk}\t{_PASSPORT}\t{who.nationality}\t{letter}{seq:08d}\t{self.now}\n")

    def _periods(
        self,
        rng: random.Random,
        who: _Who,
        pk: int,
        periods: list[_Period],
        regime: Regime,
        coverage: rules.Coverage,
        coverage_json: str,
        out: _Chunk,
    ) -> None:
        """Each period's row and its wages' rows, contributory wages derived by the rules."""
        birth = self.day[who.birth]
        median = data.SAUDI_BASIC_MEDIAN if who.saudi else data.NON_SAUDI_BASIC_MEDIAN * who.wage_factor
        sigma = data.SAUDI_WAGE_SIGMA if who.saudi else data.NON_SAUDI_WAGE_SIGMA
        level = median * math.exp(rng.gauss(0.0, sigma))
        engagements, wages, statuses = out.engagements, out.wages, out.statuses
        first_period = len(engagements)
        covered = (
            f"{coverage.regime.value}\t{_flag(coverage.annuities)}\t{_flag(coverage.occupational_hazards)}\t"
            f"{_flag(coverage.unemployment)}\t{_flag(coverage.gcc_extension)}\t{coverage.gcc_country}\t"
            f"{coverage_json}"
        )
        # Per period: its final occupation and its last wage (local index, row, amount, raw
        # inputs, versions).
        finals: list[tuple[str, int, _WageRow, str, str, str]] = []
        for p in periods:
            est = self.ests[p.est]
            engagement = len(engagements)
            if p.transfer_from >= 0:
                # contributor_transfer: the new period keeps the old one's occupation.
                p.occupation = finals[p.transfer_from][0]
            rows = self._wage_rows(rng, p, level, who.saudi, regime, est.activity)
            occupation = p.occupation
            prior: tuple[_WageRow, str] | None = None
            wage = -1
            raw = amount = versions = ""
            last_row = rows[0]
            for row in rows:
                wage = len(wages)
                if row.carried:
                    # contributor_transfer: the old period's last wage, carried over as it was,
                    # its inputs naming the wage it came from.
                    _occupation, source, source_row, amount, raw, versions = finals[p.transfer_from]
                    row = _WageRow(
                        p.join,
                        source_row.basic,
                        source_row.housing,
                        source_row.other,
                        source_row.in_kind,
                        source_row.occupation,
                    )
                    wages.append(
                        (
                            engagement,
                            f"{est.pk}\t{self.iso[row.effective]}\t{row.basic}\t{row.housing}\t{row.other}\t"
                            f"{_flag(row.in_kind)}\t{row.occupation or NULL}\t{amount}\t"
                            + _copy_json(raw[:-1] + ',"carried_over_from_wage":'),
                            source,
                            f"}}\t{versions}\t{NULL}\t{self.now}\n",
                        )
                    )
                else:
                    amount, raw, text, versions = self._contributory(
                        row, regime, coverage.annuities, birth, prior
                    )
                    wages.append(
                        (
                            engagement,
                            f"{est.pk}\t{self.iso[row.effective]}\t{row.basic}\t{row.housing}\t{row.other}\t"
                            f"{_flag(row.in_kind)}\t{row.occupation or NULL}\t{amount}\t{text}\t{versions}\t"
                            f"{NULL}\t{self.now}\n",
                        )
                    )
                if row.occupation:
                    occupation = row.occupation
                last_row = row
                prior = (row, amount)
            finals.append((occupation, wage, last_row, amount, raw, versions))
            status = _ACTIVE if p.leave is None else _TERMINATED
            review, disputed_from, disputed_until = "", NULL, NULL
            if p.pending is not None:
                status = EngagementStatus.PENDING_REVIEW.value
                review = ReviewReason.LATE_REGISTRATION.value
                disputed_from = (p.pending.disputed_from or self.day[p.join]).isoformat()
                disputed_until = (p.pending.disputed_until or self.day[p.requested]).isoformat()
            statuses[status] += 1
            engagements.append(
                (
                    f"{pk}\t{est.pk}\t{self.iso[p.join]}\t{NULL if p.leave is None else self.iso[p.leave]}\t"
                    f"{p.reason}\t{occupation}\t{status}\t{review}\t{disputed_from}\t{disputed_until}\t"
                    f"{self.iso[p.requested]}\t{covered}",
                    -1 if p.transfer_from < 0 else first_period + p.transfer_from,
                )
            )

    def _around_first(
        self, key: tuple[Any, ...], record: Callable[[], dict[str, Any]], first: date | None
    ) -> str:
        """A record in COPY text whose every field but ``first_covered_on`` is fixed by ``key``:
        encoded once per key around that date, which is then put in place."""
        if first is None:
            return _json(record())
        around = self._first_memo.get(key)
        if around is None:
            fields = record()
            assert fields["first_covered_on"] == first.isoformat()
            fields["first_covered_on"] = _FIRST
            before, after = _json(fields).split(_FIRST)
            around = self._first_memo[key] = (before, after)
        return f"{around[0]}{self.iso[first.toordinal()]}{around[1]}"

    def _regime_json(self, derivation: rules.RegimeDerivation) -> str:
        """The derivation's record (``as_record``), encoded once for all that differ only in
        the first coverage date."""
        d = derivation
        key = (
            "regime",
            d.regime,
            d.months_before_new_law,
            d.external_old_law_months,
            d.age_test,
            d.below_age_threshold,
            tuple(map(id, d.readings)),
        )
        return self._around_first(key, d.as_record, d.first_covered_on)

    def _gcc_number(self, alpha2: str, birth: date, seq: int) -> str:
        """A GCC national ID with the structure ``core.identifiers`` checks for its country."""
        if alpha2 == "AE":
            return f"784{birth.year}{seq:08d}"
        if alpha2 == "BH":
            return f"{birth.year % 100:02d}{birth.month:02d}{seq % 100_000:05d}"
        if alpha2 == "KW":
            century = "2" if birth.year < 2000 else "3"
            return f"{century}{birth.year % 100:02d}{birth.month:02d}{birth.day:02d}{seq % 100_000:05d}"
        if alpha2 == "QA":
            century = "2" if birth.year < 2000 else "3"
            return f"{century}{birth.year % 100:02d}634{seq % 100_000:05d}"
        return f"{seq:08d}"

    def _wage_rows(
        self,
        rng: random.Random,
        p: _Period,
        level: float,
        saudi: bool,
        regime: Regime,
        activity: data.Activity,
    ) -> list[_WageRow]:
        """The first wage of a period and its later changes, on the days the wage-update
        mechanism allows (1 January while it was annual, the first of a month since)."""
        end = p.leave if p.leave is not None else self.as_of_ord
        factor = data.OCCUPATION_WAGE_FACTOR.get(p.occupation, 1.0)
        years_back = (self.as_of_ord - p.join) / _DAYS_PER_YEAR
        basic = level * factor * (1 + data.WAGE_GROWTH_PER_YEAR) ** (-years_back) * rng.uniform(0.9, 1.1)
        if saudi and years_back < 5:
            basic = max(basic, 4000.0)
        basic_i = self._round_wage(basic)
        policy = rng.random()
        in_kind = not saudi and policy < 0.1
        housing_rate = 0.0 if (in_kind or policy > 0.9) else 0.25
        other_rate = rng.uniform(0.05, 0.15) if rng.random() < 0.4 else 0.0
        first = _WageRow(
            p.join,
            basic_i,
            self._round_ten(basic_i * housing_rate),
            self._round_ten(basic_i * other_rate),
            in_kind,
            p.occupation,
            carried=p.transfer_from >= 0,
        )
        rows = [first]
        years = (end - p.join) / _DAYS_PER_YEAR
        changes = min(3, _poisson(rng, years * (0.15 if saudi else 0.06)))
        if changes and end > p.join:
            days = sorted(
                {
                    self._change_day(p.join + 1 + int(rng.random() * (end - p.join)), regime)
                    for _k in range(changes)
                }
            )
            for day in days:
                if day <= rows[-1].effective or day > end:
                    continue
                basic = rows[-1].basic * rng.uniform(1.03, 1.15)
                basic_i = self._round_wage(basic)
                occupation = None
                if rng.random() < 0.1:
                    occupation = self._occupation(rng, activity, saudi)
                rows.append(
                    _WageRow(
                        day,
                        basic_i,
                        self._round_ten(basic_i * housing_rate),
                        self._round_ten(basic_i * other_rate),
                        in_kind,
                        occupation,
                    )
                )
        return rows

    def _change_day(self, ordinal: int, regime: Regime) -> int:
        day = self.day[ordinal]
        mechanism = self.read("registration.wage_update_mechanism", day, regime).value
        if mechanism == "annual":
            target = date(day.year + (0 if (day.month, day.day) == (1, 1) else 1), 1, 1)
        else:
            if day.day == 1:
                return ordinal
            target = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return target.toordinal()

    @staticmethod
    def _round_wage(amount: float) -> int:
        """Wages as employers write them: round hundreds, round thousands when large."""
        step = 10 if amount < 1000 else 50 if amount < 3000 else 100 if amount < 20000 else 500
        return max(500, round(amount / step) * step)

    @staticmethod
    def _round_ten(amount: float) -> int:
        return round(amount / 10) * 10

    def _coverage(
        self, nationality: NationalityClass, gcc_country: str | None, birth: date, first: date, regime: Regime
    ) -> tuple[rules.Coverage, str]:
        """``rules.coverage_derive`` and its record (``as_record``), encoded once for all that
        differ only in the first coverage date. For non-Saudis it reads nothing and depends only
        on the nationality, the regime and the first coverage date, so it is derived once per
        such key."""
        memo_key = (
            (nationality, gcc_country, regime, first) if nationality != NationalityClass.SAUDI else None
        )
        if memo_key is not None:
            found = self._coverage_memo.get(memo_key)
            if found is not None:
                return found
        c = rules.coverage_derive(
            nationality=nationality,
            gcc_country=gcc_country,
            birth_date=birth,
            first_covered_on=first,
            regime=regime,
            read=self.read,
        )
        key = (
            "coverage",
            c.nationality,
            c.regime,
            c.age_at_first_coverage,
            c.age_calendar,
            c.annuities,
            c.occupational_hazards,
            c.unemployment,
            c.gcc_extension,
            c.gcc_country,
            tuple(map(id, c.readings)),
        )
        result = (c, self._around_first(key, c.as_record, c.first_covered_on))
        if memo_key is not None:
            self._coverage_memo[memo_key] = result
        return result

    def _contributory(
        self, row: _WageRow, regime: Regime, annuities: bool, birth: date, prior: tuple[_WageRow, str] | None
    ) -> tuple[str, str, str, str]:
        """``rules.contributory_wage``: amount, inputs (JSON, and in COPY text) and version ids
        (an array literal).

        The result depends only on the wage, the regime, the branch and the parameter readings,
        so it is computed once per wage and validity interval and reused, except where the
        age-50 cap is in play: then a prior wage makes the cap's readings part of it, and from
        the calendar year the cap age is reached the prior wage and that year count too."""
        effective = self.day[row.effective]
        key: tuple[Any, ...] = (
            row.basic,
            row.housing,
            row.in_kind,
            regime,
            annuities,
            prior is not None and annuities,
        )
        if prior is not None and annuities:
            read = self.read
            if read("registration.age50_cap.applies", effective, regime).value is True:
                reached = rules.date_of_age(
                    str(read("registration.age50_cap.calendar", effective, regime).value),
                    birth,
                    int(Decimal(str(read("registration.age50_cap.age", effective, regime).value))),
                )
                if effective.year >= reached.year:
                    before, before_amount = prior
                    key = (
                        *key,
                        effective.year == reached.year,
                        before.basic,
                        before.housing,
                        before.in_kind,
                        before_amount,
                    )
        for start, end, found in self._wage_memo.get(key, ()):
            if start <= effective and (end is None or effective < end):
                return found
        prior_wage = None
        if prior is not None:
            before, before_amount = prior
            prior_wage = rules.PriorWage(
                effective_from=self.day[before.effective],
                basic=Money(before.basic),
                housing=Money(before.housing),
                housing_in_kind=before.in_kind,
                contributory_wage=Money(Decimal(before_amount)),
            )
        derived = rules.contributory_wage(
            basic=Money(row.basic),
            housing=Money(row.housing),
            housing_in_kind=row.in_kind,
            regime=regime,
            covers_annuities=annuities,
            effective_from=effective,
            birth_date=birth,
            prior=prior_wage,
            read=self.read,
        )
        raw = _ENCODE(derived.as_record())
        found = (
            str(derived.amount.amount),
            raw,
            _copy_json(raw),
            "{" + ",".join(str(v) for v in derived.version_ids) + "}",
        )
        start, end = _holds_from_to(derived.readings)
        self._wage_memo.setdefault(key, []).append((start, end, found))
        return found


# --- Loading -------------------------------------------------------------------------------------

_COLUMNS = {
    "establishment": (
        "id, number, unified_number, commercial_registration, name_ar, name_en, is_main, parent_id, "
        "parent_is_main, economic_activity_id, region_id, city, office_id, status, registered_on, created_at"
    ),
    "person": (
        "id, contributor_number, first_name_ar, father_name_ar, grandfather_name_ar, family_name_ar, "
        "first_name_en, father_name_en, grandfather_name_en, family_name_en, birth_date, "
        "birth_date_calendar, gender, nationality_id, external_old_law_months, regime, regime_inputs, "
        "regime_derived_on, user_id, registered_on, created_at"
    ),
    "identity": "id, person_id, kind, country_id, number, created_at",
    "engagement": (
        "id, person_id, establishment_id, join_date, leave_date, leave_reason, occupation_id, status, "
        "review_reason, disputed_from, disputed_until, requested_on, coverage_regime, covers_annuities, "
        "covers_occupational_hazards, covers_unemployment, gcc_extension, gcc_country, coverage_inputs, "
        "transferred_from_id, created_at"
    ),
    "wage": (
        "id, engagement_id, establishment_id, effective_from, basic, housing, other, housing_in_kind, "
        "occupation_id, contributory_wage, contributory_inputs, parameter_version_ids, batch_id, created_at"
    ),
}
_MODELS: dict[str, type[db_models.Model]] = {
    "establishment": Establishment,
    "person": Person,
    "identity": PersonIdentity,
    "engagement": Engagement,
    "wage": Wage,
}
# Sends at most this many bytes per write, so the server works while the rest is prepared.
_WRITE_BYTES = 1 << 20


def _copy(table: str, blob: bytes, rows: int, figures: TableFigures) -> None:
    """``COPY`` one table's rows (COPY text) on Django's connection, in slices, so the server
    works on the first while the rest is still being sent."""
    if not rows:
        return
    begun = time.perf_counter()
    model = _MODELS[table]
    statement = f"COPY {model._meta.db_table} ({_COLUMNS[table]}) FROM STDIN"
    view = memoryview(blob)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(statement) as copy:
            for offset in range(0, len(view), _WRITE_BYTES):
                copy.write(view[offset : offset + _WRITE_BYTES])
    figures.rows += rows
    figures.seconds += time.perf_counter() - begun


def _plain_indexes(tables: Sequence[str]) -> list[tuple[str, str]]:
    """``(name, definition)`` of the indexes of ``tables`` that hold no constraint: not unique,
    not a primary key, not behind any constraint (the exclusion constraint keeps its own).

    A unique index behind no constraint (a partial one) stays: PostgreSQL would write its
    predicate back in another, equivalent form, and it would no longer be word for word."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(x.indexrelid)
              FROM pg_index x
              JOIN pg_class i ON i.oid = x.indexrelid
              JOIN pg_class t ON t.oid = x.indrelid
             WHERE t.relname = ANY(%s)
               AND t.relnamespace = current_schema()::regnamespace
               AND NOT x.indisunique AND NOT x.indisprimary AND NOT x.indisexclusion
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
             ORDER BY i.relname
            """,
            [list(tables)],
        )
        return [(name, definition) for name, definition in cursor.fetchall()]


@dataclass(frozen=True)
class _Constraint:
    """A constraint set aside for the load and put back, word for word, before commit."""

    table: str
    name: str
    definition: str  # pg_get_constraintdef


# The wage-inside-period constraint trigger (migration 0002); on the bulk path its check is made
# once over every wage row, with the trigger's own error.
_WAGE_TRIGGER = "registry_wage_inside_period"
_WAGE_INSIDE_PERIOD_CHECK = """
DO $check$
DECLARE
    bad record;
BEGIN
    SELECT w.id, w.effective_from, w.engagement_id, e.join_date, e.leave_date INTO bad
      FROM {wage} w JOIN {engagement} e ON e.id = w.engagement_id
     WHERE w.effective_from < e.join_date
        OR (e.leave_date IS NOT NULL AND w.effective_from > e.leave_date)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'wage % effective % is outside its contribution period % (% to %)',
            bad.id, bad.effective_from, bad.engagement_id, bad.join_date, bad.leave_date
            USING ERRCODE = 'check_violation', CONSTRAINT = '{trigger}';
    END IF;
END
$check$
"""


def _deferrable_constraints(tables: Sequence[str]) -> list[_Constraint]:
    """What of ``tables`` is set aside, in the order it is put back: primary keys and unique
    constraints, exclusion constraints, foreign keys.

    Kept in place: a key that a foreign key left in place relies on (one of another table's,
    for instance)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.relname, c.conname, pg_get_constraintdef(c.oid),
                   array(SELECT ft.relname || '.' || f.conname
                           FROM pg_constraint f JOIN pg_class ft ON ft.oid = f.conrelid
                          WHERE f.contype = 'f' AND f.conindid = c.conindid AND c.contype IN ('p', 'u'))
              FROM pg_constraint c
              JOIN pg_class t ON t.oid = c.conrelid
             WHERE t.relname = ANY(%s)
               AND t.relnamespace = current_schema()::regnamespace
               AND c.contype IN ('p', 'u', 'x', 'f')
             ORDER BY array_position(ARRAY['p', 'u', 'x', 'f'], c.contype::text), t.relname, c.conname
            """,
            [list(tables)],
        )
        rows = cursor.fetchall()
    set_aside = {f"{table}.{name}" for table, name, *_rest in rows}
    return [
        _Constraint(table, name, definition)
        for table, name, definition, dependents in rows
        if all(d in set_aside for d in dependents)
    ]


def _reference_triggers(tables: Sequence[str]) -> list[str]:
    """The tables among ``tables`` whose references are checked per statement by an enabled
    ``{table}_references`` trigger (``simis.core.db_references``, migration 0009)."""
    return [table for table in tables if _trigger_enabled(table, f"{table}_references")]


def _trigger_enabled(table: str, trigger: str) -> bool:
    """Whether ``trigger`` exists on ``table`` and fires in the ordinary (origin) mode."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT tgenabled FROM pg_trigger
             WHERE tgrelid = %s::regclass AND tgname = %s AND NOT tgisinternal
            """,
            [table, trigger],
        )
        row = cursor.fetchone()
    return row is not None and row[0] == "O"


def _table_rows(tables: Sequence[str]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(greatest(reltuples, 0)), 0)::bigint FROM pg_class WHERE relname = ANY(%s)",
            [list(tables)],
        )
        return int(cursor.fetchone()[0])


def _bulk_wanted(person_count: int, tables: Sequence[str]) -> bool:
    """Whether the load outweighs what the tables hold, so that building indexes and checking
    constraints over all rows afterwards beats maintaining them row by row."""
    return person_count >= _REBUILD_MINIMUM_ROWS and person_count * 3 >= _table_rows(tables)


def _clash_detail(error: DatabaseError) -> str:
    diag = getattr(getattr(error, "__cause__", None), "diag", None)
    constraint = getattr(diag, "constraint_name", None) or ""
    detail = getattr(diag, "message_detail", None) or str(error).splitlines()[0]
    return f"{constraint}: {detail}" if constraint else detail


_COUNTED_CONTRIBUTORS = pgettext_lazy("counted in a size", "contributors")
_COUNTED_ESTABLISHMENTS = pgettext_lazy("counted in a size", "establishments")
_COUNTED_LARGEST = pgettext_lazy("counted in a size", "active workers of the largest establishment")


def _check(spec: PopulationSpec) -> None:
    if not generated_data_allowed():
        raise SimisError(PopulateError.NOT_ALLOWED)
    if spec.contributors < 1:
        raise SimisError(
            PopulateError.SIZE_TOO_SMALL, what=_COUNTED_CONTRIBUTORS, minimum=1, value=spec.contributors
        )
    if spec.establishments < 1:
        raise SimisError(
            PopulateError.SIZE_TOO_SMALL, what=_COUNTED_ESTABLISHMENTS, minimum=1, value=spec.establishments
        )
    if spec.contributors > _MAX_CONTRIBUTORS:
        raise SimisError(
            PopulateError.TOO_MANY,
            what=_COUNTED_CONTRIBUTORS,
            maximum=_MAX_CONTRIBUTORS,
            value=spec.contributors,
        )
    if spec.establishments > _MAX_ESTABLISHMENTS:
        raise SimisError(
            PopulateError.TOO_MANY,
            what=_COUNTED_ESTABLISHMENTS,
            maximum=_MAX_ESTABLISHMENTS,
            value=spec.establishments,
        )
    if not 100 <= spec.batch_size <= 1_000_000:
        raise SimisError(PopulateError.BATCH_SIZE, minimum=100, maximum=1_000_000, value=spec.batch_size)
    if spec.largest is not None:
        if spec.largest < 1:
            raise SimisError(
                PopulateError.SIZE_TOO_SMALL, what=_COUNTED_LARGEST, minimum=1, value=spec.largest
            )
        active = spec.contributors - round(spec.contributors * _INACTIVE_SHARE)
        if spec.largest + sum(w.active for w in spec.workforces) > active:
            raise SimisError(PopulateError.LARGEST_TOO_BIG, largest=spec.largest, active=active)


def _reader() -> ParameterReader:
    """The current parameter versions, checked to answer what the rules will ask."""
    try:
        read = parameter_reader()
        for key in ("registration.wage_update_mechanism", "registration.age_calendar", "wage.ceiling"):
            read(key, timezone.localdate(), Regime.OLD_LAW)
    except SimisError as error:
        raise SimisError(PopulateError.PARAMETERS_MISSING, detail=str(error)) from None
    return read


def _existing(workforces: Sequence[Workforce], reference: _Reference) -> list[_Est]:
    rows = {
        e.pk: e
        for e in Establishment.objects.filter(pk__in=[w.establishment_id for w in workforces]).order_by("pk")
    }
    by_code = {a.code: a for a in reference.activities}
    fallback = reference.activities[0]
    found: list[_Est] = []
    for workforce in workforces:
        e = rows[workforce.establishment_id]
        found.append(
            _Est(
                pk=e.pk,
                number=e.number,
                unified=e.unified_number,
                cr=e.commercial_registration,
                name_ar=e.name_ar,
                name_en=e.name_en,
                is_main=e.is_main,
                parent=-1,
                activity=by_code.get(e.economic_activity_id, fallback),
                region=e.region_id,
                city=e.city,
                office=e.office_id,
                status=e.status,
                registered=e.registered_on.toordinal(),
                existing=True,
            )
        )
    position = {e.pk: i for i, e in enumerate(found)}
    for i, workforce in enumerate(workforces):
        e = rows[workforce.establishment_id]
        main = e.pk if e.is_main else e.parent_id
        found[i].group = position.get(main, i) if main is not None else i
    return found


def populate(
    spec: PopulationSpec, *, progress: Progress | None = None, actor: Any = None
) -> PopulationResult:
    """Generates and loads a register (see the module docstring), in one transaction: all of
    it is loaded or none. Returns the rows per table and where the time went. Refused with
    POP-001 outside development, demonstration and test systems."""
    _check(spec)
    say = progress or (lambda _text: None)
    begun = time.perf_counter()
    as_of = spec.as_of or timezone.localdate()
    reference = _Reference.load()
    read = _reader()
    result = PopulationResult(seed=spec.seed, as_of=as_of)
    # Millions of short-lived objects and no reference cycles worth collecting: the cyclic
    # collector would only cost time (a fifth of the generation) while the load runs.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with transaction.atomic():
            _load(spec, reference, read, as_of, result, say, actor)
            commit_begun = time.perf_counter()
        result.commit_seconds = time.perf_counter() - commit_begun
    except IntegrityError as error:
        # Class 23: a unique key, foreign key, exclusion constraint or check (the wage-inside-
        # period check included) refused a row, row by row or when put back after the load.
        if not str(getattr(getattr(error, "__cause__", None), "sqlstate", "") or "").startswith("23"):
            raise
        raise SimisError(PopulateError.ALREADY_REGISTERED, detail=_clash_detail(error)) from None
    finally:
        if collecting:
            gc.enable()
    result.seconds = time.perf_counter() - begun
    return result


def _load(
    spec: PopulationSpec,
    reference: _Reference,
    read: ParameterReader,
    as_of: date,
    result: PopulationResult,
    say: Progress,
    actor: Any,
) -> None:
    tables = [_MODELS[t]._meta.db_table for t in TABLES]
    with connection.cursor() as cursor:
        # Foreign keys left in place are checked statement by statement (while the next batch
        # is being generated) rather than all at commit; nothing is skipped.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL work_mem = '64MB'")
    generator = _Generator(spec, reference, read, as_of)
    result.histories_from = generator.histories_from
    existing = _existing(spec.workforces, reference) if spec.workforces else []
    n_new = spec.establishments
    numbers = [str(n) for n in sequence_draw(ESTABLISHMENT_NUMBER_SEQUENCE, n_new)]
    est_ids = sequence_draw(serial_sequence(Establishment), n_new)
    generator.plan_establishments(numbers, est_ids, existing)
    if generator.largest >= 0:
        result.largest_number = generator.ests[generator.largest].number
    person_count = spec.contributors
    contributor_numbers = sequence_draw(CONTRIBUTOR_NUMBER_SEQUENCE, person_count)
    result.contributor_numbers = (contributor_numbers[0], contributor_numbers[-1])
    person_ids = sequence_draw(serial_sequence(Person), person_count)
    sequences = (
        serial_sequence(PersonIdentity),
        serial_sequence(Engagement),
        serial_sequence(Wage),
    )
    bulk = _bulk_wanted(person_count, tables)
    if not bulk:
        # Person ids are handed out in a scattered order: periods then reach the no-overlap
        # index in random key order, which it absorbs about twice as fast as ascending keys.
        stride = next(p for p in (1_000_003, 999_983, 1_000_033, 7) if math.gcd(p, person_count) == 1)
        person_ids = [person_ids[(i * stride) % person_count] for i in range(person_count)]
    rebuild: list[tuple[str, str]] = []
    deferred: list[_Constraint] = []
    wage_table = Wage._meta.db_table
    trigger_set_aside = False
    referencing: list[str] = []
    quote = connection.ops.quote_name
    if bulk:
        # The load outweighs what the tables hold: plain indexes are built afterwards, and the
        # foreign keys, the no-overlap exclusion constraint and the wage-inside-period trigger
        # are set aside and put back before commit (see the module docstring).
        deferred = _deferrable_constraints(tables)
        rebuild = _plain_indexes(tables)
        trigger_set_aside = _trigger_enabled(wage_table, _WAGE_TRIGGER)
        referencing = _reference_triggers(tables)
        with connection.cursor() as cursor:
            # Foreign keys first (they rely on the keys), then exclusion constraints and keys.
            for constraint in reversed(deferred):
                cursor.execute(
                    f"ALTER TABLE {quote(constraint.table)} DROP CONSTRAINT {quote(constraint.name)}"
                )
            for name, _definition in rebuild:
                cursor.execute(f"DROP INDEX {quote(name)}")
            if trigger_set_aside:
                cursor.execute(f"ALTER TABLE {quote(wage_table)} DISABLE TRIGGER {quote(_WAGE_TRIGGER)}")
            for table in referencing:
                cursor.execute(f"ALTER TABLE {quote(table)} DISABLE TRIGGER {quote(table + '_references')}")
        result.indexes_rebuilt = [name for name, _d in rebuild]
        result.constraints_deferred = (
            [c.name for c in deferred]
            + ([_WAGE_TRIGGER] if trigger_set_aside else [])
            + [f"{table}_references" for table in referencing]
        )
    producer = _Producer(generator, spec, person_ids, contributor_numbers, sequences, _GENERATORS)
    try:
        mains, branches = generator.establishment_lines()
        for lines in (mains, branches):
            _copy("establishment", "".join(lines).encode(), len(lines), result.tables["establishment"])
        say(f"establishments: {len(mains) + len(branches):,} ({len(branches):,} branches)")
        asked = time.perf_counter()
        for chunk in producer:
            result.wait_seconds += time.perf_counter() - asked
            result.generate_seconds += chunk.seconds
            for table in ("person", "identity", "engagement", "wage"):
                blob, rows = chunk.blobs[table]
                _copy(table, blob, rows, result.tables[table])
            result.regimes.update(chunk.regimes)
            result.statuses.update(chunk.statuses)
            result.saudis += chunk.saudis
            result.transfers += chunk.transfers
            earliest = date.fromordinal(chunk.earliest)
            result.earliest_join = min(result.earliest_join or earliest, earliest)
            say(f"contributors: {result.tables['person'].rows:,} of {person_count:,} ({result.rows:,} rows)")
            asked = time.perf_counter()
    finally:
        producer.close()
    if rebuild:
        begun = time.perf_counter()
        with connection.cursor() as cursor:
            for name, definition in rebuild:
                say(f"index {name}")
                cursor.execute(definition)
        result.index_seconds = time.perf_counter() - begun
    begun = time.perf_counter()
    say("analyze")
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")
    result.analyze_seconds = time.perf_counter() - begun
    if deferred or trigger_set_aside or referencing:
        begun = time.perf_counter()
        with connection.cursor() as cursor:
            # Each check is one join over whole tables: let its hash tables stay in memory.
            cursor.execute("SET LOCAL work_mem = '512MB'")
            # Each is checked over every row as it is put back: one sorted index build per key,
            # one index build with its overlap check for the exclusion constraint, one join per
            # foreign key.
            for constraint in deferred:
                say(f"constraint {constraint.name}")
                cursor.execute(
                    f"ALTER TABLE {quote(constraint.table)} ADD CONSTRAINT {quote(constraint.name)} "
                    f"{constraint.definition}"
                )
            if trigger_set_aside:
                say(f"check {_WAGE_TRIGGER}")
                cursor.execute(
                    _WAGE_INSIDE_PERIOD_CHECK.format(
                        wage=quote(wage_table),
                        engagement=quote(Engagement._meta.db_table),
                        trigger=_WAGE_TRIGGER,
                    )
                )
                cursor.execute(f"ALTER TABLE {quote(wage_table)} ENABLE TRIGGER {quote(_WAGE_TRIGGER)}")
            # The references: one join per reference over the whole table, the named parents of
            # the small tables locked as each statement's check locks them.
            for table in referencing:
                say(f"check {table}_references")
                cursor.execute(f"SELECT {quote(table + '_references_check')}()")
                cursor.execute(f"ALTER TABLE {quote(table)} ENABLE TRIGGER {quote(table + '_references')}")
        result.constraint_seconds = time.perf_counter() - begun
    audit_record(
        actor=actor,
        action=PopulateAction.POPULATION_LOADED,
        extra={
            "seed": spec.seed,
            "as_of": as_of.isoformat(),
            "establishments": spec.establishments,
            "contributors": spec.contributors,
            "largest": spec.largest,
            "rows": {table: figures.rows for table, figures in result.tables.items()},
            "contributor_numbers": list(result.contributor_numbers),
        },
    )


class _Producer:
    """The people in batches. With more than one batch they are generated in forked processes
    started at once (``workers`` of them, each taking every ``workers``-th batch), ahead of
    the loader: the server loads one batch while the next ones are made, and no generator
    waits for the interpreter lock the loader holds. A batch's ids are drawn once it is made,
    strictly in batch order (each process waits for its turn), so the same seed gives the same
    ids whatever the number of processes. ``close`` stops the processes whatever happened."""

    def __init__(
        self,
        generator: _Generator,
        spec: PopulationSpec,
        person_ids: Sequence[int],
        numbers: Sequence[int],
        sequences: tuple[str, str, str],
        workers: int = 1,
    ) -> None:
        total, size = spec.contributors, spec.batch_size
        self.bounds = [(k, s, min(s + size, total)) for k, s in enumerate(range(0, total, size))]
        self.generator, self.person_ids, self.numbers, self.sequences = (
            generator,
            person_ids,
            numbers,
            sequences,
        )
        self.children: list[Any] = []
        self.ready: Any = None
        self.taken_path = ""
        if len(self.bounds) > 1:
            context = multiprocessing.get_context("fork")
            workers = max(1, min(workers, len(self.bounds)))
            self.ready = context.Queue(maxsize=workers + 1)
            turn = context.Value("q", 0, lock=False)
            turn_changed = context.Condition()
            # The GCC national IDs given out so far, appended by each batch in its turn.
            descriptor, self.taken_path = tempfile.mkstemp(prefix="populate-gcc-", suffix=".txt")
            os.close(descriptor)
            params = connection.get_connection_params()
            for worker in range(workers):
                child = context.Process(
                    target=_produce,
                    args=(
                        generator,
                        self.bounds[worker::workers],
                        person_ids,
                        numbers,
                        sequences,
                        params,
                        turn,
                        turn_changed,
                        self.taken_path,
                        self.ready,
                    ),
                    name=f"populate-generator-{worker}",
                    daemon=True,
                )
                child.start()
                self.children.append(child)

    def __iter__(self) -> Iterator[_Batch]:
        if not self.children:
            taken: set[tuple[str, str]] = set()
            for k, s, e in self.bounds:
                chunk = self.generator.chunk(k, s, e, self.person_ids, self.numbers)
                chunk.settle_gcc(taken)
                identities, engagements, wages = chunk.counts
                ids = (
                    sequence_draw(self.sequences[0], identities),
                    sequence_draw(self.sequences[1], engagements),
                    sequence_draw(self.sequences[2], wages),
                )
                yield _Batch.of(chunk, chunk.lines(ids, self.generator.now))
            return
        finished = 0
        while finished < len(self.children):
            try:
                item = self.ready.get(timeout=1)
            except queue.Empty:
                for child in self.children:
                    if not child.is_alive() and child.exitcode != 0:
                        raise RuntimeError(
                            f"the generator process ended unexpectedly (exit code {child.exitcode})"
                        ) from None
                continue
            if item is None:
                finished += 1
                continue
            if isinstance(item, tuple):
                kind, *details = item
                if kind == "simis":
                    raise SimisError(details[0], **details[1])
                raise RuntimeError(f"the generator process failed: {details[0]}")
            yield item

    def close(self) -> None:
        for child in self.children:
            if child.is_alive():
                child.terminate()
        for child in self.children:
            child.join(timeout=5)
        if self.ready is not None:
            self.ready.close()
        if self.taken_path:
            Path(self.taken_path).unlink(missing_ok=True)
            self.taken_path = ""
        self.children = []


def _produce(
    generator: _Generator,
    bounds: Sequence[tuple[int, int, int]],
    person_ids: Sequence[int],
    numbers: Sequence[int],
    sequences: tuple[str, str, str],
    params: dict[str, Any],
    turn: Any,
    turn_changed: Any,
    taken_path: str,
    ready: Any,
) -> None:
    """A forked generator: its batches onto ``ready``, then None; a failure as a tuple.

    In batch ``k``'s turn (``turn`` says ``k``) its GCC national IDs are settled against those
    given out before (read from and appended to ``taken_path``) and its ids are drawn; then the
    turn passes to ``k + 1``.
    It never touches the database connection it inherited (the loader's, mid-transaction):
    sequence values come through a connection of its own. It leaves through ``os._exit`` (as
    every forked multiprocessing child does), so the inherited connection is never closed."""
    import traceback

    import psycopg

    try:
        taken: set[tuple[str, str]] = set()
        with (
            psycopg.connect(**params, autocommit=True) as own,
            open(taken_path, "a+", encoding="utf-8") as shared,
        ):
            read_to = 0

            def draw(sequence: str, count: int) -> list[int]:
                return sorted(row[0] for row in own.execute(SEQUENCE_DRAW_SQL, [sequence, count]).fetchall())

            for k, s, e in bounds:
                chunk = generator.chunk(k, s, e, person_ids, numbers)
                identities, engagements, wages = chunk.counts
                with turn_changed:
                    turn_changed.wait_for(lambda k=k: turn.value == k)
                    shared.seek(read_to)
                    taken.update(tuple(line.split("\t", 1)) for line in shared.read().splitlines())  # type: ignore[misc]
                    given = chunk.settle_gcc(taken)
                    shared.write("".join(f"{alpha2}\t{value}\n" for alpha2, value in given))
                    shared.flush()
                    read_to = shared.tell()
                    ids = (
                        draw(sequences[0], identities),
                        draw(sequences[1], engagements),
                        draw(sequences[2], wages),
                    )
                    turn.value = k + 1
                    turn_changed.notify_all()
                ready.put(_Batch.of(chunk, chunk.lines(ids, generator.now)))
        ready.put(None)
    except SimisError as error:
        ready.put(("simis", error.error, error.params))
    except BaseException:
        ready.put(("error", traceback.format_exc()))


def summary_lines(result: PopulationResult) -> list[str]:
    """The run in a few lines of operator text: rows and COPY seconds per table, the rest of
    the time, and the mix that was generated."""
    lines = [f"{'table':<14} {'rows':>12} {'COPY s':>9} {'rows/s':>11}"]
    for table, figures in result.tables.items():
        lines.append(f"{table:<14} {figures.rows:>12,} {figures.seconds:>9.1f} {figures.rate:>11,.0f}")
    overall = result.rows / max(result.seconds, 1e-9)
    lines.append(f"{'all (total s)':<14} {result.rows:>12,} {result.seconds:>9.1f} {overall:>11,.0f}")
    lines.append(
        f"generation {result.generate_seconds:.1f} s in all processes (alongside the COPY; the loader "
        f"waited {result.wait_seconds:.1f} s for batches); index builds "
        f"{result.index_seconds:.1f} s; constraints put back {result.constraint_seconds:.1f} s; "
        f"analyze {result.analyze_seconds:.1f} s; "
        f"commit {result.commit_seconds:.1f} s"
    )
    if result.indexes_rebuilt:
        lines.append(f"plain indexes rebuilt after the load: {len(result.indexes_rebuilt)}")
    if result.constraints_deferred:
        lines.append(
            f"constraints set aside and put back, checked over every row: {len(result.constraints_deferred)}"
        )
    persons = max(result.tables["person"].rows, 1)
    regimes = ", ".join(f"{name} {count / persons:.1%}" for name, count in sorted(result.regimes.items()))
    statuses = ", ".join(f"{name} {count:,}" for name, count in sorted(result.statuses.items()))
    lines.append(f"regimes: {regimes}; Saudi {result.saudis / persons:.1%}; transfers {result.transfers:,}")
    lines.append(f"periods: {statuses}")
    first, last = result.contributor_numbers
    lines.append(
        f"histories from {result.histories_from}; earliest join {result.earliest_join}; "
        f"as of {result.as_of}; seed {result.seed}; contributor numbers {first}–{last}"
    )
    if result.largest_number:
        lines.append(f"largest establishment: {result.largest_number}")
    return lines
