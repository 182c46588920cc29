"""Audit actions of the partner web services."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiAuditAction(models.TextChoices):
    PARTNER_REGISTERED = "api.partner_registered", _("Web-service partner registered")
    PARTNER_SUSPENDED = "api.partner_suspended", _("Web-service partner suspended")
    PARTNER_REACTIVATED = "api.partner_reactivated", _("Web-service partner reactivated")
    CERTIFICATE_ADDED = "api.certificate_added", _("Partner certificate added")
    CERTIFICATE_REVOKED = "api.certificate_revoked", _("Partner certificate revoked")
    REQUEST_REFUSED = "api.request_refused", _("Web-service call refused")
