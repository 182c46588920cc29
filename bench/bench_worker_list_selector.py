"""How fast is the worker list of a large establishment? Prints timings; not a test.

    python bench/bench_worker_list_selector.py [--workers 50000] [--others 150000]

Builds a scratch database ``registry_bench`` on the server the settings point at (the embedded
PostgreSQL by default), migrates it, writes one establishment with ``--workers`` contribution
periods and ``--others`` more spread over 500 other establishments (so the indexes hold
realistic neighbours), runs VACUUM ANALYZE, then times each kind of worker-list query through
``selectors.establishment_workers`` (wall clock, median of several runs) and prints PostgreSQL's
EXPLAIN ANALYZE execution time and plan for each. The scratch database is dropped at the end
unless ``--keep`` is given."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BENCH_DB = "registry_bench"


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


def _recreate(url: str) -> None:
    import psycopg

    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        connection.execute(f"CREATE DATABASE {BENCH_DB}")


def _drop(url: str) -> None:
    import psycopg

    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


GENERATE = [
    """
WITH nationalities AS (
    SELECT ARRAY['IND','IND','IND','IND','IND','IND','IND','IND','PAK','PAK','PAK','BGD','BGD','BGD',
                 'EGY','EGY','SAU','SAU','SAU','PHL','NPL','YEM','SDN','JOR'] AS codes
), first_names AS (
    SELECT ARRAY['Mohammed','Ahmed','Ravi','Suresh','Omar','Ali','Abdullah','Rahul','Imran','Kamal',
                 'Jose','Bikash','Faisal','Khalid','Yousef','Anil','Rajesh','Hassan','Tariq','Salman'] AS en,
           ARRAY['محمد','أحمد','رافي','سوريش','عمر','علي','عبدالله','راهول','عمران','كمال',
                 'خوسيه','بيكاش','فيصل','خالد','يوسف','انيل','راجيش','حسن','طارق','سلمان'] AS ar
)
INSERT INTO registry_person (contributor_number, first_name_ar, father_name_ar, grandfather_name_ar,
    family_name_ar, first_name_en, father_name_en, grandfather_name_en, family_name_en, birth_date,
    birth_date_calendar, gender, external_old_law_months, regime, regime_inputs, regime_derived_on,
    registered_on, created_at, nationality_id)
SELECT 500000000 + g,
       f.ar[1 + (g / 3) %% 20], f.ar[1 + (g / 60) %% 20], '', 'عائلة' || g,
       f.en[1 + (g / 3) %% 20], f.en[1 + (g / 60) %% 20], '', 'Family' || g,
       DATE '1960-01-01' + (g %% 15000), 'gregorian', 'male', 0,
       CASE WHEN g %% 3 = 0 THEN 'new_law' ELSE 'old_law' END, '{}'::jsonb, DATE '2026-01-01',
       DATE '2020-01-01', now(), n.codes[1 + (g / 7) %% 24]
FROM generate_series(1, %(total)s) AS g, nationalities n, first_names f
""",
    """
INSERT INTO registry_personidentity (kind, number, created_at, country_id, person_id)
SELECT 'iqama', (2000000000 + p.contributor_number - 500000000)::text, now(), 'SAU', p.id
FROM registry_person p WHERE p.contributor_number > 500000000
""",
    """
INSERT INTO registry_engagement (join_date, leave_date, leave_reason, status, review_reason,
    disputed_from, disputed_until, requested_on, covers_annuities, covers_occupational_hazards,
    covers_unemployment, gcc_extension, gcc_country, coverage_inputs, created_at, establishment_id,
    occupation_id, person_id)
SELECT DATE '2010-01-01' + (g %% 5000),
       CASE WHEN g %% 50 < 9 THEN DATE '2025-06-30' END,
       CASE WHEN g %% 50 < 9 THEN 'resignation' ELSE '' END,
       CASE WHEN g %% 50 < 9 THEN 'terminated' WHEN g %% 50 = 9 THEN 'pending_review' ELSE 'active' END,
       CASE WHEN g %% 50 = 9 THEN 'late_registration' ELSE '' END,
       CASE WHEN g %% 50 = 9 THEN DATE '2026-01-01' END,
       CASE WHEN g %% 50 = 9 THEN DATE '2026-03-01' END,
       DATE '2010-01-01' + (g %% 5000), false, true, false, false, '', '{}'::jsonb, now(),
       CASE WHEN g %% %(stride)s = 0 AND g / %(stride)s <= %(workers)s THEN %(target)s
            ELSE %(first_other)s + (g %% 500) END,
       ((g / 11) %% 10)::text, p.id
FROM generate_series(1, %(total)s) AS g
JOIN registry_person p ON p.contributor_number = 500000000 + g
""",
]


def _timed(run: Any, repeat: int = 7) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=50_000)
    parser.add_argument("--others", type=int, default=450_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--plans", action="store_true", help="print every query plan in full")
    args = parser.parse_args(argv)

    url = _server_url()
    _recreate(url)
    os.environ["DATABASE_URL"] = _with_database(url, BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from simis.identity.public import Audience
    from simis.registry import selectors
    from simis.registry.choices import EngagementStatus
    from simis.registry.models import Establishment
    from simis.registry.tests.factories import establishment_make

    try:
        call_command("migrate", verbosity=0)
        target = establishment_make(name_en="Big Employer")
        others = [establishment_make() for _ in range(500)]
        total = args.workers + args.others
        started = time.perf_counter()
        # The big establishment's periods are interleaved with the others', as registrations arrive.
        params = {
            "total": total,
            "workers": args.workers,
            "stride": max(total // args.workers, 1),
            "target": target.pk,
            "first_other": others[0].pk,
        }
        with connection.cursor() as cursor:
            for statement in GENERATE:
                cursor.execute(statement, params)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(
            f"generated {total:,} persons and periods ({args.workers:,} at one establishment) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        staff = get_user_model().objects.create_user(
            username="bench", password="x" * 16, audience=Audience.STAFF
        )
        target = Establishment.objects.get(pk=target.pk)
        deep_cursor = selectors.establishment_workers(target, user=staff, page_size=1).rows[
            0
        ].engagement_id - (args.workers // 2)
        some_worker = target.engagements.order_by("pk")[args.workers // 3].person
        identity = some_worker.identities.get().number

        cases: list[tuple[str, dict[str, Any]]] = [
            ("active, first page of 50", {}),
            ("active, first page + total count", {"with_total": True}),
            ("all statuses, first page", {"status": None}),
            ("active, page in the middle (keyset)", {"cursor": deep_cursor}),
            ("pending review", {"status": EngagementStatus.PENDING_REVIEW}),
            ("nationality SAU (12%)", {"nationality": "SAU"}),
            ("nationality YEM (4%)", {"nationality": "YEM"}),
            ("nationality GBR (none)", {"nationality": "GBR"}),
            ("occupation 7 (10%)", {"occupation": "7"}),
            ("name search 'family1234' (few matches)", {"search": "family1234"}),
            ("name search 'rajesh' (~10%)", {"search": "rajesh"}),
            ("name search Arabic 'راجيش'", {"search": "راجيش"}),
            ("identity number search", {"search": identity}),
            ("name search + total count", {"search": "rajesh", "with_total": True}),
        ]
        print(f"\n{'query':<42} {'selector ms':>12} {'EXPLAIN ms':>11}")
        for label, kw in cases:
            elapsed = _timed(lambda kw=kw: selectors.establishment_workers(target, user=staff, **kw))
            matching = selectors.workers_matching(
                target,
                search=kw.get("search", ""),
                status=kw.get("status", EngagementStatus.ACTIVE),
                nationality=kw.get("nationality"),
                occupation=kw.get("occupation"),
            )
            plan = selectors.workers_page_query(matching, cursor=kw.get("cursor"), size=50).explain(
                analyze=True
            )
            execution = next(
                (
                    line.split(":")[1].strip()
                    for line in plan.splitlines()
                    if line.startswith("Execution Time")
                ),
                "?",
            )
            print(f"{label:<42} {elapsed:>12.1f} {execution:>11}")
            if args.plans:
                print(plan, "\n")
        count_ms = _timed(
            lambda: selectors.workers_matching(
                target, search="", status=EngagementStatus.ACTIVE, nationality=None, occupation=None
            ).count()
        )
        print(f"{'count(*) of active workers alone':<42} {count_ms:>12.1f}")
    finally:
        connection.close()
        if not args.keep:
            _drop(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
