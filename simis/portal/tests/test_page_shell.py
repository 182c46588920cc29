"""The page shell obeys the Content-Security-Policy (no inline script or style), loads only
local static files, and lays itself out from the active language."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db

AUDIENCES = ["anonymous", "staff", "employer", "hospital", "contributor", "agency"]


class ShellAudit(HTMLParser):
    """Collects what the CSP cares about: scripts, style elements and attributes, and every
    URL the page loads."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.inline_script_bodies: list[str] = []
        self.style_elements = 0
        self.style_attributes: list[str] = []
        self.event_handler_attributes: list[str] = []
        self.loaded: list[str] = []
        self._in_script_without_src = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            self.scripts.append(attributes)
            self._in_script_without_src = "src" not in attributes
            if attributes.get("src"):
                self.loaded.append(attributes["src"] or "")
        if tag == "style":
            self.style_elements += 1
        if tag == "link" and attributes.get("href"):
            self.loaded.append(attributes["href"] or "")
        if tag == "img" and attributes.get("src"):
            self.loaded.append(attributes["src"] or "")
        for name, _value in attrs:
            if name == "style":
                self.style_attributes.append(tag)
            if name.startswith("on"):
                self.event_handler_attributes.append(f"{tag}[{name}]")

    def handle_data(self, data: str) -> None:
        if self._in_script_without_src and data.strip():
            self.inline_script_bodies.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script_without_src = False


def home_for(request, audience: str):  # type: ignore[no-untyped-def]
    client = Client()
    if audience != "anonymous":
        persona = {
            "staff": "khalid",
            "employer": "nour",
            "hospital": "huda",
            "contributor": "sara",
            "agency": "agency_user",
        }[audience]
        client.force_login(request.getfixturevalue(persona))
    response = client.get("/")
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("audience", AUDIENCES)
def test_home_has_no_inline_script_or_style(request, audience: str) -> None:  # type: ignore[no-untyped-def]
    response = home_for(request, audience)
    assert "script-src 'self'" in response["Content-Security-Policy"]
    audit = ShellAudit()
    audit.feed(response.content.decode())
    assert audit.scripts, "the shell loads its scripts"
    for script in audit.scripts:
        assert script.get("src") or script.get("type") == "application/json", script
    assert audit.inline_script_bodies == []
    assert audit.style_elements == 0
    assert audit.style_attributes == []
    assert audit.event_handler_attributes == []


@pytest.mark.parametrize("audience", ["anonymous", "staff"])
def test_everything_loaded_is_a_local_static_file(request, audience: str) -> None:  # type: ignore[no-untyped-def]
    audit = ShellAudit()
    audit.feed(home_for(request, audience).content.decode())
    assert audit.loaded
    for url in audit.loaded:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), f"{url} is not a static file"


def test_arabic_pages_use_bootstrap_rtl_and_english_pages_ltr() -> None:
    client = Client()
    arabic = client.get("/").content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic
    assert "bootstrap/css/bootstrap.rtl.min.css" in arabic
    client.post("/preferences/language/", {"language": "en", "next": "/"})
    english = client.get("/").content.decode()
    assert '<html lang="en" dir="ltr">' in english
    assert "bootstrap/css/bootstrap.min.css" in english
    assert "bootstrap.rtl" not in english


def test_htmx_is_told_not_to_inject_its_inline_style() -> None:
    html = Client().get("/").content.decode()
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in html
    assert "django_htmx/htmx-2.min.js" in html


def test_signed_in_shell_has_a_post_sign_out(nour) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(nour)
    html = client.get("/").content.decode()
    assert re.search(
        r'<form method="post" action="/accounts/logout/">\s*<input type="hidden" name="csrfmiddlewaretoken"',
        html,
    )


def test_portal_css_uses_logical_properties_only() -> None:
    css = Path(finders.find("portal/css/portal.css") or "").read_text()
    physical = re.findall(
        r"(?:margin|padding|border)-(?:left|right)\b|(?<![-\w])(?:left|right)\s*:|"
        r"text-align\s*:\s*(?:left|right)|float\s*:\s*(?:left|right)|"
        r"(?<![\w-])(?:(?:min|max)-)?(?:width|height)\s*:",
        css,
    )
    assert physical == []


@pytest.mark.parametrize("persona", ["staff", "employer", "hospital", "contributor", "agency"], indirect=True)
def test_dashboard_shows_profile_security_and_today(persona) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(persona)
    response = client.get("/")
    html = response.content.decode()
    assert response.templates[0].name == "portal/dashboard.html"
    assert persona.username in html
    assert f'data-audience="{persona.audience}"' in html
    assert 'data-testid="today"' in html
    totp_ok = persona.audience == "staff"  # only Khalid has an authenticator app
    assert ('data-status="totp"' in html) and (('class="is-ok" data-status="totp"' in html) == totp_ok)


def test_staff_without_a_security_key_are_told_to_register_one(khalid) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(khalid)
    html = client.get("/").content.decode()
    assert 'class="is-missing" data-status="webauthn"' in html
    assert 'class="alert alert-warning' in html


def test_landing_presents_the_services_of_every_audience() -> None:
    html = Client().get("/").content.decode()
    for audience in ("employer", "contributor", "hospital", "agency"):
        assert f'data-audience="{audience}"' in html
    assert 'data-testid="landing-sign-in"' in html
    assert "أصحاب العمل" in html
