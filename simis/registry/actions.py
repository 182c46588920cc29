"""Audit action codes recorded by the registry app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistryAction(models.TextChoices):
    ESTABLISHMENT_REGISTERED = "registry.establishment_registered", _("Establishment registered")
    BRANCH_ADDED = "registry.branch_added", _("Branch added to a main establishment")
    ESTABLISHMENT_STATUS_CHANGED = "registry.establishment_status_changed", _("Establishment status changed")
    ESTABLISHMENT_USER_BOUND = "registry.establishment_user_bound", _("User bound to an establishment")
    CONTRIBUTOR_REGISTERED = "registry.contributor_registered", _("Contributor registered")
    CONTRIBUTOR_USER_LINKED = "registry.contributor_user_linked", _("Portal account linked to a contributor")
    ENGAGEMENT_ADDED = "registry.engagement_added", _("Contribution period added")
    ENGAGEMENT_TERMINATED = "registry.engagement_terminated", _("Engagement terminated")
    ENGAGEMENT_REVIEWED = "registry.engagement_reviewed", _("Late registration or termination reviewed")
    CONTRIBUTOR_TRANSFERRED = (
        "registry.contributor_transferred",
        _("Contributor transferred between branches"),
    )
    WAGES_CHANGED = "registry.wages_changed", _("Wages changed")
    WAGE_BATCH_REGISTERED = "registry.wage_batch_registered", _("Wage-change batch registered")
    WAGE_BATCH_AMENDED = "registry.wage_batch_amended", _("Wage-change batch amended")
    REQUEST_REFUSED = "registry.request_refused", _("Registration request refused")
    GOVERNMENT_LOOKUP = "registry.government_lookup", _("Register consulted by a government agency")
