"""Project-wide form rendering (settings.FORM_RENDERER) and the portal's own small forms.

Every field of every Django form renders through ``portal/forms/field.html``: label, widget
with Bootstrap classes, errors, and a help button that reveals the field's help text on demand
(SUP-1). The help text is always linked to the widget with ``aria-describedby``, so screen
readers announce it even while it is folded away.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.forms.widgets import Input
from django.utils.translation import gettext_lazy as _

from simis.identity.public import DateDisplay


def _bootstrap_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    if isinstance(widget, forms.FileInput):
        return "form-control"
    if isinstance(widget, Input | forms.Textarea):
        return "form-control"
    return ""


class PortalBoundField(forms.BoundField):
    """Adds Bootstrap's widget class (kept alongside any class the widget already has) and
    Bootstrap's invalid marker."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        classes = [str(c) for c in (widget.attrs.get("class", ""), attrs.get("class", "")) if c]
        extra = _bootstrap_class(widget)
        if extra and extra not in " ".join(classes).split():
            classes.append(extra)
        if self.errors and not widget.is_hidden:
            classes.append("is-invalid")
        if classes:
            attrs["class"] = " ".join(classes)
        return attrs

    def label_tag(
        self,
        contents: str | None = None,
        attrs: dict[str, Any] | None = None,
        label_suffix: str | None = None,
        tag: str | None = None,
    ) -> Any:
        attrs = dict(attrs or {})
        attrs.setdefault("class", "form-check-label" if self.widget_type == "checkbox" else "form-label")
        return super().label_tag(contents, attrs, label_suffix, tag)


class PortalFormRenderer(DjangoTemplates):
    form_template_name = "portal/forms/div.html"
    field_template_name = "portal/forms/field.html"
    bound_field_class = PortalBoundField


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        help_text=_("The language of every page, message and document the portal shows you."),
    )
    next = forms.CharField(
        label=_("Return to"),
        required=False,
        widget=forms.HiddenInput,
        help_text=_("The page to go back to after the change."),
    )


class DateDisplayForm(forms.Form):
    date_display = forms.ChoiceField(
        label=_("Date display"),
        choices=DateDisplay.choices,
        help_text=_("Which calendar comes first wherever a date is shown in both Hijri and Gregorian."),
    )
    next = forms.CharField(
        label=_("Return to"),
        required=False,
        widget=forms.HiddenInput,
        help_text=_("The page to go back to after the change."),
    )
