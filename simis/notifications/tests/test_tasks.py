"""The jobs on a real procrastinate worker: a message queued in a committed transaction is sent
by the worker; a busy gateway's retry is scheduled with the back-off and sends when it comes;
the every-minute job releases reminders whose time has come."""

from __future__ import annotations

import gc
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from simis.notifications.choices import SmsStatus
from simis.notifications.models import SmsMessage
from simis.notifications.tasks import sms_due_dispatch_job
from simis.notifications.tests.conftest import Outbox
from simis.notifications.tests.helpers import registration_sms

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker_until_idle(queues: tuple[str, ...] = ("sms",)) -> None:
    with app.replace_connector(app.connector.get_worker_connector()):  # type: ignore[attr-defined]
        app.run_worker(queues=list(queues), wait=False, install_signal_handlers=False, listen_notify=False)
    # The worker's pool threads are gone but their Django connections linger until collected,
    # which would keep the test database from being dropped.
    gc.collect()


def deliver_jobs(message: SmsMessage) -> list[ProcrastinateJob]:
    return list(
        ProcrastinateJob.objects.filter(
            task_name="notifications.sms_deliver", args={"message_id": message.pk}
        )
    )


def test_the_worker_sends_a_queued_message(outbox: Outbox) -> None:
    with transaction.atomic():
        message = registration_sms(key="k-worker")
    run_worker_until_idle()
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT
    assert [line["reference"] for line in outbox.lines()] == [message.reference]
    assert [job.status for job in deliver_jobs(message)] == ["succeeded"]


def test_a_busy_gateway_is_retried_by_the_worker_after_the_back_off(outbox: Outbox, settings: Any) -> None:
    # The outbox folder is a file where a directory should be: the file gateway cannot write.
    blocked = outbox.path.parent
    blocked.parent.mkdir(parents=True, exist_ok=True)
    blocked.write_text("not a directory")
    with transaction.atomic():
        message = registration_sms(key="k-retry")
    run_worker_until_idle()
    message.refresh_from_db()
    [job] = deliver_jobs(message)
    assert (message.status, message.attempts) == (SmsStatus.QUEUED, 1)
    assert job.status == "todo" and job.attempts == 1
    assert job.scheduled_at is not None
    assert timedelta(seconds=10) < job.scheduled_at - timezone.now() <= timedelta(seconds=16)

    blocked.unlink()
    with connection.cursor() as cursor:  # the 15 s pass
        cursor.execute("UPDATE procrastinate_jobs SET scheduled_at = now() WHERE id = %s", [job.id])
    run_worker_until_idle()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (SmsStatus.SENT, 2)
    assert len(outbox.lines()) == 1


def test_the_minute_job_releases_due_reminders(outbox: Outbox) -> None:
    now = timezone.now()
    with transaction.atomic():
        due = registration_sms(
            key="k-due", send_after=now - timedelta(seconds=5), now=now - timedelta(hours=1)
        )
        later = registration_sms(key="k-later", send_after=now + timedelta(hours=1), now=now)
    assert deliver_jobs(due) == []  # scheduled: no job until the minute job releases it
    sms_due_dispatch_job(timestamp=int(now.timestamp()))
    run_worker_until_idle()
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.status == SmsStatus.SENT
    assert later.status == SmsStatus.QUEUED and later.dispatched_at is None
