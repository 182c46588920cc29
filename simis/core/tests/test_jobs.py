"""Jobs live in PostgreSQL: a job deferred inside a business transaction commits or rolls back
with it, a failing job is retried, and its log lines carry the job id."""

import logging

import procrastinate
import pytest
from django.db import transaction
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from simis.core.jobs import task
from simis.core.middleware import RequestIdLogFilter

ATTEMPTS: list[int] = []


@task(queue="test_jobs", retry=procrastinate.RetryStrategy(max_attempts=2, wait=0), name="core.tests.flaky")
def flaky(marker: int) -> None:
    ATTEMPTS.append(marker)
    if len(ATTEMPTS) == 1:
        raise RuntimeError("first attempt fails on purpose")


def run_worker_until_idle() -> None:
    with app.replace_connector(app.connector.get_worker_connector()):  # type: ignore[attr-defined]
        app.run_worker(queues=["test_jobs"], wait=False, install_signal_handlers=False, listen_notify=False)


@pytest.mark.django_db(transaction=True)
def test_job_deferred_in_rolled_back_transaction_is_never_enqueued():
    with pytest.raises(RuntimeError), transaction.atomic():
        flaky.defer(marker=1)
        raise RuntimeError("business rule failed")
    assert not ProcrastinateJob.objects.filter(queue_name="test_jobs").exists()


@pytest.mark.django_db(transaction=True)
def test_failed_job_is_retried_and_logged_with_its_job_id(caplog):
    ATTEMPTS.clear()
    with transaction.atomic():
        job_id = flaky.defer(marker=7)
    caplog.set_level(logging.INFO, logger="procrastinate.worker")
    run_worker_until_idle()
    run_worker_until_idle()  # the retry is scheduled after the first run ends

    assert ATTEMPTS == [7, 7]
    job = ProcrastinateJob.objects.get(id=job_id)
    assert job.status == "succeeded"
    assert job.attempts == 2

    failed = [
        r
        for r in caplog.records
        if "first attempt fails" in (r.exc_text or r.getMessage() or "")
        or (r.exc_info and "first attempt fails" in str(r.exc_info[1]))
    ]
    assert failed, "the failed attempt was not logged"
    RequestIdLogFilter().filter(failed[0])
    assert failed[0].request_id == f"job-{job_id}"
