"""The SMS wordings as data: the file matches the event list, every text uses exactly its
placeholders, a broken file is refused with the reason, and a message renders in the
recipient's language — dates in both calendars, lazy translations in that language."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import gettext_lazy

from simis.core.errors import SimisError
from simis.notifications.choices import SmsEncoding, SmsTemplate
from simis.notifications.message_templates import message_render, message_templates, templates_parse
from simis.notifications.rules import sms_parts, template_placeholders


def test_every_event_has_a_wording_and_every_wording_an_event() -> None:
    assert set(message_templates()) == set(SmsTemplate.values)


def test_both_languages_use_exactly_the_declared_placeholders() -> None:
    for template in message_templates().values():
        assert template.version >= 1
        for language in ("ar", "en"):
            assert template_placeholders(template.texts[language]) == template.placeholders, template.key


def test_the_registration_sms_in_arabic_and_english() -> None:
    context = {"name": "سارة", "establishment": "نور للتجارة", "reference": "C-2026-000123"}
    arabic = message_render(key=SmsTemplate.REGISTRATION_APPROVED, language="ar", context=context)
    assert arabic.text == (
        "التأمينات الاجتماعية: سارة، تم اعتماد تسجيلك لدى نور للتجارة. رقم الطلب C-2026-000123"
    )
    assert arabic.version == 1
    assert sms_parts(arabic.text).encoding == SmsEncoding.UCS2
    # A short Arabic notice stays within two parts, so the gateway bills two SMS at most.
    assert sms_parts(arabic.text).segments <= 2
    english = message_render(
        key="registration.approved",
        language="en",
        context={"name": "Sara", "establishment": "Nour Trading", "reference": "C-2026-000123"},
    )
    assert english.text.startswith("Social Insurance: Sara, your registration with Nour Trading")
    assert sms_parts(english.text).encoding == SmsEncoding.GSM7


def test_a_date_is_shown_in_both_calendars_hijri_first_in_arabic() -> None:
    day = date(2026, 3, 20)  # 1 Shawwal 1447
    arabic = message_render(
        key="reminder.generic", language="ar", context={"subject": "اللجنة الطبية", "date": day}
    )
    assert "01/10/1447هـ (20/03/2026م)" in arabic.text
    english = message_render(
        key="reminder.generic", language="en", context={"subject": "medical committee", "date": day}
    )
    assert english.text == "Social Insurance reminder: medical committee on 20/03/2026 (01/10/1447 AH)"


def test_a_date_time_shows_riyadh_time() -> None:
    moment = datetime(2026, 3, 20, 6, 30, tzinfo=ZoneInfo("UTC"))  # 09:30 in Riyadh
    english = message_render(key="reminder.generic", language="en", context={"subject": "x", "date": moment})
    assert english.text.endswith("20/03/2026 (01/10/1447 AH) 09:30")


def test_a_lazy_translation_renders_in_the_recipients_language() -> None:
    decision = gettext_lazy("Arabic")  # a string every catalogue has: "العربية"
    arabic = message_render(
        key="case.decided", language="ar", context={"reference": "C-1", "decision": decision}
    )
    english = message_render(
        key="case.decided", language="en", context={"reference": "C-1", "decision": decision}
    )
    assert "العربية" in arabic.text
    assert "Arabic" in english.text


@pytest.mark.parametrize(
    ("key", "language", "context", "code"),
    [
        ("no.such", "ar", {}, "NTF-004"),
        ("reminder.generic", "fr", {"subject": "x", "date": "y"}, "NTF-003"),
        ("reminder.generic", "en", {"subject": "x", "date": "y", "place": "z"}, "NTF-005"),
        ("reminder.generic", "en", {"subject": "x"}, "NTF-006"),
    ],
)
def test_refusals_are_coded(key: str, language: str, context: dict[str, str], code: str) -> None:
    with pytest.raises(SimisError) as refused:
        message_render(key=key, language=language, context=context)
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("templates: [1, 2]", "'templates' mapping"),
        ("templates:\n  a:\n    version: 1\n    placeholders: [x]\n    ar: '{x}'\n", "no 'en' text"),
        ("templates:\n  a:\n    version: 0\n    ar: 'a'\n    en: 'b'\n", "'version'"),
        (
            "templates:\n  a:\n    version: 1\n    placeholders: [x]\n    ar: '{x}'\n    en: '{y}'\n",
            "uses undeclared ['y']",
        ),
        ("templates: {a: [", "while parsing"),
    ],
)
def test_a_broken_file_is_refused_with_its_reason(source: str, reason: str) -> None:
    with pytest.raises(SimisError) as refused:
        templates_parse(source, origin="test.yaml")
    assert refused.value.code == "NTF-008"
    assert reason in str(refused.value)
