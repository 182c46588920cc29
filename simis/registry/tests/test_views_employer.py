"""The employer portal's pages: Nour Trading's officer sees and acts for Nour's main establishment
and branches only; Badr's officer gets 404 on anything of Nour's; staff open any establishment.
Lists page by keyset and answer htmx with the results alone; forms show the services' coded
refusals on the field concerned."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from simis.identity.models import Audience
from simis.portal.public import assert_fields_have_help_text
from simis.registry import forms as registry_forms
from simis.registry.choices import EngagementStatus
from simis.registry.models import Engagement, Person
from simis.registry.tests.conftest import user_make
from simis.registry.tests.factories import engagement_make, iqama, national_id, person_make, wage_make
from simis.registry.tests.views_support import (
    client_for,
    contributor_data,
    date_fields,
    this_month,
    today,
)

pytestmark = pytest.mark.django_db


def test_every_registry_form_field_has_help_text() -> None:
    """SUP-1: each visible field of every form of the register's pages explains itself."""
    assert_fields_have_help_text(
        registry_forms.WorkerFilterForm,
        registry_forms.ContributorRegisterForm,
        registry_forms.PeriodAddForm,
        registry_forms.TerminateForm,
        registry_forms.TransferForm,
        registry_forms.WageLineForm,
        registry_forms.WageChangeForm,
        registry_forms.BatchSummaryForm,
        registry_forms.InquiryForm,
        registry_forms.ContributorSearchForm,
        registry_forms.EstablishmentSearchForm,
    )


# --- Access and navigation ------------------------------------------------------------------------


def test_signed_out_visitors_are_sent_to_sign_in(client, nour) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("registry:workers", args=[nour.main.number]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("audience", "shown", "hidden"),
    [
        (Audience.EMPLOYER, {"registry-establishments", "registry-workers"}, {"registry-inquiries"}),
        (Audience.AGENCY, {"registry-inquiries"}, {"registry-workers", "registry-my-periods"}),
        (Audience.CONTRIBUTOR, {"registry-my-periods"}, {"registry-workers", "registry-inquiries"}),
        (
            Audience.STAFF,
            {"registry-establishments-staff", "registry-contributors", "registry-inquiries"},
            {"registry-my-periods"},
        ),
    ],
)
def test_navigation_per_audience(parameters, audience, shown, hidden) -> None:  # type: ignore[no-untyped-def]
    client = client_for(user_make(f"nav_{audience}", audience))
    html = client.get(reverse("portal:home")).content.decode()
    for key in shown:
        assert f'data-nav-key="{key}"' in html, key
    for key in hidden:
        assert f'data-nav-key="{key}"' not in html, key


def test_employer_dashboard_lists_main_and_branches_with_counts(nour, sara, khalid) -> None:  # type: ignore[no-untyped-def]
    ravi_like = person_make(nationality="IND")
    engagement_make(ravi_like, nour.main)
    pending = person_make(nationality="EGY")
    engagement_make(
        pending,
        nour.main,
        status=EngagementStatus.PENDING_REVIEW,
        review_reason="late_registration",
        disputed_from=date(2026, 1, 1),
        disputed_until=date(2026, 2, 1),
    )
    response = client_for(nour.officer).get(reverse("registry:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="establishment-card"') == 3
    card = html.split(f'data-number="{nour.main.number}"')[1].split('data-testid="establishment-card"')[0]
    assert 'data-testid="count-active">2<' in card
    assert 'data-testid="count-saudi">1<' in card
    assert 'data-testid="count-non-saudi">1<' in card
    assert 'data-testid="count-pending">1<' in card
    assert "Sara" in card


def test_staff_open_any_establishment_by_number(nour, badr, khalid) -> None:  # type: ignore[no-untyped-def]
    client = client_for(khalid)
    assert 'data-testid="establishment-card"' not in client.get(reverse("registry:home")).content.decode()
    response = client.get(reverse("registry:home"), {"number": badr.number})
    assert f'data-number="{badr.number}"' in response.content.decode()
    response = client.get(reverse("registry:home"), {"number": "999999999"})
    assert 'data-error-code="REGW-006"' in response.content.decode()


def test_another_employer_gets_404_on_every_page_of_nour(nour, sara, badr_officer) -> None:  # type: ignore[no-untyped-def]
    client = client_for(badr_officer)
    number = nour.main.number
    engagement = sara.engagement.pk
    for url in (
        reverse("registry:establishment", args=[number]),
        reverse("registry:workers", args=[number]),
        reverse("registry:contributor-new", args=[number]),
        reverse("registry:period-new", args=[number]),
        reverse("registry:wage-change", args=[number]) + f"?engagement={engagement}",
        reverse("registry:batches", args=[number]),
        reverse("registry:batch-new", args=[number]),
        reverse("registry:period-terminate", args=[engagement]),
        reverse("registry:period-transfer", args=[engagement]),
        reverse("registry:person", args=[sara.person.contributor_number]),
    ):
        assert client.get(url).status_code == 404, url
    # A posted form is refused the same way, and nothing changes.
    response = client.post(
        reverse("registry:period-terminate", args=[engagement]),
        {**date_fields("leave_date", today()), "reason": "resignation"},
    )
    assert response.status_code == 404
    assert Engagement.objects.get(pk=engagement).status == EngagementStatus.ACTIVE


def test_agency_and_contributor_users_have_no_employer_pages(nour, sara) -> None:  # type: ignore[no-untyped-def]
    for audience in (Audience.AGENCY, Audience.CONTRIBUTOR, Audience.HOSPITAL):
        client = client_for(user_make(f"other_{audience}", audience))
        assert client.get(reverse("registry:workers", args=[nour.main.number])).status_code == 404
        assert client.get(reverse("registry:home")).status_code == 404


# --- The worker list ------------------------------------------------------------------------------


@pytest.fixture
def workforce(nour, sara):  # type: ignore[no-untyped-def]
    """Sixty Indian workers at Nour's main establishment after Sara, occupation 7 for every third,
    two terminated, and one Saudi at the Jeddah branch."""
    people = []
    for index in range(60):
        person = person_make(nationality="IND", first_name_en="Anil" if index == 7 else "Mohammed")
        leave = date(2025, 6, 30) if index in (3, 4) else None
        engagement_make(person, nour.main, occupation_id="7" if index % 3 == 0 else "5", leave_date=leave)
        people.append(person)
    jeddah_worker = person_make(nationality="SAU", first_name_en="Jamal", first_name_ar="جمال")
    engagement_make(jeddah_worker, nour.jeddah)
    return {"people": people, "jeddah_worker": jeddah_worker}


def _rows(html: str) -> int:
    return html.count('data-testid="worker-row"')


def _count(html: str) -> int:
    """The number of matching workers the list's heading announces."""
    heading = html.split('data-testid="worker-count">')[1].split("</h2>")[0]
    return int(re.search(r"\d+", heading).group())  # type: ignore[union-attr]


def test_worker_list_pages_by_keyset_without_javascript(nour, workforce) -> None:  # type: ignore[no-untyped-def]
    client = client_for(nour.officer)
    url = reverse("registry:workers", args=[nour.main.number])
    first = client.get(url)
    html = first.content.decode()
    assert first.status_code == 200
    assert "<html" in html
    assert _rows(html) == 50
    assert "59 workers" in html  # 58 active Indians + Sara
    next_href = html.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    second = client.get(next_href).content.decode()
    assert _rows(second) == 9
    assert 'rel="next"' not in second
    assert "Page 2" in second
    previous_href = second.split('rel="prev" href="')[1].split('"')[0].replace("&amp;", "&")
    assert _rows(client.get(previous_href).content.decode()) == 50


def test_worker_list_answers_htmx_with_the_results_alone(nour, workforce) -> None:  # type: ignore[no-untyped-def]
    response = client_for(nour.officer).get(
        reverse("registry:workers", args=[nour.main.number]), {"q": "anil"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="worker-results"')
    assert _rows(html) == 1
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "terminated"}, 2),
        ({"status": "all"}, 61),
        ({"nationality": "saudi"}, 1),
        ({"nationality": "non_saudi", "status": "all"}, 60),
        ({"occupation": "7"}, 19),
        ({"q": "سارة"}, 1),
        ({"q": "alotaibi"}, 1),
        ({"q": "nobody-by-that-name"}, 0),
    ],
)
def test_worker_list_filters(nour, workforce, params, expected) -> None:  # type: ignore[no-untyped-def]
    html = client_for(nour.officer).get(reverse("registry:workers", args=[nour.main.number]), params).content
    assert _count(html.decode()) == expected
    assert _rows(html.decode()) == min(expected, 50)


def test_worker_list_finds_by_identity_and_contributor_number(nour, sara, sara_id, workforce) -> None:  # type: ignore[no-untyped-def]
    client = client_for(nour.officer)
    url = reverse("registry:workers", args=[nour.main.number])
    for text in (sara_id, str(sara.person.contributor_number)):
        html = client.get(url, {"q": text}).content.decode()
        assert _rows(html) == 1
        assert f'data-contributor="{sara.person.contributor_number}"' in html


def test_worker_list_of_a_branch_through_the_branch_filter(nour, workforce) -> None:  # type: ignore[no-untyped-def]
    client = client_for(nour.officer)
    html = client.get(reverse("registry:workers", args=[nour.main.number]), {"branch": nour.jeddah.number})
    assert _rows(html.content.decode()) == 1
    assert "Jamal" in html.content.decode()


def test_a_branch_of_another_main_is_not_a_filter_choice(nour, badr, workforce) -> None:  # type: ignore[no-untyped-def]
    client = client_for(nour.officer)
    html = client.get(reverse("registry:workers", args=[nour.main.number]), {"branch": badr.number})
    # An unknown choice resets the filters; Badr's workers never show.
    assert _rows(html.content.decode()) == 50


# --- REG-2: registering contributors --------------------------------------------------------------


def test_register_a_saudi_contributor_then_see_his_history(nour) -> None:  # type: ignore[no-untyped-def]
    client = client_for(nour.officer)
    number = national_id()
    response = client.post(
        reverse("registry:contributor-new", args=[nour.main.number]), contributor_data(identity_number=number)
    )
    person = Person.objects.get(identities__number=number)
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:person", args=[person.contributor_number])
    assert person.birth_date_calendar == "gregorian"
    page = client.get(response["Location"]).content.decode()
    assert "is registered at establishment" in page
    assert "Fahad Saad Aldosari" in page
    assert 'data-status="active"' in page
    assert "6,000.00" in page


def test_register_a_non_saudi_contributor_with_iqama_and_passport(nour) -> None:  # type: ignore[no-untyped-def]
    client = client_for(nour.officer)
    number = iqama()
    response = client.post(
        reverse("registry:contributor-new", args=[nour.jeddah.number]),
        contributor_data(
            nationality="PAK",
            identity_kind="iqama",
            identity_number=number,
            passport_number="AB1234567",
            first_name_en="Imran",
            family_name_en="Khan",
            first_name_ar="عمران",
            family_name_ar="خان",
            occupation="7",
        ),
    )
    assert response.status_code == 302
    person = Person.objects.get(identities__number=number)
    assert person.nationality_id == "PAK"
    assert set(person.identities.values_list("kind", flat=True)) == {"iqama", "passport"}
    assert person.engagements.get().establishment == nour.jeddah


def test_register_refusals_are_shown_coded_on_their_field(nour, sara, sara_id) -> None:  # type: ignore[no-untyped-def]
    client = client_for(nour.officer)
    url = reverse("registry:contributor-new", args=[nour.main.number])
    duplicate = client.post(url, contributor_data(identity_number=sara_id))
    assert duplicate.status_code == 400
    form = duplicate.context["form"]
    assert "REG-201" in form.errors["identity_number"][0]
    assert str(sara.person.contributor_number) in form.errors["identity_number"][0]

    young = client.post(
        url,
        contributor_data(
            identity_number=national_id(), **date_fields("birth_date", today() - timedelta(days=3650))
        ),
    )
    assert "REG-210" in young.context["form"].errors["birth_date"][0]

    saudi_with_iqama = client.post(url, contributor_data(identity_kind="iqama", identity_number=iqama()))
    assert saudi_with_iqama.context["form"].errors["identity_kind"][0][:7] in {"REG-203", "REG-204"}

    bad_check_digit = client.post(url, contributor_data(identity_number="1000000000"))
    assert any(e.startswith("IDF-") for e in bad_check_digit.context["form"].errors["identity_number"]), (
        bad_check_digit.context["form"].errors
    )
    assert Person.objects.count() == 1


def test_an_unreadable_date_is_refused_with_its_date_code(nour) -> None:  # type: ignore[no-untyped-def]
    client = client_for(nour.officer, language="ar")
    data = contributor_data(identity_number=national_id(), birth_date="31/02/1995")
    response = client.post(reverse("registry:contributor-new", args=[nour.main.number]), data)
    assert response.status_code == 400
    errors = response.context["form"].errors["birth_date"]
    assert errors
    assert response.content.decode().count("is-invalid") >= 1


def test_a_hijri_birth_date_is_stored_gregorian_and_remembered_as_hijri(nour) -> None:  # type: ignore[no-untyped-def]
    client = client_for(nour.officer)
    number = national_id()
    data = contributor_data(identity_number=number, birth_date="01/01/1415", birth_date_calendar="hijri")
    assert client.post(reverse("registry:contributor-new", args=[nour.main.number]), data).status_code == 302
    person = Person.objects.get(identities__number=number)
    assert person.birth_date == date(1994, 6, 10)
    assert person.birth_date_calendar == "hijri"


def test_a_refusal_outside_any_field_shows_at_the_top_in_both_languages(nour, khalid) -> None:  # type: ignore[no-untyped-def]
    from simis.registry.services import establishment_status_change

    establishment_status_change(actor=khalid, establishment=nour.dammam, status="suspended")
    client = client_for(nour.officer)
    response = client.post(
        reverse("registry:contributor-new", args=[nour.dammam.number]),
        contributor_data(identity_number=national_id()),
    )
    html = response.content.decode()
    assert 'data-error-code="REG-106"' in html
    assert "is Suspended" in html or "suspended" in html.lower()
    assert 'lang="ar"' in html.split('data-error-code="REG-106"')[1].split("</div>")[1] or "المنشأة" in html


# --- REG-3: periods -------------------------------------------------------------------------------


def test_add_a_period_for_a_contributor_registered_elsewhere(nour, ravi) -> None:  # type: ignore[no-untyped-def]
    client = client_for(nour.officer)
    ravi_iqama = ravi.person.identities.get(kind="iqama").number
    lookup = client.get(
        reverse("registry:period-lookup", args=[nour.main.number]), {"identity_number": ravi_iqama}
    )
    assert "Ravi" in lookup.content.decode()
    response = client.post(
        reverse("registry:period-new", args=[nour.main.number]),
        {
            "identity_number": ravi_iqama,
            **date_fields("join_date", this_month()),
            "occupation": "7",
            "basic": "3000",
            "housing": "750",
            "other": "0",
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    assert ravi.person.engagements.filter(establishment=nour.main).exists()


def test_add_a_period_for_nobody_is_refused_with_a_code(nour) -> None:  # type: ignore[no-untyped-def]
    response = client_for(nour.officer).post(
        reverse("registry:period-new", args=[nour.main.number]),
        {
            "identity_number": national_id(),
            **date_fields("join_date", this_month()),
            "occupation": "7",
            "basic": "3000",
        },
    )
    assert response.status_code == 400
    assert "REGW-001" in response.context["form"].errors["identity_number"][0]


def test_terminate_a_period(nour, sara) -> None:  # type: ignore[no-untyped-def]
    client = client_for(nour.officer)
    url = reverse("registry:period-terminate", args=[sara.engagement.pk])
    assert client.get(url).status_code == 200
    before_join = client.post(url, {**date_fields("leave_date", date(2003, 1, 1)), "reason": "resignation"})
    assert "REG-304" in before_join.context["form"].errors["leave_date"][0]
    response = client.post(url, {**date_fields("leave_date", today()), "reason": "resignation"})
    assert response.status_code == 302
    sara.engagement.refresh_from_db()
    assert sara.engagement.status == EngagementStatus.TERMINATED
    assert sara.engagement.leave_date == today()
    page = client.get(response["Location"]).content.decode()
    assert "Resignation" in page
    assert 'data-testid="period-actions"' not in page


def test_transfer_to_a_branch_of_the_same_main(nour, sara) -> None:  # type: ignore[no-untyped-def]
    client = client_for(nour.officer)
    url = reverse("registry:period-transfer", args=[sara.engagement.pk])
    form_page = client.get(url).content.decode()
    assert nour.jeddah.number in form_page and nour.dammam.number in form_page
    too_early = client.post(
        url, {"target": nour.jeddah.number, **date_fields("transfer_date", date(2004, 1, 1))}
    )
    assert "REG-603" in too_early.context["form"].errors["transfer_date"][0]
    response = client.post(url, {"target": nour.jeddah.number, **date_fields("transfer_date", today())})
    assert response.status_code == 302
    moved = Engagement.objects.get(person=sara.person, establishment=nour.jeddah)
    assert moved.join_date == today()
    assert moved.transferred_from_id == sara.engagement.pk


def test_a_branch_officer_cannot_transfer_to_a_sibling_it_does_not_act_for(nour, khalid) -> None:  # type: ignore[no-untyped-def]
    from simis.registry.tests.conftest import bind

    officer = user_make("jeddah_only", Audience.EMPLOYER)
    bind(officer, nour.jeddah.number)
    worker = person_make()
    engagement = engagement_make(worker, nour.jeddah)
    wage_make(engagement)
    response = client_for(officer).get(reverse("registry:period-transfer", args=[engagement.pk]))
    assert response.status_code == 200
    assert 'data-error-code="REGW-004"' in response.content.decode()


def test_a_viewer_reads_but_is_offered_no_change(nour, sara) -> None:  # type: ignore[no-untyped-def]
    from simis.registry.tests.conftest import bind

    viewer = user_make("nour_viewer", Audience.EMPLOYER)
    bind(viewer, nour.main.number, role="viewer")
    client = client_for(viewer)
    workers_page = client.get(reverse("registry:workers", args=[nour.main.number])).content.decode()
    assert 'data-testid="worker-row"' in workers_page
    assert 'name="engagement"' not in workers_page
    assert 'data-testid="action-register"' not in workers_page
    history = client.get(reverse("registry:person", args=[sara.person.contributor_number])).content.decode()
    assert 'data-testid="period-actions"' not in history
    # Posting anyway is refused by the service, with its code at the top of the form.
    response = client.post(
        reverse("registry:period-terminate", args=[sara.engagement.pk]),
        {**date_fields("leave_date", today()), "reason": "resignation"},
    )
    assert 'data-error-code="IDN-040"' in response.content.decode()
    assert Engagement.objects.get(pk=sara.engagement.pk).status == EngagementStatus.ACTIVE


def test_the_establishment_overview_shows_its_group_counts_and_latest_registrations(nour, sara) -> None:  # type: ignore[no-untyped-def]
    html = client_for(nour.officer).get(reverse("registry:establishment", args=[nour.main.number])).content
    page = html.decode()
    assert 'data-testid="count-active">1<' in page
    assert "Sara" in page
    for member in (nour.main, nour.jeddah, nour.dammam):
        assert member.number in page
    assert 'data-testid="action-register"' in page
