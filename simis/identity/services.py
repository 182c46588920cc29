"""Writes of the identity app: one function per business operation, each audited."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from simis.audit.public import audit_record
from simis.core.errors import SimisError
from simis.identity.actions import IdentityAction
from simis.identity.backends import forget_cached_permissions
from simis.identity.errors import IdentityError
from simis.identity.models import (
    DateDisplay,
    JobFunction,
    JobFunctionMembership,
    LoginFailure,
    LoginLock,
    OrganisationKind,
    OrganisationMembership,
    OrganisationRole,
    User,
)
from simis.identity.scope import user_scope_forget
from simis.identity.selectors import login_lock_active, user_job_function_codes
from simis.identity.step_up import require_step_up

GRANT_JOB_FUNCTION = "identity.grant_job_function"

# Per-username lockout: this many failures within the window lock the username for the duration.
LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
LOCKOUT_DURATION = timedelta(minutes=15)


def _client_ip(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def username_key(username: str) -> str:
    """Usernames sign in case-insensitively, so the lockout counts them that way too."""
    return username.strip().lower()[:150]


@transaction.atomic
def user_update_preferences(
    *, user: User, language: str | None = None, date_display: str | None = None
) -> User:
    """Stores the user's portal language and/or calendar order. ``None`` leaves a value as it is.
    Refuses (IDN-001 / IDN-002) a language or display the portal does not offer."""
    before = {"preferred_language": user.preferred_language, "date_display": user.date_display}
    fields: list[str] = []
    if language is not None:
        if language not in {code for code, _name in settings.LANGUAGES}:
            raise SimisError(IdentityError.UNKNOWN_LANGUAGE, value=language)
        user.preferred_language = language
        fields.append("preferred_language")
    if date_display is not None:
        if date_display not in DateDisplay.values:
            raise SimisError(IdentityError.UNKNOWN_DATE_DISPLAY, value=date_display)
        user.date_display = date_display
        fields.append("date_display")
    after = {"preferred_language": user.preferred_language, "date_display": user.date_display}
    if fields and after != before:
        user.save(update_fields=fields)
        audit_record(
            actor=user, action=IdentityAction.PREFERENCES_CHANGED, subject=user, before=before, after=after
        )
    return user


# --- Sign-in, lockout, sessions, second factors -------------------------------------------------


def login_lock_check(*, username: str, request: HttpRequest | None = None) -> None:
    """Raises IDN-010 (audited as refused) while the username is locked, even when the password
    given is right."""
    key = username_key(username)
    lock = login_lock_active(key)
    if lock is None:
        return
    minutes = max(1, int((lock.locked_until - timezone.now()).total_seconds() + 59) // 60)
    audit_record(
        actor=None,
        action=IdentityAction.LOGIN_REFUSED_LOCKED,
        subject_type="identity.user",
        subject_id=key,
        extra={"username": key, "locked_until": lock.locked_until.isoformat()},
        request=request,
        outcome="refused",
    )
    raise SimisError(IdentityError.ACCOUNT_LOCKED, minutes=minutes)


def login_failure_record(*, username: str, request: HttpRequest | None = None) -> LoginLock | None:
    """Counts one failed sign-in for ``username`` (audited). The LOCKOUT_FAILURES-th failure
    within LOCKOUT_WINDOW locks the username for LOCKOUT_DURATION (audited) and returns the lock;
    otherwise returns None. Failures before a lock do not count towards the next one."""
    key = username_key(username)
    now = timezone.now()
    with transaction.atomic():
        # Serialise concurrent failures for one username so the count is exact.
        LoginLock.objects.select_for_update().filter(username=key).first()
        LoginFailure.objects.create(username=key, at=now, ip=_client_ip(request))
        recent = LoginFailure.objects.filter(username=key, at__gt=now - LOCKOUT_WINDOW).count()
        audit_record(
            actor=None,
            action=IdentityAction.LOGIN_FAILED,
            subject_type="identity.user",
            subject_id=key,
            extra={"username": key, "failures_in_window": recent},
            request=request,
            outcome="failed",
        )
        if recent < LOCKOUT_FAILURES:
            return None
        lock, _created = LoginLock.objects.update_or_create(
            username=key, defaults={"locked_at": now, "locked_until": now + LOCKOUT_DURATION}
        )
        LoginFailure.objects.filter(username=key).delete()
        audit_record(
            actor=None,
            action=IdentityAction.LOGIN_LOCKED,
            subject_type="identity.user",
            subject_id=key,
            extra={"username": key, "failures": recent, "locked_until": lock.locked_until.isoformat()},
            request=request,
            outcome="refused",
        )
        return lock


@transaction.atomic
def login_success_record(*, user: User, request: HttpRequest | None = None) -> None:
    """A completed sign-in wipes the username's failure count and is audited."""
    key = username_key(user.get_username())
    LoginFailure.objects.filter(username=key).delete()
    LoginLock.objects.filter(username=key, locked_until__lte=timezone.now()).delete()
    audit_record(actor=user, action=IdentityAction.LOGIN_SUCCEEDED, subject=user, request=request)


def logout_record(*, user: User | None, request: HttpRequest | None = None) -> None:
    if user is not None and user.is_authenticated:
        audit_record(actor=user, action=IdentityAction.LOGGED_OUT, subject=user, request=request)


def session_expired_record(*, user: User, reason: str, request: HttpRequest | None = None) -> None:
    audit_record(
        actor=user,
        action=IdentityAction.SESSION_EXPIRED,
        subject=user,
        extra={"reason": reason},
        request=request,
    )


_MFA_CHANGE_ACTIONS = {
    "added": IdentityAction.MFA_AUTHENTICATOR_ADDED,
    "removed": IdentityAction.MFA_AUTHENTICATOR_REMOVED,
    "reset": IdentityAction.MFA_AUTHENTICATOR_RESET,
}


def mfa_change_record(
    *, user: Any, authenticator: Authenticator, change: str, request: HttpRequest | None = None
) -> None:
    """Audits a second factor being added, removed or reset (recovery codes regenerated)."""
    audit_record(
        actor=user,
        action=_MFA_CHANGE_ACTIONS[change],
        subject_type="mfa.authenticator",
        subject_id=authenticator.pk,
        extra={"type": authenticator.type, "user": user.pk},
        request=request,
    )


def mfa_failure_record(
    *, user: Any, authenticator: Authenticator | None, request: HttpRequest | None = None
) -> None:
    audit_record(
        actor=user,
        action=IdentityAction.MFA_FAILED,
        subject=user,
        extra={"type": authenticator.type if authenticator is not None else None},
        request=request,
        outcome="failed",
    )


# --- Job functions and organisations ------------------------------------------------------------


def _require_grant_permission(*, actor: User, user: User, request: HttpRequest | None) -> None:
    if not actor.has_perm(GRANT_JOB_FUNCTION):
        audit_record(
            actor=actor,
            action=IdentityAction.PERMISSION_REFUSED,
            subject=user,
            extra={"permission": GRANT_JOB_FUNCTION},
            request=request,
            outcome="refused",
        )
        raise SimisError(IdentityError.PERMISSION_DENIED, permission=GRANT_JOB_FUNCTION)
    if request is None:
        # Step-up lives in the web session; a grant without one can only come from a trusted
        # system path (demo data, migrations), never from a person.
        raise SimisError(IdentityError.STEP_UP_REQUIRED)
    require_step_up(request, GRANT_JOB_FUNCTION)
    if actor.pk == user.pk:
        raise SimisError(IdentityError.OWN_JOB_FUNCTIONS)


def job_function_grant(
    *, actor: User, user: User, job_function: JobFunction, request: HttpRequest | None
) -> JobFunctionMembership:
    """Gives ``user`` the job function. Needs ``identity.grant_job_function`` and a fresh
    security-key step-up (refusals are audited); the function must be meant for the user's
    audience; nobody changes their own job functions. Audited with the user's job functions
    before and after."""
    _require_grant_permission(actor=actor, user=user, request=request)
    if job_function.audience != user.audience:
        raise SimisError(
            IdentityError.JOB_FUNCTION_AUDIENCE,
            job_function=job_function.name,
            audience=job_function.get_audience_display(),
        )
    with transaction.atomic():
        before = user_job_function_codes(user)
        if job_function.code in before:
            raise SimisError(IdentityError.JOB_FUNCTION_ALREADY_HELD, job_function=job_function.name)
        membership = JobFunctionMembership.objects.create(
            user=user, job_function=job_function, granted_by=actor
        )
        audit_record(
            actor=actor,
            action=IdentityAction.JOB_FUNCTION_GRANTED,
            subject=user,
            before={"job_functions": before},
            after={"job_functions": user_job_function_codes(user)},
            extra={"job_function": job_function.code},
            request=request,
        )
    forget_cached_permissions(user)
    return membership


def job_function_withdraw(
    *, actor: User, user: User, job_function: JobFunction, request: HttpRequest | None
) -> None:
    """Takes the job function away; same permission, step-up and audit as granting."""
    _require_grant_permission(actor=actor, user=user, request=request)
    with transaction.atomic():
        before = user_job_function_codes(user)
        deleted, _rows = JobFunctionMembership.objects.filter(user=user, job_function=job_function).delete()
        if not deleted:
            raise SimisError(IdentityError.JOB_FUNCTION_NOT_HELD, job_function=job_function.name)
        audit_record(
            actor=actor,
            action=IdentityAction.JOB_FUNCTION_WITHDRAWN,
            subject=user,
            before={"job_functions": before},
            after={"job_functions": user_job_function_codes(user)},
            extra={"job_function": job_function.code},
            request=request,
        )
    forget_cached_permissions(user)


@transaction.atomic
def organisation_bind(
    *,
    actor: User | None,
    user: User,
    org_kind: str,
    org_key: str,
    role: str,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> OrganisationMembership:
    """Binds ``user`` to an organisation (an employer user to their establishment, …). The
    register that owns the organisation checks that it exists and that ``actor`` may bind."""
    if org_kind not in OrganisationKind.values or role not in OrganisationRole.values:
        raise SimisError(IdentityError.BAD_ORGANISATION_BINDING, kind=org_kind, role=role)
    membership = OrganisationMembership.objects.create(
        user=user,
        org_kind=org_kind,
        org_key=org_key,
        role=role,
        valid_from=valid_from or timezone.localdate(),
        valid_to=valid_to,
    )
    audit_record(
        actor=actor,
        action=IdentityAction.ORGANISATION_BOUND,
        subject=user,
        after={"org_kind": org_kind, "org_key": org_key, "role": role},
    )
    user_scope_forget(user)
    return membership
