"""Personas and sign-in helpers for the identity tests.

Khalid is an institution administrator (System administrator job function, TOTP enrolled);
Huda is a staff member without job functions; Nour Trading's and Badr Builders' employer users
are bound to establishments 7000000001 and 7000000002."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Permission
from django.test import Client

from simis.identity.models import Audience, JobFunction, JobFunctionMembership, User
from simis.identity.tests.soft_webauthn import SoftAuthenticator

PASSWORD = "Correct-horse-battery-9"
ORIGIN = "http://testserver"


@dataclass
class Persona:
    user: User
    totp_secret: str | None = None

    def totp_now(self) -> str:
        assert self.totp_secret
        return pyotp.TOTP(self.totp_secret).now()


def make_user(username: str, audience: str = Audience.STAFF, *, totp: bool = True) -> Persona:
    user = User.objects.create_user(username=username, password=PASSWORD, audience=audience)
    secret = pyotp.random_base32() if totp else None
    if secret:
        TOTP.activate(user, secret)
    return Persona(user, secret)


@pytest.fixture
def administrator_function(db) -> JobFunction:  # type: ignore[no-untyped-def]
    job_function = JobFunction.objects.create(
        code="system-administrator",
        name_ar="مدير النظام",
        name_en="System administrator",
        audience=Audience.STAFF,
    )
    job_function.permissions.set(Permission.objects.filter(content_type__app_label="identity"))
    return job_function


@pytest.fixture
def approver_function(db) -> JobFunction:  # type: ignore[no-untyped-def]
    return JobFunction.objects.create(
        code="benefits-approver",
        name_ar="معتمد المنافع",
        name_en="Benefits approver",
        audience=Audience.STAFF,
    )


@pytest.fixture
def khalid(administrator_function: JobFunction) -> Persona:
    persona = make_user("khalid")
    JobFunctionMembership.objects.create(user=persona.user, job_function=administrator_function)
    return persona


@pytest.fixture
def huda(db) -> Persona:  # type: ignore[no-untyped-def]
    return make_user("huda")


def sign_in(client: Client, persona: Persona, password: str = PASSWORD) -> None:
    """The real allauth flow: password, then the TOTP code when one is enrolled."""
    response = client.post("/accounts/login/", {"login": persona.user.username, "password": password})
    assert response.status_code == 302, response.content[:2000]
    if response["Location"].startswith("/accounts/2fa/authenticate/"):
        response = client.post("/accounts/2fa/authenticate/", {"code": persona.totp_now()})
        assert response.status_code == 302, response.content[:2000]
    assert client.session.get("_auth_user_id") == str(persona.user.pk)


def register_key(client: Client, authenticator: SoftAuthenticator, name: str = "iKey") -> None:
    """A real WebAuthn registration through allauth's "add security key" page."""
    page = client.get("/accounts/2fa/webauthn/add/")
    if page.status_code == 302 and page["Location"].startswith("/accounts/reauthenticate/"):
        # allauth asks to confirm the password before a second factor is added.
        confirmed = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
        assert confirmed.status_code == 302, confirmed.content[:2000]
        page = client.get("/accounts/2fa/webauthn/add/")
    assert page.status_code == 200, page.status_code
    credential = authenticator.create(page.context["js_data"]["creation_options"], ORIGIN)
    response = client.post(
        "/accounts/2fa/webauthn/add/", {"name": name, "credential": json.dumps(credential)}
    )
    assert response.status_code == 302, response.content[:3000]


def step_up(client: Client, authenticator: SoftAuthenticator, next_url: str = "/") -> object:
    """A real WebAuthn assertion on the step-up page; returns the POST's response."""
    page = client.get("/identity/step-up/", {"next": next_url})
    assert page.status_code == 200
    assertion = authenticator.get(page.context["options"], ORIGIN)
    return client.post("/identity/step-up/", {"credential": json.dumps(assertion), "next": next_url})
