"""Two writers at once never fork the chain: the advisory lock serialises them."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings
from django.db import connection, connections, transaction

from simis.audit.models import AuditEntry
from simis.audit.public import audit_chain_verify, audit_record

WRITES_PER_THREAD = 15


def _writer(name: str, barrier: threading.Barrier, errors: list[BaseException]) -> None:
    try:
        barrier.wait()
        for n in range(WRITES_PER_THREAD):
            with transaction.atomic():
                audit_record(actor=None, action="registry.wage_changed", extra={"writer": name, "n": n})
                # Hold the lock a moment so the other writer is certainly waiting on it.
                time.sleep(0.002)
    except BaseException as exc:  # reported to the test thread
        errors.append(exc)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_produce_one_valid_chain():
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    threads = [threading.Thread(target=_writer, args=(name, barrier, errors)) for name in ("nour", "badr")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert AuditEntry.objects.count() == 2 * WRITES_PER_THREAD
    assert len(set(AuditEntry.objects.values_list("prev_hash", flat=True))) == 2 * WRITES_PER_THREAD
    assert audit_chain_verify(batch_size=7).ok
    # Both writers really interleaved (otherwise the test proved nothing about concurrency).
    writers = [e["writer"] for e in AuditEntry.objects.order_by("id").values_list("extra", flat=True)]
    assert writers[:WRITES_PER_THREAD] != [writers[0]] * WRITES_PER_THREAD


@pytest.mark.django_db(transaction=True)
def test_a_waiting_writer_sees_the_committed_predecessor():
    """Writer B blocks while A's transaction is open, then chains onto A's entry after commit."""
    a_recorded = threading.Event()
    b_done = threading.Event()
    results: dict[str, AuditEntry] = {}

    def writer_b() -> None:
        try:
            a_recorded.wait(10)
            results["b"] = audit_record(actor=None, action="registry.wage_changed", extra={"who": "b"})
            b_done.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer_b)
    thread.start()
    with transaction.atomic():
        results["a"] = audit_record(actor=None, action="registry.wage_changed", extra={"who": "a"})
        a_recorded.set()
        assert not b_done.wait(0.3), "B must wait for A's transaction to end"
    thread.join(10)
    assert results["b"].prev_hash == results["a"].hash


@pytest.mark.django_db(transaction=True)
def test_cli_exits_non_zero_on_a_broken_chain():
    """`manage.py audit_verify` as an operator runs it: exit status 2 and the entry named."""
    entries = [audit_record(actor=None, action="registry.wage_changed", extra={"n": n}) for n in range(3)]
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE audit_auditentry SET extra = '{\"n\": 7}'::jsonb WHERE id = %s", [entries[1].id]
        )
        cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER USER")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    done = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "audit_verify"],
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": url, "SIMIS_TESTING": "true", "LANGUAGE": "en"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert f"#{entries[1].id}" in done.stderr
