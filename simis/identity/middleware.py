"""Per-audience session limits, the second factor staff must have, and the user's own language."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation

from simis.identity import services
from simis.identity.models import Audience
from simis.identity.selectors import user_has_second_factor

SESSION_STARTED = "simis_session_started"
SESSION_SEEN = "simis_session_seen"
# Re-write "last seen" at most this often: a write per request would be wasted on busy pages.
SEEN_RESOLUTION = 10


def session_limits(user: object) -> tuple[int, int]:
    """(idle seconds, absolute seconds) for the user's audience, from settings.SIMIS_SESSION_LIMITS."""
    limits: dict[str, tuple[int, int]] = settings.SIMIS_SESSION_LIMITS
    return limits.get(getattr(user, "audience", "default"), limits["default"])


def _to_login(request: HttpRequest, **query: str) -> HttpResponse:
    target = f"{settings.LOGIN_URL_PATH}?{urlencode(query)}"
    if request.headers.get("HX-Request"):
        # htmx would swap the login page into a fragment; tell it to navigate instead.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


class SessionLimitsMiddleware:
    """Staff: 15 min idle / 12 h absolute; everybody else 1 h / 24 h (settings.SIMIS_SESSION_LIMITS).
    An expired session is signed out (audited) and sent to the sign-in page with ``expired=1``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = int(timezone.now().timestamp())
            idle, absolute = session_limits(user)
            started = request.session.get(SESSION_STARTED)
            seen = request.session.get(SESSION_SEEN)
            if not isinstance(started, int) or not isinstance(seen, int):
                started = seen = now
                request.session[SESSION_STARTED] = started
            reason = "absolute" if now - started > absolute else "idle" if now - seen > idle else ""
            if reason:
                services.session_expired_record(user=user, reason=reason, request=request)
                logout(request)
                query = {"expired": "1"}
                if request.method == "GET":
                    query["next"] = request.get_full_path()
                return _to_login(request, **query)
            if now - seen >= SEEN_RESOLUTION or SESSION_SEEN not in request.session:
                request.session[SESSION_SEEN] = now
                # The cookie dies with the idle limit too, but never outlives the absolute one.
                request.session.set_expiry(max(1, min(idle, absolute - (now - started))))
        return self.get_response(request)


class StaffSecondFactorMiddleware:
    """Institution staff cannot use the system until they have a second factor (an authenticator
    app or a security key): every page but the account pages sends them to enrol one."""

    ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/health/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "audience", None) == Audience.STAFF
            and not request.path.startswith((*self.ALLOWED_PREFIXES, f"/{settings.STATIC_URL.strip('/')}/"))
            and not user_has_second_factor(user)
        ):
            return redirect(reverse("mfa_index"))
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
