"""Writing to the audit log. Other apps call these through ``simis.audit.public``."""

from __future__ import annotations

import hashlib
from enum import Enum
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from simis.audit.actions import AuditAction, action_code
from simis.audit.canonical import JsonValue, canonical_json, to_json_value
from simis.audit.chain import GENESIS_HASH, ChainFields, normalise_ip
from simis.audit.errors import AuditError
from simis.audit.models import AuditEntry, AuditOutcome
from simis.audit.selectors import VerifyResult
from simis.core.errors import SimisError
from simis.core.middleware import current_request_id

# One advisory-lock key for the whole chain (a fixed 64-bit number derived from a name, so it
# cannot collide by accident with another app's small integer keys).
CHAIN_LOCK_KEY = int.from_bytes(hashlib.sha256(b"simis.audit.chain").digest()[:8], "big", signed=True)

USER_AGENT_MAX_LENGTH = 512
REQUEST_ID_MAX_LENGTH = 64
LABEL_MAX_LENGTH = 300
# Field names whose values never go into the log, only the fact that they changed.
SECRET_FIELD_MARKERS = ("password", "secret", "token", "private_key")
REDACTED = "[redacted]"


def _text(value: Any, limit: int) -> str:
    # PostgreSQL text cannot hold NUL; a hostile User-Agent must not make the business action fail.
    return str(value or "").replace("\x00", "")[:limit]


def _actor_fields(actor: Any) -> tuple[int | None, str, str]:
    if actor is None:
        return None, "system", "system"
    if not getattr(actor, "is_authenticated", False):
        return None, "anonymous", "anonymous"
    username = actor.get_username() if hasattr(actor, "get_username") else str(actor)
    full_name = actor.get_full_name().strip() if hasattr(actor, "get_full_name") else ""
    label = f"{username} ({full_name})" if full_name and full_name != username else username
    audience = to_json_value(getattr(actor, "audience", "") or "")
    return int(actor.pk), _text(label, LABEL_MAX_LENGTH), _text(audience, 32)


def _subject_fields(
    subject: models.Model | None, subject_type: str | None, subject_id: Any
) -> tuple[str, str]:
    if subject is not None:
        if subject_type is not None or subject_id is not None:
            raise SimisError(AuditError.SUBJECT_AMBIGUOUS)
        if subject.pk is None:
            raise SimisError(AuditError.SUBJECT_UNSAVED)
        subject_type, subject_id = subject._meta.label_lower, subject.pk
    if subject_id is None:
        key = ""
    else:
        plain = to_json_value(subject_id)
        key = plain if isinstance(plain, str) else canonical_json(plain).decode()
    return _text(subject_type, 100), _text(key, 1000)


def request_client_ip(request: HttpRequest) -> str | None:
    """The client address: REMOTE_ADDR, or — only when SIMIS sits behind a trusted proxy
    (``SECURE_PROXY_SSL_HEADER`` set) — the last X-Forwarded-For hop, the one our proxy appended.
    Earlier hops are whatever the client claimed and are not trusted."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops and (address := normalise_ip(hops[-1])):
            return address
    return normalise_ip(request.META.get("REMOTE_ADDR"))


def _request_fields(request: HttpRequest | None) -> tuple[str, str | None, str]:
    request_id = getattr(request, "request_id", None) if request is not None else None
    request_id = request_id or current_request_id()
    if request_id == "-":  # the middleware's "no request" placeholder
        request_id = ""
    if request is None:
        return _text(request_id, REQUEST_ID_MAX_LENGTH), None, ""
    return (
        _text(request_id, REQUEST_ID_MAX_LENGTH),
        request_client_ip(request),
        _text(request.META.get("HTTP_USER_AGENT", ""), USER_AGENT_MAX_LENGTH),
    )


def _outcome(outcome: AuditOutcome | str) -> str:
    value = outcome.value if isinstance(outcome, Enum) else outcome
    if value not in AuditOutcome.values:
        raise SimisError(AuditError.OUTCOME_INVALID, outcome=str(value))
    return str(value)


def model_snapshot(
    instance: models.Model, fields: list[str] | tuple[str, ...] | None = None
) -> dict[str, JsonValue]:
    """The instance's concrete fields as plain JSON data, for ``before``/``after``.

    Keys are attribute names (a foreign key appears as ``establishment_id`` holding the key, not
    the related object, so no extra queries are made). Many-to-many fields are not included.
    ``fields`` limits the snapshot to those names (field names or attribute names). Values of
    secret-looking fields (password, secret, token, private key) are replaced by ``[redacted]``.
    """
    wanted = set(fields) if fields is not None else None
    snapshot: dict[str, JsonValue] = {}
    for field in instance._meta.concrete_fields:
        if wanted is not None and field.name not in wanted and field.attname not in wanted:
            continue
        if any(marker in field.name.lower() for marker in SECRET_FIELD_MARKERS):
            snapshot[field.attname] = REDACTED
            continue
        value = field.value_from_object(instance)
        if isinstance(value, models.fields.files.FieldFile):
            value = value.name or None
        snapshot[field.attname] = to_json_value(value)
    return snapshot


@transaction.atomic
def audit_record(
    *,
    actor: Any,
    action: Enum | str,
    subject: models.Model | None = None,
    subject_type: str | None = None,
    subject_id: Any = None,
    before: Any = None,
    after: Any = None,
    extra: Any = None,
    request: HttpRequest | None = None,
    outcome: AuditOutcome | str = "success",
) -> AuditEntry:
    """Append one entry to the chain, inside the caller's transaction.

    ``actor`` is a user, ``AnonymousUser`` or None (the system). ``subject`` is any saved model
    instance; or give ``subject_type`` ("app_label.model") and ``subject_id`` instead.
    ``before``/``after`` are usually ``model_snapshot`` dicts; ``extra`` any plain data.

    The entry commits or rolls back with the caller's transaction: an action that rolls back
    leaves no entry. So a *refusal* must be recorded where it is not rolled back — after the
    atomic block that raised, e.g. in the view or in an exception handler.

    The chain is extended under a transaction-level advisory lock held until the caller's
    transaction ends: audited transactions are serialised from this call to their commit, so
    call it as the last write of a service, not the first."""
    code = action_code(action)
    outcome_value = _outcome(outcome)
    actor_id, actor_label, actor_audience = _actor_fields(actor)
    stored_subject_type, stored_subject_id = _subject_fields(subject, subject_type, subject_id)
    request_id, ip, user_agent = _request_fields(request)
    # Stored exactly in the plain form that is hashed, so re-reading the jsonb gives the same bytes.
    before_value, after_value = to_json_value(before), to_json_value(after)
    extra_value = to_json_value(extra if extra is not None else {})

    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s), current_setting('transaction_isolation')", [CHAIN_LOCK_KEY]
        )
        (_, isolation) = cursor.fetchone()
        if isolation != "read committed":
            # Under a snapshot taken before the lock was granted, the newest entry could be
            # invisible and two entries would claim the same predecessor.
            raise SimisError(AuditError.ISOLATION_UNSUPPORTED, level=isolation)
        # The id is drawn under the lock too, so id order is chain order.
        cursor.execute(
            f"SELECT nextval(pg_get_serial_sequence(%s, 'id')), "  # noqa: S608 - table name is ours
            f"(SELECT hash FROM {connection.ops.quote_name(table)} ORDER BY id DESC LIMIT 1)",
            [table],
        )
        (entry_id, last_hash) = cursor.fetchone()

    fields = ChainFields(
        id=entry_id,
        # Taken under the lock so occurred_at never goes backwards along the chain; PostgreSQL
        # keeps microseconds, exactly what Python's clock gives.
        occurred_at=timezone.now(),
        actor_id=actor_id,
        actor_label=actor_label,
        actor_audience=actor_audience,
        action=code,
        subject_type=stored_subject_type,
        subject_id=stored_subject_id,
        before=before_value,
        after=after_value,
        extra=extra_value,
        request_id=request_id,
        ip=ip,
        user_agent=user_agent,
        outcome=outcome_value,
        prev_hash=last_hash or GENESIS_HASH,
    )
    return AuditEntry.objects.create(**fields.__dict__, hash=fields.hash())


def audit_chain_verification_record(*, result: VerifyResult, actor: Any = None) -> AuditEntry:
    """Record that the chain was verified and what was found — evidence for auditors that checks
    run. A broken chain is recorded with outcome ``failed`` and the entry where it broke."""
    return audit_record(
        actor=actor,
        action=AuditAction.CHAIN_VERIFIED if result.ok else AuditAction.CHAIN_BROKEN,
        outcome=AuditOutcome.SUCCESS if result.ok else AuditOutcome.FAILED,
        extra={
            "checked": result.checked,
            "first_broken_id": result.first_broken_id,
            "reason": result.reason.value if result.reason else None,
        },
    )
