"""The SMS outbox on PostgreSQL: queueing in the caller's transaction, idempotency enforced by the
database, delivery with back-off and its limits, scheduling, cancelling, delivery receipts, the
append-only history and the audit trail."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from simis.audit.public import AuditEntry
from simis.core.errors import SimisError
from simis.notifications import services
from simis.notifications.choices import SmsEncoding, SmsStatus, StatusSource
from simis.notifications.gateways import GatewayOutcomeUnknown, GatewayPermanentError, GatewayTemporaryError
from simis.notifications.models import SmsMessage, SmsStatusEvent
from simis.notifications.public import sms_outbox_for
from simis.notifications.tests.conftest import SARA_E164, Outbox
from simis.notifications.tests.helpers import ScriptedGateway, registration_sms

pytestmark = pytest.mark.django_db


def jobs_for(message: SmsMessage) -> list[ProcrastinateJob]:
    return list(
        ProcrastinateJob.objects.filter(
            task_name="notifications.sms_deliver", args={"message_id": message.pk}
        )
    )


def history(message: SmsMessage) -> list[str]:
    return list(
        SmsStatusEvent.objects.filter(message=message).order_by("id").values_list("status", flat=True)
    )


def audit_actions(message: SmsMessage) -> list[str]:
    return list(
        AuditEntry.objects.filter(subject_type="notifications.smsmessage", subject_id=str(message.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- Queueing ------------------------------------------------------------------------------------


def test_a_message_is_queued_with_its_job(outbox: Outbox, khalid: Any) -> None:
    message = registration_sms(actor=khalid)
    message.refresh_from_db()
    assert message.recipient == SARA_E164
    assert message.status == SmsStatus.QUEUED
    assert message.encoding == SmsEncoding.UCS2
    assert message.segments == 2
    assert "سارة" in message.text and message.template_version == 1
    assert (message.related_kind, message.related_key) == ("workflow.case", "C-2026-000123")
    assert message.requested_by == khalid and message.dispatched_at is not None
    assert [job.status for job in jobs_for(message)] == ["todo"]
    assert jobs_for(message)[0].lock == f"sms-{message.pk}"
    assert history(message) == ["queued"]
    assert audit_actions(message) == ["notifications.sms_queued"]
    assert list(sms_outbox_for("workflow.case", "C-2026-000123")) == [message]


def test_the_same_key_returns_the_same_message_and_queues_no_second_job(outbox: Outbox) -> None:
    first = registration_sms(key="k-1")
    again = registration_sms(key="k-1", to="+966 55 123 4567")  # the same number, written otherwise
    assert again.pk == first.pk
    assert SmsMessage.objects.count() == 1
    assert len(jobs_for(first)) == 1


def test_the_same_key_for_another_message_is_refused(outbox: Outbox) -> None:
    registration_sms(key="k-2")
    with pytest.raises(SimisError) as refused:
        registration_sms(key="k-2", to="0509999999")
    assert refused.value.code == "NTF-102"


def test_the_database_itself_refuses_a_second_row_with_the_same_key(outbox: Outbox) -> None:
    first = registration_sms(key="k-3")
    with pytest.raises(IntegrityError), transaction.atomic():
        SmsMessage.objects.create(
            recipient=first.recipient,
            language="ar",
            template_key=first.template_key,
            template_version=1,
            text="x",
            encoding="gsm7",
            segments=1,
            idempotency_key="k-3",
        )


def test_a_business_change_that_rolls_back_sends_nothing(outbox: Outbox) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        registration_sms(key="k-rollback")
        raise RuntimeError("the approval failed after the SMS was queued")
    assert not SmsMessage.objects.filter(idempotency_key="k-rollback").exists()
    assert not ProcrastinateJob.objects.filter(task_name="notifications.sms_deliver").exists()


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"to": "0112345678"}, "NTF-002"),
        ({"language": "fr"}, "NTF-003"),
        ({"template": "registration.rejected"}, "NTF-004"),
        ({"context": {"name": "x", "establishment": "y", "reference": "z", "extra": "?"}}, "NTF-005"),
        ({"idempotency_key": "  "}, "NTF-101"),
        ({"context": {"name": "س" * 700, "establishment": "y", "reference": "z"}}, "NTF-007"),
    ],
)
def test_bad_input_is_refused_with_a_code_and_nothing_is_stored(
    outbox: Outbox, overrides: dict[str, Any], code: str
) -> None:
    with pytest.raises(SimisError) as refused:
        registration_sms(key="k-bad", **overrides)
    assert refused.value.code == code
    assert not SmsMessage.objects.exists()


# --- Delivery ------------------------------------------------------------------------------------


def test_delivery_through_the_file_gateway(outbox: Outbox) -> None:
    message = registration_sms()
    services.sms_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT
    assert (message.attempts, message.backend) == (1, "file")
    assert message.gateway_message_id == f"file-simis-sms-{message.pk}"
    assert message.sent_at is not None
    [line] = outbox.lines()
    assert line["to"] == SARA_E164 and line["text"] == message.text
    assert (line["encoding"], line["segments"], line["reference"]) == ("ucs2", 2, message.reference)
    assert history(message) == ["queued", "sending", "sent"]
    assert audit_actions(message) == ["notifications.sms_queued", "notifications.sms_sent"]

    # The job running again (a duplicate, a replay) sends nothing more.
    assert services.sms_deliver(message_id=message.pk) is None
    assert len(outbox.lines()) == 1


def test_a_temporary_failure_is_retried_with_back_off(outbox: Outbox) -> None:
    message = registration_sms()
    gateway = ScriptedGateway(
        [GatewayTemporaryError("HTTP 503"), GatewayTemporaryError("HTTP 429", 120), "gw-1"]
    )
    with pytest.raises(services.SmsRetryLater) as retry:
        services.sms_deliver(message_id=message.pk, gateway=gateway)
    assert retry.value.delay == 15
    message.refresh_from_db()
    assert (message.status, message.attempts) == (SmsStatus.QUEUED, 1)
    assert "HTTP 503" in message.last_error

    with pytest.raises(services.SmsRetryLater) as retry:
        services.sms_deliver(message_id=message.pk, gateway=gateway)
    assert retry.value.delay == 120  # the gateway's Retry-After beats the 45 s back-off

    services.sms_deliver(message_id=message.pk, gateway=gateway)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.gateway_message_id) == (SmsStatus.SENT, 3, "gw-1")
    assert message.last_error == ""
    assert [sms.reference for sms in gateway.sent] == [message.reference] * 3
    assert history(message) == ["queued", "sending", "queued", "sending", "queued", "sending", "sent"]
    assert audit_actions(message).count("notifications.sms_attempt_failed") == 2


def test_a_message_is_given_up_after_the_last_attempt(outbox: Outbox) -> None:
    message = registration_sms()
    gateway = ScriptedGateway([GatewayTemporaryError("down")] * services.MAX_ATTEMPTS)
    for _ in range(services.MAX_ATTEMPTS - 1):
        with pytest.raises(services.SmsRetryLater):
            services.sms_deliver(message_id=message.pk, gateway=gateway)
    services.sms_deliver(message_id=message.pk, gateway=gateway)  # the last: no retry raised
    message.refresh_from_db()
    assert (message.status, message.attempts) == (SmsStatus.FAILED, services.MAX_ATTEMPTS)
    assert message.failed_at is not None
    assert audit_actions(message)[-1] == "notifications.sms_failed"


def test_a_permanent_refusal_fails_at_once(outbox: Outbox) -> None:
    message = registration_sms()
    services.sms_deliver(
        message_id=message.pk, gateway=ScriptedGateway([GatewayPermanentError("HTTP 400: bad")])
    )
    message.refresh_from_db()
    assert (message.status, message.attempts) == (SmsStatus.FAILED, 1)
    assert "HTTP 400" in message.last_error


def test_a_lost_answer_is_not_resent_through_a_gateway_that_cannot_drop_duplicates(outbox: Outbox) -> None:
    message = registration_sms()
    smpp_like = ScriptedGateway([GatewayOutcomeUnknown("no submit_sm_resp")], resend_is_safe=False)
    services.sms_deliver(message_id=message.pk, gateway=smpp_like)
    message.refresh_from_db()
    assert message.status == SmsStatus.FAILED
    assert "not resent to avoid a duplicate" in message.last_error


def test_a_lost_answer_is_resent_through_an_idempotent_gateway(outbox: Outbox) -> None:
    message = registration_sms()
    http_like = ScriptedGateway([GatewayOutcomeUnknown("timeout"), "gw-2"], resend_is_safe=True)
    with pytest.raises(services.SmsRetryLater):
        services.sms_deliver(message_id=message.pk, gateway=http_like)
    services.sms_deliver(message_id=message.pk, gateway=http_like)
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT


def test_an_attempt_that_died_midway_is_not_repeated_through_an_unsafe_gateway(outbox: Outbox) -> None:
    message = registration_sms()
    # A worker crashed after marking the message sending, before recording the gateway's answer.
    SmsMessage.objects.filter(pk=message.pk).update(status=SmsStatus.SENDING, attempts=1)
    gateway = ScriptedGateway(["never-used"], resend_is_safe=False)
    services.sms_deliver(message_id=message.pk, gateway=gateway)
    message.refresh_from_db()
    assert message.status == SmsStatus.FAILED
    assert gateway.sent == []


def test_a_bug_in_a_gateway_is_recorded_as_an_error(outbox: Outbox) -> None:
    from simis.notifications.models import ErrorEvent

    class Broken(ScriptedGateway):
        def send(self, sms: Any) -> Any:
            raise KeyError("to")

    message = registration_sms()
    with pytest.raises(services.SmsRetryLater):
        services.sms_deliver(message_id=message.pk, gateway=Broken([], resend_is_safe=True))
    assert ErrorEvent.objects.filter(exception_type="builtins.KeyError").exists()


# --- Scheduling and cancelling -------------------------------------------------------------------


def test_a_scheduled_message_waits_for_its_time(outbox: Outbox) -> None:
    now = timezone.now()
    message = registration_sms(key="k-later", send_after=now + timedelta(hours=2), now=now)
    assert message.dispatched_at is None and jobs_for(message) == []
    assert services.sms_due_dispatch(now=now + timedelta(hours=1)) == 0
    assert services.sms_due_dispatch(now=now + timedelta(hours=2, seconds=1)) == 1
    message.refresh_from_db()
    assert message.dispatched_at is not None
    assert len(jobs_for(message)) == 1
    assert services.sms_due_dispatch(now=now + timedelta(hours=3)) == 0  # released once


def test_a_reminder_is_scheduled_from_its_date(outbox: Outbox) -> None:
    riyadh = ZoneInfo("Asia/Riyadh")
    now = datetime(2026, 3, 1, 12, 0, tzinfo=riyadh)
    message = services.sms_reminder_schedule(
        to="0551234567",
        event_on=date(2026, 3, 20),
        days_before=2,
        context={"subject": "اللجنة الطبية", "date": date(2026, 3, 20)},
        language="ar",
        idempotency_key="committee-7-reminder",
        related=("medical.session", "7"),
        now=now,
    )
    assert message.send_after == datetime(2026, 3, 18, 9, 0, tzinfo=riyadh)
    assert message.status == SmsStatus.QUEUED and message.dispatched_at is None
    assert "اللجنة الطبية" in message.text and "01/10/1447هـ" in message.text


def test_a_queued_message_can_be_cancelled_and_then_sends_nothing(outbox: Outbox, khalid: Any) -> None:
    now = timezone.now()
    message = registration_sms(key="k-cancel", send_after=now + timedelta(days=1), now=now)
    services.sms_cancel(message=message, actor=khalid, reason="appointment moved")
    message.refresh_from_db()
    assert message.status == SmsStatus.CANCELLED and message.cancelled_at is not None
    assert services.sms_due_dispatch(now=now + timedelta(days=2)) == 0
    assert services.sms_deliver(message_id=message.pk) is None
    assert outbox.lines() == []
    assert SmsStatusEvent.objects.filter(
        message=message, status="cancelled", source=StatusSource.PERSON
    ).exists()


def test_a_sent_message_cannot_be_cancelled(outbox: Outbox) -> None:
    message = registration_sms()
    services.sms_deliver(message_id=message.pk)
    with pytest.raises(SimisError) as refused:
        services.sms_cancel(message=message)
    assert refused.value.code == "NTF-103"


# --- Receipts -------------------------------------------------------------------------------------


def test_a_delivery_receipt_by_reference(outbox: Outbox) -> None:
    message = registration_sms()
    services.sms_deliver(message_id=message.pk)
    services.sms_status_update(status="DELIVRD", reference=message.reference)
    message.refresh_from_db()
    assert message.status == SmsStatus.DELIVERED and message.delivered_at is not None
    assert history(message)[-1] == "delivered"
    assert SmsStatusEvent.objects.filter(
        message=message, source=StatusSource.GATEWAY, status="delivered"
    ).exists()
    assert audit_actions(message)[-1] == "notifications.sms_delivered"

    # The gateway repeats itself: nothing new is recorded.
    services.sms_status_update(status="delivered", reference=message.reference)
    assert history(message).count("delivered") == 1


def test_a_failure_receipt_by_gateway_id(outbox: Outbox) -> None:
    message = registration_sms()
    services.sms_deliver(message_id=message.pk)
    message.refresh_from_db()
    services.sms_status_update(
        status="UNDELIV",
        gateway_message_id=message.gateway_message_id,
        backend="file",
        detail="absent subscriber",
    )
    message.refresh_from_db()
    assert message.status == SmsStatus.FAILED
    assert message.last_error == "absent subscriber"
    with pytest.raises(SimisError) as refused:
        services.sms_status_update(status="delivered", reference=message.reference)
    assert refused.value.code == "NTF-103"


def test_a_receipt_for_no_message_is_refused(outbox: Outbox) -> None:
    with pytest.raises(SimisError) as refused:
        services.sms_status_update(status="delivered", reference="simis-sms-999999")
    assert refused.value.code == "NTF-105"


def test_the_status_history_cannot_be_rewritten(outbox: Outbox) -> None:
    message = registration_sms()
    event = SmsStatusEvent.objects.get(message=message)
    with pytest.raises(DatabaseError, match="NTF-106"), transaction.atomic():
        SmsStatusEvent.objects.filter(pk=event.pk).update(status="delivered")
    with pytest.raises(DatabaseError, match="NTF-106"), transaction.atomic():
        SmsStatusEvent.objects.filter(pk=event.pk).delete()
