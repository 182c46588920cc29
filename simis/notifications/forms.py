"""The outbox's filter form. Every field says what it does (SUP-1)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from simis.core.errors import SimisError
from simis.core.forms import DualCalendarDateField
from simis.notifications.choices import SmsStatus, SmsTemplate
from simis.notifications.rules import phone_normalise


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *SmsStatus.choices],
        help_text=_("Show only messages that are now in this status."),
    )
    template = forms.ChoiceField(
        label=_("Event"),
        required=False,
        choices=[("", _("Any event")), *SmsTemplate.choices],
        help_text=_("Show only messages sent for this event."),
    )
    recipient = forms.CharField(
        label=_("Mobile number"),
        required=False,
        max_length=32,
        help_text=_("Show only messages to this number (05XXXXXXXX or +9665XXXXXXXX)."),
    )
    created_from = DualCalendarDateField(
        label=_("Queued from"), required=False, help_text=_("The first day to show, included.")
    )
    created_to = DualCalendarDateField(
        label=_("Queued until"), required=False, help_text=_("The last day to show, included.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("status", "template"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["recipient"].widget.attrs.update(
            {"class": "form-control", "inputmode": "tel", "dir": "ltr"}
        )

    def clean_recipient(self) -> str:
        value = self.cleaned_data.get("recipient", "")
        if not value:
            return ""
        try:
            return phone_normalise(value)
        except SimisError as error:
            raise error.as_validation_error() from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("created_from"), cleaned.get("created_to")
        if start and end and start > end:
            self.add_error("created_to", _("The last day must not be before the first day."))
        return cleaned
