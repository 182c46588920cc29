"""Coded, bilingual errors of the audit log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from simis.core.errors import ErrorCatalogue


class AuditError(ErrorCatalogue):
    ACTION_INVALID = (
        "AUDIT-001",
        _(
            "“%(action)s” is not an audit action: use an action enum member "
            "or a code such as identity.login_failed."
        ),
    )
    SUBJECT_UNSAVED = (
        "AUDIT-002",
        _("The audited record has not been saved yet, so it cannot be identified."),
    )
    SUBJECT_AMBIGUOUS = (
        "AUDIT-003",
        _("Name the audited record either as an instance or by subject type and id, not both."),
    )
    OUTCOME_INVALID = ("AUDIT-004", _("“%(outcome)s” is not an audit outcome."))
    ISOLATION_UNSUPPORTED = (
        "AUDIT-005",
        _("The audit log can only be written from a READ COMMITTED transaction (this one is %(level)s)."),
    )
    # Raised by the database trigger (migration 0002); listed so the code is documented and unique.
    APPEND_ONLY = ("AUDIT-006", _("The audit log is append-only: its entries cannot be changed or deleted."))
