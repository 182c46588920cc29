"""Object-level access: which organisations' records a user may see.

Staff see everything (their permissions decide what they may do). Employer, hospital and
agency users see only the records of the organisations they are currently bound to through
``OrganisationMembership``; anyone else sees nothing. Every query over organisation records
goes through ``scope_filter`` (or ``ScopedQuerysetMixin``), so forgetting a filter is visible."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import wraps
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from simis.core.errors import SimisError
from simis.identity.errors import IdentityError
from simis.identity.models import Audience, OrganisationKind, OrganisationMembership, OrganisationRole

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Scope:
    """``unrestricted`` for staff; otherwise the organisation keys per kind the user acts for."""

    unrestricted: bool = False
    organisations: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # (kind, key) → the highest role held there (administrator > officer > viewer).
    roles: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def keys(self, org_kind: str) -> frozenset[str]:
        return self.organisations.get(org_kind, frozenset())

    def role(self, org_kind: str, org_key: str) -> str | None:
        """The user's role at that organisation (administrator for the unrestricted)."""
        if self.unrestricted:
            return OrganisationRole.ADMINISTRATOR
        return self.roles.get((org_kind, org_key))

    def allows(self, org_kind: str, org_key: str, *, role: str | None = None) -> bool:
        """May act for the organisation at all — or, with ``role``, with at least that role."""
        held = self.role(org_kind, org_key) if (self.unrestricted or org_key in self.keys(org_kind)) else None
        if held is None:
            return False
        return role is None or ROLE_RANK[held] >= ROLE_RANK[role]

    @property
    def establishments(self) -> frozenset[str]:
        return self.keys(OrganisationKind.ESTABLISHMENT)

    @property
    def hospitals(self) -> frozenset[str]:
        return self.keys(OrganisationKind.HOSPITAL)

    @property
    def agencies(self) -> frozenset[str]:
        return self.keys(OrganisationKind.AGENCY)


ROLE_RANK: dict[str, int] = {
    OrganisationRole.VIEWER: 1,
    OrganisationRole.OFFICER: 2,
    OrganisationRole.ADMINISTRATOR: 3,
}
NO_SCOPE = Scope()
_CACHE_ATTR = "_simis_scope_cache"


def user_scope(user: Any, *, on: date | None = None) -> Scope:
    """The user's scope on ``on`` (today by default). Inactive or anonymous users get none."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_SCOPE
    if user.audience == Audience.STAFF:
        return Scope(unrestricted=True)
    day = on or timezone.localdate()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None and cached[0] == day:
        return cached[1]
    rows = (
        OrganisationMembership.objects.filter(user=user, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .values_list("org_kind", "org_key", "role")
    )
    keys: dict[str, set[str]] = {}
    roles: dict[tuple[str, str], str] = {}
    for kind, key, role in rows:
        keys.setdefault(kind, set()).add(key)
        if ROLE_RANK.get(role, 0) > ROLE_RANK.get(roles.get((kind, key), ""), 0):
            roles[(kind, key)] = role
    scope = Scope(organisations={kind: frozenset(found) for kind, found in keys.items()}, roles=roles)
    setattr(user, _CACHE_ATTR, (day, scope))
    return scope


def scope_filter(queryset: QuerySet[M], user: Any, field_map: Mapping[str, str]) -> QuerySet[M]:
    """``queryset`` limited to the user's organisations. ``field_map`` says, per organisation
    kind, which lookup on the queryset's model holds that kind's key, e.g.
    ``{"establishment": "establishment__number"}``. Kinds not in the map give no access;
    a user with no matching organisation gets an empty queryset."""
    scope = user_scope(user)
    if scope.unrestricted:
        return queryset
    condition = Q()
    for kind, lookup in field_map.items():
        keys = scope.keys(kind)
        if keys:
            condition |= Q(**{f"{lookup}__in": sorted(keys)})
    if not condition:
        return queryset.none()
    return queryset.filter(condition)


def user_scope_forget(user: Any) -> None:
    """Drops the per-request cached scope, after the user's memberships changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def scope_require(user: Any, org_kind: str, org_key: str, *, role: str | None = None) -> None:
    """Raises IDN-040 unless the user may act for that organisation (with at least ``role``)."""
    if not user_scope(user).allows(org_kind, org_key, role=role):
        raise SimisError(IdentityError.OUT_OF_SCOPE)


def scope_required(
    org_kind: str | None = None, *, kind_kwarg: str = "org_kind", key_kwarg: str = "org_key"
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator for URLs naming an organisation: answers 404 (not 403, so the existence of
    other organisations is not revealed) unless the user may act for it. The kind is fixed by
    ``org_kind`` or read from the ``kind_kwarg`` URL argument."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            kind = org_kind or kwargs.get(kind_kwarg, "")
            if not user_scope(request.user).allows(kind, kwargs.get(key_kwarg, "")):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class ScopedQuerysetMixin:
    """For class-based views: ``get_queryset()`` passes through ``scope_filter`` with the view's
    ``scope_field_map``. A view that forgets the map fails loudly instead of showing everything."""

    scope_field_map: Mapping[str, str] | None = None
    request: HttpRequest

    def get_queryset(self) -> QuerySet[Any]:
        if self.scope_field_map is None:
            raise TypeError(f"{type(self).__name__} must set scope_field_map")
        return scope_filter(super().get_queryset(), self.request.user, self.scope_field_map)  # type: ignore[misc]
