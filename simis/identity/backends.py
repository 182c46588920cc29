"""Permissions through job functions: ``user.has_perm("app.codename")`` is true when one of the
user's job functions carries that permission. Authenticates nobody (allauth does)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.models import Permission

_CACHE_ATTR = "_simis_job_function_perm_cache"


class JobFunctionBackend(BaseBackend):
    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        cached = getattr(user_obj, _CACHE_ATTR, None)
        if cached is None:
            rows = (
                Permission.objects.filter(simis_job_functions__memberships__user=user_obj)
                .values_list("content_type__app_label", "codename")
                .distinct()
            )
            cached = {f"{app_label}.{codename}" for app_label, codename in rows}
            setattr(user_obj, _CACHE_ATTR, cached)
        return set(cached)

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return self.get_group_permissions(user_obj, obj)

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)


def forget_cached_permissions(user: Any) -> None:
    """After a grant or withdrawal, the same user object must see the change."""
    for attr in (_CACHE_ATTR, "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)
