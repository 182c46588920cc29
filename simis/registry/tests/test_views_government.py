"""Government inquiries (GOV-1): an agency user looks up a contributor by identity number, an
employer by establishment or 700 number, and the workers registered there — each time stating a
purpose; without one nothing is looked up."""

from __future__ import annotations

import pytest
from django.urls import reverse

from simis.identity.models import Audience
from simis.registry.tests.conftest import user_make
from simis.registry.tests.factories import engagement_make, person_make
from simis.registry.tests.views_support import agency_user_make, client_for

pytestmark = pytest.mark.django_db

PURPOSE = {"purpose": "eligibility", "purpose_detail": "Housing support file 1447/2291"}


@pytest.fixture
def agency(db):  # type: ignore[no-untyped-def]
    return client_for(agency_user_make())


def test_the_inquiry_page_opens_with_an_empty_form(agency) -> None:  # type: ignore[no-untyped-def]
    response = agency.get(reverse("registry:inquiries"))
    assert response.status_code == 200
    assert 'data-testid="inquiry-form"' in response.content.decode()
    assert 'data-testid="coded-error"' not in response.content.decode()


def test_find_a_contributor_by_identity_number(agency, sara, sara_id) -> None:  # type: ignore[no-untyped-def]
    response = agency.get(reverse("registry:inquiries"), {"kind": "person", "number": sara_id, **PURPOSE})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="inquiry-person"' in html
    assert "Sara Abdullah Mohammed Alotaibi" in html
    assert str(sara.person.contributor_number) in html
    # GOV-1 "query a beneficiary or contributor": the agency sees the periods and wages too.
    assert html.count('data-testid="period"') == len(sara.person.engagements.all())
    assert 'data-testid="wage-history"' in html
    assert 'data-testid="period-actions"' not in html


def test_every_inquiry_is_audited_with_its_purpose_and_what_it_showed(agency, sara, sara_id, nour) -> None:  # type: ignore[no-untyped-def]
    from simis.audit.models import AuditEntry

    agency.get(reverse("registry:inquiries"), {"kind": "person", "number": sara_id, **PURPOSE})
    agency.get(reverse("registry:inquiries"), {"kind": "workers", "number": nour.main.number, **PURPOSE})
    person_entry, workers_entry = AuditEntry.objects.filter(action="registry.government_lookup").order_by(
        "id"
    )
    assert person_entry.actor_audience == "agency"
    assert person_entry.extra["purpose"] == "eligibility: Housing support file 1447/2291"
    assert person_entry.extra["query"]["number"] == sara_id
    assert person_entry.extra["shown"]["contributor_number"] == sara.person.contributor_number
    assert person_entry.extra["shown"]["periods"]  # the periods the agency was shown
    assert workers_entry.extra["shown"]["establishment"] == nour.main.number
    assert sara.person.contributor_number in workers_entry.extra["shown"]["contributor_numbers"]


def test_no_purpose_no_lookup(agency, sara, sara_id) -> None:  # type: ignore[no-untyped-def]
    for missing in ({}, {"purpose": "eligibility"}, {"purpose_detail": "file 12"}):
        response = agency.get(reverse("registry:inquiries"), {"kind": "person", "number": sara_id, **missing})
        html = response.content.decode()
        assert response.status_code == 400
        assert 'data-error-code="REGW-005"' in html
        assert "Alotaibi" not in html
    from simis.audit.models import AuditEntry

    assert not AuditEntry.objects.filter(action="registry.government_lookup").exists()


def test_find_an_employer_by_establishment_or_unified_number(agency, nour) -> None:  # type: ignore[no-untyped-def]
    for number in (nour.main.number, nour.main.unified_number):
        response = agency.get(
            reverse("registry:inquiries"), {"kind": "establishment", "number": number, **PURPOSE}
        )
        html = response.content.decode()
        assert 'data-testid="inquiry-establishment"' in html
        assert "Nour Trading" in html
        assert 'data-testid="list-workers"' in html


def test_list_the_workers_of_an_establishment_in_pages(agency, nour, sara) -> None:  # type: ignore[no-untyped-def]
    for _ in range(55):
        engagement_make(person_make(nationality="IND"), nour.main)
    url = reverse("registry:inquiries")
    params = {"kind": "workers", "number": nour.main.number, **PURPOSE}
    html = agency.get(url, params).content.decode()
    assert "56 active workers" in html
    assert html.count('data-testid="worker-row"') == 50
    next_href = html.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    assert "purpose=eligibility" in next_href
    second = agency.get(next_href, HTTP_HX_REQUEST="true")
    assert second.content.decode().lstrip().startswith('<section id="gov-workers"')
    assert second.content.decode().count('data-testid="worker-row"') == 6


def test_nothing_found_is_said_with_a_code(agency, parameters) -> None:  # type: ignore[no-untyped-def]
    response = agency.get(
        reverse("registry:inquiries"), {"kind": "person", "number": "1999999999", **PURPOSE}
    )
    assert 'data-error-code="REGW-006"' in response.content.decode()


def test_an_agency_user_bound_to_no_agency_is_refused(sara, sara_id) -> None:  # type: ignore[no-untyped-def]
    client = client_for(user_make("unbound_agency", Audience.AGENCY))
    response = client.get(reverse("registry:inquiries"), {"kind": "person", "number": sara_id, **PURPOSE})
    assert response.status_code == 403
    assert 'data-error-code="REG-001"' in response.content.decode()
    assert "Alotaibi" not in response.content.decode()


def test_employers_and_contributors_have_no_inquiry_page(nour) -> None:  # type: ignore[no-untyped-def]
    assert client_for(nour.officer).get(reverse("registry:inquiries")).status_code == 404
    contributor = client_for(user_make("someone", Audience.CONTRIBUTOR))
    assert contributor.get(reverse("registry:inquiries")).status_code == 404


def test_staff_may_inquire_too(khalid, sara, sara_id) -> None:  # type: ignore[no-untyped-def]
    response = client_for(khalid).get(
        reverse("registry:inquiries"), {"kind": "person", "number": sara_id, **PURPOSE}
    )
    assert 'data-testid="inquiry-person"' in response.content.decode()
