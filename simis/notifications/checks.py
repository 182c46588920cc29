"""Start-up checks: a gateway that cannot work fails ``manage.py check`` (and every command),
not the first SMS hours later."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from simis.core.errors import SimisError


@checks.register()
def sms_gateway_configured(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from simis.notifications.gateways import gateway_from_settings
    from simis.notifications.rules import phone_normalise

    problems: list[checks.CheckMessage] = []
    try:
        gateway_from_settings()
    except SimisError as error:
        problems.append(checks.Error(error.error.render_in("en", **error.params), id=error.code))
    phone = settings.SIMIS_QUALITY_OWNER_PHONE
    if phone:
        try:
            phone_normalise(phone)
        except SimisError as error:
            problems.append(
                checks.Error(
                    f"SIMIS_QUALITY_OWNER_PHONE: {error.error.render_in('en', **error.params)}", id=error.code
                )
            )
    return problems
