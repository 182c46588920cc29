"""The register's pages, mounted at /registry/ (config/urls.py)."""

from django.urls import path

from simis.registry import views

app_name = "registry"
urlpatterns = [
    # Employer portal (employer users; staff for any establishment)
    path("", views.home, name="home"),
    path("workers/", views.workers_home, name="workers-home"),
    path("establishments/<str:number>/", views.establishment_detail, name="establishment"),
    path("establishments/<str:number>/workers/", views.workers, name="workers"),
    path("establishments/<str:number>/contributors/new/", views.contributor_new, name="contributor-new"),
    path("establishments/<str:number>/periods/new/", views.period_new, name="period-new"),
    path("establishments/<str:number>/periods/lookup/", views.period_lookup, name="period-lookup"),
    path("establishments/<str:number>/wages/change/", views.wage_change_view, name="wage-change"),
    path("establishments/<str:number>/wages/batches/", views.batch_list, name="batches"),
    path("establishments/<str:number>/wages/batches/new/", views.batch_new, name="batch-new"),
    path("establishments/<str:number>/wages/batches/<int:pk>/amend/", views.batch_amend, name="batch-amend"),
    path("periods/<int:pk>/terminate/", views.period_terminate, name="period-terminate"),
    path("periods/<int:pk>/transfer/", views.period_transfer, name="period-transfer"),
    # A contributor's history: employer (its periods), staff, the contributor (their own)
    path("contributors/", views.contributor_search, name="contributor-search"),
    path("contributors/<int:contributor_number>/", views.person_detail, name="person"),
    path("my-periods/", views.my_periods, name="my-periods"),
    # Government agencies (GOV-1)
    path("inquiries/", views.inquiries, name="inquiries"),
]
