"""Template helpers of the page shell: ``{% icon "name" %}`` draws one of the portal's own
line icons inline (no icon font, no external file, nothing CSP would block)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

# 24×24 outlines drawn for SIMIS. Each icon is a list of SVG path data, circles as "c cx cy r".
_ICONS: dict[str, list[str]] = {
    "home": ["M3 11.5 12 4l9 7.5", "M5.5 10v9.5h13V10", "M10 19.5v-5h4v5"],
    "shield": ["M12 3 4.5 6v5.5c0 4.6 3.2 8.3 7.5 9.5 4.3-1.2 7.5-4.9 7.5-9.5V6z", "m8.5 12 2.5 2.5 4.5-5"],
    "users": [
        "c 9 8 3.2",
        "M3 19.5c0-3.3 2.7-5.5 6-5.5s6 2.2 6 5.5",
        "M15.5 5.2a3 3 0 0 1 0 5.6",
        "M17.5 14.3c2 .6 3.5 2.4 3.5 5.2",
    ],
    "code": ["m8 8-4 4 4 4", "m16 8 4 4-4 4", "m13.5 5-3 14"],
    "sign-out": [
        "M10 4H5.5A1.5 1.5 0 0 0 4 5.5v13A1.5 1.5 0 0 0 5.5 20H10",
        "m15 8 4 4-4 4",
        "M19 12H9",
    ],
    "sign-in": [
        "M14 4h4.5A1.5 1.5 0 0 1 20 5.5v13a1.5 1.5 0 0 1-1.5 1.5H14",
        "m10 8 4 4-4 4",
        "M14 12H4",
    ],
    "chevron": ["m9 5 7 7-7 7"],
    "arrow": ["M5 12h14", "m13 6 6 6-6 6"],
    "globe": [
        "c 12 12 9",
        "M3 12h18",
        "M12 3c2.5 2.6 3.8 5.6 3.8 9s-1.3 6.4-3.8 9c-2.5-2.6-3.8-5.6-3.8-9S9.5 5.6 12 3z",
    ],
    "calendar": [
        "M5.5 5h13a2 2 0 0 1 2 2v11.5a2 2 0 0 1-2 2h-13a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2z",
        "M3.5 10h17",
        "M8 3v4",
        "M16 3v4",
    ],
    "info": ["c 12 12 9", "M12 11v6", "M12 7.5v.01"],
    "building": [
        "M4 20.5V5.5L12 3v17.5",
        "M12 8.5l8 2.5v9.5",
        "M2.5 20.5h19",
        "M7 8h2M7 11.5h2M7 15h2M15 13h2M15 16.5h2",
    ],
    "hospital": ["M6 4h12a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z", "M12 8v8M8 12h8"],
    "person": ["c 12 8 3.5", "M5 20c0-3.9 3.1-6.5 7-6.5s7 2.6 7 6.5"],
    "agency": ["M3 9.5 12 4l9 5.5z", "M4 20.5h16", "M6 10v8M10 10v8M14 10v8M18 10v8"],
    "key": ["c 8 15 4", "m11 12 8.5-8.5", "m16 7 2.5 2.5", "m14 9 2 2"],
    "account": ["c 12 12 9", "c 12 10 3", "M6.5 18.2c1.3-1.9 3.2-2.9 5.5-2.9s4.2 1 5.5 2.9"],
    "check": ["c 12 12 9", "m8 12.5 2.8 2.8L16.5 9.5"],
    "alert": ["M12 4 2.8 19.5h18.4z", "M12 10v4.5", "M12 17.2v.01"],
    "dot": ["c 12 12 2.5"],
}
# Icons that point along the reading direction; portal.css mirrors them in right-to-left pages.
DIRECTIONAL = frozenset({"sign-out", "sign-in", "chevron", "arrow"})


def _shape(spec: str) -> SafeString:
    if spec.startswith("c "):
        cx, cy, r = spec[2:].split()
        return format_html('<circle cx="{}" cy="{}" r="{}"/>', cx, cy, r)
    return format_html('<path d="{}"/>', spec)


@register.simple_tag
def icon(name: str, extra_class: str = "") -> SafeString:
    """An inline, decorative (``aria-hidden``) line icon; unknown names draw a dot."""
    shapes = _ICONS.get(name, _ICONS["dot"])
    classes = " ".join(
        c for c in ("icon", "icon-directional" if name in DIRECTIONAL else "", extra_class) if c
    )
    return format_html(
        '<svg class="{}" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" '
        'stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" '
        'focusable="false">{}</svg>',
        classes,
        format_html_join("", "{}", ((_shape(s),) for s in shapes)),
    )
