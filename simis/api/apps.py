from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "simis.api"
    label = "api"

    def ready(self) -> None:
        from simis.api import checks  # noqa: F401  (registers the system checks)
        from simis.api.actions import ApiAuditAction
        from simis.audit.public import audit_actions_register

        audit_actions_register(ApiAuditAction)
