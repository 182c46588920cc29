from django.urls import path

from simis.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("preferences/language/", views.language_set, name="language-set"),
    path("preferences/dates/", views.date_display_set, name="date-display-set"),
]
