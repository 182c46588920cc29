"""Shared by the notification tests: a message as the workflow sends one, and gateways that
answer as a real one would when it is down or refuses (test doubles of the *gateway*, never of
the service under test)."""

from __future__ import annotations

from typing import Any

from simis.notifications.gateways import (
    GatewayError,
    GatewayReceipt,
    OutgoingSms,
    SmsGateway,
)
from simis.notifications.models import SmsMessage
from simis.notifications.services import sms_send
from simis.notifications.tests.conftest import SARA_MOBILE


def registration_sms(key: str = "case-C-1-approved", **overrides: Any) -> SmsMessage:
    fields: dict[str, Any] = {
        "to": SARA_MOBILE,
        "template": "registration.approved",
        "context": {"name": "سارة", "establishment": "نور للتجارة", "reference": "C-2026-000123"},
        "language": "ar",
        "idempotency_key": key,
        "related": ("workflow.case", "C-2026-000123"),
    }
    fields.update(overrides)
    return sms_send(**fields)


class ScriptedGateway(SmsGateway):
    """Answers each send with the next item of ``script``: an exception to raise, or a message id."""

    def __init__(
        self, script: list[GatewayError | str], *, name: str = "scripted", resend_is_safe: bool = True
    ):
        self.script = list(script)
        self.name = name
        self.resend_is_safe = resend_is_safe
        self.sent: list[OutgoingSms] = []

    def send(self, sms: OutgoingSms) -> GatewayReceipt:
        self.sent.append(sms)
        step = self.script.pop(0)
        if isinstance(step, GatewayError):
            raise step
        return GatewayReceipt(message_id=step)
