"""How fast does a scan station's batch go through intake, and how much of it is indexed
without a person? Prints figures; not a test.

    python bench/bench_scan_intake.py [--pages 200] [--format pdf|tiff] [--damaged 0.1] [--keep]

Builds a scratch database ``documents_bench`` on the server the settings point at (the embedded
PostgreSQL by default), migrates it, loads the document types, registers a stand-in owner of
folders and opens 40 case folders. Then it scans a batch of ``--pages`` pages as an office
would: documents of 1 to 6 signed pages (Arabic letters rendered by WeasyPrint, a pen scribble
on each), each behind the app's own cover sheet for its case and type; every page rasterised
at 200 dpi, tilted up to 1.5°, blurred and given sensor noise; one page in twelve fed upside
down; and a share ``--damaged`` of the cover sheets with their codes blotted by an ink stain.
The batch is written as a scanner writes it (JPEG pages in a PDF, or CCITT G4 pages in a
TIFF) into a temporary document store.

Timed: ``scan_batch_receive`` (file checks, SHA-256, store, record, job queued) and
``scan_batch_process`` (every page rasterised and its barcodes read, the pages grouped behind
their cover sheets, one PDF stored per document or queued group, every document attached as
the next version of its type in one transaction with its audit entries). Checked after: every
automatically attached document is in the folder and of the type its cover sheet named, with
the right pages.

Baseline, measured in the same run: a bare ``zxingcpp.read_barcodes(image)`` over the very
same pages, rasterised beforehand (not timed) exactly as intake rasterises them. The ratio says
what intake costs over reading the barcodes alone.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch import admin, server_url, with_database

BENCH_DB = "documents_bench"
FOLDERS = 40
TYPES = ("WORK_INJURY_REPORT", "MEDICAL_REPORT", "SIGNED_APPLICATION", "EMPLOYMENT_CONTRACT", "HEIRS_DEED")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--format", choices=("pdf", "tiff"), default="pdf")
    parser.add_argument("--damaged", type=float, default=0.1, help="share of cover sheets with blotted codes")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)

    url = server_url()
    admin(url, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    admin(url, f"CREATE DATABASE {BENCH_DB}")
    os.environ["DATABASE_URL"] = with_database(url, BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SIMIS_LOG_LEVEL", "WARNING")
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    store = tempfile.TemporaryDirectory(prefix="simis-documents-bench-")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": store.name},
        },
    }
    try:
        return _run(args, call_command)
    finally:
        connections.close_all()
        store.cleanup()
        if not args.keep:
            admin(url, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def _run(args: Any, call_command: Any) -> int:
    import zxingcpp

    from simis.documents.barcodes import READ_FORMATS
    from simis.documents.models import Document, DocumentType, IndexingItem
    from simis.documents.owners import folder_owner_register
    from simis.documents.scans import ScanSource
    from simis.documents.services import (
        document_types_load,
        folder_for,
        scan_batch_process,
        scan_batch_receive,
    )
    from simis.documents.tests.scans import (
        batch_pdf,
        batch_tiff,
        blot_codes,
        cover_page,
        scanned,
        signed_page,
    )
    from simis.identity.models import Audience, User

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    document_types_load()
    folder_owner_register("bench.case", can_view=lambda user, key: True, label="Case")
    clerk = User.objects.create_user(username="bench_clerk", password="x" * 16, audience=Audience.STAFF)
    folders = [folder_for("bench.case", f"CASE-{n:05}", title=f"قضية رقم {n}") for n in range(1, FOLDERS + 1)]
    types = {row.code: row for row in DocumentType.objects.filter(code__in=TYPES)}

    rng = random.Random(args.seed)
    built = time.perf_counter()
    letters = [signed_page(index % 3, seed=index + 1) for index in range(6)]
    covers: dict[tuple[int, str], Any] = {}
    pages: list[Any] = []
    expected: list[tuple[int, str, int, bool]] = []  # folder, type, content pages, cover blotted
    while len(pages) < args.pages:
        folder = rng.choice(folders)
        code = rng.choice(TYPES)
        count = min(rng.randint(1, 6), args.pages - len(pages) - 1)
        if count < 1:
            break
        if (folder.pk, code) not in covers:
            covers[(folder.pk, code)] = cover_page(folder, types[code])
        cover = covers[(folder.pk, code)]
        damaged = rng.random() < args.damaged
        if damaged:
            cover = blot_codes(cover)
        pages.append(_scan(scanned, cover, rng))
        pages.extend(_scan(scanned, rng.choice(letters), rng) for _ in range(count))
        expected.append((folder.pk, code, count, damaged))
    data = batch_pdf(pages) if args.format == "pdf" else batch_tiff(pages)
    content_pages = sum(count for _folder, _code, count, _damaged in expected)
    print(
        f"{len(pages)} pages ({len(expected)} documents, {content_pages} signed pages, "
        f"{sum(1 for *_x, damaged in expected if damaged)} cover sheets blotted), "
        f"{args.format.upper()} of {len(data) / 1e6:.1f} MB; built in {time.perf_counter() - built:.0f} s"
    )

    started = time.perf_counter()
    batch = scan_batch_receive(data, actor=clerk, office_code="RUH")
    received = time.perf_counter()
    batch = scan_batch_process(batch_id=batch.pk)
    finished = time.perf_counter()
    assert batch.status == "done", (batch.status, batch.outcome_code, batch.outcome_params)

    # Every document attached automatically is where its cover sheet sent it, with its pages.
    attached = list(Document.objects.filter(batch=batch).select_related("document_type").order_by("pk"))
    routed = [(folder, code, count) for folder, code, count, damaged in expected if not damaged]
    assert [(d.folder_id, d.document_type.code, d.page_count) for d in attached] == routed, "misrouted pages"
    queued = IndexingItem.objects.filter(batch=batch).count()
    total = finished - started

    # Baseline: bare zxing-cpp over the same pages, rasterised beforehand as intake does.
    with ScanSource(data, batch.file_format) as source:
        images = [source.reading_image(index) for index in range(source.page_count)]
    began = time.perf_counter()
    for image in images:
        zxingcpp.read_barcodes(image)
    baseline = time.perf_counter() - began
    began = time.perf_counter()
    for image in images:
        zxingcpp.read_barcodes(image, formats=READ_FORMATS)
    restricted = time.perf_counter() - began

    count = len(images)
    show = [
        ("receive (checks, SHA-256, store, queue)", f"{received - started:6.2f} s"),
        (
            "process (read, group, store, attach)",
            f"{finished - received:6.2f} s  (reading pages {batch.read_seconds:.2f} s)",
        ),
        ("total", f"{total:6.2f} s = {count / total:5.1f} pages/s"),
        (
            "indexed automatically",
            f"{batch.pages_attached}/{content_pages} signed pages = "
            f"{batch.pages_attached / content_pages:.1%}; "
            f"{batch.documents_attached}/{len(expected)} documents; {queued} groups queued",
        ),
        ("baseline, bare read_barcodes", f"{baseline:6.2f} s = {count / baseline:5.1f} pages/s"),
        ("  (Code128 and QR only)", f"{restricted:6.2f} s = {count / restricted:5.1f} pages/s"),
        ("ratio intake / bare read_barcodes", f"{total / baseline:6.2f}"),
    ]
    for label, value in show:
        print(f"{label + ':':42} {value}")
    return 0


def _scan(scanned: Any, image: Any, rng: random.Random) -> Any:
    page = scanned(
        image,
        angle=rng.uniform(-1.5, 1.5),
        noise=rng.uniform(1.5, 4.0),
        blur=rng.uniform(0.3, 0.8),
        seed=rng.randrange(10**6),
    )
    return page.rotate(180) if rng.random() < 1 / 12 else page


if __name__ == "__main__":
    raise SystemExit(main())
