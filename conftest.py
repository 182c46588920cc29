"""Fixtures shared by every app. (Settings and the embedded server: simis/testing.py.)"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)


CHROMIUM = "/usr/bin/chromium"
TEST_OUTPUT = __import__("pathlib").Path(__file__).resolve().parent / "test-output"


@pytest.fixture
def browser_page(live_server):  # type: ignore[no-untyped-def]
    """A Playwright page in Debian's Chromium, pointed at ``live_server``.

    Skipped with a printed reason where Chromium is missing — except in CI (CI=true), where a
    missing browser is a failure: browser tests must run there."""
    import os
    import shutil

    if not shutil.which(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing in CI: run `make browser-deps`.")
        pytest.skip(f"{CHROMIUM} is not installed (make browser-deps installs it)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
    # test body are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    TEST_OUTPUT.mkdir(exist_ok=True)
    # Playwright gives every launch a fresh, empty profile of its own.
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(base_url=live_server.url, locale="ar-SA")
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()
            # A test body that queried the database from this thread holds a connection
            # that would keep the test database from being dropped at the end of the run.
            from django.db import connections

            connections.close_all()
