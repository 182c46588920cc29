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
