"""Whether the kernel's calendar tags (``{% load simis_dates %}``, ``{% dual_date %}``) are
installed. Templates that show a date in both calendars include a partial that loads them only
when they are, so the page shell never depends on an app that is still arriving."""

from __future__ import annotations

from django.template import engines

DUAL_DATES_LIBRARY = "simis_dates"


def dual_dates_available() -> bool:
    engine = engines["django"]
    return DUAL_DATES_LIBRARY in engine.engine.libraries  # type: ignore[attr-defined]
