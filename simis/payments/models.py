"""Payments, their receipts and reversals, and the banks' statement files with what became of
each entry. ORM only: every change goes through ``services.py``.

Invariants the database holds itself:

- a bank's reference names one payment (``payments_payment_bank_reference``): a payment
  notified twice, or notified and then found on the statement, is applied once;
- a payment has at most one receipt and one reversal;
- the same statement file (by SHA-256) is imported once.

A payment posts to the employer's account in contributions under ``posting_source``
(``payment:<id>``), which the ledger keeps unique as well.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simis.core.money import MoneyField
from simis.payments.choices import (
    LineOutcome,
    LineReason,
    PaymentChannel,
    PaymentOrigin,
    PaymentStatus,
    Resolution,
)
from simis.payments.statement_files import StatementFormat


class Payment(models.Model):
    """Money an establishment paid into the institution's collection accounts (CON-5)."""

    id = models.BigAutoField(primary_key=True)
    number = models.CharField(
        _("payment number"), max_length=14, unique=True, help_text=_("The payment's number in SIMIS.")
    )
    establishment = models.ForeignKey(
        "registry.Establishment",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # payments_payment_est_idx leads with it
        verbose_name=_("establishment"),
    )
    bill = models.ForeignKey(
        "contributions.Bill",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bill"),
        help_text=_("The bill the payer named; empty when a transfer named only the establishment."),
    )
    amount = MoneyField(_("amount"))
    channel = models.CharField(_("payment channel"), max_length=16, choices=PaymentChannel.choices)
    origin = models.CharField(_("origin"), max_length=16, choices=PaymentOrigin.choices)
    bank = models.CharField(
        _("bank"), max_length=64, help_text=_("The code of the bank's partner system in SIMIS.")
    )
    bank_reference = models.CharField(
        _("bank reference"), max_length=64, help_text=_("The bank's own reference of the payment.")
    )
    paid_on = models.DateField(_("paid on"), help_text=_("The day the payment counts from."))
    paid_at = models.DateTimeField(
        _("paid at"), null=True, blank=True, help_text=_("When the bank says it was paid, if it says.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.APPLIED
    )
    posting_source = models.CharField(
        _("ledger source"),
        max_length=80,
        unique=True,
        help_text=_("The source the payment is posted under in the employer's account."),
    )
    confirmed_at = models.DateTimeField(
        _("confirmed by statement at"),
        null=True,
        blank=True,
        help_text=_("When a bank statement showed the payment notified earlier."),
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        permissions = [("reconcile", _("Can import bank statements and resolve unmatched entries"))]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "bank_reference"], name="payments_payment_bank_reference"
            ),
            models.CheckConstraint(name="payments_payment_amount_positive", condition=Q(amount__gt=0)),
        ]
        indexes = [
            models.Index(fields=["establishment", "paid_on", "id"], name="payments_payment_est_idx"),
            models.Index(fields=["bill", "amount"], name="payments_payment_bill_idx"),
            models.Index(fields=["paid_on", "id"], name="payments_payment_day_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class Receipt(models.Model):
    """The receipt of a payment: what it settled, month by month, and what became credit."""

    number = models.CharField(_("receipt number"), max_length=14, unique=True)
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, related_name="receipt", verbose_name=_("payment")
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    settled = models.JSONField(
        _("settled"),
        default=list,
        help_text=_("What the payment settled: account (contributions or fines), month and amount."),
    )
    credit = MoneyField(
        _("credit"), default=0, help_text=_("What exceeded every debt and became the employer's credit.")
    )

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")

    def __str__(self) -> str:
        return self.number


class PaymentReversal(models.Model):
    """A payment undone (a bank's reversal, or a transfer returned to the payer): the months it
    settled are owed again."""

    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, related_name="reversal", verbose_name=_("payment")
    )
    reason = models.CharField(_("reason"), max_length=200)
    reversed_on = models.DateField(_("reversed on"))
    origin = models.CharField(_("origin"), max_length=16, choices=PaymentOrigin.choices)
    posting_source = models.CharField(_("ledger source"), max_length=80, unique=True)
    statement_line = models.ForeignKey(
        "StatementLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("statement entry"),
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("payment reversal")
        verbose_name_plural = _("payment reversals")

    def __str__(self) -> str:
        return f"{self.payment_id} {self.reversed_on}"


def statement_path(instance: StatementImport, filename: str) -> str:
    extension = "xml" if instance.format == StatementFormat.CAMT053 else "sta"
    return f"statements/{timezone.now():%Y/%m}/{instance.sha256}.{extension}"


class StatementImport(models.Model):
    """One statement file from a bank, imported whole or not at all (CH-4)."""

    file = models.FileField(_("file"), upload_to=statement_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(
        _("SHA-256"),
        max_length=64,
        unique=True,
        help_text=_("The SHA-256 digest of the file's bytes: the same file is imported once."),
    )
    size = models.PositiveBigIntegerField(_("size in bytes"))
    format = models.CharField(_("format"), max_length=8, choices=StatementFormat.choices)
    message = models.CharField(_("message"), max_length=32, help_text=_("camt.053.001.08, MT940…"))
    bank = models.CharField(
        _("bank"), max_length=64, help_text=_("The code of the bank whose statement this is.")
    )
    statement_id = models.CharField(_("statement"), max_length=64)
    account = models.CharField(_("account"), max_length=64)
    currency = models.CharField(_("currency"), max_length=3)
    opening_balance = models.DecimalField(_("opening balance"), max_digits=18, decimal_places=3)
    opening_date = models.DateField(_("opening date"))
    closing_balance = models.DecimalField(_("closing balance"), max_digits=18, decimal_places=3)
    closing_date = models.DateField(_("closing date"))
    statements = models.JSONField(
        _("statements"), default=list, help_text=_("Each statement of the file: id, account and balances.")
    )
    entries = models.PositiveIntegerField(_("entries"))
    credits = models.PositiveIntegerField(_("credits"))
    credits_total = models.DecimalField(_("credits total"), max_digits=18, decimal_places=3)
    debits = models.PositiveIntegerField(_("debits"))
    debits_total = models.DecimalField(_("debits total"), max_digits=18, decimal_places=3)
    confirmed = models.PositiveIntegerField(_("confirmed"), default=0)
    applied = models.PositiveIntegerField(_("applied"), default=0)
    applied_total = MoneyField(_("applied total"), default=0)
    reversals = models.PositiveIntegerField(_("reversals"), default=0)
    unmatched = models.PositiveIntegerField(_("waiting for staff at import"), default=0)
    ignored = models.PositiveIntegerField(_("ignored"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    seconds = models.FloatField(_("seconds"), default=0)
    timings = models.JSONField(_("timings"), default=dict, help_text=_("Seconds spent in each step."))

    class Meta:
        verbose_name = _("statement import")
        verbose_name_plural = _("statement imports")

    def __str__(self) -> str:
        return f"{self.statement_id} ({self.original_name})"


class StatementLine(models.Model):
    """One entry of an imported statement and what reconciliation made of it."""

    id = models.BigAutoField(primary_key=True)
    statement_import = models.ForeignKey(
        StatementImport,
        on_delete=models.PROTECT,
        related_name="lines",
        db_index=False,  # payments_line_position leads with it
        verbose_name=_("statement import"),
    )
    position = models.PositiveIntegerField(_("entry"), help_text=_("The entry's place in the file."))
    statement_id = models.CharField(_("statement"), max_length=64)
    entry_reference = models.CharField(_("bank reference"), max_length=64)
    booking_date = models.DateField(_("booking date"))
    value_date = models.DateField(_("value date"))
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=3)
    currency = models.CharField(_("currency"), max_length=3)
    credit = models.BooleanField(_("credit"))
    reversal = models.BooleanField(_("reversal"), default=False)
    debtor_name = models.CharField(_("payer"), max_length=200, blank=True)
    debtor_account = models.CharField(_("payer's account"), max_length=64, blank=True)
    remittance = models.TextField(_("remittance information"), blank=True)
    end_to_end_id = models.CharField(_("end-to-end reference"), max_length=64, blank=True)
    bill_numbers = ArrayField(
        models.CharField(max_length=14), default=list, blank=True, verbose_name=_("bill numbers")
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=LineOutcome.choices)
    reason = models.CharField(_("reason"), max_length=24, choices=LineReason.choices, blank=True)
    payment = models.ForeignKey(
        Payment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statement_lines",
        verbose_name=_("payment"),
    )
    resolution = models.CharField(_("resolution"), max_length=16, choices=Resolution.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("statement entry")
        verbose_name_plural = _("statement entries")
        constraints = [
            models.UniqueConstraint(fields=["statement_import", "position"], name="payments_line_position"),
        ]
        indexes = [
            models.Index(
                fields=["booking_date", "id"], name="payments_line_waiting", condition=Q(outcome="unmatched")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement_import_id}#{self.position} {self.entry_reference}"
