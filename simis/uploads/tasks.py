"""The upload's background job (thin: it calls one service)."""

from __future__ import annotations

import procrastinate

from simis.core.jobs import task
from simis.uploads import services


# A failure leaves the upload marked failed with nothing applied; one more attempt after a
# short wait covers a lost connection or a deadlock, and the user can try again after that.
@task(
    queue="uploads", name="uploads.upload_process", retry=procrastinate.RetryStrategy(max_attempts=2, wait=10)
)
def upload_process_job(upload_id: int) -> None:
    """Checks and applies an upload's rows, then writes its report."""
    services.upload_process(upload_id=upload_id)
