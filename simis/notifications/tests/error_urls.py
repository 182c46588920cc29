"""A URLconf for the error-capture tests: pages that fail the ways real pages can."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def broken_page(request: HttpRequest) -> HttpResponse:
    totals = {"contributors": 0}
    return HttpResponse(str(100 / totals["contributors"]))  # ZeroDivisionError: a bug


def missing_page(request: HttpRequest) -> HttpResponse:
    raise Http404


# The site's own pages and error handlers around them, so a 500 renders as it would for real.
urlpatterns = [path("boom/", broken_page), path("missing/", missing_page), *site_urlpatterns]
handler404 = "simis.portal.views.page_not_found"
handler500 = "simis.portal.views.server_error"
