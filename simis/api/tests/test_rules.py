"""Pure rules of the web-service surface. No database."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from simis.api import rules
from simis.api.server_key import self_signed_certificate
from simis.core.errors import SimisError

NOW = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def _certificate(key, *, start=NOW - dt.timedelta(days=1), days=365, digital_signature=True) -> str:
    return self_signed_certificate(
        key,
        "t",
        not_before=start,
        not_after=start + dt.timedelta(days=days),
        digital_signature=digital_signature,
    ).decode()


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "ar"),
        ("", "ar"),
        ("fr-FR, de", "ar"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("ar-SA,en;q=0.8", "ar"),
        ("fr, en;q=0.5, ar;q=0.7", "ar"),
        ("ar;q=0, en", "en"),
        ("en;q=oops, ar;q=0.1", "ar"),
        ("*", "ar"),
    ],
)
def test_the_answer_language_comes_from_accept_language(header, language):
    assert rules.language_from_accept(header) == language


@pytest.mark.parametrize("header", ["9b2f0c5e-1a7d-4e0f-8c55-2f6f0f1b6a11", '"quoted-form"', "x"])
def test_usable_idempotency_keys(header):
    assert rules.idempotency_key_read(header) == header.strip('"')


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "API-201"),
        ("  ", "API-201"),
        ("a b", "API-202"),
        ("k" * 256, "API-202"),
        ('""', "API-202"),
        ("مفتاح", "API-202"),
    ],
)
def test_unusable_idempotency_keys(header, code):
    with pytest.raises(SimisError) as refused:
        rules.idempotency_key_read(header)
    assert refused.value.code == code


def test_the_target_uri_joins_the_public_address_path_and_query():
    assert (
        rules.target_uri("https://simis.example.gov.sa/", "/api/v1/x", "")
        == "https://simis.example.gov.sa/api/v1/x"
    )
    assert (
        rules.target_uri("https://h/prefix", "/api/v1/x", "a=1&b=%20")
        == "https://h/prefix/api/v1/x?a=1&b=%20"
    )


def test_the_request_fingerprint_separates_its_parts():
    base = rules.request_fingerprint("POST", "/api/v1/echo", b"{}")
    assert base == rules.request_fingerprint("post", "/api/v1/echo", b"{}")
    assert base != rules.request_fingerprint("PUT", "/api/v1/echo", b"{}")
    assert base != rules.request_fingerprint("POST", "/api/v1/echo?x=1", b"{}")
    assert base != rules.request_fingerprint("POST", "/api/v1/echo", b"{} ")
    # Moving bytes between path and body must not give the same fingerprint.
    assert rules.request_fingerprint("POST", "/a", b"b") != rules.request_fingerprint("POST", "/ab", b"")


def test_partner_codes_are_capitals_digits_and_hyphens():
    assert rules.partner_code_normalise(" nour-trading ") == "NOUR-TRADING"
    for bad in ("", "N", "NOUR TRADING", "-NOUR", "نور", "X" * 33):
        with pytest.raises(SimisError):
            rules.partner_code_normalise(bad)


@pytest.mark.parametrize(
    ("make", "algorithm"),
    [
        (ed25519.Ed25519PrivateKey.generate, "ed25519"),
        (lambda: ec.generate_private_key(ec.SECP256R1()), "ecdsa-p256-sha256"),
        (lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048), "rsa-pss-sha512"),
    ],
)
def test_a_usable_certificate_is_described(make, algorithm):
    facts = rules.certificate_inspect(_certificate(make()), now=NOW)
    assert facts.algorithm == algorithm
    assert facts.subject == "CN=t"
    assert facts.not_before == NOW - dt.timedelta(days=1)
    assert len(facts.keyid) == 43 and len(facts.fingerprint_sha256) == 64
    assert facts.pem.startswith("-----BEGIN CERTIFICATE-----")


@pytest.mark.parametrize(
    ("pem", "code"),
    [
        (lambda: "garbage", "API-301"),
        (
            lambda: _certificate(ed25519.Ed25519PrivateKey.generate(), start=NOW - dt.timedelta(days=400)),
            "API-302",
        ),
        (
            lambda: _certificate(ed25519.Ed25519PrivateKey.generate(), start=NOW + dt.timedelta(days=2)),
            "API-303",
        ),
        (lambda: _certificate(ec.generate_private_key(ec.SECP384R1())), "API-304"),
        (lambda: _certificate(rsa.generate_private_key(public_exponent=65537, key_size=1024)), "API-304"),  # noqa: S505
        (lambda: _certificate(ed25519.Ed25519PrivateKey.generate(), digital_signature=False), "API-307"),
    ],
    ids=["unreadable", "expired", "not-yet-valid", "p384", "rsa1024", "no-digital-signature"],
)
def test_certificates_that_cannot_sign_requests_today_are_refused(pem, code):
    with pytest.raises(SimisError) as refused:
        rules.certificate_inspect(pem(), now=NOW)
    assert refused.value.code == code
