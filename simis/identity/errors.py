"""The identity app's coded, bilingual errors."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from simis.core.errors import ErrorCatalogue


class IdentityError(ErrorCatalogue):
    UNKNOWN_LANGUAGE = ("IDN-001", _("The language %(value)s is not offered; choose Arabic or English."))
    UNKNOWN_DATE_DISPLAY = (
        "IDN-002",
        _("The date display %(value)s is not offered; choose Hijri first or Gregorian first."),
    )
