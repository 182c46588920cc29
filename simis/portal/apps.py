from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "simis.portal"
    label = "portal"
