"""Users, job functions, organisation bindings and the login-lockout ledger. ORM only: the rules
that change these rows live in services.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Permission
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    STAFF = "staff", _("Institution staff")
    EMPLOYER = "employer", _("Employer user")
    HOSPITAL = "hospital", _("Hospital user")
    CONTRIBUTOR = "contributor", _("Insured person")
    AGENCY = "agency", _("Government agency user")


class DateDisplay(models.TextChoices):
    HIJRI_FIRST = "hijri", _("Hijri first")
    GREGORIAN_FIRST = "gregorian", _("Gregorian first")


class User(AbstractUser):
    audience = models.CharField(
        _("audience"),
        max_length=16,
        choices=Audience.choices,
        default=Audience.CONTRIBUTOR,
        help_text=_("Which kind of portal user this is; decides navigation and session limits."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("ar", _("Arabic")), ("en", _("English"))],
        default="ar",
        help_text=_("The language the portal uses for this user."),
    )
    mobile = models.CharField(
        _("mobile number"),
        max_length=16,
        blank=True,
        db_default="",  # rows written with COPY (populate, bulk upload) leave it out
        help_text=_("A Saudi mobile number (+9665XXXXXXXX) for text messages about the user's requests."),
    )
    date_display = models.CharField(
        _("date display"),
        max_length=16,
        choices=DateDisplay.choices,
        default=DateDisplay.HIJRI_FIRST,
        help_text=_("Which calendar is shown first where a date is shown in both."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_staff_audience(self) -> bool:
        return self.audience == Audience.STAFF


class JobFunction(models.Model):
    """A named bundle of permissions (e.g. "Benefits approver"). Users hold job functions; a
    user's permissions are the union of their job functions' permissions."""

    code = models.SlugField(
        _("code"),
        max_length=64,
        unique=True,
        help_text=_("A short stable identifier, e.g. benefits-approver."),
    )
    name_ar = models.CharField(_("Arabic name"), max_length=200, help_text=_("The name shown in Arabic."))
    name_en = models.CharField(_("English name"), max_length=200, help_text=_("The name shown in English."))
    description = models.TextField(
        _("description"), blank=True, help_text=_("What a holder of this job function does.")
    )
    audience = models.CharField(
        _("audience"),
        max_length=16,
        choices=Audience.choices,
        default=Audience.STAFF,
        help_text=_("Only users of this audience may hold this job function."),
    )
    permissions = models.ManyToManyField(
        Permission,
        verbose_name=_("permissions"),
        blank=True,
        related_name="simis_job_functions",
        help_text=_("What holders of this job function may do."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="JobFunctionMembership",
        through_fields=("job_function", "user"),
        related_name="job_functions",
        verbose_name=_("members"),
    )

    class Meta:
        verbose_name = _("job function")
        verbose_name_plural = _("job functions")
        ordering = ["code"]
        permissions = [("grant_job_function", _("Can grant or withdraw a job function"))]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_ar if (get_language() or "ar").startswith("ar") else self.name_en


class JobFunctionMembership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="job_function_memberships",
        verbose_name=_("user"),
    )
    job_function = models.ForeignKey(
        JobFunction, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("job function")
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("job function holding")
        verbose_name_plural = _("job function holdings")
        constraints = [
            models.UniqueConstraint(fields=["user", "job_function"], name="identity_jfm_user_function_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.job_function_id}"


class OrganisationKind(models.TextChoices):
    ESTABLISHMENT = "establishment", _("Establishment")
    HOSPITAL = "hospital", _("Hospital")
    AGENCY = "agency", _("Government agency")


class OrganisationRole(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    OFFICER = "officer", _("Officer")
    VIEWER = "viewer", _("Viewer")


class OrganisationMembership(models.Model):
    """Binds a portal user to an organisation they act for. The organisation is named by its kind
    and its key in the register that owns it (an establishment number, a hospital licence, an
    agency code), so this table does not depend on those registers."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organisation_memberships",
        verbose_name=_("user"),
    )
    org_kind = models.CharField(
        _("organisation kind"),
        max_length=16,
        choices=OrganisationKind.choices,
        help_text=_("Which register the organisation key belongs to."),
    )
    org_key = models.CharField(
        _("organisation key"),
        max_length=64,
        help_text=_("The organisation's number in its register, e.g. the establishment number."),
    )
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=OrganisationRole.choices,
        default=OrganisationRole.OFFICER,
        help_text=_("What the user does for the organisation."),
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Last day of the binding; empty while it lasts.")
    )

    class Meta:
        verbose_name = _("organisation membership")
        verbose_name_plural = _("organisation memberships")
        indexes = [models.Index(fields=["org_kind", "org_key"], name="identity_orgm_kind_key_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="identity_orgm_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_kind} {self.org_key}"


class LoginFailure(models.Model):
    """One failed sign-in for a username (whether or not such a user exists), kept until the
    username signs in successfully or is locked."""

    username = models.CharField(_("username"), max_length=150, db_index=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")

    def __str__(self) -> str:
        return self.username


class LoginLock(models.Model):
    username = models.CharField(_("username"), max_length=150, unique=True)
    locked_at = models.DateTimeField(_("locked at"), default=timezone.now)
    locked_until = models.DateTimeField(_("locked until"))

    class Meta:
        verbose_name = _("sign-in lock")
        verbose_name_plural = _("sign-in locks")

    def __str__(self) -> str:
        return self.username
