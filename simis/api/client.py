"""A client for the SIMIS partner web services: signs requests (RFC 9421) and checks SIMIS's
signature on the responses. Standard library and ``simis.api.signatures`` only — no Django —
so a partner can copy this file and signatures.py into their own system.

    client = SimisClient("https://simis.example.gov.sa", keyid, Path("key.pem").read_bytes(),
                         server_certificate_pem=Path("simis-certificate.pem").read_bytes())
    client.get("/api/v1/whoami").json()
    client.post("/api/v1/echo", {"message": "hello"})     # Idempotency-Key generated

From a shell::

    python -m simis.api.client --base-url http://127.0.0.1:8000 --keyid=KEYID --key key.pem \\
        GET /api/v1/whoami
"""

from __future__ import annotations

import argparse
import json as jsonlib
import secrets
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from simis.api import signatures as sig

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REQUEST_LABEL = "sig1"
RESPONSE_LABEL = "simis"
MAX_RESPONSE_AGE = 300
MAX_CLOCK_SKEW = 60


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


# (method, url, headers, body) -> response. The default sends with urllib; tests plug in
# Django's test client.
Transport = Callable[[str, str, dict[str, str], bytes], RawResponse]


@dataclass(frozen=True)
class ApiResponse:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def replayed(self) -> bool:
        """True when SIMIS answered from its idempotency store (a retried write)."""
        return self.headers.get("idempotent-replayed") == "true"

    def json(self) -> Any:
        return jsonlib.loads(self.body) if self.body else None


class SimisApiError(Exception):
    """SIMIS refused the call: ``code`` is stable, the messages are for people."""

    def __init__(self, response: ApiResponse) -> None:
        self.response = response
        self.status = response.status
        try:
            data = response.json()
        except ValueError:
            data = None
        data = data if isinstance(data, dict) else {}
        self.code = str(data.get("code", f"HTTP-{response.status}"))
        self.message = str(data.get("message", response.body[:200].decode("utf-8", "replace")))
        self.message_ar = str(data.get("message_ar", self.message))
        self.message_en = str(data.get("message_en", self.message))
        super().__init__(f"{self.status} {self.code}: {self.message_en}")


class ResponseSignatureError(Exception):
    """The response is not signed by the SIMIS certificate the client trusts, or its body does
    not match its digest. Treat its content as unknown."""


def urllib_transport(timeout: float = 30.0) -> Transport:
    def send(method: str, url: str, headers: dict[str, str], body: bytes) -> RawResponse:
        if urlsplit(url).scheme not in ("http", "https"):
            raise ValueError("SIMIS is reached over http or https only")
        data = body if body or method in WRITE_METHODS else None
        request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return RawResponse(response.status, list(response.headers.items()), response.read())
        except urllib.error.HTTPError as refused:
            return RawResponse(refused.code, list(refused.headers.items()), refused.read())

    return send


def sign_request(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    keyid: str,
    key: sig.PrivateKey,
    *,
    created: int | None = None,
    nonce: str | None = None,
    label: str = REQUEST_LABEL,
) -> dict[str, str]:
    """The headers that sign a request: ``Content-Digest`` (when there is a body or the method
    writes), ``Signature-Input`` and ``Signature``. ``url`` is the address as SIMIS publishes it
    (its SIMIS_PUBLIC_URL + path + query). Covers ``@method``, ``@target-uri``,
    ``content-digest`` and, when ``headers`` has one, ``idempotency-key``."""
    method = method.upper()
    added: dict[str, str] = {}
    fields = dict(headers)
    covered = [sig.component("@method"), sig.component("@target-uri")]
    if body or method in WRITE_METHODS:
        added["Content-Digest"] = fields["Content-Digest"] = sig.content_digest(body)
        covered.append(sig.component("content-digest"))
    normalised = sig.headers_normalise(fields.items())
    if "idempotency-key" in normalised:
        covered.append(sig.component("idempotency-key"))
    params = sig.SignatureParameters(
        created=created if created is not None else int(time.time()),
        nonce=nonce or secrets.token_urlsafe(24),
        keyid=keyid,
        alg=sig.algorithm_for_key(key),
    )
    message = sig.HttpMessage(method=method, target_uri=url, headers=normalised)
    added.update(sig.message_sign(message, covered, params, key, label=label))
    return added


def response_verify(
    *,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    request_method: str,
    request_url: str,
    request_signature: str | None,
    certificate_pem: bytes | str,
    now: int | None = None,
) -> None:
    """Check SIMIS's signature on a response (``headers`` with lower-case names): made by the
    key of ``certificate_pem``, fresh, covering the status and the body's digest (which must
    match ``body``) and, when the request was signed, bound to that request's signature."""
    certificate = sig.certificate_load(certificate_pem)
    try:
        received = sig.signature_parse(
            headers.get("signature-input"), headers.get("signature"), label=RESPONSE_LABEL
        )
        if received.params.keyid != sig.certificate_keyid(certificate):
            raise ResponseSignatureError("the response is signed by another key than the SIMIS certificate")
        required = [sig.component("@status"), sig.component("content-digest")]
        if request_signature:
            required.append(sig.component("signature", req=True, key=REQUEST_LABEL))
        for item in required:
            if not received.covers(item):
                raise ResponseSignatureError(
                    f"the response signature does not cover {sig.component_name(item)}"
                )
        sig.signature_check_times(
            received.params, now=now or int(time.time()), max_age=MAX_RESPONSE_AGE, max_skew=MAX_CLOCK_SKEW
        )
        sig.content_digest_verify(headers.get("content-digest"), body)
        request = sig.HttpMessage(
            method=request_method.upper(),
            target_uri=request_url,
            headers={"signature": request_signature} if request_signature else {},
        )
        message = sig.HttpMessage(status=status, headers=headers, request=request)
        sig.message_verify(message, received, certificate.public_key())  # type: ignore[arg-type]
    except sig.SignatureError as exc:
        raise ResponseSignatureError(f"the response signature is not valid: {exc}") from exc


class SimisClient:
    """Signed calls to SIMIS. ``base_url`` is where requests are sent; ``signing_base_url``
    (default: the same) is SIMIS's public address that signatures name, when the two differ
    (e.g. calling through an internal address)."""

    def __init__(
        self,
        base_url: str,
        keyid: str,
        private_key_pem: bytes | str,
        server_certificate_pem: bytes | str | None = None,
        *,
        signing_base_url: str | None = None,
        language: str = "ar",
        transport: Transport | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.signing_base_url = (signing_base_url or base_url).rstrip("/")
        self.keyid = keyid
        self.key = sig.private_key_load(private_key_pem)
        self.server_certificate_pem = server_certificate_pem
        if server_certificate_pem is not None:
            sig.certificate_load(server_certificate_pem)  # refuse a bad certificate now, not per call
        self.language = language
        self.transport = transport or urllib_transport(timeout)

    def get(self, path: str, *, headers: Mapping[str, str] | None = None) -> ApiResponse:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, json: Any = None, idempotency_key: str | None = None) -> ApiResponse:
        return self.request("POST", path, json=json, idempotency_key=idempotency_key)

    def put(self, path: str, json: Any = None, idempotency_key: str | None = None) -> ApiResponse:
        return self.request("PUT", path, json=json, idempotency_key=idempotency_key)

    def patch(self, path: str, json: Any = None, idempotency_key: str | None = None) -> ApiResponse:
        return self.request("PATCH", path, json=json, idempotency_key=idempotency_key)

    def delete(self, path: str, idempotency_key: str | None = None) -> ApiResponse:
        return self.request("DELETE", path, idempotency_key=idempotency_key)

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        body: bytes = b"",
        idempotency_key: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> ApiResponse:
        """Send one signed call; raises ``SimisApiError`` on a refusal (status ≥ 400) and
        ``ResponseSignatureError`` when a server certificate is set and the answer is not
        signed by it. A write without ``idempotency_key`` gets a new UUID."""
        method = method.upper()
        if not path.startswith("/"):
            path = f"/{path}"
        fields = {"Accept": "application/json", "Accept-Language": self.language, **(headers or {})}
        if json is not None:
            body = jsonlib.dumps(json, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            fields["Content-Type"] = "application/json"
        if method in WRITE_METHODS:
            fields["Idempotency-Key"] = idempotency_key or str(uuid.uuid4())
        signed_url = self.signing_base_url + path
        fields.update(sign_request(method, signed_url, fields, body, self.keyid, self.key))
        raw = self.transport(method, self.base_url + path, fields, body)
        response = ApiResponse(raw.status, sig.headers_normalise(raw.headers), raw.body)
        if self.server_certificate_pem is not None:
            response_verify(
                status=response.status,
                headers=response.headers,
                body=response.body,
                request_method=method,
                request_url=signed_url,
                request_signature=fields["Signature"],
                certificate_pem=self.server_certificate_pem,
            )
        if response.status >= 400:
            raise SimisApiError(response)
        return response


# --- Command line ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m simis.api.client", description="Call the SIMIS web services with a signed request."
    )
    parser.add_argument(
        "--base-url", required=True, help="SIMIS's address, e.g. https://simis.example.gov.sa"
    )
    parser.add_argument("--signing-base-url", help="SIMIS's public address, when requests go elsewhere")
    parser.add_argument(
        "--keyid",
        required=True,
        help="the key id of your registered certificate; write --keyid=VALUE (it may begin with '-')",
    )
    parser.add_argument("--key", required=True, type=Path, help="your private key (PEM file)")
    parser.add_argument(
        "--server-certificate", type=Path, help="SIMIS's certificate (PEM) to check responses with"
    )
    parser.add_argument(
        "--json", dest="json_body", help="request body as JSON text, or @file to read it from a file"
    )
    parser.add_argument("--idempotency-key", help="for a write; a new UUID when omitted")
    parser.add_argument("--language", default="ar", choices=["ar", "en"], help="language of refusal messages")
    parser.add_argument("method", help="GET, POST, PUT, PATCH or DELETE")
    parser.add_argument("path", help="e.g. /api/v1/whoami")
    args = parser.parse_args(argv)

    payload: Any = None
    if args.json_body is not None:
        text = Path(args.json_body[1:]).read_text() if args.json_body.startswith("@") else args.json_body
        payload = jsonlib.loads(text)
    client = SimisClient(
        args.base_url,
        args.keyid,
        args.key.read_bytes(),
        args.server_certificate.read_bytes() if args.server_certificate else None,
        signing_base_url=args.signing_base_url,
        language=args.language,
    )
    try:
        response = client.request(args.method, args.path, json=payload, idempotency_key=args.idempotency_key)
    except SimisApiError as refused:
        print(f"{refused.status} {refused.code}", file=sys.stderr)
        print(refused.message_ar, file=sys.stderr)
        print(refused.message_en, file=sys.stderr)
        return 1
    except ResponseSignatureError as forged:
        print(f"response rejected: {forged}", file=sys.stderr)
        return 2
    note = " (replayed)" if response.replayed else ""
    print(f"{response.status}{note}", file=sys.stderr)
    try:
        print(jsonlib.dumps(response.json(), ensure_ascii=False, indent=2))
    except ValueError:
        sys.stdout.write(response.body.decode("utf-8", "replace"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
