from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "simis.uploads"
    label = "uploads"
