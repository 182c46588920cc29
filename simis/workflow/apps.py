from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "simis.workflow"
    label = "workflow"
    verbose_name = _("Workflow")

    def ready(self) -> None:
        from simis.audit.public import audit_actions_register
        from simis.identity.public import Audience, register_sensitive_permission
        from simis.portal.public import register_nav_item
        from simis.workflow.actions import WorkflowAction
        from simis.workflow.events import case_listener_register
        from simis.workflow.notify import submitter_notify
        from simis.workflow.services import SENSITIVE_DECISION

        audit_actions_register(WorkflowAction)
        case_listener_register(submitter_notify)

        from simis.workflow.documents import register as documents_register

        documents_register()
        register_sensitive_permission(SENSITIVE_DECISION)
        register_nav_item(
            key="workflow-inbox",
            url_name="workflow:inbox",
            label=_("My tasks"),
            audiences={Audience.STAFF},
            icon="check",
            order=10,
        )
        register_nav_item(
            key="workflow-team",
            url_name="workflow:team",
            label=_("Team"),
            audiences={Audience.STAFF},
            permission="workflow.supervise",
            icon="users",
            order=11,
        )
