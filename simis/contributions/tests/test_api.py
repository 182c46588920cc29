"""The contributions web services, called with real signatures: an employer's payroll system
reads its own bills, lines, account, plans and the calculator — and nothing of anyone else's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from simis.api.tests.conftest import SignedCaller
from simis.contributions.models import Bill
from simis.contributions.services import month_bill, payment_post
from simis.core.money import Money
from simis.registry.models import Person
from simis.registry.tests.api_support import agency, assert_refused, assert_signed_by_simis, employer_system
from simis.registry.tests.factories import (
    branch_make,
    engagement_make,
    establishment_make,
    person_make,
    wage_make,
)

API = "/api/v1/contributions"
SEP, OCT = date(2026, 9, 1), date(2026, 10, 1)


@pytest.fixture
def billed(parameters):  # type: ignore[no-untyped-def]
    main = establishment_make()
    branch = branch_make(main)
    other = establishment_make()
    for establishment, count in ((main, 3), (branch, 2), (other, 1)):
        for _ in range(count):
            engagement = engagement_make(
                person_make(),
                establishment,
                join_date=date(2020, 1, 1),
                covers_annuities=True,
                covers_unemployment=True,
            )
            wage_make(engagement, basic=Decimal("8000"), housing=Decimal("2000"))
    month_bill(month=SEP, today=date(2026, 10, 1))
    month_bill(month=OCT, today=date(2026, 11, 1))
    payment_post(establishment_id=main.pk, amount=Money("6450"), paid_on=date(2026, 10, 10), source="p:api")
    return main, branch, other


@pytest.fixture
def caller(client) -> SignedCaller:  # type: ignore[no-untyped-def]
    return SignedCaller(client)


def test_bills_lines_and_account_of_its_own_establishments(caller, client, billed) -> None:  # type: ignore[no-untyped-def]
    main, branch, _other = billed
    system = employer_system("MAIN-PAYROLL", main)
    path = f"{API}/bills?establishment={branch.number}"
    response = caller.call(system, "GET", path)
    assert response.status_code == 200, response.content
    assert_signed_by_simis(client, response, "GET", path)
    assert [b["month"] for b in response.json()["bills"]] == ["2026-10", "2026-09"]
    number = Bill.objects.get(establishment=main, month=OCT).number
    detail = caller.call(system, "GET", f"{API}/bills/{number}").json()
    assert detail["total"] == "6450.00" and len(detail["lines"]) == 3 and detail["next"] is None
    assert {line["employer"] for line in detail["lines"]} == {"1175.00"}
    account = caller.call(system, "GET", f"{API}/account?establishment={main.number}&start=2026-01-01").json()
    assert account["balance"] == "6450.00" and account["total_credit"] == "6450.00"
    assert account["statement"]["closing"] == "6450.00"
    assert [row["kind"] for row in account["statement"]["rows"]] == ["bill", "payment", "bill"]


def test_anything_else_is_not_found(caller, billed) -> None:  # type: ignore[no-untyped-def]
    main, _branch, other = billed
    system = employer_system("MAIN-PAYROLL", main)
    assert_refused(caller.call(system, "GET", f"{API}/bills?establishment={other.number}"), 404, "CONAPI-102")
    foreign = Bill.objects.get(establishment=other, month=OCT).number
    assert_refused(caller.call(system, "GET", f"{API}/bills/{foreign}"), 404, "CONAPI-103")
    assert_refused(
        caller.call(agency(), "GET", f"{API}/plans?establishment={main.number}"), 403, "CONAPI-101"
    )


def test_the_calculator_by_web_service(caller, billed) -> None:  # type: ignore[no-untyped-def]
    main, _branch, other = billed
    system = employer_system("MAIN-PAYROLL", main)
    mine = Person.objects.filter(engagements__establishment=main).first()
    theirs = Person.objects.filter(engagements__establishment=other).first()
    assert mine is not None and theirs is not None
    body = caller.call(
        system, "GET", f"{API}/calculation?contributor={mine.contributor_number}&month=2026-10"
    ).json()
    assert body["employer"] == "1175.00" and body["employee"] == "975.00"
    assert body["periods"][0]["explanation"][-1].endswith("= 2150.00 ريال")  # Arabic by default
    refused = caller.call(
        system, "GET", f"{API}/calculation?contributor={theirs.contributor_number}&month=2026-10"
    )
    assert_refused(refused, 404, "CONAPI-104")
    bad = caller.call(system, "GET", f"{API}/calculation?contributor={mine.contributor_number}&month=October")
    assert_refused(bad, 400, "CON-014")
