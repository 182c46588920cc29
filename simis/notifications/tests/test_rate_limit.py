"""The send rate is one bucket per gateway in PostgreSQL, shared by every worker: threads with
their own database connections (as separate worker processes would have) never take more
tokens between them than the bucket holds, and a delivery job waits for its token."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone

from simis.notifications import services
from simis.notifications.models import SmsRateBucket
from simis.notifications.tests.conftest import Outbox
from simis.notifications.tests.helpers import registration_sms


@pytest.mark.django_db(transaction=True)
def test_concurrent_senders_share_one_bucket() -> None:
    now = timezone.now()  # the same instant for everyone: no refill, only the first second's tokens
    granted: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def sender() -> None:
        try:
            barrier.wait()
            for _ in range(3):
                if services.sms_rate_take(backend="shared", rate=5, now=now) == 0:
                    with lock:
                        granted.append(1)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(granted) == 5  # 24 tries, a bucket of 5
    assert SmsRateBucket.objects.get(backend="shared").tokens == pytest.approx(0)


@pytest.mark.django_db
def test_delivery_waits_for_the_rate(outbox: Outbox, settings: Any) -> None:
    settings.SIMIS_SMS_RATE_PER_SECOND = 2
    messages = [registration_sms(key=f"k-rate-{i}") for i in range(4)]
    started = time.monotonic()
    for message in messages:
        services.sms_deliver(message_id=message.pk)
    elapsed = time.monotonic() - started
    # A full bucket lets two go at once; the third and fourth wait half a second each.
    assert elapsed >= 0.9
    assert len(outbox.lines()) == 4
