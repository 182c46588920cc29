"""The identity app's coded, bilingual errors."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from simis.core.errors import ErrorCatalogue


class IdentityError(ErrorCatalogue):
    UNKNOWN_LANGUAGE = ("IDN-001", _("The language %(value)s is not offered; choose Arabic or English."))
    UNKNOWN_DATE_DISPLAY = (
        "IDN-002",
        _("The date display %(value)s is not offered; choose Hijri first or Gregorian first."),
    )
    ACCOUNT_LOCKED = (
        "IDN-010",
        _(
            "This account is locked for %(minutes)d minutes after too many failed sign-ins. "
            "Try again later or call the help desk."
        ),
    )
    STEP_UP_REQUIRED = (
        "IDN-020",
        _("This action needs a fresh confirmation with your security key."),
    )
    STEP_UP_FAILED = (
        "IDN-021",
        _("The security key could not be verified. Use a key registered to your account and try again."),
    )
    STEP_UP_NO_KEY = (
        "IDN-022",
        _("Your account has no security key. Add one on your security page, then try again."),
    )
    PERMISSION_DENIED = ("IDN-030", _("You do not have the permission %(permission)s needed for this."))
    JOB_FUNCTION_AUDIENCE = (
        "IDN-031",
        _("The job function %(job_function)s is for %(audience)s users only."),
    )
    JOB_FUNCTION_ALREADY_HELD = ("IDN-032", _("The user already holds the job function %(job_function)s."))
    JOB_FUNCTION_NOT_HELD = ("IDN-033", _("The user does not hold the job function %(job_function)s."))
    OUT_OF_SCOPE = ("IDN-040", _("This record belongs to an organisation you do not act for."))
    BAD_ORGANISATION_BINDING = (
        "IDN-041",
        _("An organisation binding needs a known organisation kind and role; got %(kind)s / %(role)s."),
    )
    BAD_PERMISSION_NAME = (
        "IDN-050",
        _("%(value)s is not a permission name of the form app_label.codename."),
    )
    DEMO_ONLY = ("IDN-060", _("This command runs only on development, demonstration or test systems."))
    OWN_JOB_FUNCTIONS = (
        "IDN-034",
        _("Nobody may change their own job functions; ask another administrator."),
    )
    NO_TOTP = ("IDN-061", _("The user %(username)s has no authenticator app."))
