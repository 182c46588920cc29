"""Management commands, SIMIS's own signing key and the system check."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from django.core.management import call_command
from django.core.management.base import CommandError

from simis.api import checks, server_key, signatures
from simis.api.client import SimisClient
from simis.api.selectors import partner_by_code
from simis.api.tests.conftest import certificate_for, django_transport
from simis.core.errors import SimisError


@pytest.mark.django_db
def test_partner_register_registers_a_partner_with_its_certificate(tmp_path: Path):
    pem = tmp_path / "certificate.pem"
    pem.write_text(certificate_for(ed25519.Ed25519PrivateKey.generate()))
    out = StringIO()
    call_command(
        "partner_register",
        "--code=MOH-AGENCY",
        "--name-ar=وزارة الصحة",
        "--name-en=Ministry of Health",
        "--kind=agency",
        f"--certificate={pem}",
        stdout=out,
    )
    partner = partner_by_code("MOH-AGENCY")
    assert partner is not None and partner.kind == "agency"
    assert partner.certificates.get().keyid in out.getvalue()
    with pytest.raises(CommandError, match="API-311"):
        call_command(
            "partner_register",
            "--code=MOH-AGENCY",
            "--name-ar=و",
            "--name-en=M",
            "--kind=agency",
            f"--certificate={pem}",
        )


@pytest.mark.django_db
def test_partner_demo_makes_a_partner_that_can_call_the_api(tmp_path: Path, client, settings):
    settings.SIMIS_PUBLIC_URL = "http://127.0.0.1:8000"
    out = StringIO()
    call_command("partner_demo", f"--directory={tmp_path}", stdout=out)
    call_command("partner_demo", f"--directory={tmp_path}", stdout=StringIO())  # running it again is harmless
    printed = out.getvalue()
    assert "python -m simis.api.client --base-url http://127.0.0.1:8000" in printed
    assert "GET /api/v1/whoami" in printed
    certificate = signatures.certificate_load((tmp_path / "certificate.pem").read_bytes())
    keyid = signatures.certificate_keyid(certificate)
    assert keyid in printed
    assert oct((tmp_path / "key.pem").stat().st_mode & 0o777) == "0o600"
    api = SimisClient(
        "http://127.0.0.1:8000",
        keyid,
        (tmp_path / "key.pem").read_bytes(),
        (tmp_path / "simis-certificate.pem").read_bytes(),
        transport=django_transport(client),
    )
    assert api.get("/api/v1/whoami").json()["partner_code"] == "NOUR-TRADING"


def test_partner_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = settings.TESTING = settings.DEMO = False
    with pytest.raises(CommandError):
        call_command("partner_demo")


def _key_files(tmp_path: Path, key, certificate_key=None) -> tuple[str, str]:
    key_path, certificate_path = tmp_path / "key.pem", tmp_path / "certificate.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    certificate_path.write_text(certificate_for(certificate_key or key))
    return str(key_path), str(certificate_path)


def test_a_configured_signing_key_is_used(tmp_path: Path, settings):
    key = ed25519.Ed25519PrivateKey.generate()
    settings.SIMIS_API_SIGNING_KEY, settings.SIMIS_API_SIGNING_CERTIFICATE = _key_files(tmp_path, key)
    identity = server_key.server_identity()
    assert identity.alg == "ed25519"
    assert identity.private_key.public_key().public_bytes_raw() == key.public_key().public_bytes_raw()


def test_a_certificate_for_another_key_is_refused(tmp_path: Path, settings):
    settings.SIMIS_API_SIGNING_KEY, settings.SIMIS_API_SIGNING_CERTIFICATE = _key_files(
        tmp_path, ed25519.Ed25519PrivateKey.generate(), ed25519.Ed25519PrivateKey.generate()
    )
    with pytest.raises(SimisError) as refused:
        server_key.server_identity()
    assert refused.value.code == "API-501"


def test_production_without_a_signing_key_refuses_and_fails_the_check(settings):
    settings.DEBUG = settings.TESTING = settings.DEMO = False
    settings.SIMIS_API_SIGNING_KEY = settings.SIMIS_API_SIGNING_CERTIFICATE = ""
    with pytest.raises(SimisError):
        server_key.server_identity()
    assert [message.id for message in checks.signing_key_configured()] == ["simis_api.E001"]


def test_development_generates_one_key_pair_and_keeps_it(tmp_path: Path, settings):
    settings.VAR_DIR = tmp_path
    first = server_key.server_identity()
    second = server_key.server_identity()
    assert first.keyid == second.keyid
    assert oct((tmp_path / "api-signing" / "simis-api-key.pem").stat().st_mode & 0o777) == "0o600"
    certificate = first.certificate
    assert certificate.not_valid_after_utc - certificate.not_valid_before_utc > dt.timedelta(days=3000)


@pytest.mark.django_db
def test_without_a_signing_key_answers_are_a_coded_500(caller, nour, settings):
    settings.DEBUG = settings.TESTING = settings.DEMO = False
    settings.SIMIS_API_SIGNING_KEY = settings.SIMIS_API_SIGNING_CERTIFICATE = ""
    response = caller.call(nour, "GET", "/api/v1/whoami")
    assert response.status_code == 500
    assert response.json()["code"] == "API-501"
