from django.urls import path

from simis.uploads import views

app_name = "uploads"
urlpatterns = [
    path("", views.upload_list_view, name="list"),
    path("new/", views.upload_new_view, name="new"),
    path("templates/<str:kind>.<str:extension>", views.template_download_view, name="template"),
    path("<int:pk>/", views.upload_detail_view, name="detail"),
    path("<int:pk>/progress/", views.upload_progress_view, name="progress"),
    path("<int:pk>/report/", views.report_download_view, name="report"),
    path("<int:pk>/retry/", views.upload_retry_view, name="retry"),
]
