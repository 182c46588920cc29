"""HTTP Message Signatures (RFC 9421) and Content-Digest (RFC 9530). Pure: no Django, no I/O.

The server uses this module to verify partners' requests and sign its responses; the client
(``simis.api.client``) uses it to sign requests and verify responses. Written on ``http-sfv``
(Structured Field Values, RFC 8941) and ``cryptography`` so every byte of the signature base is
under our control.

What is supported, deliberately small:

* algorithms ``ed25519``, ``ecdsa-p256-sha256`` (signature is r‖s, 64 bytes) and
  ``rsa-pss-sha512`` (MGF1 with SHA-512, 64-byte salt) — RFC 9421 §3.3;
* derived components ``@method``, ``@target-uri``, ``@authority``, ``@scheme``, ``@path``,
  ``@query``, ``@request-target`` and, in responses, ``@status``;
* header fields by lower-case name, with the ``key`` parameter (one member of a dictionary
  field, e.g. ``"signature";key="sig1"``) and the ``req`` parameter (a field or derived
  component of the request, covered by a response signature). Other component parameters
  (``sf``, ``bs``, ``tr``, ``name``) are refused rather than half-implemented.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

import http_sfv
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

ED25519 = "ed25519"
ECDSA_P256_SHA256 = "ecdsa-p256-sha256"
RSA_PSS_SHA512 = "rsa-pss-sha512"
ALGORITHMS = (ED25519, ECDSA_P256_SHA256, RSA_PSS_SHA512)
RSA_MIN_BITS = 2048
_P256_COORDINATE_BYTES = 32
_RSA_PSS_SALT_BYTES = 64  # RFC 9421 §3.3.1

PublicKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey
PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

DIGEST_ALGORITHMS = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}

_DEFAULT_PORTS = {"http": 80, "https": 443}
_COMPONENT_PARAMETERS = {"req", "key"}


class Problem(Enum):
    """Why a message or a key was refused. The server maps each to a coded, bilingual error."""

    MISSING = "missing"  # no Signature-Input / Signature header (or no usable label)
    MALFORMED = "malformed"  # headers or parameters do not parse or break RFC 9421's rules
    COMPONENT_ABSENT = "component_absent"  # a covered component is not in the message
    UNSUPPORTED_KEY = "unsupported_key"
    ALGORITHM_MISMATCH = "algorithm_mismatch"
    INVALID = "invalid"  # the signature does not verify
    PARAMETER_MISSING = "parameter_missing"
    STALE = "stale"  # created too long ago or in the future
    EXPIRED = "expired"  # past the signer's own expires parameter
    DIGEST_MISSING = "digest_missing"
    DIGEST_MISMATCH = "digest_mismatch"


class SignatureError(Exception):
    """A refusal with its ``problem`` and a short technical ``detail`` (English, for logs)."""

    def __init__(self, problem: Problem, detail: str = "", **facts: Any) -> None:
        self.problem = problem
        self.detail = detail
        self.facts = facts
        super().__init__(f"{problem.value}: {detail}" if detail else problem.value)


# --- Messages and components ------------------------------------------------------------------


@dataclass(frozen=True)
class HttpMessage:
    """The parts of a request or response that a signature can cover.

    ``headers`` maps lower-case field names to the field value with each line trimmed and
    several lines joined by ``", "`` (RFC 9421 §2.1) — ``headers_normalise`` builds it.
    A response carries the ``request`` it answers, for components with the ``req`` flag."""

    method: str | None = None
    target_uri: str | None = None
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    request: HttpMessage | None = None


def headers_normalise(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Field lines → ``{lower-case name: combined value}`` as RFC 9421 §2.1 combines them."""
    combined: dict[str, list[str]] = {}
    for name, value in pairs:
        combined.setdefault(name.lower(), []).append(value.strip(" \t"))
    return {name: ", ".join(values) for name, values in combined.items()}


def component(name: str, *, req: bool = False, key: str | None = None) -> http_sfv.Item:
    """A component identifier: ``component("@method")``, ``component("signature", req=True, key="sig1")``."""
    item = http_sfv.Item(name)
    if req:
        item.params["req"] = True
    if key is not None:
        item.params["key"] = key
    return item


def component_name(item: http_sfv.Item) -> str:
    """The identifier as the signature base shows it, e.g. ``"@method";req``."""
    return str(item)


def _derived(message: HttpMessage, name: str) -> str:
    if name == "@status":
        if message.status is None:
            raise SignatureError(Problem.COMPONENT_ABSENT, "@status is only defined for responses")
        return f"{message.status:03d}"
    if message.method is None or message.target_uri is None:
        raise SignatureError(Problem.COMPONENT_ABSENT, f"{name} is only defined for requests")
    if name == "@method":
        return message.method
    if name == "@target-uri":
        return message.target_uri
    parts = urlsplit(message.target_uri)
    scheme = parts.scheme.lower()
    if name == "@scheme":
        return scheme
    if name == "@authority":
        host = (parts.hostname or "").lower()
        if ":" in host:  # an IPv6 literal keeps its brackets
            host = f"[{host}]"
        port = parts.port
        return host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    path = parts.path or "/"
    if name == "@path":
        return path
    if name == "@query":
        return f"?{parts.query}"
    if name == "@request-target":
        return f"{path}?{parts.query}" if parts.query else path
    raise SignatureError(Problem.MALFORMED, f"unsupported derived component {name}")


def component_value(message: HttpMessage, item: http_sfv.Item) -> str:
    """The value of one covered component in ``message`` (RFC 9421 §2.1–2.4)."""
    name = item.value
    if not isinstance(name, str) or isinstance(name, http_sfv.Token) or not name:
        raise SignatureError(Problem.MALFORMED, "component identifiers must be strings")
    if name != name.lower():
        raise SignatureError(Problem.MALFORMED, f"component {name} must be lower-case")
    unknown = set(item.params) - _COMPONENT_PARAMETERS
    if unknown:
        raise SignatureError(Problem.MALFORMED, f"unsupported component parameter {sorted(unknown)[0]}")
    target = message
    if "req" in item.params:
        if item.params["req"] is not True or message.request is None:
            raise SignatureError(Problem.MALFORMED, f"{name};req is only defined for a response to a request")
        target = message.request
    if name == "@signature-params":
        raise SignatureError(Problem.MALFORMED, "@signature-params cannot be covered")
    if name.startswith("@"):
        if "key" in item.params:
            raise SignatureError(Problem.MALFORMED, f"{name} does not take the key parameter")
        return _derived(target, name)
    value = target.headers.get(name)
    if value is None:
        raise SignatureError(Problem.COMPONENT_ABSENT, f"the message has no {name} field", component=name)
    if "key" not in item.params:
        return value
    member_key = item.params["key"]
    if not isinstance(member_key, str):
        raise SignatureError(Problem.MALFORMED, "the key parameter must be a string")
    dictionary = http_sfv.Dictionary()
    try:
        dictionary.parse(value.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise SignatureError(Problem.MALFORMED, f"{name} is not a structured dictionary") from exc
    if member_key not in dictionary:
        raise SignatureError(
            Problem.COMPONENT_ABSENT, f'{name} has no member "{member_key}"', component=str(item)
        )
    return str(dictionary[member_key])


# --- Signature parameters and base -----------------------------------------------------------


@dataclass(frozen=True)
class SignatureParameters:
    """The parameters of ``@signature-params`` that RFC 9421 §2.3 defines."""

    created: int | None = None
    expires: int | None = None
    nonce: str | None = None
    alg: str | None = None
    keyid: str | None = None
    tag: str | None = None

    def as_sfv(self) -> dict[str, Any]:
        values = {
            "created": self.created,
            "expires": self.expires,
            "keyid": self.keyid,
            "alg": self.alg,
            "nonce": self.nonce,
            "tag": self.tag,
        }
        return {name: value for name, value in values.items() if value is not None}

    @classmethod
    def from_sfv(cls, params: Mapping[str, Any]) -> SignatureParameters:
        found: dict[str, Any] = {}
        for name in ("created", "expires"):
            if name in params:
                value = params[name]
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise SignatureError(Problem.MALFORMED, f"{name} must be a non-negative integer")
                found[name] = value
        for name in ("nonce", "alg", "keyid", "tag"):
            if name in params:
                value = params[name]
                if not isinstance(value, str) or isinstance(value, http_sfv.Token):
                    raise SignatureError(Problem.MALFORMED, f"{name} must be a string")
                found[name] = value
        return cls(**found)


def covered_components(
    components: Sequence[http_sfv.Item], params: SignatureParameters
) -> http_sfv.InnerList:
    """The inner list that is both the ``Signature-Input`` member and ``@signature-params``."""
    inner = http_sfv.InnerList(list(components))
    for name, value in params.as_sfv().items():
        inner.params[name] = value
    return inner


def signature_base(message: HttpMessage, covered: http_sfv.InnerList) -> bytes:
    """The signature base of RFC 9421 §2.5: one ``"<identifier>": <value>`` line per covered
    component, in order, then the ``"@signature-params"`` line; lines joined by LF, no LF at
    the end; ASCII only (a component with other characters is refused, not transliterated)."""
    lines: list[str] = []
    seen: set[str] = set()
    for item in covered:
        if not isinstance(item, http_sfv.Item):
            raise SignatureError(Problem.MALFORMED, "covered components must be items")
        identifier = component_name(item)
        if identifier in seen:
            raise SignatureError(Problem.MALFORMED, f"{identifier} is covered twice")
        seen.add(identifier)
        value = component_value(message, item)
        if "\n" in value or "\r" in value:
            raise SignatureError(Problem.MALFORMED, f"{identifier} contains a line break")
        lines.append(f"{identifier}: {value}")
    lines.append(f'"@signature-params": {covered}')
    try:
        return "\n".join(lines).encode("ascii")
    except UnicodeEncodeError as exc:
        raise SignatureError(Problem.MALFORMED, "the signature base must be ASCII") from exc


# --- Keys and algorithms ---------------------------------------------------------------------


def algorithm_for_key(key: PublicKey | PrivateKey | Any) -> str:
    """The RFC 9421 algorithm a key signs with; refuses every other kind of key."""
    if isinstance(key, ed25519.Ed25519PublicKey | ed25519.Ed25519PrivateKey):
        return ED25519
    if isinstance(key, ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey):
        if isinstance(key.curve, ec.SECP256R1):
            return ECDSA_P256_SHA256
        raise SignatureError(Problem.UNSUPPORTED_KEY, f"elliptic curve {key.curve.name}")
    if isinstance(key, rsa.RSAPublicKey | rsa.RSAPrivateKey):
        if key.key_size < RSA_MIN_BITS:
            raise SignatureError(Problem.UNSUPPORTED_KEY, f"RSA key of {key.key_size} bits")
        return RSA_PSS_SHA512
    raise SignatureError(Problem.UNSUPPORTED_KEY, type(key).__name__)


def _pss() -> padding.PSS:
    return padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=_RSA_PSS_SALT_BYTES)


def sign_bytes(private_key: PrivateKey, alg: str, data: bytes) -> bytes:
    if algorithm_for_key(private_key) != alg:
        raise SignatureError(Problem.ALGORITHM_MISMATCH, f"the key does not sign with {alg}")
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        return private_key.sign(data)
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        r, s = decode_dss_signature(private_key.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(_P256_COORDINATE_BYTES, "big") + s.to_bytes(_P256_COORDINATE_BYTES, "big")
    return private_key.sign(data, _pss(), hashes.SHA512())


def verify_bytes(public_key: PublicKey, alg: str, data: bytes, signature: bytes) -> bool:
    if algorithm_for_key(public_key) != alg:
        return False
    try:
        if isinstance(public_key, ed25519.Ed25519PublicKey):
            public_key.verify(signature, data)
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            if len(signature) != 2 * _P256_COORDINATE_BYTES:
                return False
            r = int.from_bytes(signature[:_P256_COORDINATE_BYTES], "big")
            s = int.from_bytes(signature[_P256_COORDINATE_BYTES:], "big")
            public_key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
        else:
            public_key.verify(signature, data, _pss(), hashes.SHA512())
    except InvalidSignature:
        return False
    return True


def private_key_load(pem: bytes | str) -> PrivateKey:
    """A PEM private key (PKCS#8 or the traditional formats), unencrypted, of a supported kind."""
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise SignatureError(Problem.UNSUPPORTED_KEY, "not an unencrypted PEM private key") from exc
    algorithm_for_key(key)
    return key  # type: ignore[return-value]


def certificate_load(pem: bytes | str) -> x509.Certificate:
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        certificates = x509.load_pem_x509_certificates(data)
    except ValueError as exc:
        raise SignatureError(Problem.MALFORMED, "not a PEM X.509 certificate") from exc
    if len(certificates) != 1:
        raise SignatureError(Problem.MALFORMED, "expected exactly one certificate")
    return certificates[0]


def certificate_fingerprint(certificate: x509.Certificate) -> str:
    """SHA-256 of the DER encoding, lower-case hex (what ``openssl x509 -fingerprint -sha256``
    prints, without the colons)."""
    return certificate.fingerprint(hashes.SHA256()).hex()


def certificate_keyid(certificate: x509.Certificate) -> str:
    """The ``keyid`` a signature made with this certificate's key names: the SHA-256
    fingerprint in unpadded base64url (43 characters). Derived, so both sides compute it."""
    digest = certificate.fingerprint(hashes.SHA256())
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


# --- Signing and verifying messages ----------------------------------------------------------


@dataclass(frozen=True)
class ReceivedSignature:
    """One signature taken from a message's ``Signature-Input`` and ``Signature`` fields."""

    label: str
    covered: http_sfv.InnerList
    params: SignatureParameters
    signature: bytes

    @property
    def identifiers(self) -> list[str]:
        return [component_name(item) for item in self.covered if isinstance(item, http_sfv.Item)]

    def covers(self, item: http_sfv.Item) -> bool:
        return component_name(item) in self.identifiers


def message_sign(
    message: HttpMessage,
    components: Sequence[http_sfv.Item],
    params: SignatureParameters,
    private_key: PrivateKey,
    *,
    label: str = "sig1",
) -> dict[str, str]:
    """Sign ``message``; returns the ``Signature-Input`` and ``Signature`` fields to send."""
    alg = params.alg or algorithm_for_key(private_key)
    covered = covered_components(components, params)
    signature = sign_bytes(private_key, alg, signature_base(message, covered))
    return {
        "Signature-Input": f"{label}={covered}",
        "Signature": f"{label}={http_sfv.Item(signature)}",
    }


def _parse_dictionary(name: str, value: str) -> http_sfv.Dictionary:
    dictionary = http_sfv.Dictionary()
    try:
        dictionary.parse(value.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise SignatureError(Problem.MALFORMED, f"{name} is not a structured dictionary") from exc
    return dictionary


def signature_parse(
    signature_input: str | None, signature: str | None, *, label: str | None = None
) -> ReceivedSignature:
    """Read one signature. Without ``label``, the first label present in both fields."""
    if not signature_input or not signature:
        raise SignatureError(Problem.MISSING, "Signature-Input and Signature are both required")
    inputs = _parse_dictionary("Signature-Input", signature_input)
    values = _parse_dictionary("Signature", signature)
    if label is None:
        label = next((name for name in inputs if name in values), None)
        if label is None:
            raise SignatureError(
                Problem.MALFORMED, "no label is present in both Signature-Input and Signature"
            )
    elif label not in inputs or label not in values:
        raise SignatureError(Problem.MISSING, f"no signature labelled {label}")
    covered = inputs[label]
    value = values[label]
    if not isinstance(covered, http_sfv.InnerList):
        raise SignatureError(Problem.MALFORMED, "a Signature-Input member must be an inner list")
    if not isinstance(value, http_sfv.Item) or not isinstance(value.value, bytes):
        raise SignatureError(Problem.MALFORMED, "a Signature member must be a byte sequence")
    return ReceivedSignature(
        label=label,
        covered=covered,
        params=SignatureParameters.from_sfv(covered.params),
        signature=value.value,
    )


def message_verify(message: HttpMessage, received: ReceivedSignature, public_key: PublicKey) -> None:
    """Check the signature over ``message`` with ``public_key``; raises ``SignatureError``.

    When the signature names ``alg`` it must be the key's algorithm (RFC 9421 §3.2 step 6)."""
    expected = algorithm_for_key(public_key)
    if received.params.alg is not None and received.params.alg != expected:
        raise SignatureError(
            Problem.ALGORITHM_MISMATCH,
            f"alg {received.params.alg} but the key is {expected}",
            alg=received.params.alg,
            expected=expected,
        )
    base = signature_base(message, received.covered)
    if not verify_bytes(public_key, expected, base, received.signature):
        raise SignatureError(Problem.INVALID, "the signature does not verify")


def signature_check_times(params: SignatureParameters, *, now: int, max_age: int, max_skew: int) -> None:
    """``created`` must be present, at most ``max_age`` seconds old and at most ``max_skew``
    seconds ahead of ``now``; an ``expires`` in the past refuses the signature."""
    if params.created is None:
        raise SignatureError(Problem.PARAMETER_MISSING, "created", parameter="created")
    if params.created < now - max_age or params.created > now + max_skew:
        raise SignatureError(Problem.STALE, f"created {params.created}, now {now}", created=params.created)
    if params.expires is not None and params.expires < now:
        raise SignatureError(Problem.EXPIRED, f"expired at {params.expires}", expires=params.expires)


# --- Content-Digest (RFC 9530) ---------------------------------------------------------------


def content_digest(body: bytes, algorithm: str = "sha-256") -> str:
    """The ``Content-Digest`` field value for ``body``: ``sha-256=:<base64>:``."""
    digest = DIGEST_ALGORITHMS[algorithm](body).digest()
    return f"{algorithm}={http_sfv.Item(digest)}"


def content_digest_verify(header: str | None, body: bytes) -> None:
    """``header`` must hold at least one sha-256 or sha-512 digest and every such digest must
    match ``body`` (the exact bytes received). Digests of other algorithms are ignored."""
    if not header:
        raise SignatureError(Problem.DIGEST_MISSING, "no Content-Digest field")
    digests = _parse_dictionary("Content-Digest", header)
    known = [(name, digests[name]) for name in digests if name in DIGEST_ALGORITHMS]
    if not known:
        raise SignatureError(Problem.DIGEST_MISSING, "no sha-256 or sha-512 digest")
    for name, member in known:
        if not isinstance(member, http_sfv.Item) or not isinstance(member.value, bytes):
            raise SignatureError(Problem.MALFORMED, f"the {name} digest must be a byte sequence")
        if not hmac.compare_digest(member.value, DIGEST_ALGORITHMS[name](body).digest()):
            raise SignatureError(Problem.DIGEST_MISMATCH, f"{name} does not match the body")
