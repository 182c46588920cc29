"""A URLconf for the browser test of help on demand: the project's URLs plus one page showing
a form rendered through the portal's form renderer."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

PAGE = engines["django"].from_string(
    '{% extends "portal/base.html" %}{% block content %}'
    '<form method="post" class="card portal-card"><div class="card-body">{{ form }}'
    '<button type="submit" class="btn btn-primary">Save</button></div></form>{% endblock %}'
)


class ContributorForm(forms.Form):
    national_id = forms.CharField(
        label="National ID", help_text="The ten-digit number on the national identity card or Iqama."
    )
    joining_date = forms.DateField(label="Joining date", help_text="The first day the contributor worked.")


def form_demo(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PAGE.render({"form": ContributorForm()}, request))


urlpatterns = [
    path("test-form/", form_demo),
    path("", include("config.urls")),
]
