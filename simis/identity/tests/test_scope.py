"""Employer, hospital and agency users see only their own organisations' records."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from simis.core.errors import SimisError
from simis.identity.models import Audience, OrganisationKind, OrganisationMembership, OrganisationRole
from simis.identity.public import scope_filter, scope_require, user_scope
from simis.identity.tests.conftest import Persona, make_user, sign_in

pytestmark = pytest.mark.django_db

NOUR = "7000000001"  # Nour Trading
BADR = "7000000002"  # Badr Builders
BY_ESTABLISHMENT = {OrganisationKind.ESTABLISHMENT: "org_key"}


def _bind(persona: Persona, key: str, **dates) -> OrganisationMembership:  # type: ignore[no-untyped-def]
    return OrganisationMembership.objects.create(
        user=persona.user,
        org_kind=OrganisationKind.ESTABLISHMENT,
        org_key=key,
        role=OrganisationRole.ADMINISTRATOR,
        **dates,
    )


@pytest.fixture
def nour() -> Persona:
    persona = make_user("nour", Audience.EMPLOYER, totp=False)
    _bind(persona, NOUR)
    return persona


@pytest.fixture
def badr() -> Persona:
    persona = make_user("badr", Audience.EMPLOYER, totp=False)
    _bind(persona, BADR)
    return persona


def test_employer_queryset_is_limited_to_own_establishment(nour: Persona, badr: Persona) -> None:
    records = OrganisationMembership.objects.filter(org_kind=OrganisationKind.ESTABLISHMENT)
    seen = set(scope_filter(records, nour.user, BY_ESTABLISHMENT).values_list("org_key", flat=True))
    assert seen == {NOUR}


def test_staff_see_everything_and_others_nothing(khalid: Persona, nour: Persona, badr: Persona) -> None:
    records = OrganisationMembership.objects.all()
    assert scope_filter(records, khalid.user, BY_ESTABLISHMENT).count() == 2
    sara = make_user("sara", Audience.CONTRIBUTOR, totp=False).user
    assert scope_filter(records, sara, BY_ESTABLISHMENT).count() == 0
    # A kind the view did not map gives no access, even to a bound user.
    assert scope_filter(records, nour.user, {OrganisationKind.HOSPITAL: "org_key"}).count() == 0


def test_ended_and_future_bindings_do_not_count(badr: Persona) -> None:
    today = timezone.localdate()
    _bind(badr, "7000000003", valid_from=today - timedelta(days=30), valid_to=today - timedelta(days=1))
    _bind(badr, "7000000004", valid_from=today + timedelta(days=1))
    assert user_scope(badr.user).establishments == frozenset({BADR})


def test_scope_require_raises_a_coded_error(nour: Persona) -> None:
    scope_require(nour.user, OrganisationKind.ESTABLISHMENT, NOUR)
    with pytest.raises(SimisError) as exc:
        scope_require(nour.user, OrganisationKind.ESTABLISHMENT, BADR)
    assert exc.value.code == "IDN-040"


def test_employer_pages_show_own_organisation_and_hide_others(
    client: Client, nour: Persona, badr: Persona
) -> None:
    sign_in(client, nour)
    own = client.get(f"/identity/organisations/establishment/{NOUR}/users/")
    assert own.status_code == 200 and b"nour" in own.content
    assert client.get(f"/identity/organisations/establishment/{BADR}/users/").status_code == 404
    listing = client.get("/identity/organisations/")
    assert NOUR.encode() in listing.content and BADR.encode() not in listing.content


def test_scoped_queryset_mixin_filters_list_views(nour: Persona, badr: Persona) -> None:
    from django.test import RequestFactory
    from django.views.generic import ListView

    from simis.identity.public import ScopedQuerysetMixin

    class MembershipList(ScopedQuerysetMixin, ListView):
        model = OrganisationMembership
        scope_field_map = BY_ESTABLISHMENT

    view = MembershipList()
    view.request = RequestFactory().get("/")
    view.request.user = nour.user
    assert {m.org_key for m in view.get_queryset()} == {NOUR}

    class Forgetful(ScopedQuerysetMixin, ListView):
        model = OrganisationMembership

    forgetful = Forgetful()
    forgetful.request = view.request
    with pytest.raises(TypeError):
        forgetful.get_queryset()
