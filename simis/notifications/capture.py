"""Where unhandled errors are caught for REL-3, wired by ``NotificationsConfig.ready()``.

- **Pages**: Django's ``got_request_exception`` signal, sent only for errors no view or
  middleware handled (a 404, a refused permission or a coded ``SimisError`` page is not an error).
- **Web services**: the ninja API answers every unexpected exception itself (coded API-500)
  and logs it with ``logger.exception`` on ``simis.api``; a handler on that logger records it.
  The API can also call ``simis.notifications.public.error_capture`` with the request; the
  exception is recorded once either way.
- **Jobs**: procrastinate logs a job's final failure on ``procrastinate.worker`` (action
  ``job_error``, the job's id and task in ``record.job``); a handler there records it. Failures
  that will be retried are not errors yet.

The worker logs from its event loop, where Django's ORM may not run, so the job handler records
from a short-lived thread."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import connections

from simis.notifications.choices import ErrorSource

JOB_LOGGER = "procrastinate.worker"
API_LOGGER = "simis.api"
# procrastinate's log actions for a job that has failed for good.
JOB_FAILURE_ACTIONS = frozenset({"job_error", "task_not_found"})
_API_MESSAGE = "unexpected error in %s %s"

_local = threading.local()


def _outside_event_loop(record: Callable[[], Any]) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        record()
        return

    def in_thread() -> None:
        try:
            record()
        finally:
            connections.close_all()  # this thread's own connections only

    worker = threading.Thread(target=in_thread, name="simis-error-capture", daemon=True)
    worker.start()
    worker.join(timeout=15)


def on_request_exception(sender: Any, request: Any = None, **kwargs: Any) -> None:
    from simis.notifications.services import error_capture

    exc = sys.exc_info()[1]
    if exc is not None:
        error_capture(exc, source=ErrorSource.PAGE, request=request)


class ErrorCaptureHandler(logging.Handler):
    """Records the exception of an error log record from the job worker or the web services."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)

    def emit(self, record: logging.LogRecord) -> None:
        if not record.exc_info or record.exc_info[1] is None or getattr(_local, "busy", False):
            return
        exc = record.exc_info[1]
        if record.name == JOB_LOGGER or record.name.startswith(JOB_LOGGER + "."):
            if getattr(record, "action", "") not in JOB_FAILURE_ACTIONS:
                return
            job = getattr(record, "job", None) or {}
            fields: dict[str, Any] = {
                "source": ErrorSource.JOB,
                "job_id": job.get("id") if isinstance(job, dict) else None,
                "task_name": str(job.get("task_name", "")) if isinstance(job, dict) else "",
                "request_id": f"job-{job.get('id')}" if isinstance(job, dict) and job.get("id") else None,
            }
        else:
            fields = {"source": ErrorSource.API}
            if record.msg == _API_MESSAGE and isinstance(record.args, tuple) and len(record.args) == 2:
                fields["method"], fields["path"] = (str(arg) for arg in record.args)

        def write() -> None:
            from simis.notifications.services import error_capture

            _local.busy = True  # a failure to record logs a warning; never re-enter
            try:
                error_capture(exc, **fields)
            finally:
                _local.busy = False

        _outside_event_loop(write)


def capture_install() -> None:
    """Connects the request signal and adds the handler to the two loggers (once each)."""
    got_request_exception.connect(on_request_exception, dispatch_uid="simis.notifications.error_capture")
    for name in (JOB_LOGGER, API_LOGGER):
        target = logging.getLogger(name)
        if not any(isinstance(handler, ErrorCaptureHandler) for handler in target.handlers):
            target.addHandler(ErrorCaptureHandler())
