"""The demo bank (``make run``): a partner system of kind ``bank`` with its own key pair under
``var/demo-bank/``, the finance officers' job function, and how the demo commands call the
real signed web services over HTTP.

The bank is a separate program, as a real bank's system would be: the commands run the
standard-library client (``python -m simis.api.client``) against the running server, so every
call is signed, checked by the gateway and answered with SIMIS's signature, exactly as a bank's
would be. SIMIS's certificate is fetched from ``/api/v1/.well-known/simis-certificate`` on first
use and pinned in ``var/demo-bank/simis-certificate.pem``."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import secrets
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.db import transaction

from simis.identity.public import Audience

BANK_CODE = "DEMO-BANK"
BANK_NAME_AR = "البنك التجريبي"
BANK_NAME_EN = "Demo Bank"
FINANCE_FUNCTION = ("finance-officer", "موظف المالية", "Finance officer", ["reconcile", "view_payment"])
FINANCE_STAFF = ("staff",)  # Khalid, the demo's supervisor, reconciles too


@dataclass(frozen=True)
class DemoBank:
    directory: Path
    key: Path
    certificate: Path
    keyid: str

    @property
    def server_certificate(self) -> Path:
        return self.directory / "simis-certificate.pem"


def _directory() -> Path:
    return Path(settings.VAR_DIR) / "demo-bank"


def _keyid(certificate_pem: bytes) -> str:
    """The key id both sides derive: the certificate's SHA-256 fingerprint in unpadded base64url."""
    fingerprint = x509.load_pem_x509_certificate(certificate_pem).fingerprint(hashes.SHA256())
    return base64.urlsafe_b64encode(fingerprint).rstrip(b"=").decode("ascii")


def _key_pair() -> tuple[bytes, bytes]:
    """An Ed25519 key and a ten-year self-signed certificate for digital signatures."""
    key = ed25519.Ed25519PrivateKey.generate()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{BANK_NAME_EN} payment system (demo)")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(int.from_bytes(secrets.token_bytes(16), "big") >> 1)
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, None)
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)


def demo_bank() -> DemoBank:
    """The demo bank's files; CommandError when ``bank_demo_setup`` has not made them."""
    directory = _directory()
    key, certificate = directory / "key.pem", directory / "certificate.pem"
    if not (key.exists() and certificate.exists()):
        raise CommandError("No demo bank yet: run `simis bank_demo_setup` (make run does).")
    return DemoBank(directory, key, certificate, _keyid(certificate.read_bytes()))


def demo_bank_setup() -> tuple[DemoBank, bool]:
    """Makes the key pair (once), registers the bank as a partner through ``partner_register``
    (once) and gives the demo's finance staff the finance officers' job function. Returns the
    bank and whether the partner was registered now."""
    directory = _directory()
    directory.mkdir(parents=True, exist_ok=True)
    key_path, certificate_path = directory / "key.pem", directory / "certificate.pem"
    if not (key_path.exists() and certificate_path.exists()):
        key_pem, certificate_pem = _key_pair()
        descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key_pem)
        certificate_path.write_bytes(certificate_pem)
    registered = True
    try:
        call_command(
            "partner_register",
            code=BANK_CODE,
            name_ar=BANK_NAME_AR,
            name_en=BANK_NAME_EN,
            kind="bank",
            organisation_key=BANK_CODE,
            certificate=certificate_path,
            stdout=io.StringIO(),
        )
    except CommandError as refused:
        if "API-311" not in str(refused):  # anything but "already registered" is a real problem
            raise
        registered = False
    finance_function_grant()
    return DemoBank(directory, key_path, certificate_path, _keyid(certificate_path.read_bytes())), registered


@transaction.atomic
def finance_function_grant() -> None:
    user_model = get_user_model()
    job_function_model: Any = user_model._meta.get_field("job_functions").related_model
    code, name_ar, name_en, codenames = FINANCE_FUNCTION
    function, _created = job_function_model.objects.get_or_create(
        code=code, defaults={"name_ar": name_ar, "name_en": name_en, "audience": Audience.STAFF}
    )
    function.permissions.add(
        *Permission.objects.filter(content_type__app_label="payments", codename__in=codenames)
    )
    for user in user_model.objects.filter(username__in=FINANCE_STAFF):
        user.job_functions.add(function)


@dataclass(frozen=True)
class CallResult:
    status_line: str  # "201", "200 (replayed)", or "409 PAY-033"
    body: Any
    exit_code: int
    command: list[str]


def server_certificate_pin(bank: DemoBank, base_url: str) -> Path:
    """SIMIS's response-signing certificate, fetched once from the running server and kept."""
    if not bank.server_certificate.exists():
        url = base_url.rstrip("/") + "/api/v1/.well-known/simis-certificate"
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (the demo server's own URL)
            bank.server_certificate.write_bytes(response.read())
    return bank.server_certificate


def bank_call(
    bank: DemoBank,
    base_url: str,
    method: str,
    path: str,
    payload: Any = None,
    *,
    idempotency_key: str | None = None,
    language: str = "en",
) -> CallResult:
    """One signed call through ``python -m simis.api.client``, as the bank's own program."""
    command = [
        sys.executable,
        "-m",
        "simis.api.client",
        "--base-url",
        base_url,
        f"--keyid={bank.keyid}",
        "--key",
        str(bank.key),
        "--server-certificate",
        str(server_certificate_pin(bank, base_url)),
        "--language",
        language,
    ]
    if payload is not None:
        command += ["--json", json.dumps(payload, ensure_ascii=False)]
    if idempotency_key:
        command += ["--idempotency-key", idempotency_key]
    command += [method, path]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        body = json.loads(done.stdout) if done.stdout.strip() else None
    except ValueError:
        body = done.stdout
    status = done.stderr.strip().splitlines()[0] if done.stderr.strip() else ""
    if done.returncode:
        body = done.stderr.strip()
    return CallResult(status, body, done.returncode, command)
