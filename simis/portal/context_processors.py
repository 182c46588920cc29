from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    date_display = getattr(user, "date_display", None) or request.COOKIES.get("simis_date_display", "hijri")
    return {"date_display": date_display}
