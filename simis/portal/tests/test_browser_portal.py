"""The portal in a real browser: a staff member signs in with a password and an authenticator
code, sees the Arabic right-to-left shell, switches to English, and finds English again after
signing out and in — the choice is kept on the user, not only in the browser."""

from __future__ import annotations

import time

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model

from conftest import TEST_OUTPUT

PASSWORD = "correct horse battery staple 7"


def sign_in(page, username: str, secret: str, used_code: str | None = None) -> str:  # type: ignore[no-untyped-def]
    """Signs in through allauth's pages; returns the authenticator code used. A code is accepted
    once, so a second sign-in waits for the next 30-second window."""
    page.goto("/accounts/login/")
    page.fill('input[name="login"]', username)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('input[name="password"]').press("Enter")
    page.wait_for_selector('input[name="code"]')
    code = pyotp.TOTP(secret).now()
    while code == used_code:
        time.sleep(0.5)
        code = pyotp.TOTP(secret).now()
    page.fill('input[name="code"]', code)
    with page.expect_navigation():
        page.locator('input[name="code"]').press("Enter")
    page.wait_for_selector('[data-testid="user-menu"]')
    return code


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_language_choice_follows_the_user(browser_page) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    secret = pyotp.random_base32()
    khalid = get_user_model().objects.create_user(
        username="khalid", password=PASSWORD, audience="staff", first_name="Khalid", last_name="Al-Harbi"
    )
    TOTP.activate(khalid, secret)

    code = sign_in(page, "khalid", secret)
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl"
    assert html.get_attribute("lang") == "ar"
    assert page.locator('[data-testid="portal-nav"] [data-nav-key="account-security"]').count() == 1
    page.screenshot(path=str(TEST_OUTPUT / "portal-ar.png"), full_page=True)

    with page.expect_navigation():
        page.click('[data-testid="language-switch"]')
    assert html.get_attribute("dir") == "ltr"
    assert html.get_attribute("lang") == "en"
    assert "bootstrap.min.css" in (page.locator('link[rel="stylesheet"]').first.get_attribute("href") or "")
    page.screenshot(path=str(TEST_OUTPUT / "portal-en.png"), full_page=True)

    page.click('[data-testid="user-menu"]')
    with page.expect_navigation():
        page.click('[data-testid="sign-out"]')
    assert page.locator('[data-testid="user-menu"]').count() == 0
    # Forget the browser's cookies: only the user's stored choice can bring English back.
    page.context.clear_cookies()
    page.goto("/")
    assert html.get_attribute("lang") == "ar"

    sign_in(page, "khalid", secret, used_code=code)
    assert html.get_attribute("lang") == "en"
    assert html.get_attribute("dir") == "ltr"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("simis.portal.tests.urls_form_demo")
def test_field_help_opens_on_button_keyboard_and_right_click(browser_page) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/test-form/")
    help_box = page.locator("#id_national_id_helptext")
    button = page.locator('[aria-controls="id_national_id_helptext"]')
    assert help_box.is_hidden()

    button.click()
    assert help_box.is_visible()
    assert button.get_attribute("aria-expanded") == "true"
    button.click()
    assert help_box.is_hidden()

    # Keyboard: the button is reachable and works with Enter; Escape in the field folds it.
    button.focus()
    page.keyboard.press("Enter")
    assert help_box.is_visible()
    page.locator("#id_national_id").focus()
    page.keyboard.press("Escape")
    assert help_box.is_hidden()

    # Right-click on the field, as the seed describes, and F1 in the field.
    page.locator("#id_joining_date").click(button="right")
    assert page.locator("#id_joining_date_helptext").is_visible()
    page.locator("#id_national_id").focus()
    page.keyboard.press("F1")
    assert help_box.is_visible()
    assert page.locator("#id_national_id").get_attribute("aria-describedby") == "id_national_id_helptext"
    page.screenshot(path=str(TEST_OUTPUT / "portal-field-help.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_landing_page_in_arabic(browser_page) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("[data-audience]").count() == 4
    page.screenshot(path=str(TEST_OUTPUT / "portal-landing-ar.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_not_found_page_is_bilingual_and_coded(browser_page) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 800})
    response = page.goto("/no-such-page/")
    assert response is not None and response.status == 404
    assert page.locator('[data-testid="error-code"]').inner_text() == "CORE-404"
    assert page.locator('[data-testid="request-id"]').inner_text() == response.headers["x-request-id"]
    assert page.locator('[lang="en"] h2').inner_text() == "Page not found"
    page.screenshot(path=str(TEST_OUTPUT / "portal-404.png"), full_page=True)
