"""The set-based billing run (CON-1): a month for every establishment in one pass in PostgreSQL.

The steps, in one transaction (a month is billed completely or not at all):

1. **Rate classes.** Contributors who share a regime and covered branches (and GCC home
   country) share their rates; the rule ``simis.core.contribution_rates`` is run once per class
   in Python and each class stored with the parameter readings behind it (``RateClass``).
2. **Lines.** One ``CREATE TABLE … AS SELECT`` computes every period's line for the month into a
   new table — PostgreSQL may run it in parallel, where ``INSERT … SELECT`` may not — with the
   integer formula of ``rules`` (``share_sql``): the days worked at each wage, the class's rates.
   Periods whose disputed months are under review are left out (RULES §3).
3. **Adjustments.** Periods the register reports as changed (``Rebill``, filled by the
   register's change listener) have their earlier months recomputed the same way; where a month
   now owes something different from everything billed for it so far, the difference is
   appended as an adjustment line. Issued lines are never rewritten.
4. The table gets its constraints and indexes and is attached as the month's partition of
   ``contributions_billline``.
5. **Bills** are summed from the partition, one per establishment, numbered from a sequence.
6. **Ledger.** One journal entry per bill, debiting the establishment's contributions due and
   crediting contribution revenue, written with two statements for all bills.

The SQL is composed only from this module's table names, enum values and integers; every value
that comes from outside (months, ids, dates) is a bound parameter.

Every figure can be explained: a line points at its rate class (rates and parameter versions)
and holds its days, divisor and base; ``selectors.line_explain`` rebuilds the calculation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection

from simis.contributions import rules
from simis.contributions.errors import ContributionsError
from simis.contributions.models import Account, EntryKind, LineKind, RateClass
from simis.core.contribution_rates import Branch, NationalityClass, contribution_rates
from simis.core.dates import month_end, month_start
from simis.core.errors import SimisError
from simis.core.identifiers import GccCountry
from simis.core.parameter_table import ParameterReader, Regime

PARTITION_PREFIX = "contributions_billline_"
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


def rate_classes_prepare(month: date, read: ParameterReader) -> list[int]:
    """The ids of ``month``'s rate classes under the parameters ``read`` sees, stored once (one
    read of the month's classes, one insert of those not stored yet)."""
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
        ): rc.pk
        for rc in RateClass.objects.filter(month=first)
    }
    ids, missing = [], []
    for key in class_keys():
        rates = class_rates(key, month, read)
        if rates is None:
            continue
        found = stored.get(identity(key, rates["parameter_version_ids"]))
        if found is not None:
            ids.append(found)
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
    ids.extend(rc.pk for rc in RateClass.objects.bulk_create(missing))
    return ids


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


def lines_select(
    rule: MonthRule, *, bill_month: date, kind: LineKind, class_ids: list[int], only_rebilled: bool = False
) -> tuple[str, dict[str, Any]]:
    """The SELECT of one month's lines (columns in the partition's order). ``only_rebilled``
    restricts it to the periods in the run's temporary ``rebill_periods`` table."""
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
  LEFT JOIN contributions_rateclass rc
         ON rc.id = ANY(%(classes)s)
        AND rc.regime = e.coverage_regime
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
    params = {"bill_month": bill_month, "first": first, "last": last, "kind": int(kind), "classes": class_ids}
    return sql, params


def partition_name(month: date) -> str:
    return f"{PARTITION_PREFIX}{month:%Y%m}"


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


def lines_create(rule: MonthRule, class_ids: list[int]) -> int:
    """Step 2: the month's regular lines into a new table; CON-004 when a billable period
    falls in no rate class."""
    table = partition_name(rule.month)
    leftover_drop(rule.month)
    sql, params = lines_select(rule, bill_month=rule.month, kind=LineKind.REGULAR, class_ids=class_ids)
    count = execute(f"CREATE TABLE {table} AS {sql}", params)
    missing = fetch(f"SELECT count(*), min(engagement_id) FROM {table} WHERE rate_class_id IS NULL")[0]
    if missing[0]:
        raise SimisError(
            ContributionsError.NO_RATES, count=missing[0], month=f"{rule.month:%Y-%m}", example=missing[1]
        )
    return count


def adjustments_append(bill_month: date, months: list[tuple[MonthRule, list[int]]]) -> int:
    """Step 3: for each earlier month, what the changed periods owe now minus everything billed
    for them so far, appended where it differs. Periods that no longer exist (a late
    registration refused at review) owe nothing: their billed lines are reversed."""
    table = partition_name(bill_month)
    added = 0
    for rule, class_ids in months:
        now_sql, params = lines_select(
            rule, bill_month=bill_month, kind=LineKind.ADJUSTMENT, class_ids=class_ids, only_rebilled=True
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


def partition_attach(month: date) -> None:
    """Step 4: constraints and indexes, then attach. The CHECK lets PostgreSQL attach without
    scanning the table again."""
    table = partition_name(month)
    following = month_end(month).toordinal() + 1
    upper = date.fromordinal(following)
    columns = (
        "bill_month",
        "for_month",
        "establishment_id",
        "engagement_id",
        "kind",
        "days",
        "divisor",
        "base",
    )
    not_null = ", ".join(f"ALTER COLUMN {c} SET NOT NULL" for c in (*columns, "employer", "employee"))
    execute(
        f"ALTER TABLE {table} {not_null}, ADD CONSTRAINT {table}_month "
        f"CHECK (bill_month >= %(lower)s AND bill_month < %(upper)s)",
        {"lower": month, "upper": upper},
    )
    execute(f"ALTER TABLE {table} ADD PRIMARY KEY (engagement_id, for_month, bill_month)")
    execute(f"CREATE INDEX {table}_est ON {table} (establishment_id, for_month)")
    execute(
        f"ALTER TABLE contributions_billline ATTACH PARTITION {table} "
        "FOR VALUES FROM (%(lower)s) TO (%(upper)s)",
        {"lower": month, "upper": upper},
    )
    execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_month")


def bills_insert(month: date, run_id: int, issued_on: date, due_on: date) -> int:
    """Step 5: one bill per establishment with lines this month. The month's lines are summed
    per establishment once (a hash aggregate into a temporary table), a block of bill numbers is
    reserved from the sequence in one call — how many the aggregate says — and the bills are
    numbered in establishment order (a ``nextval`` per row would also keep the number function
    from being inlined)."""
    execute("DROP TABLE IF EXISTS bill_sums")
    count = execute(
        f"""
CREATE TEMP TABLE bill_sums ON COMMIT DROP AS
SELECT establishment_id,
       count(*) FILTER (WHERE kind = {int(LineKind.REGULAR)}) AS regular,
       count(*) FILTER (WHERE kind = {int(LineKind.ADJUSTMENT)}) AS adjustments,
       coalesce(sum(employer) FILTER (WHERE kind = {int(LineKind.REGULAR)}), 0) AS employer,
       coalesce(sum(employee) FILTER (WHERE kind = {int(LineKind.REGULAR)}), 0) AS employee,
       coalesce(sum(employer + employee) FILTER (WHERE kind = {int(LineKind.ADJUSTMENT)}), 0) AS adjusted,
       sum(employer + employee) AS total
  FROM {partition_name(month)}
 GROUP BY establishment_id
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
