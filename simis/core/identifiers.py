"""Identity numbers: Saudi national ID, iqama, GCC national IDs and passports; bill numbers.

What is checked, per kind:

- **Saudi national ID** (Ministry of Interior, ``1`` then 9 digits) and **iqama** (residence
  permit, ``2`` then 9 digits): 10 digits whose last is a Luhn check digit over the first nine
  (the standard Luhn algorithm over all ten digits gives a multiple of 10).
- **GCC national IDs** (Saudi Arabia excluded; GCC nationals working in KSA are covered under
  the GCC Unified Law of Insurance Protection Extension, RULES §1.1): structure only. Published
  check-digit rules differ between sources, and refusing a real person's number is worse than
  letting a typo through to the document check, so no check digit is verified:

  ==========  ======================  ================================================
  Country     Document                Structure checked
  ==========  ======================  ================================================
  AE          Emirates ID             15 digits: ``784``, year of birth (19xx/20xx), 8 more
  BH          CPR                     9 digits: YYMM of birth (month 01–12), 5 more
  KW          Civil ID                12 digits: century (2 = 1900s, 3 = 2000s), YYMMDD of
                                      birth (a real date), 5 more
  OM          Civil number            7 to 9 digits
  QA          Qatar ID (QID)          11 digits: century (2 or 3), YY of birth, ``634``
                                      (ISO 3166 numeric code of Qatar), 5 more
  ==========  ======================  ================================================

- **Passports**: 6 to 9 Latin letters or digits, upper-cased.
- **Bill numbers** (contribution bills, CON-3/CON-5): 14 digits, ``1``, a 12-digit sequence and
  a Luhn check digit over the first 13, so a bank statement's reference can be recognised as a
  bill number and a mistyped digit is caught before any matching.

Everything a person types is normalised first: Arabic-Indic (٠-٩) and Persian (۰-۹) digits
become 0-9; spaces, dashes and dots are dropped.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from simis.core.errors import IdentifierError, SimisError

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Spaces (including no-break and Arabic-text direction marks), hyphens and dashes, dots.
_SEPARATORS = re.compile(r"[\s\u00a0\u200e\u200f\-\u2010-\u2015\u2212._]+")
_PASSPORT = re.compile(r"^[A-Z0-9]{6,9}$")


class IdentityKind(models.TextChoices):
    NATIONAL_ID = "national_id", _("Saudi national ID")
    IQAMA = "iqama", _("Residence permit (iqama)")
    GCC_NATIONAL_ID = "gcc_id", _("GCC national ID")
    PASSPORT = "passport", _("Passport")


class GccCountry(models.TextChoices):
    """GCC member states other than Saudi Arabia (ISO 3166-1 alpha-2)."""

    AE = "AE", _("United Arab Emirates")
    BH = "BH", _("Bahrain")
    KW = "KW", _("Kuwait")
    OM = "OM", _("Oman")
    QA = "QA", pgettext_lazy("country", "Qatar")


_SAUDI_PREFIX = {IdentityKind.NATIONAL_ID: "1", IdentityKind.IQAMA: "2"}
_KINDS = {kind.value: kind for kind in IdentityKind}


def normalise_digits(text: str) -> str:
    """Arabic-Indic and Persian digits replaced by 0-9; nothing else changes."""
    return str(text).translate(_DIGITS)


def normalise_identifier(text: str) -> str:
    """Digits normalised, separators dropped, letters upper-cased: ``" ١٠٢٣-456 "`` → ``"1023456"``."""
    if type(text) is str and text.isascii() and text.isdigit():
        return text  # Western digits only (most numbers as typed): nothing to change
    return _SEPARATORS.sub("", normalise_digits(text)).upper()


# Luhn: each digit's value as counted, undoubled and doubled (a doubled digit over 9 loses 9).
_LUHN_PLAIN = {str(digit): digit for digit in range(10)}
_LUHN_DOUBLED = {str(digit): digit * 2 - 9 if digit > 4 else digit * 2 for digit in range(10)}


def luhn_check_digit(payload: str) -> str:
    """The Luhn digit that makes ``payload + digit`` pass the Luhn test."""
    if payload.isascii() and payload.isdigit():
        # Counting from the right of the payload, the first digit is doubled (the check digit
        # will sit to its right): every identity number of a large upload passes here twice.
        backwards = payload[::-1]
        total = sum(map(_LUHN_DOUBLED.__getitem__, backwards[0::2])) + sum(
            map(_LUHN_PLAIN.__getitem__, backwards[1::2])
        )
        return str((10 - total % 10) % 10)
    total = 0
    # Counting from the right of the payload, the first digit is doubled (the check digit
    # will sit to its right).
    for position, char in enumerate(reversed(payload)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return (
        number.isascii()
        and number.isdigit()
        and len(number) >= 2
        and (luhn_check_digit(number[:-1]) == number[-1])
    )


def _require_digits(value: str, length: int) -> None:
    if not value:
        raise SimisError(IdentifierError.EMPTY)
    if not (value.isascii() and value.isdigit()):
        raise SimisError(IdentifierError.NOT_DIGITS, value=value)
    if len(value) != length:
        raise SimisError(IdentifierError.WRONG_LENGTH, value=value, length=length)


def validate_saudi_id(value: str, kind: IdentityKind | None = None) -> str:
    """The normalised 10-digit national ID or iqama number; raises a coded ``SimisError``.

    ``kind`` limits the check to national IDs (prefix 1) or iqamas (prefix 2); ``None``
    accepts both."""
    number = normalise_identifier(value)
    _require_digits(number, 10)
    if kind == IdentityKind.NATIONAL_ID and number[0] != "1":
        raise SimisError(IdentifierError.WRONG_PREFIX_NATIONAL, value=number)
    if kind == IdentityKind.IQAMA and number[0] != "2":
        raise SimisError(IdentifierError.WRONG_PREFIX_IQAMA, value=number)
    if number[0] not in "12":
        raise SimisError(IdentifierError.UNRECOGNISED, value=number)
    if not luhn_valid(number):
        raise SimisError(IdentifierError.CHECK_DIGIT, value=number)
    return number


def validate_national_id(value: str) -> str:
    """A Saudi national ID (10 digits, starts with 1, Luhn check digit), normalised."""
    return validate_saudi_id(value, IdentityKind.NATIONAL_ID)


def validate_iqama(value: str) -> str:
    """An iqama number (10 digits, starts with 2, Luhn check digit), normalised."""
    return validate_saudi_id(value, IdentityKind.IQAMA)


def validate_passport(value: str) -> str:
    """A passport number: 6 to 9 Latin letters or digits, returned upper-cased."""
    number = normalise_identifier(value)
    if not number:
        raise SimisError(IdentifierError.EMPTY)
    if not _PASSPORT.match(number):
        raise SimisError(IdentifierError.PASSPORT_FORMAT, value=number)
    return number


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _gcc_structure_ok(country: GccCountry, number: str) -> bool:
    if not (number.isascii() and number.isdigit()):
        return False
    if country == GccCountry.AE:
        return len(number) == 15 and number.startswith("784") and number[3:5] in ("19", "20")
    if country == GccCountry.BH:
        return len(number) == 9 and 1 <= int(number[2:4]) <= 12
    if country == GccCountry.KW:
        if len(number) != 12 or number[0] not in "23":
            return False
        century = 1900 if number[0] == "2" else 2000
        return _real_date(century + int(number[1:3]), int(number[3:5]), int(number[5:7]))
    if country == GccCountry.OM:
        return 7 <= len(number) <= 9
    # Qatar
    return len(number) == 11 and number[0] in "23" and number[3:6] == "634"


def validate_gcc_id(value: str, country: str | GccCountry) -> str:
    """A GCC national ID of ``country`` (see the table in the module docstring), normalised."""
    try:
        member = GccCountry(str(country).upper())
    except ValueError:
        raise SimisError(IdentifierError.UNKNOWN_GCC_COUNTRY, value=str(country)) from None
    number = normalise_identifier(value)
    if not number:
        raise SimisError(IdentifierError.EMPTY)
    if not _gcc_structure_ok(member, number):
        raise SimisError(IdentifierError.GCC_FORMAT, value=number, country=member.label)
    return number


def identity_kind(value: str) -> IdentityKind:
    """What kind of number ``value`` is, from its shape alone; raises when it is none.

    Ten digits starting 1 or 2 are a national ID or an iqama and must carry a valid check digit
    (CHECK_DIGIT otherwise). Other strings of 6–9 letters or digits are passports. GCC national
    IDs are never guessed: a 9-digit Bahraini CPR looks like a passport, so the caller names the
    country and calls ``validate_gcc_id``."""
    number = normalise_identifier(value)
    if not number:
        raise SimisError(IdentifierError.EMPTY)
    if len(number) == 10 and number.isdigit() and number[0] in "12":
        validate_saudi_id(number)
        return IdentityKind.NATIONAL_ID if number[0] == "1" else IdentityKind.IQAMA
    if _PASSPORT.match(number):
        return IdentityKind.PASSPORT
    raise SimisError(IdentifierError.UNRECOGNISED, value=number)


def generate_national_id(seq: int, kind: IdentityKind = IdentityKind.NATIONAL_ID) -> str:
    """A valid national ID (or iqama) for test and demo data: prefix, ``seq`` in 8 digits,
    Luhn check digit. Different ``seq`` give different numbers; the same ``seq`` the same one."""
    if kind not in _SAUDI_PREFIX:
        raise SimisError(IdentifierError.WRONG_KIND, value=str(kind))
    if not 0 <= seq <= 99_999_999:
        raise SimisError(IdentifierError.SEQUENCE_OUT_OF_RANGE, value=seq)
    payload = f"{_SAUDI_PREFIX[kind]}{seq:08d}"
    return payload + luhn_check_digit(payload)


# Bill numbers: "1", a 12-digit sequence and a Luhn check digit. The leading 1 keeps them from
# ever starting with 0 (spreadsheets and banks' forms drop leading zeros).
_BILL_SEQUENCE_MAX = 10**12 - 1


def bill_number_make(sequence: int) -> str:
    """The 14-digit bill number of ``sequence`` (1 to 999,999,999,999): ``1``, the sequence in
    12 digits, Luhn check digit. Different sequences give different numbers; the same sequence
    the same one. IDF-013 outside that range."""
    if type(sequence) is not int or not 1 <= sequence <= _BILL_SEQUENCE_MAX:
        raise SimisError(IdentifierError.BILL_SEQUENCE_OUT_OF_RANGE, value=sequence)
    payload = f"1{sequence:012d}"
    return payload + luhn_check_digit(payload)


def bill_number_valid(value: str) -> bool:
    """Whether ``value`` is exactly a bill number ``bill_number_make`` could have made: 14
    Western digits, a leading 1, a sequence other than zero and the right check digit. Nothing is
    normalised: spaces, dashes or Arabic-Indic digits make it invalid (callers that read typed
    text normalise first)."""
    return (
        type(value) is str
        and len(value) == 14
        and value.isascii()
        and value.isdigit()
        and value[0] == "1"
        and value[1:13] != "000000000000"
        and luhn_check_digit(value[:13]) == value[13]
    )


def validate_identifier(value: str, kind: IdentityKind | str, country: str | None = None) -> str:
    """Validate ``value`` as the given kind (``country`` needed for GCC IDs); normalised."""
    kind = _KINDS.get(kind) or IdentityKind(kind)
    if kind in _SAUDI_PREFIX:
        return validate_saudi_id(value, kind)
    if kind == IdentityKind.PASSPORT:
        return validate_passport(value)
    return validate_gcc_id(value, country or "")


class SaudiIdFormField(forms.CharField):
    """A national ID and/or iqama number field: normalises what was typed (Arabic-Indic digits,
    spaces, dashes) and refuses a wrong length, prefix or check digit with a coded message."""

    default_help_text = _(
        "Ten digits: a Saudi national ID starts with 1, a residence permit (iqama) number with 2. "
        "Arabic or Western digits are accepted."
    )

    def __init__(self, *, kinds: tuple[IdentityKind, ...] | None = None, **kwargs: Any) -> None:
        self.kinds = kinds or (IdentityKind.NATIONAL_ID, IdentityKind.IQAMA)
        kwargs.setdefault("help_text", self.default_help_text)
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        only = self.kinds[0] if len(self.kinds) == 1 else None
        try:
            return validate_saudi_id(text, only)
        except SimisError as error:
            raise error.as_validation_error() from None
