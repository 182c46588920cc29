"""The HTTP gateway against a real HTTP server started in the test (http.server in a thread):
what it posts, how answers map to sent / retry / refused, and that a resend after a lost answer
is dropped by an idempotent gateway — one SMS on the handset, not two."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from simis.core.errors import SimisError
from simis.notifications import services
from simis.notifications.choices import SmsStatus
from simis.notifications.gateways import HttpGateway, gateway_build
from simis.notifications.models import SmsMessage
from simis.notifications.tests.conftest import SARA_E164, Outbox
from simis.notifications.tests.helpers import registration_sms

pytestmark = pytest.mark.django_db

TOKEN = "gateway-token-1"


@dataclass
class FakeSmsCentre:
    """A gateway that keeps what it accepted, drops a repeated Idempotency-Key, and answers from
    a script of (status, headers, delay) per request; the default answer is 200."""

    script: list[tuple[int, dict[str, str], float]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    accepted: dict[str, str] = field(default_factory=dict)  # idempotency key → message id
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        body = handler.rfile.read(int(handler.headers.get("Content-Length", "0")))
        with self.lock:
            self.requests.append(
                {"headers": dict(handler.headers), "body": json.loads(body), "path": handler.path}
            )
            status, headers, delay = self.script.pop(0) if self.script else (200, {}, 0.0)
            key = handler.headers.get("Idempotency-Key", "")
            if status == 200 and key not in self.accepted:
                self.accepted[key] = f"gw-{len(self.accepted) + 1}"
            message_id = self.accepted.get(key, "")
        time.sleep(delay)
        payload = json.dumps({"message_id": message_id} if status == 200 else {"error": "no"}).encode()
        try:
            handler.send_response(status)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting: exactly the case under test


@pytest.fixture
def centre() -> Iterator[tuple[FakeSmsCentre, str]]:
    state = FakeSmsCentre()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            state.answer(self)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/v1/sms"
    finally:
        server.shutdown()
        server.server_close()


def deliver(message: SmsMessage, url: str, timeout: float = 2) -> SmsMessage:
    services.sms_deliver(message_id=message.pk, gateway=HttpGateway(url, TOKEN, timeout))
    message.refresh_from_db()
    return message


def test_the_message_is_posted_as_json_with_token_and_idempotency_key(
    outbox: Outbox, centre: tuple[FakeSmsCentre, str]
) -> None:
    state, url = centre
    message = deliver(registration_sms(), url)
    assert (message.status, message.gateway_message_id, message.backend) == (SmsStatus.SENT, "gw-1", "http")
    [request] = state.requests
    assert request["path"] == "/v1/sms"
    assert request["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert request["headers"]["Idempotency-Key"] == message.reference
    assert request["body"] == {
        "reference": message.reference,
        "to": SARA_E164,
        "sender": "SIMIS",
        "text": message.text,
        "encoding": "ucs2",
        "segments": 2,
    }


def test_a_busy_gateway_is_retried_after_its_retry_after(
    outbox: Outbox, centre: tuple[FakeSmsCentre, str]
) -> None:
    state, url = centre
    state.script = [(429, {"Retry-After": "90"}, 0.0), (503, {}, 0.0)]
    message = registration_sms()
    with pytest.raises(services.SmsRetryLater) as retry:
        deliver(message, url)
    assert retry.value.delay == 90
    with pytest.raises(services.SmsRetryLater) as retry:
        deliver(message, url)
    assert retry.value.delay == 45  # the second back-off step
    message = deliver(message, url)
    assert (message.status, message.attempts) == (SmsStatus.SENT, 3)


def test_a_refusal_fails_the_message_for_good(outbox: Outbox, centre: tuple[FakeSmsCentre, str]) -> None:
    state, url = centre
    state.script = [(400, {}, 0.0)]
    message = deliver(registration_sms(), url)
    assert message.status == SmsStatus.FAILED
    assert message.last_error.startswith("GatewayPermanentError: HTTP 400")
    assert len(state.requests) == 1


def test_a_resend_after_a_lost_answer_delivers_one_sms(
    outbox: Outbox, centre: tuple[FakeSmsCentre, str]
) -> None:
    state, url = centre
    # The gateway takes the message but answers after our timeout: we cannot know it was taken.
    state.script = [(200, {}, 1.5)]
    message = registration_sms()
    with pytest.raises(services.SmsRetryLater):
        deliver(message, url, timeout=0.5)
    message.refresh_from_db()
    assert message.status == SmsStatus.QUEUED and "no answer" in message.last_error
    message = deliver(message, url, timeout=2)
    assert message.status == SmsStatus.SENT
    assert len(state.requests) == 2  # sent twice …
    assert state.accepted == {message.reference: "gw-1"}  # … taken once
    assert message.gateway_message_id == "gw-1"


def test_an_unreachable_gateway_is_retried(outbox: Outbox) -> None:
    message = registration_sms()
    with pytest.raises(services.SmsRetryLater):
        deliver(message, "http://127.0.0.1:9/v1/sms", timeout=1)  # the discard port: nobody listens
    message.refresh_from_db()
    assert message.status == SmsStatus.QUEUED and "unreachable" in message.last_error


def test_the_http_backend_needs_a_url() -> None:
    with pytest.raises(SimisError) as refused:
        gateway_build(backend="http", url="")
    assert refused.value.code == "NTF-302"
    with pytest.raises(SimisError) as refused:
        gateway_build(backend="carrier-pigeon")
    assert refused.value.code == "NTF-301"
