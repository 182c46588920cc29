"""Writes of the notification app: one function per operation, each audited.

SMS (CH-5): ``sms_send`` queues a message and its delivery job in the caller's transaction, so a
business change that rolls back sends nothing; ``sms_deliver`` (the job) hands it to the gateway
under the shared rate limit, retrying with back-off; ``sms_status_update`` records what the
gateway reports; ``sms_due_dispatch`` (every minute) releases scheduled messages.

Errors (REL-3): ``error_capture`` records an unhandled error, grouped by fingerprint; it never
raises. ``error_alerts_send`` (every minute) tells the quality owner, once per group per window.
"""

from __future__ import annotations

import contextlib
import logging
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from simis.audit.public import AuditOutcome, audit_record, model_snapshot
from simis.core.errors import SimisError
from simis.core.middleware import current_request_id
from simis.notifications.actions import NotificationAction
from simis.notifications.choices import ErrorSource, SmsStatus, SmsTemplate, StatusSource
from simis.notifications.errors import NotificationError
from simis.notifications.gateways import (
    GatewayError,
    GatewayOutcomeUnknown,
    GatewayPermanentError,
    GatewayReceipt,
    OutgoingSms,
    SmsGateway,
    gateway_from_settings,
)
from simis.notifications.message_templates import message_render
from simis.notifications.models import ErrorEvent, ErrorOccurrence, SmsMessage, SmsRateBucket, SmsStatusEvent
from simis.notifications.rules import (
    Bucket,
    Frame,
    alert_due,
    bucket_take,
    error_fingerprint,
    error_location,
    gateway_status,
    phone_normalise,
    reminder_send_at,
    retry_delay,
    sms_parts,
    status_change_allowed,
)

logger = logging.getLogger("simis.notifications")

# A message longer than this many parts is refused: an SMS is a short notice, not a letter.
MAX_SEGMENTS = 10
# Hand-overs to the gateway before a message is given up as failed (about 1½ hours of back-off).
MAX_ATTEMPTS = 6
# How long a delivery job waits for the shared rate limit before it steps aside and retries.
RATE_WAIT_LIMIT = 20.0
REFERENCE_PREFIX = "simis-sms-"
TRACEBACK_MAX_CHARS = 20_000


class SmsRetryLater(Exception):
    """Raised by ``sms_deliver`` so its job is tried again in ``delay`` seconds."""

    def __init__(self, delay: float, detail: str) -> None:
        super().__init__(detail)
        self.delay = max(1, int(delay))


# --- Queueing -------------------------------------------------------------------------------------


def _history(message: SmsMessage, status: str, *, at: datetime, source: str, detail: str = "") -> None:
    SmsStatusEvent.objects.create(
        message=message, status=status, occurred_at=at, source=source, detail=detail
    )


def _same_message(
    existing: SmsMessage, *, recipient: str, template: str, language: str, key: str
) -> SmsMessage:
    if (existing.recipient, existing.template_key, existing.language) != (recipient, template, language):
        raise SimisError(NotificationError.IDEMPOTENCY_KEY_REUSED, key=key)
    return existing


def _dispatch(message: SmsMessage) -> None:
    # Imported here: the job module imports this one.
    from simis.notifications.tasks import sms_deliver_job

    sms_deliver_job.configure(lock=f"sms-{message.pk}").defer(message_id=message.pk)


@transaction.atomic
def sms_send(
    *,
    to: str,
    template: str | SmsTemplate,
    context: Mapping[str, Any],
    language: str,
    idempotency_key: str,
    related: tuple[str, str] | None = None,
    send_after: datetime | None = None,
    actor: Any = None,
    now: datetime | None = None,
) -> SmsMessage:
    """Queue one SMS and, unless it is scheduled for later, its delivery job — both in the
    caller's transaction: if the business change rolls back, nothing is sent.

    ``to`` is a Saudi mobile number in any usual form (NTF-001/002); ``template`` a key of
    ``SmsTemplate`` (NTF-004) filled from ``context`` in ``language`` ("ar"/"en"), whose values
    may be strings, numbers, dates (shown in both calendars) or lazy translations (NTF-005/006).
    ``idempotency_key`` names the message for the caller: the same key returns the message
    already queued — never a second SMS — and is refused (NTF-102) for a different recipient,
    template or language. ``related`` is a ``(kind, key)`` pair such as
    ``("workflow.case", "C-2026-000123")``; ``send_after`` schedules it (``sms_due_dispatch``
    releases it when the time comes)."""
    key = (idempotency_key or "").strip()
    if not key:
        raise SimisError(NotificationError.IDEMPOTENCY_KEY_EMPTY)
    recipient = phone_normalise(to)
    template_key = str(template.value if isinstance(template, SmsTemplate) else template)
    rendered = message_render(key=template_key, language=language, context=context)
    parts = sms_parts(rendered.text)
    if parts.segments > MAX_SEGMENTS:
        raise SimisError(NotificationError.TEXT_TOO_LONG, segments=parts.segments, limit=MAX_SEGMENTS)
    existing = SmsMessage.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return _same_message(existing, recipient=recipient, template=template_key, language=language, key=key)

    moment = now or timezone.now()
    due_now = send_after is None or send_after <= moment
    kind, related_key = related if related else ("", "")
    try:
        # A savepoint: when a concurrent call with the same key commits first, its row wins.
        with transaction.atomic():
            message = SmsMessage.objects.create(
                recipient=recipient,
                language=language,
                template_key=template_key,
                template_version=rendered.version,
                text=rendered.text,
                encoding=parts.encoding,
                segments=parts.segments,
                idempotency_key=key,
                send_after=send_after,
                dispatched_at=moment if due_now else None,
                related_kind=str(kind)[:50],
                related_key=str(related_key)[:100],
                requested_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError:
        existing = SmsMessage.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return _same_message(existing, recipient=recipient, template=template_key, language=language, key=key)
    _history(
        message,
        SmsStatus.QUEUED,
        at=moment,
        source=StatusSource.SYSTEM,
        detail="" if due_now else f"scheduled for {send_after.isoformat() if send_after else ''}",
    )
    if due_now:
        _dispatch(message)
    audit_record(
        actor=actor,
        action=NotificationAction.SMS_QUEUED,
        subject=message,
        after=model_snapshot(message),
        extra={"related": [kind, related_key], "scheduled": not due_now},
    )
    return message


def sms_reminder_schedule(
    *,
    to: str,
    event_on: date,
    days_before: int,
    context: Mapping[str, Any],
    language: str,
    idempotency_key: str,
    template: str | SmsTemplate = SmsTemplate.REMINDER_GENERIC,
    related: tuple[str, str] | None = None,
    hour: int = 9,
    actor: Any = None,
    now: datetime | None = None,
) -> SmsMessage:
    """A reminder of something on ``event_on``, sent ``days_before`` days earlier at ``hour``
    o'clock Riyadh time (at once if that moment has passed; NTF-104 if the day has). The
    medical-committee and annual-declaration reminders are built on this."""
    moment = now or timezone.now()
    send_at = reminder_send_at(
        event_on=event_on,
        days_before=days_before,
        hour=hour,
        zone=timezone.get_default_timezone(),
        now=moment,
    )
    return sms_send(
        to=to,
        template=template,
        context=context,
        language=language,
        idempotency_key=idempotency_key,
        related=related,
        send_after=send_at,
        actor=actor,
        now=moment,
    )


@transaction.atomic
def sms_cancel(*, message: SmsMessage, actor: Any = None, reason: str = "") -> SmsMessage:
    """Cancel a message that has not gone yet (a reminder whose appointment moved); NTF-103 once
    it is with the gateway."""
    locked = SmsMessage.objects.select_for_update().get(pk=message.pk)
    if locked.status == SmsStatus.CANCELLED:
        return locked
    _change(
        locked,
        SmsStatus.CANCELLED,
        source=StatusSource.PERSON if actor else StatusSource.SYSTEM,
        detail=reason,
    )
    audit_record(
        actor=actor,
        action=NotificationAction.SMS_CANCELLED,
        subject=locked,
        after={"status": locked.status},
        extra={"reason": reason},
    )
    return locked


@transaction.atomic
def sms_due_dispatch(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Queue the delivery job of every scheduled message whose time has come (at most ``limit``
    per call; the rest on the next). Safe to run in several workers at once: rows are taken
    with SKIP LOCKED and marked dispatched in the same transaction."""
    moment = now or timezone.now()
    due = list(
        SmsMessage.objects.select_for_update(skip_locked=True)
        .filter(status=SmsStatus.QUEUED, dispatched_at__isnull=True, send_after__lte=moment)
        .order_by("send_after", "id")[:limit]
    )
    for message in due:
        message.dispatched_at = moment
        message.save(update_fields=["dispatched_at", "updated_at"])
        _dispatch(message)
    return len(due)


# --- Status changes -------------------------------------------------------------------------------

_TIMESTAMP_FIELD = {
    SmsStatus.SENT: "sent_at",
    SmsStatus.DELIVERED: "delivered_at",
    SmsStatus.FAILED: "failed_at",
    SmsStatus.CANCELLED: "cancelled_at",
}


def _change(
    message: SmsMessage, new: str, *, source: str, detail: str = "", at: datetime | None = None
) -> None:
    """Move a locked message to ``new`` (NTF-103 if that is not a move it may make), with its
    timestamp and a history row."""
    if not status_change_allowed(message.status, new):
        raise SimisError(
            NotificationError.STATUS_CHANGE_REFUSED,
            current=SmsStatus(message.status).label,
            new=SmsStatus(new).label,
        )
    moment = at or timezone.now()
    message.status = new
    fields = ["status", "updated_at"]
    stamp = _TIMESTAMP_FIELD.get(SmsStatus(new))
    if stamp:
        setattr(message, stamp, moment)
        fields.append(stamp)
    if new == SmsStatus.DELIVERED and message.sent_at is None:
        message.sent_at = moment  # a receipt that overtook the gateway's answer
        fields.append("sent_at")
    if new in (SmsStatus.FAILED, SmsStatus.QUEUED) and detail:
        message.last_error = detail[:2000]
        fields.append("last_error")
    message.save(update_fields=fields)
    _history(message, new, at=moment, source=source, detail=detail[:2000])


def _message_for(*, reference: str, gateway_message_id: str, backend: str) -> SmsMessage:
    query = SmsMessage.objects.select_for_update()
    if reference.startswith(REFERENCE_PREFIX) and reference[len(REFERENCE_PREFIX) :].isdigit():
        found = query.filter(pk=int(reference[len(REFERENCE_PREFIX) :])).first()
    elif gateway_message_id:
        candidates = query.filter(gateway_message_id=gateway_message_id)
        if backend:
            candidates = candidates.filter(backend=backend)
        found = candidates.order_by("-id").first()
    else:
        found = None
    if found is None:
        raise SimisError(NotificationError.MESSAGE_UNKNOWN, reference=reference or gateway_message_id or "-")
    return found


@transaction.atomic
def sms_status_update(
    *,
    status: str,
    reference: str = "",
    gateway_message_id: str = "",
    backend: str = "",
    detail: str = "",
    occurred_at: datetime | None = None,
    actor: Any = None,
) -> SmsMessage:
    """Record a delivery status reported by the gateway (HTTP callback, SMPP receipt).

    The message is found by our reference (``simis-sms-<id>``) or by the gateway's message id.
    ``status`` is the gateway's word (``delivered``, ``DELIVRD``, ``failed``, ``UNDELIV``,
    ``expired``…; NTF-201 otherwise). A repeat of the current status changes nothing; a report
    the message cannot take (``delivered`` after ``failed``) is refused with NTF-103."""
    message = _message_for(reference=reference, gateway_message_id=gateway_message_id, backend=backend)
    new = gateway_status(status)
    if message.status == new:
        return message
    before = {"status": message.status}
    _change(message, new, source=StatusSource.GATEWAY, detail=detail, at=occurred_at)
    action = {
        SmsStatus.DELIVERED: NotificationAction.SMS_DELIVERED,
        SmsStatus.FAILED: NotificationAction.SMS_FAILED,
    }.get(SmsStatus(new), NotificationAction.SMS_SENT)
    audit_record(
        actor=actor,
        action=action,
        subject=message,
        before=before,
        after={"status": message.status},
        extra={"reported_by": "gateway", "detail": detail[:500]},
    )
    return message


# --- Delivery -------------------------------------------------------------------------------------


def sms_rate_take(*, backend: str, rate: float, now: datetime | None = None) -> float:
    """Take one token from the gateway's shared bucket (``rate`` per second, bursts of one
    second's worth). Returns 0 when taken, else the seconds until a token is there.

    The bucket is a row locked with SELECT … FOR UPDATE in its own short transaction, so every
    worker process on every machine draws from the same bucket. A rate of 0 means no limit."""
    if rate <= 0:
        return 0.0
    moment = now or timezone.now()
    with transaction.atomic():
        SmsRateBucket.objects.bulk_create(
            [SmsRateBucket(backend=backend, tokens=rate, updated_at=moment)], ignore_conflicts=True
        )
        row = SmsRateBucket.objects.select_for_update().get(backend=backend)
        after, wait = bucket_take(Bucket(row.tokens, row.updated_at), now=moment, rate=rate, capacity=rate)
        row.tokens, row.updated_at = after.tokens, after.at
        row.save(update_fields=["tokens", "updated_at"])
    return wait


def _rate_wait(backend: str) -> None:
    waited = 0.0
    while True:
        wait = sms_rate_take(backend=backend, rate=float(settings.SIMIS_SMS_RATE_PER_SECOND))
        if wait <= 0:
            return
        if waited + wait > RATE_WAIT_LIMIT:
            raise SmsRetryLater(wait, f"rate limit of {backend} reached")
        time.sleep(wait)
        waited += wait


@dataclass(frozen=True)
class _Claim:
    message: SmsMessage
    outgoing: OutgoingSms


@transaction.atomic
def _claim(message_id: int, gateway: SmsGateway) -> _Claim | None:
    """Lock the message and mark it *sending*; None when there is nothing to send."""
    message = SmsMessage.objects.select_for_update().filter(pk=message_id).first()
    if message is None or message.status not in (SmsStatus.QUEUED, SmsStatus.SENDING):
        return None
    if message.status == SmsStatus.SENDING and not gateway.resend_is_safe:
        # A previous attempt died between handing it over and recording the answer: the SMS may
        # be on its way. A gateway that cannot drop duplicates must not get it twice.
        _fail(message, "the previous attempt ended without an answer; not resent to avoid a duplicate")
        return None
    if message.status == SmsStatus.QUEUED:
        _change(message, SmsStatus.SENDING, source=StatusSource.SYSTEM)
    message.attempts = F("attempts") + 1
    message.backend = gateway.name
    message.save(update_fields=["attempts", "backend", "updated_at"])
    message.refresh_from_db(fields=["attempts"])
    parts = sms_parts(message.text)
    outgoing = OutgoingSms(
        reference=message.reference,
        to=message.recipient,
        text=message.text,
        encoding=parts.encoding,
        parts=parts.parts,
        sender=settings.SIMIS_SMS_SENDER,
    )
    return _Claim(message, outgoing)


def _fail(message: SmsMessage, detail: str) -> None:
    before = {"status": message.status}
    _change(message, SmsStatus.FAILED, source=StatusSource.SYSTEM, detail=detail)
    audit_record(
        actor=None,
        action=NotificationAction.SMS_FAILED,
        subject=message,
        before=before,
        after={"status": message.status, "attempts": message.attempts},
        extra={"detail": detail[:500]},
    )


@transaction.atomic
def _record_receipt(message_id: int, receipt: GatewayReceipt) -> SmsMessage:
    message = SmsMessage.objects.select_for_update().get(pk=message_id)
    if message.status != SmsStatus.SENDING:
        return message  # a receipt got here first, or it was dealt with meanwhile
    message.gateway_message_id = receipt.message_id
    message.last_error = ""
    message.save(update_fields=["gateway_message_id", "last_error", "updated_at"])
    _change(message, receipt.status, source=StatusSource.GATEWAY, detail=receipt.message_id)
    audit_record(
        actor=None,
        action=NotificationAction.SMS_SENT,
        subject=message,
        before={"status": SmsStatus.SENDING},
        after={"status": message.status, "gateway_message_id": message.gateway_message_id},
        extra={"backend": message.backend, "attempts": message.attempts},
    )
    return message


@transaction.atomic
def _record_error(message_id: int, error: GatewayError, gateway: SmsGateway) -> SmsRetryLater | None:
    """Record a failed hand-over; the retry to raise, or None when the message is given up."""
    message = SmsMessage.objects.select_for_update().get(pk=message_id)
    if message.status != SmsStatus.SENDING:
        return None
    detail = f"{type(error).__name__}: {error.detail}"
    permanent = isinstance(error, GatewayPermanentError)
    ambiguous = isinstance(error, GatewayOutcomeUnknown) and not gateway.resend_is_safe
    if permanent or ambiguous or message.attempts >= MAX_ATTEMPTS:
        if ambiguous:
            detail += " — the gateway may have taken it; not resent to avoid a duplicate"
        _fail(message, detail)
        return None
    _change(message, SmsStatus.QUEUED, source=StatusSource.SYSTEM, detail=detail)
    delay = max(retry_delay(message.attempts), getattr(error, "retry_after", None) or 0)
    audit_record(
        actor=None,
        action=NotificationAction.SMS_ATTEMPT_FAILED,
        subject=message,
        before={"status": SmsStatus.SENDING},
        after={"status": message.status, "attempts": message.attempts},
        extra={"detail": detail[:500], "retry_in_seconds": int(delay)},
        outcome=AuditOutcome.FAILED,
    )
    return SmsRetryLater(delay, detail)


def sms_deliver(*, message_id: int, gateway: SmsGateway | None = None) -> SmsMessage | None:
    """Hand one message to the gateway (the delivery job calls this).

    Three short steps, so no lock is held while the gateway is on the line: claim the message
    (*sending*, one more attempt), send, record the answer. A temporary failure puts it back to
    *queued* and raises ``SmsRetryLater`` with the back-off (15 s, 45 s, … at most an hour, or
    the gateway's Retry-After); after ``MAX_ATTEMPTS`` hand-overs, a permanent refusal, or a
    lost answer from a gateway that cannot drop duplicates, it is *failed*. A message already
    sent, delivered, failed or cancelled is left alone (returns None)."""
    gateway = gateway or gateway_from_settings()
    current = SmsMessage.objects.filter(pk=message_id).values_list("status", flat=True).first()
    if current not in (SmsStatus.QUEUED, SmsStatus.SENDING):
        return None
    _rate_wait(gateway.name)
    claim = _claim(message_id, gateway)
    if claim is None:
        return None
    try:
        receipt = gateway.send(claim.outgoing)
    except GatewayError as error:
        retry = _record_error(message_id, error, gateway)
        if retry is not None:
            raise retry from error
        return SmsMessage.objects.get(pk=message_id)
    except Exception as error:
        # A bug in a backend, not a gateway's answer: the quality owner hears of it (REL-3), and
        # the message is treated as possibly sent — retried only where a resend is harmless.
        error_capture(error, source=ErrorSource.JOB, task_name="notifications.sms_deliver")
        retry = _record_error(message_id, GatewayOutcomeUnknown(f"{type(error).__name__}: {error}"), gateway)
        if retry is not None:
            raise retry from error
        return SmsMessage.objects.get(pk=message_id)
    return _record_receipt(message_id, receipt)


# --- Errors (REL-3) ------------------------------------------------------------------------------

_CAPTURED_MARK = "_simis_error_captured"


def _frames(exc: BaseException) -> list[Frame]:
    return [Frame(frame.filename, frame.name) for frame in traceback.extract_tb(exc.__traceback__)]


def _user_fields(user: Any) -> tuple[int | None, str, str]:
    try:
        if user is None or not getattr(user, "is_authenticated", False):
            return None, "", ""
        return int(user.pk), str(user.get_username())[:150], str(getattr(user, "audience", "") or "")[:16]
    except Exception:  # a broken user object must not stop the error from being recorded
        return None, "", ""


def error_capture(
    exc: BaseException,
    *,
    source: str = ErrorSource.OTHER,
    request: HttpRequest | None = None,
    request_id: str | None = None,
    user: Any = None,
    path: str | None = None,
    method: str | None = None,
    job_id: int | None = None,
    task_name: str = "",
    now: datetime | None = None,
) -> ErrorOccurrence | None:
    """Record an unhandled error: its group (by exception type and place in SIMIS's code) and
    this occurrence with its traceback, request id, user, path and method (taken from
    ``request`` when given), or its job.

    Never raises — a failure to record is logged — and records an exception object once, however
    many hooks see it. Returns None when nothing was recorded. Call it outside any transaction
    that is about to roll back, or the record rolls back with it."""
    if getattr(exc, _CAPTURED_MARK, False):
        return None
    # An exception type with __slots__ cannot be marked: it is recorded all the same.
    with contextlib.suppress(AttributeError):
        setattr(exc, _CAPTURED_MARK, True)
    try:
        return _error_record(
            exc,
            source=source,
            request=request,
            request_id=request_id,
            user=user,
            path=path,
            method=method,
            job_id=job_id,
            task_name=task_name,
            now=now,
        )
    except Exception:
        logger.warning("could not record an error of type %s", type(exc).__name__, exc_info=True)
        return None


def _error_record(
    exc: BaseException,
    *,
    source: str,
    request: HttpRequest | None,
    request_id: str | None,
    user: Any,
    path: str | None,
    method: str | None,
    job_id: int | None,
    task_name: str,
    now: datetime | None,
) -> ErrorOccurrence:
    moment = now or timezone.now()
    if request is not None:
        request_id = request_id or getattr(request, "request_id", None)
        user = user if user is not None else getattr(request, "user", None)
        path = path if path is not None else request.path
        method = method if method is not None else request.method
    request_id = request_id or current_request_id()
    if request_id == "-":
        request_id = ""
    user_id, username, audience = _user_fields(user)
    exception_type = f"{type(exc).__module__}.{type(exc).__qualname__}"
    location = error_location(_frames(exc), project_root=str(settings.BASE_DIR))
    fingerprint = error_fingerprint(exception_type=exception_type, location=location)
    message = str(exc)[:2000]
    text = "".join(traceback.format_exception(exc))[-TRACEBACK_MAX_CHARS:]
    table = connection.ops.quote_name(ErrorEvent._meta.db_table)
    with transaction.atomic():
        with connection.cursor() as cursor:
            # One statement, so concurrent occurrences of a new error make one group and count right.
            cursor.execute(
                f"INSERT INTO {table} AS e (fingerprint, exception_type, location, message, first_seen, "  # noqa: S608
                "last_seen, occurrence_count, alerted_count) VALUES (%s, %s, %s, %s, %s, %s, 1, 0) "
                "ON CONFLICT (fingerprint) DO UPDATE SET occurrence_count = e.occurrence_count + 1, "
                "last_seen = GREATEST(e.last_seen, EXCLUDED.last_seen), message = EXCLUDED.message "
                "RETURNING id",
                [fingerprint, exception_type[:200], location[:300], message, moment, moment],
            )
            (event_id,) = cursor.fetchone()
        return ErrorOccurrence.objects.create(
            event_id=event_id,
            occurred_at=moment,
            source=source,
            message=message,
            traceback=text,
            request_id=str(request_id or "")[:64],
            user_id=user_id,
            username=username,
            audience=audience,
            method=str(method or "")[:10],
            path=str(path or "")[:500],
            job_id=job_id,
            task_name=task_name[:200],
        )


def _alert_texts(event: ErrorEvent, new: int, url: str) -> tuple[str, str]:
    """The alert's subject and body: Arabic first, then English."""
    bodies = []
    subject = ""
    for language in ("ar", "en"):
        with translation.override(language):
            facts = {
                "count": new,
                "error": event.exception_type,
                "location": event.location,
                "first": timezone.localtime(event.first_seen).strftime("%Y-%m-%d %H:%M:%S"),
                "last": timezone.localtime(event.last_seen).strftime("%Y-%m-%d %H:%M:%S"),
                "total": event.occurrence_count,
                "url": url,
                "message": event.message[:500],
            }
            if not subject:
                subject = _("[SIMIS] %(count)s × %(error)s at %(location)s") % facts
            bodies.append(
                _(
                    "An unhandled error happened %(count)s time(s) since the last alert.\n\n"
                    "Error: %(error)s\nWhere: %(location)s\nMessage: %(message)s\n"
                    "First seen: %(first)s\nLast seen: %(last)s\nOccurrences in all: %(total)s\n\n"
                    "Tracebacks, request ids and users: %(url)s"
                )
                % facts
            )
    return subject, "\n\n----------\n\n".join(bodies)


@transaction.atomic
def error_alerts_send(*, now: datetime | None = None, window: timedelta | None = None) -> int:
    """Tell the quality owner (``SIMIS_QUALITY_OWNER_EMAIL``, ``SIMIS_QUALITY_OWNER_PHONE``) of
    every error group with occurrences nobody was told of, unless it had an alert within
    ``window`` (``SIMIS_ERROR_ALERT_WINDOW``): one alert per group per window, with the count
    since the last one. Returns how many groups were alerted. Groups are taken with SKIP LOCKED,
    so two workers never alert the same group twice; a mail failure rolls the marks back and the
    next run tries again."""
    moment = now or timezone.now()
    span = window if window is not None else timedelta(seconds=settings.SIMIS_ERROR_ALERT_WINDOW)
    candidates = (
        ErrorEvent.objects.select_for_update(skip_locked=True)
        .filter(occurrence_count__gt=F("alerted_count"))
        .filter(Q(last_alerted_at__isnull=True) | Q(last_alerted_at__lte=moment - span))
        .order_by("first_seen")
    )
    emails = list(settings.SIMIS_QUALITY_OWNER_EMAIL)
    phone = settings.SIMIS_QUALITY_OWNER_PHONE
    alerted = 0
    for event in candidates:
        if not alert_due(
            count=event.occurrence_count,
            alerted_count=event.alerted_count,
            last_alerted_at=event.last_alerted_at,
            now=moment,
            window=span,
        ):
            continue
        new = event.occurrence_count - event.alerted_count
        url = settings.SIMIS_PUBLIC_URL.rstrip("/") + reverse("notifications:error-detail", args=[event.pk])
        if emails:
            subject, body = _alert_texts(event, new, url)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, emails)
        if phone:
            sms_send(
                to=phone,
                template=SmsTemplate.ERROR_ALERT,
                context={
                    "error": event.exception_type.rsplit(".", 1)[-1],
                    "location": event.location,
                    "count": new,
                    "url": url,
                },
                language=settings.LANGUAGE_CODE if settings.LANGUAGE_CODE in ("ar", "en") else "ar",
                idempotency_key=f"error-alert-{event.pk}-{event.occurrence_count}",
                related=("notifications.errorevent", str(event.pk)),
                now=moment,
            )
        if not emails and not phone:
            logger.warning(
                "error group %s has %d new occurrence(s) and no quality owner is configured", event.pk, new
            )
        event.alerted_count = event.occurrence_count
        event.last_alerted_at = moment
        event.save(update_fields=["alerted_count", "last_alerted_at"])
        audit_record(
            actor=None,
            action=NotificationAction.ERROR_ALERT_SENT,
            subject=event,
            extra={"new": new, "total": event.occurrence_count, "email": len(emails), "sms": bool(phone)},
        )
        alerted += 1
    return alerted


def error_occurrences_purge(
    *, older_than: timedelta = timedelta(days=90), now: datetime | None = None
) -> int:
    """Forget occurrences older than ``older_than`` (their groups keep the counts)."""
    moment = now or timezone.now()
    deleted, _by_model = ErrorOccurrence.objects.filter(occurred_at__lt=moment - older_than).delete()
    return deleted
