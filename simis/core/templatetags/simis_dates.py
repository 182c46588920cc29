"""Dates in templates, in both calendars and in the active language.

``{{ value|hijri }}`` → ``26 ذو الحجة 1445 هـ``; ``{{ value|gregorian }}`` → ``2 يوليو 2024``;
``{% dual_date value %}`` shows both, the calendar named by the ``date_display`` context
variable (``"hijri"``, the default, or ``"gregorian"``) first. Empty values render as nothing;
a date outside the Umm al-Qura table (before 1924 or after 2077) shows in Gregorian only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from simis.core.dates import Calendar, format_gregorian, format_hijri
from simis.core.errors import SimisError

register = template.Library()


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    return None


@register.filter(name="hijri")
def hijri(value: Any, style: str = "") -> str:
    """The Hijri date; ``value|hijri:"numeric"`` gives ``26/12/1445``."""
    day = _as_date(value)
    if day is None:
        return ""
    try:
        return format_hijri(day, numeric=style == "numeric")
    except SimisError:
        return ""


@register.filter(name="gregorian")
def gregorian(value: Any, style: str = "") -> str:
    """The Gregorian date; ``value|gregorian:"numeric"`` gives ``02/07/2024``."""
    day = _as_date(value)
    if day is None:
        return ""
    return format_gregorian(day, numeric=style == "numeric")


@register.simple_tag(takes_context=True)
def dual_date(context: template.Context, value: Any) -> SafeString | str:
    """Both calendars in a ``<time>`` element: the preferred one first, the other in brackets."""
    day = _as_date(value)
    if day is None:
        return ""
    in_gregorian = format_gregorian(day)
    in_hijri = hijri(day)
    if not in_hijri:
        return format_html('<time datetime="{}">{}</time>', day.isoformat(), in_gregorian)
    first, second = in_hijri, in_gregorian
    if context.get("date_display") == Calendar.GREGORIAN.value:
        first, second = in_gregorian, in_hijri
    return format_html(
        '<time datetime="{}">{} <span class="simis-date-other">({})</span></time>',
        day.isoformat(),
        first,
        second,
    )
