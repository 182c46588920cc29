"""Audit action codes recorded by the identity app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdentityAction(models.TextChoices):
    LOGIN_SUCCEEDED = "identity.login_succeeded", _("Signed in")
    LOGIN_FAILED = "identity.login_failed", _("Sign-in failed")
    LOGIN_LOCKED = "identity.login_locked", _("Account locked after failed sign-ins")
    LOGIN_REFUSED_LOCKED = "identity.login_refused_locked", _("Sign-in refused: account locked")
    LOGGED_OUT = "identity.logout", _("Signed out")
    SESSION_EXPIRED = "identity.session_expired", _("Session expired")
    MFA_AUTHENTICATOR_ADDED = "identity.mfa_enabled", _("Second factor added")
    MFA_AUTHENTICATOR_REMOVED = "identity.mfa_disabled", _("Second factor removed")
    MFA_AUTHENTICATOR_RESET = "identity.mfa_authenticator_reset", _("Recovery codes regenerated")
    MFA_FAILED = "identity.mfa_failed", _("Second-factor check failed")
    STEP_UP_SUCCEEDED = "identity.step_up_succeeded", _("Security key verification passed")
    STEP_UP_FAILED = "identity.step_up_failed", _("Security key verification failed")
    STEP_UP_REFUSED = "identity.step_up_refused", _("Sensitive action refused: no recent security key check")
    PERMISSION_REFUSED = "identity.permission_denied", _("Permission refused")
    JOB_FUNCTION_GRANTED = "identity.job_function_granted", _("Job function granted")
    JOB_FUNCTION_WITHDRAWN = "identity.job_function_withdrawn", _("Job function withdrawn")
    PREFERENCES_CHANGED = "identity.preferences_changed", _("Preferences changed")
    ORGANISATION_BOUND = "identity.organisation_bound", _("User bound to an organisation")
