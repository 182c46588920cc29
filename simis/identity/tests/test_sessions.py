"""Session limits per audience (settings.SIMIS_SESSION_LIMITS) and the user's own language."""

from __future__ import annotations

import pytest
from django.test import Client

from simis.audit.models import AuditEntry
from simis.identity.middleware import SESSION_SEEN, SESSION_STARTED
from simis.identity.models import Audience
from simis.identity.tests.conftest import Persona, make_user, sign_in

pytestmark = pytest.mark.django_db


def _age(client: Client, *, idle: int = 0, started: int = 0) -> None:
    session = client.session
    session[SESSION_SEEN] -= idle
    session[SESSION_STARTED] -= started
    session.save()


def test_staff_idle_for_more_than_15_minutes_are_signed_out(client: Client, khalid: Persona) -> None:
    sign_in(client, khalid)
    assert client.get("/").status_code == 200
    _age(client, idle=15 * 60 + 5, started=15 * 60 + 5)
    response = client.get("/identity/staff/users/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?expired=1")
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="identity.session_expired", extra__reason="idle").exists()
    assert b"session-expired" in client.get(response["Location"]).content


def test_staff_active_within_15_minutes_stay(client: Client, khalid: Persona) -> None:
    sign_in(client, khalid)
    client.get("/")
    _age(client, idle=14 * 60, started=14 * 60)
    assert client.get("/").status_code == 200


def test_staff_sessions_end_after_12_hours_however_active(client: Client, khalid: Persona) -> None:
    sign_in(client, khalid)
    client.get("/")
    _age(client, started=12 * 3600 + 1)
    response = client.get("/")
    assert response["Location"].startswith("/accounts/login/?expired=1")
    assert AuditEntry.objects.filter(action="identity.session_expired", extra__reason="absolute").exists()


def test_other_audiences_get_one_hour_idle_and_24_hours(client: Client) -> None:
    sara = make_user("sara", Audience.CONTRIBUTOR, totp=False)
    sign_in(client, sara)
    client.get("/")
    _age(client, idle=50 * 60, started=50 * 60)
    assert client.get("/").status_code == 200
    _age(client, idle=61 * 60)
    assert client.get("/")["Location"].startswith("/accounts/login/?expired=1")

    sign_in(client, sara)
    client.get("/")
    _age(client, started=24 * 3600 + 1)
    assert client.get("/")["Location"].startswith("/accounts/login/?expired=1")


def test_htmx_requests_are_told_to_navigate(client: Client, khalid: Persona) -> None:
    sign_in(client, khalid)
    client.get("/")
    _age(client, idle=16 * 60)
    response = client.get("/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/accounts/login/?expired=1")


def test_the_session_cookie_expires_with_the_idle_limit(client: Client, khalid: Persona) -> None:
    sign_in(client, khalid)
    client.get("/")
    assert client.session.get_expiry_age() == 15 * 60


def test_the_users_language_wins_over_the_browser(client: Client) -> None:
    sara = make_user("sara", Audience.CONTRIBUTOR, totp=False)
    sara.user.preferred_language = "en"
    sara.user.save()
    sign_in(client, sara)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.wsgi_request.LANGUAGE_CODE == "en"
    assert b'lang="en"' in response.content
