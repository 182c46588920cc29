"""How fast does ``populate`` load a realistic register? Prints figures; not a test.

    python bench/bench_populate.py [--contributors 1000000] [--establishments N] [--seed 1]
                                   [--largest K] [--batch-size 25000] [--steps] [--breakdown]
                                   [--no-baseline] [--keep]

Builds a scratch database ``populate_bench`` on the server the settings point at (the embedded
PostgreSQL by default), migrates it, loads the law parameters, then runs ``populate`` for
``--contributors`` (default 1,000,000; ``--establishments`` defaults to a tenth of that) and
prints rows, COPY seconds and rows/s per table, the total, and where the CPU went (the loading
PostgreSQL backend, the generator processes, the loader). ``--steps`` also prints the seconds of
each step after the last batch (every index rebuilt, ``ANALYZE``, every constraint put back).

Baseline, measured in the same run: every table's rows, as loaded, are exported to a file
(``COPY … TO``) and copied again with a bare ``COPY … FROM`` into plain (logged) scratch tables
of the same columns with no index, constraint, foreign key or trigger. The ratio
populate ÷ baseline is the price of generating the rows with the rules and of every integrity
check (no-overlap exclusion constraint, foreign keys, wage-inside-period trigger, unique keys,
indexes) that ``populate`` makes over every row: at this size it sets them aside during the
load and puts them back, checking every row, before commit. ``--no-baseline`` skips it.

``--breakdown`` also loads the period and wage rows into copies of the real tables with their
indexes only, then with the foreign keys, then with the trigger, to show what each costs when
checked row by row.
The scratch database is dropped at the end unless ``--keep`` is given."""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BENCH_DB = "populate_bench"
TABLES = ("establishment", "person", "identity", "engagement", "wage")


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


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a local process (the PostgreSQL backend), if readable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _columns(table: str) -> str:
    from simis.registry.populate import _COLUMNS

    return _COLUMNS[table]


def _db_table(table: str) -> str:
    from simis.registry.populate import _MODELS

    return _MODELS[table]._meta.db_table


def _export(folder: Path) -> dict[str, int]:
    """Every table's rows to ``folder/<table>.copy`` in COPY text; the row counts."""
    from django.db import connection

    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for table in TABLES:
            path = folder / f"{table}.copy"
            rows = 0
            with (
                path.open("wb") as out,
                raw.copy(f"COPY {_db_table(table)} ({_columns(table)}) TO STDOUT") as copy,
            ):
                for block in copy:
                    out.write(block)
                    rows += bytes(block).count(b"\n")
            counts[table] = rows
    return counts


def _load_file(target: str, table: str, path: Path) -> float:
    """Seconds to COPY ``path`` into ``target`` and commit."""
    from django.db import connection, transaction

    begun = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {target} ({_columns(table)}) FROM STDIN") as copy, path.open("rb") as source:
            while block := source.read(1 << 20):
                copy.write(block)
    return time.perf_counter() - begun


def _bare_table(table: str, name: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(f"CREATE TABLE {name} (LIKE {_db_table(table)} INCLUDING DEFAULTS)")


def _baseline(folder: Path, counts: dict[str, int]) -> dict[str, float]:
    seconds: dict[str, float] = {}
    for table in TABLES:
        name = f"bench_bare_{table}"
        _bare_table(table, name)
        seconds[table] = _load_file(name, table, folder / f"{table}.copy")
    return seconds


def _breakdown(folder: Path) -> list[tuple[str, str, float]]:
    """Period and wage rows into copies of the real tables: indexes only (the exclusion
    constraint included), then with the foreign keys, then with the trigger."""
    from django.db import connection

    results: list[tuple[str, str, float]] = []
    real = {t: _db_table(t) for t in TABLES}
    fks = {
        "engagement": [
            f"FOREIGN KEY (person_id) REFERENCES {real['person']} (id) DEFERRABLE INITIALLY DEFERRED",
            f"FOREIGN KEY (establishment_id) REFERENCES {real['establishment']} (id) "
            "DEFERRABLE INITIALLY DEFERRED",
            "FOREIGN KEY (occupation_id) REFERENCES registry_occupation (code) DEFERRABLE INITIALLY DEFERRED",
        ],
        "wage": [
            f"FOREIGN KEY (engagement_id) REFERENCES {real['engagement']} (id) DEFERRABLE INITIALLY DEFERRED",
            f"FOREIGN KEY (establishment_id) REFERENCES {real['establishment']} (id) "
            "DEFERRABLE INITIALLY DEFERRED",
            "FOREIGN KEY (occupation_id) REFERENCES registry_occupation (code) DEFERRABLE INITIALLY DEFERRED",
            f"FOREIGN KEY (engagement_id, establishment_id) "
            f"REFERENCES {real['engagement']} (id, establishment_id)",
        ],
    }
    for table in ("engagement", "wage"):
        name = f"bench_copy_{table}"
        path = folder / f"{table}.copy"
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
            cursor.execute(f"CREATE TABLE {name} (LIKE {real[table]} INCLUDING ALL)")
        results.append((table, "indexes and exclusion constraint", _load_file(name, table, path)))
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {name}")
            for fk in fks[table]:
                cursor.execute(f"ALTER TABLE {name} ADD {fk}")
        results.append((table, "+ foreign keys", _load_file(name, table, path)))
        if table == "wage":
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {name}")
                cursor.execute(
                    f"CREATE CONSTRAINT TRIGGER bench_wage_inside_period AFTER INSERT ON {name} "
                    "FOR EACH ROW EXECUTE FUNCTION registry_wage_inside_period()"
                )
            results.append((table, "+ wage-inside-period trigger", _load_file(name, table, path)))
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {name}")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contributors", type=int, default=1_000_000)
    parser.add_argument("--establishments", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--largest", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=25_000)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 3, 15))
    parser.add_argument("--breakdown", action="store_true")
    parser.add_argument("--steps", action="store_true", help="seconds of each step after the last batch")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--no-baseline", action="store_true", help="populate only, no bare COPY")
    args = parser.parse_args(argv)

    server = _server_url()
    _admin(server, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    _admin(server, f"CREATE DATABASE {BENCH_DB}")
    os.environ["DATABASE_URL"] = _with_database(server, BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from simis.registry.populate import PopulationSpec, populate, summary_lines

    try:
        call_command("migrate", verbosity=0)
        call_command("parameters_load", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid(), version()")
            backend, version = cursor.fetchone()
        spec = PopulationSpec(
            seed=args.seed,
            establishments=args.establishments or max(1, args.contributors // 10),
            contributors=args.contributors,
            largest=args.largest,
            batch_size=args.batch_size,
            as_of=args.as_of,
        )
        print(f"populate: {spec.contributors:,} contributors, {spec.establishments:,} establishments")
        print(f"server: {version.split(',')[0]}; load average before: {os.getloadavg()[0]:.2f}")
        backend_before = _cpu_seconds(backend)
        own_before = resource.getrusage(resource.RUSAGE_SELF)
        began = time.perf_counter()
        said: list[tuple[float, str]] = []
        result = populate(spec, progress=lambda text: said.append((time.perf_counter(), text)))
        wall = time.perf_counter() - began
        backend_after = _cpu_seconds(backend)
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        for line in summary_lines(result):
            print(line)
        if args.steps:
            # What followed the last batch, step by step (each until the next step began).
            marks = [
                (at, text) for at, text in said if not text.startswith(("contributors:", "establishments:"))
            ]
            ends = [at for at, _text in marks[1:]] + [began + wall]
            for (at, text), end in zip(marks, ends, strict=True):
                print(f"  {end - at:6.1f} s  {text}")
        cpu = []
        if backend_before is not None and backend_after is not None:
            cpu.append(f"PostgreSQL backend {backend_after - backend_before:.1f} s")
        cpu.append(f"generator processes {children.ru_utime + children.ru_stime:.1f} s")
        cpu.append(f"loader {own.ru_utime + own.ru_stime - own_before.ru_utime - own_before.ru_stime:.1f} s")
        print(
            f"CPU: {', '.join(cpu)} (2 cores; wall {wall:.1f} s; load average after {os.getloadavg()[0]:.2f})"
        )

        if args.no_baseline:
            return 0
        with tempfile.TemporaryDirectory(prefix="populate-bench-") as folder:
            counts = _export(Path(folder))
            bare = _baseline(Path(folder), counts)
            print()
            print("baseline: bare COPY of the same rows into plain logged tables without indexes,")
            print("constraints, foreign keys or triggers (one transaction per table)")
            print(f"{'table':<14} {'rows':>12} {'bare s':>8} {'rows/s':>11} {'populate s':>11} {'ratio':>6}")
            for table in TABLES:
                rows = counts[table]
                loaded = result.tables[table].seconds
                print(
                    f"{table:<14} {rows:>12,} {bare[table]:>8.1f} {rows / max(bare[table], 1e-9):>11,.0f} "
                    f"{loaded:>11.1f} {loaded / max(bare[table], 1e-9):>6.1f}"
                )
            total_bare = sum(bare.values())
            rows = sum(counts.values())
            print(
                f"{'all':<14} {rows:>12,} {total_bare:>8.1f} {rows / total_bare:>11,.0f} "
                f"{result.seconds:>11.1f} {result.seconds / total_bare:>6.1f}"
            )
            if args.breakdown:
                print()
                print("breakdown: the same rows into copies of the real tables")
                for table, variant, seconds in _breakdown(Path(folder)):
                    rate = counts[table] / seconds
                    print(f"{table:<12} {variant:<38} {seconds:>8.1f} s {rate:>11,.0f} rows/s")
        print()
        print(
            f"| `bench_populate.py`: `populate` of {spec.contributors:,} contributors and "
            f"{spec.establishments:,} establishments ({rows:,} rows: persons, identities, periods, wages) "
            f"every constraint checked over every row | {result.seconds:.1f} s, "
            f"{rows / result.seconds:,.0f} rows/s | bare `COPY` of the same rows into plain tables: "
            f"{total_bare:.1f} s, {rows / total_bare:,.0f} rows/s | {result.seconds / total_bare:.1f} "
            f"| {date.today().isoformat()} |"
        )
    finally:
        connection.close()
        if not args.keep:
            _admin(server, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
