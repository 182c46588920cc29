"""The SMPP gateway (smpplib) against a small SMSC written here on a plain socket: it answers
bind_transmitter, submit_sm, enquire_link and unbind, and keeps every submit_sm it decoded. What
it checks: the bind credentials, data_coding 0/8, the concatenation header of each part, the
message_payload alternative, and how refusals and a lost answer end."""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from simis.notifications import services
from simis.notifications.choices import SmsStatus
from simis.notifications.gateways import SmppGateway, gateway_build
from simis.notifications.models import SmsMessage
from simis.notifications.rules import gsm7_decode
from simis.notifications.tests.conftest import Outbox
from simis.notifications.tests.helpers import registration_sms

pytestmark = pytest.mark.django_db

BIND_TRANSMITTER, SUBMIT_SM, UNBIND, ENQUIRE_LINK = 0x00000002, 0x00000004, 0x00000006, 0x00000015
RESPONSE = 0x80000000
ESME_RINVPASWD, ESME_RINVDSTADR, ESME_RTHROTTLED = 0x0000000E, 0x0000000B, 0x00000058


def _cstring(body: bytes, at: int) -> tuple[str, int]:
    end = body.index(b"\x00", at)
    return body[at:end].decode("latin-1"), end + 1


def parse_submit_sm(body: bytes) -> dict[str, Any]:
    """The mandatory fields of a submit_sm body (SMPP 3.4 §4.4.1) and its TLVs."""
    pdu: dict[str, Any] = {}
    pdu["service_type"], at = _cstring(body, 0)
    pdu["source_addr_ton"], pdu["source_addr_npi"] = body[at], body[at + 1]
    pdu["source_addr"], at = _cstring(body, at + 2)
    pdu["dest_addr_ton"], pdu["dest_addr_npi"] = body[at], body[at + 1]
    pdu["destination_addr"], at = _cstring(body, at + 2)
    pdu["esm_class"], pdu["protocol_id"], pdu["priority_flag"] = body[at], body[at + 1], body[at + 2]
    pdu["schedule_delivery_time"], at = _cstring(body, at + 3)
    pdu["validity_period"], at = _cstring(body, at)
    (
        pdu["registered_delivery"],
        pdu["replace_if_present_flag"],
        pdu["data_coding"],
        pdu["sm_default_msg_id"],
        length,
    ) = body[at : at + 5]
    at += 5
    pdu["short_message"] = body[at : at + length]
    at += length
    tlvs: dict[int, bytes] = {}
    while at + 4 <= len(body):
        tag, size = struct.unpack(">HH", body[at : at + 4])
        tlvs[tag] = body[at + 4 : at + 4 + size]
        at += 4 + size
    pdu["tlvs"] = tlvs
    return pdu


@dataclass
class SmsCentre:
    password: str = "s3cret"
    submit_status: list[int] = field(default_factory=list)  # one per submit_sm; then 0
    stall_submit: bool = False
    binds: list[tuple[str, str]] = field(default_factory=list)
    submits: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0

    def serve(self, listener: socket.socket) -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=self.session, args=(conn,), daemon=True).start()

    def session(self, conn: socket.socket) -> None:
        with conn:
            while True:
                header = self._read(conn, 16)
                if header is None:
                    return
                length, command, _status, sequence = struct.unpack(">IIII", header)
                body = self._read(conn, length - 16) or b""
                if command == BIND_TRANSMITTER:
                    system_id, at = _cstring(body, 0)
                    password, _ = _cstring(body, at)
                    self.binds.append((system_id, password))
                    status = 0 if password == self.password else ESME_RINVPASWD
                    self._reply(conn, command, status, sequence, b"TESTSMSC\x00")
                elif command == SUBMIT_SM:
                    self.submits.append(parse_submit_sm(body))
                    if self.stall_submit:
                        continue  # took it, never answers
                    status = self.submit_status.pop(0) if self.submit_status else 0
                    message_id = f"smsc-{len(self.submits)}".encode() + b"\x00"
                    self._reply(conn, command, status, sequence, message_id if status == 0 else b"")
                elif command == UNBIND:
                    self._reply(conn, command, 0, sequence, b"")
                    return
                elif command == ENQUIRE_LINK:
                    self._reply(conn, command, 0, sequence, b"")

    @staticmethod
    def _read(conn: socket.socket, size: int) -> bytes | None:
        data = b""
        while len(data) < size:
            try:
                chunk = conn.recv(size - len(data))
            except OSError:
                return None
            if not chunk:
                return None
            data += chunk
        return data

    @staticmethod
    def _reply(conn: socket.socket, command: int, status: int, sequence: int, body: bytes) -> None:
        conn.sendall(struct.pack(">IIII", 16 + len(body), command | RESPONSE, status, sequence) + body)


@pytest.fixture
def smsc() -> Iterator[SmsCentre]:
    centre = SmsCentre()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    centre.port = listener.getsockname()[1]
    threading.Thread(target=centre.serve, args=(listener,), daemon=True).start()
    try:
        yield centre
    finally:
        listener.close()


def gateway(centre: SmsCentre, query: str = "", timeout: float = 2) -> SmppGateway:
    built = gateway_build(
        backend="smpp",
        url=f"smpp://simis@127.0.0.1:{centre.port}{query}",
        secret=centre.password,
        timeout=timeout,
    )
    assert isinstance(built, SmppGateway)
    return built


def deliver(message: SmsMessage, through: SmppGateway) -> SmsMessage:
    services.sms_deliver(message_id=message.pk, gateway=through)
    message.refresh_from_db()
    return message


def test_an_arabic_message_goes_as_ucs2_parts_with_a_concatenation_header(
    outbox: Outbox, smsc: SmsCentre
) -> None:
    message = deliver(registration_sms(), gateway(smsc))
    assert (message.status, message.gateway_message_id, message.backend) == (SmsStatus.SENT, "smsc-1", "smpp")
    assert smsc.binds == [("simis", "s3cret")]
    assert len(smsc.submits) == 2 == message.segments
    texts = []
    for sequence, pdu in enumerate(smsc.submits, start=1):
        assert pdu["data_coding"] == 8
        assert pdu["esm_class"] == 0x40  # UDHI: the message starts with a user data header
        assert (pdu["dest_addr_ton"], pdu["dest_addr_npi"], pdu["destination_addr"]) == (1, 1, "966551234567")
        assert (pdu["source_addr_ton"], pdu["source_addr"]) == (5, "SIMIS")  # alphanumeric sender
        assert pdu["registered_delivery"] == 0  # receipts need a receiver bind, not read yet
        udh, payload = pdu["short_message"][:6], pdu["short_message"][6:]
        assert udh[:3] == b"\x05\x00\x03" and udh[4:] == bytes((2, sequence))
        assert len(payload) <= 134  # 67 UCS-2 characters
        texts.append(payload.decode("utf-16-be"))
    assert smsc.submits[0]["short_message"][3] == smsc.submits[1]["short_message"][3]  # one reference
    assert "".join(texts) == message.text


def test_a_latin_message_goes_as_gsm7_in_one_submit(outbox: Outbox, smsc: SmsCentre) -> None:
    message = registration_sms(
        language="en", context={"name": "Ravi", "establishment": "Nour Trading", "reference": "C-1"}
    )
    message = deliver(message, gateway(smsc))
    assert message.status == SmsStatus.SENT
    [pdu] = smsc.submits
    assert (pdu["data_coding"], pdu["esm_class"]) == (0, 0)
    assert gsm7_decode(pdu["short_message"]) == message.text


def test_payload_mode_sends_one_submit_with_message_payload(outbox: Outbox, smsc: SmsCentre) -> None:
    message = deliver(registration_sms(), gateway(smsc, "?multipart=payload"))
    assert message.status == SmsStatus.SENT
    [pdu] = smsc.submits
    assert pdu["short_message"] == b"" and pdu["esm_class"] == 0
    assert pdu["tlvs"][0x0424].decode("utf-16-be") == message.text


def test_throttling_is_retried_and_a_bad_number_fails(outbox: Outbox, smsc: SmsCentre) -> None:
    smsc.submit_status = [ESME_RTHROTTLED]
    message = registration_sms(key="k-throttled")
    with pytest.raises(services.SmsRetryLater):
        deliver(message, gateway(smsc))
    message.refresh_from_db()
    assert message.status == SmsStatus.QUEUED and "0x00000058" in message.last_error

    smsc.submit_status = [ESME_RINVDSTADR]
    refused = deliver(registration_sms(key="k-bad-number"), gateway(smsc))
    assert refused.status == SmsStatus.FAILED and "0x0000000B" in refused.last_error


def test_a_lost_submit_answer_is_not_resent(outbox: Outbox, smsc: SmsCentre) -> None:
    smsc.stall_submit = True
    message = deliver(registration_sms(), gateway(smsc, timeout=0.5))
    assert message.status == SmsStatus.FAILED
    assert "not resent to avoid a duplicate" in message.last_error
    assert len(smsc.submits) == 1  # the SMSC got the first part once, and nothing more


def test_a_wrong_password_or_no_smsc_is_retried_later(outbox: Outbox, smsc: SmsCentre) -> None:
    smsc.password = "changed"
    message = registration_sms()
    with pytest.raises(services.SmsRetryLater):
        deliver(message, gateway(SmsCentre(password="s3cret", port=smsc.port)))
    message.refresh_from_db()
    assert message.status == SmsStatus.QUEUED and "bind" in message.last_error
    assert smsc.submits == []
