"""The partner web services through Django's test client, with real signatures: what is
accepted, what is refused and with which code, and the signed answers."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from simis.api import signatures
from simis.api.client import ResponseSignatureError, response_verify
from simis.api.services import partner_certificate_revoke, partner_suspend
from simis.api.tests.conftest import PartnerIdentity, SignedCaller, make_partner, public_url, response_headers
from simis.audit.public import AuditEntry, audit_entries_for

pytestmark = pytest.mark.django_db

WHOAMI = "/api/v1/whoami"
ECHO = "/api/v1/echo"
CERTIFICATE = "/api/v1/.well-known/simis-certificate"


def assert_refused(response, status: int, code: str) -> dict:
    body = response.json()
    assert response.status_code == status, body
    assert body["code"] == code, body
    assert set(body) >= {"code", "message", "message_ar", "message_en"}
    assert body["message_ar"] and body["message_en"] and body["message_ar"] != body["message_en"]
    return body


def verify_simis_signature(client, response, method: str, path: str, request_signature: str | None) -> None:
    certificate = client.get(CERTIFICATE).content
    response_verify(
        status=response.status_code,
        headers=response_headers(response),
        body=response.content,
        request_method=method,
        request_url=public_url(path),
        request_signature=request_signature,
        certificate_pem=certificate,
    )


# --- Accepted ---------------------------------------------------------------------------------


def test_a_signed_read_is_answered_with_the_partner_it_was_signed_for(
    caller: SignedCaller, nour: PartnerIdentity
):
    response = caller.call(nour, "GET", WHOAMI)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["partner_code"] == "NOUR-TRADING"
    assert body["name_ar"] == "نور للتجارة"
    assert body["name_en"] == "Nour Trading"
    assert body["kind"] == "employer_system"
    assert body["keyid"] == nour.keyid
    assert abs(dt.datetime.fromisoformat(body["server_time"]).timestamp() - time.time()) < 60


def test_a_signed_write_returns_a_receipt(caller: SignedCaller, nour: PartnerIdentity):
    response = caller.call(nour, "POST", ECHO, {"message": "مرحبا"}, idempotency_key="first-echo")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["receipt"].startswith("ECHO-")
    assert body["message"] == "مرحبا"
    assert body["partner_code"] == "NOUR-TRADING"
    assert "Idempotent-Replayed" not in response


@pytest.mark.parametrize("algorithm", ["ed25519", "ecdsa-p256-sha256", "rsa-pss-sha512"])
def test_each_supported_algorithm_is_accepted_end_to_end(caller: SignedCaller, db, algorithm: str):
    identity = make_partner("ALG-" + algorithm.split("-")[0].upper(), algorithm=algorithm)
    assert identity.certificate.algorithm == algorithm
    assert caller.call(identity, "GET", WHOAMI).status_code == 200
    assert caller.call(identity, "POST", ECHO, {"message": "x"}).status_code == 200


def test_the_target_uri_is_the_public_address_not_the_host_header(caller: SignedCaller, nour, settings):
    """Behind a proxy Django sees another host and scheme; partners sign SIMIS_PUBLIC_URL."""
    settings.SIMIS_PUBLIC_URL = "https://simis.example.gov.sa/"
    assert caller.call(nour, "GET", WHOAMI).status_code == 200
    settings.SIMIS_PUBLIC_URL = "http://testserver"
    signed_for_old_address = caller.call(nour, "GET", WHOAMI, signed_path=None)
    assert signed_for_old_address.status_code == 200  # signed for what is configured now
    wrong = caller.call(nour, "GET", WHOAMI, headers={}, signed_path="/api/v1/whoami?proxy=1")
    assert_refused(wrong, 401, "API-106")


# --- Refused ----------------------------------------------------------------------------------


def test_an_unsigned_call_is_refused_in_arabic_by_default(caller: SignedCaller, nour):
    body = assert_refused(caller.call(None, "GET", WHOAMI), 401, "API-101")
    assert body["message"] == body["message_ar"]


def test_the_refusal_message_follows_accept_language(caller: SignedCaller, nour):
    response = caller.call(None, "GET", WHOAMI, headers={"Accept-Language": "en-GB,en;q=0.9,ar;q=0.5"})
    body = assert_refused(response, 401, "API-101")
    assert body["message"] == body["message_en"]
    assert response["Content-Language"] == "en"


def test_a_signature_by_another_key_is_refused(caller: SignedCaller, nour):
    intruder = ed25519.Ed25519PrivateKey.generate()
    assert_refused(caller.call(nour, "GET", WHOAMI, sign_key=intruder, keyid=nour.keyid), 401, "API-106")


def test_a_key_of_another_partner_cannot_claim_nours_keyid(caller: SignedCaller, nour, badr):
    assert_refused(caller.call(badr, "GET", WHOAMI, keyid=nour.keyid), 401, "API-106")


def test_an_unknown_keyid_is_refused(caller: SignedCaller, nour):
    assert_refused(caller.call(nour, "GET", WHOAMI, keyid="not-a-registered-key"), 401, "API-103")


def test_an_altered_body_is_refused(caller: SignedCaller, nour):
    response = caller.call(nour, "POST", ECHO, {"message": "pay 100"}, sent_body=b'{"message": "pay 900"}')
    assert_refused(response, 400, "API-113")


def test_a_body_with_a_recomputed_digest_breaks_the_signature(caller: SignedCaller, nour):
    forged = b'{"message": "pay 900"}'
    response = caller.call(
        nour,
        "POST",
        ECHO,
        {"message": "pay 100"},
        sent_body=forged,
        headers={},
    )
    assert response.status_code == 400
    fields = dict(response.signed_fields)
    fields["Content-Digest"] = signatures.content_digest(forged)
    fields.pop("Content-Type", None)
    again = caller.client.generic("POST", ECHO, data=forged, content_type="application/json", headers=fields)
    assert_refused(again, 401, "API-106")


def test_an_altered_path_is_refused(caller: SignedCaller, nour):
    response = caller.call(nour, "GET", WHOAMI + "?organisation=other", signed_path=WHOAMI)
    assert_refused(response, 401, "API-106")


def test_a_write_sent_to_another_endpoint_than_signed_is_refused(caller: SignedCaller, nour):
    response = caller.call(nour, "POST", ECHO, {"message": "x"}, signed_path="/api/v1/other")
    assert_refused(response, 401, "API-106")


@pytest.mark.parametrize("age", [301, -61])
def test_a_signature_too_old_or_from_the_future_is_refused(caller: SignedCaller, nour, age: int):
    response = caller.call(nour, "GET", WHOAMI, created=int(time.time()) - age)
    assert_refused(response, 401, "API-108")


def test_a_signature_within_the_window_is_accepted(caller: SignedCaller, nour):
    assert caller.call(nour, "GET", WHOAMI, created=int(time.time()) - 240).status_code == 200
    assert caller.call(nour, "GET", WHOAMI, created=int(time.time()) + 30).status_code == 200


def test_a_replayed_nonce_is_refused(caller: SignedCaller, nour):
    first = caller.call(nour, "GET", WHOAMI, nonce="once-only-nonce")
    assert first.status_code == 200
    assert_refused(caller.call(nour, "GET", WHOAMI, nonce="once-only-nonce"), 401, "API-109")


def test_a_replay_of_the_exact_same_signed_request_is_refused(caller: SignedCaller, nour):
    first = caller.call(nour, "GET", WHOAMI)
    assert first.status_code == 200
    fields = dict(first.signed_fields)
    fields.pop("Content-Type", None)
    assert_refused(caller.client.get(WHOAMI, headers=fields), 401, "API-109")


def test_the_same_nonce_under_another_key_is_not_a_replay(caller: SignedCaller, nour, badr):
    assert caller.call(nour, "GET", WHOAMI, nonce="shared-nonce").status_code == 200
    assert caller.call(badr, "GET", WHOAMI, nonce="shared-nonce").status_code == 200


def test_a_refused_request_does_not_use_up_its_nonce(caller: SignedCaller, nour):
    assert caller.call(nour, "GET", WHOAMI, nonce="n-1", created=int(time.time()) - 400).status_code == 401
    assert caller.call(nour, "GET", WHOAMI, nonce="n-1").status_code == 200


def test_a_revoked_certificate_is_refused(caller: SignedCaller, nour):
    partner_certificate_revoke(certificate=nour.certificate, reason="key leaked")
    assert_refused(caller.call(nour, "GET", WHOAMI), 401, "API-104")


def test_an_expired_certificate_is_refused(caller: SignedCaller, db):
    old = make_partner(
        "OLD-SYSTEM", certificate_days=30, certificate_start=dt.datetime.now(dt.UTC) - dt.timedelta(days=60)
    )
    assert_refused(caller.call(old, "GET", WHOAMI), 401, "API-105")


def test_a_suspended_partner_is_refused(caller: SignedCaller, nour):
    partner_suspend(partner=nour.partner, reason="contract ended")
    body = assert_refused(caller.call(nour, "GET", WHOAMI), 403, "API-120")
    assert "NOUR-TRADING" in body["message_en"]


def test_a_signature_that_does_not_cover_the_target_uri_is_refused(caller: SignedCaller, nour):
    key = nour.key
    fields = {"Accept-Language": "en"}
    message = signatures.HttpMessage(method="GET", target_uri=public_url(WHOAMI), headers={})
    params = signatures.SignatureParameters(created=int(time.time()), nonce="n-cover", keyid=nour.keyid)
    fields.update(signatures.message_sign(message, [signatures.component("@method")], params, key))
    body = assert_refused(caller.client.get(WHOAMI, headers=fields), 400, "API-107")
    assert '"@target-uri"' in body["message_en"]


def test_a_write_whose_signature_omits_the_digest_is_refused(caller: SignedCaller, nour):
    body = b'{"message": "x"}'
    fields = {"Idempotency-Key": "k-digest"}
    message = signatures.HttpMessage(method="POST", target_uri=public_url(ECHO), headers={})
    params = signatures.SignatureParameters(created=int(time.time()), nonce="n-digest", keyid=nour.keyid)
    covered = [signatures.component("@method"), signatures.component("@target-uri")]
    fields.update(signatures.message_sign(message, covered, params, nour.key))
    response = caller.client.post(ECHO, data=body, content_type="application/json", headers=fields)
    assert_refused(response, 400, "API-107")


def test_a_signature_without_a_nonce_is_refused(caller: SignedCaller, nour):
    fields = {}
    message = signatures.HttpMessage(method="GET", target_uri=public_url(WHOAMI), headers={})
    params = signatures.SignatureParameters(created=int(time.time()), keyid=nour.keyid)
    covered = [signatures.component("@method"), signatures.component("@target-uri")]
    fields.update(signatures.message_sign(message, covered, params, nour.key))
    assert_refused(caller.client.get(WHOAMI, headers=fields), 400, "API-110")


def test_an_overlong_nonce_is_refused(caller: SignedCaller, nour):
    assert_refused(caller.call(nour, "GET", WHOAMI, nonce="n" * 129), 400, "API-102")


def test_unreadable_signature_headers_are_refused(caller: SignedCaller, nour):
    fields = {"Signature-Input": "sig1=(@method", "Signature": "sig1=:AAAA:"}
    assert_refused(caller.client.get(WHOAMI, headers=fields), 400, "API-102")


def test_an_alg_that_does_not_match_the_certificate_is_refused(caller: SignedCaller, nour):
    fields = {}
    message = signatures.HttpMessage(method="GET", target_uri=public_url(WHOAMI), headers={})
    params = signatures.SignatureParameters(
        created=int(time.time()), nonce="n-alg", keyid=nour.keyid, alg="ed25519"
    )
    covered = [signatures.component("@method"), signatures.component("@target-uri")]
    fields.update(signatures.message_sign(message, covered, params, nour.key))
    fields["Signature-Input"] = fields["Signature-Input"].replace('alg="ed25519"', 'alg="rsa-pss-sha512"')
    assert_refused(caller.client.get(WHOAMI, headers=fields), 400, "API-111")


def test_refusals_are_audited_against_the_partner(caller: SignedCaller, nour):
    caller.call(nour, "GET", WHOAMI, created=int(time.time()) - 900)
    entry = audit_entries_for(nour.partner).filter(action="api.request_refused").get()
    assert entry.outcome == "refused"
    assert entry.extra["code"] == "API-108"
    assert entry.extra["keyid"] == nour.keyid


# --- Idempotency ------------------------------------------------------------------------------


def test_a_retried_write_returns_the_stored_response(caller: SignedCaller, nour):
    first = caller.call(nour, "POST", ECHO, {"message": "salary file"}, idempotency_key="retry-me")
    again = caller.call(nour, "POST", ECHO, {"message": "salary file"}, idempotency_key="retry-me")
    assert first.status_code == again.status_code == 200
    assert again.content == first.content  # byte for byte: the same receipt
    assert again.json()["receipt"] == first.json()["receipt"]
    assert again["Idempotent-Replayed"] == "true"
    assert again["Content-Type"] == first["Content-Type"]


def test_a_key_reused_for_another_body_is_refused(caller: SignedCaller, nour):
    caller.call(nour, "POST", ECHO, {"message": "one"}, idempotency_key="reused")
    response = caller.call(nour, "POST", ECHO, {"message": "two"}, idempotency_key="reused")
    assert_refused(response, 422, "API-203")


def test_the_same_key_of_two_partners_does_not_collide(caller: SignedCaller, nour, badr):
    first = caller.call(nour, "POST", ECHO, {"message": "x"}, idempotency_key="common")
    second = caller.call(badr, "POST", ECHO, {"message": "x"}, idempotency_key="common")
    assert first.json()["receipt"] != second.json()["receipt"]
    assert "Idempotent-Replayed" not in second


def test_a_write_without_an_idempotency_key_is_refused(caller: SignedCaller, nour):
    assert_refused(caller.call(nour, "POST", ECHO, {"message": "x"}, idempotency_key=None), 400, "API-201")


def test_an_unusable_idempotency_key_is_refused(caller: SignedCaller, nour):
    assert_refused(caller.call(nour, "POST", ECHO, {"message": "x"}, idempotency_key="a b"), 400, "API-202")


def test_an_idempotency_key_is_part_of_what_is_signed(caller: SignedCaller, nour):
    response = caller.call(nour, "POST", ECHO, {"message": "x"}, idempotency_key="signed-key")
    assert response.status_code == 200
    assert '"idempotency-key"' in response.signed_fields["Signature-Input"]


def test_a_refused_write_is_replayed_as_refused(caller: SignedCaller, nour):
    first = caller.call(nour, "POST", ECHO, {"message": "x" * 2000}, idempotency_key="too-long")
    again = caller.call(nour, "POST", ECHO, {"message": "x" * 2000}, idempotency_key="too-long")
    assert_refused(first, 422, "API-422")
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"


# --- Signed answers ---------------------------------------------------------------------------


def test_the_certificate_is_published_without_a_signature(client):
    response = client.get(CERTIFICATE)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pem-certificate-chain"
    assert response.content.startswith(b"-----BEGIN CERTIFICATE-----")


def test_answers_are_signed_by_simis_and_bound_to_the_request(caller: SignedCaller, client, nour):
    response = caller.call(nour, "GET", WHOAMI)
    assert response["Content-Digest"] == signatures.content_digest(response.content)
    verify_simis_signature(client, response, "GET", WHOAMI, response.signed_fields["Signature"])
    signature_input = response["Signature-Input"]
    for name in (
        '"@status"',
        '"content-digest"',
        '"@method";req',
        '"@target-uri";req',
        '"signature";req;key="sig1"',
    ):
        assert name in signature_input


def test_refusals_and_replays_are_signed_too(caller: SignedCaller, client, nour):
    refused = caller.call(nour, "GET", WHOAMI, created=int(time.time()) - 900)
    verify_simis_signature(client, refused, "GET", WHOAMI, refused.signed_fields["Signature"])
    caller.call(nour, "POST", ECHO, {"message": "x"}, idempotency_key="signed-replay")
    replay = caller.call(nour, "POST", ECHO, {"message": "x"}, idempotency_key="signed-replay")
    assert replay["Idempotent-Replayed"] == "true"
    verify_simis_signature(client, replay, "POST", ECHO, replay.signed_fields["Signature"])


def test_an_answer_whose_body_was_changed_fails_verification(caller: SignedCaller, client, nour):
    response = caller.call(nour, "GET", WHOAMI)
    response.content = response.content.replace(b"NOUR-TRADING", b"BADR-BUILDERS")
    with pytest.raises(ResponseSignatureError):
        verify_simis_signature(client, response, "GET", WHOAMI, response.signed_fields["Signature"])


def test_an_answer_cannot_be_passed_off_for_another_request(caller: SignedCaller, client, nour):
    response = caller.call(nour, "GET", WHOAMI)
    other = caller.call(nour, "GET", WHOAMI)
    with pytest.raises(ResponseSignatureError):
        verify_simis_signature(client, response, "GET", WHOAMI, other.signed_fields["Signature"])


# --- The rest of the surface ------------------------------------------------------------------


def test_an_unknown_address_is_a_coded_404(client):
    response = client.get("/api/v1/no-such-service")
    assert_refused(response, 404, "API-404")
    assert "Signature" in response


def test_a_method_the_service_does_not_take_is_a_coded_405(caller: SignedCaller, nour):
    response = caller.call(nour, "GET", ECHO)
    assert_refused(response, 405, "API-405")


def test_invalid_data_is_a_coded_422_with_the_fields(caller: SignedCaller, nour):
    response = caller.call(nour, "POST", ECHO, {"message": ["not", "text"]}, idempotency_key="bad-data")
    body = assert_refused(response, 422, "API-422")
    assert body["errors"][0]["loc"][-1] == "message"


def test_a_body_that_is_not_json_is_a_coded_400(caller: SignedCaller, nour):
    response = caller.call(nour, "POST", ECHO, body=b'{"message": 12', idempotency_key="bad-json")
    assert_refused(response, 400, "API-400")


def test_the_openapi_document_is_published(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert "/api/v1/whoami" in document["paths"]
    assert "/api/v1/echo" in document["paths"]
    assert document["components"]["securitySchemes"]["PartnerSignature"]["name"] == "Signature"


def test_the_docs_page_loads_nothing_from_a_cdn(client, settings):
    response = client.get("/api/v1/docs")
    if "ninja" not in settings.INSTALLED_APPS:
        assert response.status_code == 404  # no docs page rather than one that needs the internet
    else:
        assert response.status_code == 200
        assert b"cdn" not in response.content.lower()


def test_an_oversized_body_is_refused_coded_and_signed_before_it_is_read(
    caller: SignedCaller, nour: PartnerIdentity, settings
):
    """Django would answer a body over DATA_UPLOAD_MAX_MEMORY_SIZE with a bare HTML 400."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = caller.call(nour, "POST", ECHO, {"message": "x" * 2000}, idempotency_key="big-echo")
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "API-413"
    assert "1024" in body["message_en"]
    assert "Signature" in response.headers
    assert AuditEntry.objects.filter(action="api.request_refused", extra__code="API-413").exists()
