"""The notification app's jobs (thin: each calls one service).

- ``notifications.sms_deliver``: one message to the gateway; retried with back-off when the
  service says so (``SmsRetryLater``), never on anything else (the service has already recorded
  why the message failed).
- every minute: scheduled messages whose time has come; error alerts to the quality owner.
- nightly: old error occurrences are forgotten."""

from __future__ import annotations

import logging
from typing import Any

import procrastinate
from procrastinate.retry import RetryDecision

from simis.core.jobs import app, task
from simis.notifications import services

logger = logging.getLogger("simis.notifications")


class SmsRetryStrategy(procrastinate.RetryStrategy):
    """Retry exactly when the delivery service asks, after the delay it computed (its back-off,
    or the gateway's Retry-After, or the rate limit's wait). The number of attempts is bounded by
    the service, which counts hand-overs on the message itself."""

    def get_retry_decision(self, *, exception: BaseException, job: Any) -> RetryDecision | None:
        if isinstance(exception, services.SmsRetryLater):
            return RetryDecision(retry_in={"seconds": exception.delay})
        return None


@task(queue="sms", name="notifications.sms_deliver", retry=SmsRetryStrategy())
def sms_deliver_job(message_id: int) -> None:
    services.sms_deliver(message_id=message_id)


@app.periodic(cron="* * * * *", periodic_id="sms-due-dispatch")
@task(queue="sms", name="notifications.sms_due_dispatch", retry=0)
def sms_due_dispatch_job(timestamp: int) -> None:
    """Every minute: release the scheduled messages (reminders) whose time has come."""
    released = services.sms_due_dispatch()
    if released:
        logger.info("released %d scheduled SMS", released)


@app.periodic(cron="* * * * *", periodic_id="error-alerts")
@task(queue="maintenance", name="notifications.error_alerts_send", retry=0)
def error_alerts_job(timestamp: int) -> None:
    """Every minute: tell the quality owner of new unhandled errors (REL-3); the next minute's
    run tries again if this one fails."""
    alerted = services.error_alerts_send()
    if alerted:
        logger.info("sent %d error alert(s) to the quality owner", alerted)


@app.periodic(cron="40 3 * * *", periodic_id="error-occurrences-purge")
@task(queue="maintenance", name="notifications.error_occurrences_purge", retry=0)
def error_occurrences_purge_job(timestamp: int) -> None:
    """Nightly: occurrences older than 90 days are forgotten; their groups keep the counts."""
    services.error_occurrences_purge()
