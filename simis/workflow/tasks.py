"""The workflow's periodic jobs: route tasks nobody could take, escalate overdue ones."""

from __future__ import annotations

import logging

from simis.core.jobs import app, task
from simis.workflow.services import tasks_escalate, tasks_route_pending

logger = logging.getLogger("simis.workflow")


@app.periodic(cron="* * * * *", periodic_id="workflow-route-pending")
@task(queue="workflow", name="workflow.route_pending")
def workflow_route_pending(timestamp: int) -> None:
    routed = tasks_route_pending()
    if routed:
        logger.info("routed %d waiting task(s)", len(routed))


@app.periodic(cron="*/5 * * * *", periodic_id="workflow-escalate")
@task(queue="workflow", name="workflow.escalate")
def workflow_escalate(timestamp: int) -> None:
    escalated = tasks_escalate()
    if escalated:
        logger.warning("escalated %d overdue task(s) to their supervisors", len(escalated))
