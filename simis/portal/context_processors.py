from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject

from simis.identity.public import DateDisplay
from simis.portal.navigation import audience_of, nav_for_request
from simis.portal.today import dual_dates_available

DATE_DISPLAY_COOKIE = "simis_date_display"
# Django's own autonym for Arabic carries a shadda ("العربيّة"); signs and portals write it plain.
_AUTONYMS = {"ar": "العربية", "en": "English"}


def date_display_for(request: HttpRequest) -> str:
    """The signed-in user's stored calendar order; otherwise the cookie; otherwise Hijri first."""
    user = getattr(request, "user", None)
    chosen = getattr(user, "date_display", None) if user is not None and user.is_authenticated else None
    chosen = chosen or request.COOKIES.get(DATE_DISPLAY_COOKIE, "")
    return chosen if chosen in DateDisplay.values else DateDisplay.HIJRI_FIRST.value


def portal(request: HttpRequest) -> dict[str, Any]:
    """What the page shell needs on every page. Navigation is computed only if a template uses it."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    # Each language is offered under its own name ("English", "العربية"), as readers look for it.
    others = [
        {"code": code, "name_local": _AUTONYMS.get(code) or translation.get_language_info(code)["name_local"]}
        for code, _name in settings.LANGUAGES
        if code != current[:2]
    ]
    return {
        "date_display": date_display_for(request),
        "portal_audience": audience_of(request),
        "portal_nav": SimpleLazyObject(lambda: nav_for_request(request)),
        "portal_other_languages": others,
        "portal_today": timezone.localdate(),
        "portal_dual_dates": dual_dates_available(),
    }
