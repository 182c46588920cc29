"""The partner client: over a live server (real HTTP, real sockets), over Django's test client,
and from the command line."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from cryptography.hazmat.primitives import serialization

from simis.api.client import ResponseSignatureError, SimisApiError, SimisClient, main
from simis.api.server_key import server_identity
from simis.api.tests.conftest import PartnerIdentity, django_transport, make_partner


def _key_pem(identity: PartnerIdentity) -> bytes:
    return identity.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@pytest.fixture
def live(live_server, settings):
    """A live server whose public address is where it listens."""
    settings.SIMIS_PUBLIC_URL = live_server.url
    return live_server


@pytest.mark.django_db(transaction=True)
def test_the_client_talks_to_a_live_server_and_checks_its_signatures(live):
    nour = make_partner()
    client = SimisClient(
        live.url, nour.keyid, _key_pem(nour), server_identity().certificate_pem, language="en"
    )

    published = client.get("/api/v1/.well-known/simis-certificate")  # public, and signed too
    assert published.body.decode() == server_identity().certificate_pem

    me = client.get("/api/v1/whoami").json()
    assert me["partner_code"] == "NOUR-TRADING" and me["keyid"] == nour.keyid

    first = client.post("/api/v1/echo", {"message": "مرحبا"}, idempotency_key="live-1")
    again = client.post("/api/v1/echo", {"message": "مرحبا"}, idempotency_key="live-1")
    assert again.replayed and not first.replayed
    assert again.json()["receipt"] == first.json()["receipt"]
    assert again.body == first.body

    auto = client.post("/api/v1/echo", {"message": "x"})
    assert auto.json()["receipt"] != first.json()["receipt"]

    with pytest.raises(SimisApiError) as refused:
        client.post("/api/v1/echo", {"message": "other"}, idempotency_key="live-1")
    assert refused.value.code == "API-203" and refused.value.status == 422
    assert refused.value.message == refused.value.message_en


@pytest.mark.django_db(transaction=True)
def test_two_identical_writes_at_once_give_one_receipt(live):
    nour = make_partner()
    client = SimisClient(live.url, nour.keyid, _key_pem(nour), server_identity().certificate_pem)
    gate = threading.Barrier(2)

    def send():
        gate.wait(5)
        return client.post("/api/v1/echo", {"message": "salary file"}, idempotency_key="at-once")

    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = [future.result(30) for future in [pool.submit(send), pool.submit(send)]]
    assert responses[0].json()["receipt"] == responses[1].json()["receipt"]
    assert sorted(response.replayed for response in responses) == [False, True]


@pytest.mark.django_db(transaction=True)
def test_a_client_that_trusts_another_certificate_rejects_the_answer(live):
    from simis.api.server_key import self_signed_pair

    nour = make_partner()
    _, impostor = self_signed_pair("not SIMIS")
    client = SimisClient(live.url, nour.keyid, _key_pem(nour), impostor)
    with pytest.raises(ResponseSignatureError):
        client.get("/api/v1/whoami")


@pytest.mark.django_db
def test_the_client_runs_over_djangos_test_client_too(client):
    from django.conf import settings

    nour = make_partner()
    api = SimisClient(
        "http://testserver",
        nour.keyid,
        _key_pem(nour),
        server_identity().certificate_pem,
        signing_base_url=settings.SIMIS_PUBLIC_URL,
        transport=django_transport(client),
    )
    assert api.get("/api/v1/whoami").json()["partner_code"] == "NOUR-TRADING"
    with pytest.raises(SimisApiError) as refused:
        api.post("/api/v1/echo", {"message": ["not text"]})
    assert refused.value.code == "API-422"


@pytest.mark.django_db(transaction=True)
def test_the_command_line_calls_the_api(live, tmp_path, capsys):
    nour = make_partner()
    key = tmp_path / "key.pem"
    key.write_bytes(_key_pem(nour))
    certificate = tmp_path / "simis.pem"
    certificate.write_text(server_identity().certificate_pem)
    # A key id is base64url and may begin with "-": the "=" form keeps argparse from reading it
    # as an option (the form the docs and partner_demo print).
    common = [
        "--base-url",
        live.url,
        f"--keyid={nour.keyid}",
        "--key",
        str(key),
        "--server-certificate",
        str(certificate),
    ]

    assert main([*common, "GET", "/api/v1/whoami"]) == 0
    assert json.loads(capsys.readouterr().out)["partner_code"] == "NOUR-TRADING"

    body = tmp_path / "body.json"
    body.write_text('{"message": "من ملف"}')
    assert main([*common, "--json", f"@{body}", "--idempotency-key", "cli-1", "POST", "/api/v1/echo"]) == 0
    assert json.loads(capsys.readouterr().out)["message"] == "من ملف"

    assert (
        main(
            [
                *common,
                "--json",
                '{"message": "changed"}',
                "--idempotency-key",
                "cli-1",
                "POST",
                "/api/v1/echo",
            ]
        )
        == 1
    )
    assert "API-203" in capsys.readouterr().err
