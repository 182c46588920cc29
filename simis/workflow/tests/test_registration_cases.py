"""A late registration at Nour Trading (Riyadh office) becomes a case in a Riyadh reviewer's
inbox; approving it needs a real WebAuthn step-up, and the approval reaches the register."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from simis.audit.models import AuditEntry
from simis.core.errors import SimisError
from simis.identity.step_up import SESSION_STEP_UP
from simis.identity.tests.conftest import register_key, sign_in, step_up
from simis.identity.tests.soft_webauthn import SoftAuthenticator
from simis.notifications.public import SmsMessage
from simis.registry.choices import EngagementStatus
from simis.registry.models import Engagement
from simis.registry.tests.conftest import khalid, nour, parameters, reference_rows  # noqa: F401 (fixtures)
from simis.registry.tests.test_services_contributors import register
from simis.workflow.models import Case, CaseStatus, Task, TaskStatus
from simis.workflow.tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db


def test_a_late_registration_is_reviewed_with_a_step_up(client: Client, nour, team) -> None:  # noqa: F811
    nour.officer.mobile = "+966500000101"
    nour.officer.save(update_fields=["mobile"])
    registration = register(nour.officer, nour.main, join_date=date(2026, 1, 5), mobile="٠٥٥١٢٣٤٥٦٧")
    assert registration.person.mobile == "+966551234567"
    assert not SmsMessage.objects.exists()  # waiting for review: nothing approved yet
    engagement = registration.engagement
    case = Case.objects.get(subject_kind="registry.engagement", subject_key=str(engagement.pk))
    assert case.version.case_type.code == "registration-late" and case.office_code == "RUH"
    assert case.facts["months_disputed"] == 2 and case.submitted_by == nour.officer
    task = case.tasks.get(status=TaskStatus.OPEN)
    reviewer = PERSONAS[task.assignee.username]
    assert task.assignee.username in ("huda", "omar", "lina")

    sign_in(client, reviewer)
    inbox = client.get("/workflow/inbox/")
    assert inbox.status_code == 200 and case.number.encode() in inbox.content
    key = SoftAuthenticator()
    register_key(client, key)
    session = client.session
    session.pop(SESSION_STEP_UP, None)
    session.save()

    # Without a fresh key confirmation the approval is sent to the step-up page; nothing changes.
    url = f"/workflow/tasks/{task.pk}/"
    refused = client.post(url, {"decision": "approve", "note": ""})
    assert refused.status_code == 302 and refused["Location"].startswith("/identity/step-up/")
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.PENDING_REVIEW

    done = step_up(client, key, url)
    assert done.status_code == 302
    page = client.get(url)
    assert page.status_code == 200 and b'value="approve" selected' in page.content
    approved = client.post(url, {"decision": "approve", "note": ""})
    assert approved.status_code == 302 and approved["Location"] == "/workflow/inbox/"
    engagement.refresh_from_db()
    case.refresh_from_db()
    assert engagement.status == EngagementStatus.ACTIVE and engagement.disputed_from is None
    assert case.status == CaseStatus.APPROVED
    decided = AuditEntry.objects.get(action="workflow.task_decided")
    assert decided.after["stepped_up"] is True and decided.actor_id == reviewer.user.pk
    assert AuditEntry.objects.filter(action="registry.engagement_reviewed").exists()
    # The contributor is told of the final approval, the submitter of the decision; once each.
    texts = {m.template_key: m for m in SmsMessage.objects.all()}
    assert set(texts) == {"registration.approved", "case.decided"}
    approved = texts["registration.approved"]
    assert approved.recipient == "+966551234567" and case.number in approved.text
    assert texts["case.decided"].recipient == "+966500000101"


def test_a_rejected_late_registration_is_removed(nour, team) -> None:  # noqa: F811
    from simis.workflow.services import task_decide

    registration = register(nour.officer, nour.main, join_date=date(2026, 1, 5))
    task = Task.objects.get(case__subject_key=str(registration.engagement.pk), status=TaskStatus.OPEN)
    # Rejecting also needs the key: without a request there is no step-up, so it is refused.
    with pytest.raises(SimisError) as refused:  # no request: no key confirmation to check
        task_decide(actor=task.assignee, task=task, decision="reject", note="No contract.")
    assert refused.value.code == "WFL-016"
    assert Engagement.objects.filter(pk=registration.engagement.pk).exists()


def test_other_staff_and_employers_cannot_open_someone_elses_task(client: Client, nour, team) -> None:  # noqa: F811
    registration = register(nour.officer, nour.main, join_date=date(2026, 1, 5))
    task = Task.objects.get(case__subject_key=str(registration.engagement.pk))
    client.force_login(nour.officer)
    assert client.get(f"/workflow/tasks/{task.pk}/").status_code == 403
    assert client.get(f"/workflow/cases/{task.case_id}/").status_code == 200  # the submitter sees their case
    client.force_login(PERSONAS["salem"].user)
    other = client.post(f"/workflow/tasks/{task.pk}/", {"decision": "approve"})
    assert other.status_code == 200 and b"WFL-011" in other.content


def test_pending_periods_written_in_bulk_get_their_cases_from_the_sweep(nour, team) -> None:  # noqa: F811
    from simis.registry.review_cases import review_cases_sweep

    late = register(nour.officer, nour.main, join_date=date(2026, 1, 5))  # through the service: has its case
    on_time = register(nour.officer, nour.main)
    # As a COPY-loaded late registration arrives: pending, with no case.
    Engagement.objects.filter(pk=on_time.engagement.pk).update(
        status=EngagementStatus.PENDING_REVIEW,
        review_reason="late_registration",
        disputed_from=date(2026, 1, 1),
        disputed_until=date(2026, 3, 1),
    )
    assert review_cases_sweep() == 1
    assert review_cases_sweep() == 0
    swept = Case.objects.get(subject_key=str(on_time.engagement.pk))
    assert swept.status == CaseStatus.OPEN and swept.submitted_by is None and swept.tasks.count() == 1
    assert Case.objects.filter(subject_key=str(late.engagement.pk)).count() == 1


def test_a_scanned_paper_lands_on_its_case_and_wakes_it(
    nour,  # noqa: F811
    team,
    django_capture_on_commit_callbacks,
) -> None:
    """The reviewer asks for the employment contract; the office prints the case's cover sheet,
    scans it on top of the signed contract; the document lands in the case's folder and the case
    resumes with its clock restarted."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from simis.documents.public import DocumentType, document_types_load, folder_latest_documents, folder_of
    from simis.documents.tests.scans import batch_pdf, cover_page, scanned, signed_page
    from simis.workflow.services import task_decide

    document_types_load()
    registration = register(nour.officer, nour.main, join_date=date(2026, 1, 5))
    case = Case.objects.get(subject_key=str(registration.engagement.pk))
    task = case.tasks.get(status=TaskStatus.OPEN)
    task_decide(
        actor=task.assignee, task=task, decision="request_documents", note="The signed contract, please."
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_DOCUMENTS

    folder = folder_of("workflow.case", str(case.pk))
    assert folder is not None
    contract = DocumentType.objects.get(code="EMPLOYMENT_CONTRACT")
    data = batch_pdf([scanned(cover_page(folder, contract)), scanned(signed_page(0))])
    from simis.documents.services import scan_batch_process, scan_batch_receive

    with django_capture_on_commit_callbacks(execute=True):
        batch = scan_batch_receive(
            SimpleUploadedFile("scan.pdf", data), actor=task.assignee, office_code="RUH"
        )
        scan_batch_process(batch_id=batch.pk)
    (document,) = folder_latest_documents(folder)
    assert document.document_type.code == "EMPLOYMENT_CONTRACT"
    case.refresh_from_db()
    task.refresh_from_db()
    assert case.status == CaseStatus.OPEN and not task.paused
    assert case.decisions.filter(kind="document").exists()
