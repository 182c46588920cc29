"""Sign-in: password + TOTP through allauth, the per-username lockout, the password policy, and
staff being held at the enrolment page until they have a second factor."""

from __future__ import annotations

import time
from datetime import timedelta

import pyotp
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from simis.audit.models import AuditEntry
from simis.identity.models import Audience, LoginFailure, LoginLock
from simis.identity.tests.conftest import PASSWORD, Persona, make_user, sign_in

pytestmark = pytest.mark.django_db


def test_totp_login_with_a_real_code(client: Client, khalid: Persona) -> None:
    response = client.post("/accounts/login/", {"login": "khalid", "password": PASSWORD})
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    assert "_auth_user_id" not in client.session  # password alone does not sign in
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": pyotp.TOTP(khalid.totp_secret).now()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(khalid.user.pk)
    assert AuditEntry.objects.filter(action="identity.login_succeeded", actor_id=khalid.user.pk).exists()
    assert AuditEntry.objects.filter(action="identity.mfa_failed").exists()


def test_a_code_from_the_previous_window_is_accepted_once_and_older_ones_never(
    client: Client, khalid: Persona
) -> None:
    totp = pyotp.TOTP(khalid.totp_secret)
    client.post("/accounts/login/", {"login": "khalid", "password": PASSWORD})
    if time.time() % 30 > 27:  # not across a window's edge between reading the codes and posting
        time.sleep(30 - time.time() % 30 + 0.1)
    now = time.time()
    stale = client.post("/accounts/2fa/authenticate/", {"code": totp.at(now - 60)})
    assert stale.status_code == 200 and "_auth_user_id" not in client.session
    late = totp.at(now - 30)
    assert client.post("/accounts/2fa/authenticate/", {"code": late}).status_code == 302
    client.logout()
    client.post("/accounts/login/", {"login": "khalid", "password": PASSWORD})
    replay = client.post("/accounts/2fa/authenticate/", {"code": late})
    assert replay.status_code == 200 and "_auth_user_id" not in client.session


def _fail(client: Client, username: str = "sara"):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"login": username, "password": "not-the-password"})


def test_five_failures_lock_the_username_for_fifteen_minutes(client: Client) -> None:
    sara = make_user("sara", Audience.CONTRIBUTOR, totp=False)
    for _attempt in range(4):
        assert b"IDN-010" not in _fail(client).content
    fifth = _fail(client)
    assert b"IDN-010" in fifth.content
    assert LoginLock.objects.filter(username="sara").exists()
    # The right password does not help while locked; the refusal is coded and audited.
    locked = client.post("/accounts/login/", {"login": "sara", "password": PASSWORD})
    assert locked.status_code == 200 and b"IDN-010" in locked.content
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="identity.login_failed").count() == 5
    assert AuditEntry.objects.filter(action="identity.login_locked", outcome="refused").count() == 1
    assert AuditEntry.objects.filter(action="identity.login_refused_locked").exists()

    # Fifteen minutes later: the lock has run out, and so has allauth's own per-key rate limit.
    LoginLock.objects.filter(username="sara").update(locked_until=timezone.now() - timedelta(seconds=1))
    cache.clear()
    sign_in(client, sara)


def test_lockout_message_is_bilingual(client: Client) -> None:
    make_user("sara", Audience.CONTRIBUTOR, totp=False)
    for _attempt in range(5):
        _fail(client)
    arabic = client.post(
        "/accounts/login/", {"login": "sara", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="ar"
    )
    assert "IDN-010: هذا الحساب مقفل" in arabic.content.decode()
    english = client.post(
        "/accounts/login/", {"login": "SARA", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "IDN-010: This account is locked" in english.content.decode()


def test_failures_older_than_the_window_do_not_count(client: Client) -> None:
    make_user("sara", Audience.CONTRIBUTOR, totp=False)
    for _attempt in range(4):
        _fail(client)
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    assert b"IDN-010" not in _fail(client).content
    assert not LoginLock.objects.exists()


def test_unknown_usernames_lock_too(client: Client) -> None:
    """Otherwise the lockout would tell an attacker which usernames exist."""
    for _attempt in range(5):
        last = _fail(client, "nobody")
    assert b"IDN-010" in last.content


def test_success_resets_the_failure_count(client: Client) -> None:
    sara = make_user("sara", Audience.CONTRIBUTOR, totp=False)
    for _attempt in range(4):
        _fail(client)
    sign_in(client, sara)
    assert not LoginFailure.objects.filter(username="sara").exists()


@pytest.mark.parametrize("password", ["short-1A!", "password1234", "123456789012", "sara-sara-sara"])
def test_weak_passwords_are_refused(password: str) -> None:
    sara = make_user("sara-sara-sara", Audience.CONTRIBUTOR, totp=False).user
    with pytest.raises(ValidationError):
        validate_password(password, user=sara)


def test_a_strong_password_is_accepted() -> None:
    validate_password("Tahlia-Ridge-Monsoon-42")


def test_change_password_form_refuses_a_weak_one(client: Client) -> None:
    sara = make_user("sara", Audience.CONTRIBUTOR, totp=False)
    sign_in(client, sara)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "abc12345", "password2": "abc12345"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]


def test_staff_without_a_second_factor_are_sent_to_enrol(client: Client) -> None:
    newcomer = make_user("newcomer", Audience.STAFF, totp=False)
    sign_in(client, newcomer)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/"
    assert client.get("/identity/staff/users/")["Location"] == "/accounts/2fa/"
    # The enrolment pages themselves stay reachable.
    assert client.get("/accounts/2fa/").status_code == 200


def test_staff_can_enrol_totp_and_then_use_the_system(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    newcomer = make_user("newcomer", Audience.STAFF, totp=False)
    sign_in(client, newcomer)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    # allauth announces the new authenticator after commit; that is when it is audited.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/2fa/totp/activate/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="identity.mfa_enabled", actor_id=newcomer.user.pk).exists()


def test_other_audiences_are_not_forced_to_enrol(client: Client) -> None:
    sara = make_user("sara", Audience.CONTRIBUTOR, totp=False)
    sign_in(client, sara)
    assert client.get("/").status_code == 200


def test_self_sign_up_is_closed(client: Client) -> None:
    response = client.post(
        "/accounts/signup/",
        {"username": "intruder", "password1": "Tahlia-Ridge-9x", "password2": "Tahlia-Ridge-9x"},
    )
    assert not response.wsgi_request.user.is_authenticated
    from simis.identity.models import User

    assert not User.objects.filter(username="intruder").exists()
