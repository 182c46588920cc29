"""REG-1: registering establishments and branches, changing their status, binding their users."""

from __future__ import annotations

from datetime import date

import pytest

from simis.audit.models import AuditEntry
from simis.core.errors import SimisError
from simis.identity.models import Audience, OrganisationMembership
from simis.registry.choices import EstablishmentStatus
from simis.registry.models import Establishment
from simis.registry.services import (
    establishment_branch_add,
    establishment_register,
    establishment_status_change,
    establishment_user_bind,
)
from simis.registry.tests.conftest import bind, user_make
from simis.registry.tests.factories import engagement_make, person_make

pytestmark = pytest.mark.django_db

BRANCH = {
    "name_ar": "فرع",
    "name_en": "Branch",
    "economic_activity": "47",
    "region": "01",
    "city": "الرياض",
    "office": "RUH",
}


def test_nour_trading_is_registered_with_branches_and_audited(nour) -> None:  # type: ignore[no-untyped-def]
    assert nour.main.is_main and nour.main.parent is None
    assert nour.jeddah.parent_id == nour.main.pk and nour.dammam.parent_id == nour.main.pk
    # Branches take the main's 700 number and CR unless they have their own.
    assert nour.jeddah.unified_number == nour.main.unified_number
    assert nour.main.number.isdigit()
    entry = AuditEntry.objects.filter(action="registry.establishment_registered").get()
    assert entry.subject_id == str(nour.main.pk) and entry.after["name_en"] == "Nour Trading"
    assert AuditEntry.objects.filter(action="registry.branch_added").count() == 2


def test_a_second_main_with_the_same_700_number_is_refused_and_the_refusal_audited(nour, khalid) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as refused:
        establishment_register(
            actor=khalid,
            unified_number=nour.main.unified_number,
            commercial_registration="1010999999",
            **BRANCH,
        )
    assert refused.value.code == "REG-103"
    assert nour.main.number in refused.value.message
    refusal = AuditEntry.objects.filter(action="registry.request_refused").get()
    assert refusal.outcome == "refused"
    assert refusal.extra["operation"] == "establishment_register" and refusal.extra["code"] == "REG-103"


def test_reference_codes_are_checked(khalid, parameters) -> None:  # type: ignore[no-untyped-def]
    base = {**BRANCH, "unified_number": "7005550001", "commercial_registration": "1010555000"}
    for field, code in (("region", "REG-107"), ("office", "REG-108"), ("economic_activity", "REG-109")):
        with pytest.raises(SimisError) as refused:
            establishment_register(actor=khalid, **{**base, field: "ZZ"})
        assert refused.value.code == code


def test_a_branch_of_a_branch_is_refused(nour, khalid) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as refused:
        establishment_branch_add(actor=khalid, main=nour.jeddah, **BRANCH)
    assert refused.value.code == "REG-105"


def test_an_employer_user_adds_branches_to_its_own_main_only(nour, badr) -> None:  # type: ignore[no-untyped-def]
    branch = establishment_branch_add(actor=nour.officer, main=nour.main, **BRANCH)
    assert branch.parent_id == nour.main.pk
    with pytest.raises(SimisError) as refused:
        establishment_branch_add(actor=nour.officer, main=badr, **BRANCH)
    assert refused.value.code == "IDN-040"


def test_an_insured_person_cannot_register_an_establishment(parameters) -> None:  # type: ignore[no-untyped-def]
    sara_user = user_make("sara", Audience.CONTRIBUTOR)
    with pytest.raises(SimisError) as refused:
        establishment_register(
            actor=sara_user, unified_number="7005550002", commercial_registration="1010555001", **BRANCH
        )
    assert refused.value.code == "REG-003"


def test_closing_needs_periods_terminated_and_branches_closed(nour, khalid) -> None:  # type: ignore[no-untyped-def]
    engagement_make(person_make(), nour.jeddah)
    with pytest.raises(SimisError) as active:
        establishment_status_change(
            actor=khalid, establishment=nour.jeddah, status=EstablishmentStatus.CLOSED
        )
    assert active.value.code == "REG-116"
    with pytest.raises(SimisError) as branches:
        establishment_status_change(actor=khalid, establishment=nour.main, status=EstablishmentStatus.CLOSED)
    assert branches.value.code == "REG-117"
    suspended = establishment_status_change(
        actor=khalid, establishment=nour.dammam, status=EstablishmentStatus.SUSPENDED
    )
    assert suspended.status == EstablishmentStatus.SUSPENDED
    entry = AuditEntry.objects.filter(action="registry.establishment_status_changed").get()
    assert (entry.before, entry.after) == ({"status": "active"}, {"status": "suspended"})


def test_only_staff_change_an_establishments_status(nour) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as refused:
        establishment_status_change(
            actor=nour.officer, establishment=nour.main, status=EstablishmentStatus.SUSPENDED
        )
    assert refused.value.code == "REG-002"


def test_a_suspended_establishment_takes_no_branches(nour, khalid) -> None:  # type: ignore[no-untyped-def]
    establishment_status_change(actor=khalid, establishment=nour.main, status=EstablishmentStatus.SUSPENDED)
    with pytest.raises(SimisError) as refused:
        establishment_branch_add(actor=khalid, main=Establishment.objects.get(pk=nour.main.pk), **BRANCH)
    assert refused.value.code == "REG-106"


# --- Users ----------------------------------------------------------------------------------------


def test_an_employer_user_is_bound_through_identity(nour, khalid) -> None:  # type: ignore[no-untyped-def]
    clerk = user_make("nour_clerk", Audience.EMPLOYER)
    membership = establishment_user_bind(
        actor=khalid, establishment=nour.jeddah, user=clerk, role="viewer", valid_from=date(2026, 1, 1)
    )
    assert (membership.org_kind, membership.org_key, membership.role) == (
        "establishment",
        nour.jeddah.number,
        "viewer",
    )
    assert AuditEntry.objects.filter(action="registry.establishment_user_bound").count() == 1
    assert AuditEntry.objects.filter(action="identity.organisation_bound").count() == 1


def test_binding_refusals(nour, khalid) -> None:  # type: ignore[no-untyped-def]
    staff_user = user_make("huda", Audience.STAFF)
    with pytest.raises(SimisError) as not_employer:
        establishment_user_bind(actor=khalid, establishment=nour.main, user=staff_user, role="officer")
    assert not_employer.value.code == "REG-112"
    clerk = user_make("nour_clerk", Audience.EMPLOYER)
    with pytest.raises(SimisError) as role:
        establishment_user_bind(actor=khalid, establishment=nour.main, user=clerk, role="owner")
    assert role.value.code == "REG-114"
    with pytest.raises(SimisError) as again:
        establishment_user_bind(actor=khalid, establishment=nour.main, user=nour.officer, role="officer")
    assert again.value.code == "REG-113"
    assert OrganisationMembership.objects.filter(user=clerk).count() == 0


def test_an_employer_user_cannot_bind_users_to_another_establishment(nour, badr) -> None:  # type: ignore[no-untyped-def]
    clerk = user_make("badr_clerk", Audience.EMPLOYER)
    with pytest.raises(SimisError) as refused:
        establishment_user_bind(actor=nour.officer, establishment=badr, user=clerk, role="officer")
    assert refused.value.code == "IDN-040"


def test_only_an_administrator_of_the_establishment_binds_users(nour) -> None:  # type: ignore[no-untyped-def]
    """nour.officer may change the register but not decide who else acts for Nour Trading."""
    clerk = user_make("nour_clerk", Audience.EMPLOYER)
    with pytest.raises(SimisError) as refused:
        establishment_user_bind(actor=nour.officer, establishment=nour.main, user=clerk, role="viewer")
    assert refused.value.code == "IDN-040"
    admin = user_make("nour_admin", Audience.EMPLOYER)
    bind(admin, nour.main.number, role="administrator")
    membership = establishment_user_bind(actor=admin, establishment=nour.jeddah, user=clerk, role="viewer")
    assert membership.role == "viewer"


def test_a_viewer_cannot_change_the_register(nour) -> None:  # type: ignore[no-untyped-def]
    watcher = user_make("nour_watcher", Audience.EMPLOYER)
    bind(watcher, nour.main.number, role="viewer")
    with pytest.raises(SimisError) as refused:
        establishment_branch_add(actor=watcher, main=nour.main, **BRANCH)
    assert refused.value.code == "IDN-040"


def test_an_unknown_status_is_refused(nour, khalid) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as refused:
        establishment_status_change(actor=khalid, establishment=nour.main, status="dormant")
    assert refused.value.code == "REG-120"
