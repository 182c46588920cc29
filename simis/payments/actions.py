"""What the audit log says the payments app did. A statement file is one entry however many
payments it applies (its lines are listed in ``StatementLine``, which the entry points to); a
payment notified by a bank, a reversal and a staff decision on a waiting entry are one each."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentAction(models.TextChoices):
    NOTIFIED = "payments.payment_notified", _("Payment: notified by a bank and applied")
    REVERSED = "payments.payment_reversed", _("Payment: reversed")
    STATEMENT_IMPORTED = "payments.statement_imported", _("Bank statement: imported and reconciled")
    STATEMENT_REFUSED = "payments.statement_refused", _("Bank statement: file refused")
    LINE_RESOLVED = "payments.line_resolved", _("Bank statement: waiting entry resolved by staff")
