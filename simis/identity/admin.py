"""Read-only admin: every change to identity data goes through a service (audited, stepped-up)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from simis.identity.models import (
    JobFunction,
    JobFunctionMembership,
    LoginLock,
    OrganisationMembership,
    User,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class JobFunctionMembershipInline(admin.TabularInline):
    model = JobFunctionMembership
    fk_name = "user"
    fields = ("job_function", "granted_by", "granted_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OrganisationMembershipInline(admin.TabularInline):
    model = OrganisationMembership
    fields = ("org_kind", "org_key", "role", "valid_from", "valid_to")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "first_name", "last_name", "audience", "is_active", "last_login")
    list_filter = ("audience", "is_active")
    search_fields = ("username", "first_name", "last_name", "email")
    exclude = ("password", "user_permissions", "groups")
    inlines = [JobFunctionMembershipInline, OrganisationMembershipInline]


@admin.register(JobFunction)
class JobFunctionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_ar", "name_en", "audience")
    list_filter = ("audience",)
    search_fields = ("code", "name_ar", "name_en")
    filter_horizontal = ("permissions",)


@admin.register(OrganisationMembership)
class OrganisationMembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "org_kind", "org_key", "role", "valid_from", "valid_to")
    list_filter = ("org_kind", "role")
    search_fields = ("user__username", "org_key")


@admin.register(LoginLock)
class LoginLockAdmin(ReadOnlyAdmin):
    list_display = ("username", "locked_at", "locked_until")
    search_fields = ("username",)
