"""Per-audience session limits and the user's own language."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation

SESSION_STARTED = "simis_session_started"
SESSION_SEEN = "simis_session_seen"


def _limits(request: HttpRequest) -> tuple[int, int]:
    audience = getattr(request.user, "audience", "default")
    limits: dict[str, tuple[int, int]] = settings.SIMIS_SESSION_LIMITS
    return limits.get(audience, limits["default"])


class SessionLimitsMiddleware:
    """Staff: 15 min idle / 12 h absolute; everybody else 1 h / 24 h (settings.SIMIS_SESSION_LIMITS)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            idle, absolute = _limits(request)
            started = request.session.get(SESSION_STARTED, now)
            seen = request.session.get(SESSION_SEEN, now)
            if now - seen > idle or now - started > absolute:
                logout(request)
                return redirect(f"{settings.LOGIN_URL_PATH}?expired=1")
            request.session[SESSION_STARTED] = started
            request.session[SESSION_SEEN] = now
            request.session.set_expiry(idle)
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in user's stored language wins over the cookie and the browser."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        lang = getattr(request.user, "preferred_language", None) if request.user.is_authenticated else None
        if lang:
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        return self.get_response(request)
