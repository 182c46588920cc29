"""The registry's periodic jobs."""

from __future__ import annotations

import logging

from simis.core.jobs import app, task
from simis.registry.review_cases import review_cases_sweep

logger = logging.getLogger("simis.registry")


@app.periodic(cron="* * * * *", periodic_id="registry-review-cases")
@task(queue="workflow", name="registry.review_cases_sweep")
def registry_review_cases_sweep(timestamp: int) -> None:
    """Pending periods written in bulk (uploads, populate) get their review cases within a minute."""
    opened = review_cases_sweep()
    if opened:
        logger.info("opened %d review case(s) for periods registered in bulk", opened)
