"""How fast is the employer portal's worker list page at 50,000 workers? Prints figures; not a test.

    python bench/bench_worker_list.py [--workers 50000] [--others 150000] [--requests 200] [--keep]

Builds a scratch database ``registry_web_bench`` on the server the settings point at (the embedded
PostgreSQL by default), migrates it, and writes one establishment with ``--workers`` contribution
periods among ``--others`` periods at 500 other establishments (interleaved, as registrations
arrive), with Arabic and English names, a realistic mix of nationalities (12% Saudi), occupations
and statuses. An employer user bound to that establishment then asks for ``--requests`` pages
through Django's test client — the whole stack: middleware, session, scope, selectors, template,
page shell — with varied searches (Arabic and English name parts, identity and contributor
numbers), filters (status, Saudi/non-Saudi, occupation), walks deep into the keyset pages, and
htmx partial requests. It prints the server time per request (p50, p95, max) and, as the baseline
measured in the same run, the bare SQL the same pages need (the keyset page query and the count)
run through psycopg with no Django at all. The scratch database is dropped unless ``--keep``."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BENCH_DB = "registry_web_bench"
TARGET_P95_MS = 150
REGISTER_TABLES = ('"registry_engagement"', '"registry_person"', '"registry_personidentity"')


def _is_register_query(sql: str) -> bool:
    """The page's own reads (search, keyset page, count), not the session, user or scope."""
    head = sql.lstrip().upper()
    return head.startswith("SELECT") and any(f"FROM {t}" in sql for t in REGISTER_TABLES)


# The same scratch population as the selector benchmark (its own database, so the numbers
# used in both never meet).
from bench_worker_list_selector import GENERATE, _server_url, _with_database  # noqa: E402


def _admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(statement)


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _requests(target: Any, count: int, seed: int = 7) -> list[dict[str, Any]]:
    """The mix of worker-list requests: what employers do most (the first page, a filter, a name
    or number search) and what costs most (deep pages, totals over wide matches)."""
    from simis.registry.models import Engagement

    rng = random.Random(seed)
    sample = list(
        Engagement.objects.filter(establishment=target)
        .order_by("?")
        .values_list("person__contributor_number", "person__identities__number", "person__family_name_en")[
            :50
        ]
    )
    searches: list[dict[str, str]] = [
        {"q": "rajesh"},
        {"q": "راجيش"},
        {"q": "mohammed ahmed"},
        {"q": "family12"},
        {"q": "عائلة٣٤"},
        {"q": "nobody-by-this-name"},
    ]
    filters: list[dict[str, str]] = [
        {},
        {"status": "all"},
        {"status": "pending_review"},
        {"status": "terminated"},
        {"nationality": "saudi"},
        {"nationality": "non_saudi"},
        {"occupation": "7"},
        {"nationality": "saudi", "occupation": "3"},
        {"status": "all", "nationality": "non_saudi", "occupation": "5"},
    ]
    specs: list[dict[str, Any]] = []
    while len(specs) < count:
        roll = rng.random()
        if roll < 0.35:
            spec = {"params": dict(rng.choice(filters)), "walk": rng.randint(0, 3)}
        elif roll < 0.55:
            spec = {"params": dict(rng.choice(searches)), "walk": 0}
        elif roll < 0.7:
            number, identity, _family = rng.choice(sample)
            spec = {"params": {"q": str(rng.choice([number, identity]))}, "walk": 0}
        else:
            spec = {"params": dict(rng.choice(filters)), "walk": rng.randint(5, 40)}
        spec["htmx"] = rng.random() < 0.5
        specs.append(spec)
    return specs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=50_000)
    parser.add_argument("--others", type=int, default=150_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)

    url = _server_url()
    _admin(url, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    _admin(url, f"CREATE DATABASE {BENCH_DB}")
    bench_url = _with_database(url, BENCH_DB)
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import psycopg
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from simis.identity.models import Audience, OrganisationMembership, User
    from simis.registry.tests.factories import establishment_make

    try:
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        target = establishment_make(name_en="Big Employer", name_ar="صاحب عمل كبير")
        others = [establishment_make() for _ in range(500)]
        total = args.workers + args.others
        started = time.perf_counter()
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
            cursor.execute("VACUUM ANALYZE")
        print(
            f"generated {total:,} persons and periods ({args.workers:,} at one establishment) "
            f"in {time.perf_counter() - started:.1f} s"
        )

        officer = User.objects.create_user(
            username="bench_officer", password="x" * 16, audience=Audience.EMPLOYER
        )
        OrganisationMembership.objects.create(
            user=officer,
            org_kind="establishment",
            org_key=target.number,
            role="officer",
            valid_from="2000-01-01",
        )
        # No setup_test_environment(): it instruments every template render for the test
        # client's response.context, which production does not pay for.
        client = Client()
        client.force_login(officer)
        page_url = reverse("registry:workers", args=[target.number])

        # Warm up: templates compiled, reference names read, connections open.
        for _ in range(5):
            assert client.get(page_url).status_code == 200

        # The requests, resolved first (deep pages follow each page's "next" link).
        planned: list[tuple[dict[str, str], dict[str, str]]] = []
        for spec in _requests(target, args.requests):
            query = dict(spec["params"])
            headers = {"HTTP_HX_REQUEST": "true"} if spec["htmx"] else {}
            for _step in range(spec["walk"] + 1):
                planned.append((query, headers))
                html = client.get(page_url, query, **headers).content.decode()
                if len(planned) >= args.requests or 'rel="next" href="' not in html:
                    break
                next_href = html.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
                query = dict(parse_qsl(next_href.split("?", 1)[1]))
            if len(planned) >= args.requests:
                break

        # Timed: the whole view, nothing else listening.
        server_ms: list[float] = []
        for query, headers in planned:
            began = time.perf_counter()
            response = client.get(page_url, query, **headers)
            server_ms.append((time.perf_counter() - began) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{response.status_code} for {query}")

        # The same pages' SQL on periods and persons (search, keyset page, count), for the baseline.
        queries: list[list[str]] = []
        query_counts: list[int] = []
        for query, headers in planned:
            with CaptureQueriesContext(connection) as captured:
                client.get(page_url, query, **headers)
            query_counts.append(len(captured.captured_queries))
            queries.append([q["sql"] for q in captured.captured_queries if _is_register_query(q["sql"])])

        baseline_ms: list[float] = []
        with psycopg.connect(bench_url, autocommit=True) as raw:
            for statements in queries[:10]:
                for sql in statements:
                    raw.execute(sql.encode()).fetchall()
            for statements in queries:
                began = time.perf_counter()
                for sql in statements:
                    raw.execute(sql.encode()).fetchall()
                baseline_ms.append((time.perf_counter() - began) * 1000)

        p50, p95 = statistics.median(server_ms), _percentile(server_ms, 0.95)
        b50, b95 = statistics.median(baseline_ms), _percentile(baseline_ms, 0.95)
        print(f"\nworker list page, {len(server_ms)} requests through the test client (ms)")
        print(f"  full view      p50 {p50:7.1f}   p95 {p95:7.1f}   max {max(server_ms):7.1f}")
        print(f"  bare SQL       p50 {b50:7.1f}   p95 {b95:7.1f}   max {max(baseline_ms):7.1f}")
        print("  (bare SQL: the same requests' reads of periods and persons — search, page, count)")
        print(f"  queries per request: median {statistics.median(query_counts):.0f}, max {max(query_counts)}")
        verdict = "met" if p95 <= TARGET_P95_MS else "MISSED"
        print(f"  ratio p95 view / bare SQL: {p95 / b95:.2f}   target p95 <= {TARGET_P95_MS} ms: {verdict}")
    finally:
        connection.close()
        if not args.keep:
            _admin(url, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
