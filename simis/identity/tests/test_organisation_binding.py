"""Organisation bindings carry a role; the scope knows it, and a new binding is seen at once."""

import pytest

from simis.core.errors import SimisError
from simis.identity.models import Audience, User
from simis.identity.public import organisation_bind, scope_require, user_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def nour_clerk():
    return User.objects.create_user(username="nour-clerk", password="x" * 16, audience=Audience.EMPLOYER)


def test_roles_rank_administrator_over_officer_over_viewer(nour_clerk):
    organisation_bind(
        actor=None, user=nour_clerk, org_kind="establishment", org_key="100000001", role="officer"
    )
    scope = user_scope(nour_clerk)
    assert scope.role("establishment", "100000001") == "officer"
    assert scope.allows("establishment", "100000001", role="viewer")
    assert scope.allows("establishment", "100000001", role="officer")
    assert not scope.allows("establishment", "100000001", role="administrator")
    assert not scope.allows("establishment", "100000002")
    with pytest.raises(SimisError) as refused:
        scope_require(nour_clerk, "establishment", "100000001", role="administrator")
    assert refused.value.code == "IDN-040"


def test_a_new_binding_is_seen_without_a_stale_cached_scope(nour_clerk):
    assert not user_scope(nour_clerk).allows("establishment", "100000001")  # cached now
    organisation_bind(
        actor=None, user=nour_clerk, org_kind="establishment", org_key="100000001", role="viewer"
    )
    assert user_scope(nour_clerk).allows("establishment", "100000001")
    organisation_bind(
        actor=None, user=nour_clerk, org_kind="establishment", org_key="100000001", role="administrator"
    )
    assert user_scope(nour_clerk).role("establishment", "100000001") == "administrator"


def test_unknown_kind_or_role_is_refused_with_a_code(nour_clerk):
    with pytest.raises(SimisError) as refused:
        organisation_bind(actor=None, user=nour_clerk, org_kind="establishment", org_key="1", role="owner")
    assert refused.value.code == "IDN-041"


def test_staff_hold_administrator_everywhere():
    khalid = User.objects.create_user(username="khalid-x", password="x" * 16, audience=Audience.STAFF)
    assert user_scope(khalid).allows("establishment", "anything", role="administrator")
