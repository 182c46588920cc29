"""Verification finds exactly the entry where the chain stops holding — and says so on the CLI."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from simis.audit.chain import ChainFields
from simis.audit.models import AuditEntry
from simis.audit.public import AuditAction, ChainBreak, audit_chain_verify, audit_record


@pytest.fixture
def five_entries(khalid, sara):  # type: ignore[no-untyped-def]
    """Khalid changes Sara's record five times."""
    return [
        audit_record(actor=khalid, action="identity.user_changed", subject=sara, after={"step": step})
        for step in range(5)
    ]


def _verify_cli(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_empty_log_is_intact():
    assert audit_chain_verify().ok
    with translation.override("en"):
        assert _verify_cli().strip() == "chain intact: 0 entries checked"


@pytest.mark.django_db
def test_intact_chain_is_reported_with_its_count(five_entries):
    assert audit_chain_verify(batch_size=2) == audit_chain_verify().__class__(ok=True, checked=5)
    with translation.override("en"):
        assert _verify_cli("--batch-size", "2").strip() == "chain intact: 5 entries checked"


@pytest.mark.django_db
def test_tampered_middle_row_is_named_and_the_command_fails(five_entries, as_superuser):
    """A DBA switches the trigger off, rewrites what Khalid did to Sara, switches it back on."""
    victim = five_entries[2]
    as_superuser(
        "UPDATE audit_auditentry SET after = %s::jsonb WHERE id = %s", [json.dumps({"step": 99}), victim.id]
    )

    result = audit_chain_verify(batch_size=2)
    assert (result.ok, result.first_broken_id, result.reason, result.checked) == (
        False,
        victim.id,
        ChainBreak.CONTENT_CHANGED,
        3,
    )
    with translation.override("en"), pytest.raises(CommandError) as broken:
        _verify_cli()
    assert broken.value.returncode != 0
    assert str(broken.value).startswith(f"chain BROKEN at entry #{victim.id}: ")
    assert "altered" in str(broken.value)


@pytest.mark.django_db
def test_tampered_and_rehashed_row_breaks_the_next_link(five_entries, as_superuser):
    """Re-computing the altered row's hash does not help: the next entry still names the old one."""
    victim = five_entries[1]
    forged = AuditEntry.objects.get(pk=victim.id)
    forged.after = {"step": 99}
    as_superuser(
        "UPDATE audit_auditentry SET after = %s::jsonb, hash = %s WHERE id = %s",
        [json.dumps(forged.after), ChainFields.of(forged).hash(), victim.id],
    )
    result = audit_chain_verify()
    assert (result.first_broken_id, result.reason) == (five_entries[2].id, ChainBreak.LINK_BROKEN)


@pytest.mark.django_db
@pytest.mark.parametrize("position", [0, 2])
def test_deleted_row_is_detected_at_its_successor(five_entries, as_superuser, position):
    """Removing an entry (the first or one in the middle) breaks its successor's link."""
    as_superuser("DELETE FROM audit_auditentry WHERE id = %s", [five_entries[position].id])
    result = audit_chain_verify(batch_size=3)
    assert not result.ok
    assert (result.first_broken_id, result.reason) == (five_entries[position + 1].id, ChainBreak.LINK_BROKEN)
    with translation.override("en"), pytest.raises(CommandError) as broken:
        _verify_cli()
    assert f"#{five_entries[position + 1].id}:" in str(broken.value)


@pytest.mark.django_db
def test_command_speaks_arabic_by_default(five_entries, as_superuser):
    with translation.override("ar"):
        assert "5" in _verify_cli() and "chain intact" not in _verify_cli()
        as_superuser("DELETE FROM audit_auditentry WHERE id = %s", [five_entries[3].id])
        with pytest.raises(CommandError) as broken:
            _verify_cli()
    assert f"#{five_entries[4].id}" in str(broken.value)
    assert "BROKEN" not in str(broken.value)


@pytest.mark.django_db
def test_record_flag_leaves_evidence_in_the_chain(five_entries):
    _verify_cli("--record")
    last = AuditEntry.objects.order_by("-id").first()
    assert last is not None
    assert (last.action, last.outcome, last.extra["checked"]) == (AuditAction.CHAIN_VERIFIED, "success", 5)
    assert audit_chain_verify().checked == 6


@pytest.mark.django_db
def test_bad_batch_size_is_refused():
    with pytest.raises(CommandError):
        _verify_cli("--batch-size", "0")
