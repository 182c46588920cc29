"""Step-up: a sensitive permission (see sensitive.py) is usable only within
``settings.SIMIS_STEP_UP_MAX_AGE`` seconds of a WebAuthn assertion made in this session.

The assertion itself is verified by allauth.mfa's WebAuthn helpers (fido2 underneath); this module
keeps the when-and-with-which-key in the session and answers "is it fresh?"."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode, urlparse

from allauth.mfa.base.internal.flows import check_rate_limit, post_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.internal import auth as webauthn_auth
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from simis.audit.public import audit_record
from simis.core.errors import SimisError
from simis.identity.actions import IdentityAction
from simis.identity.errors import IdentityError
from simis.identity.sensitive import is_sensitive_permission

SESSION_STEP_UP = "simis_step_up"


def _now() -> float:
    return timezone.now().timestamp()


def step_up_age(request: HttpRequest) -> float | None:
    """Seconds since this session's last security-key confirmation; None when there was none."""
    data = request.session.get(SESSION_STEP_UP)
    if not isinstance(data, dict) or not isinstance(data.get("at"), int | float):
        return None
    return _now() - float(data["at"])


def step_up_is_fresh(request: HttpRequest) -> bool:
    """True when the signed-in user confirmed with a WebAuthn key at most
    SIMIS_STEP_UP_MAX_AGE seconds ago, in this session and as this user."""
    if not request.user.is_authenticated:
        return False
    data = request.session.get(SESSION_STEP_UP)
    if not isinstance(data, dict) or data.get("user") != request.user.pk:
        return False
    age = step_up_age(request)
    # A timestamp from the future (clock change, tampering) is not fresh either.
    return age is not None and 0 <= age <= settings.SIMIS_STEP_UP_MAX_AGE


def require_step_up(request: HttpRequest, permission: str) -> None:
    """For a sensitive ``permission``: refuses (IDN-020, audited as refused) unless the step-up
    is fresh. A permission that is not sensitive passes. Does not check that the user holds the
    permission: that is ``user.has_perm``'s job."""
    if not is_sensitive_permission(permission) or step_up_is_fresh(request):
        return
    audit_record(
        actor=request.user,
        action=IdentityAction.STEP_UP_REFUSED,
        extra={"permission": permission, "path": request.path, "age": step_up_age(request)},
        request=request,
        outcome="refused",
    )
    raise SimisError(IdentityError.STEP_UP_REQUIRED)


def step_up_begin(request: HttpRequest) -> dict[str, Any] | None:
    """WebAuthn request options for the signed-in user's registered keys (the challenge is kept
    in the session), or None when the user has no key."""
    user = request.user
    if not Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.WEBAUTHN).exists():
        return None
    return webauthn_auth.begin_authentication(user)


def step_up_complete(request: HttpRequest, credential: Any) -> Authenticator:
    """Verifies a WebAuthn assertion against the challenge from ``step_up_begin`` and the user's
    own keys. On success the session is stepped up and both allauth and the audit log are told;
    on failure IDN-021 is raised and the failure is audited."""
    user = request.user
    try:
        clear_rate_limit = check_rate_limit(user)
        webauthn_auth.parse_authentication_response(credential)
        authenticator = webauthn_auth.complete_authentication(user, credential)
    except ValidationError as exc:
        audit_record(
            actor=user,
            action=IdentityAction.STEP_UP_FAILED,
            extra={"reason": "; ".join(exc.messages)},
            request=request,
            outcome="failed",
        )
        raise SimisError(IdentityError.STEP_UP_FAILED) from exc
    clear_rate_limit()
    request.session[SESSION_STEP_UP] = {"at": _now(), "user": user.pk, "authenticator": authenticator.pk}
    # Tells allauth too, so its own "confirm it's you" prompts accept this key.
    post_authentication(request, authenticator, reauthenticated=True)
    audit_record(
        actor=user,
        action=IdentityAction.STEP_UP_SUCCEEDED,
        subject=authenticator,
        extra={"authenticator": authenticator.pk, "name": authenticator.wrap().name},
        request=request,
    )
    return authenticator


def _return_to(request: HttpRequest) -> str:
    """Where to come back after the step-up: this page for a GET; for a form post, the page the
    form was on (a POST cannot be replayed by a redirect)."""
    if request.method == "GET":
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parsed = urlparse(referer)
        return parsed.path + (f"?{parsed.query}" if parsed.query else "")
    return "/"


def refusal_response(request: HttpRequest, error: SimisError, status: int = 403) -> HttpResponse:
    """The coded, bilingual refusal page."""
    return render(request, "identity/refused.html", {"error": error}, status=status)


def permission_refused(request: HttpRequest, permission: str) -> HttpResponse:
    audit_record(
        actor=request.user,
        action=IdentityAction.PERMISSION_REFUSED,
        extra={"permission": permission, "path": request.path},
        request=request,
        outcome="refused",
    )
    return refusal_response(request, SimisError(IdentityError.PERMISSION_DENIED, permission=permission))


def step_up_url(next_url: str, permission: str = "") -> str:
    query = {"next": next_url}
    if permission:
        query["permission"] = permission
    return f"{reverse('identity:step_up')}?{urlencode(query)}"


def step_up_required(permission: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: the user must be signed in (else the login page), hold ``permission``
    (else a coded 403, audited) and, when it is sensitive, have a fresh step-up (else a redirect
    to the step-up page that comes back here, audited as refused)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(permission):
                return permission_refused(request, permission)
            try:
                require_step_up(request, permission)
            except SimisError:
                target = step_up_url(_return_to(request), permission)
                if request.headers.get("HX-Request"):
                    # htmx would follow a redirect inside its fragment; make it navigate instead.
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target
                    return response
                return redirect(target)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
