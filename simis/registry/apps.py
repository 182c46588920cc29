from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "simis.registry"
    label = "registry"
