from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
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
