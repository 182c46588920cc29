"""Helpers shared by the register's page tests (``test_views_*.py``): signed-in clients per
audience and form data as a browser posts it. The personas themselves come from ``conftest.py``."""

from __future__ import annotations

from datetime import date
from typing import Any

import pyotp
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.utils import timezone

from simis.core.dates import month_start
from simis.identity.models import Audience, OrganisationMembership, User
from simis.registry.tests.conftest import user_make


def client_for(user: User, *, language: str = "en") -> Client:
    """A test client signed in as ``user``, reading pages in ``language``. Staff must hold a
    second factor before any page opens to them, so they get an authenticator app."""
    if user.audience == Audience.STAFF and not user.authenticator_set.exists():  # type: ignore[attr-defined]
        TOTP.activate(user, pyotp.random_base32())
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(user)
    return client


def agency_user_make(username: str = "moi_officer") -> User:
    """A government agency user, bound to the Ministry of Interior."""
    user = user_make(username, Audience.AGENCY)
    OrganisationMembership.objects.create(
        user=user, org_kind="agency", org_key="MOI", role="viewer", valid_from=date(2000, 1, 1)
    )
    return user


def today() -> date:
    return timezone.localdate()


def this_month() -> date:
    return month_start(today())


def gregorian(day: date) -> dict[str, str]:
    """How the two-part date widget posts a Gregorian date."""
    return {"": day.strftime("%d/%m/%Y"), "_calendar": "gregorian"}


def date_fields(name: str, day: date) -> dict[str, str]:
    parts = gregorian(day)
    return {name: parts[""], f"{name}_calendar": parts["_calendar"]}


def contributor_data(**overrides: Any) -> dict[str, str]:
    """A Saudi worker joining this month, as the register-contributor form posts him."""
    data: dict[str, Any] = {
        "nationality": "SAU",
        "identity_kind": "national_id",
        "identity_number": "",
        "identity_country": "",
        "passport_number": "",
        "first_name_ar": "فهد",
        "father_name_ar": "سعد",
        "grandfather_name_ar": "",
        "family_name_ar": "الدوسري",
        "first_name_en": "Fahad",
        "father_name_en": "Saad",
        "grandfather_name_en": "",
        "family_name_en": "Aldosari",
        "gender": "male",
        "occupation": "4",
        "basic": "6000.00",
        "housing": "1500.00",
        "other": "0",
        **date_fields("birth_date", date(1995, 5, 17)),
        **date_fields("join_date", this_month()),
    }
    data.update(overrides)
    return {key: str(value) for key, value in data.items()}


def formset_data(lines: list[dict[str, Any]], prefix: str = "form", **extra: Any) -> dict[str, str]:
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": len(lines),
        f"{prefix}-INITIAL_FORMS": len(lines),
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 200,
    }
    for index, line in enumerate(lines):
        for key, value in line.items():
            if value is False:
                continue
            data[f"{prefix}-{index}-{key}"] = "on" if value is True else value
    data.update(extra)
    return {key: str(value) for key, value in data.items()}
