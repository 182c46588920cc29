"""A contributor's history (employer and staff) and "My contribution periods" (ANN-5): periods,
establishments, join and leave dates in both calendars, wage history, status changes and a
pending review's reason — and nobody else's."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from simis.identity.models import Audience
from simis.registry.services import contributor_user_link, engagement_terminate
from simis.registry.tests.conftest import user_make
from simis.registry.tests.factories import engagement_make, person_make, wage_make
from simis.registry.tests.views_support import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def sara_account(sara, khalid):  # type: ignore[no-untyped-def]
    """Sara's own portal account, linked to her contributor record."""
    account = user_make("sara_account", Audience.CONTRIBUTOR)
    contributor_user_link(actor=khalid, person=sara.person, user=account)
    return account


def test_the_employer_sees_a_workers_history_in_both_calendars(nour, sara) -> None:  # type: ignore[no-untyped-def]
    client = client_for(nour.officer)
    html = client.get(reverse("registry:person", args=[sara.person.contributor_number])).content.decode()
    assert 'data-testid="person-name">Sara Abdullah Mohammed Alotaibi<' in html
    assert '<time datetime="2004-01-01">' in html
    assert "Dhu al-Qadah 1424" in html  # 1 Jan 2004, Hijri first by default
    assert "4,000.00" in html and "1,000.00" in html
    assert 'data-testid="status-changes"' in html
    assert "Contributor registered" in html or "Contribution period" in html or "Engagement" in html
    assert 'data-testid="period-actions"' in html


def test_a_pending_review_shows_its_reason(nour, khalid) -> None:  # type: ignore[no-untyped-def]
    person = person_make(first_name_en="Late")
    engagement = engagement_make(
        person,
        nour.main,
        status="pending_review",
        review_reason="late_registration",
        disputed_from=date(2026, 1, 1),
        disputed_until=date(2026, 3, 1),
    )
    wage_make(engagement)
    html = client_for(nour.officer).get(reverse("registry:person", args=[person.contributor_number])).content
    page = html.decode()
    assert 'data-testid="review-reason"' in page
    assert "Registered after the deadline" in page
    assert "2026-01 – 2026-03" in page
    assert 'data-testid="pending-badge"' in page


def test_the_employer_sees_only_the_periods_at_its_establishments(nour, badr, sara, khalid) -> None:  # type: ignore[no-untyped-def]
    engagement_terminate(
        actor=khalid,
        engagement=sara.engagement,
        leave_date=date(2010, 12, 31),
        reason="resignation",
        requested_on=date(2011, 1, 10),
    )
    elsewhere = engagement_make(sara.person, badr, join_date=date(2011, 1, 1))
    wage_make(elsewhere)
    html = (
        client_for(nour.officer)
        .get(reverse("registry:person", args=[sara.person.contributor_number]))
        .content
    )
    assert html.decode().count('data-testid="period"') == 1
    staff_html = (
        client_for(khalid).get(reverse("registry:person", args=[sara.person.contributor_number])).content
    )
    assert staff_html.decode().count('data-testid="period"') == 2


def test_the_contributor_sees_their_own_periods(sara, sara_account) -> None:  # type: ignore[no-untyped-def]
    client = client_for(sara_account, language="ar")
    response = client.get(reverse("registry:my-periods"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="ar"' in html and 'dir="rtl"' in html
    assert "سارة عبدالله محمد العتيبي" in html
    assert "شركة نور للتجارة" in html
    assert html.count('data-testid="period"') == 1
    assert 'data-testid="period-actions"' not in html
    # Their own record by number opens too.
    assert client.get(reverse("registry:person", args=[sara.person.contributor_number])).status_code == 200


def test_a_contributor_cannot_open_another_persons_periods(sara, ravi, sara_account) -> None:  # type: ignore[no-untyped-def]
    client = client_for(sara_account)
    assert client.get(reverse("registry:person", args=[ravi.person.contributor_number])).status_code == 404


def test_an_unlinked_account_is_told_so(db, parameters) -> None:  # type: ignore[no-untyped-def]
    client = client_for(user_make("new_person", Audience.CONTRIBUTOR))
    html = client.get(reverse("registry:my-periods")).content.decode()
    assert 'data-testid="not-linked"' in html


def test_my_periods_is_for_contributors_only(nour) -> None:  # type: ignore[no-untyped-def]
    assert client_for(nour.officer).get(reverse("registry:my-periods")).status_code == 404


def test_agency_users_cannot_open_a_history(sara) -> None:  # type: ignore[no-untyped-def]
    from simis.registry.tests.views_support import agency_user_make

    client = client_for(agency_user_make())
    assert client.get(reverse("registry:person", args=[sara.person.contributor_number])).status_code == 404


def test_staff_find_a_contributor_by_identity_or_number(sara, sara_id, khalid) -> None:  # type: ignore[no-untyped-def]
    client = client_for(khalid)
    target = reverse("registry:person", args=[sara.person.contributor_number])
    for number in (sara_id, str(sara.person.contributor_number)):
        response = client.get(reverse("registry:contributor-search"), {"number": number})
        assert response.status_code == 302
        assert response["Location"] == target
    missing = client.get(reverse("registry:contributor-search"), {"number": "1999999999"})
    assert 'data-error-code="REGW-006"' in missing.content.decode()
