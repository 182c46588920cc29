"""The audit log as other apps see it. Import from here only.

Record an action inside the service that performs it::

    before = model_snapshot(engagement)
    ...  # change and save
    audit_record(actor=actor, action=RegistryAuditAction.ENGAGEMENT_TERMINATED, subject=engagement,
                 before=before, after=model_snapshot(engagement), request=request)
"""

from simis.audit.actions import AuditAction, action_label, audit_actions_register
from simis.audit.errors import AuditError
from simis.audit.models import AuditEntry, AuditOutcome
from simis.audit.selectors import ChainBreak, VerifyResult, audit_chain_verify, audit_entries_for
from simis.audit.services import audit_chain_verification_record, audit_record, model_snapshot

__all__ = [
    "AuditAction",
    "AuditEntry",
    "AuditError",
    "AuditOutcome",
    "ChainBreak",
    "VerifyResult",
    "action_label",
    "audit_actions_register",
    "audit_chain_verification_record",
    "audit_chain_verify",
    "audit_entries_for",
    "audit_record",
    "model_snapshot",
]
