"""The dual-calendar date field: people type a date in either calendar and the form gets a
Gregorian date, or a coded bilingual error."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import translation

from simis.core.forms import DualCalendarDateField, DualCalendarDateWidget
from simis.core.identifiers import SaudiIdFormField


class BirthForm(forms.Form):
    born = DualCalendarDateField(label="Date of birth")
    joined = DualCalendarDateField(label="Joined", required=False, calendar="gregorian")


def test_cleans_hijri_and_gregorian_to_a_gregorian_date():
    form = BirthForm(
        data={
            "born": "٢٦/١٢/١٤٤٥",
            "born_calendar": "hijri",
            "joined": "03/07/2024",
            "joined_calendar": "gregorian",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"born": date(2024, 7, 2), "joined": date(2024, 7, 3)}


def test_a_suffix_alone_is_enough_for_api_style_posts():
    form = BirthForm(data={"born": "1445-12-26H"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["born"] == date(2024, 7, 2)
    assert form.cleaned_data["joined"] is None


def test_errors_carry_the_date_code_and_are_translated():
    form = BirthForm(data={"born": "30/02/1447", "born_calendar": "hijri"})
    assert not form.is_valid()
    assert form.errors.as_data()["born"][0].code == "DATE-004"
    form = BirthForm(data={"born": "1445-12-26", "born_calendar": "gregorian"})
    assert not form.is_valid()
    assert form.errors.as_data()["born"][0].code == "DATE-008"
    form = BirthForm(data={"born": "31/02/2024", "born_calendar": "gregorian"})
    assert not form.is_valid()
    assert form.errors.as_data()["born"][0].code == "DATE-005"
    with translation.override("en"):
        assert "does not exist" in form.errors["born"][0]
    with translation.override("ar"):
        assert "does not exist" not in form.errors["born"][0]


def test_required_and_empty():
    form = BirthForm(data={"born": "  ", "born_calendar": "hijri"})
    assert not form.is_valid()
    assert form.errors.as_data()["born"][0].code == "required"


def test_widget_renders_text_and_calendar_select_with_the_initial_in_its_calendar():
    form = BirthForm(initial={"born": date(2024, 7, 2), "joined": date(2024, 7, 3)})
    html = str(form["born"])
    assert 'name="born"' in html and 'name="born_calendar"' in html
    assert 'value="26/12/1445"' in html
    assert '<option value="hijri" selected>' in html
    joined = str(form["joined"])
    assert 'value="03/07/2024"' in joined and '<option value="gregorian" selected>' in joined
    assert "input-group" in html


def test_widget_falls_back_to_gregorian_outside_the_hijri_table():
    widget = DualCalendarDateWidget()
    assert widget.decompress(date(1900, 1, 1)) == ["01/01/1900", "gregorian"]
    assert widget.decompress(None) == ["", "hijri"]


def test_bound_form_re_renders_what_was_typed():
    form = BirthForm(data={"born": "30/02/1447", "born_calendar": "hijri"})
    form.is_valid()
    assert 'value="30/02/1447"' in str(form["born"])


def test_fields_have_help_text_in_both_languages():
    field = BirthForm.base_fields["born"]
    with translation.override("en"):
        english = str(field.help_text)
    with translation.override("ar"):
        arabic = str(field.help_text)
    assert "Hijri" in english and english != arabic
    assert str(SaudiIdFormField().help_text)
