"""Navigation is built per audience from the registry; entries whose view is not installed
are skipped rather than crashing the page shell."""

from __future__ import annotations

import re

import pytest
from django.test import Client, RequestFactory

from simis.portal.navigation import ANONYMOUS, nav_for_request, registered_nav_items
from simis.portal.public import register_nav_item, unregister_nav_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_only_entry():  # type: ignore[no-untyped-def]
    """An entry for staff only, pointing at a URL that certainly exists."""
    register_nav_item(
        key="test-staff-tool", url_name="portal:health", label="Staff tool", audiences={"staff"}, order=60
    )
    yield
    unregister_nav_item("test-staff-tool")


def nav_keys(html: str) -> list[str]:
    nav = html.split('data-testid="portal-nav"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'data-nav-key="([^"]+)"', nav)


def page_for(user) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_visitors_see_home_and_a_sign_in_button() -> None:
    html = page_for(None)
    assert nav_keys(html) == ["home"]
    assert "/accounts/login/" in html
    assert 'data-testid="user-menu"' not in html


def test_staff_see_staff_entries_employers_do_not(khalid, nour, staff_only_entry) -> None:  # type: ignore[no-untyped-def]
    staff_keys = nav_keys(page_for(khalid))
    employer_keys = nav_keys(page_for(nour))
    assert "test-staff-tool" in staff_keys
    assert "test-staff-tool" not in employer_keys
    assert {"home", "account-security"} <= set(staff_keys) & set(employer_keys)


@pytest.mark.parametrize("persona", ["staff", "employer", "hospital", "contributor", "agency"], indirect=True)
def test_every_signed_in_audience_gets_home_and_account_security(persona) -> None:  # type: ignore[no-untyped-def]
    keys = nav_keys(page_for(persona))
    assert keys[0] == "home"
    assert "account-security" in keys


def test_entries_whose_url_is_missing_are_skipped(nour) -> None:  # type: ignore[no-untyped-def]
    register_nav_item(
        key="test-missing", url_name="no-such-app:nothing", label="Missing", audiences={"employer"}
    )
    try:
        assert "test-missing" not in nav_keys(page_for(nour))
    finally:
        unregister_nav_item("test-missing")


def test_first_resolving_url_name_wins(nour) -> None:  # type: ignore[no-untyped-def]
    register_nav_item(
        key="test-fallback",
        url_name=("no-such-app:nothing", "portal:health"),
        label="Fallback",
        audiences={"employer"},
    )
    try:
        request = RequestFactory().get("/")
        request.user = nour
        links = {link.key: link for link in nav_for_request(request)}
        assert links["test-fallback"].href == "/health/"
    finally:
        unregister_nav_item("test-fallback")


def test_permission_guards_an_entry(khalid) -> None:  # type: ignore[no-untyped-def]
    register_nav_item(
        key="test-perm",
        url_name="portal:health",
        label="Guarded",
        audiences={"staff"},
        permission="identity.delete_user",
    )
    try:
        assert "test-perm" not in nav_keys(page_for(khalid))
        khalid.is_superuser = True
        khalid.save()
        assert "test-perm" in nav_keys(page_for(khalid))
    finally:
        unregister_nav_item("test-perm")


def test_unknown_audience_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown audience"):
        register_nav_item(key="x", url_name="portal:home", label="x", audiences={"employers"})


def test_registering_a_key_again_replaces_it() -> None:
    register_nav_item(key="test-twice", url_name="portal:home", label="one", audiences={ANONYMOUS})
    register_nav_item(key="test-twice", url_name="portal:home", label="two", audiences={ANONYMOUS})
    try:
        assert [i.label for i in registered_nav_items() if i.key == "test-twice"] == ["two"]
    finally:
        unregister_nav_item("test-twice")


def test_current_page_is_marked_active() -> None:
    html = page_for(None)
    assert re.search(r'class="nav-link active" href="/" data-nav-key="home" aria-current="page"', html)
