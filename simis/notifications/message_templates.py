"""The SMS wordings of ``message_templates.yaml`` and how a message is rendered from one.

Why a versioned YAML file rather than a table filled by a data migration: a wording is part of
what the institution says to the public, so it is reviewed like code and shipped with the release
whose events need it; a file shows both languages side by side in one diff, needs no migration
per wording change, and cannot drift between environments. What was actually sent stays in each
``SmsMessage`` (template key, version, the text as rendered), so a later wording never rewrites
history."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.utils import timezone, translation
from django.utils.functional import Promise

from simis.core.dates import format_gregorian, format_hijri
from simis.core.errors import SimisError
from simis.notifications.choices import SmsTemplate
from simis.notifications.errors import NotificationError
from simis.notifications.rules import LANGUAGES, language_check, template_fill, template_text_problems

TEMPLATES_FILE = Path(__file__).with_name("message_templates.yaml")


@dataclass(frozen=True)
class MessageTemplate:
    key: str
    version: int
    placeholders: frozenset[str]
    texts: Mapping[str, str]  # language → text


@dataclass(frozen=True)
class RenderedMessage:
    key: str
    version: int
    language: str
    text: str


def templates_parse(source: str, *, origin: str = "message_templates.yaml") -> dict[str, MessageTemplate]:
    """Every template of a YAML text, checked: a version, a placeholder list, a text in each
    language using exactly those placeholders. Anything else: NTF-008 naming the problem."""

    def invalid(detail: str) -> SimisError:
        return SimisError(NotificationError.TEMPLATES_INVALID, detail=f"{origin}: {detail}")

    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        raise invalid(str(exc)) from exc
    if not isinstance(data, dict) or not isinstance(data.get("templates"), dict):
        raise invalid("a top-level 'templates' mapping is required")
    found: dict[str, MessageTemplate] = {}
    for key, entry in data["templates"].items():
        if not isinstance(entry, dict):
            raise invalid(f"{key}: not a mapping")
        version = entry.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise invalid(f"{key}: 'version' must be a whole number from 1")
        declared = entry.get("placeholders", [])
        if not isinstance(declared, list) or not all(isinstance(name, str) for name in declared):
            raise invalid(f"{key}: 'placeholders' must be a list of names")
        texts: dict[str, str] = {}
        for language in LANGUAGES:
            text = entry.get(language)
            if not isinstance(text, str):
                raise invalid(f"{key}: no '{language}' text")
            problems = template_text_problems(text, declared)
            if problems:
                raise invalid(f"{key} ({language}) {'; '.join(problems)}")
            texts[language] = text
        found[str(key)] = MessageTemplate(str(key), version, frozenset(declared), texts)
    return found


@functools.cache
def message_templates() -> dict[str, MessageTemplate]:
    """The templates of ``message_templates.yaml``, read once per process."""
    return templates_parse(TEMPLATES_FILE.read_text(encoding="utf-8"))


def message_template(key: str) -> MessageTemplate:
    found = message_templates().get(str(key))
    if found is None:
        raise SimisError(NotificationError.TEMPLATE_UNKNOWN, key=str(key))
    return found


def value_text(value: Any, language: str) -> str:
    """A context value as the recipient reads it, in ``language``: a date in both calendars
    (Hijri first in Arabic), a date-time as its local date and hh:mm, a lazy translation in that
    language, anything else as ``str``."""
    with translation.override(language):
        if isinstance(value, datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            return f"{value_text(local.date(), language)} {local:%H:%M}"
        if isinstance(value, date):
            try:
                hijri = format_hijri(value, numeric=True)
            except SimisError:
                return format_gregorian(value, numeric=True)
            gregorian = format_gregorian(value, numeric=True)
            if language == "ar":
                return f"{hijri}هـ ({gregorian}م)"
            return f"{gregorian} ({hijri} AH)"
        if isinstance(value, Decimal):
            return format(value, "f")
        if isinstance(value, Promise):
            return str(value)
        return str(value)


def message_render(*, key: str | SmsTemplate, language: str, context: Mapping[str, Any]) -> RenderedMessage:
    """The text of template ``key`` in ``language`` with ``context`` filled in (NTF-003/4/5/6)."""
    language_check(language)
    template = message_template(str(key))
    values = {name: value_text(value, language) for name, value in context.items()}
    text = template_fill(
        key=template.key, text=template.texts[language], declared=template.placeholders, values=values
    )
    return RenderedMessage(template.key, template.version, language, text)
