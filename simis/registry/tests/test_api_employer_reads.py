"""The employer web services' reads and who may call them (CH-3, REG-1, ANN-5): Nour Trading's
payroll system sees Nour's establishment, branches, workers and their periods — and nothing of
Badr Builders', which it cannot even tell exists. Every call is signed for real."""

from __future__ import annotations

from datetime import date

import pytest

from simis.api.tests.conftest import SignedCaller
from simis.registry.models import Engagement
from simis.registry.tests.api_support import (
    REGISTRY,
    agency,
    assert_refused,
    assert_signed_by_simis,
    employer_system,
    partner_entries,
    partner_make,
)
from simis.registry.tests.factories import engagement_make, person_make, wage_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def caller(client) -> SignedCaller:  # type: ignore[no-untyped-def]
    return SignedCaller(client)


@pytest.fixture
def nour_system(nour):  # type: ignore[no-untyped-def]
    """Nour Trading's payroll system, acting for the main establishment and its branches."""
    return employer_system("NOUR-TRADING", nour.main)


@pytest.fixture
def badr_system(badr):  # type: ignore[no-untyped-def]
    return employer_system("BADR-BUILDERS", badr)


# --- Establishments -------------------------------------------------------------------------------


def test_nour_sees_its_main_establishment_and_both_branches(caller, client, nour, sara, nour_system) -> None:  # type: ignore[no-untyped-def]
    path = f"{REGISTRY}/establishments"
    response = caller.call(nour_system, "GET", path)
    assert response.status_code == 200, response.content
    assert_signed_by_simis(client, response, "GET", path)
    body = response.json()
    assert [item["number"] for item in body] == [nour.main.number, nour.jeddah.number, nour.dammam.number]
    main = body[0]
    assert main["is_main"] and main["main_number"] == nour.main.number
    assert main["name_en"] == "Nour Trading" and main["unified_number"] == "7001234560"
    assert main["active_workers"] == 1  # Sara
    assert main["registered_on"] == "2003-06-01"
    assert {b["number"] for b in main["branches"]} == {nour.jeddah.number, nour.dammam.number}
    assert body[1]["main_number"] == nour.main.number and body[1]["branches"] == []


def test_one_establishment_and_a_branch_by_number(caller, nour, nour_system) -> None:  # type: ignore[no-untyped-def]
    response = caller.call(nour_system, "GET", f"{REGISTRY}/establishments/{nour.jeddah.number}")
    assert response.status_code == 200, response.content
    assert response.json()["name_en"] == "Nour Trading - Jeddah"


def test_another_employers_establishment_is_not_found(caller, badr, nour_system) -> None:  # type: ignore[no-untyped-def]
    body = assert_refused(
        caller.call(nour_system, "GET", f"{REGISTRY}/establishments/{badr.number}"), 404, "REGAPI-101"
    )
    # The same answer as for a number nobody holds: existence is not revealed.
    unknown = assert_refused(
        caller.call(nour_system, "GET", f"{REGISTRY}/establishments/999999999"), 404, "REGAPI-101"
    )
    assert body["message_en"].replace(badr.number, "N") == unknown["message_en"].replace("999999999", "N")


def test_a_branch_system_acts_for_its_branch_only(caller, nour) -> None:  # type: ignore[no-untyped-def]
    jeddah_system = employer_system("NOUR-JEDDAH", nour.jeddah)
    listed = caller.call(jeddah_system, "GET", f"{REGISTRY}/establishments").json()
    assert [item["number"] for item in listed] == [nour.jeddah.number]
    assert_refused(
        caller.call(jeddah_system, "GET", f"{REGISTRY}/establishments/{nour.main.number}"), 404, "REGAPI-101"
    )


# --- Who may call ---------------------------------------------------------------------------------


def test_an_unsigned_call_is_refused(caller, nour, nour_system) -> None:  # type: ignore[no-untyped-def]
    assert_refused(caller.call(None, "GET", f"{REGISTRY}/establishments/{nour.main.number}"), 401, "API-101")


def test_a_government_agency_cannot_use_the_employer_services(caller, nour) -> None:  # type: ignore[no-untyped-def]
    body = assert_refused(caller.call(agency(), "GET", f"{REGISTRY}/establishments"), 403, "REGAPI-002")
    assert "MHRSD" in body["message_en"]


def test_a_partner_whose_key_is_no_establishment_is_refused(caller, parameters) -> None:  # type: ignore[no-untyped-def]
    orphan = partner_make("ORPHAN", kind="employer_system", organisation_key="000")
    assert_refused(caller.call(orphan, "GET", f"{REGISTRY}/establishments"), 403, "REGAPI-004")


def test_refusals_are_audited_against_the_partner(caller, badr, nour_system) -> None:  # type: ignore[no-untyped-def]
    caller.call(nour_system, "GET", f"{REGISTRY}/establishments/{badr.number}")
    (entry,) = partner_entries("NOUR-TRADING")
    assert entry.outcome == "refused" and entry.extra["code"] == "REGAPI-101"
    assert entry.extra["operation"] == "establishment_detail" and entry.extra["keyid"] == nour_system.keyid


# --- Workers --------------------------------------------------------------------------------------


def _workers(nour, count: int) -> list[Engagement]:  # type: ignore[no-untyped-def]
    made = []
    for _ in range(count):
        engagement = engagement_make(person_make(nationality="IND"), nour.main, join_date=date(2020, 1, 1))
        wage_make(engagement)
        made.append(engagement)
    return made


def test_the_worker_list_pages_by_cursor_without_repeating_anyone(caller, nour, sara, nour_system) -> None:  # type: ignore[no-untyped-def]
    made = _workers(nour, 4)
    path = f"{REGISTRY}/establishments/{nour.main.number}/workers?page_size=2&with_total=true"
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        response = caller.call(nour_system, "GET", path + (f"&cursor={cursor}" if cursor else ""))
        assert response.status_code == 200, response.content
        page = response.json()
        assert page["total"] == 5
        seen += [row["period_id"] for row in page["workers"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == sorted({e.pk for e in made} | {sara.engagement.pk}, reverse=True)


def test_the_worker_list_searches_and_filters(caller, nour, sara, nour_system) -> None:  # type: ignore[no-untyped-def]
    _workers(nour, 2)
    base = f"{REGISTRY}/establishments/{nour.main.number}/workers"
    by_name = caller.call(nour_system, "GET", f"{base}?search=alotaibi").json()["workers"]
    assert [(w["contributor_number"], w["name_en"]) for w in by_name] == [
        (sara.person.contributor_number, "Sara Abdullah Alotaibi")
    ]
    by_number = caller.call(nour_system, "GET", f"{base}?search={sara.person.contributor_number}").json()
    assert [w["period_id"] for w in by_number["workers"]] == [sara.engagement.pk]
    saudis = caller.call(nour_system, "GET", f"{base}?nationality=SAU").json()["workers"]
    assert [w["name_ar"] for w in saudis] == ["سارة عبدالله العتيبي"]
    assert saudis[0]["join_date"] == "2004-01-01" and saudis[0]["status"] == "active"


def test_a_cursor_not_given_by_the_service_is_refused(caller, nour, nour_system) -> None:  # type: ignore[no-untyped-def]
    path = f"{REGISTRY}/establishments/{nour.main.number}/workers?cursor=abc"
    assert_refused(caller.call(nour_system, "GET", path), 400, "REGAPI-201")


def test_another_employers_workers_are_not_listed(caller, badr, ravi, nour_system) -> None:  # type: ignore[no-untyped-def]
    path = f"{REGISTRY}/establishments/{badr.number}/workers"
    assert_refused(caller.call(nour_system, "GET", path), 404, "REGAPI-101")


# --- A worker's periods and wages (ANN-5) ---------------------------------------------------------


def test_a_workers_periods_and_wage_history_by_contributor_number(caller, nour, sara, nour_system) -> None:  # type: ignore[no-untyped-def]
    response = caller.call(nour_system, "GET", f"{REGISTRY}/contributors/{sara.person.contributor_number}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name_en"] == "Sara Abdullah Mohammed Alotaibi" and body["nationality"] == "SAU"
    assert body["birth_date"] == "1985-03-10" and body["regime"] == "old_law"
    (period,) = body["periods"]
    assert period["establishment_number"] == nour.main.number and period["join_date"] == "2004-01-01"
    (wage,) = period["wages"]
    # Money travels as decimal strings, never floats.
    assert wage["basic"] == "4000.00" and wage["housing"] == "1000.00" and wage["other"] == "0.00"
    assert wage["effective_from"] == "2004-01-01"
    assert wage["contributory_wage"] == str(sara.wage.contributory_wage.amount)


def test_a_worker_by_identity_number(caller, sara, sara_id, nour_system) -> None:  # type: ignore[no-untyped-def]
    response = caller.call(nour_system, "GET", f"{REGISTRY}/contributors?identity={sara_id}")
    assert response.status_code == 200, response.content
    assert response.json()["contributor_number"] == sara.person.contributor_number


def test_an_employer_sees_only_its_own_periods_of_a_worker(caller, nour, sara, badr, nour_system) -> None:  # type: ignore[no-untyped-def]
    elsewhere = engagement_make(sara.person, badr, join_date=date(2001, 1, 1), leave_date=date(2003, 12, 31))
    body = caller.call(nour_system, "GET", f"{REGISTRY}/contributors/{sara.person.contributor_number}").json()
    assert elsewhere.pk not in [p["period_id"] for p in body["periods"]]
    assert len(body["periods"]) == 1


def test_another_employers_worker_is_not_found(caller, ravi, nour_system, badr_system) -> None:  # type: ignore[no-untyped-def]
    number = ravi.person.contributor_number
    assert_refused(caller.call(nour_system, "GET", f"{REGISTRY}/contributors/{number}"), 404, "REGAPI-102")
    assert_refused(
        caller.call(nour_system, "GET", f"{REGISTRY}/periods/{ravi.engagement.pk}"), 404, "REGAPI-104"
    )
    assert caller.call(badr_system, "GET", f"{REGISTRY}/contributors/{number}").status_code == 200


def test_one_period_with_its_wages(caller, sara, nour_system) -> None:  # type: ignore[no-untyped-def]
    response = caller.call(nour_system, "GET", f"{REGISTRY}/periods/{sara.engagement.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["period_id"] == sara.engagement.pk and body["covers_annuities"] is True
    assert body["contributor_number"] == sara.person.contributor_number and len(body["wages"]) == 1


def test_answers_follow_accept_language(caller, badr, nour_system) -> None:  # type: ignore[no-untyped-def]
    response = caller.call(
        nour_system, "GET", f"{REGISTRY}/establishments/{badr.number}", headers={"Accept-Language": "en"}
    )
    body = response.json()
    assert response.status_code == 404 and body["message"] == body["message_en"]
