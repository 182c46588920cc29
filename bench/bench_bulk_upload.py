"""How fast is a 100,000-row new-contributors file, validated and applied? Prints figures; not a test.

    python bench/bench_bulk_upload.py [--rows 100000] [--format csv|xlsx] [--keep]
                                      [--profile | --profile-checks]

Builds a scratch database ``uploads_bench`` on the server the settings point at (the embedded
PostgreSQL by default), migrates it, loads the law's parameters, registers one establishment
and binds an employer user to it. Writes a valid file of ``--rows`` new contributors in the
current template — Saudis and non-Saudis (iqamas), birth dates over forty years, Arabic and
English names, wages from 3,000 to 40,000, this month's and last month's joiners (the latter
late, so waiting for review), Arabic-Indic digits in a share of the dates — and uploads it as
the employer: ``upload_receive`` (every file-level check, the file stored with its SHA-256, the
job queued) then ``upload_process`` (every row checked, then applied in one transaction: the
register's rules, one query for registered documents, ``COPY`` into the four register tables,
the refused-row and applied-row records, one audit entry, commit). The report is written after,
timed apart.

Baseline, measured in the same run: the very rows the upload wrote, read back with ``COPY … TO``,
the register tables emptied (and analyzed, empty, as before the upload), and written again with
a bare ``COPY … FROM`` in one transaction with its commit (so foreign keys are checked too, at
commit). The ratio says what checking and deriving every row costs over writing it. Besides
wall time, the CPU seconds of the server process, the checking process and the upload's own
process are printed: on a machine other work shares they move less than wall time, and with
both cores busy their sum bounds the wall time. The scratch database is dropped unless
``--keep``.

New contributors take the bulk path (``simis.uploads.bulk_apply``, with the register's pure
rules from ``simis.registry.public``): rows checked and made into COPY text in a forked process
while the upload's own process streams them into PostgreSQL. ``--profile`` profiles the upload's
process only (the checking process is forked off it); ``--profile-checks`` times the checks
alone, in this process, with nothing written (CPU µs a row, as the checking process spends
them on a quiet machine), then profiles them.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import os
import pstats
import random
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BENCH_DB = "uploads_bench"
TARGET_SECONDS = 10.0

FIRST_EN = ["Mohammed", "Ahmed", "Ravi", "Suresh", "Omar", "Ali", "Abdullah", "Rahul", "Imran", "Sara"]
FIRST_AR = ["محمد", "أحمد", "رافي", "سوريش", "عمر", "علي", "عبدالله", "راهول", "عمران", "سارة"]
FAMILY_EN = ["Alotaibi", "Kumar", "Khan", "Alharbi", "Hassan", "Singh", "Alqahtani", "Rahman"]
FAMILY_AR = ["العتيبي", "كومار", "خان", "الحربي", "حسن", "سينغ", "القحطاني", "رحمن"]
NATIONALITIES = ["SAU", "SAU", "SAU", "SAU", "IND", "IND", "PAK", "EGY", "BGD", "PHL"]
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _server_url() -> str:
    os.environ.setdefault("SIMIS_TESTING", "true")
    url = os.environ.get("DATABASE_URL")
    if not url:
        from simis import devdb

        devdb.start(quiet=True)
        url = devdb.DEFAULT_URL
    return url


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(statement)


def _rows(count: int, today: date, seed: int = 11) -> list[dict[str, str]]:
    from simis.core.identifiers import IdentityKind, generate_national_id

    rng = random.Random(seed)
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    rows = []
    for n in range(count):
        nationality = NATIONALITIES[n % len(NATIONALITIES)]
        saudi = nationality == "SAU"
        kind = IdentityKind.NATIONAL_ID if saudi else IdentityKind.IQAMA
        birth = date(1966, 1, 1) + timedelta(days=rng.randrange(14_600))
        join = (last_month if n % 10 == 0 else this_month) + timedelta(days=rng.randrange(min(today.day, 28)))
        basic = 3000 + 100 * rng.randrange(370)
        birth_text = birth.strftime("%d/%m/%Y")
        rows.append(
            {
                "identity_kind": kind.value,
                "identity_number": generate_national_id(10_000_000 + n, kind),
                "first_name_ar": FIRST_AR[n % 10],
                "father_name_ar": FIRST_AR[(n // 10) % 10],
                "family_name_ar": FAMILY_AR[n % 8],
                "first_name_en": FIRST_EN[n % 10],
                "father_name_en": FIRST_EN[(n // 10) % 10],
                "family_name_en": FAMILY_EN[n % 8],
                "birth_date": birth_text.translate(ARABIC_DIGITS) if n % 5 == 0 else birth_text,
                "gender": "female" if n % 9 == 0 else "male",
                "nationality": nationality,
                "join_date": join.isoformat(),
                "occupation": str(1 + n % 9),
                "basic_wage": str(basic),
                "housing_allowance": str(basic // 4),
                "other_allowances": "0" if n % 3 else "250",
                "housing_in_kind": "no",
            }
        )
    return rows


def _file(rows: list[dict[str, str]], file_format: str) -> tuple[bytes, str]:
    from openpyxl import Workbook

    from simis.uploads.layouts import NEW_CONTRIBUTORS_V1 as layout

    keys = [column.key for column in layout.columns]
    cells = [layout.marker_row(), [column.header for column in layout.columns]]
    cells += [[row.get(key, "") for key in keys] for row in rows]
    if file_format == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        for row in cells:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue(), "bench.xlsx"
    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\r\n").writerows(cells)
    return text.getvalue().encode("utf-8-sig"), "bench.csv"


def _backend_pid(connection: Any) -> int:
    """The server process of ``connection`` (Django's or psycopg's)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process of this machine has used: the embedded server runs
    here. Figures that other work on the machine changes less than it changes wall time."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    """CPU seconds of this process's finished children (the upload's checking process)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _copy_out(cursor: Any, table: str, columns: list[str]) -> bytes:
    buffer = bytearray()
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) TO STDOUT") as copy:
        for chunk in copy:
            buffer += chunk
    return bytes(buffer)


def _profile_checks(data: bytes, name: str, establishment: Any, today: date) -> int:
    """What the checking process does — read, check, make COPY text — here, nothing written:
    first as the process does it (CPU seconds, the collector off), then again under cProfile."""
    import gc

    from simis.core.selectors import parameter_reader
    from simis.uploads import bulk_apply
    from simis.uploads.choices import UploadKind, UploadMode
    from simis.uploads.outcomes import ApplyContext
    from simis.uploads.parsing import table_read

    began = time.perf_counter()
    table = table_read(data, name, UploadKind.NEW_CONTRIBUTORS)
    print(f"table read: {time.perf_counter() - began:.2f} s")
    context = ApplyContext(
        actor=None,
        establishment=establishment,
        requested_on=today,
        mode=UploadMode.ALL_OR_NOTHING,
        progress=lambda done: None,
    )
    count = len(table.rows)
    ids = (range(1, count + 1), range(1, count + 1), range(1, count + 1))

    def made() -> int:
        checker = bulk_apply.Checker(
            context, bulk_apply.References(), bulk_apply._remembered(parameter_reader()), {}
        )
        chunks = bulk_apply.chunks(
            bulk_apply.table_items(table),
            checker,
            ids,
            refusal=None,
            all_or_nothing=True,
            size=bulk_apply.CHUNK_ROWS,
        )
        return sum(sum(map(len, chunk.texts or ())) for chunk in chunks)

    gc.disable()
    began = time.process_time()
    size = made()
    seconds = time.process_time() - began
    print(
        f"checks and COPY text of {count:,} rows ({size / 1e6:.0f} MB): {seconds:.2f} CPU-s "
        f"= {seconds / count * 1e6:.1f} µs a row (load average {os.getloadavg()[0]:.1f})"
    )
    profiler = cProfile.Profile()
    profiler.enable()
    made()
    profiler.disable()
    gc.enable()
    print("again under cProfile (the module-level caches now warm):")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--profile", action="store_true", help="print where the upload's process spends validate + apply"
    )
    parser.add_argument(
        "--profile-checks",
        action="store_true",
        help="only read and check the rows and make their COPY text, in this process, under cProfile",
    )
    args = parser.parse_args(argv)

    url = _server_url()
    _admin(url, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    _admin(url, f"CREATE DATABASE {BENCH_DB}")
    os.environ["DATABASE_URL"] = _with_database(url, BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SIMIS_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections
    from django.utils import timezone

    from simis.core.services import parameters_load
    from simis.identity.models import Audience, OrganisationMembership, User
    from simis.registry.public import Engagement, Person, Wage
    from simis.registry.tests.factories import establishment_make
    from simis.uploads import bulk_apply
    from simis.uploads.choices import UploadKind, UploadMode, UploadStatus
    from simis.uploads.services import report_build, upload_process, upload_receive

    try:
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        parameters_load()
        establishment = establishment_make(name_en="Big Employer", name_ar="صاحب عمل كبير")
        officer = User.objects.create_user(
            username="bench_officer", password="x" * 16, audience=Audience.EMPLOYER
        )
        OrganisationMembership.objects.create(
            user=officer,
            org_kind="establishment",
            org_key=establishment.number,
            role="officer",
            valid_from="2000-01-01",
        )
        today = timezone.localdate()
        rows = _rows(args.rows, today)
        data, name = _file(rows, args.format)
        assert bulk_apply.streams(UploadKind.NEW_CONTRIBUTORS)
        print(f"{args.rows:,} new contributors, {args.format.upper()} of {len(data) / 1e6:.1f} MB")
        with connection.cursor() as cursor:
            # Both runs start from a checkpoint: neither pays for the other's WAL.
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
        if args.profile_checks:
            return _profile_checks(data, name, establishment, today)
        started = time.perf_counter()
        upload = upload_receive(
            actor=officer,
            establishment_number=establishment.number,
            kind=UploadKind.NEW_CONTRIBUTORS,
            mode=UploadMode.ALL_OR_NOTHING,
            file_name=name,
            data=data,
        )
        received = time.perf_counter()
        backend = _backend_pid(connection)
        cpu_before = (_process_cpu(backend), _children_cpu(), time.process_time())
        profiler = cProfile.Profile() if args.profile else None
        if profiler is not None:
            profiler.enable()
        upload = upload_process(upload_id=upload.pk, report=False)
        finished = time.perf_counter()
        assert _backend_pid(connection) == backend, "the upload's connection changed"
        cpu = [
            after - before
            for before, after in zip(
                cpu_before, (_process_cpu(backend), _children_cpu(), time.process_time()), strict=True
            )
        ]
        if profiler is not None:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        assert upload.status == UploadStatus.APPLIED, (
            upload.status,
            upload.outcome_code,
            upload.outcome_params,
        )
        assert upload.rows_applied == args.rows == Person.objects.count() == Wage.objects.count()
        pending = Engagement.objects.filter(status="pending_review").count()
        total = finished - started
        report_started = time.perf_counter()
        report_build(upload)
        report_seconds = time.perf_counter() - report_started

        # Baseline: the same rows, written again with a bare COPY into the same tables.
        identity_model: Any = Person._meta.get_field("identities").related_model
        tables = [
            (Person, [Person._meta.get_field(f).column for f in bulk_apply.PERSON_FIELDS]),
            (identity_model, [identity_model._meta.get_field(f).column for f in bulk_apply.IDENTITY_FIELDS]),
            (Engagement, [Engagement._meta.get_field(f).column for f in bulk_apply.ENGAGEMENT_FIELDS]),
            (Wage, [Wage._meta.get_field(f).column for f in bulk_apply.WAGE_FIELDS]),
        ]
        with connection.cursor() as cursor:
            dumps = [
                (model._meta.db_table, columns, _copy_out(cursor, model._meta.db_table, columns))
                for model, columns in tables
            ]
            names = ", ".join(model._meta.db_table for model, _columns in reversed(tables))
            cursor.execute(f"TRUNCATE {names}")
            # Empty, as before the upload (whose rows autovacuum would otherwise analyze
            # meanwhile: statistics of an empty table over full pages mislead the planner).
            cursor.execute(f"ANALYZE {names}")
        connections.close_all()
        import psycopg

        with psycopg.connect(os.environ["DATABASE_URL"]) as raw:
            cursor = raw.cursor()
            cursor.execute("CHECKPOINT")
            baseline_backend = _backend_pid(raw)
            baseline_cpu_before = _process_cpu(baseline_backend)
            parts: list[str] = []
            began = time.perf_counter()
            for table, columns, dump in dumps:
                table_started = time.perf_counter()
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    copy.write(dump)
                parts.append(f"{table} {time.perf_counter() - table_started:.2f}")
            commit_started = time.perf_counter()
            raw.commit()
            parts.append(f"commit {time.perf_counter() - commit_started:.2f}")
            baseline = time.perf_counter() - began
            baseline_cpu = _process_cpu(baseline_backend) - baseline_cpu_before
            cursor.execute(f"SELECT count(*) FROM {Person._meta.db_table}")
            assert cursor.fetchone()[0] == args.rows

        show = [
            ("receive (file checks, store, queue)", f"{received - started:6.2f} s"),
            ("validate + apply + commit", f"{finished - received:6.2f} s  ({pending:,} late, on review)"),
            ("total", f"{total:6.2f} s = {args.rows / total:,.0f} rows/s (target {TARGET_SECONDS:.0f} s)"),
            (f"report ({args.format}), written after", f"{report_seconds:6.2f} s"),
            (
                "baseline, bare COPY of the same rows",
                f"{baseline:6.2f} s = {args.rows / baseline:,.0f} rows/s",
            ),
            ("ratio upload / bare COPY", f"{total / baseline:6.2f}"),
            (
                "CPU of validate + apply, s",
                f"PostgreSQL {cpu[0]:.2f}, checking process {cpu[1]:.2f}, upload process {cpu[2]:.2f}",
            ),
            ("CPU of the bare COPY, s", f"PostgreSQL {baseline_cpu:.2f}"),
        ]
        for label, value in show:
            print(f"{label + ':':38} {value}")
        print("baseline by table, s: " + ", ".join(parts))
    finally:
        connections.close_all()
        if not args.keep:
            _admin(url, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
