from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "simis.identity"
    label = "identity"
