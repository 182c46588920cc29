"""Who is calling: what the gateway leaves on a request whose signature it accepted."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ApiCaller:
    """The partner and certificate behind a verified request. Plain data: no ORM objects, so
    views in other apps cannot reach into this app's models through it."""

    partner_id: int
    partner_code: str
    name_ar: str
    name_en: str
    kind: str
    organisation_key: str
    certificate_id: int
    keyid: str
