from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "simis.registry"
    label = "registry"

    def ready(self) -> None:
        from simis.audit.public import audit_actions_register
        from simis.registry.actions import RegistryAction

        audit_actions_register(RegistryAction)
