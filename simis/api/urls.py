"""/api/ — version 1 of the partner web services at /api/v1/.

Every URL django-ninja generates is wrapped in the gateway (signature check, idempotency,
coded refusals, signed responses); any other address under v1/ is a coded, signed 404.
"""

from django.urls import include, path, re_path

from simis.api.api import api
from simis.api.gateway import gate, not_found, patterns_gated

app_name = "api"

_patterns, _ninja_app_name, _namespace = api.urls

urlpatterns = [
    path("v1/", include((patterns_gated(_patterns), _ninja_app_name), namespace=_namespace)),
    re_path(r"^v1/", gate(not_found, public=True), name="v1-not-found"),
]
