"""What the audit log says the notification app did: each SMS queued and each status it reached
(the transient *sending* aside), status callbacks refused, and each error alert sent."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationAction(models.TextChoices):
    SMS_QUEUED = "notifications.sms_queued", _("SMS: queued")
    SMS_SENT = "notifications.sms_sent", _("SMS: handed to the gateway")
    SMS_DELIVERED = "notifications.sms_delivered", _("SMS: delivered")
    SMS_ATTEMPT_FAILED = "notifications.sms_attempt_failed", _("SMS: attempt failed, to be retried")
    SMS_FAILED = "notifications.sms_failed", _("SMS: failed")
    SMS_CANCELLED = "notifications.sms_cancelled", _("SMS: cancelled")
    STATUS_CALLBACK_REFUSED = "notifications.status_callback_refused", _("SMS: status callback refused")
    ERROR_ALERT_SENT = "notifications.error_alert_sent", _("Error alert sent to the quality owner")
