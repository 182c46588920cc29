"""REL-3 on PostgreSQL: unhandled errors of pages, web services and jobs are recorded with their
request id, user, path and job; identical errors are grouped; the quality owner is told by mail
and SMS — one alert per group per window, so a storm of 1,000 identical errors sends one."""

from __future__ import annotations

import gc
import logging
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from simis.core.jobs import task
from simis.notifications import services
from simis.notifications.choices import ErrorSource, SmsTemplate
from simis.notifications.models import ErrorEvent, ErrorOccurrence, SmsMessage
from simis.notifications.public import error_capture
from simis.notifications.tests.conftest import Outbox

HERE = "simis/notifications/tests/test_errors.py"


def lookup_contributor() -> None:
    raise KeyError("contributor 42")


def compute_pension() -> None:
    raise KeyError("wage 2019")


def caught(function: Any) -> BaseException:
    try:
        function()
    except Exception as exc:
        return exc
    raise AssertionError("did not raise")


@task(queue="test_notify_errors", retry=0, name="notifications.tests.always_fails")
def always_fails(case_number: str) -> None:
    raise LookupError(f"case {case_number} has no steps")


@pytest.mark.django_db
def test_identical_errors_are_grouped_by_type_and_place() -> None:
    for _ in range(3):
        error_capture(caught(lookup_contributor))
    error_capture(caught(compute_pension))
    groups = {event.location: event for event in ErrorEvent.objects.all()}
    assert set(groups) == {f"{HERE}:lookup_contributor", f"{HERE}:compute_pension"}
    first = groups[f"{HERE}:lookup_contributor"]
    assert (first.exception_type, first.occurrence_count) == ("builtins.KeyError", 3)
    assert first.occurrences.count() == 3
    assert "lookup_contributor" in first.occurrences.first().traceback  # type: ignore[union-attr]


@pytest.mark.django_db
def test_an_exception_is_recorded_once_however_many_hooks_see_it() -> None:
    exc = caught(lookup_contributor)
    assert error_capture(exc) is not None
    assert error_capture(exc) is None
    assert ErrorOccurrence.objects.count() == 1


@pytest.mark.django_db
def test_recording_never_raises_even_with_a_broken_user() -> None:
    class BrokenUser:
        is_authenticated = True

        @property
        def pk(self) -> int:
            raise RuntimeError("session gone")

    occurrence = error_capture(caught(lookup_contributor), user=BrokenUser(), path="/x/")
    assert occurrence is not None
    assert (occurrence.user_id, occurrence.path) == (None, "/x/")


@pytest.mark.django_db
@pytest.mark.urls("simis.notifications.tests.error_urls")
def test_an_unhandled_error_in_a_page_is_recorded_with_request_user_and_path(sara: Any) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(sara)
    response = client.get("/boom/?q=1", HTTP_X_REQUEST_ID="req-0123456789")
    assert response.status_code == 500
    occurrence = ErrorOccurrence.objects.get()
    assert occurrence.source == ErrorSource.PAGE
    assert (occurrence.request_id, occurrence.method, occurrence.path) == ("req-0123456789", "GET", "/boom/")
    assert (occurrence.user_id, occurrence.username, occurrence.audience) == (sara.pk, "sara", "contributor")
    assert occurrence.event.exception_type == "builtins.ZeroDivisionError"
    assert occurrence.event.location == "simis/notifications/tests/error_urls.py:broken_page"

    # A page that does not exist is not an error of ours.
    assert client.get("/missing/").status_code == 404
    assert ErrorOccurrence.objects.count() == 1


@pytest.mark.django_db
def test_an_unexpected_error_in_a_web_service_is_recorded_from_its_log_line() -> None:
    # What simis.api's catch-all exception handler does with an error a router raised.
    try:
        lookup_contributor()
    except KeyError:
        logging.getLogger("simis.api").exception("unexpected error in %s %s", "POST", "/api/v1/registry/x")
    occurrence = ErrorOccurrence.objects.get()
    assert occurrence.source == ErrorSource.API
    assert (occurrence.method, occurrence.path) == ("POST", "/api/v1/registry/x")
    assert occurrence.event.location == f"{HERE}:lookup_contributor"


@pytest.mark.django_db(transaction=True)
def test_a_failed_job_is_recorded_with_its_id() -> None:
    job_id = always_fails.defer(case_number="C-7")
    with app.replace_connector(app.connector.get_worker_connector()):  # type: ignore[attr-defined]
        app.run_worker(
            queues=["test_notify_errors"], wait=False, install_signal_handlers=False, listen_notify=False
        )
    gc.collect()
    assert ProcrastinateJob.objects.get(id=job_id).status == "failed"
    occurrence = ErrorOccurrence.objects.get()
    assert occurrence.source == ErrorSource.JOB
    assert (occurrence.job_id, occurrence.task_name) == (job_id, "notifications.tests.always_fails")
    assert occurrence.request_id == f"job-{job_id}"
    assert occurrence.event.exception_type == "builtins.LookupError"
    assert occurrence.event.location == f"{HERE}:always_fails"
    assert "case C-7 has no steps" in occurrence.message


@pytest.mark.django_db
def test_a_storm_of_a_thousand_identical_errors_sends_one_alert(
    quality_owner: None, outbox: Outbox, mailoutbox: list[Any]
) -> None:
    start = timezone.now()
    for _ in range(1000):
        error_capture(caught(lookup_contributor), now=start)
    event = ErrorEvent.objects.get()
    assert event.occurrence_count == 1000

    # The minute job runs: one mail, one SMS, both with the count.
    assert services.error_alerts_send(now=start + timedelta(seconds=40)) == 1
    [mail] = mailoutbox
    assert mail.to == ["quality@simis.example"]
    assert "1000" in mail.subject and "KeyError" in mail.subject
    assert f"/notifications/errors/{event.pk}/" in mail.body
    assert "تكرر" in mail.body or "مرة" in mail.body  # the Arabic part comes first
    [sms] = SmsMessage.objects.filter(template_key=SmsTemplate.ERROR_ALERT)
    assert sms.recipient == "+966500000001" and "1000" in sms.text

    # Nothing new: nothing sent. One more inside the window: held back.
    assert services.error_alerts_send(now=start + timedelta(seconds=100)) == 0
    error_capture(caught(lookup_contributor), now=start + timedelta(minutes=2))
    assert services.error_alerts_send(now=start + timedelta(minutes=5)) == 0
    assert len(mailoutbox) == 1

    # The window has passed: one alert, counting only what came since.
    assert services.error_alerts_send(now=start + timedelta(minutes=16)) == 1
    assert len(mailoutbox) == 2
    assert "[SIMIS] 1 ×" in mailoutbox[1].subject
    assert SmsMessage.objects.filter(template_key=SmsTemplate.ERROR_ALERT).count() == 2


def test_the_alert_job_runs_every_minute() -> None:
    crons = {
        task.name: periodic.cron
        for (task_name, _id), periodic in app.periodic_registry.periodic_tasks.items()
        for task in [periodic.task]
        if task_name.startswith("notifications.")
    }
    assert crons["notifications.error_alerts_send"] == "* * * * *"
    assert crons["notifications.sms_due_dispatch"] == "* * * * *"
