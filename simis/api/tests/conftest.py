"""Fixtures of the web-service tests: partner personas with real keys and certificates, and a
helper that signs a call the way a partner system does and sends it through Django's client."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from django.conf import settings
from django.test import Client

from simis.api import signatures
from simis.api.client import RawResponse, sign_request
from simis.api.models import Partner, PartnerCertificate, PartnerKind
from simis.api.server_key import self_signed_certificate
from simis.api.services import partner_certificate_add, partner_register

KEY_MAKERS: dict[str, Callable[[], Any]] = {
    "ed25519": ed25519.Ed25519PrivateKey.generate,
    "ecdsa-p256-sha256": lambda: ec.generate_private_key(ec.SECP256R1()),
    "rsa-pss-sha512": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
}


def certificate_for(
    key: Any, *, days: int = 365, start: dt.datetime | None = None, name: str = "test"
) -> str:
    start = start or dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    return self_signed_certificate(
        key, name, not_before=start, not_after=start + dt.timedelta(days=days)
    ).decode()


@dataclass
class PartnerIdentity:
    """A registered partner with the private key of one of its certificates."""

    partner: Partner
    certificate: PartnerCertificate
    key: Any

    @property
    def keyid(self) -> str:
        return self.certificate.keyid


def make_partner(
    code: str = "NOUR-TRADING",
    *,
    algorithm: str = "ed25519",
    kind: str = PartnerKind.EMPLOYER_SYSTEM,
    certificate_days: int = 365,
    certificate_start: dt.datetime | None = None,
) -> PartnerIdentity:
    key = KEY_MAKERS[algorithm]()
    partner = Partner.objects.filter(code=code).first() or partner_register(
        code=code,
        name_ar="نور للتجارة",
        name_en="Nour Trading",
        kind=kind,
        organisation_key="1010000001",
    )
    start = certificate_start or dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    pem = certificate_for(key, days=certificate_days, start=start, name=code)
    certificate = partner_certificate_add(partner=partner, pem=pem, now=start + dt.timedelta(hours=1))
    return PartnerIdentity(partner=partner, certificate=certificate, key=key)


@pytest.fixture
def nour(db: Any) -> PartnerIdentity:
    """Nour Trading's payroll system: an active employer partner with an Ed25519 key."""
    return make_partner()


@pytest.fixture
def badr(db: Any) -> PartnerIdentity:
    """Badr Builders' system: another active partner, with its own key."""
    return make_partner("BADR-BUILDERS")


def public_url(path: str) -> str:
    return settings.SIMIS_PUBLIC_URL.rstrip("/") + path


class SignedCaller:
    """Sends calls as a partner through Django's test client, signed for real."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def call(
        self,
        identity: PartnerIdentity | None,
        method: str,
        path: str,
        payload: Any = None,
        *,
        body: bytes | None = None,
        idempotency_key: str | None = "key-1",
        headers: Mapping[str, str] | None = None,
        sign_key: Any = None,
        keyid: str | None = None,
        created: int | None = None,
        nonce: str | None = None,
        signed_path: str | None = None,
        sent_body: bytes | None = None,
        drop: tuple[str, ...] = (),
    ) -> Any:
        """``sign_key``/``keyid`` sign as someone else; ``signed_path`` signs another address
        than the one sent to; ``sent_body`` sends other bytes than were signed; ``drop``
        removes headers after signing."""
        method = method.upper()
        if body is None:
            body = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else b""
        fields: dict[str, str] = {"Accept-Language": "ar", **(headers or {})}
        if payload is not None or body:
            fields["Content-Type"] = "application/json"
        if method in ("POST", "PUT", "PATCH", "DELETE") and idempotency_key is not None:
            fields["Idempotency-Key"] = idempotency_key
        if identity is not None or sign_key is not None:
            key = sign_key or identity.key  # type: ignore[union-attr]
            fields.update(
                sign_request(
                    method,
                    public_url(signed_path or path),
                    fields,
                    body,
                    keyid or identity.keyid,  # type: ignore[union-attr]
                    key,
                    created=created,
                    nonce=nonce,
                )
            )
        for name in drop:
            fields.pop(name, None)
        content_type = fields.pop("Content-Type", "application/octet-stream")
        response = self.client.generic(
            method,
            path,
            data=sent_body if sent_body is not None else body,
            content_type=content_type,
            headers=fields,
        )
        response.signed_fields = fields
        return response


@pytest.fixture
def caller(client: Client) -> SignedCaller:
    return SignedCaller(client)


def django_transport(client: Client) -> Callable[[str, str, dict[str, str], bytes], RawResponse]:
    """A ``SimisClient`` transport over Django's test client (no network)."""

    def send(method: str, url: str, headers: dict[str, str], body: bytes) -> RawResponse:
        fields = dict(headers)
        content_type = fields.pop("Content-Type", "application/octet-stream")
        path = url.split("://", 1)[-1]
        path = path[path.index("/") :]
        response = client.generic(method, path, data=body, content_type=content_type, headers=fields)
        return RawResponse(response.status_code, list(response.items()), response.content)

    return send


def response_headers(response: Any) -> dict[str, str]:
    return signatures.headers_normalise(response.items())
