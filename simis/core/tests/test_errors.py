"""Every coded error is unique across the whole product, and has both languages."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.utils import translation

import simis
from simis.core.errors import (
    DateError,
    IdentifierError,
    MoneyError,
    ParameterError,
    SimisError,
    all_catalogues,
)


def _import_every_errors_module() -> None:
    for info in pkgutil.walk_packages(simis.__path__, prefix="simis."):
        if info.name.endswith(".errors") and ".tests" not in info.name:
            importlib.import_module(info.name)


def test_error_codes_are_unique_across_all_catalogues():
    _import_every_errors_module()
    seen: dict[str, str] = {}
    for catalogue in all_catalogues():
        for member in catalogue:
            where = f"{catalogue.__name__}.{member.name}"
            assert member.code not in seen, f"{member.code} is used by {seen.get(member.code)} and {where}"
            seen[member.code] = where
    assert {"MNY-001", "DATE-001", "IDF-001", "PRM-001"} <= set(seen)


@pytest.mark.parametrize("catalogue", [MoneyError, DateError, IdentifierError, ParameterError])
def test_core_messages_exist_in_arabic(catalogue):
    for member in catalogue:
        with translation.override("en"):
            english = str(member.message)
        with translation.override("ar"):
            arabic = str(member.message)
        assert arabic != english, f"{member.code} has no Arabic translation"
        assert any("\u0600" <= ch <= "\u06ff" for ch in arabic), member.code


def test_placeholders_survive_translation():
    error = SimisError(DateError.IMPOSSIBLE_HIJRI_DATE, day=30, month=2, year=1447, length=29)
    rendered = error.as_dict()
    assert (
        "30" in rendered["message_ar"] and "1447" in rendered["message_ar"] and "29" in rendered["message_ar"]
    )
    assert rendered["code"] == "DATE-004"
    assert error.as_validation_error().code == "DATE-004"
