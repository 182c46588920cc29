from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "simis.identity"
    label = "identity"

    def ready(self) -> None:
        from simis.audit.public import audit_actions_register
        from simis.identity import signals  # noqa: F401  (connects the receivers)
        from simis.identity.actions import IdentityAction
        from simis.identity.sensitive import register_sensitive_permission

        audit_actions_register(IdentityAction)
        register_sensitive_permission("identity.grant_job_function")
