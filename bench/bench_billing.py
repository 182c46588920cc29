"""How fast does the set-based billing run bill a month? Prints figures; not a test.

    python bench/bench_billing.py [--contributors 1000000] [--establishments N] [--seed 1]
                                  [--as-of 2026-11-20] [--reuse] [--keep] [--runs 2]
                                  [--database billing_bench]

Builds (or with ``--reuse`` keeps) a scratch database ``billing_bench`` on the server the
settings point at (the embedded PostgreSQL by default): migrations, the law parameters, a
register made by ``simis populate`` for ``--contributors`` people, then ``VACUUM ANALYZE``
(as autovacuum would do after a load; both the baseline and the run read the same tables).

Then, for the month before ``--as-of``, ``--runs`` times:

- **baseline**, the bare aggregate: one ``SELECT … GROUP BY establishment`` summing the
  contributory wage in force at the month's end of every period that covers a day of the month
  — the same periods and wages, nothing computed per person, nothing written;
- **a plain per-person INSERT**: ``INSERT … SELECT`` of one line per period with ``numeric``
  arithmetic (wage × rate ÷ 100 per party) into an unindexed table — what the issue calls the
  naive way, for scale;
- **the billing run** (``month_bill``): rate classes, the register's changes, every line by
  the integer formula with days worked and wage changes inside the month (on this register
  size written by ``SIMIS_BILLING_PARTS`` connections from the run's snapshot), the lines'
  keys and sums, one bill per establishment with its number, one balanced journal entry for
  the run with a posting per bill, the debt table kept by trigger, credits spent, the
  partition attached, one audit entry, commit; afterwards the run's rows are removed
  (TRUNCATE, DROP of the partition) for the next round.

It prints seconds, contributors (lines) per second, the run's steps and the ratios run ÷
baseline and naive ÷ baseline. The scratch database is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.scratch import admin, drop, server_url, with_database

BENCH_DB = "billing_bench"

BASELINE_SQL = """
SELECT count(*), sum(total) FROM (
    SELECT e.establishment_id, sum(w.contributory_wage) AS total
      FROM registry_engagement e
     CROSS JOIN LATERAL (SELECT contributory_wage FROM registry_wage
                          WHERE engagement_id = e.id
                            AND effective_from <= least(coalesce(e.leave_date, %(last)s), %(last)s)
                          ORDER BY effective_from DESC LIMIT 1) w
     WHERE e.join_date <= %(last)s AND (e.leave_date IS NULL OR e.leave_date >= %(first)s)
     GROUP BY e.establishment_id) AS per_establishment
"""

NAIVE_SQL = """
CREATE TABLE bench_naive_lines (establishment_id integer, engagement_id bigint, wage numeric(14, 2),
                                employer numeric(14, 2), employee numeric(14, 2));
INSERT INTO bench_naive_lines
SELECT e.establishment_id, e.id, w.contributory_wage,
       round(w.contributory_wage * (CASE WHEN e.covers_annuities THEN 11.75 ELSE 2 END) / 100, 2),
       round(w.contributory_wage * (CASE WHEN e.covers_annuities THEN 9.75 ELSE 0 END) / 100, 2)
  FROM registry_engagement e
 CROSS JOIN LATERAL (SELECT contributory_wage FROM registry_wage
                      WHERE engagement_id = e.id
                        AND effective_from <= least(coalesce(e.leave_date, %(last)s), %(last)s)
                      ORDER BY effective_from DESC LIMIT 1) w
 WHERE e.join_date <= %(last)s AND (e.leave_date IS NULL OR e.leave_date >= %(first)s);
"""

CLEANUP_SQL = """
TRUNCATE contributions_posting, contributions_journalentry, contributions_bill, contributions_billingrun,
         contributions_monthdebt, contributions_employercredit, contributions_rateclass, contributions_rebill
         CASCADE;
"""


def _load(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection

    from simis.registry.populate import PopulationSpec, populate

    call_command("migrate", verbosity=0)
    call_command("parameters_load", verbosity=0)
    spec = PopulationSpec(
        seed=args.seed,
        establishments=args.establishments or max(1, args.contributors // 10),
        contributors=args.contributors,
        largest=None,
        batch_size=25_000,
        as_of=args.as_of,
    )
    started = time.perf_counter()
    populate(spec, progress=None)
    print(f"populate: {args.contributors:,} contributors in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE: {time.perf_counter() - started:.1f} s")


def database_ready(args: argparse.Namespace) -> str:
    """The scratch database ``args.database`` — made afresh, or with ``--reuse`` kept — with
    Django set up on it. Returns the server's URL (to drop the database afterwards)."""
    server = server_url()
    if not args.reuse:
        admin(server, f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
        admin(server, f"CREATE DATABASE {args.database}")
    os.environ["DATABASE_URL"] = with_database(server, args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    return server


def register_ready(args: argparse.Namespace) -> None:
    """A register in the database: made by ``simis populate`` (``_load``), or with ``--reuse``
    the one there, migrated."""
    if args.reuse:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    else:
        _load(args)


def _timed(sql: str, params: dict[str, object]) -> tuple[float, list[tuple[object, ...]]]:
    from django.db import connection

    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql, params)
        rows = cursor.fetchall() if cursor.description else []
        return time.perf_counter() - started, rows


def _round(month: date, today: date) -> dict[str, object]:
    from django.db import connection

    from simis.contributions.billing import partition_name
    from simis.contributions.services import month_bill
    from simis.core.dates import month_end

    params = {"first": month, "last": month_end(month)}
    baseline, rows = _timed(BASELINE_SQL, params)
    naive, _ = _timed(NAIVE_SQL, params)
    _timed("DROP TABLE bench_naive_lines", {})
    started = time.perf_counter()
    run = month_bill(month=month, today=today)
    elapsed = time.perf_counter() - started
    figures = {
        "baseline": baseline,
        "establishments": rows[0][0],
        "naive": naive,
        "run": elapsed,
        "lines": run.lines,
        "bills": run.bills,
        "steps": dict(run.timings),
        "total": str(run.employer_total + run.employee_total),
    }
    with connection.cursor() as cursor:
        cursor.execute(CLEANUP_SQL)
        cursor.execute(f"DROP TABLE {partition_name(month)}")
        cursor.execute("ALTER SEQUENCE contributions_bill_number_seq RESTART")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contributors", type=int, default=1_000_000)
    parser.add_argument("--establishments", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 20))
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="keep an existing register in the database")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--database",
        default=BENCH_DB,
        help=f"the scratch database (default {BENCH_DB}): keep registers of two sizes",
    )
    args = parser.parse_args(argv)
    database = args.database
    if not database.replace("_", "").isalnum():
        parser.error("--database: letters, digits and underscores only")
    server = database_ready(args)
    from django.db import connection

    from simis.core.dates import add_months, month_start

    try:
        register_ready(args)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM registry_engagement")
            periods = cursor.fetchone()[0]
        month = add_months(month_start(args.as_of), -1)
        load = os.getloadavg()[0]
        print(f"billing {month:%Y-%m}: {periods:,} contribution periods in the register; load {load:.1f}")
        for number in range(1, args.runs + 1):
            figures = _round(month, args.as_of)
            rate = figures["lines"] / figures["run"]
            print(
                f"round {number}: baseline {figures['baseline']:.2f} s "
                f"({figures['establishments']:,} establishments); "
                f"naive INSERT {figures['naive']:.2f} s; run {figures['run']:.2f} s = {rate:,.0f} lines/s "
                f"({figures['lines']:,} lines, {figures['bills']:,} bills, {figures['total']}); "
                f"ratio run/baseline {figures['run'] / figures['baseline']:.2f}, "
                f"naive/baseline {figures['naive'] / figures['baseline']:.2f}; load {os.getloadavg()[0]:.1f}"
            )
            print(f"  steps: {figures['steps']}")
    finally:
        connection.close()
        if not args.keep:
            drop(server, database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
