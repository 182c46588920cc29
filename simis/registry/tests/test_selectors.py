"""Reads of the register, and who may see what through them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from simis.core.errors import SimisError
from simis.core.money import Money
from simis.identity.models import Audience, OrganisationMembership
from simis.registry.choices import EngagementStatus
from simis.registry.models import Engagement
from simis.registry.selectors import (
    contributor_periods,
    engagement_wage_on,
    engagements_in_month,
    establishment_get,
    establishment_group,
    establishment_list,
    establishment_workers,
    government_contributor_periods,
    government_establishment_lookup,
    government_establishment_workers,
    government_person_lookup,
    person_by_contributor_number,
    person_by_identity,
    person_own,
)
from simis.registry.services import (
    WageInput,
    WageLine,
    contributor_transfer,
    contributor_user_link,
    wage_change,
)
from simis.registry.tests.conftest import TODAY, user_make
from simis.registry.tests.factories import engagement_make, person_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency_user(db):  # type: ignore[no-untyped-def]
    user = user_make("moi_clerk", Audience.AGENCY)
    OrganisationMembership.objects.create(user=user, org_kind="agency", org_key="MOI", role="viewer")
    return user


# --- Establishments -------------------------------------------------------------------------------


def test_an_employer_user_sees_its_main_and_branches_only(nour, badr) -> None:  # type: ignore[no-untyped-def]
    numbers = [e.number for e in establishment_list(user=nour.officer)]
    assert numbers == [nour.main.number, *sorted([nour.jeddah.number, nour.dammam.number])]
    assert establishment_get(user=nour.officer, number=nour.jeddah.number) == nour.jeddah
    assert establishment_get(user=nour.officer, number=badr.number) is None
    assert list(establishment_group(nour.dammam)) == [
        nour.main,
        *sorted([nour.jeddah, nour.dammam], key=lambda e: e.number),
    ]


def test_staff_see_every_establishment(nour, badr, khalid) -> None:  # type: ignore[no-untyped-def]
    assert establishment_get(user=khalid, number=badr.number) == badr
    assert establishment_list(user=khalid).count() == 4


# --- Workers --------------------------------------------------------------------------------------


@pytest.fixture
def workforce(nour):  # type: ignore[no-untyped-def]
    """Nour Trading's main establishment: 5 Indian workers, 3 Egyptian (one terminated)."""
    rows = []
    for i in range(5):
        rows.append(
            engagement_make(
                person_make(nationality="IND", first_name_en=f"Ravi{i}"), nour.main, occupation_id="7"
            )
        )
    for i in range(3):
        leave = {"leave_date": date(2020, 1, 1)} if i == 0 else {}
        rows.append(
            engagement_make(
                person_make(nationality="EGY", first_name_en=f"Omar{i}"),
                nour.main,
                occupation_id="9",
                **leave,
            )
        )
    return rows


def test_workers_are_paged_by_keyset_newest_first(nour, workforce) -> None:  # type: ignore[no-untyped-def]
    first = establishment_workers(nour.main, user=nour.officer, page_size=3, with_total=True)
    assert first.total == 7 and len(first.rows) == 3 and first.next_cursor is not None
    second = establishment_workers(nour.main, user=nour.officer, page_size=3, cursor=first.next_cursor)
    third = establishment_workers(nour.main, user=nour.officer, page_size=3, cursor=second.next_cursor)
    ids = [r.engagement_id for page in (first, second, third) for r in page.rows]
    assert ids == sorted(ids, reverse=True) and len(ids) == 7 and third.next_cursor is None


def test_workers_filtered_by_status_nationality_occupation_and_name(nour, workforce) -> None:  # type: ignore[no-untyped-def]
    def ids(**kw):  # type: ignore[no-untyped-def]
        return {r.engagement_id for r in establishment_workers(nour.main, user=nour.officer, **kw).rows}

    assert len(ids(status=None)) == 8
    assert len(ids(status=EngagementStatus.TERMINATED)) == 1
    assert len(ids(nationality="egy")) == 2
    assert len(ids(occupation="7")) == 5
    assert ids(search="omar2") == {workforce[7].pk}
    contributor = workforce[0].person.contributor_number
    assert ids(search=str(contributor)) == {workforce[0].pk}
    identity = workforce[1].person.identities.get().number
    assert ids(search=identity) == {workforce[1].pk}


def test_another_employer_cannot_list_nours_workers(nour, badr_officer, workforce) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as refused:
        establishment_workers(nour.main, user=badr_officer)
    assert refused.value.code == "IDN-040"


# --- Persons --------------------------------------------------------------------------------------


def test_person_lookup_by_identity_is_scoped(sara, ravi, nour, khalid, sara_id) -> None:  # type: ignore[no-untyped-def]
    assert person_by_identity(user=khalid, number=sara_id) == sara.person
    assert person_by_identity(user=nour.officer, number=sara_id) == sara.person
    ravi_iqama = ravi.person.identities.get(kind="iqama").number
    assert person_by_identity(user=nour.officer, number=ravi_iqama) is None
    assert person_by_identity(user=khalid, number="z1234567", kind="passport", country="IND") == ravi.person
    assert (
        person_by_contributor_number(user=khalid, contributor_number=sara.person.contributor_number)
        == sara.person
    )


def test_a_contributor_sees_only_themselves(sara, ravi, khalid, sara_id) -> None:  # type: ignore[no-untyped-def]
    account = user_make("sara", Audience.CONTRIBUTOR)
    contributor_user_link(actor=khalid, person=sara.person, user=account)
    assert person_own(user=account) == sara.person
    assert person_by_identity(user=account, number=sara_id) == sara.person
    assert (
        person_by_contributor_number(user=account, contributor_number=ravi.person.contributor_number) is None
    )
    with pytest.raises(SimisError):
        contributor_periods(ravi.person, user=account)


def test_the_contributors_periods_with_establishments_and_wage_history(sara, nour, khalid) -> None:  # type: ignore[no-untyped-def]
    """ANN-5: Sara sees the main establishment period, then Jeddah after her transfer, each with wages."""
    wage_change(
        actor=khalid,
        establishment=nour.main,
        month=date(2010, 1, 1),
        lines=[
            WageLine(sara.engagement, WageInput(basic=Money(Decimal("7000")), housing=Money(Decimal("1750"))))
        ],
    )
    contributor_transfer(
        actor=khalid,
        engagement=sara.engagement,
        target=nour.jeddah,
        transfer_date=date(2026, 3, 1),
        requested_on=TODAY,
    )
    account = user_make("sara", Audience.CONTRIBUTOR)
    contributor_user_link(actor=khalid, person=sara.person, user=account)
    periods = contributor_periods(sara.person, user=account)
    assert [p.establishment_name_en for p in periods] == ["Nour Trading", "Nour Trading - Jeddah"]
    assert [w.effective_from for w in periods[0].wages] == [date(2004, 1, 1), date(2010, 1, 1)]
    assert periods[0].wages[1].contributory_wage == Money(8750)
    assert periods[1].wages[0].basic == Money(7000)


def test_an_employer_sees_only_the_periods_at_its_establishments(
    sara, nour, badr, badr_officer, khalid
) -> None:  # type: ignore[no-untyped-def]
    engagement_make(sara.person, badr, join_date=date(2026, 3, 1))
    assert len(contributor_periods(sara.person, user=badr_officer)) == 1
    assert len(contributor_periods(sara.person, user=khalid)) == 2


# --- Government (GOV-1) ---------------------------------------------------------------------------


def test_government_lookups_for_agency_users(sara, nour, agency_user, sara_id) -> None:  # type: ignore[no-untyped-def]
    assert government_person_lookup(user=agency_user, number=sara_id) == sara.person
    assert government_establishment_lookup(user=agency_user, number=nour.main.unified_number) == nour.main
    assert government_establishment_lookup(user=agency_user, number=nour.jeddah.number) == nour.jeddah
    page = government_establishment_workers(nour.main, user=agency_user, with_total=True)
    assert page.total == 1 and page.rows[0].contributor_number == sara.person.contributor_number
    periods = government_contributor_periods(sara.person, user=agency_user)
    assert [p.establishment_number for p in periods] == [
        e.establishment.number for e in sara.person.engagements.order_by("join_date", "pk")
    ]


def test_government_lookups_are_refused_to_employers(sara, nour, sara_id) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as refused:
        government_person_lookup(user=nour.officer, number=sara_id)
    assert refused.value.code == "REG-001"
    with pytest.raises(SimisError) as periods_refused:
        government_contributor_periods(sara.person, user=nour.officer)
    assert periods_refused.value.code == "REG-001"


# --- For billing ----------------------------------------------------------------------------------


def test_periods_in_a_month_and_the_wage_in_force(sara, nour, khalid) -> None:  # type: ignore[no-untyped-def]
    ended = engagement_make(
        person_make(), nour.main, join_date=date(2020, 1, 1), leave_date=date(2026, 1, 31)
    )
    in_february = list(engagements_in_month(nour.main, date(2026, 2, 1)))
    assert sara.engagement in in_february and ended not in in_february
    assert ended in engagements_in_month(nour.main, date(2026, 1, 1))
    assert engagement_wage_on(sara.engagement, date(2015, 6, 1)) == sara.wage
    assert engagement_wage_on(Engagement.objects.get(pk=ended.pk), date(2019, 1, 1)) is None
