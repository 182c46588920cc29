"""Coded, bilingual errors.

Every error a user can meet is a member of an ``ErrorCatalogue`` enum: a stable code (what
support staff, logs and partner systems quote) and a translatable message with named
placeholders. Apps declare their own catalogue; codes are unique across all of them (a test
checks). Raise ``SimisError(SomeCatalogue.MEMBER, name=value, ...)``.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # the stubs name the lazy-string type; at run time it is Promise
    from django.utils.functional import _StrPromise as Promise
else:
    from django.utils.functional import Promise


class ErrorCatalogue(Enum):
    """Members are ``(code, lazy message)`` pairs."""

    def __init__(self, code: str, message: Promise) -> None:
        self.code = code
        self.message = message

    def render(self, **params: Any) -> str:
        """The message in the active language, placeholders filled."""
        text = str(self.message)
        return text % params if params else text

    def render_in(self, language: str, **params: Any) -> str:
        with translation.override(language):
            return self.render(**params)


class SimisError(Exception):
    """A business-rule refusal that carries a code and a bilingual message."""

    def __init__(self, error: ErrorCatalogue, **params: Any) -> None:
        self.error = error
        self.params = params
        super().__init__(f"{error.code}: {error.render_in('en', **params)}")

    @property
    def code(self) -> str:
        return self.error.code

    @property
    def message(self) -> str:
        return self.error.render(**self.params)

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "message": self.message,
            "message_ar": self.error.render_in("ar", **self.params),
            "message_en": self.error.render_in("en", **self.params),
        }

    def as_validation_error(self) -> ValidationError:
        return ValidationError(self.error.message, code=self.code, params=self.params or None)


def all_catalogues() -> list[type[ErrorCatalogue]]:
    """Every catalogue defined so far (subclasses are registered as their modules import)."""
    return list(ErrorCatalogue.__subclasses__())


class CoreError(ErrorCatalogue):
    INTERNAL = ("CORE-000", _("Something went wrong on our side. The error has been recorded."))
    NOT_FOUND = ("CORE-404", _("The page or record you asked for does not exist."))
    FORBIDDEN = ("CORE-403", _("You do not have permission to do this."))
    BAD_REQUEST = ("CORE-400", _("The request could not be understood."))


class MoneyError(ErrorCatalogue):
    """Refusals of the ``Money`` type (simis/core/money.py)."""

    UNSUPPORTED_CURRENCY = (
        "MNY-001",
        _("Amounts must be in Saudi riyals (SAR); %(currency)s is not accepted."),
    )
    NOT_A_NUMBER = ("MNY-002", _("The amount %(value)s is not a finite number."))
    TOO_LARGE = (
        "MNY-003",
        _("The amount %(value)s is too large; amounts stop below 1,000,000,000,000 riyals."),
    )


class DateError(ErrorCatalogue):
    """Refusals of dates and calendar conversions (simis/core/dates.py)."""

    UNREADABLE = (
        "DATE-001",
        _("%(value)s could not be read as a date. Write day/month/year, for example 26/12/1446."),
    )
    HIJRI_OUT_OF_RANGE = (
        "DATE-002",
        _(
            "Hijri dates can be used from year %(first)s to year %(last)s (Umm al-Qura calendar); "
            "%(value)s is outside that range."
        ),
    )
    GREGORIAN_OUT_OF_RANGE = (
        "DATE-003",
        _(
            "Only dates from %(first)s to %(last)s can be shown in the Hijri calendar; "
            "%(value)s is outside that range."
        ),
    )
    IMPOSSIBLE_HIJRI_DATE = (
        "DATE-004",
        _("Day %(day)s of Hijri month %(month)s in %(year)s does not exist (the month has %(length)s days)."),
    )
    IMPOSSIBLE_GREGORIAN_DATE = (
        "DATE-005",
        _("Day %(day)s of month %(month)s in %(year)s does not exist in the Gregorian calendar."),
    )
    CALENDAR_CONFLICT = (
        "DATE-006",
        _("%(value)s is marked as a Hijri date but the Gregorian calendar was chosen, or the reverse."),
    )
    UNKNOWN_CALENDAR = ("DATE-007", _("The calendar %(value)s is not offered; choose Hijri or Gregorian."))
    IMPLAUSIBLE_GREGORIAN_YEAR = (
        "DATE-008",
        _(
            "%(year)s is not a Gregorian year SIMIS accepts (%(first)s to %(last)s). "
            "If you meant a Hijri date, choose the Hijri calendar."
        ),
    )


class IdentifierError(ErrorCatalogue):
    """Refusals of identity numbers (simis/core/identifiers.py)."""

    EMPTY = ("IDF-001", _("Enter an identity number."))
    NOT_DIGITS = ("IDF-002", _("%(value)s must contain digits only."))
    WRONG_LENGTH = ("IDF-003", _("%(value)s must have exactly %(length)s digits."))
    WRONG_PREFIX_NATIONAL = ("IDF-004", _("A Saudi national ID number starts with 1; %(value)s does not."))
    WRONG_PREFIX_IQAMA = (
        "IDF-005",
        _("A residence permit (iqama) number starts with 2; %(value)s does not."),
    )
    CHECK_DIGIT = (
        "IDF-006",
        _("%(value)s is not a valid number: its last digit does not match. Check it for a typing mistake."),
    )
    PASSPORT_FORMAT = (
        "IDF-007",
        _("A passport number has 6 to 9 Latin letters or digits; %(value)s does not."),
    )
    UNRECOGNISED = (
        "IDF-008",
        _("%(value)s is not a national ID, residence permit (iqama) or passport number."),
    )
    GCC_FORMAT = ("IDF-009", _("%(value)s is not a valid national ID number of %(country)s."))
    UNKNOWN_GCC_COUNTRY = ("IDF-010", _("%(value)s is not a GCC member state other than Saudi Arabia."))
    SEQUENCE_OUT_OF_RANGE = (
        "IDF-011",
        _("The sequence %(value)s must be between 0 and 99,999,999 to generate an ID number."),
    )
    WRONG_KIND = ("IDF-012", _("%(value)s is not one of the accepted kinds of identity number."))
    BILL_SEQUENCE_OUT_OF_RANGE = (
        "IDF-013",
        _("The sequence %(value)s must be between 1 and 999,999,999,999 to make a bill number."),
    )


class ParameterError(ErrorCatalogue):
    """Refusals of effective-dated parameters (simis/core/parameter_table.py, selectors, services)."""

    NO_VALUE = (
        "PRM-001",
        _("No value of the parameter %(key)s is in force for %(regime)s on %(date)s."),
    )
    UNKNOWN_KEY = ("PRM-002", _("There is no parameter called %(key)s."))
    INVALID_FILE = ("PRM-003", _("The parameter file %(file)s is not valid: %(detail)s"))
    NOT_LOADED = (
        "PRM-004",
        _("No parameters have been loaded into the database; run the parameters_load command."),
    )
    UNKNOWN_VERSION = ("PRM-005", _("Parameter version %(version)s does not exist."))
    KEY_IN_OTHER_FILE = (
        "PRM-006",
        _("The parameter %(key)s in %(file)s is already defined in the parameter set %(other)s."),
    )
    INVALID_CHOICE = (
        "PRM-007",
        _(
            "The parameter %(key)s holds %(value)s, which is not one of the readings the rules "
            "know: %(allowed)s."
        ),
    )
    INVALID_RECORD = (
        "PRM-008",
        _("A stored calculation's parameter readings cannot be read: %(record)s"),
    )
