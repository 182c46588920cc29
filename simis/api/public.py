"""What other apps may import from the web-service app.

Mount a router (in your AppConfig.ready(), before the URLconf is loaded)::

    from ninja import Router
    from simis.api.public import api_caller, register_router

    router = Router(tags=["contributions"])

    @router.get("/bills/{number}", response=BillOut)
    def bill_detail(request, number: str):
        caller = api_caller(request)           # the verified partner
        return bill_for_partner(number=number, organisation_key=caller.organisation_key)

    register_router("contributions", router)   # → /api/v1/contributions/bills/…

Every operation of every mounted router runs behind the gateway: signature verified,
Idempotency-Key enforced on writes, refusals coded, responses signed. A router cannot opt out.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from ninja import Router
from ninja.constants import NOT_SET

from simis.api.api import api, api_caller
from simis.api.caller import ApiCaller
from simis.api.errors import ApiError
from simis.api.models import PartnerKind

__all__ = ["ApiCaller", "ApiError", "PartnerKind", "api_caller", "register_router"]


def register_router(prefix: str, router: Router, *, tags: list[str] | None = None) -> None:
    """Mount ``router`` under ``/api/v1/<prefix>/``. Refuses a router that sets its own
    ``auth``: partner-signature authentication is the same for every operation."""
    if getattr(router, "auth", NOT_SET) is not NOT_SET:
        raise ImproperlyConfigured("API routers must not set auth: the gateway authenticates every call.")
    api.add_router(prefix.strip("/"), router, tags=tags)
