from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "simis.portal"
    label = "portal"

    def ready(self) -> None:
        from simis.portal.navigation import register_portal_defaults

        register_portal_defaults()
