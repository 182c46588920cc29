"""SUP-1: every field renders with its help on demand, reachable by keyboard and announced to
screen readers; and every visible field of the portal's forms has help text."""

from __future__ import annotations

import re

import pytest
from django import forms

from simis.portal.forms import DateDisplayForm, LanguageForm, PortalFormRenderer
from simis.portal.public import assert_fields_have_help_text, fields_missing_help_text, project_form_classes


class WageChangeForm(forms.Form):
    """A stand-in for the forms other apps will write."""

    wage = forms.DecimalField(label="Monthly wage", help_text="Basic wage plus housing allowance, in SAR.")
    occupation = forms.ChoiceField(
        label="Occupation", choices=[("1", "Engineer")], help_text="The occupation on the work permit."
    )
    confirmed = forms.BooleanField(label="Confirmed", help_text="Tick when the employee has agreed.")
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"class": "wide"}), help_text="Why.")


class ForgetfulForm(forms.Form):
    nickname = forms.CharField(label="Nickname")
    token = forms.CharField(widget=forms.HiddenInput)


def test_portal_forms_have_help_on_every_field() -> None:
    assert_fields_have_help_text(LanguageForm, DateDisplayForm)


def test_helper_names_the_fields_without_help() -> None:
    assert fields_missing_help_text(ForgetfulForm) == [f"{__name__}.ForgetfulForm.nickname"]
    with pytest.raises(AssertionError, match=r"ForgetfulForm\.nickname"):
        assert_fields_have_help_text(WageChangeForm, ForgetfulForm)


def test_project_forms_are_discovered() -> None:
    found = project_form_classes()
    assert LanguageForm in found and DateDisplayForm in found
    assert all(cls.__module__.startswith("simis.") for cls in found)
    assert ForgetfulForm not in found  # forms inside tests are fixtures, not product forms


def test_the_project_renders_forms_with_the_portal_renderer() -> None:
    assert isinstance(WageChangeForm().renderer, PortalFormRenderer)


def test_field_has_a_help_button_controlling_hidden_help_that_describes_the_widget() -> None:
    html = str(WageChangeForm())
    assert re.search(
        r'<button type="button" class="simis-help-toggle" data-simis-help-toggle '
        r'aria-controls="id_wage_helptext" aria-expanded="false"',
        html,
    )
    assert re.search(r'<div class="simis-help" id="id_wage_helptext" role="note" hidden>', html)
    assert "Basic wage plus housing allowance, in SAR." in html
    assert re.search(r'<input[^>]*aria-describedby="id_wage_helptext"[^>]*id="id_wage"', html)
    assert "data-simis-field" in html


def test_widgets_get_bootstrap_classes_and_keep_their_own() -> None:
    html = str(WageChangeForm())
    assert re.search(r'<input type="number" name="wage" [^>]*class="form-control"', html)
    assert re.search(r'<select name="occupation" [^>]*class="form-select"', html)
    assert re.search(r'<input type="checkbox" name="confirmed" [^>]*class="form-check-input"', html)
    assert re.search(r'<textarea [^>]*class="wide form-control"', html)
    assert '<label class="form-label" for="id_wage">' in html
    assert '<label class="form-check-label" for="id_confirmed">' in html


def test_errors_are_shown_and_linked_to_the_widget() -> None:
    form = WageChangeForm(data={"wage": "abc"})
    assert not form.is_valid()
    html = str(form)
    assert re.search(r'<input[^>]*aria-describedby="id_wage_helptext id_wage_error"', html)
    assert re.search(r'<input[^>]*aria-invalid="true"', html)
    assert "is-invalid" in html
    assert 'id="id_wage_error"' in html


def test_every_form_in_the_project_has_help_on_every_visible_field() -> None:
    """The project-wide SUP-1 gate: a new form without help text fails here, naming the field."""
    assert_fields_have_help_text(*project_form_classes())
