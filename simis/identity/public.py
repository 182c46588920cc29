"""What other apps may import from the identity app."""

from __future__ import annotations

from simis.identity.errors import IdentityError
from simis.identity.models import Audience, DateDisplay
from simis.identity.services import user_update_preferences

__all__ = ["Audience", "DateDisplay", "IdentityError", "user_update_preferences"]
