"""The gateway every /api/v1/ view runs behind.

For each call, in this order:

1. the answer's language from Accept-Language (Arabic unless English is preferred);
2. unless the view is public (OpenAPI, docs, SIMIS's certificate), the RFC 9421 signature is
   verified (``request_verify``) and the ``ApiCaller`` is left on the request;
3. a write (POST, PUT, PATCH, DELETE) runs under its Idempotency-Key (``idempotent_run``);
4. refusals become coded, bilingual JSON (``{"code", "message", "message_ar", "message_en"}``)
   and are recorded in the audit log;
5. the response — refusals and replays included — gets a Content-Digest and SIMIS's own
   signature (``response_sign``).

The gateway wraps the URL patterns django-ninja generates (see urls.py), so an app that
mounts a router through ``simis.api.public.register_router`` cannot bypass it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.urls import URLPattern, URLResolver
from django.utils import timezone, translation
from django.utils.encoding import escape_uri_path

from simis.api import rules, selectors, services
from simis.api.caller import ApiCaller
from simis.api.errors import ApiError
from simis.api.models import PartnerStatus
from simis.api.server_key import server_identity
from simis.api.signatures import (
    HttpMessage,
    Problem,
    ReceivedSignature,
    SignatureError,
    SignatureParameters,
    certificate_load,
    component,
    content_digest,
    content_digest_verify,
    headers_normalise,
    message_sign,
    message_verify,
    signature_check_times,
    signature_parse,
)
from simis.core.errors import SimisError

logger = logging.getLogger("simis.api")

MAX_SIGNATURE_AGE = 300  # seconds a signature stays acceptable after its ``created``
MAX_CLOCK_SKEW = 60  # seconds a partner's clock may run ahead of ours
NONCE_LIFETIME = timedelta(seconds=MAX_SIGNATURE_AGE + MAX_CLOCK_SKEW)
NONCE_MAX_LENGTH = 128  # UsedNonce.nonce
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
RESPONSE_SIGNATURE_LABEL = "simis"
CALLER_ATTRIBUTE = "simis_api_caller"
# URL names (django-ninja's and ours) served without a partner signature.
PUBLIC_URL_NAMES = frozenset({"openapi-json", "openapi-view", "api-root", "simis-certificate"})
# Made afresh for every delivery, so never stored with an idempotent response.
_UNSTORED_HEADERS = frozenset(
    {"content-length", "content-digest", "signature", "signature-input", "idempotent-replayed"}
)

_PROBLEM_ERRORS = {
    Problem.MISSING: ApiError.SIGNATURE_MISSING,
    Problem.MALFORMED: ApiError.SIGNATURE_MALFORMED,
    Problem.COMPONENT_ABSENT: ApiError.SIGNATURE_MALFORMED,
    Problem.UNSUPPORTED_KEY: ApiError.SIGNATURE_INVALID,
    Problem.ALGORITHM_MISMATCH: ApiError.ALGORITHM_MISMATCH,
    Problem.INVALID: ApiError.SIGNATURE_INVALID,
    Problem.PARAMETER_MISSING: ApiError.PARAMETER_MISSING,
    Problem.STALE: ApiError.SIGNATURE_STALE,
    Problem.EXPIRED: ApiError.SIGNATURE_EXPIRED,
    Problem.DIGEST_MISSING: ApiError.DIGEST_MISSING,
    Problem.DIGEST_MISMATCH: ApiError.DIGEST_MISMATCH,
}


class Refusal(Exception):
    """A coded refusal with what is known of the caller, for the audit entry."""

    def __init__(self, error: SimisError, *, partner_id: int | None = None, keyid: str | None = None) -> None:
        super().__init__(error.code)
        self.error = error
        self.partner_id = partner_id
        self.keyid = keyid


def _coded(exc: SignatureError) -> SimisError:
    error = _PROBLEM_ERRORS[exc.problem]
    if exc.problem is Problem.COMPONENT_ABSENT and exc.facts.get("component") == "content-digest":
        error = ApiError.DIGEST_MISSING
    params: dict[str, Any] = {
        ApiError.SIGNATURE_MALFORMED: {"detail": exc.detail},
        ApiError.PARAMETER_MISSING: {"parameter": exc.facts.get("parameter", exc.detail)},
        ApiError.SIGNATURE_STALE: {"created": exc.facts.get("created", ""), "max_age": MAX_SIGNATURE_AGE},
        ApiError.SIGNATURE_EXPIRED: {"expires": exc.facts.get("expires", "")},
    }.get(error, {})
    if error is ApiError.ALGORITHM_MISMATCH:
        params = {"alg": exc.facts.get("alg", ""), "expected": exc.facts.get("expected", "")}
    return SimisError(error, **params)


# --- Requests ---------------------------------------------------------------------------------


def request_path_and_query(request: HttpRequest) -> str:
    path = escape_uri_path(request.path)
    query = request.META.get("QUERY_STRING", "")
    return f"{path}?{query}" if query else path


def request_message(request: HttpRequest) -> HttpMessage:
    """The request as RFC 9421 sees it. ``@target-uri`` is built on ``SIMIS_PUBLIC_URL``, the
    address partners call, not on the Host header: behind a proxy or load balancer the host,
    port and scheme Django sees are not the ones the partner signed."""
    path = escape_uri_path(request.path)
    return HttpMessage(
        method=request.method or "GET",
        target_uri=rules.target_uri(settings.SIMIS_PUBLIC_URL, path, request.META.get("QUERY_STRING", "")),
        headers=headers_normalise(request.headers.items()),
    )


def required_components(request: HttpRequest) -> list[str]:
    """What every signature must cover: the method and target URI; the body's digest when
    there is a body or the call is a write; the Idempotency-Key of a write."""
    names = ["@method", "@target-uri"]
    if request.body or request.method in WRITE_METHODS:
        names.append("content-digest")
    if request.method in WRITE_METHODS and IDEMPOTENCY_HEADER in request.headers:
        names.append("idempotency-key")
    return names


def request_verify(request: HttpRequest, *, now: datetime) -> tuple[ApiCaller, ReceivedSignature]:
    """Accept the request's signature or raise ``Refusal``. The nonce is recorded last, so a
    refused request does not use one up."""
    message = request_message(request)
    keyid: str | None = None
    partner_id: int | None = None
    try:
        received = signature_parse(message.headers.get("signature-input"), message.headers.get("signature"))
        params = received.params
        keyid = params.keyid
        for name in ("keyid", "created", "nonce"):
            if getattr(params, name) in (None, ""):
                raise SignatureError(Problem.PARAMETER_MISSING, name, parameter=name)
        assert keyid is not None and params.nonce is not None
        if len(params.nonce) > NONCE_MAX_LENGTH:
            raise SignatureError(Problem.MALFORMED, f"the nonce is longer than {NONCE_MAX_LENGTH} characters")
        certificate = selectors.certificate_for_keyid(keyid)
        if certificate is None:
            raise Refusal(SimisError(ApiError.KEY_UNKNOWN, keyid=keyid), keyid=keyid)
        partner_id = certificate.partner_id
        for name in required_components(request):
            if not received.covers(component(name)):
                raise Refusal(
                    SimisError(ApiError.COMPONENT_MISSING, component=f'"{name}"'),
                    partner_id=partner_id,
                    keyid=keyid,
                )
        message_verify(message, received, certificate_load(certificate.pem).public_key())  # type: ignore[arg-type]
        if certificate.revoked_at is not None:
            raise Refusal(SimisError(ApiError.KEY_REVOKED, keyid=keyid), partner_id=partner_id, keyid=keyid)
        if not certificate.not_before <= now <= certificate.not_after:
            raise Refusal(
                SimisError(ApiError.KEY_NOT_VALID_NOW, keyid=keyid), partner_id=partner_id, keyid=keyid
            )
        signature_check_times(
            params, now=rules.epoch_seconds(now), max_age=MAX_SIGNATURE_AGE, max_skew=MAX_CLOCK_SKEW
        )
        if request.body or received.covers(component("content-digest")):
            # Over the raw bytes received, before anything parses them.
            content_digest_verify(message.headers.get("content-digest"), request.body)
        partner = certificate.partner
        if partner.status != PartnerStatus.ACTIVE:
            raise Refusal(
                SimisError(ApiError.PARTNER_SUSPENDED, partner=partner.code),
                partner_id=partner_id,
                keyid=keyid,
            )
        if not services.nonce_remember(keyid=keyid, nonce=params.nonce, now=now, lifetime=NONCE_LIFETIME):
            raise Refusal(SimisError(ApiError.NONCE_REPLAYED), partner_id=partner_id, keyid=keyid)
    except SignatureError as exc:
        raise Refusal(_coded(exc), partner_id=partner_id, keyid=keyid) from exc
    caller = ApiCaller(
        partner_id=partner.pk,
        partner_code=partner.code,
        name_ar=partner.name_ar,
        name_en=partner.name_en,
        kind=partner.kind,
        organisation_key=partner.organisation_key,
        certificate_id=certificate.pk,
        keyid=certificate.keyid,
    )
    return caller, received


# --- Idempotency ------------------------------------------------------------------------------


def idempotent_run(
    request: HttpRequest, caller: ApiCaller, run: Callable[[], HttpResponseBase], *, now: datetime
) -> HttpResponseBase:
    """Run a write once per Idempotency-Key.

    The key's record is inserted in the write's own transaction and completed with the response
    before commit, so "the write happened" and "its response is stored" are one fact. A 5xx
    rolls the whole transaction back — the record too — so the partner's retry runs again.
    Refusals (4xx) are stored and replayed like successes: the same request gets the same answer."""
    key = rules.idempotency_key_read(request.headers.get(IDEMPOTENCY_HEADER))
    path = request_path_and_query(request)
    with transaction.atomic():
        start = services.idempotency_begin(
            partner_id=caller.partner_id,
            key=key,
            request_hash=rules.request_fingerprint(request.method or "", path, request.body),
            method=request.method or "",
            path=path,
            now=now,
        )
        if start.replay:
            return replay_response(start.record)
        response = run()
        if response.status_code >= 500 or getattr(response, "streaming", False):
            transaction.set_rollback(True)
            return response
        assert isinstance(response, HttpResponse)
        services.idempotency_complete(
            record=start.record,
            status=response.status_code,
            headers=[
                (name, value) for name, value in response.items() if name.lower() not in _UNSTORED_HEADERS
            ],
            body=response.content,
            now=timezone.now(),
        )
        return response


def replay_response(record: Any) -> HttpResponse:
    response = HttpResponse(bytes(record.response_body), status=record.response_status)
    for name, value in record.response_headers:
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


# --- Responses --------------------------------------------------------------------------------


def error_response(
    error: SimisError, *, extra: dict[str, Any] | None = None, status: int | None = None
) -> JsonResponse:
    """The coded refusal body: the message in the active language, both texts always."""
    if status is None:
        status = error.error.status if isinstance(error.error, ApiError) else 400
    body: dict[str, Any] = error.as_dict()
    if extra:
        body.update(extra)
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def response_sign(
    request: HttpRequest, response: HttpResponseBase, received: ReceivedSignature | None, *, now: datetime
) -> HttpResponseBase:
    """Add Content-Digest and SIMIS's signature over ``@status``, ``content-digest``,
    ``content-type``, and — binding the answer to its question — the request's ``@method``,
    ``@target-uri`` and, when it was signed, its signature (``"signature";req;key="<label>"``).
    A response that cannot be signed (no server key) is replaced by a coded 500."""
    if not isinstance(response, HttpResponse):
        return response
    try:
        identity = server_identity()
    except SimisError as exc:
        logger.error("API responses cannot be signed: %s", exc)
        return error_response(exc)
    response["Content-Digest"] = content_digest(response.content)
    request_part = request_message(request)
    covered = [component("@status"), component("content-digest")]
    if response.has_header("Content-Type"):
        covered.append(component("content-type"))
    bound = [component("@method", req=True), component("@target-uri", req=True)]
    if received is not None:
        bound.append(component("signature", req=True, key=received.label))
    message = HttpMessage(
        status=response.status_code, headers=headers_normalise(response.items()), request=request_part
    )
    params = SignatureParameters(created=rules.epoch_seconds(now), keyid=identity.keyid, alg=identity.alg)
    try:
        fields = message_sign(
            message, covered + bound, params, identity.private_key, label=RESPONSE_SIGNATURE_LABEL
        )
    except SignatureError:
        # A request target that is not ASCII cannot be covered; sign the response alone.
        fields = message_sign(message, covered, params, identity.private_key, label=RESPONSE_SIGNATURE_LABEL)
    for name, value in fields.items():
        response[name] = value
    return response


# --- The gate ---------------------------------------------------------------------------------


def gate(view: Callable[..., HttpResponseBase], *, public: bool = False) -> Callable[..., HttpResponseBase]:
    """Wrap one /api/v1/ view in the gateway (see the module docstring)."""

    @functools.wraps(view)
    def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        now = timezone.now()
        language = rules.language_from_accept(request.headers.get("Accept-Language"))
        with translation.override(language):
            received: ReceivedSignature | None = None
            try:
                _body_size_check(request)
                if public:
                    received = _signature_quietly(request)
                    response = view(request, *args, **kwargs)
                else:
                    caller, received = request_verify(request, now=now)
                    setattr(request, CALLER_ATTRIBUTE, caller)
                    if request.method in WRITE_METHODS:

                        def run() -> HttpResponseBase:
                            answered = _method_checked(view(request, *args, **kwargs), request)
                            answered.setdefault("Content-Language", language)
                            return answered

                        try:
                            response = idempotent_run(request, caller, run, now=now)
                        except SimisError as exc:
                            raise Refusal(exc, partner_id=caller.partner_id, keyid=caller.keyid) from exc
                    else:
                        response = view(request, *args, **kwargs)
            except Refusal as refusal:
                received = received or _signature_quietly(request)
                response = error_response(refusal.error)
                services.request_refusal_record(
                    error=refusal.error, request=request, partner_id=refusal.partner_id, keyid=refusal.keyid
                )
            response = _method_checked(response, request)
            response.setdefault("Content-Language", language)
            return response_sign(request, response, received, now=now)

    gated.csrf_exempt = True  # type: ignore[attr-defined]  # signatures, not cookies, authenticate
    return gated


def _body_size_check(request: HttpRequest) -> None:
    """Refuse, coded and signed, a body larger than Django will read, before anything reads
    it (Django's own refusal would be a bare HTML 400)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = 0
    if limit is not None and size > limit:
        raise Refusal(SimisError(ApiError.BODY_TOO_LARGE, size=size, limit=limit))


def _signature_quietly(request: HttpRequest) -> ReceivedSignature | None:
    """The request's signature as sent, to bind a refusal to it; None when unreadable."""
    try:
        return signature_parse(request.headers.get("Signature-Input"), request.headers.get("Signature"))
    except SignatureError:
        return None


def _method_checked(response: HttpResponseBase, request: HttpRequest) -> HttpResponseBase:
    """django-ninja answers an unsupported method with a bare 405; make it a coded one."""
    if response.status_code != 405 or str(response.get("Content-Type", "")).startswith("application/json"):
        return response
    coded = error_response(SimisError(ApiError.METHOD_NOT_ALLOWED, method=request.method))
    if response.has_header("Allow"):
        coded["Allow"] = response["Allow"]
    return coded


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any other address under /api/v1/: a coded 404 instead of Django's HTML page."""
    return error_response(SimisError(ApiError.NOT_FOUND))


def patterns_gated(patterns: Sequence[URLPattern | URLResolver]) -> list[URLPattern]:
    """django-ninja's URL patterns, each view wrapped in ``gate``."""
    gated: list[URLPattern] = []
    for pattern in patterns:
        if not isinstance(pattern, URLPattern):
            raise TypeError("the API's URLs are expected to be plain patterns")
        view = gate(pattern.callback, public=pattern.name in PUBLIC_URL_NAMES)
        gated.append(URLPattern(pattern.pattern, view, pattern.default_args, pattern.name))
    return gated
