"""Action codes and labels; the admin shows the log and never changes it."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied
from django.db import models
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from simis.audit.actions import action_code, action_label, audit_actions_register
from simis.audit.models import AuditEntry
from simis.audit.public import AuditAction, audit_record
from simis.core.errors import SimisError


class RegistryAuditAction(models.TextChoices):
    """How another app lists its own actions."""

    ENGAGEMENT_TERMINATED = "registry.engagement_terminated", _("Engagement terminated")


class PaymentsAuditAction(models.TextChoices):
    RECEIPT_ISSUED = "payments.receipt_issued", _("Receipt issued")


def test_codes_from_members_and_strings():
    assert action_code(AuditAction.CHAIN_VERIFIED) == "audit.chain_verified"
    assert action_code(RegistryAuditAction.ENGAGEMENT_TERMINATED) == "registry.engagement_terminated"
    assert action_code("identity.login_failed") == "identity.login_failed"
    for bad in ("login_failed", "Identity.Login", "identity.login failed", "a.b.c", ""):
        with pytest.raises(SimisError):
            action_code(bad)


def test_labels_come_from_registered_enums_or_fall_back_to_the_code():
    audit_actions_register(RegistryAuditAction)
    with translation.override("en"):
        assert action_label("registry.engagement_terminated") == "Engagement terminated"
        assert action_label("audit.chain_verified") == "Audit chain verified: intact"
        assert action_label("nobody.registered_this") == "nobody.registered_this"


def test_passing_a_member_registers_its_enum():
    action_code(PaymentsAuditAction.RECEIPT_ISSUED)
    with translation.override("en"):
        assert action_label("payments.receipt_issued") == "Receipt issued"


@pytest.fixture
def khalid_admin(db):  # type: ignore[no-untyped-def]
    """Khalid as a superuser: even he cannot add, change or delete entries."""
    return get_user_model().objects.create_superuser(
        username="khalid_admin", password="z" * 16, audience="staff"
    )


def _request(user, method: str = "get", path: str = "/", data: dict | None = None):  # type: ignore[no-untyped-def]
    # The admin's views are called directly: the portal's sign-in and MFA middleware are not
    # what these tests protect.
    request = getattr(RequestFactory(), method)(path, data or {})
    request.user = user
    request._dont_enforce_csrf_checks = True
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.django_db
def test_admin_lists_and_shows_entries_read_only(khalid_admin, sara):
    entry = audit_record(
        actor=None, action="identity.user_changed", subject=sara, after={"first_name": "Sara"}
    )
    model_admin = site._registry[AuditEntry]
    listing = model_admin.changelist_view(_request(khalid_admin, data={"q": str(sara.pk)}))
    listing.render()
    assert listing.status_code == 200
    assert f">{entry.id}<" in listing.content.decode()
    page = model_admin.change_view(_request(khalid_admin), str(entry.id))
    page.render()
    assert page.status_code == 200
    assert entry.hash in page.content.decode()
    assert b'name="_save"' not in page.content


@pytest.mark.django_db
def test_admin_refuses_add_change_and_delete(khalid_admin, sara):
    entry = audit_record(actor=None, action="identity.user_changed", subject=sara)
    model_admin = site._registry[AuditEntry]
    request = _request(khalid_admin)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)
    assert model_admin.has_view_permission(request, entry)
    assert "delete_selected" not in model_admin.get_actions(request)
    with pytest.raises(PermissionDenied):
        model_admin.add_view(_request(khalid_admin))
    with pytest.raises(PermissionDenied):
        model_admin.delete_view(_request(khalid_admin, "post", data={"post": "yes"}), str(entry.id))
    with pytest.raises(PermissionDenied):
        model_admin.change_view(_request(khalid_admin, "post", data={"outcome": "failed"}), str(entry.id))
    assert AuditEntry.objects.get(pk=entry.id).outcome == "success"
