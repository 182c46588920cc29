from django.urls import URLPattern, URLResolver, path

from simis.documents import views

app_name = "documents"

urlpatterns: list[URLPattern | URLResolver] = [
    path("scan/", views.scan_view, name="scan"),
    path("scan/batches/<int:pk>/", views.batch_detail_view, name="batch"),
    path("scan/batches/<int:pk>/progress/", views.batch_progress_view, name="batch-progress"),
    path("scan/batches/<int:pk>/retry/", views.batch_retry_view, name="batch-retry"),
    path("queue/", views.queue_view, name="queue"),
    path("queue/<int:pk>/", views.queue_item_view, name="queue-item"),
    path("queue/<int:pk>/discard/", views.queue_item_discard_view, name="queue-item-discard"),
    path("folders/<int:pk>/", views.folder_view, name="folder"),
    path("folders/<int:pk>/cover-sheet/", views.cover_sheet_view, name="cover-sheet"),
    path("folders/<int:pk>/upload/", views.document_upload_view, name="upload"),
    path("d/<int:pk>/", views.document_view, name="document"),
    path("d/<int:pk>/file/", views.document_file_view, name="document-file"),
]
