"""Services of the web-service app: partner and certificate lifecycle (audited), nonces and
idempotency records, the purge job."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from django.db import transaction
from django.utils import timezone

from simis.api import services, tasks
from simis.api.models import IdempotencyRecord, PartnerStatus, UsedNonce
from simis.api.tests.conftest import PartnerIdentity, certificate_for
from simis.audit.public import audit_entries_for
from simis.core.errors import SimisError

pytestmark = pytest.mark.django_db


def test_registering_a_partner_is_audited():
    partner = services.partner_register(
        code="dr-huda-hospital",
        name_ar="مستشفى الهدى",
        name_en="Al Huda Hospital",
        kind="hospital",
        organisation_key="H-17",
    )
    assert partner.code == "DR-HUDA-HOSPITAL"
    assert partner.status == PartnerStatus.ACTIVE
    entry = audit_entries_for(partner).get()
    assert entry.action == "api.partner_registered"
    assert entry.after["organisation_key"] == "H-17"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"code": "NOUR-TRADING"}, "API-311"),
        ({"code": "no spaces"}, "API-310"),
        ({"name_ar": " "}, "API-312"),
        ({"kind": "insurer"}, "API-315"),
    ],
)
def test_a_partner_registration_is_refused_when(nour: PartnerIdentity, fields, code):
    values = {"code": "NEW-ONE", "name_ar": "جديد", "name_en": "New", "kind": "bank", **fields}
    with pytest.raises(SimisError) as refused:
        services.partner_register(**values)
    assert refused.value.code == code


def test_a_certificate_is_registered_once_and_audited(nour: PartnerIdentity, badr: PartnerIdentity):
    entry = audit_entries_for(nour.certificate).get()
    assert entry.action == "api.certificate_added"
    assert entry.extra["fingerprint_sha256"] == nour.certificate.fingerprint_sha256
    with pytest.raises(SimisError) as refused:
        services.partner_certificate_add(partner=badr.partner, pem=nour.certificate.pem)
    assert refused.value.code == "API-305"


def test_a_partner_may_hold_several_certificates_for_a_key_rollover(nour: PartnerIdentity):
    new = services.partner_certificate_add(
        partner=nour.partner, pem=certificate_for(ed25519.Ed25519PrivateKey.generate())
    )
    assert set(nour.partner.certificates.values_list("keyid", flat=True)) == {nour.keyid, new.keyid}


def test_onboarding_is_all_or_nothing():
    with pytest.raises(SimisError):
        services.partner_onboard(
            code="HALF-DONE", name_ar="ن", name_en="N", kind="bank", certificate_pem="not a certificate"
        )
    from simis.api.selectors import partner_by_code

    assert partner_by_code("HALF-DONE") is None


def test_revoking_is_final_and_audited(nour: PartnerIdentity):
    services.partner_certificate_revoke(certificate=nour.certificate, reason="key leaked")
    nour.certificate.refresh_from_db()
    assert nour.certificate.revoked_at is not None
    assert nour.certificate.revocation_reason == "key leaked"
    assert audit_entries_for(nour.certificate).first().action == "api.certificate_revoked"
    with pytest.raises(SimisError) as refused:
        services.partner_certificate_revoke(certificate=nour.certificate)
    assert refused.value.code == "API-306"


def test_suspending_and_reactivating_are_audited_and_idempotent(nour: PartnerIdentity):
    services.partner_suspend(partner=nour.partner, reason="unpaid fees")
    services.partner_suspend(partner=nour.partner)
    services.partner_reactivate(partner=nour.partner)
    nour.partner.refresh_from_db()
    assert nour.partner.status == PartnerStatus.ACTIVE
    actions = list(audit_entries_for(nour.partner).values_list("action", flat=True))
    assert actions[:2] == ["api.partner_reactivated", "api.partner_suspended"]
    assert actions.count("api.partner_suspended") == 1


def test_a_nonce_is_accepted_once_per_key_and_purged_after_its_lifetime():
    now = timezone.now()
    life = dt.timedelta(minutes=6)
    assert services.nonce_remember(keyid="k1", nonce="n", now=now, lifetime=life)
    assert not services.nonce_remember(keyid="k1", nonce="n", now=now, lifetime=life)
    assert services.nonce_remember(keyid="k2", nonce="n", now=now, lifetime=life)
    assert services.nonce_purge(now=now + dt.timedelta(minutes=5)) == 0
    assert services.nonce_purge(now=now + dt.timedelta(minutes=7)) == 2
    assert not UsedNonce.objects.exists()


def _begin(partner_id: int, key: str = "k", body_hash: str = "h" * 64):
    return services.idempotency_begin(
        partner_id=partner_id,
        key=key,
        request_hash=body_hash,
        method="POST",
        path="/api/v1/echo",
        now=timezone.now(),
    )


def test_an_idempotency_key_is_claimed_then_replayed_then_refused_for_another_request(nour: PartnerIdentity):
    with transaction.atomic():
        start = _begin(nour.partner.pk)
        assert not start.replay
        services.idempotency_complete(
            record=start.record,
            status=201,
            headers=[("Content-Type", "application/json")],
            body=b"{}",
            now=timezone.now(),
        )
    with transaction.atomic():
        again = _begin(nour.partner.pk)
    assert again.replay and again.record.response_status == 201 and bytes(again.record.response_body) == b"{}"
    with pytest.raises(SimisError) as refused, transaction.atomic():
        _begin(nour.partner.pk, body_hash="x" * 64)
    assert refused.value.code == "API-203"


def test_idempotency_records_are_kept_at_least_a_day(nour: PartnerIdentity):
    now = timezone.now()
    for key, age in (("old", 25), ("recent", 23)):
        IdempotencyRecord.objects.create(
            partner=nour.partner,
            key=key,
            request_hash="h",
            method="POST",
            path="/",
            created_at=now - dt.timedelta(hours=age),
        )
    with pytest.raises(ValueError):
        services.idempotency_purge(older_than=dt.timedelta(hours=1), now=now)
    assert services.idempotency_purge(now=now) == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]


def test_the_hourly_job_purges_both(nour: PartnerIdentity):
    now = timezone.now()
    IdempotencyRecord.objects.create(
        partner=nour.partner,
        key="old",
        request_hash="h",
        method="POST",
        path="/",
        created_at=now - dt.timedelta(days=2),
    )
    UsedNonce.objects.create(keyid="k", nonce="n", seen_at=now, expires_at=now - dt.timedelta(seconds=1))
    tasks.api_records_purge(timestamp=int(now.timestamp()))
    assert not IdempotencyRecord.objects.exists()
    assert not UsedNonce.objects.exists()
    assert tasks.api_records_purge.queue == "maintenance"
