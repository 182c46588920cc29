"""Personas for the portal's tests, one per audience. Staff must hold a second factor before
any page but the account pages opens to them, so Khalid gets an authenticator app."""

from __future__ import annotations

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model

PASSWORD = "correct horse battery staple 7"


@pytest.fixture
def make_user(db):  # type: ignore[no-untyped-def]
    def make(username: str, audience: str, *, totp_secret: str | None = None, **extra):  # type: ignore[no-untyped-def]
        user = get_user_model().objects.create_user(
            username=username, password=PASSWORD, audience=audience, **extra
        )
        if totp_secret:
            TOTP.activate(user, totp_secret)
        return user

    return make


@pytest.fixture
def khalid(make_user):  # type: ignore[no-untyped-def]
    """An approver on the institution's staff, with an authenticator app."""
    return make_user("khalid", "staff", totp_secret=pyotp.random_base32(), first_name="Khalid")


@pytest.fixture
def nour(make_user):  # type: ignore[no-untyped-def]
    """The user of Nour Trading, a compliant employer."""
    return make_user("nour", "employer", first_name="Nour", last_name="Trading")


@pytest.fixture
def huda(make_user):  # type: ignore[no-untyped-def]
    """Dr. Huda, a hospital doctor."""
    return make_user("huda", "hospital", first_name="Huda")


@pytest.fixture
def sara(make_user):  # type: ignore[no-untyped-def]
    """Sara, an insured person."""
    return make_user("sara", "contributor", first_name="Sara")


@pytest.fixture
def agency_user(make_user):  # type: ignore[no-untyped-def]
    return make_user("gov", "agency")


@pytest.fixture
def persona(request, khalid, nour, huda, sara, agency_user):  # type: ignore[no-untyped-def]
    """Indirect parametrisation by audience: ``@pytest.mark.parametrize("persona", [...], indirect=True)``."""
    return {"staff": khalid, "employer": nour, "hospital": huda, "contributor": sara, "agency": agency_user}[
        request.param
    ]
