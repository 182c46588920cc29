"""Duplicates arriving at the same time, in separate database sessions as separate web
processes would be: one write runs, the other waits and replays it (or gets a 409 when the
first takes too long). Real transactions, so these tests commit."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction
from django.utils import timezone

from simis.api import services
from simis.api.tests.conftest import make_partner
from simis.core.errors import SimisError

pytestmark = pytest.mark.django_db(transaction=True)

HASH = "a" * 64


def _begin(partner_id: int):
    return services.idempotency_begin(
        partner_id=partner_id,
        key="same-key",
        request_hash=HASH,
        method="POST",
        path="/api/v1/echo",
        now=timezone.now(),
    )


def _in_own_session(work):
    def run():
        try:
            return work()
        finally:
            connection.close()

    return run


def _first_holds_the_key(
    partner_id: int, claimed: threading.Event, release: threading.Event, *, commit: bool
):
    def work():
        with transaction.atomic():
            start = _begin(partner_id)
            claimed.set()
            release.wait(10)
            if commit:
                services.idempotency_complete(
                    record=start.record,
                    status=200,
                    headers=[],
                    body=b'{"receipt": "R-1"}',
                    now=timezone.now(),
                )
            else:
                transaction.set_rollback(True)
        return start

    return _in_own_session(work)


@pytest.mark.parametrize("first_commits", [True, False], ids=["first-commits", "first-rolls-back"])
def test_a_concurrent_duplicate_waits_for_the_first_and_then_replays_or_proceeds(first_commits: bool):
    partner_id = make_partner().partner.pk
    claimed, release = threading.Event(), threading.Event()
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(_first_holds_the_key(partner_id, claimed, release, commit=first_commits))
        assert claimed.wait(10)

        def second_work():
            with transaction.atomic():
                started = time.monotonic()
                start = _begin(partner_id)
                return start, time.monotonic() - started

        second = pool.submit(_in_own_session(second_work))
        time.sleep(0.5)
        assert not second.done(), "the duplicate must wait while the first is running"
        release.set()
        first.result(10)
        start, waited = second.result(10)
    assert waited >= 0.4
    if first_commits:
        assert start.replay and bytes(start.record.response_body) == b'{"receipt": "R-1"}'
    else:
        assert not start.replay  # the first rolled back: this one does the write


def test_a_duplicate_that_waits_too_long_gets_409(monkeypatch):
    monkeypatch.setattr(services, "IDEMPOTENCY_WAIT_MS", 300)
    partner_id = make_partner().partner.pk
    claimed, release = threading.Event(), threading.Event()
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(_first_holds_the_key(partner_id, claimed, release, commit=True))
        assert claimed.wait(10)

        def second_work():
            with transaction.atomic():
                return _begin(partner_id)

        second = pool.submit(_in_own_session(second_work))
        with pytest.raises(SimisError) as refused:
            second.result(10)
        release.set()
        first.result(10)
    assert refused.value.code == "API-204"
