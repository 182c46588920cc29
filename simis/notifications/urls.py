from django.urls import path

from simis.notifications import views

app_name = "notifications"

urlpatterns = [
    path("outbox/", views.outbox_list, name="outbox"),
    path("outbox/<int:pk>/", views.outbox_detail, name="outbox-detail"),
    path("errors/", views.error_list, name="errors"),
    path("errors/<int:pk>/", views.error_detail, name="error-detail"),
    path("sms/status/", views.sms_status_callback, name="sms-status-callback"),
]
