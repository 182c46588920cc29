from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "simis.registry"
    label = "registry"

    def ready(self) -> None:
        from simis.audit.public import audit_actions_register
        from simis.registry.actions import RegistryAction
        from simis.registry.navigation import register_registry_navigation

        audit_actions_register(RegistryAction)
        register_registry_navigation()

        # Periods sent to review become workflow cases (issue 4).
        from simis.registry.review_cases import HANDLER, offices
        from simis.workflow.public import case_subject_register, office_directory_register

        case_subject_register(HANDLER)
        office_directory_register(offices)

        # The signed web services (/api/v1/registry/, /api/v1/gov/), mounted before the URLconf loads.
        from simis.registry.api import RegistryApiAction, routers_register

        audit_actions_register(RegistryApiAction)
        routers_register()
