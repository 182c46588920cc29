"""Read-only admin views of partners and certificates. Changes go through the services
(commands partner_register / partner_demo; revocation and suspension services), never here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from simis.api.models import Partner, PartnerCertificate


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CertificateInline(admin.TabularInline):
    model = PartnerCertificate
    fields = ("keyid", "algorithm", "not_before", "not_after", "revoked_at")
    readonly_fields = ("keyid", "algorithm", "not_before", "not_after", "revoked_at")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Partner)
class PartnerAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_ar", "name_en", "kind", "status", "organisation_key", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["code", "name_ar", "name_en", "organisation_key"]
    inlines = [CertificateInline]


@admin.register(PartnerCertificate)
class PartnerCertificateAdmin(ReadOnlyAdmin):
    list_display = ["keyid", "partner", "algorithm", "not_before", "not_after", "revoked_at"]
    list_filter = ["algorithm"]
    search_fields = ["keyid", "fingerprint_sha256", "partner__code", "subject"]
