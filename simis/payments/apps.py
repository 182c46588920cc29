from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "simis.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from simis.api.public import register_router
        from simis.audit.public import audit_actions_register
        from simis.identity.public import Audience
        from simis.payments.actions import PaymentAction
        from simis.payments.api import router
        from simis.portal.public import register_nav_item

        audit_actions_register(PaymentAction)
        register_nav_item(
            key="payments-receipts",
            url_name="payments:receipts",
            label=_("Payment receipts"),
            audiences={Audience.EMPLOYER},
            icon="check",
            order=45,
        )
        register_nav_item(
            key="payments-search",
            url_name="payments:payments",
            label=_("Payments"),
            audiences={Audience.STAFF},
            permission="payments.view_payment",
            icon="check",
            order=45,
        )
        register_nav_item(
            key="payments-statements",
            url_name="payments:statements",
            label=_("Bank statements"),
            audiences={Audience.STAFF},
            permission="payments.reconcile",
            icon="calendar",
            order=46,
        )
        register_nav_item(
            key="payments-waiting",
            url_name="payments:waiting",
            label=_("Unmatched payments"),
            audiences={Audience.STAFF},
            permission="payments.reconcile",
            icon="alert",
            order=47,
        )
        # The signed web service /api/v1/payments/, mounted before the URLconf loads.
        register_router("payments", router)
