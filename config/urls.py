from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("identity/", include("simis.identity.urls")),
    path("api/", include("simis.api.urls")),
    path("registry/", include("simis.registry.urls")),
    path("uploads/", include("simis.uploads.urls")),
    path("payments/", include("simis.payments.urls")),
    path("contributions/", include("simis.contributions.urls")),
    path("workflow/", include("simis.workflow.urls")),
    path("documents/", include("simis.documents.urls")),
    path("notifications/", include("simis.notifications.urls")),
    path("staff-admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("simis.portal.urls")),
]

handler400 = "simis.portal.views.bad_request"
handler403 = "simis.portal.views.permission_denied"
handler404 = "simis.portal.views.page_not_found"
handler500 = "simis.portal.views.server_error"
