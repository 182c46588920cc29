from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "simis.api"
    label = "api"
