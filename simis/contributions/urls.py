"""The contributions pages, mounted at /contributions/ (config/urls.py)."""

from django.urls import path

from simis.contributions import views

app_name = "contributions"
urlpatterns = [
    path("", views.home, name="home"),
    path("establishments/<str:number>/", views.account, name="account"),
    path("establishments/<str:number>/plan/", views.plan_request, name="plan-request"),
    path("establishments/<str:number>/certificate/", views.certificate, name="certificate"),
    path("bills/<str:number>/", views.bill, name="bill"),
    path("calculator/", views.calculator, name="calculator"),
    path("billing/", views.billing_runs, name="runs"),
    # Public: anyone can check a certificate from its QR code.
    path("certificates/<str:number>/<str:token>/", views.certificate_verify, name="certificate-verify"),
]
