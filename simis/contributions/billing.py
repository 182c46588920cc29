"""The set-based billing run (CON-1): a month for every establishment in one pass in PostgreSQL.

The steps, in one transaction (a month is billed completely or not at all):

1. **Rate classes.** Contributors who share a regime and covered branches (and GCC home
   country) share their rates; the rule ``simis.core.contribution_rates`` is run once per class
   in Python and each class stored with the parameter readings behind it (``RateClass``).
2. **Changes taken.** Periods the register reports as changed (``Rebill``, filled by the
   register's change listener) are taken into this run — before the lines are computed, so a
   change committed while the run computes stays for the next run.
3. **Lines.** One ``INSERT … SELECT`` computes every period's line for the month into a new
   table with the integer formula of ``rules`` (``share_sql``): the days worked at each wage,
   the class's rates; the lines are then summed per establishment. Periods whose disputed
   months are under review are left out (RULES §3). On a large register
   (``SIMIS_BILLING_PARALLEL_FROM`` periods) the statement is split over
   ``SIMIS_BILLING_PARTS`` connections, each over a slice of the periods' table, all reading
   this transaction's snapshot (PostgreSQL does not run a ``LATERAL … LIMIT`` in parallel by
   itself), and the table's keys are built by two more while the run goes on.
4. **Adjustments.** The changed periods have their earlier months recomputed the same way;
   where a month now owes something different from everything billed for it so far, the
   difference becomes an adjustment line. Issued lines are never rewritten.
5. **Bills** are made from the sums, one per establishment, numbered from a sequence.
6. **Ledger.** One journal entry for the run: each bill debits its establishment's
   contributions due, revenue is credited once, written in one statement; employers' credit
   is then spent.
7. The lines table takes the adjustment lines and is attached as the month's partition of
   ``contributions_billline`` (its bounds are a CHECK, so nothing is read again).

The SQL is composed only from this module's table names, enum values and integers; every value
that comes from outside (months, ids, dates) is a bound parameter.

Every figure can be explained: a line points at its rate class (rates and parameter versions)
and holds its days, divisor and base; ``selectors.line_explain`` rebuilds the calculation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import psycopg
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction

from simis.contributions import rules
from simis.contributions.errors import ContributionsError
from simis.contributions.models import Account, EntryKind, LineKind, RateClass
from simis.core.contribution_rates import Branch, NationalityClass, contribution_rates
from simis.core.dates import month_end, month_start
from simis.core.errors import SimisError
from simis.core.identifiers import GccCountry
from simis.core.parameter_table import ParameterReader, Regime

PARTITION_PREFIX = "contributions_billline_"
STAGE_PREFIX = "contributions_billstage_"
ENGAGEMENT_PENDING = "pending_review"  # registry EngagementStatus.PENDING_REVIEW


# --- Rate classes ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClassKey:
    regime: Regime
    covers_annuities: bool
    covers_occupational_hazards: bool
    covers_unemployment: bool
    gcc_extension: bool
    gcc_country: str


def class_keys() -> list[ClassKey]:
    """Every combination the register can hold: a Saudi's branches (annuities or pensions,
    occupational hazards, unemployment) in any combination; a GCC national's home scheme with
    or without occupational hazards."""
    keys = []
    for regime in Regime:
        for annuities in (True, False):
            for hazards in (True, False):
                for unemployment in (True, False):
                    keys.append(ClassKey(regime, annuities, hazards, unemployment, False, ""))
        for country in GccCountry:
            for hazards in (True, False):
                keys.append(ClassKey(regime, False, hazards, False, True, country.value))
    return keys


_BRANCH_COVERED = {
    Branch.ANNUITIES: "covers_annuities",
    Branch.PENSIONS: "covers_annuities",
    Branch.OCCUPATIONAL_HAZARDS: "covers_occupational_hazards",
    Branch.UNEMPLOYMENT: "covers_unemployment",
    Branch.GCC_EXTENSION: "gcc_extension",
}


def class_rates(key: ClassKey, month: date, read: ParameterReader) -> dict[str, Any] | None:
    """The class's rates for ``month`` as stored on ``RateClass`` (None when the parameters
    declare no rates then, e.g. the new law before July 2024: nobody can be in that class)."""
    if key.gcc_extension:
        nationality = NationalityClass.GCC
    elif key.covers_annuities or key.covers_unemployment:
        nationality = NationalityClass.SAUDI
    else:
        nationality = NationalityClass.NON_SAUDI
    try:
        rates = contribution_rates(
            regime=key.regime,
            nationality=nationality,
            month=month,
            read=read,
            gcc_country=key.gcc_country or None,
        )
    except SimisError as error:
        if error.code == "PRM-001":  # no value in force that month
            return None
        raise
    lines = [line for line in rates.lines if getattr(key, _BRANCH_COVERED[line.branch])]
    readings = [reading for line in lines for reading in line.readings]
    employer = sum(rules.rate_units(line.rate) for line in lines if line.party == "employer")
    employee = sum(rules.rate_units(line.rate) for line in lines if line.party == "employee")
    record = rates.as_record()
    record["lines"] = [line.as_record() for line in lines]
    return {
        "employer_units": employer,
        "employee_units": employee,
        "rates": record,
        "parameter_version_ids": sorted({r.version_id for r in readings if r.version_id is not None}),
    }


def rate_classes_prepare(month: date, read: ParameterReader) -> list[RateClass]:
    """``month``'s rate classes under the parameters ``read`` sees, stored once (one read of the
    month's classes, one insert of those not stored yet)."""
    first = month_start(month)

    def identity(key: ClassKey, versions: list[int]) -> tuple[Any, ...]:
        return (
            key.regime.value,
            key.covers_annuities,
            key.covers_occupational_hazards,
            key.covers_unemployment,
            key.gcc_extension,
            key.gcc_country,
            tuple(versions),
        )

    stored = {
        (
            rc.regime,
            rc.covers_annuities,
            rc.covers_occupational_hazards,
            rc.covers_unemployment,
            rc.gcc_extension,
            rc.gcc_country,
            tuple(rc.parameter_version_ids),
        ): rc
        for rc in RateClass.objects.filter(month=first)
    }
    found_classes: list[RateClass] = []
    missing: list[RateClass] = []
    for key in class_keys():
        rates = class_rates(key, month, read)
        if rates is None:
            continue
        found = stored.get(identity(key, rates["parameter_version_ids"]))
        if found is not None:
            found_classes.append(found)
            continue
        missing.append(
            RateClass(
                month=first,
                regime=key.regime.value,
                covers_annuities=key.covers_annuities,
                covers_occupational_hazards=key.covers_occupational_hazards,
                covers_unemployment=key.covers_unemployment,
                gcc_extension=key.gcc_extension,
                gcc_country=key.gcc_country,
                parameter_version_ids=rates["parameter_version_ids"],
                employer_units=rates["employer_units"],
                employee_units=rates["employee_units"],
                rates=rates["rates"],
            )
        )
    return found_classes + RateClass.objects.bulk_create(missing)


# --- Lines -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MonthRule:
    """How one month is billed, read from the parameters (``collection.yaml``)."""

    month: date
    day_basis: rules.DayBasis
    whole_month_rule: rules.WholeMonthRule
    version_ids: tuple[int, ...]

    @property
    def divisor(self) -> int:
        if self.day_basis == rules.DayBasis.CALENDAR_DAYS:
            return (month_end(self.month) - self.month).days + 1
        return 1


def month_rule(month: date, read: ParameterReader) -> MonthRule:
    on = month_end(month)
    basis = read("billing.day_basis", on, rules.ACCOUNT_REGIME)
    whole = read("billing.whole_month_rule", on, rules.ACCOUNT_REGIME)
    versions = tuple(sorted({r.version_id for r in (basis, whole) if r.version_id is not None}))
    return MonthRule(
        month_start(month), rules.DayBasis(basis.value), rules.WholeMonthRule(whole.value), versions
    )


# Days and base of one period in one month, in SQL. ``b`` holds the billed span (bstart, bend),
# ``w`` the wage in force on its last day. When that wage starts after the span's first day,
# the wage changed during the month: the days are split at each change (a correlated
# subquery, run only for those periods).
_CALENDAR_DAYS_SQL = """
CROSS JOIN LATERAL (
    SELECT CASE WHEN w.effective_from <= b.bstart
                THEN b.bend - b.bstart + 1
                ELSE (SELECT sum(seg.days)::integer FROM ({segments}) seg WHERE seg.days > 0) END AS days,
           CASE WHEN w.effective_from <= b.bstart
                THEN (b.bend - b.bstart + 1) * (w.contributory_wage * 100)::bigint
                ELSE (SELECT sum(seg.days * seg.wage)::bigint
                        FROM ({segments}) seg WHERE seg.days > 0) END AS base
) s
"""
_SEGMENTS_SQL = """
SELECT least(coalesce(lead(x.effective_from) OVER (ORDER BY x.effective_from) - 1, b.bend), b.bend)
         - greatest(x.effective_from, b.bstart) + 1 AS days,
       (x.contributory_wage * 100)::bigint AS wage
  FROM registry_wage x
 WHERE x.engagement_id = e.id AND x.effective_from <= b.bend
"""
_WHOLE_MONTH_SQL = """
CROSS JOIN LATERAL (SELECT 1 AS days, (w.contributory_wage * 100)::bigint AS base) s
"""


def _class_arrays(classes: Sequence[RateClass]) -> dict[str, list[Any]]:
    """The rate classes as bound arrays, joined by ``unnest``: the lines' query does not read the
    classes' table, so connections that cannot see this transaction's new classes can run it."""
    return {
        "rc_id": [rc.pk for rc in classes],
        "rc_regime": [rc.regime for rc in classes],
        "rc_annuities": [rc.covers_annuities for rc in classes],
        "rc_hazards": [rc.covers_occupational_hazards for rc in classes],
        "rc_unemployment": [rc.covers_unemployment for rc in classes],
        "rc_gcc": [rc.gcc_extension for rc in classes],
        "rc_country": [rc.gcc_country for rc in classes],
        "rc_employer": [rc.employer_units for rc in classes],
        "rc_employee": [rc.employee_units for rc in classes],
    }


def lines_select(
    rule: MonthRule,
    *,
    bill_month: date,
    kind: LineKind,
    classes: Sequence[RateClass],
    only_rebilled: bool = False,
) -> tuple[str, dict[str, Any]]:
    """The SELECT of one month's lines (columns in the partition's order). ``only_rebilled``
    restricts it to the periods in the run's temporary ``rebill_periods`` table. It ends with
    its WHERE clause, so a caller may add a condition with ``AND``."""
    first, last = rule.month, month_end(rule.month)
    divisor = rule.divisor
    if rule.day_basis == rules.DayBasis.CALENDAR_DAYS:
        span = _CALENDAR_DAYS_SQL.format(segments=_SEGMENTS_SQL)
        span_filter = ""
    else:
        span = _WHOLE_MONTH_SQL
        span_filter = (
            "AND e.join_date <= %(first)s" if rule.whole_month_rule == rules.WholeMonthRule.FIRST_DAY else ""
        )
    restrict = (
        "JOIN rebill_periods r ON r.engagement_id = e.id AND r.since <= %(last)s" if only_rebilled else ""
    )
    employer = rules.share_sql("s.base", str(divisor), "rc.employer_units")
    employee = rules.share_sql("s.base", str(divisor), "rc.employee_units")
    sql = f"""
SELECT %(bill_month)s::date AS bill_month,
       %(first)s::date AS for_month,
       e.establishment_id::integer AS establishment_id,
       e.id AS engagement_id,
       %(kind)s::smallint AS kind,
       rc.id::integer AS rate_class_id,
       s.days::smallint AS days,
       {divisor}::smallint AS divisor,
       s.base::bigint AS base,
       coalesce({employer}, 0)::integer AS employer,
       coalesce({employee}, 0)::integer AS employee
  FROM registry_engagement e
  {restrict}
 CROSS JOIN LATERAL (SELECT greatest(e.join_date, %(first)s::date) AS bstart,
                            least(coalesce(e.leave_date, %(last)s::date), %(last)s::date) AS bend) b
 CROSS JOIN LATERAL (SELECT effective_from, contributory_wage
                       FROM registry_wage
                      WHERE engagement_id = e.id AND effective_from <= b.bend
                      ORDER BY effective_from DESC
                      LIMIT 1) w
 {span}
  LEFT JOIN unnest(%(rc_id)s::integer[], %(rc_regime)s::text[], %(rc_annuities)s::boolean[],
                   %(rc_hazards)s::boolean[], %(rc_unemployment)s::boolean[], %(rc_gcc)s::boolean[],
                   %(rc_country)s::text[], %(rc_employer)s::integer[], %(rc_employee)s::integer[])
            AS rc(id, regime, covers_annuities, covers_occupational_hazards, covers_unemployment,
                  gcc_extension, gcc_country, employer_units, employee_units)
         ON rc.regime = e.coverage_regime
        AND rc.covers_annuities = e.covers_annuities
        AND rc.covers_occupational_hazards = e.covers_occupational_hazards
        AND rc.covers_unemployment = e.covers_unemployment
        AND rc.gcc_extension = e.gcc_extension
        AND rc.gcc_country = e.gcc_country
 WHERE e.join_date <= %(last)s
   AND (e.leave_date IS NULL OR e.leave_date >= %(first)s)
   AND NOT (e.status = '{ENGAGEMENT_PENDING}'
            AND e.disputed_from <= %(first)s AND e.disputed_until >= %(first)s)
   {span_filter}
"""
    params = {"bill_month": bill_month, "first": first, "last": last, "kind": int(kind)}
    params.update(_class_arrays(classes))
    return sql, params


def partition_name(month: date) -> str:
    return f"{PARTITION_PREFIX}{month:%Y%m}"


def stage_name(month: date) -> str:
    """Where parallel parts write a month's lines before the run's transaction takes them in
    (not under the partitions' prefix: a left-over stage is never taken for a billed month)."""
    return f"{STAGE_PREFIX}{month:%Y%m}"


def execute(sql: str, params: dict[str, Any] | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def fetch(sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def leftover_drop(month: date) -> None:
    """A month's partition exists only if its run committed, and then the month is not billed
    again. An *empty* one is what ``TRUNCATE`` (the test runner's flush) leaves: it is dropped.
    One holding lines without a run is refused (CON-006): someone deleted the run by hand."""
    table = partition_name(month)
    if not fetch("SELECT to_regclass(%(t)s) IS NOT NULL", {"t": table})[0][0]:
        return
    if fetch(f"SELECT EXISTS (SELECT 1 FROM {table})")[0][0]:
        raise SimisError(ContributionsError.ORPHAN_LINES, month=f"{month:%Y-%m}", table=table)
    execute(f"DROP TABLE {table}")


def _bounds(month: date) -> dict[str, date]:
    return {"lower": month, "upper": date.fromordinal(month_end(month).toordinal() + 1)}


def _table_create_sql(table: str, month: date) -> str:
    """A month's lines table: the partitioned table's columns (NOT NULL included), the
    partition's bounds as a CHECK — so attaching it reads nothing — and every regular line
    in a rate class."""
    partition = partition_name(month)
    return (
        f"CREATE TABLE {table} (LIKE contributions_billline INCLUDING DEFAULTS, "
        f"CONSTRAINT {partition}_month CHECK (bill_month >= %(lower)s AND bill_month < %(upper)s), "
        f"CONSTRAINT {partition}_rated CHECK (kind <> {int(LineKind.REGULAR)} OR rate_class_id IS NOT NULL))"
    )


def _indexes_sql(table: str) -> list[str]:
    """The lines table's key and its establishments' index, named after the table (a stage's
    are renamed when it becomes the partition)."""
    return [
        f"CREATE UNIQUE INDEX {table}_pkey ON {table} (engagement_id, for_month, bill_month)",
        f"CREATE INDEX {table}_est ON {table} (establishment_id, for_month)",
    ]


SUMS = "line_sums"  # the regular lines summed per establishment (a temporary table)
ADJUSTMENTS = "adjustment_lines"  # the run's adjustment lines, until the partition takes them


def _sums_sql(table: str) -> str:
    return (
        "SELECT establishment_id, count(*) AS regular, sum(employer) AS employer, sum(employee) AS employee "
        f"FROM {table} WHERE kind = {int(LineKind.REGULAR)} GROUP BY establishment_id"
    )


def _unrated(error: BaseException, month: date) -> bool:
    cause = error if isinstance(error, psycopg.Error) else error.__cause__
    diag = getattr(cause, "diag", None)
    return getattr(diag, "constraint_name", None) == f"{partition_name(month)}_rated"


def _no_rates(rule: MonthRule, sql: str, params: dict[str, Any]) -> SimisError:
    """CON-004 with how many billable periods fall in no rate class, and one of them."""
    count, example = fetch(
        f"SELECT count(*), min(engagement_id) FROM ({sql}) line WHERE rate_class_id IS NULL", params
    )[0]
    return SimisError(ContributionsError.NO_RATES, count=count, month=f"{rule.month:%Y-%m}", example=example)


@dataclass
class Lines:
    """A month's regular lines, written, and summed per establishment in ``SUMS``. Their
    table's keys may still be building on a connection of their own (``keys_wait``)."""

    month: date
    count: int
    staged: bool
    building: list[Future[None]] = field(default_factory=list)
    pool: ThreadPoolExecutor | None = None

    def keys_wait(self) -> None:
        """Waits for the keys; a failed build fails the run."""
        try:
            for future in self.building:
                future.result()
        except psycopg.Error as error:
            raise DatabaseError(str(error)) from error
        finally:
            self.release()

    def release(self) -> None:
        """Lets the key builds finish (a failed run waits for them before dropping the stage)."""
        if self.pool is not None:
            self.pool.shutdown(wait=True)
        self.building, self.pool = [], None


def lines_create(rule: MonthRule, classes: Sequence[RateClass], *, parts: int = 1) -> Lines:
    """Step 3: the month's regular lines into a new table, summed per establishment; CON-004
    when a billable period falls in no rate class. With ``parts`` > 1 the lines are computed by
    that many connections at once, each over a slice of the register's pages
    (``_lines_parallel``); otherwise in this transaction."""
    sql, params = lines_select(rule, bill_month=rule.month, kind=LineKind.REGULAR, classes=classes)
    if parts > 1:
        return _lines_parallel(rule, sql, params, parts)
    leftover_drop(rule.month)
    table = partition_name(rule.month)
    execute(_table_create_sql(table, rule.month), _bounds(rule.month))
    try:
        with transaction.atomic():
            count = execute(f"INSERT INTO {table} {sql}", params)
    except IntegrityError as error:
        if _unrated(error, rule.month):
            raise _no_rates(rule, sql, params) from error
        raise
    for statement in _indexes_sql(table):
        execute(statement)
    _sums_make(table)
    return Lines(rule.month, count, staged=False)


def _sums_make(table: str) -> None:
    execute(f"DROP TABLE IF EXISTS {SUMS}")
    execute(f"CREATE TEMP TABLE {SUMS} ON COMMIT DROP AS {_sums_sql(table)}")


_SNAPSHOT = re.compile(r"[0-9A-F]+(-[0-9A-F]+)+")
_PAGES_SQL = "SELECT pg_relation_size('registry_engagement') / current_setting('block_size')::integer"


def _lines_parallel(rule: MonthRule, sql: str, params: dict[str, Any], parts: int) -> Lines:
    """The month's lines computed by ``parts`` connections at once, each over its slice of the
    contribution periods' table pages (a TID range), into a stage table they commit. Every part
    reads the register as this transaction sees it: this transaction's snapshot is exported and
    each part imports it (as ``pg_dump -j`` does), so the lines are exactly those one statement
    here would write. Then this transaction sums the lines, and the stage's two keys are built
    on one more connection while this one goes on with the bills and the ledger;
    ``partition_attach`` waits for the keys and takes the stage in, in this transaction. If the
    run fails the stage is dropped (``stage_drop``), and any left over is dropped before the
    next attempt."""
    month = rule.month
    stage = stage_name(month)
    snapshot = fetch("SELECT pg_export_snapshot()")[0][0]
    if not _SNAPSHOT.fullmatch(snapshot):
        raise ValueError(f"unexpected snapshot identifier {snapshot!r}")
    pages = fetch(_PAGES_SQL)[0][0]
    # A part waiting on a lock this transaction holds would wait for ever: it gives up instead.
    settings_ = {**connection.get_connection_params(), "autocommit": True}
    timeout = f"-c lock_timeout={int(settings.SIMIS_BILLING_LOCK_TIMEOUT) * 1000}"
    settings_["options"] = f"{settings_.get('options', '')} {timeout}".strip()
    starts = [pages * part // parts for part in range(parts)]

    def connect() -> psycopg.Connection[Any]:
        return psycopg.connect(**settings_)

    def write(part: int) -> int:
        bounds = "AND e.ctid >= %(lo)s::tid" + (" AND e.ctid < %(hi)s::tid" if part < parts - 1 else "")
        limits = {"lo": f"({starts[part]},0)", "hi": f"({starts[part + 1] if part < parts - 1 else 0},0)"}
        with connect() as conn:
            conn.autocommit = False
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            with conn.cursor() as cursor:
                cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
                cursor.execute(f"INSERT INTO {stage} {sql} {bounds}", {**params, **limits})
                written = cursor.rowcount
            conn.commit()
            return written

    def build(statements: list[str]) -> None:
        with connect() as conn:
            # One core: the run's own connection goes on with the bills and the ledger.
            conn.execute("SET max_parallel_maintenance_workers = 0")
            for statement in statements:
                conn.execute(statement)

    try:
        with connect() as conn:
            conn.execute(f"DROP TABLE IF EXISTS {stage}")
            conn.cursor().execute(_table_create_sql(stage, month), _bounds(month))
        # Only now: dropping an empty partition locks the partitioned table the stage is made
        # LIKE, until this transaction ends.
        leftover_drop(month)
        with ThreadPoolExecutor(max_workers=parts) as pool:
            count = sum(pool.map(write, range(parts)))
    except psycopg.Error as error:
        if _unrated(error, month):
            raise _no_rates(rule, sql, params) from error
        raise DatabaseError(str(error)) from error
    # The sums first, alone (a parallel aggregate): the bills wait for them. The keys are wanted
    # only when the stage becomes the partition, so they are built after, on one connection,
    # while this one writes the bills and the ledger on the other core.
    _sums_make(stage)
    keys = ThreadPoolExecutor(max_workers=1)
    lines = Lines(month, count, staged=True, pool=keys)
    lines.building = [keys.submit(build, _indexes_sql(stage))]
    return lines


def stage_drop(month: date) -> None:
    """Drops a failed run's stage (from a connection of its own: the run's has rolled back)."""
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {stage_name(month)}")


def adjustments_compute(bill_month: date, months: list[tuple[MonthRule, list[RateClass]]]) -> int:
    """Step 4: for each earlier month, what the changed periods owe now minus everything billed
    for them so far, where it differs, into ``ADJUSTMENTS`` (the partition takes them when it
    is attached). Periods that no longer exist (a late registration refused at review) owe
    nothing: their billed lines are reversed."""
    table = ADJUSTMENTS
    execute(f"DROP TABLE IF EXISTS {table}")
    execute(f"CREATE TEMP TABLE {table} (LIKE contributions_billline) ON COMMIT DROP")
    added = 0
    for rule, classes in months:
        now_sql, params = lines_select(
            rule, bill_month=bill_month, kind=LineKind.ADJUSTMENT, classes=classes, only_rebilled=True
        )
        added += execute(
            f"""
INSERT INTO {table}
WITH now AS ({now_sql}),
billed AS (
    SELECT l.engagement_id, min(l.establishment_id) AS establishment_id,
           sum(l.base) AS base, sum(l.days) AS days,
           sum(l.employer) AS employer, sum(l.employee) AS employee
      FROM contributions_billline l
      JOIN rebill_periods r ON r.engagement_id = l.engagement_id AND r.since <= %(last)s
     WHERE l.for_month = %(first)s
     GROUP BY l.engagement_id
)
SELECT %(bill_month)s::date, %(first)s::date,
       coalesce(now.establishment_id, billed.establishment_id),
       coalesce(now.engagement_id, billed.engagement_id),
       {int(LineKind.ADJUSTMENT)}::smallint,
       now.rate_class_id,
       (coalesce(now.days, 0) - coalesce(billed.days, 0))::smallint,
       {rule.divisor}::smallint,
       (coalesce(now.base, 0) - coalesce(billed.base, 0))::bigint,
       (coalesce(now.employer, 0) - coalesce(billed.employer, 0))::integer,
       (coalesce(now.employee, 0) - coalesce(billed.employee, 0))::integer
  FROM now FULL JOIN billed ON billed.engagement_id = now.engagement_id
 WHERE coalesce(now.employer, 0) <> coalesce(billed.employer, 0)
    OR coalesce(now.employee, 0) <> coalesce(billed.employee, 0)
""",
            {**params, "first": rule.month},
        )
    return added


def partition_attach(lines: Lines) -> None:
    """Step 7: once its keys are built, the lines table (the stage, when parts wrote it) takes
    the adjustment lines and becomes the month's partition. Its bounds' CHECK lets PostgreSQL
    attach it without reading it, and is then dropped."""
    month, staged = lines.month, lines.staged
    lines.keys_wait()
    table = partition_name(month)
    if staged:
        stage = stage_name(month)
        execute(f"ALTER TABLE {stage} RENAME TO {table}")
        execute(f"ALTER INDEX {stage}_pkey RENAME TO {table}_pkey")
        execute(f"ALTER INDEX {stage}_est RENAME TO {table}_est")
    execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY USING INDEX {table}_pkey")
    execute(f"INSERT INTO {table} SELECT * FROM {ADJUSTMENTS}")
    execute(
        f"ALTER TABLE contributions_billline ATTACH PARTITION {table} "
        "FOR VALUES FROM (%(lower)s) TO (%(upper)s)",
        _bounds(month),
    )
    execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_month")


def bills_insert(month: date, run_id: int, issued_on: date, due_on: date) -> int:
    """Step 5: one bill per establishment with lines this month. The regular lines' sums made
    with them (``SUMS``) and the adjustment lines' (``ADJUSTMENTS``) are put together per
    establishment in a temporary table, a block of bill numbers is
    reserved from the sequence in one call — how many the aggregate says — and the bills are
    numbered in establishment order (a ``nextval`` per row would also keep the number function
    from being inlined)."""
    execute("DROP TABLE IF EXISTS bill_sums")
    count = execute(
        f"""
CREATE TEMP TABLE bill_sums ON COMMIT DROP AS
SELECT coalesce(r.establishment_id, a.establishment_id) AS establishment_id,
       coalesce(r.regular, 0) AS regular,
       coalesce(a.lines, 0) AS adjustments,
       coalesce(r.employer, 0) AS employer,
       coalesce(r.employee, 0) AS employee,
       coalesce(a.amount, 0) AS adjusted,
       coalesce(r.employer + r.employee, 0) + coalesce(a.amount, 0) AS total
  FROM {SUMS} r
  FULL JOIN (SELECT establishment_id, count(*) AS lines, sum(employer + employee) AS amount
               FROM {ADJUSTMENTS}
              GROUP BY establishment_id) a ON a.establishment_id = r.establishment_id
"""
    )
    if not count:
        return 0
    first = fetch(
        "SELECT setval('contributions_bill_number_seq', "
        "nextval('contributions_bill_number_seq') + %(n)s - 1) - %(n)s + 1",
        {"n": count},
    )[0][0]
    return execute(
        """
INSERT INTO contributions_bill (number, establishment_id, month, run_id, issued_on, due_on, contributors,
                                adjustment_lines, employer_amount, employee_amount, adjustment_amount, total)
SELECT contributions_bill_number(%(first)s + row_number() OVER (ORDER BY establishment_id) - 1),
       establishment_id, %(month)s, %(run)s, %(issued)s, %(due)s,
       regular, adjustments, employer / 100.0, employee / 100.0, adjusted / 100.0, total / 100.0
  FROM bill_sums
""",
        {"first": first, "month": month, "run": run_id, "issued": issued_on, "due": due_on},
    )


def bills_post(month: date, run_id: int, issued_on: date) -> int:
    """Step 6: the run's journal entry — each bill debits its establishment's contributions due
    for the month (the posting names the bill), and contribution revenue is credited with the
    total once — written in one statement, as the balance trigger wants. Returns the postings."""
    entry = fetch(
        f"""
INSERT INTO contributions_journalentry (kind, source, establishment_id, posted_on, posted_at, memo, bill_id)
VALUES ('{EntryKind.BILL.value}', 'bill-run:' || %(run)s, NULL, %(issued)s, now(), %(memo)s, NULL)
RETURNING id
""",
        {"run": run_id, "issued": issued_on, "memo": f"{month:%Y-%m}"},
    )[0][0]
    return execute(
        f"""
INSERT INTO contributions_posting (entry_id, establishment_id, account, month, amount, posted_on, reference)
SELECT %(entry)s, b.establishment_id, '{Account.CONTRIBUTIONS_RECEIVABLE.value}', b.month, b.total,
       %(issued)s, b.number
  FROM contributions_bill b
 WHERE b.run_id = %(run)s AND b.total <> 0
UNION ALL
SELECT %(entry)s, 0, '{Account.CONTRIBUTION_REVENUE.value}', %(month)s, -sum(b.total), %(issued)s, ''
  FROM contributions_bill b
 WHERE b.run_id = %(run)s
HAVING sum(b.total) <> 0
""",
        {"entry": entry, "issued": issued_on, "run": run_id, "month": month},
    )


def run_totals() -> tuple[int, int, int]:
    """The run's employer and employee shares of its regular lines and the sum of its
    adjustment lines, in halalas, from the per-establishment sums ``bills_insert`` made in this
    transaction (so the month's lines are summed once)."""
    row = fetch(
        "SELECT coalesce(sum(employer), 0), coalesce(sum(employee), 0), coalesce(sum(adjusted), 0) "
        "FROM bill_sums"
    )[0]
    return int(row[0]), int(row[1]), int(row[2])
