"""What other apps may import from the identity app."""

from __future__ import annotations

from simis.identity.access import audiences
from simis.identity.errors import IdentityError
from simis.identity.models import Audience, DateDisplay, OrganisationKind, OrganisationRole
from simis.identity.scope import (
    Scope,
    ScopedQuerysetMixin,
    scope_filter,
    scope_require,
    scope_required,
    user_scope,
    user_scope_forget,
)
from simis.identity.sensitive import (
    SENSITIVE_PERMISSIONS,
    is_sensitive_permission,
    register_sensitive_permission,
)
from simis.identity.services import organisation_bind, user_update_preferences
from simis.identity.step_up import require_step_up, step_up_is_fresh, step_up_required

__all__ = [
    "SENSITIVE_PERMISSIONS",
    "Audience",
    "DateDisplay",
    "IdentityError",
    "OrganisationKind",
    "OrganisationRole",
    "Scope",
    "ScopedQuerysetMixin",
    "audiences",
    "is_sensitive_permission",
    "organisation_bind",
    "register_sensitive_permission",
    "require_step_up",
    "scope_filter",
    "scope_require",
    "scope_required",
    "step_up_is_fresh",
    "step_up_required",
    "user_scope",
    "user_scope_forget",
    "user_update_preferences",
]
