"""The registry's web services are described in the published OpenAPI document, so partners can
build their clients from it: every operation, its refusals, money as strings, bilingual summaries."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("get", "/api/v1/registry/establishments"),
    ("get", "/api/v1/registry/establishments/{number}"),
    ("post", "/api/v1/registry/establishments/{number}/branches"),
    ("get", "/api/v1/registry/establishments/{number}/workers"),
    ("post", "/api/v1/registry/establishments/{number}/contributors"),
    ("post", "/api/v1/registry/establishments/{number}/periods"),
    ("get", "/api/v1/registry/periods/{period_id}"),
    ("post", "/api/v1/registry/periods/{period_id}/termination"),
    ("post", "/api/v1/registry/periods/{period_id}/transfer"),
    ("post", "/api/v1/registry/establishments/{number}/wage-changes"),
    ("post", "/api/v1/registry/establishments/{number}/wage-batches"),
    ("get", "/api/v1/registry/wage-batches/{batch_id}"),
    ("put", "/api/v1/registry/wage-batches/{batch_id}"),
    ("get", "/api/v1/registry/contributors"),
    ("get", "/api/v1/registry/contributors/{contributor_number}"),
    ("get", "/api/v1/gov/persons"),
    ("get", "/api/v1/gov/establishments/{number}"),
    ("get", "/api/v1/gov/establishments/{number}/workers"),
}


@pytest.fixture
def document(client) -> dict:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_every_registry_operation_is_published_with_its_refusals(document) -> None:  # type: ignore[no-untyped-def]
    published = {
        (method, path)
        for path, item in document["paths"].items()
        for method in item
        if path.startswith(("/api/v1/registry/", "/api/v1/gov/"))
    }
    assert published == OPERATIONS
    for method, path in OPERATIONS:
        operation = document["paths"][path][method]
        assert operation["description"] and " — " in operation["summary"], (method, path)
        assert any("\u0600" <= ch <= "\u06ff" for ch in operation["summary"]), (method, path)
        refusals = {code for code in operation["responses"] if code.startswith("4")}
        assert {"403", "404", "422"} <= refusals, (method, path)
        assert operation["responses"]["404"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/RefusalOut"
        )


def test_money_is_a_decimal_string_and_dates_accept_hijri(document) -> None:  # type: ignore[no-untyped-def]
    schemas = document["components"]["schemas"]
    basic = schemas["WageIn"]["properties"]["basic"]
    assert basic["type"] == "string" and basic["pattern"].startswith("^-?\\d")
    assert schemas["WageOut"]["properties"]["contributory_wage"]["type"] == "string"
    calendar = schemas["ContributorIn"]["properties"]["calendar"]
    assert set(calendar["enum"]) == {"gregorian", "hijri"} and calendar["default"] == "gregorian"
    assert schemas["PeriodOut"]["properties"]["join_date"]["format"] == "date"


def test_the_government_lookups_document_the_mandatory_purpose(document) -> None:  # type: ignore[no-untyped-def]
    for path in ("/api/v1/gov/persons", "/api/v1/gov/establishments/{number}/workers"):
        parameters = {p["name"]: p for p in document["paths"][path]["get"]["parameters"]}
        assert "recorded" in parameters["purpose"]["description"]
        assert "cursor" in parameters or path.endswith("persons")
