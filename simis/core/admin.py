"""Parameters are changed in git and loaded by ``parameters_load``; the admin only shows them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from simis.core.models import ParameterSet, ParameterValue


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ParameterSet)
class ParameterSetAdmin(_ReadOnly):
    list_display = ("id", "name", "sha256", "loaded_at")
    list_filter = ("name",)


@admin.register(ParameterValue)
class ParameterValueAdmin(_ReadOnly):
    list_display = (
        "key",
        "regime",
        "valid_from",
        "valid_to",
        "value_decimal",
        "value_json",
        "unconfirmed",
        "parameter_set",
    )
    list_filter = ("regime", "unconfirmed", "parameter_set")
    search_fields = ("key",)
