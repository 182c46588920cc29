"""System checks: production must configure the key that signs API responses."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from simis.api.server_key import development_keys_allowed


@register(Tags.security)
def signing_key_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    key = getattr(settings, "SIMIS_API_SIGNING_KEY", "")
    certificate = getattr(settings, "SIMIS_API_SIGNING_CERTIFICATE", "")
    if (key and certificate) or development_keys_allowed():
        return []
    return [
        Error(
            "SIMIS_API_SIGNING_KEY and SIMIS_API_SIGNING_CERTIFICATE must name the PEM files of the "
            "key that signs API responses and its certificate.",
            id="simis_api.E001",
        )
    ]
