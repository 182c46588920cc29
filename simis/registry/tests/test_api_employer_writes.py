"""The employer web services' writes (CH-3 for REG-1 … REG-6): the same operations as the portal,
signed, idempotent and all-or-nothing. Nour Trading's payroll system registers and moves its own
workers; anything of Badr Builders' is not found; a retried request is answered once."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

import pytest

from simis.api.tests.conftest import SignedCaller
from simis.audit.models import AuditEntry
from simis.core.dates import to_hijri
from simis.registry.models import Engagement, Establishment, Person, Wage, WageBatch
from simis.registry.tests.api_support import (
    REGISTRY,
    assert_refused,
    assert_signed_by_simis,
    employer_system,
    first_of_this_month,
    partner_entries,
    today,
)
from simis.registry.tests.factories import engagement_make, iqama, national_id, person_make, wage_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def caller(client) -> SignedCaller:  # type: ignore[no-untyped-def]
    return SignedCaller(client)


@pytest.fixture
def nour_system(nour):  # type: ignore[no-untyped-def]
    return employer_system("NOUR-TRADING", nour.main)


def send(caller: SignedCaller, who: Any, method: str, path: str, payload: Any, key: str | None = None) -> Any:
    return caller.call(who, method, path, payload, idempotency_key=key or str(uuid.uuid4()))


def fahad(join: date, number: str | None = None) -> dict[str, Any]:
    """A young Saudi never covered before, joining Nour."""
    return {
        "identities": [{"kind": "national_id", "number": number or national_id()}],
        "names": {"first_ar": "فهد", "family_ar": "القحطاني", "first_en": "Fahad", "family_en": "Alqahtani"},
        "birth_date": "1998-04-12",
        "gender": "male",
        "nationality": "SAU",
        "join_date": join.isoformat(),
        "occupation": "4",
        "wage": {"basic": "6000.00", "housing": "1500.00"},
    }


# --- REG-2: new contributors ----------------------------------------------------------------------


def test_a_saudi_is_registered_with_the_first_period_and_wage(caller, client, nour, nour_system) -> None:  # type: ignore[no-untyped-def]
    path = f"{REGISTRY}/establishments/{nour.main.number}/contributors"
    response = send(caller, nour_system, "POST", path, fahad(first_of_this_month()))
    assert response.status_code == 201, response.content
    assert_signed_by_simis(client, response, "POST", path)
    body = response.json()
    person = Person.objects.get(contributor_number=body["contributor_number"])
    assert person.first_name_en == "Fahad" and person.regime == "new_law"
    period = body["period"]
    assert period["status"] == "active" and period["join_date"] == first_of_this_month().isoformat()
    assert period["covers_annuities"] and period["establishment_number"] == nour.main.number
    assert period["wages"][0]["basic"] == "6000.00" and period["wages"][0]["contributory_wage"] == "7500.00"
    # The service audits the registration; the web service adds who called, with which key.
    assert AuditEntry.objects.filter(action="registry.contributor_registered").count() == 1
    (entry,) = partner_entries("NOUR-TRADING")
    assert entry.outcome == "success" and entry.extra["operation"] == "contributor_create"
    assert entry.extra["result"]["contributor_number"] == body["contributor_number"]
    assert entry.extra["keyid"] == nour_system.keyid and entry.extra["idempotency_key"]


def test_a_non_saudi_is_registered_with_hijri_dates(caller, nour, nour_system) -> None:  # type: ignore[no-untyped-def]
    birth = date(1993, 5, 20)
    payload = {
        "calendar": "hijri",
        "identities": [
            {"kind": "iqama", "number": iqama()},
            {"kind": "passport", "number": "P7654321", "country": "PAK"},
        ],
        "names": {"first_ar": "عمران", "family_ar": "خان", "first_en": "Imran", "family_en": "Khan"},
        "birth_date": to_hijri(birth).isoformat(),
        "gender": "male",
        "nationality": "PAK",
        "join_date": to_hijri(first_of_this_month()).isoformat(),
        "occupation": "7",
        "wage": {"basic": "2500", "housing": "625.50", "other": "300"},
    }
    response = send(
        caller, nour_system, "POST", f"{REGISTRY}/establishments/{nour.jeddah.number}/contributors", payload
    )
    assert response.status_code == 201, response.content
    body = response.json()
    # Stored and answered in the Gregorian calendar; the birth date remembers how it was entered.
    person = Person.objects.get(contributor_number=body["contributor_number"])
    assert person.birth_date == birth and person.birth_date_calendar == "hijri"
    assert body["period"]["join_date"] == first_of_this_month().isoformat()
    assert not body["period"]["covers_annuities"] and body["period"]["covers_occupational_hazards"]
    assert body["period"]["wages"][0]["housing"] == "625.50"


def test_a_replayed_registration_does_not_register_a_second_person(caller, nour, nour_system) -> None:  # type: ignore[no-untyped-def]
    path = f"{REGISTRY}/establishments/{nour.main.number}/contributors"
    payload = fahad(first_of_this_month())
    first = send(caller, nour_system, "POST", path, payload, key="payroll-2026-11-fahad")
    persons = Person.objects.count()
    again = send(caller, nour_system, "POST", path, payload, key="payroll-2026-11-fahad")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.content == first.content
    assert Person.objects.count() == persons
    assert AuditEntry.objects.filter(action="registry.contributor_registered").count() == 1


def test_an_identity_already_registered_is_refused_and_names_the_contributor(
    caller, nour, sara, sara_id, nour_system
) -> None:  # type: ignore[no-untyped-def]
    path = f"{REGISTRY}/establishments/{nour.main.number}/contributors"
    response = send(caller, nour_system, "POST", path, fahad(first_of_this_month(), number=sara_id))
    body = assert_refused(response, 422, "REG-201")
    assert body["params"]["contributor_number"] == str(sara.person.contributor_number)
    (entry,) = partner_entries("NOUR-TRADING")
    assert entry.outcome == "refused" and entry.extra["code"] == "REG-201"


def test_a_contributor_cannot_be_registered_at_another_employer(caller, badr, nour_system) -> None:  # type: ignore[no-untyped-def]
    persons = Person.objects.count()
    path = f"{REGISTRY}/establishments/{badr.number}/contributors"
    assert_refused(send(caller, nour_system, "POST", path, fahad(first_of_this_month())), 404, "REGAPI-101")
    assert Person.objects.count() == persons


def test_an_unsigned_write_is_refused(caller, nour, nour_system) -> None:  # type: ignore[no-untyped-def]
    path = f"{REGISTRY}/establishments/{nour.main.number}/contributors"
    assert_refused(send(caller, None, "POST", path, fahad(first_of_this_month())), 401, "API-101")
    assert not Person.objects.filter(first_name_en="Fahad").exists()


def test_money_sent_as_a_json_number_is_refused(caller, nour, nour_system) -> None:  # type: ignore[no-untyped-def]
    payload = fahad(first_of_this_month())
    payload["wage"]["basic"] = 6000.5
    response = send(
        caller, nour_system, "POST", f"{REGISTRY}/establishments/{nour.main.number}/contributors", payload
    )
    body = response.json()
    assert response.status_code == 422 and body["code"] == "API-422"
    assert any(error["loc"][-1] == "basic" for error in body["errors"])


def test_a_hijri_date_that_does_not_exist_is_a_coded_refusal(caller, nour, nour_system) -> None:  # type: ignore[no-untyped-def]
    payload = {**fahad(first_of_this_month()), "calendar": "hijri", "birth_date": "1418-02-30"}
    payload["join_date"] = to_hijri(first_of_this_month()).isoformat()
    response = send(
        caller, nour_system, "POST", f"{REGISTRY}/establishments/{nour.main.number}/contributors", payload
    )
    assert response.status_code == 422 and response.json()["code"].startswith("DATE-")


# --- REG-3: periods -------------------------------------------------------------------------------


def test_a_registered_contributor_gets_a_period_at_a_branch(caller, nour, ravi, nour_system) -> None:  # type: ignore[no-untyped-def]
    iqama_number = ravi.person.identities.get(kind="iqama").number
    payload = {
        "contributor": {"number": iqama_number},
        "join_date": first_of_this_month().isoformat(),
        "occupation": "7",
        "wage": {"basic": "3000.00"},
    }
    response = send(
        caller, nour_system, "POST", f"{REGISTRY}/establishments/{nour.dammam.number}/periods", payload
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["contributor_number"] == ravi.person.contributor_number
    assert body["establishment_number"] == nour.dammam.number and body["status"] == "active"
    # Nour now sees Ravi — only its own period of him.
    seen = caller.call(nour_system, "GET", f"{REGISTRY}/contributors/{ravi.person.contributor_number}").json()
    assert [p["period_id"] for p in seen["periods"]] == [body["period_id"]]


def test_a_period_for_an_unknown_identity_is_not_found(caller, nour, nour_system) -> None:  # type: ignore[no-untyped-def]
    payload = {
        "contributor": {"number": national_id()},
        "join_date": first_of_this_month().isoformat(),
        "occupation": "7",
        "wage": {"basic": "3000.00"},
    }
    response = send(
        caller, nour_system, "POST", f"{REGISTRY}/establishments/{nour.main.number}/periods", payload
    )
    assert_refused(response, 404, "REGAPI-103")


def test_a_period_is_terminated(caller, sara, nour_system) -> None:  # type: ignore[no-untyped-def]
    payload = {"leave_date": today().isoformat(), "reason": "resignation"}
    response = send(
        caller, nour_system, "POST", f"{REGISTRY}/periods/{sara.engagement.pk}/termination", payload
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "terminated" and body["leave_reason"] == "resignation"
    assert body["leave_date"] == today().isoformat()
    again = send(caller, nour_system, "POST", f"{REGISTRY}/periods/{sara.engagement.pk}/termination", payload)
    assert assert_refused(again, 422, "REG-306")["params"]["leave"] == today().isoformat()


def test_a_transfer_is_not_a_termination(caller, sara, nour_system) -> None:  # type: ignore[no-untyped-def]
    payload = {"leave_date": today().isoformat(), "reason": "transfer"}
    response = send(
        caller, nour_system, "POST", f"{REGISTRY}/periods/{sara.engagement.pk}/termination", payload
    )
    assert_refused(response, 422, "REG-312")
    assert Engagement.objects.get(pk=sara.engagement.pk).leave_date is None


def test_another_employers_period_cannot_be_terminated(caller, ravi, nour_system) -> None:  # type: ignore[no-untyped-def]
    payload = {"leave_date": today().isoformat(), "reason": "resignation"}
    response = send(
        caller, nour_system, "POST", f"{REGISTRY}/periods/{ravi.engagement.pk}/termination", payload
    )
    assert_refused(response, 404, "REGAPI-104")
    assert Engagement.objects.get(pk=ravi.engagement.pk).status == "active"


# --- REG-6: transfers -----------------------------------------------------------------------------


def test_a_transfer_to_a_branch_leaves_no_gap_and_no_overlap(caller, nour, sara, nour_system) -> None:  # type: ignore[no-untyped-def]
    moving_day = first_of_this_month()
    payload = {"target_establishment": nour.jeddah.number, "transfer_date": moving_day.isoformat()}
    response = send(caller, nour_system, "POST", f"{REGISTRY}/periods/{sara.engagement.pk}/transfer", payload)
    assert response.status_code == 200, response.content
    body = response.json()
    closed, opened = body["closed"], body["opened"]
    assert closed["period_id"] == sara.engagement.pk and closed["leave_reason"] == "transfer"
    assert closed["leave_date"] == (moving_day - timedelta(days=1)).isoformat()
    assert (
        opened["join_date"] == moving_day.isoformat() and opened["establishment_number"] == nour.jeddah.number
    )
    assert opened["transferred_from"] == closed["period_id"]
    assert (
        opened["wages"][0]["basic"] == "4000.00"
        and opened["wages"][0]["effective_from"] == moving_day.isoformat()
    )
    periods = list(Engagement.objects.filter(person=sara.person).order_by("join_date"))
    for before, after in pairwise(periods):
        assert before.leave_date is not None and after.join_date == before.leave_date + timedelta(days=1)
    workers = caller.call(
        nour_system, "GET", f"{REGISTRY}/establishments/{nour.jeddah.number}/workers"
    ).json()
    assert [w["period_id"] for w in workers["workers"]] == [opened["period_id"]]


def test_a_transfer_to_another_employer_is_not_found(caller, sara, badr, nour_system) -> None:  # type: ignore[no-untyped-def]
    payload = {"target_establishment": badr.number, "transfer_date": first_of_this_month().isoformat()}
    response = send(caller, nour_system, "POST", f"{REGISTRY}/periods/{sara.engagement.pk}/transfer", payload)
    assert_refused(response, 404, "REGAPI-101")
    assert Engagement.objects.filter(person=sara.person).count() == 1


# --- REG-4: wage changes --------------------------------------------------------------------------


@pytest.fixture
def omar(nour):  # type: ignore[no-untyped-def]
    """A second worker at Nour's main establishment since 2015."""
    engagement = engagement_make(person_make(), nour.main, covers_annuities=True)
    wage_make(engagement)
    return engagement


def wage_line(period: int, basic: str, housing: str = "0.00", **more: Any) -> dict[str, Any]:
    return {"period_id": period, "basic": basic, "housing": housing, **more}


def test_wages_of_several_workers_change_together(caller, nour, sara, omar, nour_system) -> None:  # type: ignore[no-untyped-def]
    month = first_of_this_month()
    payload = {
        "month": month.strftime("%Y-%m"),
        "lines": [
            wage_line(sara.engagement.pk, "6000.00", "1500.00", occupation="2"),
            wage_line(omar.pk, "7000", "1750"),
        ],
    }
    response = send(
        caller, nour_system, "POST", f"{REGISTRY}/establishments/{nour.main.number}/wage-changes", payload
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["month"] == month.isoformat()
    assert [(w["period_id"], w["basic"], w["contributory_wage"]) for w in body["wages"]] == [
        (sara.engagement.pk, "6000.00", "7500.00"),
        (omar.pk, "7000.00", "8750.00"),
    ]
    assert Engagement.objects.get(pk=sara.engagement.pk).occupation_id == "2"
    (entry,) = partner_entries("NOUR-TRADING")
    assert entry.extra["result"]["period_ids"] == [sara.engagement.pk, omar.pk]


def test_one_bad_line_changes_no_wage_at_all(caller, nour, sara, omar, nour_system) -> None:  # type: ignore[no-untyped-def]
    third = engagement_make(person_make(), nour.main)
    wage_make(third)
    wages = Wage.objects.count()
    payload = {
        "month": first_of_this_month().strftime("%Y-%m"),
        "lines": [
            wage_line(sara.engagement.pk, "6000.00"),
            wage_line(omar.pk, "0"),
            wage_line(third.pk, "-5"),
        ],
    }
    response = send(
        caller, nour_system, "POST", f"{REGISTRY}/establishments/{nour.main.number}/wage-changes", payload
    )
    body = assert_refused(response, 422, "REG-409")
    assert [(line["line"], line["code"]) for line in body["lines"]] == [(2, "REG-405"), (3, "REG-404")]
    assert body["params"] == {"refused": "2", "total": "3"}
    assert all(line["message_ar"] != line["message_en"] for line in body["lines"])
    assert Wage.objects.count() == wages


def test_lines_on_another_employers_period_or_with_impossible_amounts_refuse_the_change(
    caller, nour, sara, ravi, nour_system
) -> None:  # type: ignore[no-untyped-def]
    third = engagement_make(person_make(), nour.main)
    wage_make(third)
    wages = Wage.objects.count()
    payload = {
        "month": first_of_this_month().strftime("%Y-%m"),
        "lines": [
            wage_line(sara.engagement.pk, "6000.00"),
            wage_line(ravi.engagement.pk, "9000.00"),
            wage_line(third.pk, "9999999999999"),
        ],
    }
    response = send(
        caller, nour_system, "POST", f"{REGISTRY}/establishments/{nour.main.number}/wage-changes", payload
    )
    body = assert_refused(response, 422, "REG-409")
    # Not Nour's period, and an amount past what SIMIS holds: each line is named with its code.
    assert [(line["line"], line["code"]) for line in body["lines"]] == [(2, "REGAPI-104"), (3, "MNY-003")]
    assert Wage.objects.count() == wages


# --- REG-5: wage-change batches -------------------------------------------------------------------


def test_a_batch_whose_summary_does_not_match_is_refused_with_the_differences(
    caller, nour, sara, omar, nour_system
) -> None:  # type: ignore[no-untyped-def]
    path = f"{REGISTRY}/establishments/{nour.main.number}/wage-batches"
    lines = [wage_line(sara.engagement.pk, "6000.00", "1500.00"), wage_line(omar.pk, "7000.00", "1750.00")]
    declared = {
        "line_count": 2,
        "total_basic": "13000.00",
        "total_housing": "3250.00",
        "total_contributory": "16000.00",
    }
    payload = {
        "month": first_of_this_month().strftime("%Y-%m"),
        "reference": "NOV-1",
        "lines": lines,
        "summary": declared,
    }
    body = assert_refused(send(caller, nour_system, "POST", path, payload), 422, "REG-501")
    assert (
        body["params"]["contributory"] == "16250.00"
        and body["params"]["contributory_difference"] == "-250.00"
    )
    assert body["params"]["basic_difference"] == "0.00" and body["params"]["declared_lines"] == "2"
    assert not WageBatch.objects.exists() and not Wage.objects.filter(batch__isnull=False).exists()

    declared["total_contributory"] = "16250.00"
    response = send(caller, nour_system, "POST", path, payload)
    assert response.status_code == 201, response.content
    batch = response.json()
    assert batch["reference"] == "NOV-1" and batch["declared"]["total_contributory"] == "16250.00"
    assert [line["period_id"] for line in batch["lines"]] == [sara.engagement.pk, omar.pk]
    assert caller.call(nour_system, "GET", f"{REGISTRY}/wage-batches/{batch['batch_id']}").json() == batch


def test_a_batch_is_amended_with_new_lines_and_summary(caller, nour, sara, omar, nour_system) -> None:  # type: ignore[no-untyped-def]
    path = f"{REGISTRY}/establishments/{nour.main.number}/wage-batches"
    payload = {
        "month": first_of_this_month().strftime("%Y-%m"),
        "lines": [wage_line(sara.engagement.pk, "6000.00")],
        "summary": {
            "line_count": 1,
            "total_basic": "6000.00",
            "total_housing": "0.00",
            "total_contributory": "6000.00",
        },
    }
    batch_id = send(caller, nour_system, "POST", path, payload).json()["batch_id"]
    amended = {
        "lines": [wage_line(sara.engagement.pk, "6500.00"), wage_line(omar.pk, "7000.00")],
        "summary": {
            "line_count": 2,
            "total_basic": "13500.00",
            "total_housing": "0.00",
            "total_contributory": "13500.00",
        },
    }
    response = send(caller, nour_system, "PUT", f"{REGISTRY}/wage-batches/{batch_id}", amended)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["amendment_count"] == 1 and body["declared"]["line_count"] == 2
    assert [line["basic"] for line in body["lines"]] == ["6500.00", "7000.00"]
    wrong = {**amended, "summary": {**amended["summary"], "line_count": 3}}
    refused = assert_refused(
        send(caller, nour_system, "PUT", f"{REGISTRY}/wage-batches/{batch_id}", wrong), 422, "REG-501"
    )
    assert refused["params"]["declared_lines"] == "3" and refused["params"]["lines"] == "2"
    assert WageBatch.objects.get(pk=batch_id).amendment_count == 1


def test_another_employers_batch_is_not_found(caller, badr, ravi, nour_system) -> None:  # type: ignore[no-untyped-def]
    batch = WageBatch.objects.create(
        establishment=badr,
        month=first_of_this_month(),
        declared_line_count=0,
        declared_total_basic="0",
        declared_total_housing="0",
        declared_total_contributory="0",
    )
    assert_refused(caller.call(nour_system, "GET", f"{REGISTRY}/wage-batches/{batch.pk}"), 404, "REGAPI-105")


# --- REG-1: branches ------------------------------------------------------------------------------


def test_a_branch_is_added_under_the_main_establishment(caller, nour, nour_system) -> None:  # type: ignore[no-untyped-def]
    payload = {
        "name_ar": "شركة نور للتجارة - فرع مكة",
        "name_en": "Nour Trading - Makkah",
        "economic_activity": "47",
        "region": "02",
        "city": "مكة المكرمة",
        "office": "JED",
    }
    response = send(
        caller, nour_system, "POST", f"{REGISTRY}/establishments/{nour.main.number}/branches", payload
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert not body["is_main"] and body["main_number"] == nour.main.number
    assert body["unified_number"] == nour.main.unified_number
    assert Establishment.objects.get(number=body["number"]).parent_id == nour.main.pk
    under_branch = send(
        caller, nour_system, "POST", f"{REGISTRY}/establishments/{nour.jeddah.number}/branches", payload
    )
    assert_refused(under_branch, 422, "REG-105")
