"""SMS gateways: one interface, four backends, chosen by ``SIMIS_SMS_BACKEND``.

- ``file`` (the default): appends each message as a JSON line to ``SIMIS_SMS_OUTBOX_PATH``
  (``var/sms/outbox.jsonl``) — ``make run`` needs no operator and no internet.
- ``console``: the same JSON line on standard output (the worker's terminal).
- ``http``: a JSON POST to ``SIMIS_SMS_GATEWAY_URL`` with ``SIMIS_SMS_GATEWAY_SECRET`` as a
  bearer token and our reference as ``Idempotency-Key``, so a resend after a lost answer is
  dropped by the gateway, not delivered twice.
- ``smpp``: SMPP 3.4 through ``smpplib`` — bind as a transmitter, one ``submit_sm`` per part
  (``data_coding`` 0 for GSM-7, 8 for UCS-2; concatenated with a UDH), or one ``submit_sm`` with
  a ``message_payload`` when ``?multipart=payload`` is asked for and the text fits.

A backend answers with a receipt, or raises: ``GatewayTemporaryError`` (try again later),
``GatewayPermanentError`` (this message will never go), ``GatewayOutcomeUnknown`` (the gateway
may have taken it: resent only by a gateway that drops duplicates, ``resend_is_safe``)."""

from __future__ import annotations

import contextlib
import email.utils
import fcntl
import json
import sys
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.utils import timezone

from simis.core.errors import SimisError
from simis.notifications.choices import SmsEncoding, SmsStatus
from simis.notifications.errors import NotificationError
from simis.notifications.rules import encode_part


@dataclass(frozen=True)
class OutgoingSms:
    reference: str
    to: str  # E.164
    text: str
    encoding: SmsEncoding
    parts: tuple[str, ...]
    sender: str


@dataclass(frozen=True)
class GatewayReceipt:
    message_id: str
    status: SmsStatus = SmsStatus.SENT


class GatewayError(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class GatewayTemporaryError(GatewayError):
    """Try again later; ``retry_after`` seconds when the gateway said how long (HTTP 429)."""

    def __init__(self, detail: str, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class GatewayOutcomeUnknown(GatewayTemporaryError):
    """The request may have reached the gateway (a timeout after it was sent)."""


class GatewayPermanentError(GatewayError):
    """The gateway refused this message for good (a bad number, a text it will not carry)."""


class SmsGateway(ABC):
    name: str = ""
    # True when resending the same reference cannot deliver a second SMS.
    resend_is_safe: bool = False

    @abstractmethod
    def send(self, sms: OutgoingSms) -> GatewayReceipt: ...


def _json_line(sms: OutgoingSms) -> str:
    return json.dumps(
        {
            "at": timezone.now().isoformat(),
            "reference": sms.reference,
            "to": sms.to,
            "sender": sms.sender,
            "encoding": sms.encoding.value,
            "segments": len(sms.parts),
            "text": sms.text,
        },
        ensure_ascii=False,
    )


class FileGateway(SmsGateway):
    """Appends JSON lines to a file, under an exclusive lock so concurrent workers never
    interleave lines. A development outbox: read it with ``tail -f var/sms/outbox.jsonl``."""

    name = "file"

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, sms: OutgoingSms) -> GatewayReceipt:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    handle.write(_json_line(sms) + "\n")
                    handle.flush()
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        except OSError as exc:
            raise GatewayTemporaryError(f"outbox file {self.path}: {exc}") from exc
        return GatewayReceipt(message_id=f"file-{sms.reference}")


class ConsoleGateway(SmsGateway):
    name = "console"

    def send(self, sms: OutgoingSms) -> GatewayReceipt:
        sys.stdout.write(f"SMS {_json_line(sms)}\n")
        sys.stdout.flush()
        return GatewayReceipt(message_id=f"console-{sms.reference}")


# HTTP answers worth retrying: timeout, too early, too many requests, and the server's own errors.
_HTTP_RETRYABLE = {408, 425, 429}


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    with contextlib.suppress(TypeError, ValueError):
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, (when - datetime.now(tz=UTC)).total_seconds())
    return None


class HttpGateway(SmsGateway):
    """A JSON web service. Request::

        POST <url>   Authorization: Bearer <secret>   Idempotency-Key: <reference>
        {"reference", "to", "sender", "text", "encoding": "gsm7"|"ucs2", "segments"}

    Answer 2xx ``{"message_id": "..."}``; 408, 425, 429 and 5xx are retried (honouring
    ``Retry-After``), any other status refuses the message. A network error or timeout is
    retried: the idempotency key makes the resend harmless."""

    name = "http"
    resend_is_safe = True

    def __init__(self, url: str, token: str, timeout: float) -> None:
        self.url = url
        self.token = token
        self.timeout = timeout

    def send(self, sms: OutgoingSms) -> GatewayReceipt:
        body = json.dumps(
            {
                "reference": sms.reference,
                "to": sms.to,
                "sender": sms.sender,
                "text": sms.text,
                "encoding": sms.encoding.value,
                "segments": len(sms.parts),
            },
            ensure_ascii=False,
        ).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "Idempotency-Key": sms.reference,
            "User-Agent": "SIMIS-SMS/1",
        }
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read(65536)
        except urllib.error.HTTPError as exc:
            detail = f"HTTP {exc.code}: {exc.read(500).decode('utf-8', 'replace')}"
            if exc.code in _HTTP_RETRYABLE or exc.code >= 500:
                raise GatewayTemporaryError(detail, _retry_after(exc.headers.get("Retry-After"))) from exc
            raise GatewayPermanentError(detail) from exc
        except TimeoutError as exc:
            raise GatewayOutcomeUnknown(f"no answer within {self.timeout} s") from exc
        except (urllib.error.URLError, ConnectionError, OSError) as exc:
            raise GatewayTemporaryError(f"gateway unreachable: {exc}") from exc
        try:
            answer = json.loads(raw or b"{}")
        except ValueError as exc:
            raise GatewayOutcomeUnknown(f"answer is not JSON: {raw[:200]!r}") from exc
        message_id = (
            str(answer.get("message_id") or answer.get("id") or "") if isinstance(answer, dict) else ""
        )
        return GatewayReceipt(message_id=message_id[:100])


# SMPP command status codes (SMPP 3.4 §5.1.3) that mean "later", not "never".
SMPP_RETRYABLE_STATUS = {
    0x00000008,  # ESME_RSYSERR: system error
    0x00000014,  # ESME_RMSGQFUL: message queue full
    0x00000058,  # ESME_RTHROTTLED: throttling error
    0x00000064,  # ESME_RX_T_APPN: ESME receiver temporary app error
}
SMPP_DATA_CODING = {SmsEncoding.GSM7: 0x00, SmsEncoding.UCS2: 0x08}
ESM_CLASS_UDHI = 0x40
SMPP_PAYLOAD_MAX = 260  # octets smpplib will put in a message_payload TLV


def concatenation_udh(reference: int, total: int, sequence: int) -> bytes:
    """The 6-octet user data header of a concatenated SMS (IEI 0x00, 8-bit reference)."""
    return bytes((0x05, 0x00, 0x03, reference & 0xFF, total, sequence))


class SmppGateway(SmsGateway):
    """SMPP 3.4 over one short-lived transmitter bind per message.

    A message of several parts goes as several ``submit_sm`` PDUs sharing a concatenation
    reference (UDH), or — with ``multipart="payload"`` and an encoded text of at most 260 octets
    — as one ``submit_sm`` carrying ``message_payload``. The SMSC's ``message_id`` of the first
    part identifies the message. SMPP has no idempotency: once a ``submit_sm`` has left, a lost
    answer is ``GatewayOutcomeUnknown`` and the message is not sent again automatically."""

    name = "smpp"
    resend_is_safe = False

    def __init__(
        self,
        *,
        host: str,
        port: int,
        system_id: str,
        password: str,
        system_type: str = "",
        timeout: float = 10,
        multipart: str = "udh",
        # No receipts asked for: a transmitter bind cannot read them (see README).
        registered_delivery: int = 0,
    ) -> None:
        self.host, self.port = host, port
        self.system_id, self.password, self.system_type = system_id, password, system_type
        self.timeout = timeout
        self.multipart = multipart
        self.registered_delivery = registered_delivery

    def submissions(self, sms: OutgoingSms) -> list[dict[str, Any]]:
        """The ``submit_sm`` fields for each PDU this message takes."""
        sender_is_number = sms.sender.lstrip("+").isdigit()
        common: dict[str, Any] = {
            "source_addr_ton": 1 if sender_is_number else 5,  # international / alphanumeric
            "source_addr_npi": 1 if sender_is_number else 0,
            "source_addr": sms.sender.lstrip("+"),
            "dest_addr_ton": 1,
            "dest_addr_npi": 1,
            "destination_addr": sms.to.lstrip("+"),
            "data_coding": SMPP_DATA_CODING[sms.encoding],
            "registered_delivery": self.registered_delivery,
        }
        encoded_parts = [encode_part(part, sms.encoding) for part in sms.parts]
        if len(encoded_parts) == 1:
            return [{**common, "esm_class": 0, "short_message": encoded_parts[0]}]
        whole = b"".join(encoded_parts)
        if self.multipart == "payload" and len(whole) <= SMPP_PAYLOAD_MAX:
            return [{**common, "esm_class": 0, "short_message": None, "message_payload": whole}]
        # The concatenation reference only has to differ between messages in flight to one handset.
        ref = int.from_bytes(sms.reference.encode()[-2:], "big") & 0xFF
        total = len(encoded_parts)
        return [
            {
                **common,
                "esm_class": ESM_CLASS_UDHI,
                "short_message": concatenation_udh(ref, total, index) + payload,
            }
            for index, payload in enumerate(encoded_parts, start=1)
        ]

    def send(self, sms: OutgoingSms) -> GatewayReceipt:
        import smpplib.client
        import smpplib.exceptions

        client = smpplib.client.Client(
            self.host, self.port, timeout=self.timeout, allow_unknown_opt_params=True
        )
        message_ids: list[str] = []
        submitted = False
        try:
            try:
                client.connect()
                client.bind_transmitter(
                    system_id=self.system_id, password=self.password, system_type=self.system_type
                )
            except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError) as exc:
                raise GatewayTemporaryError(f"SMPP bind to {self.host}:{self.port} failed: {exc}") from exc
            for fields in self.submissions(sms):
                submitted = True
                try:
                    client.send_message(**fields)
                    response = self._submit_response(client)
                except (smpplib.exceptions.ConnectionError, OSError) as exc:
                    raise GatewayOutcomeUnknown(f"no submit_sm_resp: {exc}") from exc
                if response.is_error():
                    status = int(response.status)
                    detail = f"SMPP submit_sm refused with status 0x{status:08X}"
                    if message_ids:
                        raise GatewayOutcomeUnknown(f"{detail} after {len(message_ids)} part(s) were taken")
                    if status in SMPP_RETRYABLE_STATUS:
                        raise GatewayTemporaryError(detail)
                    raise GatewayPermanentError(detail)
                raw_id = response.message_id
                message_ids.append(raw_id.decode() if isinstance(raw_id, bytes) else str(raw_id or ""))
        except GatewayError:
            raise
        except Exception as exc:
            error = GatewayOutcomeUnknown if submitted else GatewayTemporaryError
            raise error(f"SMPP: {exc}") from exc
        finally:
            self._close(client)
        return GatewayReceipt(message_id=(message_ids[0] if message_ids else "")[:100])

    @staticmethod
    def _submit_response(client: Any) -> Any:
        """The next submit_sm_resp, answering enquire_link on the way."""
        import smpplib.smpp

        while True:
            pdu = client.read_pdu()
            if pdu.command == "submit_sm_resp":
                return pdu
            if pdu.command == "enquire_link":
                reply = smpplib.smpp.make_pdu("enquire_link_resp", client=client)
                reply.sequence = pdu.sequence
                client.send_pdu(reply)
            elif pdu.command == "generic_nack":
                return pdu

    @staticmethod
    def _close(client: Any) -> None:
        try:
            if client._socket is not None:
                with contextlib.suppress(Exception):
                    client.unbind()  # refused by smpplib itself when the bind never succeeded
        finally:
            with contextlib.suppress(Exception):
                client.disconnect()


BACKENDS = ("file", "console", "http", "smpp")


def gateway_build(
    *, backend: str, url: str = "", secret: str = "", timeout: float = 10, outbox_path: Path | str = ""
) -> SmsGateway:
    """The gateway for a backend name and its URL; NTF-301/NTF-302 for settings that cannot
    work (checked at start-up by ``checks.py``)."""
    if backend == "file":
        return FileGateway(Path(outbox_path))
    if backend == "console":
        return ConsoleGateway()
    if backend == "http":
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SimisError(
                NotificationError.GATEWAY_URL_INVALID, value=url, backend=backend, detail="an http(s):// URL"
            )
        return HttpGateway(url, secret, timeout)
    if backend == "smpp":
        parts = urlsplit(url)
        if parts.scheme != "smpp" or not parts.hostname or not parts.username:
            raise SimisError(
                NotificationError.GATEWAY_URL_INVALID,
                value=url,
                backend=backend,
                detail="smpp://system_id@host:port",
            )
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        multipart = query.get("multipart", "udh")
        if multipart not in ("udh", "payload"):
            raise SimisError(
                NotificationError.GATEWAY_URL_INVALID,
                value=url,
                backend=backend,
                detail="multipart=udh|payload",
            )
        return SmppGateway(
            host=parts.hostname,
            port=parts.port or 2775,
            system_id=unquote(parts.username),
            password=secret or unquote(parts.password or ""),
            system_type=query.get("system_type", ""),
            timeout=timeout,
            multipart=multipart,
        )
    raise SimisError(NotificationError.BACKEND_UNKNOWN, value=backend)


def gateway_from_settings() -> SmsGateway:
    return gateway_build(
        backend=settings.SIMIS_SMS_BACKEND,
        url=settings.SIMIS_SMS_GATEWAY_URL,
        secret=settings.SIMIS_SMS_GATEWAY_SECRET,
        timeout=settings.SIMIS_SMS_GATEWAY_TIMEOUT,
        outbox_path=settings.SIMIS_SMS_OUTBOX_PATH,
    )
