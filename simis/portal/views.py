from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from simis.core.errors import CoreError, SimisError
from simis.core.middleware import current_request_id
from simis.portal.context_processors import DATE_DISPLAY_COOKIE
from simis.portal.forms import DateDisplayForm, LanguageForm
from simis.portal.navigation import audience_of, nav_for_request

# A year: the choice is a preference, not a secret (the same lifetime Django gives its language cookie
# unless settings say otherwise).
PREFERENCE_COOKIE_AGE = 365 * 24 * 3600


def home(request: HttpRequest) -> HttpResponse:
    """The landing page presenting the e-services per audience, or the signed-in user's dashboard."""
    if not request.user.is_authenticated:
        return render(request, "portal/landing.html")
    kinds = set(Authenticator.objects.filter(user=request.user).values_list("type", flat=True))
    shortcuts = [link for link in nav_for_request(request) if link.key != "home"]
    context = {
        "audience": audience_of(request),
        "has_totp": Authenticator.Type.TOTP in kinds,
        "has_webauthn": Authenticator.Type.WEBAUTHN in kinds,
        "has_recovery_codes": Authenticator.Type.RECOVERY_CODES in kinds,
        "shortcuts": shortcuts,
    }
    return render(request, "portal/dashboard.html", context)


def health(request: HttpRequest) -> HttpResponse:
    """For the load balancer: 200 when this process can reach the database, 503 otherwise."""
    from django.db import connection
    from django.db.utils import DatabaseError

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


# --- Preferences: language and calendar order -------------------------------------------------


def _back(request: HttpRequest, target: str | None) -> HttpResponseRedirect:
    """Back to the page the switch was used on, if it is one of ours; home otherwise."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(reverse("portal:home"))


def _set_preference_cookie(response: HttpResponse, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Stores the chosen language on the user (signed in) and in the language cookie (always, so
    the sign-in page after a sign-out speaks it too)."""
    from simis.identity.public import user_update_preferences

    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That language is not offered; choose Arabic or English."))
        return _back(request, request.POST.get("next"))
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        try:
            user_update_preferences(user=request.user, language=language)
        except SimisError as error:
            messages.error(request, f"{error.code}: {error.message}")
            return _back(request, form.cleaned_data["next"])
    response = _back(request, form.cleaned_data["next"])
    _set_preference_cookie(
        response,
        settings.LANGUAGE_COOKIE_NAME,
        language,
        settings.LANGUAGE_COOKIE_AGE or PREFERENCE_COOKIE_AGE,
    )
    return response


@require_POST
def date_display_set(request: HttpRequest) -> HttpResponse:
    """Stores which calendar comes first: on the user when signed in, in a cookie always."""
    from simis.identity.public import user_update_preferences

    form = DateDisplayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That date display is not offered; choose Hijri first or Gregorian first."))
        return _back(request, request.POST.get("next"))
    date_display = form.cleaned_data["date_display"]
    if request.user.is_authenticated:
        try:
            user_update_preferences(user=request.user, date_display=date_display)
        except SimisError as error:
            messages.error(request, f"{error.code}: {error.message}")
            return _back(request, form.cleaned_data["next"])
    response = _back(request, form.cleaned_data["next"])
    _set_preference_cookie(response, DATE_DISPLAY_COOKIE, date_display, PREFERENCE_COOKIE_AGE)
    return response


# --- Error pages (config/urls.py points handler400/403/404/500 here) ---------------------------

_ERROR_TITLES = {
    CoreError.BAD_REQUEST: _("Bad request"),
    CoreError.FORBIDDEN: _("Access denied"),
    CoreError.NOT_FOUND: _("Page not found"),
    CoreError.INTERNAL: _("Something went wrong"),
}


def _error_page(request: HttpRequest, template_name: str, error: CoreError, status: int) -> HttpResponse:
    """A bilingual page naming the error's code and the request id support staff can search
    the logs for. Rendered without context processors: an error page must not depend on the
    session or the database, which may be what failed."""
    title = _ERROR_TITLES[error]
    texts = {}
    for language in ("ar", "en"):
        with translation.override(language):
            texts[language] = {"title": str(title), "message": error.render()}
    context = {
        "status": status,
        "code": error.code,
        "ar": texts["ar"],
        "en": texts["en"],
        "request_id": getattr(request, "request_id", None) or current_request_id(),
    }
    return HttpResponse(loader.render_to_string(template_name, context), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, "400.html", CoreError.BAD_REQUEST, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, "403.html", CoreError.FORBIDDEN, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, "404.html", CoreError.NOT_FOUND, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _error_page(request, "500.html", CoreError.INTERNAL, 500)
