"""Security headers and request ids on every response."""

import pytest


@pytest.mark.django_db
def test_every_response_carries_the_security_headers(client):
    response = client.get("/health/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_hsts_is_sent_on_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/health/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
def test_request_id_is_echoed_or_made(client):
    made = client.get("/health/")["X-Request-ID"]
    assert len(made) == 32
    echoed = client.get("/health/", headers={"X-Request-ID": "lb-1234abcd"})["X-Request-ID"]
    assert echoed == "lb-1234abcd"
    # Something that is not a plain token is replaced, never reflected into logs or headers.
    hostile = client.get("/health/", headers={"X-Request-ID": "x\r\nSet-Cookie: a=b"})["X-Request-ID"]
    assert hostile != "x\r\nSet-Cookie: a=b" and len(hostile) == 32
