"""In Chromium, with DevTools' virtual authenticator standing in for a USB security key: Khalid
signs in with password + TOTP, registers a key through allauth's page, then grants Huda a job
function — the grant sends him to the step-up page, the key signs the challenge, and the grant
goes through."""

from __future__ import annotations

import pyotp
import pytest
from django.db import connections

from conftest import TEST_OUTPUT
from simis.identity.models import JobFunctionMembership
from simis.identity.tests.conftest import PASSWORD, Persona

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_a_key_and_step_up_in_the_browser(
    browser_page, khalid: Persona, huda: Persona, approver_function
) -> None:  # type: ignore[no-untyped-def]
    try:
        _scenario(browser_page, khalid, huda, approver_function)
    finally:
        # Under Playwright's greenlet the test body has a database connection of its own; close
        # it, or the test database cannot be dropped at the end of the run.
        connections.close_all()


def _scenario(page, khalid: Persona, huda: Persona, approver_function) -> None:  # type: ignore[no-untyped-def]
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator_id = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )["authenticatorId"]

    page.goto("/accounts/login/")
    page.fill("input[name=login]", "khalid")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.fill("input[name=code]", pyotp.TOTP(khalid.totp_secret).now())
    page.locator("form[action='/accounts/2fa/authenticate/'] button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/2fa/authenticate/" not in url)

    page.goto("/accounts/2fa/webauthn/add/")
    if "/accounts/reauthenticate/" in page.url:
        page.fill("input[name=password]", PASSWORD)
        page.locator("form[action='/accounts/reauthenticate/'] button[type=submit]").first.click()
        page.wait_for_url("**/accounts/2fa/webauthn/add/")
    page.click("#mfa_webauthn_add")
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]) == 1

    page.goto(f"/identity/staff/users/{huda.user.pk}/")
    page.select_option("select[name=job_function]", str(approver_function.pk))
    page.click("[data-testid=grant-submit]")
    page.wait_for_url("**/identity/step-up/**")
    assert not JobFunctionMembership.objects.filter(user=huda.user).exists()
    page.screenshot(path=str(TEST_OUTPUT / "identity-step-up.png"), full_page=True)

    page.click("[data-testid=step-up-button]")
    page.wait_for_url(f"**/identity/staff/users/{huda.user.pk}/")
    assert page.locator("[data-testid=step-up-fresh]").is_visible()
    page.select_option("select[name=job_function]", str(approver_function.pk))
    page.click("[data-testid=grant-submit]")
    page.wait_for_selector(f"[data-testid=job-function-{approver_function.code}]")
    assert JobFunctionMembership.objects.filter(user=huda.user, job_function=approver_function).exists()
    page.screenshot(path=str(TEST_OUTPUT / "identity-user-granted.png"), full_page=True)
