"""GOV-1 by web service: a government agency's system looks up a contributor, an employer and the
workers registered with it — always saying why, and always recorded in the audit log with that
purpose. Employers' systems cannot use these services."""

from __future__ import annotations

from datetime import date

import pytest

from simis.api.tests.conftest import SignedCaller
from simis.audit.models import AuditEntry
from simis.registry.tests.api_support import (
    GOV,
    agency,
    assert_refused,
    assert_signed_by_simis,
    employer_system,
    partner_entries,
)
from simis.registry.tests.factories import engagement_make, person_make, wage_make

pytestmark = pytest.mark.django_db

PURPOSE = "purpose=Saudization+audit+case+4471"


@pytest.fixture
def caller(client) -> SignedCaller:  # type: ignore[no-untyped-def]
    return SignedCaller(client)


@pytest.fixture
def ministry(db):  # type: ignore[no-untyped-def]
    """The labour ministry's system."""
    return agency("MHRSD")


def lookups() -> list[AuditEntry]:
    return partner_entries("MHRSD", action="registry.government_lookup")


def test_a_contributor_is_looked_up_by_identity_with_every_period(
    caller, client, nour, sara, sara_id, badr, ministry
) -> None:  # type: ignore[no-untyped-def]
    earlier = engagement_make(sara.person, badr, join_date=date(2001, 1, 1), leave_date=date(2003, 12, 31))
    earlier_wage = wage_make(earlier)
    path = f"{GOV}/persons?identity={sara_id}&{PURPOSE}"
    response = caller.call(ministry, "GET", path)
    assert response.status_code == 200, response.content
    assert_signed_by_simis(client, response, "GET", path)
    body = response.json()
    assert body["contributor_number"] == sara.person.contributor_number
    # An agency sees every period, at any employer, with its wages.
    assert [p["establishment_number"] for p in body["periods"]] == [badr.number, nour.main.number]
    assert body["periods"][0]["wages"][0]["basic"] == str(earlier_wage.basic.amount)
    (entry,) = lookups()
    assert entry.outcome == "success" and entry.extra["purpose"] == "Saudization audit case 4471"
    assert entry.subject_type == "registry.person" and entry.subject_id == str(sara.person.pk)
    assert entry.extra["query"] == {"identity": sara_id} and entry.extra["operation"] == "gov_person"


def test_a_lookup_without_a_purpose_is_refused_and_recorded(caller, sara, sara_id, ministry) -> None:  # type: ignore[no-untyped-def]
    body = assert_refused(
        caller.call(ministry, "GET", f"{GOV}/persons?identity={sara_id}"), 400, "REGAPI-001"
    )
    assert body["params"] == {"minimum": "3", "maximum": "500"}
    assert_refused(
        caller.call(ministry, "GET", f"{GOV}/persons?identity={sara_id}&purpose=+"), 400, "REGAPI-001"
    )
    assert [(e.outcome, e.extra["code"]) for e in lookups()] == [("refused", "REGAPI-001")] * 2


def test_a_lookup_without_an_identity_is_refused(caller, ministry) -> None:  # type: ignore[no-untyped-def]
    assert_refused(caller.call(ministry, "GET", f"{GOV}/persons?{PURPOSE}"), 400, "REGAPI-202")


def test_an_unknown_identity_is_not_found_and_the_search_is_recorded(caller, parameters, ministry) -> None:  # type: ignore[no-untyped-def]
    response = caller.call(ministry, "GET", f"{GOV}/persons?identity=1000000008&{PURPOSE}")
    assert_refused(response, 404, "REGAPI-106")
    (entry,) = lookups()
    assert entry.outcome == "refused" and entry.extra["purpose"] == "Saudization audit case 4471"


def test_an_employer_system_cannot_use_the_government_services(caller, nour, sara_id) -> None:  # type: ignore[no-untyped-def]
    nour_system = employer_system("NOUR-TRADING", nour.main)
    for path in (
        f"{GOV}/persons?identity={sara_id}&{PURPOSE}",
        f"{GOV}/establishments/{nour.main.number}?{PURPOSE}",
        f"{GOV}/establishments/{nour.main.number}/workers?{PURPOSE}",
    ):
        assert_refused(caller.call(nour_system, "GET", path), 403, "REGAPI-003")


def test_an_unsigned_lookup_is_refused(caller, nour) -> None:  # type: ignore[no-untyped-def]
    assert_refused(
        caller.call(None, "GET", f"{GOV}/establishments/{nour.main.number}?{PURPOSE}"), 401, "API-101"
    )


def test_an_employer_is_looked_up_by_its_number_or_700_number(caller, nour, sara, ministry) -> None:  # type: ignore[no-untyped-def]
    by_number = caller.call(ministry, "GET", f"{GOV}/establishments/{nour.main.number}?{PURPOSE}")
    assert by_number.status_code == 200, by_number.content
    body = by_number.json()
    assert body["name_en"] == "Nour Trading" and body["active_workers"] == 1 and len(body["branches"]) == 2
    # Branches share the 700 number: it names the main establishment.
    by_unified = caller.call(ministry, "GET", f"{GOV}/establishments/7001234560?{PURPOSE}").json()
    assert by_unified == body
    branch = caller.call(ministry, "GET", f"{GOV}/establishments/{nour.jeddah.number}?{PURPOSE}").json()
    assert branch["main_number"] == nour.main.number and not branch["is_main"]
    assert [e.subject_id for e in lookups()] == [str(nour.main.pk), str(nour.main.pk), str(nour.jeddah.pk)]


def test_an_unknown_establishment_is_not_found(caller, parameters, ministry) -> None:  # type: ignore[no-untyped-def]
    assert_refused(caller.call(ministry, "GET", f"{GOV}/establishments/999999?{PURPOSE}"), 404, "REGAPI-107")


def test_the_workers_of_an_employer_page_by_cursor_and_each_page_is_recorded(
    caller, nour, sara, ministry
) -> None:  # type: ignore[no-untyped-def]
    for _ in range(2):
        wage_make(engagement_make(person_make(nationality="EGY"), nour.main))
    path = f"{GOV}/establishments/{nour.main.number}/workers?{PURPOSE}&page_size=2"
    first = caller.call(ministry, "GET", path).json()
    assert len(first["workers"]) == 2 and first["next_cursor"]
    second = caller.call(ministry, "GET", f"{path}&cursor={first['next_cursor']}").json()
    assert [w["contributor_number"] for w in second["workers"]] == [sara.person.contributor_number]
    assert second["next_cursor"] is None
    shown = [e.extra["result"]["contributor_numbers"] for e in lookups()]
    assert shown == [[w["contributor_number"] for w in first["workers"]], [sara.person.contributor_number]]
    assert lookups()[1].extra["query"]["cursor"] == first["next_cursor"]


def test_the_workers_lookup_needs_a_purpose_too(caller, nour, ministry) -> None:  # type: ignore[no-untyped-def]
    assert_refused(
        caller.call(ministry, "GET", f"{GOV}/establishments/{nour.main.number}/workers"), 400, "REGAPI-001"
    )
