from django.urls import path

from simis.payments import views

app_name = "payments"
urlpatterns = [
    path("receipts/", views.receipts_view, name="receipts"),
    path("receipts/<str:number>/", views.receipt_view, name="receipt"),
    path("", views.payments_view, name="payments"),
    path("statements/", views.statements_view, name="statements"),
    path("statements/<int:pk>/", views.statement_view, name="statement"),
    path("waiting/", views.waiting_view, name="waiting"),
    path("waiting/<int:pk>/", views.line_resolve_view, name="resolve"),
]
