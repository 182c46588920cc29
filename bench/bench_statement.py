"""How fast is the employer's account page with 10 years of history? Prints figures; not a test.

    python bench/bench_statement.py [--workers 300] [--years 10] [--requests 200] [--keep]

Builds a scratch database ``statement_bench``: one establishment with ``--workers`` workers
(Saudi and not, joined before the first month), 120 other establishments with 10 workers each,
and then ten years of its life through the real services: every month billed by the set-based
run (``month_bill``), the establishment paying each bill late — most on the 20th of the month
after (one month of delay: a fine), some two months later, a few never — the fines job run
every month, so the ledger holds what ten years of bills, payments and fines leave. An employer
user bound to it then opens its account page ``--requests`` times through Django's test client
(the whole stack: session, scope, selectors, the statement of the default 12 months and of
whole years, the chart of 24 month ends, the bills list, the page shell), and the server time
is printed (p50, p95, max) against the bare SQL the page's figures need, run on psycopg in the
same run. The scratch database is dropped unless ``--keep``."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.scratch import admin, drop, server_url, with_database

BENCH_DB = "statement_bench"
TARGET_P95_MS = 150


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _history(args: argparse.Namespace) -> tuple[object, object, date]:
    from django.core.management import call_command

    from simis.contributions.models import Bill
    from simis.contributions.services import month_bill, payment_post, penalties_accrue
    from simis.core.dates import add_months, month_start
    from simis.identity.models import Audience
    from simis.registry.tests.conftest import bind, user_make
    from simis.registry.tests.factories import engagement_make, establishment_make, person_make, wage_make

    call_command("migrate", verbosity=0)
    call_command("parameters_load", verbosity=0)
    today = date(2026, 11, 20)
    first = add_months(month_start(today), -12 * args.years)
    rng = random.Random(7)
    target = establishment_make(registered_on=date(2010, 1, 1))
    for index in range(args.workers):
        saudi = index % 4 == 0
        engagement = engagement_make(
            person_make(nationality="SAU" if saudi else "IND"),
            target,
            join_date=date(2014, 1, 1),
            covers_annuities=saudi,
            covers_unemployment=saudi,
        )
        basic = Decimal(rng.randrange(3000, 15000))
        wage_make(engagement, basic=basic, housing=basic / 4)
    for _ in range(120):
        other = establishment_make()
        for _ in range(10):
            engagement = engagement_make(person_make(nationality="IND"), other, join_date=date(2014, 1, 1))
            wage_make(engagement, basic=Decimal(4000), housing=Decimal(1000))
    started = time.perf_counter()
    month = first
    while month < month_start(today):
        issued = add_months(month, 1)
        month_bill(month=month, today=issued)
        bill = Bill.objects.get(establishment=target, month=month)
        roll = rng.random()
        if roll < 0.85:
            payment_post(
                establishment_id=target.pk,
                amount=bill.total,
                paid_on=issued.replace(day=20),
                source=f"b:{bill.pk}",
            )
        elif roll < 0.97:
            payment_post(
                establishment_id=target.pk,
                amount=bill.total,
                paid_on=add_months(issued, 2).replace(day=5),
                source=f"b:{bill.pk}",
            )
        penalties_accrue(today=issued.replace(day=25))
        month = issued
    penalties_accrue(today=today)
    print(f"history: {args.years} years billed, paid and fined in {time.perf_counter() - started:.1f} s")
    officer = user_make("statement_officer", Audience.EMPLOYER)
    bind(officer, target.number)
    return target, officer, today


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=300)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)

    server = server_url()
    admin(server, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    admin(server, f"CREATE DATABASE {BENCH_DB}")
    os.environ["DATABASE_URL"] = with_database(server, BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import psycopg
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from simis.contributions.models import JournalEntry, Posting

    try:
        target, officer, today = _history(args)
        entries = JournalEntry.objects.filter(establishment=target).count()
        postings = Posting.objects.filter(establishment_id=target.pk).count()
        print(f"the establishment: {entries:,} journal entries, {postings:,} postings of its own")
        client = Client()
        client.force_login(officer)
        rng = random.Random(11)
        paths = []
        for index in range(args.requests):
            if index % 3 == 0:
                year = rng.randrange(today.year - args.years, today.year + 1)
                paths.append(
                    f"/contributions/establishments/{target.number}/?start={year}-01-01&end={year}-12-31"
                )
            elif index % 7 == 0:
                paths.append(
                    f"/contributions/establishments/{target.number}/"
                    f"?start={today.year - args.years}-01-01&end={today}"
                )
            else:
                paths.append(f"/contributions/establishments/{target.number}/")
        with override_settings(ALLOWED_HOSTS=["*"]):
            client.get(paths[0])  # warm the process (templates, translations)
            samples = []
            for path in paths:
                started = time.perf_counter()
                response = client.get(path)
                samples.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
        # Baseline: the page's figures in bare SQL on psycopg (summary, statement of a year,
        # 24 month-end balances, the bills list).
        url = with_database(server, BENCH_DB)
        bare = []
        with psycopg.connect(url) as raw:
            for _ in range(args.requests):
                started = time.perf_counter()
                raw.execute(
                    "SELECT account, sum(amount) FROM contributions_posting WHERE establishment_id = %s "
                    "AND account IN ('contributions', 'penalties', 'credit') GROUP BY account",
                    [target.pk],
                ).fetchall()
                raw.execute(
                    "SELECT j.id, j.posted_on, sum(p.amount) FROM contributions_journalentry j "
                    "JOIN contributions_posting p ON p.entry_id = j.id WHERE j.establishment_id = %s "
                    "AND j.posted_on BETWEEN %s AND %s "
                    "AND p.account IN ('contributions', 'penalties', 'credit') "
                    "GROUP BY j.id, j.posted_on ORDER BY j.posted_on, j.id",
                    [target.pk, date(today.year - 1, today.month, 1), today],
                ).fetchall()
                raw.execute(
                    "SELECT number, month, total FROM contributions_bill WHERE establishment_id = %s "
                    "ORDER BY month DESC LIMIT 24",
                    [target.pk],
                ).fetchall()
                bare.append((time.perf_counter() - started) * 1000)
        p50, p95 = statistics.median(samples), _percentile(samples, 0.95)
        b95 = _percentile(bare, 0.95)
        print(
            f"account page, {len(samples)} requests: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
            f"max {max(samples):.1f} ms "
            f"(target p95 <= {TARGET_P95_MS} ms); bare SQL p95 {b95:.1f} ms; ratio {p95 / b95:.1f}; "
            f"load {os.getloadavg()[0]:.1f}"
        )
    finally:
        connection.close()
        if not args.keep:
            drop(server, BENCH_DB)
    return 0


if __name__ == "__main__":
    sys.exit(main())
