from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    name = "simis.contributions"
    label = "contributions"
    verbose_name = _("Contributions")

    def ready(self) -> None:
        from simis.audit.public import audit_actions_register
        from simis.contributions.actions import ContributionsAction
        from simis.contributions.services import register_changes_heard
        from simis.registry.public import period_change_listener_register

        audit_actions_register(ContributionsAction)
        period_change_listener_register(register_changes_heard)
