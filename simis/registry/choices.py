"""The registry's codes: readable enums shared by the models, the pure rules and other apps.

Kept apart from ``models.py`` so that ``rules.py`` (pure, no ORM) can use them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EstablishmentStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("establishment status", "Active")
    SUSPENDED = "suspended", pgettext_lazy("establishment status", "Suspended")
    CLOSED = "closed", pgettext_lazy("establishment status", "Closed")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class EngagementStatus(models.TextChoices):
    """Where a contribution period stands. ``PENDING_REVIEW``: registered or terminated after
    the deadline (RULES §3); its disputed months are not billed until the review decides."""

    ACTIVE = "active", pgettext_lazy("engagement status", "Active")
    TERMINATED = "terminated", pgettext_lazy("engagement status", "Terminated")
    PENDING_REVIEW = "pending_review", pgettext_lazy("engagement status", "Pending review")


class LeaveReason(models.TextChoices):
    RESIGNATION = "resignation", _("Resignation")
    END_OF_CONTRACT = "end_of_contract", _("End of contract")
    DISMISSAL = "dismissal", _("Dismissal")
    MUTUAL_AGREEMENT = "mutual_agreement", _("Termination by mutual agreement")
    DEATH = "death", _("Death")
    RETIREMENT = "retirement", _("Retirement")
    DISABILITY = "disability", _("Disability")
    TRANSFER = "transfer", _("Transfer to another branch")
    ESTABLISHMENT_CLOSED = "establishment_closed", _("Establishment closed")
    FINAL_EXIT = "final_exit", _("Final exit from the Kingdom")
    OTHER = "other", pgettext_lazy("leave reason", "Other")


class ReviewReason(models.TextChoices):
    """Why a contribution period waits for review (RULES §3 deadlines)."""

    LATE_REGISTRATION = "late_registration", _("Registered after the deadline")
    LATE_EXCLUSION = "late_exclusion", _("Terminated after the deadline")


class ReviewDecision(models.TextChoices):
    APPROVED = "approved", pgettext_lazy("review decision", "Approved")
    REJECTED = "rejected", pgettext_lazy("review decision", "Rejected")


class ActivityLevel(models.TextChoices):
    """Levels of the ISIC rev.4 classification that the reference table holds."""

    SECTION = "section", pgettext_lazy("ISIC level", "Section")
    DIVISION = "division", pgettext_lazy("ISIC level", "Division")


class WageMechanism(models.TextChoices):
    """How wage changes reached the contributory wage (RULES §3): once a year at the January
    update before 1 Feb 2022, monthly since."""

    ANNUAL = "annual", _("Annual update in January")
    MONTHLY = "monthly", _("Monthly update")


class AgeTest(models.TextChoices):
    """The two readings of the transitional age test (RULES §0): under 50 Hijri years, or under
    48 Gregorian years and 6 months ("48y6m counts as 50 Hijri")."""

    HIJRI_YEARS = "hijri_years", _("Hijri years")
    GREGORIAN_MONTHS = "gregorian_months", _("Gregorian months")


class AgeCalendar(models.TextChoices):
    HIJRI = "hijri", pgettext_lazy("calendar", "Hijri")
    GREGORIAN = "gregorian", pgettext_lazy("calendar", "Gregorian")
