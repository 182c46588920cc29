"""How fast is a bank's 100,000-entry camt.053 statement reconciled end to end? Prints figures;
not a test.

    python bench/bench_reconciliation.py [--entries 100000] [--establishments 5000] [--notified 5000]
                                         [--noise 0.1] [--runs 2] [--reuse] [--keep] [--profile]

Builds (or with ``--reuse`` keeps) a scratch database ``reconciliation_bench`` on the server the
settings point at (the embedded PostgreSQL by default): migrations, the law parameters, a
register made by ``simis populate`` (``--establishments``, four contributors each), and as many
months billed in order with ``month_bill`` as it takes to have ``--entries`` bills, then
``VACUUM ANALYZE``. Bills are the contributions app's own, so every payment is posted to a real
ledger with months owed.

The statement: ``statement_file_sample`` writes a camt.053.001.08 file of one payment of every
bill (its total), with ``--noise`` of them spoiled as real files are (no bill number, a mistyped
check digit, two bills in one transfer) and charges, returned payments and dollar entries mixed
in. Each round runs on a fresh copy of the database (``CREATE DATABASE … TEMPLATE``), where
``--notified`` of the payments are first notified through the bank web service's service (not
timed), so the file confirms those and applies the rest.

Timed, per round:

- **the import** (``statement_import``): SHA-256, the file stored, the parse, three set-based
  look-ups, every entry matched, the new payments inserted, one ``payment_post`` each (the
  ledger's oldest-first allocation, balanced journal entry, postings, the month-debt trigger),
  the receipts, one line per entry, returned payments reversed, confirmations, one audit entry,
  commit — with its own step timings and the CPU seconds of this process and of its PostgreSQL
  backend;
- **the baseline**: the bare parse (``statements_parse``) plus a bare ``COPY`` of the same
  entries (reference, dates, amount, mark, currency, payer, remittance, end-to-end id, bill
  numbers) into a plain table with no index, and its commit.

Prints entries per second and the ratio import ÷ baseline. The scratch databases are dropped
unless ``--keep``.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.scratch import admin, drop, server_url, with_database

BENCH_DB = "reconciliation_bench"
RUN_DB = "reconciliation_run"
BANK = "BENCH-BANK"
AS_OF = date(2026, 11, 20)


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _use(name: str) -> None:
    """Points Django's connection at database ``name`` (closed first)."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def _load(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection

    from simis.contributions.public import Bill, month_bill
    from simis.core.dates import add_months, month_start
    from simis.registry.populate import PopulationSpec, populate

    call_command("migrate", verbosity=0)
    call_command("parameters_load", verbosity=0)
    started = time.perf_counter()
    populate(
        PopulationSpec(
            seed=1,
            establishments=args.establishments,
            contributors=args.establishments * 4,
            largest=None,
            batch_size=25_000,
            as_of=AS_OF,
        ),
        progress=None,
    )
    print(f"populate: {args.establishments:,} establishments in {time.perf_counter() - started:.1f} s")
    # Months billed in order, oldest first: enough for a bill for every payment (fewer
    # establishments were open in the earlier months, hence the margin).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT establishment_id) FROM registry_engagement WHERE leave_date IS NULL"
        )
        open_now = max(1, cursor.fetchone()[0])
    months = -(-args.entries * 13 // 10 // open_now)
    first = add_months(month_start(AS_OF), -months)
    started = time.perf_counter()
    for index in range(months):
        month = add_months(first, index)
        month_bill(month=month, today=add_months(month, 1))
    bills = Bill.objects.filter(total__gt=0).count()
    print(
        f"billed {months} months from {first:%Y-%m}: {bills:,} bills in {time.perf_counter() - started:.1f} s"
    )
    if bills < args.entries:
        raise SystemExit(f"only {bills:,} bills for {args.entries:,} payments: use more --establishments")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _statement(args: argparse.Namespace) -> Any:
    from simis.contributions.public import Bill
    from simis.payments.statement_samples import ARABIC_NAMES, ENGLISH_NAMES, statement_file_sample

    names = ARABIC_NAMES + ENGLISH_NAMES
    rows = (
        Bill.objects.filter(total__gt=0)
        .order_by("month", "pk")
        .values_list("number", "total")[: args.entries]
    )
    payments = [
        (number, total.amount, names[index % len(names)], date(2026, 11, 19))
        for index, (number, total) in enumerate(rows)
    ]
    started = time.perf_counter()
    sample = statement_file_sample(payments, format="camt053", seed=7, noise=args.noise)
    entries = sample.statement.entries
    print(
        f"statement: {len(entries):,} entries ({sum(e.credit for e in entries):,} credits), "
        f"{len(sample.data) / 1e6:.1f} MB camt.053.001.08, written in {time.perf_counter() - started:.1f} s"
    )
    return sample


def _notify(sample: Any, count: int) -> int:
    from decimal import Decimal

    from django.utils import timezone

    from simis.payments.choices import PaymentChannel
    from simis.payments.services import payment_notify

    chosen = [
        e
        for e in sample.statement.entries
        if e.credit and not e.reversal and e.currency == "SAR" and len(e.bill_numbers) == 1
    ][:: max(1, 20)][:count]
    for entry in chosen:
        payment_notify(
            bank=BANK,
            bill_number=entry.bill_numbers[0],
            amount=Decimal(entry.amount),
            paid_at=timezone.now(),
            channel=PaymentChannel.INTERNET_BANKING,
            bank_reference=entry.entry_reference,
        )
    return len(chosen)


def _backend_cpu() -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _baseline(sample: Any) -> tuple[float, float]:
    """The bare parse, and a bare COPY of the same entries into a plain table with its commit."""
    from django.db import connection, transaction

    from simis.payments.statement_files import statements_parse

    started = time.perf_counter()
    statements = statements_parse(sample.data, filename=sample.filename)
    parse = time.perf_counter() - started
    entries = [e for s in statements for e in s.entries]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_entries (line integer, reference text, booked date, value_date date, "
            "amount numeric(18, 3), credit boolean, reversal boolean, currency text, debtor text, "
            "account text, remittance text, end_to_end text, bills text[])"
        )
    started = time.perf_counter()
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.copy("COPY bench_entries FROM STDIN") as copy,
    ):
        for e in entries:
            copy.write_row(
                (
                    e.line,
                    e.entry_reference,
                    e.booking_date,
                    e.value_date,
                    e.amount,
                    e.credit,
                    e.reversal,
                    e.currency,
                    e.debtor_name,
                    e.debtor_account,
                    e.remittance,
                    e.end_to_end_id,
                    list(e.bill_numbers),
                )
            )
    copied = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_entries")
    return parse, copied


def _round(number: int, sample: Any, args: argparse.Namespace, server: str) -> None:
    from django.db import connection

    from simis.payments.services import statement_import

    _use("postgres")
    admin(server, f"DROP DATABASE IF EXISTS {RUN_DB} WITH (FORCE)")
    started = time.perf_counter()
    admin(server, f"CREATE DATABASE {RUN_DB} TEMPLATE {BENCH_DB}")
    copy_seconds = time.perf_counter() - started
    _use(RUN_DB)
    started = time.perf_counter()
    notified = _notify(sample, args.notified)
    notify_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE payments_payment")
    parse, copied = _baseline(sample)
    baseline = parse + copied
    load = os.getloadavg()[0]
    backend, own = _backend_cpu(), time.process_time()
    profiler = cProfile.Profile() if args.profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    record = statement_import(data=sample.data, file_name=sample.filename, bank=BANK).statement_import
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    backend, own = _backend_cpu() - backend, time.process_time() - own
    rate = record.entries / elapsed
    print(
        f"round {number}: database copied in {copy_seconds:.1f} s, {notified:,} payments notified in "
        f"{notify_seconds:.1f} s; load {load:.1f} before"
    )
    print(
        f"  import {elapsed:.2f} s = {rate:,.0f} entries/s ({record.entries:,} entries: {record.confirmed:,} "
        f"confirmed, {record.applied:,} applied = {record.applied_total.amount} SAR, {record.reversals:,} "
        f"reversed, {record.unmatched:,} waiting, {record.ignored:,} ignored)"
    )
    print(f"  CPU: this process {own:.2f} s, PostgreSQL backend {backend:.2f} s; steps {record.timings}")
    print(
        f"  baseline {baseline:.2f} s (parse {parse:.2f} s + bare COPY {copied:.2f} s) = "
        f"{record.entries / baseline:,.0f} entries/s; ratio import/baseline {elapsed / baseline:.1f}; "
        f"load {os.getloadavg()[0]:.1f} after"
    )
    if profiler:
        pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(40)
    _check(record, notified)
    _use("postgres")
    if not args.keep:
        admin(server, f"DROP DATABASE IF EXISTS {RUN_DB} WITH (FORCE)")


def _check(record: Any, notified: int) -> None:
    """The ledger agrees with the import: one payment entry per payment, the import's applied
    total posted, every notified payment confirmed."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM contributions_journalentry WHERE kind = 'payment'")
        entries = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM payments_payment WHERE confirmed_at IS NOT NULL")
        confirmed = cursor.fetchone()[0]
    assert entries == record.applied + notified, (entries, record.applied, notified)
    assert confirmed == record.confirmed == notified, (confirmed, record.confirmed, notified)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--establishments", type=int, default=5_000)
    parser.add_argument("--notified", type=int, default=5_000)
    parser.add_argument("--noise", type=float, default=0.1)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="keep an existing reconciliation_bench database")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--profile", action="store_true", help="profile the import (this process only)")
    args = parser.parse_args(argv)

    server = server_url()
    if not args.reuse:
        admin(server, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        admin(server, f"CREATE DATABASE {BENCH_DB}")
    _setup_django(with_database(server, BENCH_DB))
    from django.db import connection

    try:
        if not args.reuse:
            _load(args)
        sample = _statement(args)
        for number in range(1, args.runs + 1):
            _round(number, sample, args, server)
    finally:
        connection.close()
        if not args.keep:
            drop(server, RUN_DB)
            drop(server, BENCH_DB)
    return 0


if __name__ == "__main__":
    sys.exit(main())
