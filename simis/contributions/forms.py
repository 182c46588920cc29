"""The contributions pages' forms. They check the shape of what was typed; every business rule is
the services' (their coded refusals go back on the field concerned). Every visible field has
help text (SUP-1)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from simis.contributions.rules import month_parse
from simis.core.errors import SimisError


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (the browser's month picker gives that)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"type": "month", "dir": "ltr", "placeholder": "2026-10"})

    def clean(self, value: Any) -> date | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return month_parse(text)
        except SimisError as error:
            raise forms.ValidationError(f"{error.code}: {error.message}") from None


class CalculatorForm(forms.Form):
    contributor = forms.IntegerField(
        label=_("Contributor number"),
        min_value=1,
        help_text=_("The contributor's number with the institution, shown on their record."),
        widget=forms.NumberInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    month = MonthField(
        label=_("Month"),
        help_text=_("The month to calculate, as year and month (for example 2026-10)."),
    )


class StatementForm(forms.Form):
    start = forms.DateField(
        label=_("From"),
        required=False,
        help_text=_("The first day of the statement (Gregorian, YYYY-MM-DD)."),
        widget=forms.DateInput(attrs={"type": "date", "dir": "ltr"}),
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        help_text=_("The last day of the statement (Gregorian, YYYY-MM-DD)."),
        widget=forms.DateInput(attrs={"type": "date", "dir": "ltr"}),
    )


class PlanRequestForm(forms.Form):
    count = forms.IntegerField(
        label=_("Number of monthly instalments"),
        min_value=1,
        max_value=60,
        help_text=_(
            "How many monthly instalments to pay the debt in, after the down payment. The most "
            "allowed is set by the institution."
        ),
    )


class BillingRunForm(forms.Form):
    month = MonthField(
        label=_("Month to bill"),
        help_text=_("The month to bill for every establishment: the month after the last one billed."),
    )


class EstablishmentLookupForm(forms.Form):
    number = forms.CharField(
        label=_("Establishment number"),
        max_length=20,
        help_text=_("The establishment's number with the institution."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
