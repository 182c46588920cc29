"""The django-ninja API at /api/v1/ and its own endpoints (thin: each calls one service).

Other apps add their routers through ``simis.api.public.register_router``. Authentication is
the partner's RFC 9421 signature, checked by the gateway (gateway.py) before any view runs;
``PartnerSignature`` below only reads what the gateway left and describes the scheme in the
OpenAPI document.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import codes_4xx
from ninja.security import APIKeyHeader

from simis.api import services
from simis.api.caller import ApiCaller
from simis.api.errors import ApiError
from simis.api.gateway import CALLER_ATTRIBUTE, error_response
from simis.api.server_key import server_identity
from simis.core.errors import SimisError

logger = logging.getLogger("simis.api")

DESCRIPTION = """
Web services of the Social Insurance Management Information System for partner systems
(employers' payroll systems, hospitals, government agencies, banks).

* **Every request is signed** with HTTP Message Signatures (RFC 9421) by the key of a
  certificate registered for the partner. The signature covers `"@method"`, `"@target-uri"`
  (on the public address of SIMIS), `"content-digest"` (RFC 9530, whenever there is a body and
  on every write) and `"idempotency-key"` (on writes), with the parameters `created`, `nonce`
  and `keyid` (and optionally `alg`). Signatures older than 5 minutes and reused nonces are
  refused.
* **Every write** (POST, PUT, PATCH, DELETE) carries an `Idempotency-Key`; retrying with the
  same key and body returns the stored answer with `Idempotent-Replayed: true`.
* **Every response is signed** by SIMIS (label `simis`); its certificate is at
  `.well-known/simis-certificate`.
* **Refusals** are JSON `{"code", "message", "message_ar", "message_en"}`; `message` is in the
  language of `Accept-Language` (Arabic by default).
"""


class PartnerSignature(APIKeyHeader):
    """The partner's RFC 9421 signature (Signature-Input and Signature headers)."""

    param_name = "Signature"

    def authenticate(self, request: HttpRequest, key: str | None) -> ApiCaller | None:
        return getattr(request, CALLER_ATTRIBUTE, None)


def _docs_url() -> str | None:
    # The docs page loads Swagger UI from ninja's static files when "ninja" is an installed app
    # and from a CDN otherwise; SIMIS runs offline, so without the app there is no docs page.
    return "/docs" if "ninja" in settings.INSTALLED_APPS else None


api = NinjaAPI(
    title="SIMIS partner web services",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api:api-v1",
    auth=PartnerSignature(),
    docs_url=_docs_url(),
    servers=[{"url": settings.SIMIS_PUBLIC_URL.rstrip("/") + "/api/v1"}],
)


class ErrorOut(Schema):
    code: str = Field(..., description="Stable error code, e.g. API-106.")
    message: str = Field(..., description="The message in the language asked for (Accept-Language).")
    message_ar: str
    message_en: str


class WhoAmIOut(Schema):
    partner_code: str
    name_ar: str
    name_en: str
    kind: str
    organisation_key: str
    keyid: str = Field(..., description="The key id of the certificate that signed this request.")
    server_time: datetime


class EchoIn(Schema):
    message: str = Field("", max_length=1000, description="Any text; it is returned as sent.")


class EchoOut(Schema):
    receipt: str = Field(
        ..., description="Server-generated; a replay of the same write returns the same one."
    )
    partner_code: str
    message: str
    received_at: datetime


def api_caller(request: HttpRequest) -> ApiCaller:
    caller = getattr(request, CALLER_ATTRIBUTE, None)
    if caller is None:
        raise AuthenticationError()
    return caller


@api.get("/whoami", response={200: WhoAmIOut, codes_4xx: ErrorOut}, url_name="whoami", tags=["system"])
def whoami(request: HttpRequest) -> dict[str, Any]:
    """Who SIMIS takes the caller to be: a signed read that changes nothing."""
    caller = api_caller(request)
    return {
        "partner_code": caller.partner_code,
        "name_ar": caller.name_ar,
        "name_en": caller.name_en,
        "kind": caller.kind,
        "organisation_key": caller.organisation_key,
        "keyid": caller.keyid,
        "server_time": timezone.now(),
    }


@api.post("/echo", response={200: EchoOut, codes_4xx: ErrorOut}, url_name="echo", tags=["system"])
def echo(request: HttpRequest, payload: EchoIn) -> services.EchoReceipt:
    """A signed, idempotent write that stores nothing: returns a receipt number. Retrying with
    the same Idempotency-Key and body returns the same receipt."""
    return services.echo_acknowledge(caller=api_caller(request), message=payload.message, now=timezone.now())


@api.get(
    "/.well-known/simis-certificate",
    auth=None,
    url_name="simis-certificate",
    tags=["system"],
    summary="SIMIS's response-signing certificate (PEM)",
)
def simis_certificate(request: HttpRequest) -> HttpResponse:
    """The X.509 certificate whose key signs every response (label ``simis``). Partners pin it."""
    return HttpResponse(server_identity().certificate_pem, content_type="application/pem-certificate-chain")


# --- Coded refusals for everything a view can raise --------------------------------------------


@api.exception_handler(SimisError)
def _simis_error(request: HttpRequest, exc: SimisError) -> HttpResponse:
    return error_response(exc)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {
            "loc": list(error.get("loc", [])),
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in exc.errors
    ]
    return error_response(SimisError(ApiError.VALIDATION_FAILED), extra={"errors": errors})


@api.exception_handler(AuthenticationError)
def _authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(SimisError(ApiError.SIGNATURE_MISSING))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(SimisError(ApiError.NOT_FOUND))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 404:
        return error_response(SimisError(ApiError.NOT_FOUND))
    return error_response(SimisError(ApiError.BAD_REQUEST, detail=exc.message), status=exc.status_code)


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unexpected error in %s %s", request.method, request.path)
    # REL-3: recorded with the request id and partner, and the quality owner alerted.
    from simis.notifications.public import error_capture

    error_capture(exc, source="api", request=request)
    return error_response(SimisError(ApiError.INTERNAL))
