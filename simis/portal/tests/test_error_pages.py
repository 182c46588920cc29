"""Error pages: coded (CORE-xxx), in Arabic and English at once, with the request id that
support staff search the logs for."""

from __future__ import annotations

import pytest
from django.test import Client

import config.urls

pytestmark = [pytest.mark.django_db, pytest.mark.urls("simis.portal.tests.urls_errors")]


def assert_error_page(response, status: int, code: str) -> None:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    assert response.status_code == status
    assert f'data-testid="error-code">{code}<' in html
    request_id = response["X-Request-ID"]
    assert f'data-testid="request-id">{request_id}<' in html
    assert 'lang="ar" dir="rtl"' in html and 'lang="en" dir="ltr"' in html
    assert "Back to the home page" in html  # the English half
    assert "العودة إلى الصفحة الرئيسية" in html  # and the Arabic half
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<script>" not in html


def test_project_points_its_error_handlers_at_the_portal() -> None:
    assert config.urls.handler400 == "simis.portal.views.bad_request"
    assert config.urls.handler403 == "simis.portal.views.permission_denied"
    assert config.urls.handler404 == "simis.portal.views.page_not_found"
    assert config.urls.handler500 == "simis.portal.views.server_error"


def test_404_for_an_unknown_address() -> None:
    response = Client().get("/no-such-page/")
    assert_error_page(response, 404, "CORE-404")
    assert "Page not found" in response.content.decode()
    assert "الصفحة غير موجودة" in response.content.decode()


def test_403_when_permission_is_denied() -> None:
    response = Client().get("/test-errors/403/")
    assert_error_page(response, 403, "CORE-403")
    assert "Access denied" in response.content.decode()
    assert "غير مصرّح بالدخول" in response.content.decode()


def test_400_for_a_suspicious_request() -> None:
    response = Client().get("/test-errors/400/")
    assert_error_page(response, 400, "CORE-400")
    assert "Bad request" in response.content.decode()
    assert "طلب غير صالح" in response.content.decode()


def test_500_for_an_unexpected_failure() -> None:
    response = Client(raise_request_exception=False).get("/test-errors/500/")
    assert_error_page(response, 500, "CORE-000")
    assert "Something went wrong" in response.content.decode()
    assert "حدث خطأ ما" in response.content.decode()


def test_request_id_from_the_load_balancer_is_shown() -> None:
    response = Client().get("/no-such-page/", headers={"X-Request-ID": "lb-0123456789abcdef"})
    assert 'data-testid="request-id">lb-0123456789abcdef<' in response.content.decode()


def test_error_page_follows_the_active_language_for_its_layout() -> None:
    client = Client()
    client.post("/preferences/language/", {"language": "en", "next": "/"})
    html = client.get("/no-such-page/").content.decode()
    assert html.startswith('<!doctype html>\n<html lang="en" dir="ltr">')
