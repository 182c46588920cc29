"""Fixtures of the notification tests: the file outbox in a temporary folder, the quality owner,
and the personas of STYLE.md — Sara (a contributor with a mobile number), Khalid (staff)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simis.identity.models import Audience, User

PASSWORD = "Correct-horse-battery-9"
SARA_MOBILE = "0551234567"
SARA_E164 = "+966551234567"


class Outbox:
    """The file gateway's outbox: one JSON object per line."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def lines(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture
def outbox(settings: Any, tmp_path: Path) -> Iterator[Outbox]:
    settings.SIMIS_SMS_BACKEND = "file"
    settings.SIMIS_SMS_OUTBOX_PATH = str(tmp_path / "sms" / "outbox.jsonl")
    settings.SIMIS_SMS_RATE_PER_SECOND = 0  # no pacing unless a test asks for it
    yield Outbox(tmp_path / "sms" / "outbox.jsonl")


@pytest.fixture
def quality_owner(settings: Any) -> None:
    settings.SIMIS_QUALITY_OWNER_EMAIL = ["quality@simis.example"]
    settings.SIMIS_QUALITY_OWNER_PHONE = "0500000001"
    settings.SIMIS_ERROR_ALERT_WINDOW = 15 * 60


def user_make(username: str, audience: str, **fields: Any) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, audience=audience, **fields)


@pytest.fixture
def khalid(db: Any) -> User:
    """Khalid, on the institution's staff."""
    return user_make("khalid", Audience.STAFF, first_name="Khalid")


@pytest.fixture
def sara(db: Any) -> User:
    """Sara, an insured person who reads the portal in Arabic."""
    return user_make("sara", Audience.CONTRIBUTOR, first_name="Sara", preferred_language="ar")
