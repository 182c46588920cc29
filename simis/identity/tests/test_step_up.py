"""SYS-4 step-up: granting a job function needs identity.grant_job_function AND a WebAuthn
assertion no older than SIMIS_STEP_UP_MAX_AGE. Every ceremony here is real: a software
authenticator registers an ES256 key through allauth and signs the server's challenges."""

from __future__ import annotations

import pytest
from django.test import Client

from simis.audit.models import AuditEntry
from simis.identity.models import JobFunction, JobFunctionMembership
from simis.identity.step_up import SESSION_STEP_UP
from simis.identity.tests.conftest import Persona, register_key, sign_in, step_up
from simis.identity.tests.soft_webauthn import SoftAuthenticator

pytestmark = pytest.mark.django_db


def _grant(client: Client, huda: Persona, job_function: JobFunction):  # type: ignore[no-untyped-def]
    return client.post(
        f"/identity/staff/users/{huda.user.pk}/grant/",
        {"job_function": job_function.pk},
        HTTP_REFERER=f"http://testserver/identity/staff/users/{huda.user.pk}/",
    )


@pytest.fixture
def khalid_with_key(client: Client, khalid: Persona) -> SoftAuthenticator:
    sign_in(client, khalid)
    key = SoftAuthenticator()
    register_key(client, key)
    # Registering used allauth's reauthentication, not step-up: start from a clean slate.
    session = client.session
    session.pop(SESSION_STEP_UP, None)
    session.save()
    return key


def test_grant_without_step_up_is_refused_and_audited(
    client: Client, khalid_with_key: SoftAuthenticator, huda: Persona, approver_function: JobFunction
) -> None:
    response = _grant(client, huda, approver_function)
    assert response.status_code == 302
    assert response["Location"].startswith("/identity/step-up/?next=%2Fidentity%2Fstaff%2Fusers%2F")
    assert not JobFunctionMembership.objects.filter(user=huda.user).exists()
    refusal = AuditEntry.objects.get(action="identity.step_up_refused")
    assert refusal.outcome == "refused"
    assert refusal.extra["permission"] == "identity.grant_job_function"


def test_grant_after_a_real_assertion_is_allowed_and_audited(
    client: Client,
    khalid_with_key: SoftAuthenticator,
    khalid: Persona,
    huda: Persona,
    approver_function: JobFunction,
) -> None:
    done = step_up(client, khalid_with_key, f"/identity/staff/users/{huda.user.pk}/")
    assert done.status_code == 302 and done["Location"] == f"/identity/staff/users/{huda.user.pk}/"
    assert AuditEntry.objects.filter(action="identity.step_up_succeeded", outcome="success").exists()

    response = _grant(client, huda, approver_function)
    assert response.status_code == 302, response.content[:2000]
    membership = JobFunctionMembership.objects.get(user=huda.user)
    assert membership.granted_by == khalid.user
    entry = AuditEntry.objects.get(action="identity.job_function_granted")
    assert entry.before == {"job_functions": []}
    assert entry.after == {"job_functions": ["benefits-approver"]}
    assert entry.actor_id == khalid.user.pk


def test_step_up_goes_stale_after_max_age(
    client: Client,
    khalid_with_key: SoftAuthenticator,
    huda: Persona,
    approver_function: JobFunction,
    settings,
) -> None:
    step_up(client, khalid_with_key)
    session = client.session
    session[SESSION_STEP_UP]["at"] -= settings.SIMIS_STEP_UP_MAX_AGE + 1
    session.save()
    response = _grant(client, huda, approver_function)
    assert response.status_code == 302 and response["Location"].startswith("/identity/step-up/")
    assert not JobFunctionMembership.objects.filter(user=huda.user).exists()


def test_step_up_just_within_max_age_still_counts(
    client: Client,
    khalid_with_key: SoftAuthenticator,
    huda: Persona,
    approver_function: JobFunction,
    settings,
) -> None:
    step_up(client, khalid_with_key)
    session = client.session
    session[SESSION_STEP_UP]["at"] -= settings.SIMIS_STEP_UP_MAX_AGE - 5
    session.save()
    assert _grant(client, huda, approver_function)["Location"] == f"/identity/staff/users/{huda.user.pk}/"


def test_assertion_signed_by_another_key_is_refused(
    client: Client, khalid_with_key: SoftAuthenticator, huda: Persona, approver_function: JobFunction
) -> None:
    response = step_up(client, khalid_with_key.impostor())
    assert response.status_code == 400
    assert b"IDN-021" in response.content
    assert client.session.get(SESSION_STEP_UP) is None
    assert AuditEntry.objects.filter(action="identity.step_up_failed", outcome="failed").exists()
    assert _grant(client, huda, approver_function)["Location"].startswith("/identity/step-up/")


def test_assertion_without_the_keys_pin_is_refused(
    client: Client, khalid_with_key: SoftAuthenticator, huda: Persona, approver_function: JobFunction
) -> None:
    """SYS-4: the hardware key has its own PIN. Touching the key without verifying the holder
    (user presence without user verification) does not step up."""
    khalid_with_key.verifies_user = False
    response = step_up(client, khalid_with_key)
    assert response.status_code == 400 and b"IDN-021" in response.content
    assert client.session.get(SESSION_STEP_UP) is None
    assert _grant(client, huda, approver_function)["Location"].startswith("/identity/step-up/")


def test_assertion_from_an_unregistered_key_is_refused(
    client: Client, khalid_with_key: SoftAuthenticator
) -> None:
    page = client.get("/identity/step-up/")
    stranger = SoftAuthenticator(credential_id=b"x" * 32)
    stranger.rp_id, stranger.user_handle = khalid_with_key.rp_id, khalid_with_key.user_handle
    options = page.context["options"]
    import json

    from simis.identity.tests.soft_webauthn import plain

    public_key = plain(options)
    public_key["publicKey"]["allowCredentials"] = []  # a stranger ignores the allow-list
    response = client.post(
        "/identity/step-up/", {"credential": json.dumps(stranger.get(public_key, "http://testserver"))}
    )
    assert response.status_code == 400 and b"IDN-021" in response.content


def test_htmx_posts_are_told_to_navigate_to_the_step_up(
    client: Client, khalid_with_key: SoftAuthenticator, huda: Persona, approver_function: JobFunction
) -> None:
    response = client.post(
        f"/identity/staff/users/{huda.user.pk}/grant/",
        {"job_function": approver_function.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/identity/step-up/")


def test_step_up_page_without_a_key_points_to_enrolment(client: Client, khalid: Persona) -> None:
    from simis.identity.tests.conftest import sign_in

    sign_in(client, khalid)
    page = client.get("/identity/step-up/", {"next": "https://evil.example/"})
    assert b"IDN-022" in page.content and b"/accounts/2fa/webauthn/add/" in page.content
    assert page.context["next_url"] == "/"  # an off-site next is never followed
