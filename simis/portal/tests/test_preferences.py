"""The language and date-display switches: kept on the user when signed in, in a cookie always,
and the redirect back never leaves the site."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from simis.portal.context_processors import DATE_DISPLAY_COOKIE

pytestmark = pytest.mark.django_db


def test_anonymous_choice_is_kept_in_the_language_cookie() -> None:
    client = Client()
    assert 'lang="ar" dir="rtl"' in client.get("/").content.decode()
    response = client.post("/preferences/language/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert 'lang="en" dir="ltr"' in client.get("/").content.decode()


def test_signed_in_choice_is_kept_on_the_user(sara) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(sara)
    client.post("/preferences/language/", {"language": "en", "next": "/"})
    sara.refresh_from_db()
    assert sara.preferred_language == "en"
    # A new browser, without the cookie: the user's own choice still wins.
    fresh = Client()
    fresh.force_login(sara)
    assert 'lang="en" dir="ltr"' in fresh.get("/").content.decode()


def test_switching_back_to_arabic(sara) -> None:  # type: ignore[no-untyped-def]
    sara.preferred_language = "en"
    sara.save()
    client = Client()
    client.force_login(sara)
    client.post("/preferences/language/", {"language": "ar", "next": "/"})
    assert 'lang="ar" dir="rtl"' in client.get("/").content.decode()


def test_unknown_language_changes_nothing(sara) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(sara)
    response = client.post("/preferences/language/", {"language": "fr", "next": "/"}, follow=True)
    sara.refresh_from_db()
    assert sara.preferred_language == "ar"
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""])
def test_redirect_never_leaves_the_site(target: str) -> None:
    response = Client().post("/preferences/language/", {"language": "en", "next": target})
    assert response["Location"] == "/"


def test_redirect_returns_to_the_page_the_switch_was_on() -> None:
    response = Client().post("/preferences/dates/", {"date_display": "gregorian", "next": "/health/?x=1"})
    assert response["Location"] == "/health/?x=1"


def test_switches_only_accept_post() -> None:
    client = Client()
    assert client.get("/preferences/language/?language=en").status_code == 405
    assert client.get("/preferences/dates/?date_display=gregorian").status_code == 405


def test_anonymous_date_display_is_kept_in_a_cookie() -> None:
    client = Client()
    assert client.get("/").context["date_display"] == "hijri"
    response = client.post("/preferences/dates/", {"date_display": "gregorian", "next": "/"})
    assert response.cookies[DATE_DISPLAY_COOKIE].value == "gregorian"
    page = client.get("/")
    assert page.context["date_display"] == "gregorian"
    assert 'value="hijri"' in page.content.decode()  # the switch now offers the other order


def test_signed_in_date_display_is_kept_on_the_user(nour) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(nour)
    client.post("/preferences/dates/", {"date_display": "gregorian", "next": "/"})
    nour.refresh_from_db()
    assert nour.date_display == "gregorian"
    fresh = Client()
    fresh.force_login(nour)
    assert fresh.get("/").context["date_display"] == "gregorian"


def test_a_forged_date_display_cookie_falls_back_to_hijri() -> None:
    client = Client()
    client.cookies[DATE_DISPLAY_COOKIE] = "<script>"
    assert client.get("/").context["date_display"] == "hijri"


def test_unknown_date_display_changes_nothing(nour) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(nour)
    client.post("/preferences/dates/", {"date_display": "julian", "next": "/"})
    nour.refresh_from_db()
    assert nour.date_display == "hijri"
