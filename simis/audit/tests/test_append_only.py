"""The database itself refuses to change or remove audit entries (migration 0002)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from simis.audit.models import AuditEntry
from simis.audit.public import audit_record


@pytest.fixture
def entry(khalid):  # type: ignore[no-untyped-def]
    return audit_record(actor=khalid, action="identity.user_changed", after={"first_name": "Khalid"})


def _refused(sql: str, params: list[object]) -> str:
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(refused.value)


@pytest.mark.django_db
def test_raw_update_is_refused(entry):
    message = _refused("UPDATE audit_auditentry SET after = '{}'::jsonb WHERE id = %s", [entry.id])
    assert "AUDIT-006" in message and "UPDATE" in message
    entry.refresh_from_db()
    assert entry.after == {"first_name": "Khalid"}


@pytest.mark.django_db
def test_raw_delete_is_refused(entry):
    message = _refused("DELETE FROM audit_auditentry WHERE id = %s", [entry.id])
    assert "AUDIT-006" in message and "DELETE" in message
    assert AuditEntry.objects.filter(pk=entry.id).exists()


@pytest.mark.django_db
def test_truncate_is_refused(entry):
    assert "TRUNCATE" in _refused("TRUNCATE audit_auditentry", [])
    assert AuditEntry.objects.count() == 1


@pytest.mark.django_db
def test_orm_update_and_delete_are_refused_too(entry):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(outcome="failed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).outcome == "success"
