"""`demo_load` is idempotent and fast on the second run; `demo_totp` gives codes that sign in."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from simis.identity.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from simis.identity.models import JobFunctionMembership, OrganisationMembership, User
from simis.identity.scope import user_scope

pytestmark = pytest.mark.django_db


def test_demo_load_twice_creates_each_account_once(django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("demo_load", stdout=out)
    assert "Simis-demo-2026!" in out.getvalue() and "demo-totp" in out.getvalue()
    assert set(User.objects.values_list("audience", flat=True)) == {
        "staff",
        "employer",
        "hospital",
        "contributor",
        "agency",
    }
    with django_assert_max_num_queries(60):
        call_command("demo_load", stdout=io.StringIO())
    assert User.objects.count() == len(DEMO_ACCOUNTS)
    assert OrganisationMembership.objects.count() == 3
    assert JobFunctionMembership.objects.count() == 1
    staff = User.objects.get(username="staff")
    assert staff.has_perm("identity.grant_job_function")
    assert user_scope(User.objects.get(username="employer")).establishments == frozenset({"7000000001"})


def test_demo_totp_code_signs_in(client: Client) -> None:
    call_command("demo_load", stdout=io.StringIO())
    client.post("/accounts/login/", {"login": "staff", "password": DEMO_PASSWORD})
    out = io.StringIO()
    call_command("demo_totp", "staff", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    client.post("/accounts/2fa/authenticate/", {"code": code})
    assert client.session["_auth_user_id"] == str(User.objects.get(username="staff").pk)


def test_demo_commands_refuse_on_production(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = settings.DEMO = settings.TESTING = False
    with pytest.raises(CommandError, match="IDN-060"):
        call_command("demo_totp", "staff", stdout=io.StringIO())
    with pytest.raises(CommandError, match="IDN-060"):
        call_command("demo_load", stdout=io.StringIO())
