from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UploadsConfig(AppConfig):
    name = "simis.uploads"
    label = "uploads"
    verbose_name = _("Bulk uploads")

    def ready(self) -> None:
        from simis.api.public import register_router
        from simis.audit.public import audit_actions_register
        from simis.identity.public import Audience
        from simis.portal.public import register_nav_item
        from simis.uploads.actions import UploadAction
        from simis.uploads.api import router

        audit_actions_register(UploadAction)
        register_nav_item(
            key="uploads",
            url_name="uploads:list",
            label=_("Upload files"),
            audiences={Audience.EMPLOYER, Audience.STAFF},
            icon="building",
            order=40,
        )
        # The signed web service /api/v1/uploads/, mounted before the URLconf loads.
        register_router("uploads", router)
