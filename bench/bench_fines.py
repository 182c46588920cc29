"""How fast does the daily fines job fine every late employer? Prints figures; not a test.

    python bench/bench_fines.py [--contributors 200000] [--establishments N] [--seed 1]
                                [--reuse] [--keep] [--runs 2] [--database fines_bench]

Builds (or with ``--reuse`` keeps) a scratch database on the server the settings point at (the
embedded PostgreSQL by default): migrations, the law parameters, a register made by
``simis populate``, ``VACUUM ANALYZE``, then October 2026 billed by ``month_bill`` and left unpaid,
so every establishment billed is late on 20 November.

Then, ``--runs`` times, in a transaction rolled back afterwards:

- **the job** (``penalties_accrue`` of 20 November): the month debts read at the start of the
  month of delay, each fine computed with its parameters (rate, method, amnesties), the
  accounts locked, one journal entry and two postings a fine and one accrual record each,
  written by ``COPY`` with the ledger's triggers (balance, month debts, references), credits
  spent, one audit entry;
- **the baseline**: the very rows the job wrote (entries, postings, accruals), read back, written
  again by a bare ``COPY`` into tables of the same columns with no index, constraint or trigger,
  with its commit.

It prints seconds, fines per second and the ratio job ÷ baseline. The scratch database is
dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_billing import database_ready, register_ready
from bench.scratch import drop

BENCH_DB = "fines_bench"
MONTH, BILLED_ON, TODAY = date(2026, 10, 1), date(2026, 11, 1), date(2026, 11, 20)
TABLES = ("contributions_journalentry", "contributions_posting", "contributions_penaltyaccrual")


def _written(after: dict[str, int]) -> dict[str, bytes]:
    """The rows the job wrote, table by table, in COPY text."""
    from django.db import connection

    rows = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            buffer = io.BytesIO()
            with cursor.cursor.copy(
                f"COPY (SELECT * FROM {table} WHERE id > {after[table]}) TO STDOUT"
            ) as copy:
                for block in copy:
                    buffer.write(block)
            rows[table] = buffer.getvalue()
    return rows


def _bare_copy(rows: dict[str, bytes]) -> float:
    """The same rows into plain tables of the same columns, with the commit."""
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table, data in rows.items():
            cursor.execute(f"CREATE TABLE bench_{table} (LIKE {table})")
            with cursor.cursor.copy(f"COPY bench_{table} FROM STDIN") as copy:
                copy.write(data)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        for table in rows:
            cursor.execute(f"DROP TABLE bench_{table}")
    return elapsed


def _round() -> dict[str, float | int]:
    from django.db import connection, transaction

    from simis.contributions.services import penalties_accrue

    with connection.cursor() as cursor:
        after = {}
        for table in TABLES:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
            after[table] = cursor.fetchone()[0]
    with transaction.atomic():
        started = time.perf_counter()
        result = penalties_accrue(today=TODAY)
        elapsed = time.perf_counter() - started
        rows = _written(after)
        transaction.set_rollback(True)
    return {
        "job": elapsed,
        "fines": result.accrued,
        "total": float(result.amount.amount),
        "baseline": _bare_copy(rows),
        "rows": sum(data.count(b"\n") for data in rows.values()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contributors", type=int, default=200_000)
    parser.add_argument("--establishments", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="keep an existing register in the database")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--database", default=BENCH_DB)
    args = parser.parse_args(argv)
    args.as_of = TODAY
    database = args.database
    if not database.replace("_", "").isalnum():
        parser.error("--database: letters, digits and underscores only")

    server = database_ready(args)
    from django.db import connection

    from simis.contributions.services import month_bill

    try:
        register_ready(args)
        run = month_bill(month=MONTH, today=BILLED_ON)  # the month's run, or the one already made
        load = os.getloadavg()[0]
        print(f"October 2026 billed: {run.bills:,} bills, unpaid; fines of {TODAY}; load {load:.1f}")
        for number in range(1, args.runs + 1):
            f = _round()
            print(
                f"round {number}: job {f['job']:.2f} s = {f['fines'] / f['job']:,.0f} fines/s "
                f"({f['fines']:,} fines, {f['total']:,.2f} SAR, {f['rows']:,} rows); "
                f"baseline bare COPY {f['baseline']:.2f} s; ratio {f['job'] / f['baseline']:.1f}; "
                f"load {os.getloadavg()[0]:.1f}"
            )
    finally:
        connection.close()
        if not args.keep:
            drop(server, database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
