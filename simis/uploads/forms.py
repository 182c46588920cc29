"""The upload form. Every field carries help text (SUP-1): the portal's renderer shows it on
demand."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from simis.uploads.choices import UploadKind, UploadMode


class UploadForm(forms.Form):
    """``establishments``: the (number, label) pairs the user may choose from; ``None`` for
    staff, who type the number of any establishment."""

    establishment = forms.ChoiceField(
        label=_("Establishment"),
        choices=(),
        help_text=_("The establishment the rows are for. You can choose only establishments you act for."),
    )
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=UploadKind.choices,
        help_text=_(
            "Each kind has its own template: new contributors, contribution periods of registered "
            "contributors, terminations, or wage changes. Use the template of the same kind."
        ),
    )
    mode = forms.ChoiceField(
        label=_("How to apply it"),
        choices=UploadMode.choices,
        initial=UploadMode.ALL_OR_NOTHING,
        help_text=_(
            "All or nothing: if any row is refused, nothing is applied and you get the full list to correct. "
            "Valid rows: the valid rows are applied and the refused ones are listed in the report."
        ),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "An Excel workbook (.xlsx) or a CSV UTF-8 file written in the template, with its first two rows "
            "kept. Formulas, macros, password protection and other encodings are refused."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(
        self, *args: Any, establishments: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if establishments is None:
            self.fields["establishment"] = forms.CharField(
                label=_("Establishment number"),
                max_length=16,
                help_text=_("The number of the establishment the rows are for, as the institution gave it."),
            )
        else:
            field = self.fields["establishment"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = establishments
            if len(establishments) == 1:
                field.initial = establishments[0][0]
