"""The scan batch's background job (thin: it calls one service)."""

from __future__ import annotations

import logging

import procrastinate
from django.db import connection

from simis.core.jobs import task
from simis.documents import services
from simis.documents.models import ScanBatch

logger = logging.getLogger("simis.documents")


# A failure leaves the batch marked failed with nothing attached; two more attempts after a
# short wait cover a lost connection or a store briefly out of reach; staff can retry after.
@task(
    queue="documents",
    name="documents.scan_batch_process",
    retry=procrastinate.RetryStrategy(max_attempts=3, wait=15),
)
def scan_batch_process_job(batch_id: int) -> None:
    """Reads a scan batch's pages and attaches or queues them."""
    try:
        services.scan_batch_process(batch_id=batch_id)
    except ScanBatch.DoesNotExist:
        logger.warning("scan batch %s no longer exists; its job does nothing", batch_id)
    finally:
        # The worker runs a synchronous job in a thread of its pool, which may never run another:
        # the thread's database connection is closed with the job rather than left behind.
        if not connection.in_atomic_block:
            connection.close()
