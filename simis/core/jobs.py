"""Background jobs on procrastinate (PostgreSQL). A job deferred inside a business transaction
commits or rolls back with it.

Tasks live in each app's ``tasks.py`` and use ``task`` below, which gives them a default retry
policy and logs failures with the job id (the log filter prints it as ``job-<id>``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import procrastinate
from procrastinate.contrib.django import app

__all__ = ["DEFAULT_RETRY", "app", "task"]

logger = logging.getLogger("simis.jobs")

DEFAULT_RETRY = procrastinate.RetryStrategy(max_attempts=5, exponential_wait=5)


def task(
    *, queue: str = "default", retry: procrastinate.RetryStrategy | int = DEFAULT_RETRY, **kwargs: Any
) -> Callable[..., Any]:
    """``@task(queue=...)``: a procrastinate task with SIMIS defaults (retries with backoff)."""
    return app.task(queue=queue, retry=retry, pass_context=False, **kwargs)


def on_app_ready(ready_app: procrastinate.App) -> None:
    logger.debug("procrastinate app ready with %d tasks", len(ready_app.tasks))
