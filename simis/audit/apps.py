from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "simis.audit"
    label = "audit"
