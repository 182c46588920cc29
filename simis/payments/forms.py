"""The payments pages' forms. Every field says what it does (SUP-1): the portal's renderer shows
the help text on demand."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from simis.core.forms import DualCalendarDateField
from simis.payments.choices import PaymentChannel, PaymentStatus, Resolution


class _DateRange(forms.Form):
    start = DualCalendarDateField(
        label=_("Paid from"), required=False, help_text=_("The first day paid, included.")
    )
    end = DualCalendarDateField(
        label=_("Paid until"), required=False, help_text=_("The last day paid, included.")
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The last day must not be before the first day."))
        return cleaned


class ReceiptSearchForm(_DateRange):
    number = forms.CharField(
        label=_("Receipt or payment number"),
        required=False,
        max_length=14,
        help_text=_("The 14-digit number printed on the receipt, or the payment's number."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
    )
    channel = forms.ChoiceField(
        label=_("Payment channel"),
        required=False,
        choices=[("", _("Any channel")), *PaymentChannel.choices],
        help_text=_(
            "How the payment was made: ATM, phone banking, internet banking, at a bank branch or by bank "
            "transfer."
        ),
    )

    field_order = ["number", "start", "end", "channel"]


class PaymentSearchForm(_DateRange):
    query = forms.CharField(
        label=_("Number or reference"),
        required=False,
        max_length=64,
        help_text=_(
            "A payment, receipt, bill or establishment number, or the bank's reference of the payment."
        ),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *PaymentStatus.choices],
        help_text=_("Applied payments count in the employer's account; reversed ones were taken back."),
    )
    channel = forms.ChoiceField(
        label=_("Payment channel"),
        required=False,
        choices=[("", _("Any channel")), *PaymentChannel.choices],
        help_text=_("How the payment was made."),
    )
    bank = forms.CharField(
        label=_("Bank"),
        required=False,
        max_length=64,
        help_text=_("The code of the bank's partner system, e.g. DEMO-BANK."),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )

    field_order = ["query", "status", "channel", "bank", "start", "end"]


class StatementUploadForm(forms.Form):
    bank = forms.CharField(
        label=_("Bank"),
        max_length=64,
        help_text=_(
            "The code of the bank that sent the statement (its partner system's code, e.g. DEMO-BANK). "
            "Payments the bank notified are matched by its references."
        ),
        widget=forms.TextInput(attrs={"dir": "ltr", "list": "known-banks"}),
    )
    file = forms.FileField(
        label=_("Statement file"),
        help_text=_(
            "The bank's end-of-day statement of the collection account: ISO 20022 camt.053 (XML) or SWIFT "
            "MT940. The same file is imported only once."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,.sta,.txt,.940,.mt940"}),
    )


class WaitingSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_(
            "Part of the payer's name or of the transfer's text, a reference, an account or an amount."
        ),
    )


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("Decision"),
        choices=[(value, label) for value, label in Resolution.choices if value != Resolution.CONFIRMED],
        widget=forms.RadioSelect,
        help_text=_(
            "Apply the money to a bill or to an establishment (it settles the oldest debt first and "
            "becomes a payment with a receipt), or mark it as not a contribution payment or as to be "
            "refunded to the payer."
        ),
    )
    bill_number = forms.CharField(
        label=_("Bill number"),
        required=False,
        max_length=20,
        help_text=_("The 14-digit bill the payment is for, when you apply it to a bill."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
    )
    establishment_number = forms.CharField(
        label=_("Establishment number"),
        required=False,
        max_length=16,
        help_text=_("The establishment the payment is for, when you apply it to an establishment."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=1000,
        help_text=_(
            "Why you decided so (who you spoke to, what the payer said). Required when the money is not "
            "applied."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, debit: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if debit:
            field = self.fields["resolution"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(Resolution.NOT_OURS.value, Resolution.NOT_OURS.label)]
