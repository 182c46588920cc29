"""Fixtures for the audit tests: personas and a way to reach past the append-only trigger as
a database superuser would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.db import connection


@pytest.fixture
def khalid(db):  # type: ignore[no-untyped-def]
    """Khalid, an approver on the institution's staff."""
    return get_user_model().objects.create_user(
        username="khalid", first_name="Khalid", last_name="Al-Harbi", password="x" * 16, audience="staff"
    )


@pytest.fixture
def sara(db):  # type: ignore[no-untyped-def]
    """Sara, an insured person (the subject of many actions)."""
    return get_user_model().objects.create_user(username="sara", password="y" * 16, audience="contributor")


@contextmanager
def _triggers_disabled() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER USER")


@pytest.fixture
def as_superuser() -> Callable[[str, list[object] | None], None]:
    """Run raw SQL with the append-only triggers switched off, as a DBA with owner rights could."""

    def run(sql: str, params: list[object] | None = None) -> None:
        with _triggers_disabled(), connection.cursor() as cursor:
            cursor.execute(sql, params or [])

    return run
