"""What an audit entry says was done.

An action is a stable code ``<app>.<what_happened>`` (``identity.login_failed``) with a readable,
translated label. ``AuditAction`` lists the platform-wide actions. An app lists its own actions
in a ``TextChoices`` of its own, in its own package, and registers it once so the admin can show
labels::

    class RegistryAuditAction(models.TextChoices):
        ENGAGEMENT_TERMINATED = "registry.engagement_terminated", _("Engagement terminated")

    # RegistryConfig.ready():
    audit_actions_register(RegistryAuditAction)

``audit_record`` accepts any such member, or the bare code string. A code that is not registered
is still recorded (the label falls back to the code), so registration order never loses an entry.
"""

from __future__ import annotations

import re
from enum import Enum

from django.db import models
from django.utils.translation import gettext_lazy as _

from simis.audit.errors import AuditError
from simis.core.errors import SimisError

ACTION_CODE_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
ACTION_CODE_MAX_LENGTH = 100


class AuditAction(models.TextChoices):
    """Actions of the audit log itself and of the identity kernel, which every app relies on."""

    AUDIT_CHAIN_VERIFIED = "audit.chain_verified", _("Audit chain verified")

    IDENTITY_LOGIN_SUCCEEDED = "identity.login_succeeded", _("Signed in")
    IDENTITY_LOGIN_FAILED = "identity.login_failed", _("Sign-in failed")
    IDENTITY_LOGOUT = "identity.logout", _("Signed out")
    IDENTITY_USER_CREATED = "identity.user_created", _("User created")
    IDENTITY_USER_CHANGED = "identity.user_changed", _("User changed")
    IDENTITY_USER_DEACTIVATED = "identity.user_deactivated", _("User deactivated")
    IDENTITY_PASSWORD_CHANGED = "identity.password_changed", _("Password changed")
    IDENTITY_MFA_ENABLED = "identity.mfa_enabled", _("Second factor added")
    IDENTITY_MFA_DISABLED = "identity.mfa_disabled", _("Second factor removed")
    IDENTITY_STEP_UP_SUCCEEDED = "identity.step_up_succeeded", _("Security key verification passed")
    IDENTITY_STEP_UP_FAILED = "identity.step_up_failed", _("Security key verification failed")
    IDENTITY_PERMISSION_DENIED = "identity.permission_denied", _("Permission refused")


_registered: list[type[models.TextChoices]] = [AuditAction]


def audit_actions_register(actions: type[models.TextChoices]) -> None:
    """Make an app's action enum known for labels. Idempotent; refuses malformed codes."""
    for member in actions:
        action_code(member)
    if actions not in _registered:
        _registered.append(actions)


def action_code(action: Enum | str) -> str:
    """The stored code for an enum member or a code string; raises ``SimisError`` (AUDIT-001)."""
    code = action.value if isinstance(action, Enum) else action
    if not isinstance(code, str) or len(code) > ACTION_CODE_MAX_LENGTH or not ACTION_CODE_RE.match(code):
        raise SimisError(AuditError.ACTION_INVALID, action=str(code))
    return code


def action_label(code: str) -> str:
    """The translated label of a registered action; the code itself when none is registered."""
    for actions in _registered:
        try:
            return str(actions(code).label)
        except ValueError:
            continue
    return code
