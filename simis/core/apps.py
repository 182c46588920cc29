from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "simis.core"
    label = "core"
