"""Serving a stored document: only to a user the folder's owner lets see it, only after its
SHA-256 is checked again, and never once the stored bytes have changed. Documents themselves
are never changed: the database refuses it."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, transaction

from simis.audit.public import AuditEntry
from simis.core.errors import SimisError
from simis.documents.models import Document, DocumentFile, DocumentType
from simis.documents.services import document_add, document_open, document_page_image
from simis.documents.tests.conftest import Cases
from simis.documents.tests.hostile import scripted_pdf
from simis.documents.tests.scans import batch_pdf, scanned, signed_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(khalid: Any, cases: Cases, types: None) -> Document:
    folder = cases.folder("CASE-100")
    cases.grant(khalid, "CASE-100")
    data = batch_pdf([scanned(signed_page(0), seed=1), scanned(signed_page(1), seed=2)])
    return document_add(
        folder=folder, document_type="MEDICAL_REPORT", data=data, actor=khalid, file_name="r.pdf"
    )


def test_the_owner_decides_who_may_open_a_document(document: Document, khalid: Any, huda: Any) -> None:
    with document_open(document=document, actor=khalid) as handle:
        served = handle.read()
    assert hashlib.sha256(served).hexdigest() == document.file.sha256
    assert served.startswith(b"%PDF-")
    entry = AuditEntry.objects.filter(action="documents.document_downloaded").get()
    assert (entry.actor_id, entry.subject_id, entry.extra["sha256"]) == (
        khalid.pk,
        str(document.pk),
        document.file.sha256,
    )
    # Huda is staff too, but the owner app says no: for her the folder does not exist.
    with pytest.raises(SimisError) as refused:
        document_open(document=document, actor=huda)
    assert refused.value.code == "DOC-305"
    assert AuditEntry.objects.filter(action="documents.document_downloaded").count() == 1


def test_a_page_shown_is_checked_and_audited(document: Document, khalid: Any) -> None:
    image = document_page_image(document=document, page=2, actor=khalid)
    assert image.startswith(b"\xff\xd8\xff")  # a JPEG
    assert AuditEntry.objects.filter(action="documents.document_viewed", extra__page=2).count() == 1
    with pytest.raises(SimisError) as refused:
        document_page_image(document=document, page=3, actor=khalid)
    assert refused.value.code == "DOC-203"


def test_a_changed_file_is_not_served_and_the_incident_is_recorded(
    document: Document, khalid: Any, document_store: Path
) -> None:
    stored = document_store / document.file.storage_name
    stored.write_bytes(stored.read_bytes().replace(b"%%EOF", b"%%EOF\n% tampered"))
    with pytest.raises(SimisError) as refused:
        document_open(document=document, actor=khalid)
    assert refused.value.code == "DOC-201"
    with pytest.raises(SimisError):
        document_page_image(document=document, page=1, actor=khalid)
    incidents = AuditEntry.objects.filter(action="documents.integrity_failed", outcome="failed")
    assert incidents.count() == 2
    incident = incidents.first()
    assert incident is not None
    assert incident.extra["recorded_sha256"] == document.file.sha256
    assert incident.extra["found_sha256"] == hashlib.sha256(stored.read_bytes()).hexdigest()
    assert not AuditEntry.objects.filter(action="documents.document_downloaded").exists()


def test_a_missing_file_is_not_served(document: Document, khalid: Any, document_store: Path) -> None:
    (document_store / document.file.storage_name).unlink()
    with pytest.raises(SimisError) as refused:
        document_open(document=document, actor=khalid)
    assert refused.value.code == "DOC-202"


def test_the_database_refuses_to_change_or_remove_a_document(document: Document) -> None:
    for statement in (
        lambda: Document.objects.filter(pk=document.pk).update(version=7),
        lambda: Document.objects.filter(pk=document.pk).delete(),
        lambda: DocumentFile.objects.filter(pk=document.file_id).update(sha256="0" * 64),
    ):
        with pytest.raises((InternalError, ProgrammingError)) as refused, transaction.atomic():
            statement()
        assert "DOC-205" in str(refused.value)
    document.refresh_from_db()
    assert document.version == 1


def test_the_same_version_cannot_be_written_twice(document: Document) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(
            folder=document.folder,
            document_type=document.document_type,
            version=document.version,
            file=DocumentFile.objects.create(
                storage_name="x", sha256="a" * 64, size=1, content_type="application/pdf", page_count=1
            ),
            page_count=1,
            source="upload",
            indexing="direct",
        )


def test_an_upload_becomes_the_next_version_and_loses_its_scripts(
    document: Document, khalid: Any, huda: Any, cases: Cases
) -> None:
    # A PDF with a document-level script: only its pages are kept.
    scripted = scripted_pdf()
    assert b"JavaScript" in scripted and b"EmbeddedFiles" in scripted
    second = document_add(folder=document.folder, document_type="MEDICAL_REPORT", data=scripted, actor=khalid)
    assert (second.version, second.page_count, second.source, second.indexing) == (2, 1, "upload", "direct")
    with document_open(document=second, actor=khalid) as handle:
        kept = handle.read()
    assert b"JavaScript" not in kept and b"EmbeddedFiles" not in kept and b"payload" not in kept
    with pytest.raises(SimisError) as refused:
        document_add(folder=document.folder, document_type="MEDICAL_REPORT", data=scripted, actor=huda)
    assert refused.value.code == "DOC-305"
    DocumentType.objects.filter(code="SICK_LEAVE").update(active=False)
    with pytest.raises(SimisError) as retired:
        document_add(folder=document.folder, document_type="SICK_LEAVE", data=scripted, actor=khalid)
    assert retired.value.code == "DOC-303"
