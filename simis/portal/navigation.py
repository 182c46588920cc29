"""The portal's navigation, per audience.

Each app contributes its own entries with ``register_nav_item`` (re-exported by
``simis.portal.public``), usually from its ``AppConfig.ready()``. The page shell asks
``nav_for_request`` which entries the current user may see: an entry shows when the user's
audience is in its set, the user holds its permission (if it names one), and one of its URL
names resolves — an entry whose view is not installed yet is skipped, never a crash.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from simis.identity.public import Audience

ANONYMOUS = "anonymous"
SIGNED_IN: frozenset[str] = frozenset(Audience.values)
EVERYONE: frozenset[str] = SIGNED_IN | {ANONYMOUS}
ALL_AUDIENCES: tuple[str, ...] = (*Audience.values, ANONYMOUS)


@dataclass(frozen=True)
class NavItem:
    """One navigation entry. ``url_names`` are tried in order; the first that resolves wins."""

    key: str
    url_names: tuple[str, ...]
    label: Promise | str
    audiences: frozenset[str]
    permission: str | None = None
    icon: str = "dot"
    order: int = 100


@dataclass(frozen=True)
class NavLink:
    """A navigation entry resolved for one request."""

    key: str
    href: str
    label: Promise | str
    icon: str
    active: bool


_REGISTRY: dict[str, NavItem] = {}


def register_nav_item(
    *,
    key: str,
    url_name: str | Iterable[str],
    label: Promise | str,
    audiences: Iterable[str],
    permission: str | None = None,
    icon: str = "dot",
    order: int = 100,
) -> NavItem:
    """Adds (or, for a key already registered, replaces) a navigation entry. Audiences are
    ``simis.identity.public.Audience`` values or ``"anonymous"``; an unknown one raises
    ``ValueError`` so a typo cannot hide an entry silently."""
    names = (url_name,) if isinstance(url_name, str) else tuple(url_name)
    wanted = frozenset(audiences)
    unknown = wanted - EVERYONE
    if unknown:
        raise ValueError(f"unknown audience(s) {sorted(unknown)} for navigation entry {key!r}")
    if not names:
        raise ValueError(f"navigation entry {key!r} names no URL")
    item = NavItem(
        key=key, url_names=names, label=label, audiences=wanted, permission=permission, icon=icon, order=order
    )
    _REGISTRY[key] = item
    return item


def unregister_nav_item(key: str) -> None:
    """Removes an entry; nothing happens when the key is not registered."""
    _REGISTRY.pop(key, None)


def registered_nav_items() -> list[NavItem]:
    return sorted(_REGISTRY.values(), key=lambda item: (item.order, item.key))


def audience_of(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    return str(getattr(user, "audience", "") or Audience.CONTRIBUTOR)


def _resolve(item: NavItem) -> str | None:
    for name in item.url_names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def _is_active(href: str, path: str) -> bool:
    if href == "/":
        return path == "/"
    return path.startswith(href)


def nav_for_request(request: HttpRequest) -> list[NavLink]:
    """The entries this request's user may see, in display order."""
    audience = audience_of(request)
    user = getattr(request, "user", None)
    links: list[NavLink] = []
    for item in registered_nav_items():
        if audience not in item.audiences:
            continue
        if item.permission and not (user is not None and user.has_perm(item.permission)):
            continue
        href = _resolve(item)
        if href is None:
            continue
        links.append(
            NavLink(
                key=item.key,
                href=href,
                label=item.label,
                icon=item.icon,
                active=_is_active(href, request.path),
            )
        )
    return links


def register_portal_defaults() -> None:
    """The entries whose views exist from the start. Identity and API entries are listed here
    because the page shell needs them from day one; their owners may re-register the keys."""
    register_nav_item(
        key="home", url_name="portal:home", label=_("Home"), audiences=EVERYONE, icon="home", order=0
    )
    register_nav_item(
        key="account-security",
        url_name="mfa_index",
        label=_("Account security"),
        audiences=SIGNED_IN,
        icon="shield",
        order=90,
    )
    register_nav_item(
        key="staff-users",
        url_name=("identity:staff-users", "identity:staff_user_list"),
        label=_("Users and job functions"),
        audiences={Audience.STAFF},
        icon="users",
        order=50,
    )
    register_nav_item(
        key="api-docs",
        url_name=("api:api-v1:openapi-view",),
        label=_("API documentation"),
        audiences={Audience.STAFF},
        icon="code",
        order=80,
    )
