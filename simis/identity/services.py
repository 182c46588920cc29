"""Writes of the identity app: one function per business operation."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from simis.core.errors import SimisError
from simis.identity.errors import IdentityError
from simis.identity.models import DateDisplay, User


@transaction.atomic
def user_update_preferences(
    *, user: User, language: str | None = None, date_display: str | None = None
) -> User:
    """Stores the user's portal language and/or calendar order. ``None`` leaves a value as it is.
    Refuses (IDN-001 / IDN-002) a language or display the portal does not offer."""
    fields: list[str] = []
    if language is not None:
        if language not in {code for code, _name in settings.LANGUAGES}:
            raise SimisError(IdentityError.UNKNOWN_LANGUAGE, value=language)
        user.preferred_language = language
        fields.append("preferred_language")
    if date_display is not None:
        if date_display not in DateDisplay.values:
            raise SimisError(IdentityError.UNKNOWN_DATE_DISPLAY, value=date_display)
        user.date_display = date_display
        fields.append("date_display")
    if fields:
        user.save(update_fields=fields)
    return user
