"""Read-only admin: every change to the register goes through a service (validated, audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from simis.registry.models import (
    Country,
    EconomicActivity,
    Engagement,
    Establishment,
    Occupation,
    Office,
    Person,
    PersonIdentity,
    Region,
    Wage,
    WageBatch,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_ar", "name_en")


@admin.register(Office)
class OfficeAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_ar", "name_en", "region")
    list_filter = ("region",)


@admin.register(EconomicActivity)
class EconomicActivityAdmin(ReadOnlyAdmin):
    list_display = ("code", "level", "name_ar", "name_en", "section")
    list_filter = ("level",)
    search_fields = ("code", "name_ar", "name_en")


@admin.register(Occupation)
class OccupationAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_ar", "name_en")
    search_fields = ("code", "name_ar", "name_en")


@admin.register(Country)
class CountryAdmin(ReadOnlyAdmin):
    list_display = ("code", "alpha2", "name_ar", "name_en", "is_gcc")
    list_filter = ("is_gcc",)
    search_fields = ("code", "name_ar", "name_en")


@admin.register(Establishment)
class EstablishmentAdmin(ReadOnlyAdmin):
    list_display = ("number", "name_ar", "name_en", "is_main", "parent", "status", "region", "office")
    list_filter = ("is_main", "status", "region", "office")
    search_fields = ("number", "unified_number", "commercial_registration", "name_ar", "name_en")
    raw_id_fields = ("parent",)


class PersonIdentityInline(ReadOnlyInline):
    model = PersonIdentity
    fields = ("kind", "country", "number")
    readonly_fields = fields


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("contributor_number", "first_name_ar", "family_name_ar", "nationality", "regime")
    list_filter = ("regime", "gender")
    search_fields = ("=contributor_number", "=identities__number", "family_name_ar", "family_name_en")
    raw_id_fields = ("user",)
    inlines = [PersonIdentityInline]


class WageInline(ReadOnlyInline):
    model = Wage
    fields = ("effective_from", "basic", "housing", "other", "contributory_wage", "occupation", "batch")
    readonly_fields = fields


@admin.register(Engagement)
class EngagementAdmin(ReadOnlyAdmin):
    list_display = ("id", "person", "establishment", "join_date", "leave_date", "status", "occupation")
    list_filter = ("status", "review_reason", "leave_reason")
    search_fields = ("=person__contributor_number", "=establishment__number")
    raw_id_fields = ("person", "establishment", "transferred_from")
    inlines = [WageInline]


@admin.register(WageBatch)
class WageBatchAdmin(ReadOnlyAdmin):
    list_display = ("id", "establishment", "month", "declared_line_count", "declared_total_contributory")
    search_fields = ("=establishment__number", "reference")
    raw_id_fields = ("establishment",)
