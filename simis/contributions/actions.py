"""Audit action codes recorded by the contributions app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContributionsAction(models.TextChoices):
    MONTH_BILLED = "contributions.month_billed", _("Month billed")
    BILLING_FAILED = "contributions.billing_failed", _("Billing run failed")
    PLAN_MADE = "contributions.plan_made", _("Instalment plan made")
    PLAN_CHANGED = "contributions.plan_changed", _("Instalment plan status changed")
    CERTIFICATE_ISSUED = "contributions.certificate_issued", _("Compliance certificate issued")
    PENALTIES_ACCRUED = "contributions.penalties_accrued", _("Late-payment fines accrued")
