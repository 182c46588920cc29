"""The scan job on a real procrastinate worker: deferred in the intake's own transaction, run
by a worker, the document attached — and the owner app's hook called after the commit."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from simis.documents.choices import BatchStatus
from simis.documents.models import Document, DocumentType, ScanBatch
from simis.documents.services import scan_batch_receive
from simis.documents.tests.conftest import Cases
from simis.documents.tests.scans import batch_pdf, cover_page, scanned, signed_page


def run_worker_until_idle() -> None:
    with app.replace_connector(app.connector.get_worker_connector()):  # type: ignore[attr-defined]
        app.run_worker(queues=["documents"], wait=False, install_signal_handlers=False, listen_notify=False)


@pytest.mark.django_db(transaction=True)
def test_the_worker_reads_a_received_batch(khalid: Any, cases: Cases, types: None) -> None:
    folder = cases.folder("CASE-1")
    iban = DocumentType.objects.get(code="BANK_IBAN_LETTER")
    scan = batch_pdf([scanned(cover_page(folder, iban), seed=1), scanned(signed_page(0), seed=2)])
    batch = scan_batch_receive(SimpleUploadedFile("s.pdf", scan), actor=khalid)
    job = ProcrastinateJob.objects.get(task_name="documents.scan_batch_process", args={"batch_id": batch.pk})
    assert job.status == "todo"

    run_worker_until_idle()

    job.refresh_from_db()
    batch = ScanBatch.objects.get(pk=batch.pk)
    assert job.status == "succeeded"
    assert (batch.status, batch.documents_attached, batch.attempts) == (BatchStatus.DONE, 1, 1)
    document = Document.objects.get(folder=folder)
    assert [attached.pk for attached in cases.attached] == [document.pk]
