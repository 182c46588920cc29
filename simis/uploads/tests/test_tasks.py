"""The upload job on a real procrastinate worker: deferred in the upload's own transaction, run
by a worker, applied; the progress row gone once the upload holds its final figures."""

from __future__ import annotations

from typing import Any

import pytest
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from simis.registry.public import Person
from simis.uploads.choices import UploadStatus
from simis.uploads.layouts import NEW_CONTRIBUTORS_V1
from simis.uploads.models import Upload, UploadProgress
from simis.uploads.tests.files import csv_bytes, new_contributor
from simis.uploads.tests.helpers import receive


def run_worker_until_idle() -> None:
    with app.replace_connector(app.connector.get_worker_connector()):  # type: ignore[attr-defined]
        app.run_worker(queues=["uploads"], wait=False, install_signal_handlers=False, listen_notify=False)


@pytest.mark.django_db(transaction=True)
def test_the_worker_applies_a_received_upload(nour: Any, bulk: None) -> None:
    rows = [new_contributor() for _ in range(12)]
    upload = receive(nour, csv_bytes(NEW_CONTRIBUTORS_V1, rows))
    job = ProcrastinateJob.objects.get(task_name="uploads.upload_process", args={"upload_id": upload.pk})
    assert job.status == "todo"

    run_worker_until_idle()

    job.refresh_from_db()
    upload = Upload.objects.get(pk=upload.pk)
    assert job.status == "succeeded"
    assert (upload.status, upload.rows_applied, upload.attempts) == (UploadStatus.APPLIED, 12, 1)
    assert upload.report and upload.report_sha256
    assert (
        Person.objects.filter(identities__number__in=[row["identity_number"] for row in rows]).count() == 12
    )
    assert not UploadProgress.objects.filter(upload_id=upload.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_refused_file_queues_no_job(nour: Any) -> None:
    from simis.core.errors import SimisError

    # Jobs are not in Django's managed tables: earlier transactional tests may have left some.
    queued = ProcrastinateJob.objects.filter(task_name="uploads.upload_process").count()
    with pytest.raises(SimisError):
        receive(nour, b"SIMIS,new-contributors,v7\r\n")
    assert ProcrastinateJob.objects.filter(task_name="uploads.upload_process").count() == queued
