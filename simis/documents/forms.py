"""The document pages' forms. Every field carries help text (SUP-1): the portal's renderer
shows it on demand."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

ACCEPTED = ".pdf,.tif,.tiff,.png,.jpg,.jpeg"
LANGUAGES = (("ar", _("Arabic")), ("en", _("English")))


def _type_choices(types: Any) -> list[tuple[str, str]]:
    return [(row.code, f"{row.name} ({row.code})") for row in types]


class ScanBatchForm(forms.Form):
    file = forms.FileField(
        label=_("Scanned file"),
        help_text=_(
            "The scanner's file: a PDF or TIFF of many pages, or one PNG or JPEG page. Put each document's "
            "cover sheet on top of its pages; many documents may go in one file."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
    )
    office_code = forms.CharField(
        label=_("Office"),
        max_length=8,
        required=False,
        help_text=_("The code of the office whose scan station this is, e.g. RUH. Leave empty if unsure."),
    )


class IndexingAttachForm(forms.Form):
    code = forms.CharField(
        label=_("Cover sheet code"),
        max_length=80,
        help_text=_(
            "The code printed under the cover sheet's barcode, e.g. SD1-1234-WORK_INJURY_REPORT-7. Its last "
            "character checks the rest, so a typing mistake is refused rather than attached to another case."
        ),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"}),
    )


class IndexingDiscardForm(forms.Form):
    reason = forms.CharField(
        label=_("Why set these pages aside"),
        max_length=2000,
        help_text=_(
            "For example: a blank page, or a paper that belongs to no case. The pages stay in the batch."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CoverSheetForm(forms.Form):
    document_type = forms.ChoiceField(
        label=_("Document"),
        choices=(),
        help_text=_("The kind of paper the cover sheet will go on top of."),
    )
    language = forms.ChoiceField(
        label=_("Language of the sheet"),
        choices=LANGUAGES,
        initial="ar",
        help_text=_("The sheet shows the document's name in both languages either way."),
    )

    def __init__(self, *args: Any, types: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["document_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _type_choices(types)


class DocumentUploadForm(forms.Form):
    document_type = forms.ChoiceField(
        label=_("Document"),
        choices=(),
        help_text=_("What the file is. It becomes the next version of this document in the folder."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("A PDF, TIFF, PNG or JPEG file of the document's pages (no cover sheet)."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
    )

    def __init__(self, *args: Any, types: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["document_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _type_choices(types)
