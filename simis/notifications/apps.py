from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "simis.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from simis.audit.public import audit_actions_register
        from simis.identity.public import Audience
        from simis.notifications import checks  # noqa: F401 - registers the start-up checks
        from simis.notifications.actions import NotificationAction
        from simis.notifications.capture import capture_install
        from simis.portal.public import register_nav_item

        audit_actions_register(NotificationAction)
        # REL-3: unhandled errors of pages, web services and jobs are recorded from here on.
        capture_install()
        # One entry: the staff menu is already long. The error reports are linked from the outbox
        # page and from every alert.
        register_nav_item(
            key="notifications-outbox",
            url_name="notifications:outbox",
            label=_("SMS outbox"),
            audiences={Audience.STAFF},
            icon="info",
            order=70,
        )
