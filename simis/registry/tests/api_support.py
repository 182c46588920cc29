"""Helpers of the registry web-service tests (``test_api_*.py``): partner systems with real keys
and certificates for the personas' organisations, and checks of coded refusals and of SIMIS's
signature on answers. Calls are signed for real by ``simis.api.tests.conftest.SignedCaller``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from simis.api.client import response_verify
from simis.api.models import PartnerKind
from simis.api.services import partner_certificate_add, partner_register
from simis.api.tests.conftest import (
    KEY_MAKERS,
    PartnerIdentity,
    certificate_for,
    public_url,
    response_headers,
)
from simis.audit.models import AuditEntry

REGISTRY = "/api/v1/registry"
GOV = "/api/v1/gov"


def partner_make(
    code: str,
    *,
    kind: str,
    organisation_key: str,
    name_ar: str = "نظام شريك",
    name_en: str = "Partner system",
) -> PartnerIdentity:
    """A registered, active partner with an Ed25519 key and a certificate valid today."""
    key = KEY_MAKERS["ed25519"]()
    partner = partner_register(
        code=code, name_ar=name_ar, name_en=name_en, kind=kind, organisation_key=organisation_key
    )
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    certificate = partner_certificate_add(
        partner=partner, pem=certificate_for(key, start=start, name=code), now=start + dt.timedelta(hours=1)
    )
    return PartnerIdentity(partner=partner, certificate=certificate, key=key)


def employer_system(code: str, establishment: Any) -> PartnerIdentity:
    return partner_make(code, kind=PartnerKind.EMPLOYER_SYSTEM, organisation_key=establishment.number)


def agency(code: str = "MHRSD") -> PartnerIdentity:
    """A government agency's system (the labour ministry in the examples)."""
    return partner_make(
        code, kind=PartnerKind.AGENCY, organisation_key=code, name_ar="وزارة الموارد البشرية", name_en="MHRSD"
    )


def assert_refused(response: Any, status: int, code: str) -> dict[str, Any]:
    """A coded refusal in both languages (Arabic first by default)."""
    body: dict[str, Any] = response.json()
    assert response.status_code == status, body
    assert body["code"] == code, body
    assert body["message_ar"] and body["message_en"] and body["message_ar"] != body["message_en"], body
    assert body["message"] == body["message_ar"]
    return body


def assert_signed_by_simis(client: Any, response: Any, method: str, path: str) -> None:
    """The answer carries SIMIS's signature, bound to the request that was sent."""
    response_verify(
        status=response.status_code,
        headers=response_headers(response),
        body=response.content,
        request_method=method,
        request_url=public_url(path),
        request_signature=response.signed_fields.get("Signature"),
        certificate_pem=client.get("/api/v1/.well-known/simis-certificate").content,
    )


def partner_entries(partner_code: str, action: str = "registry.partner_request") -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, extra__partner=partner_code).order_by("id"))


def today() -> dt.date:
    return timezone.localdate()


def first_of_this_month() -> dt.date:
    return today().replace(day=1)
