from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from simis.identity.models import JobFunction
from simis.identity.selectors import job_function_list_for_audience


class StepUpForm(forms.Form):
    credential = forms.JSONField(widget=forms.HiddenInput)
    next = forms.CharField(widget=forms.HiddenInput, required=False)


class JobFunctionGrantForm(forms.Form):
    job_function = forms.ModelChoiceField(
        queryset=JobFunction.objects.none(),
        label=_("Job function"),
        help_text=_("Only job functions meant for this user's audience are offered."),
    )

    def __init__(self, *args: Any, audience: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["job_function"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = job_function_list_for_audience(audience)
        field.widget.attrs["class"] = "form-select"
