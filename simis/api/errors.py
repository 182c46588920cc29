"""Coded, bilingual refusals of the partner web services.

Each member carries the HTTP status the API answers with. Partner systems key their handling
on ``code``; the texts are for the people reading their logs. Codes never change meaning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from simis.core.errors import ErrorCatalogue

if TYPE_CHECKING:  # the stubs name the lazy-string type; at run time it is Promise
    from django.utils.functional import _StrPromise as Promise
else:
    from django.utils.functional import Promise


class ApiError(ErrorCatalogue):
    def __init__(self, code: str, message: Promise, status: int = 400) -> None:
        super().__init__(code, message)
        self.status = status

    # --- Request signatures (RFC 9421) ---
    SIGNATURE_MISSING = (
        "API-101",
        _("The request is not signed: every call must carry the Signature-Input and Signature headers."),
        401,
    )
    SIGNATURE_MALFORMED = (
        "API-102",
        _("The Signature-Input or Signature header could not be read: %(detail)s"),
        400,
    )
    KEY_UNKNOWN = ("API-103", _("No certificate is registered under the key id %(keyid)s."), 401)
    KEY_REVOKED = ("API-104", _("The certificate with key id %(keyid)s has been revoked."), 401)
    KEY_NOT_VALID_NOW = (
        "API-105",
        _("The certificate with key id %(keyid)s is expired or not yet valid."),
        401,
    )
    SIGNATURE_INVALID = (
        "API-106",
        _("The signature does not match the request: it was made with another key or over other content."),
        401,
    )
    COMPONENT_MISSING = ("API-107", _("The signature must cover the component %(component)s."), 400)
    SIGNATURE_STALE = (
        "API-108",
        _(
            "The signature was created at %(created)s, more than %(max_age)s seconds ago or in the future. "
            "Check the clock of the calling system."
        ),
        401,
    )
    NONCE_REPLAYED = (
        "API-109",
        _("This nonce was already used with this key: every request needs a fresh nonce."),
        401,
    )
    PARAMETER_MISSING = ("API-110", _("The signature parameters must include %(parameter)s."), 400)
    ALGORITHM_MISMATCH = (
        "API-111",
        _("The signature says it uses %(alg)s but the certificate's key is for %(expected)s."),
        400,
    )
    DIGEST_MISSING = (
        "API-112",
        _("The request has a body but no Content-Digest header with a sha-256 or sha-512 digest."),
        400,
    )
    DIGEST_MISMATCH = (
        "API-113",
        _("The body does not match its Content-Digest: it was altered or cut short on the way."),
        400,
    )
    SIGNATURE_EXPIRED = ("API-114", _("The signature expired at %(expires)s."), 401)
    PARTNER_SUSPENDED = (
        "API-120",
        _("The access of partner %(partner)s is suspended. Contact the institution's partner desk."),
        403,
    )

    # --- Idempotency ---
    IDEMPOTENCY_KEY_MISSING = (
        "API-201",
        _("Every write (POST, PUT, PATCH, DELETE) needs an Idempotency-Key header."),
        400,
    )
    IDEMPOTENCY_KEY_INVALID = (
        "API-202",
        _("The Idempotency-Key must be 1 to %(max_length)s visible ASCII characters, for example a UUID."),
        400,
    )
    IDEMPOTENCY_KEY_REUSED = (
        "API-203",
        _(
            "This Idempotency-Key was already used for a different request. "
            "Use a new key for a new request, and the same key only to retry the same request."
        ),
        422,
    )
    IDEMPOTENCY_IN_PROGRESS = (
        "API-204",
        _("A request with this Idempotency-Key is still being processed. Retry in a few seconds."),
        409,
    )

    # --- Partner and certificate registration ---
    CERTIFICATE_UNREADABLE = (
        "API-301",
        _("The certificate could not be read: send exactly one PEM-encoded X.509 certificate."),
    )
    CERTIFICATE_EXPIRED = ("API-302", _("The certificate expired on %(date)s."))
    CERTIFICATE_NOT_YET_VALID = ("API-303", _("The certificate only becomes valid on %(date)s."))
    CERTIFICATE_KEY_UNSUPPORTED = (
        "API-304",
        _(
            "The certificate's key is not supported (%(detail)s). "
            "Use an Ed25519 key, an ECDSA P-256 key or an RSA key of at least 2048 bits."
        ),
    )
    CERTIFICATE_DUPLICATE = ("API-305", _("This certificate is already registered (key id %(keyid)s)."))
    CERTIFICATE_ALREADY_REVOKED = ("API-306", _("The certificate with key id %(keyid)s is already revoked."))
    CERTIFICATE_NOT_FOR_SIGNING = (
        "API-307",
        _("The certificate's key usage does not allow digital signatures."),
    )
    PARTNER_CODE_INVALID = (
        "API-310",
        _("The partner code %(code)s is not valid: use 2 to 32 Latin capital letters, digits or hyphens."),
    )
    PARTNER_CODE_TAKEN = ("API-311", _("A partner with the code %(code)s already exists."))
    PARTNER_NAME_MISSING = ("API-312", _("Give the partner's name in both Arabic and English."))
    PARTNER_NOT_FOUND = ("API-313", _("There is no partner with the code %(code)s."))
    CERTIFICATE_NOT_FOUND = ("API-314", _("There is no certificate with the key id %(keyid)s."))
    PARTNER_KIND_INVALID = (
        "API-315",
        _("%(kind)s is not a kind of partner: use employer_system, hospital, agency or bank."),
    )

    # --- General ---
    BAD_REQUEST = ("API-400", _("The request could not be understood: %(detail)s"), 400)
    BODY_TOO_LARGE = (
        "API-413",
        _("The request body is %(size)s bytes; a call may carry at most %(limit)s bytes."),
        413,
    )
    NOT_FOUND = ("API-404", _("There is no web service at this address."), 404)
    METHOD_NOT_ALLOWED = ("API-405", _("This web service does not accept the %(method)s method."), 405)
    VALIDATION_FAILED = (
        "API-422",
        _("The request data is not valid; the errors list says which fields and why."),
        422,
    )
    INTERNAL = ("API-500", _("Something went wrong on our side. The error has been recorded."), 500)
    SIGNING_KEY_MISSING = (
        "API-501",
        _("The server's API signing key is not configured (set SIMIS_API_SIGNING_KEY and its certificate)."),
        500,
    )
