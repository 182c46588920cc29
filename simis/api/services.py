"""Writes of the web-service surface: partners and their certificates (audited), used nonces,
idempotency records, and the echo acknowledgement that proves the write path end to end."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, OperationalError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from simis.api import rules
from simis.api.actions import ApiAuditAction
from simis.api.caller import ApiCaller
from simis.api.errors import ApiError
from simis.api.models import (
    IdempotencyRecord,
    Partner,
    PartnerCertificate,
    PartnerKind,
    PartnerStatus,
    UsedNonce,
)
from simis.audit.public import audit_record, model_snapshot
from simis.core.errors import SimisError

logger = logging.getLogger("simis.api")

# Keys are kept at least this long: a partner may retry a write for a day.
IDEMPOTENCY_MIN_RETENTION = timedelta(hours=24)
# How long a duplicate of a write still running waits for it before getting a 409.
IDEMPOTENCY_WAIT_MS = 10_000
_LOCK_NOT_AVAILABLE = "55P03"

# --- Partners and certificates -----------------------------------------------------------------


@transaction.atomic
def partner_register(
    *,
    code: str,
    name_ar: str,
    name_en: str,
    kind: PartnerKind | str,
    organisation_key: str = "",
    actor: Any = None,
    request: HttpRequest | None = None,
) -> Partner:
    """A new, active partner. It can call nothing until a certificate is added."""
    code = rules.partner_code_normalise(code)
    name_ar, name_en = (name_ar or "").strip(), (name_en or "").strip()
    if not name_ar or not name_en:
        raise SimisError(ApiError.PARTNER_NAME_MISSING)
    if kind not in PartnerKind.values:
        raise SimisError(ApiError.PARTNER_KIND_INVALID, kind=str(kind))
    if Partner.objects.filter(code=code).exists():
        raise SimisError(ApiError.PARTNER_CODE_TAKEN, code=code)
    partner = Partner.objects.create(
        code=code,
        name_ar=name_ar,
        name_en=name_en,
        kind=PartnerKind(kind),
        organisation_key=(organisation_key or "").strip(),
    )
    audit_record(
        actor=actor,
        action=ApiAuditAction.PARTNER_REGISTERED,
        subject=partner,
        after=model_snapshot(partner),
        request=request,
    )
    return partner


@transaction.atomic
def partner_onboard(
    *,
    code: str,
    name_ar: str,
    name_en: str,
    kind: PartnerKind | str,
    certificate_pem: str,
    organisation_key: str = "",
    actor: Any = None,
    request: HttpRequest | None = None,
) -> PartnerCertificate:
    """Register a partner and its first certificate together: both or neither."""
    partner = partner_register(
        code=code,
        name_ar=name_ar,
        name_en=name_en,
        kind=kind,
        organisation_key=organisation_key,
        actor=actor,
        request=request,
    )
    return partner_certificate_add(partner=partner, pem=certificate_pem, actor=actor, request=request)


def _partner_status_set(
    *,
    partner: Partner,
    status: PartnerStatus,
    action: ApiAuditAction,
    reason: str,
    actor: Any,
    request: HttpRequest | None,
) -> Partner:
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.status == status:
        return partner
    before = model_snapshot(partner, ["status"])
    partner.status = status
    partner.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=action,
        subject=partner,
        before=before,
        after=model_snapshot(partner, ["status"]),
        extra={"reason": reason} if reason else None,
        request=request,
    )
    return partner


@transaction.atomic
def partner_suspend(
    *, partner: Partner, reason: str = "", actor: Any = None, request: HttpRequest | None = None
) -> Partner:
    """Refuse every call of the partner, whatever certificate signs it. Reversible."""
    return _partner_status_set(
        partner=partner,
        status=PartnerStatus.SUSPENDED,
        action=ApiAuditAction.PARTNER_SUSPENDED,
        reason=reason,
        actor=actor,
        request=request,
    )


@transaction.atomic
def partner_reactivate(
    *, partner: Partner, reason: str = "", actor: Any = None, request: HttpRequest | None = None
) -> Partner:
    return _partner_status_set(
        partner=partner,
        status=PartnerStatus.ACTIVE,
        action=ApiAuditAction.PARTNER_REACTIVATED,
        reason=reason,
        actor=actor,
        request=request,
    )


@transaction.atomic
def partner_certificate_add(
    *,
    partner: Partner,
    pem: str,
    actor: Any = None,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> PartnerCertificate:
    """Register a certificate whose key will sign the partner's requests. Refuses a
    certificate that is unreadable, expired, not yet valid, of an unsupported key type, or
    already registered (to this or any partner)."""
    facts = rules.certificate_inspect(pem, now=now or timezone.now())
    if PartnerCertificate.objects.filter(fingerprint_sha256=facts.fingerprint_sha256).exists():
        raise SimisError(ApiError.CERTIFICATE_DUPLICATE, keyid=facts.keyid)
    certificate = PartnerCertificate.objects.create(
        partner=partner,
        pem=facts.pem,
        fingerprint_sha256=facts.fingerprint_sha256,
        keyid=facts.keyid,
        algorithm=facts.algorithm,
        subject=facts.subject,
        not_before=facts.not_before,
        not_after=facts.not_after,
    )
    audit_record(
        actor=actor,
        action=ApiAuditAction.CERTIFICATE_ADDED,
        subject=certificate,
        after=model_snapshot(
            certificate, ["partner", "keyid", "algorithm", "subject", "not_before", "not_after"]
        ),
        extra={"partner": partner.code, "fingerprint_sha256": facts.fingerprint_sha256},
        request=request,
    )
    return certificate


@transaction.atomic
def partner_certificate_revoke(
    *,
    certificate: PartnerCertificate,
    reason: str = "",
    actor: Any = None,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> PartnerCertificate:
    """From now on, signatures made with this certificate's key are refused. Final."""
    certificate = PartnerCertificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        raise SimisError(ApiError.CERTIFICATE_ALREADY_REVOKED, keyid=certificate.keyid)
    before = model_snapshot(certificate, ["revoked_at", "revocation_reason"])
    certificate.revoked_at = now or timezone.now()
    certificate.revocation_reason = (reason or "").strip()[:200]
    certificate.save(update_fields=["revoked_at", "revocation_reason"])
    audit_record(
        actor=actor,
        action=ApiAuditAction.CERTIFICATE_REVOKED,
        subject=certificate,
        before=before,
        after=model_snapshot(certificate, ["revoked_at", "revocation_reason"]),
        request=request,
    )
    return certificate


def request_refusal_record(
    *, error: SimisError, request: HttpRequest, partner_id: int | None = None, keyid: str | None = None
) -> None:
    """Put a refused call in the audit log. Runs in its own transaction, after (and outside)
    whatever was refused, so the entry survives the refusal."""
    with transaction.atomic():
        audit_record(
            actor=None,
            action=ApiAuditAction.REQUEST_REFUSED,
            subject_type="api.partner" if partner_id else None,
            subject_id=partner_id,
            extra={
                "code": error.code,
                "method": request.method,
                "path": request.path[:500],
                "keyid": (keyid or "")[:64],
            },
            request=request,
            outcome="refused",
        )


# --- Nonces ------------------------------------------------------------------------------------


def nonce_remember(*, keyid: str, nonce: str, now: datetime, lifetime: timedelta) -> bool:
    """Record that ``nonce`` was used with ``keyid``; False when it already was (a replay).

    Committed on its own, before the call runs, so a replay is refused in every web process even
    while the first call is still running — and stays refused if that call fails."""
    table = connection.ops.quote_name(UsedNonce._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (keyid, nonce, seen_at, expires_at) VALUES (%s, %s, %s, %s) "  # noqa: S608
            "ON CONFLICT (keyid, nonce) DO NOTHING RETURNING id",
            [keyid, nonce, now, now + lifetime],
        )
        return cursor.fetchone() is not None


def nonce_purge(*, now: datetime | None = None) -> int:
    """Forget nonces whose signatures would be refused as stale anyway."""
    deleted, _ = UsedNonce.objects.filter(expires_at__lt=now or timezone.now()).delete()
    return deleted


# --- Idempotency -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdempotencyStart:
    record: IdempotencyRecord
    replay: bool


def idempotency_begin(
    *, partner_id: int, key: str, request_hash: str, method: str, path: str, now: datetime
) -> IdempotencyStart:
    """Claim ``key`` for this write, inside the write's own transaction.

    The insert takes the unique (partner, key) slot. If a concurrent duplicate holds it, the
    insert waits for that transaction (up to ``IDEMPOTENCY_WAIT_MS``, then a 409): when it
    commits, its stored response is replayed; when it rolls back, this call proceeds.
    A stored record for a different request refuses the call (422)."""
    if not connection.in_atomic_block:
        raise RuntimeError("idempotency_begin must run inside the write's transaction")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout')")
        (previous_timeout,) = cursor.fetchone()
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{IDEMPOTENCY_WAIT_MS}ms"])
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    partner_id=partner_id,
                    key=key,
                    request_hash=request_hash,
                    method=method,
                    path=path[:2000],
                    created_at=now,
                )
            return IdempotencyStart(record=record, replay=False)
        except IntegrityError:
            pass
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
                raise SimisError(ApiError.IDEMPOTENCY_IN_PROGRESS) from exc
            raise
        finally:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous_timeout])
    existing = IdempotencyRecord.objects.get(partner_id=partner_id, key=key)
    if existing.request_hash != request_hash:
        raise SimisError(ApiError.IDEMPOTENCY_KEY_REUSED)
    if existing.completed_at is None:
        raise SimisError(ApiError.IDEMPOTENCY_IN_PROGRESS)
    return IdempotencyStart(record=existing, replay=True)


def idempotency_complete(
    *, record: IdempotencyRecord, status: int, headers: list[tuple[str, str]], body: bytes, now: datetime
) -> IdempotencyRecord:
    """Store the response of the write, in the write's transaction."""
    record.response_status = status
    record.response_headers = [[name, value] for name, value in headers]
    record.response_body = body
    record.completed_at = now
    record.save(update_fields=["response_status", "response_headers", "response_body", "completed_at"])
    return record


def idempotency_purge(
    *, older_than: timedelta = IDEMPOTENCY_MIN_RETENTION, now: datetime | None = None
) -> int:
    """Delete idempotency records created more than ``older_than`` ago (never less than 24 h:
    partners are promised a day to retry). A key used again after that is a new request."""
    if older_than < IDEMPOTENCY_MIN_RETENTION:
        raise ValueError("idempotency keys are kept at least 24 hours")
    cutoff = (now or timezone.now()) - older_than
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


# --- Echo --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EchoReceipt:
    receipt: str
    partner_code: str
    message: str
    received_at: datetime


def echo_acknowledge(*, caller: ApiCaller, message: str, now: datetime) -> EchoReceipt:
    """A receipt for a test write. Stores nothing: its only purpose is to let a partner prove
    signing and idempotency end to end — a retry with the same key returns the same receipt."""
    receipt = f"ECHO-{now:%Y%m%d}-{secrets.token_hex(5).upper()}"
    logger.info("echo %s for partner %s", receipt, caller.partner_code)
    return EchoReceipt(receipt=receipt, partner_code=caller.partner_code, message=message, received_at=now)
