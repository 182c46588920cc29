"""audit_record: what an entry holds, and that entries chain."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import RequestFactory, override_settings

from simis.audit.chain import GENESIS_HASH, ChainFields
from simis.audit.models import AuditEntry, AuditOutcome
from simis.audit.public import audit_chain_verify, audit_record, model_snapshot
from simis.core.errors import SimisError


@pytest.mark.django_db
def test_entries_chain_from_genesis(khalid, sara):
    """Each entry names the hash of the one before; the first names the genesis hash."""
    first = audit_record(actor=khalid, action="identity.user_changed", subject=sara)
    second = audit_record(actor=None, action="identity.login_failed", extra={"username": "sara"})
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert second.id > first.id
    assert len(first.hash) == 64 and first.hash != second.hash
    assert audit_chain_verify() == audit_chain_verify().__class__(ok=True, checked=2)


@pytest.mark.django_db
def test_entry_records_actor_subject_and_snapshots(khalid, sara):
    """Who (copied, no foreign key), which record, and before/after in plain JSON."""
    before = model_snapshot(sara, fields=["first_name", "audience"])
    sara.first_name = "Sara"
    sara.save()
    entry = audit_record(
        actor=khalid,
        action="identity.user_changed",
        subject=sara,
        before=before,
        after=model_snapshot(sara, fields=["first_name", "audience"]),
    )
    entry.refresh_from_db()
    assert entry.actor_id == khalid.pk
    assert entry.actor_label == "khalid (Khalid Al-Harbi)"
    assert entry.actor_audience == "staff"
    assert (entry.subject_type, entry.subject_id) == ("identity.user", str(sara.pk))
    assert entry.before == {"first_name": "", "audience": "contributor"}
    assert entry.after == {"first_name": "Sara", "audience": "contributor"}
    assert entry.outcome == AuditOutcome.SUCCESS


@pytest.mark.django_db
def test_system_actor_and_explicit_subject():
    entry = audit_record(
        actor=None, action="registry.engagement_terminated", subject_type="registry.engagement", subject_id=42
    )
    assert (entry.actor_id, entry.actor_label, entry.actor_audience) == (None, "system", "system")
    assert (entry.subject_type, entry.subject_id) == ("registry.engagement", "42")


@pytest.mark.django_db
def test_hash_survives_storage_of_awkward_values(khalid):
    """Decimals, dates, UUIDs, floats and Arabic text hash the same after the jsonb round trip."""
    awkward = {
        "amount": Decimal("1250.50"),
        "tiny": Decimal("1E-7"),
        "on": dt.date(2024, 7, 3),
        "at": dt.datetime(2024, 7, 3, 9, 30, 0, 123456, tzinfo=dt.UTC),
        "ref": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "ratio": 0.1,
        "big": 1e20,
        "name": "نور للتجارة",
        "nested": [{"b": 2, "a": 1}, None, True],
    }
    entry = audit_record(actor=khalid, action="contributions.bill_issued", after=awkward)
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.after["amount"] == "1250.50"
    assert stored.after["tiny"] == "0.0000001"
    assert stored.after["at"] == "2024-07-03T09:30:00.123456Z"
    assert ChainFields.of(stored).hash() == stored.hash
    assert stored.occurred_at == entry.occurred_at  # microseconds kept


@pytest.mark.django_db
def test_request_gives_ip_user_agent_and_request_id(khalid):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.7", HTTP_USER_AGENT="Firefox\x00/128")
    request.request_id = "abc123def456"
    entry = audit_record(actor=khalid, action="identity.login_succeeded", request=request)
    entry.refresh_from_db()
    assert (entry.ip, entry.user_agent, entry.request_id) == ("10.0.0.7", "Firefox/128", "abc123def456")
    assert ChainFields.of(entry).hash() == entry.hash


@pytest.mark.django_db
def test_forwarded_for_is_ignored_unless_behind_a_proxy(khalid):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert audit_record(actor=khalid, action="identity.logout", request=request).ip == "10.0.0.1"
    with override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        # Only the hop our own proxy appended is trusted, not what the client claimed.
        assert audit_record(actor=khalid, action="identity.logout", request=request).ip == "203.0.113.9"


@pytest.mark.django_db
def test_ipv4_mapped_address_hashes_as_stored(khalid):
    request = RequestFactory().get("/", REMOTE_ADDR="::ffff:192.0.2.5")
    entry = audit_record(actor=khalid, action="identity.logout", request=request)
    entry.refresh_from_db()
    assert entry.ip == "192.0.2.5"
    assert audit_chain_verify().ok


@pytest.mark.django_db
def test_request_id_falls_back_to_the_current_one(khalid):
    from simis.core.middleware import _request_id

    token = _request_id.set("job-77")
    try:
        entry = audit_record(actor=khalid, action="identity.logout", request=RequestFactory().get("/"))
    finally:
        _request_id.reset(token)
    assert entry.request_id == "job-77"
    assert audit_record(actor=None, action="identity.logout").request_id == ""


@pytest.mark.django_db
def test_refused_outcome_is_recorded(khalid):
    entry = audit_record(actor=khalid, action="identity.permission_refused", outcome=AuditOutcome.REFUSED)
    assert entry.outcome == "refused"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"action": "login failed"}, "AUDIT-001"),
        ({"action": "x" * 200 + ".y"}, "AUDIT-001"),
        ({"action": "identity.logout", "outcome": "maybe"}, "AUDIT-004"),
        (
            {"action": "identity.logout", "subject_type": "identity.user", "subject_id": 1, "subject": "s"},
            "AUDIT-003",
        ),
    ],
)
def test_bad_calls_are_refused_with_a_code(kwargs, code, sara):
    if kwargs.get("subject") == "s":
        kwargs["subject"] = sara
    with pytest.raises(SimisError) as refused:
        audit_record(actor=None, **kwargs)
    assert refused.value.code == code
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_unsaved_subject_is_refused():
    from django.contrib.auth import get_user_model

    with pytest.raises(SimisError) as refused:
        audit_record(actor=None, action="identity.user_created", subject=get_user_model()(username="ghost"))
    assert refused.value.code == "AUDIT-002"


@pytest.mark.django_db
def test_rolled_back_action_leaves_no_entry_and_chain_stays_intact(khalid, sara):
    """The entry shares the business transaction: if the action fails, so does its record."""
    kept = audit_record(actor=khalid, action="identity.user_changed", subject=sara)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=khalid, action="identity.user_deactivated", subject=sara)
        raise RuntimeError("the service failed after recording")
    after = audit_record(actor=khalid, action="identity.logout")
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "identity.user_changed",
        "identity.logout",
    ]
    assert after.prev_hash == kept.hash
    assert audit_chain_verify().ok


@pytest.mark.django_db
def test_snapshot_redacts_secrets_and_uses_attnames(khalid):
    snap = model_snapshot(khalid)
    assert snap["password"] == "[redacted]"
    assert snap["username"] == "khalid"
    assert isinstance(snap["date_joined"], str) and snap["date_joined"].endswith("Z")


@pytest.mark.django_db(transaction=True)
def test_repeatable_read_transaction_is_refused():
    from django.db import connection

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        with pytest.raises(SimisError) as refused:
            audit_record(actor=None, action="identity.logout")
    assert refused.value.code == "AUDIT-005"
