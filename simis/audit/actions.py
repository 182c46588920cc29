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
    """Actions of the audit log itself. Other apps list theirs in their own enums (see above)."""

    CHAIN_VERIFIED = "audit.chain_verified", _("Audit chain verified: intact")
    CHAIN_BROKEN = "audit.chain_broken", _("Audit chain verified: broken")


_registered: list[type[models.TextChoices]] = [AuditAction]


def audit_actions_register(actions: type[models.TextChoices]) -> None:
    """Make an app's action enum known for labels. Idempotent; refuses malformed codes."""
    for member in actions:
        action_code(member)
    if actions not in _registered:
        _registered.append(actions)


def action_code(action: Enum | str) -> str:
    """The stored code for an enum member or a code string; raises ``SimisError`` (AUDIT-001).

    The enum of a member passed here is registered on the way, so its labels are known in this
    process even where the owning app forgot ``audit_actions_register``."""
    code = action.value if isinstance(action, Enum) else action
    if not isinstance(code, str) or len(code) > ACTION_CODE_MAX_LENGTH or not ACTION_CODE_RE.match(code):
        raise SimisError(AuditError.ACTION_INVALID, action=str(code))
    if isinstance(action, models.TextChoices) and type(action) not in _registered:
        _registered.append(type(action))
    return code


def action_label(code: str) -> str:
    """The translated label of a registered action; the code itself when none is registered."""
    for actions in _registered:
        try:
            return str(actions(code).label)
        except ValueError:
            continue
    return code
