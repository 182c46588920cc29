"""The payments app's codes: how a payment arrived, what became of it, and what reconciliation
made of each statement entry. Stored values never change meaning."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PaymentChannel(models.TextChoices):
    """How the employer paid (CON-5). The first four are notified by the bank's web service at
    the time of payment; a bank transfer is usually known only from the statement (CH-4)."""

    ATM = "atm", _("ATM")
    PHONE_BANKING = "phone", _("Phone banking")
    INTERNET_BANKING = "internet", _("Internet banking")
    BRANCH = "branch", _("Bank branch")
    BANK_TRANSFER = "transfer", _("Bank transfer")


class PaymentStatus(models.TextChoices):
    APPLIED = "applied", pgettext_lazy("payment", "Applied")
    REVERSED = "reversed", pgettext_lazy("payment", "Reversed")


class PaymentOrigin(models.TextChoices):
    """Where SIMIS learned of the payment."""

    NOTIFICATION = "notification", _("Bank web service")
    STATEMENT = "statement", _("Bank statement")
    STAFF = "staff", _("Applied by staff from a statement")


class LineOutcome(models.TextChoices):
    """What reconciliation made of one statement entry."""

    CONFIRMED = "confirmed", _("Confirmed: already notified by the bank")
    APPLIED = "applied", _("Applied as a new payment")
    REVERSAL = "reversal", _("Reversal of a payment")
    UNMATCHED = "unmatched", _("Waiting for staff")
    RESOLVED = "resolved", _("Resolved by staff")
    IGNORED = "ignored", _("Ignored")


class LineReason(models.TextChoices):
    """Why an entry waits for staff or was ignored ("" when it was matched)."""

    NO_BILL_NUMBER = "no_bill", _("The transfer names no valid bill number.")
    SEVERAL_BILLS = "several_bills", _("The transfer names several bill numbers.")
    UNKNOWN_BILL = "unknown_bill", _("The bill number named in the transfer does not exist.")
    AMOUNT_DIFFERS = (
        "amount_differs",
        _("The bank notified a payment with this reference for another amount."),
    )
    CONFIRMED_TWICE = (
        "confirmed_twice",
        _("Another entry of the file already confirmed the payment notified under this reference."),
    )
    RETURN_NOT_MATCHED = "return_unmatched", _("A returned payment that matches no applied payment.")
    OTHER_CURRENCY = "other_currency", _("In another currency than the Saudi riyal.")
    NOT_A_PAYMENT = "debit", _("A debit that is not a returned payment (for example bank charges).")
    DEBIT_REVERSAL = "debit_reversal", _("The reversal of a debit, not a payment.")


class Resolution(models.TextChoices):
    """What a staff member decided for an entry that waited."""

    BILL = "bill", _("Applied to a bill")
    ESTABLISHMENT = "establishment", _("Applied to an establishment")
    NOT_OURS = "not_ours", _("Not a contribution payment")
    REFUND = "refund", _("To be refunded to the payer")
    CONFIRMED = "confirmed", _("Already notified by the bank meanwhile")
