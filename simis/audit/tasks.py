"""Nightly verification of the audit chain.

The result is recorded in the chain itself (evidence that checks ran) and the head entry's id and
hash are written to the log, which is shipped off this database: a later run — or an auditor —
can compare the head against that external copy, which is how a deletion of the newest entries
(invisible to the chain alone) is caught."""

from __future__ import annotations

import logging

from django.db import transaction

from simis.audit.selectors import audit_chain_verify
from simis.audit.services import audit_chain_verification_record
from simis.core.jobs import app, task

logger = logging.getLogger("simis.audit")


@app.periodic(cron="30 2 * * *", periodic_id="audit-chain-verify")
@task(queue="maintenance", name="audit.chain_verify")
def audit_chain_verify_nightly(timestamp: int) -> None:
    """``timestamp`` is the schedule time procrastinate passes; the check covers the whole chain."""
    result = audit_chain_verify()
    with transaction.atomic():
        entry = audit_chain_verification_record(result=result)
    if result.ok:
        logger.info("audit chain intact: %d entries; head #%d %s", result.checked, entry.id, entry.hash)
    else:
        logger.error(
            "audit chain BROKEN at entry #%s (%s); head #%d %s",
            result.first_broken_id,
            result.reason.value if result.reason else "?",
            entry.id,
            entry.hash,
        )
