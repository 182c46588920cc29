"""Fixtures of the document tests: a scratch document store, the document types, a stand-in
owner app ("tests.case") whose access check and attach hook the tests control, and the
personas: Khalid (staff, works the cases), Huda (staff, may see no case) and Nour Trading's
officer (an employer user)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from simis.documents.models import Document, DocumentFolder
from simis.documents.owners import folder_owner_register, folder_owner_unregister
from simis.documents.services import document_types_load, folder_for
from simis.identity.models import Audience, User

OWNER_KIND = "tests.case"
PASSWORD = "Correct-horse-battery-9"


@pytest.fixture(autouse=True)
def document_store(settings: Any, tmp_path: Path) -> Path:
    """Every test writes to its own empty store (Django's default storage, on disk)."""
    location = tmp_path / "media"
    location.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location},
        },
    }
    return location


@dataclass
class Cases:
    """The stand-in owner app: who may see which case, what each case needs, and the documents
    its ``on_attached`` hook was told about."""

    visible: dict[int, set[str]] = field(default_factory=dict)
    required: dict[str, list[str]] = field(default_factory=dict)
    attached: list[Document] = field(default_factory=list)

    def grant(self, user: User, key: str) -> None:
        self.visible.setdefault(user.pk, set()).add(key)

    def can_view(self, user: Any, key: str) -> bool:
        return key in self.visible.get(user.pk, set())

    def folder(self, key: str, title: str = "") -> DocumentFolder:
        return folder_for(OWNER_KIND, key, title=title or f"قضية {key}")


@pytest.fixture
def cases() -> Iterator[Cases]:
    found = Cases()
    folder_owner_register(
        OWNER_KIND,
        can_view=found.can_view,
        on_attached=found.attached.append,
        label="Case",
        link=lambda key: f"/cases/{key}/",
        required_types=lambda key: found.required.get(key, []),
    )
    yield found
    folder_owner_unregister(OWNER_KIND)


@pytest.fixture
def types(db: Any) -> None:
    document_types_load()


def user_make(username: str, audience: str, first_name: str = "") -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, audience=audience, first_name=first_name
    )


@pytest.fixture
def khalid(db: Any) -> User:
    """Khalid, on the staff: scans at the Riyadh office and works the cases."""
    return user_make("khalid", Audience.STAFF, "Khalid")


@pytest.fixture
def huda(db: Any) -> User:
    """Huda, on the staff too, but no case is hers to see."""
    return user_make("huda", Audience.STAFF, "Huda")


@pytest.fixture
def nour_officer(db: Any) -> User:
    return user_make("nour_officer", Audience.EMPLOYER, "Nour")
