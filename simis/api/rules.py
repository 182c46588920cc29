"""Pure rules of the web-service surface: no ORM, no I/O; "now" is passed in."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization

from simis.api import signatures
from simis.api.errors import ApiError
from simis.core.errors import SimisError

PARTNER_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")
IDEMPOTENCY_KEY_MAX_LENGTH = 255
_VISIBLE_ASCII_RE = re.compile(r"^[\x21-\x7e]+$")
LANGUAGES = ("ar", "en")
DEFAULT_LANGUAGE = "ar"


def partner_code_normalise(code: str) -> str:
    """Codes are kept in capitals; refuses anything but 2–32 capitals, digits and hyphens."""
    normalised = (code or "").strip().upper()
    if not PARTNER_CODE_RE.match(normalised):
        raise SimisError(ApiError.PARTNER_CODE_INVALID, code=code)
    return normalised


@dataclass(frozen=True)
class CertificateFacts:
    pem: str
    fingerprint_sha256: str
    keyid: str
    algorithm: str
    subject: str
    not_before: datetime
    not_after: datetime


def certificate_inspect(pem: str, *, now: datetime) -> CertificateFacts:
    """What SIMIS records about a partner certificate, after refusing one that cannot sign
    requests today: unreadable, expired, not yet valid, a key type RFC 9421 does not pair with
    our algorithms, or a key usage that excludes digital signatures."""
    try:
        certificate = signatures.certificate_load(pem)
    except signatures.SignatureError as exc:
        raise SimisError(ApiError.CERTIFICATE_UNREADABLE) from exc
    try:
        algorithm = signatures.algorithm_for_key(certificate.public_key())
    except signatures.SignatureError as exc:
        raise SimisError(ApiError.CERTIFICATE_KEY_UNSUPPORTED, detail=exc.detail) from exc
    except UnsupportedAlgorithm as exc:
        raise SimisError(ApiError.CERTIFICATE_KEY_UNSUPPORTED, detail="unknown key algorithm") from exc
    try:
        key_usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        key_usage = None
    if key_usage is not None and not key_usage.digital_signature:
        raise SimisError(ApiError.CERTIFICATE_NOT_FOR_SIGNING)
    not_before, not_after = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    if now > not_after:
        raise SimisError(ApiError.CERTIFICATE_EXPIRED, date=not_after.date().isoformat())
    if now < not_before:
        raise SimisError(ApiError.CERTIFICATE_NOT_YET_VALID, date=not_before.date().isoformat())
    return CertificateFacts(
        pem=certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        fingerprint_sha256=signatures.certificate_fingerprint(certificate),
        keyid=signatures.certificate_keyid(certificate),
        algorithm=algorithm,
        subject=certificate.subject.rfc4514_string()[:500],
        not_before=not_before,
        not_after=not_after,
    )


def target_uri(public_url: str, path: str, query: str) -> str:
    """The ``@target-uri`` SIMIS verifies: its public base URL (``SIMIS_PUBLIC_URL``, what
    partners call, whatever proxy sits in front) + the request path + ``?query`` when there is
    one. The path is taken as Django sees it (percent-encoded where it must be); the query
    exactly as received."""
    base = public_url.rstrip("/")
    return f"{base}{path}?{query}" if query else f"{base}{path}"


def idempotency_key_read(header: str | None) -> str:
    """The Idempotency-Key value. Accepts the bare form (``Idempotency-Key: 5f0c…``) and the
    structured-field string form of the IETF draft (``Idempotency-Key: "5f0c…"``)."""
    if header is None or not header.strip():
        raise SimisError(ApiError.IDEMPOTENCY_KEY_MISSING)
    value = header.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    if (
        not value
        or len(value) > IDEMPOTENCY_KEY_MAX_LENGTH
        or not _VISIBLE_ASCII_RE.match(value)
        or '"' in value
    ):
        raise SimisError(ApiError.IDEMPOTENCY_KEY_INVALID, max_length=IDEMPOTENCY_KEY_MAX_LENGTH)
    return value


def request_fingerprint(method: str, path_and_query: str, body: bytes) -> str:
    """What "the same request" means for idempotency: same method, same path and query, same
    body bytes. Headers are not part of it (a retry may carry a new signature and nonce)."""
    digest = hashlib.sha256()
    for part in (method.upper().encode("ascii"), path_and_query.encode("utf-8"), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def language_from_accept(header: str | None) -> str:
    """The answer's language from Accept-Language: the most preferred of Arabic and English
    (by q-value, then order); Arabic when neither is asked for."""
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        pieces = [piece.strip() for piece in part.split(";")]
        tag = pieces[0].lower()
        quality = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.split("-")[0]
        if primary in LANGUAGES and quality > 0:
            choices.append((-quality, position, primary))
    return min(choices)[2] if choices else DEFAULT_LANGUAGE


def epoch_seconds(moment: datetime) -> int:
    return int(moment.astimezone(UTC).timestamp())
