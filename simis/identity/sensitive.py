"""The registry of sensitive permissions: holding one is not enough, the holder must also have
confirmed their presence with a WebAuthn security key within settings.SIMIS_STEP_UP_MAX_AGE.

Apps register their own from ``AppConfig.ready``::

    from simis.identity.public import register_sensitive_permission
    register_sensitive_permission("payments.approve_payment")
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from simis.core.errors import SimisError
from simis.identity.errors import IdentityError

_PERMISSION_NAME = re.compile(r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")


class SensitivePermissionRegistry:
    def __init__(self) -> None:
        self._names: set[str] = set()

    def register(self, permission: str) -> str:
        """Marks ``permission`` ("app_label.codename") as sensitive; registering twice is harmless."""
        if not _PERMISSION_NAME.match(permission):
            raise SimisError(IdentityError.BAD_PERMISSION_NAME, value=permission)
        self._names.add(permission)
        return permission

    def __contains__(self, permission: object) -> bool:
        return permission in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._names))

    def __len__(self) -> int:
        return len(self._names)


SENSITIVE_PERMISSIONS = SensitivePermissionRegistry()


def register_sensitive_permission(permission: str) -> str:
    return SENSITIVE_PERMISSIONS.register(permission)


def is_sensitive_permission(permission: str) -> bool:
    return permission in SENSITIVE_PERMISSIONS
