"""SIMIS's own signing key and certificate, with which every /api/v1/ response is signed.

Production: ``settings.SIMIS_API_SIGNING_KEY`` is the path of a PEM private key (Ed25519,
ECDSA P-256 or RSA ≥ 2048 bits, unencrypted, readable only by the service account) and
``settings.SIMIS_API_SIGNING_CERTIFICATE`` the path of its X.509 certificate (PEM), the one
partners pin. Development, tests and the demo (DEBUG, TESTING or DEMO): when no key is
configured, an Ed25519 key and a self-signed certificate are made under ``var/api-signing/``
on first use and kept, so every process of the checkout signs with the same key.

The certificate is published at ``/api/v1/.well-known/simis-certificate``.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed448, ed25519
from cryptography.x509.oid import NameOID
from django.conf import settings

from simis.api import signatures
from simis.api.errors import ApiError
from simis.core.errors import SimisError

DEV_DIR_NAME = "api-signing"
DEV_KEY_FILE = "simis-api-key.pem"
DEV_CERTIFICATE_FILE = "simis-api-certificate.pem"
DEV_VALIDITY = dt.timedelta(days=3650)


@dataclass(frozen=True)
class ServerIdentity:
    private_key: signatures.PrivateKey
    certificate: x509.Certificate
    certificate_pem: str
    keyid: str
    alg: str


def _configured_paths() -> tuple[str, str]:
    return (
        str(getattr(settings, "SIMIS_API_SIGNING_KEY", "") or ""),
        str(getattr(settings, "SIMIS_API_SIGNING_CERTIFICATE", "") or ""),
    )


def development_keys_allowed() -> bool:
    return bool(settings.DEBUG or getattr(settings, "TESTING", False) or getattr(settings, "DEMO", False))


def server_identity() -> ServerIdentity:
    """The key and certificate responses are signed with; refuses (API-501) when production
    has none configured."""
    key_path, certificate_path = _configured_paths()
    if key_path and certificate_path:
        return _load(key_path, certificate_path)
    if key_path or not development_keys_allowed():
        raise SimisError(ApiError.SIGNING_KEY_MISSING)
    directory = Path(settings.VAR_DIR) / DEV_DIR_NAME
    return _load(*_development_files(directory))


@functools.lru_cache(maxsize=4)
def _load(key_path: str, certificate_path: str) -> ServerIdentity:
    try:
        private_key = signatures.private_key_load(Path(key_path).read_bytes())
        certificate = signatures.certificate_load(Path(certificate_path).read_bytes())
    except (OSError, signatures.SignatureError) as exc:
        raise SimisError(ApiError.SIGNING_KEY_MISSING) from exc
    public_der = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if private_key.public_key().public_bytes(*public_der) != certificate.public_key().public_bytes(
        *public_der
    ):
        # A certificate for another key would make every response fail verification.
        raise SimisError(ApiError.SIGNING_KEY_MISSING)
    return ServerIdentity(
        private_key=private_key,
        certificate=certificate,
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        keyid=signatures.certificate_keyid(certificate),
        alg=signatures.algorithm_for_key(private_key),
    )


def _development_files(directory: Path) -> tuple[str, str]:
    key_path, certificate_path = directory / DEV_KEY_FILE, directory / DEV_CERTIFICATE_FILE
    if key_path.exists() and certificate_path.exists():
        return str(key_path), str(certificate_path)
    directory.mkdir(parents=True, exist_ok=True)
    # Several processes (web workers, test workers) may start at once: one makes the pair.
    with (directory / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (key_path.exists() and certificate_path.exists()):
            key_pem, certificate_pem = self_signed_pair("SIMIS API (development)")
            _write_private(key_path, key_pem)
            certificate_path.write_bytes(certificate_pem)
    return str(key_path), str(certificate_path)


def _write_private(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def self_signed_pair(common_name: str, *, now: dt.datetime | None = None) -> tuple[bytes, bytes]:
    """A new Ed25519 key (PKCS#8 PEM) and a self-signed certificate for it (PEM), valid for ten
    years. For development, tests and demo partners."""
    now = now or dt.datetime.now(dt.UTC)
    key = ed25519.Ed25519PrivateKey.generate()
    certificate_pem = self_signed_certificate(
        key, common_name, not_before=now - dt.timedelta(minutes=5), not_after=now + DEV_VALIDITY
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, certificate_pem


def self_signed_certificate(
    private_key: signatures.PrivateKey | Any,
    common_name: str,
    *,
    not_before: dt.datetime,
    not_after: dt.datetime,
    digital_signature: bool = True,
) -> bytes:
    """A self-signed end-entity certificate (PEM) for ``private_key``, with a key usage of
    digital signatures only."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    digest = (
        None
        if isinstance(private_key, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey)
        else hashes.SHA256()
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private_key.public_key())
        .serial_number(int.from_bytes(secrets.token_bytes(16), "big") >> 1)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=digital_signature,
                content_commitment=False,
                key_encipherment=not digital_signature,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(private_key, digest)
    )
    return certificate.public_bytes(serialization.Encoding.PEM)
