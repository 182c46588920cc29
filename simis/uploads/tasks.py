"""The upload's background job (thin: it calls one service)."""

from __future__ import annotations

import logging

import procrastinate

from simis.core.jobs import task
from simis.uploads import services
from simis.uploads.models import Upload

logger = logging.getLogger("simis.uploads")


# A failure leaves the upload marked failed with nothing applied; one more attempt after a
# short wait covers a lost connection or a deadlock, and the user can try again after that.
@task(
    queue="uploads", name="uploads.upload_process", retry=procrastinate.RetryStrategy(max_attempts=2, wait=10)
)
def upload_process_job(upload_id: int) -> None:
    """Checks and applies an upload's rows, then writes its report."""
    try:
        services.upload_process(upload_id=upload_id)
    except Upload.DoesNotExist:
        # Nothing to do, and retrying will not change that.
        logger.warning("upload %s no longer exists; its job does nothing", upload_id)
