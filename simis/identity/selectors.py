"""Reads of the identity app."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.db.models import Q, QuerySet
from django.utils import timezone

from simis.identity.models import (
    Audience,
    JobFunction,
    JobFunctionMembership,
    LoginLock,
    OrganisationMembership,
    User,
)


def login_lock_active(username_key: str) -> LoginLock | None:
    """The lock on this (normalised) username if it has not run out yet."""
    return LoginLock.objects.filter(username=username_key, locked_until__gt=timezone.now()).first()


def user_job_function_codes(user: User) -> list[str]:
    return sorted(
        JobFunctionMembership.objects.filter(user=user).values_list("job_function__code", flat=True)
    )


def user_job_function_memberships(user: User) -> QuerySet[JobFunctionMembership]:
    return (
        JobFunctionMembership.objects.filter(user=user)
        .select_related("job_function", "granted_by")
        .order_by("job_function__code")
    )


def job_function_list_for_audience(audience: str) -> QuerySet[JobFunction]:
    return JobFunction.objects.filter(audience=audience).order_by("code")


def user_list_search(query: str = "", audience: str = "") -> QuerySet[User]:
    """Users matching ``query`` in username or names, optionally of one audience."""
    users = User.objects.all().order_by("username")
    if query:
        users = users.filter(
            Q(username__icontains=query) | Q(first_name__icontains=query) | Q(last_name__icontains=query)
        )
    if audience in Audience.values:
        users = users.filter(audience=audience)
    return users


def user_has_second_factor(user: User) -> bool:
    """TOTP or a WebAuthn key; recovery codes alone do not count."""
    return Authenticator.objects.filter(
        user_id=user.pk, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def user_has_security_key(user: User) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.WEBAUTHN).exists()


def organisation_membership_list(org_kind: str, org_key: str) -> QuerySet[OrganisationMembership]:
    """Everyone bound to the organisation now or in the past."""
    return (
        OrganisationMembership.objects.filter(org_kind=org_kind, org_key=org_key)
        .select_related("user")
        .order_by("user__username", "valid_from")
    )


def organisation_membership_current(user: User) -> QuerySet[OrganisationMembership]:
    today = timezone.localdate()
    return OrganisationMembership.objects.filter(user=user, valid_from__lte=today).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today)
    )
