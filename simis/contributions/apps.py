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

        from simis.contributions.api import mount

        mount()

        from simis.identity.public import Audience
        from simis.portal.public import register_nav_item

        register_nav_item(
            key="contributions",
            url_name="contributions:home",
            label=_("Contributions and payments"),
            audiences={Audience.EMPLOYER, Audience.STAFF},
            icon="account",
            order=30,
        )
        register_nav_item(
            key="contributions-calculator",
            url_name="contributions:calculator",
            label=_("Contribution calculator"),
            audiences={Audience.EMPLOYER, Audience.STAFF, Audience.CONTRIBUTOR},
            icon="check",
            order=31,
        )
        register_nav_item(
            key="contributions-runs",
            url_name="contributions:runs",
            label=_("Billing runs"),
            audiences={Audience.STAFF},
            permission="contributions.run_billing",
            icon="calendar",
            order=32,
        )
