from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "simis.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from simis.audit.public import audit_actions_register
        from simis.documents.actions import DocumentAction
        from simis.identity.public import Audience
        from simis.portal.public import register_nav_item

        audit_actions_register(DocumentAction)
        register_nav_item(
            key="documents-scan",
            url_name="documents:scan",
            label=_("Scan station"),
            audiences={Audience.STAFF},
            icon="arrow",
            order=60,
        )
        register_nav_item(
            key="documents-queue",
            url_name="documents:queue",
            label=_("Indexing queue"),
            audiences={Audience.STAFF},
            icon="alert",
            order=61,
        )
