"""How fast does the workflow route, and how fast is a full inbox? Prints figures; not a test.

    python bench/bench_workflow.py [--cases 2000] [--producers 4] [--inbox 10000] [--requests 200]

Builds a scratch database ``workflow_bench`` on the server the settings point at (the embedded
PostgreSQL by default) and migrates it.

1. **Routing.** 12 registration officers in the Riyadh office; ``--producers`` threads, each on
   its own connection, open ``--cases`` cases between them with ``case_open`` (the case, its
   ledger entries, the round-robin choice under the queue's ``SELECT … FOR UPDATE`` cursor, the
   task, the audit entry — each its own transaction). Prints cases routed per second, checks that
   no task reached two people (one open task per case, one assignee per task) and that the round
   stayed fair (counts differ by at most one). Baseline in the same run: the same number of
   plain single-row ``INSERT`` transactions into the task table from the same number of
   connections — what writing a row costs with no routing at all.
2. **Inbox.** One officer with ``--inbox`` open tasks among 20× as many for others; 200 requests
   of ``/workflow/inbox/`` through the test client (all tasks, each SLA filter, a case-type
   filter, deep keyset pages through htmx), p50/p95 server time. Baseline: the same requests'
   SQL replayed on psycopg.
The scratch database is dropped unless ``--keep``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch import admin, server_url, with_database

BENCH_DB = "workflow_bench"
TARGET_INBOX_MS = 150.0
BARE_INSERT = """
INSERT INTO workflow_task (case_id, case_type, step_code, job_function, office_code, routing, effort,
                           assignee_id, status, paused, created_at, assigned_at, due_at, decision)
VALUES (%s, 'bench-review', 'bare', 'x', 'RUH', 'round_robin', 1, %s, 'cancelled', false,
        now(), now(), now(), '')
"""
CASE_TYPE = """
code: bench-review
name_ar: مراجعة
name_en: Bench review
subject_kind: bench.thing
steps:
  - {code: review, name_ar: مراجعة, name_en: Review, job_function: registration-officer, routing: round_robin,
     target_hours: 48, decisions: [approve, reject, return, request_documents]}
"""


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--producers", type=int, default=4)
    parser.add_argument("--inbox", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--profile", action="store_true", help="profile 200 case_open calls on one connection"
    )
    args = parser.parse_args(argv)

    url = server_url()
    admin(url, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    admin(url, f"CREATE DATABASE {BENCH_DB}")
    bench_url = with_database(url, BENCH_DB)
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import psycopg
    import pyotp
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Permission
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from simis.identity.models import Audience, JobFunction, User
    from simis.workflow import services
    from simis.workflow.models import Case, Task, TaskStatus

    try:
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        services.case_subject_register(
            services.SubjectHandler(
                kind="bench.thing", describe=lambda k: [("Thing", k)], on_closed=lambda *a: None
            )
        )
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.yaml"
            path.write_text(CASE_TYPE, encoding="utf-8")
            services.case_types_load([path])
        officer_function = JobFunction.objects.create(
            code="registration-officer", name_ar="موظف", name_en="Officer", audience=Audience.STAFF
        )
        officer_function.permissions.add(Permission.objects.get(codename="decide_task"))
        officers = []
        for n in range(12):
            user = User.objects.create_user(
                username=f"officer{n:02d}", password="x" * 16, audience=Audience.STAFF
            )
            user.job_functions.add(officer_function)
            TOTP.activate(user, pyotp.random_base32())  # staff must have a second factor to use pages
            services.staff_profile_set(actor=None, user=user, office_code="RUH")
            officers.append(user)

        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for n in range(200):
                services.case_open(
                    case_type="bench-review",
                    subject_kind="bench.thing",
                    subject_key=f"p-{n}",
                    title="bench",
                    office_code="RUH",
                )
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
            return 0

        # --- 1. Routing ------------------------------------------------------------------------
        per = args.cases // args.producers
        errors: list[BaseException] = []

        def producer(k: int) -> None:
            try:
                for n in range(per):
                    services.case_open(
                        case_type="bench-review",
                        subject_kind="bench.thing",
                        subject_key=f"{k}-{n}",
                        title="bench",
                        office_code="RUH",
                    )
            except BaseException as error:  # reported below
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=producer, args=(k,)) for k in range(args.producers)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        routed_s = time.perf_counter() - began
        if errors:
            raise SystemExit(f"producer failed: {errors[0]!r}")
        total = per * args.producers
        tasks = list(Task.objects.filter(status=TaskStatus.OPEN).values_list("case_id", "assignee_id"))
        doubles = len(tasks) - len({case for case, _ in tasks})
        unassigned = sum(1 for _case, who in tasks if who is None)
        spread = Counter(who for _case, who in tasks)
        fair = max(spread.values()) - min(spread.values())

        def bare(k: int) -> None:
            with psycopg.connect(bench_url, autocommit=True) as raw:
                case_id = Case.objects.order_by("pk").values_list("pk", flat=True).first()
                for _n in range(per):
                    raw.execute(BARE_INSERT, [case_id, officers[k % len(officers)].pk])

        connection.close()
        threads = [threading.Thread(target=bare, args=(k,)) for k in range(args.producers)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        bare_s = time.perf_counter() - began

        print(
            f"routing: {total:,} cases opened and routed by {args.producers} parallel producers"
            f" in {routed_s:.2f} s = {total / routed_s:,.0f} cases/s"
        )
        print(
            f"  double assignments: {doubles}; unassigned: {unassigned}; "
            f"per officer {min(spread.values())}–{max(spread.values())} (spread {fair})"
        )
        print(
            f"  baseline, bare single-row INSERTs of as many tasks: {bare_s:.2f} s"
            f" = {total / bare_s:,.0f} rows/s; ratio {routed_s / bare_s:.1f}"
        )

        # --- 2. Inbox --------------------------------------------------------------------------
        target = officers[0]
        version_id = Case.objects.values_list("version_id", flat=True).first()
        with connection.cursor() as cursor:
            cursor.execute(
                """
                WITH c AS (
                  INSERT INTO workflow_case (version_id, subject_kind, subject_key, title, office_code,
                                             facts, status, current_step, opened_at)
                  SELECT %(version)s, 'bench.thing', 'x' || g, 'generated ' || g, 'RUH', '{}', 'open',
                         'review', now() - (g %% 400) * interval '1 hour'
                    FROM generate_series(1, %(n)s) g
                  RETURNING id, opened_at)
                INSERT INTO workflow_task (case_id, case_type, step_code, job_function, office_code, routing,
                                           effort, assignee_id, status, paused, created_at, assigned_at,
                                           due_at, decision)
                SELECT c.id, 'bench-review', 'review', 'registration-officer', 'RUH', 'round_robin', 1,
                       CASE WHEN c.id %% 21 = 0 THEN %(target)s ELSE %(other)s END, 'open', c.id %% 17 = 0,
                       c.opened_at, c.opened_at, c.opened_at + interval '48 hours', ''
                  FROM c
                """,
                {"version": version_id, "n": args.inbox * 21, "target": target.pk, "other": officers[1].pk},
            )
            cursor.execute("VACUUM ANALYZE")
        mine = Task.objects.filter(assignee=target, status=TaskStatus.OPEN).count()
        client = Client()
        client.force_login(target)
        variants = [
            {},
            {"sla": "overdue"},
            {"sla": "due_soon"},
            {"sla": "on_time"},
            {"sla": "paused"},
            {"type": "bench-review"},
        ]
        planned: list[tuple[dict[str, str], dict[str, str]]] = []
        while len(planned) < args.requests:
            for variant in variants:
                query = dict(variant)
                for depth in range(4):
                    headers = {"HTTP_HX_REQUEST": "true"} if depth else {}
                    planned.append((dict(query), headers))
                    html = client.get("/workflow/inbox/", query, **headers).content.decode()
                    if "after=" not in html:
                        break
                    query["after"] = (
                        html.split("after=")[1].split('"')[0].replace("%3A", ":").replace("%2B", "+")
                    )
        planned = planned[: args.requests]
        for _ in range(5):
            client.get("/workflow/inbox/")
        server_ms = []
        for query, headers in planned:
            began = time.perf_counter()
            response = client.get("/workflow/inbox/", query, **headers)
            server_ms.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.status_code
        sqls: list[list[str]] = []
        for query, headers in planned:
            with CaptureQueriesContext(connection) as captured:
                client.get("/workflow/inbox/", query, **headers)
            sqls.append([q["sql"] for q in captured.captured_queries if "workflow_" in q["sql"]])
        base_ms = []
        with psycopg.connect(bench_url, autocommit=True) as raw:
            for statements in sqls:
                began = time.perf_counter()
                for sql in statements:
                    raw.execute(sql.encode()).fetchall()
                base_ms.append((time.perf_counter() - began) * 1000)
        p95, p50 = _percentile(server_ms, 0.95), statistics.median(server_ms)
        b95, b50 = _percentile(base_ms, 0.95), statistics.median(base_ms)
        print(f"inbox: {mine:,} open tasks of one officer among {args.inbox * 21:,}; {len(planned)} requests")
        print(f"  full view p95 {p95:.1f} ms (p50 {p50:.1f} ms; target ≤ {TARGET_INBOX_MS:.0f} ms)")
        print(
            f"  baseline, the same SQL on psycopg: p95 {b95:.1f} ms (p50 {b50:.1f} ms); ratio {p95 / b95:.1f}"
        )
    finally:
        connections.close_all()
        if not args.keep:
            admin(url, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
