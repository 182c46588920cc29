"""The signed upload web service (``/api/v1/uploads/``), called with real RFC 9421 signatures:
a partner system uploads for its own establishment only, a retried POST with the same
Idempotency-Key stores one upload, the same file again is refused with 409 naming the first,
and SIMIS signs every answer."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from django.test import Client

from simis.api.client import response_verify
from simis.api.models import PartnerKind
from simis.api.server_key import server_identity
from simis.api.services import partner_certificate_add, partner_register
from simis.api.tests.conftest import (
    KEY_MAKERS,
    PartnerIdentity,
    SignedCaller,
    certificate_for,
    public_url,
    response_headers,
)
from simis.uploads.choices import UploadMode, UploadStatus
from simis.uploads.layouts import NEW_CONTRIBUTORS_V1
from simis.uploads.models import Upload
from simis.uploads.services import upload_process
from simis.uploads.tests.files import csv_bytes, new_contributor

pytestmark = pytest.mark.django_db

URL = "/api/v1/uploads/"


def employer_system(
    code: str, organisation_key: str, kind: str = PartnerKind.EMPLOYER_SYSTEM
) -> PartnerIdentity:
    key = KEY_MAKERS["ed25519"]()
    partner = partner_register(
        code=code,
        name_ar="نظام رواتب",
        name_en="Payroll system",
        kind=kind,
        organisation_key=organisation_key,
    )
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    certificate = partner_certificate_add(
        partner=partner, pem=certificate_for(key, start=start, name=code), now=start + dt.timedelta(hours=1)
    )
    return PartnerIdentity(partner=partner, certificate=certificate, key=key)


def body(establishment: str, data: bytes, **fields: Any) -> dict[str, Any]:
    return {
        "establishment": establishment,
        "kind": "new_contributors",
        "mode": "valid_rows",
        "file_name": "payroll-march.csv",
        "content_base64": base64.b64encode(data).decode(),
        **fields,
    }


def assert_signed_by_simis(response: Any, sent: Any) -> None:
    response_verify(
        status=response.status_code,
        headers=response_headers(response),
        body=response.content,
        request_method=sent[0],
        request_url=public_url(sent[1]),
        request_signature=response.signed_fields.get("Signature"),
        certificate_pem=server_identity().certificate_pem,
    )


def test_upload_then_follow_it_to_its_report(client: Client, nour: Any, bulk: None) -> None:
    system = employer_system("NOUR-PAYROLL", nour.main.number)
    caller = SignedCaller(client)
    data = csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor(), new_contributor(birth_date="2015-01-01")])

    created = caller.call(system, "POST", URL, body(nour.main.number, data), idempotency_key="march-1")
    assert created.status_code == 201, created.content
    assert_signed_by_simis(created, ("POST", URL))
    answer = created.json()
    assert (answer["status"], answer["rows"], answer["sha256"]) == (
        "received",
        2,
        Upload.objects.get().sha256,
    )

    replay = caller.call(system, "POST", URL, body(nour.main.number, data), idempotency_key="march-1")
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.json()["id"] == answer["id"]
    assert Upload.objects.count() == 1

    upload_process(upload_id=answer["id"])
    status = caller.call(system, "GET", f"{URL}{answer['id']}", idempotency_key=None)
    assert status.status_code == 200
    assert_signed_by_simis(status, ("GET", f"{URL}{answer['id']}"))
    result = status.json()
    assert (result["status"], result["rows_applied"], result["rows_refused"]) == ("applied", 1, 1)
    assert result["progress"]["finished"] is True
    assert result["refused_rows"] == [
        {
            "row": 4,
            "columns": [""],
            "codes": ["REG-210"],
            "messages_ar": result["refused_rows"][0]["messages_ar"],
            "messages_en": result["refused_rows"][0]["messages_en"],
        }
    ]
    assert "at least" in result["refused_rows"][0]["messages_en"][0]
    assert result["outcome"]["code"] == "UPL-112"

    report = caller.call(system, "GET", result["report_path"], idempotency_key=None)
    assert report.status_code == 200
    assert report["Content-Type"].startswith("text/csv")
    assert "REG-210" in report.content.decode("utf-8-sig")


def test_the_same_file_again_is_refused_with_the_first_upload(client: Client, nour: Any, bulk: None) -> None:
    system = employer_system("NOUR-PAYROLL", nour.main.number)
    caller = SignedCaller(client)
    data = csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()])
    first = caller.call(system, "POST", URL, body(nour.main.number, data), idempotency_key="a").json()
    upload_process(upload_id=first["id"])
    again = caller.call(
        system, "POST", URL, body(nour.main.number, data, mode="all_or_nothing"), idempotency_key="b"
    )
    assert again.status_code == 409
    assert (again.json()["code"], again.json()["upload_id"]) == ("UPL-101", first["id"])
    assert again.json()["message_ar"] and again.json()["message_en"]
    assert Upload.objects.count() == 1


def test_a_partner_uploads_only_for_its_own_establishment(client: Client, nour: Any, badr: Any) -> None:
    system = employer_system("BADR-PAYROLL", badr.main.number)
    caller = SignedCaller(client)
    data = csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()])
    refused = caller.call(system, "POST", URL, body(nour.main.number, data), idempotency_key="x")
    assert refused.status_code == 400 and refused.json()["code"] == "UPL-107"
    hospital = employer_system("HOSPITAL", nour.main.number, kind=PartnerKind.HOSPITAL)
    refused = caller.call(hospital, "POST", URL, body(nour.main.number, data), idempotency_key="y")
    assert refused.json()["code"] == "UPL-107"
    assert not Upload.objects.exists()

    theirs = employer_system("NOUR-PAYROLL", nour.main.number)
    created = caller.call(theirs, "POST", URL, body(nour.branch.number, data), idempotency_key="z")
    assert created.status_code == 201  # a branch of the partner's main establishment
    unseen = caller.call(system, "GET", f"{URL}{created.json()['id']}", idempotency_key=None)
    assert unseen.status_code == 404 and unseen.json()["code"] == "API-404"


def test_refusals_of_the_file_and_of_the_request(client: Client, nour: Any) -> None:
    system = employer_system("NOUR-PAYROLL", nour.main.number)
    caller = SignedCaller(client)
    data = csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()], encoding="cp1256")
    cp1256 = caller.call(system, "POST", URL, body(nour.main.number, data), idempotency_key="1")
    assert cp1256.status_code == 400 and cp1256.json()["code"] == "UPL-011"
    not_base64 = caller.call(
        system, "POST", URL, body(nour.main.number, b"", content_base64="%%%"), idempotency_key="2"
    )
    assert not_base64.json()["code"] == "UPL-108"
    bad_kind = caller.call(
        system, "POST", URL, body(nour.main.number, data, kind="payroll"), idempotency_key="3"
    )
    assert bad_kind.status_code == 422 and bad_kind.json()["code"] == "API-422"
    unsigned = caller.call(None, "POST", URL, body(nour.main.number, data), idempotency_key="4")
    assert unsigned.status_code == 401
    assert not Upload.objects.exists()


def test_status_lists_refused_rows_in_pages(client: Client, nour: Any, bulk: None) -> None:
    system = employer_system("NOUR-PAYROLL", nour.main.number)
    caller = SignedCaller(client)
    rows = [new_contributor(gender="x") for _ in range(7)]
    created = caller.call(
        system,
        "POST",
        URL,
        body(nour.main.number, csv_bytes(NEW_CONTRIBUTORS_V1, rows), mode="all_or_nothing"),
        idempotency_key="p",
    )
    upload = upload_process(upload_id=created.json()["id"])
    assert (upload.status, upload.mode) == (UploadStatus.REJECTED, UploadMode.ALL_OR_NOTHING)
    page = caller.call(system, "GET", f"{URL}{upload.pk}?offset=5&limit=5", idempotency_key=None).json()
    assert [row["row"] for row in page["refused_rows"]] == [8, 9]
    assert page["report_path"] == f"/api/v1/uploads/{upload.pk}/report"
    assert page["outcome"]["code"] == "UPL-110"


def test_the_upload_services_are_in_the_openapi_document(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/uploads/", "/api/v1/uploads/{upload_id}", "/api/v1/uploads/{upload_id}/report"} <= set(
        document["paths"]
    )
    create = document["paths"]["/api/v1/uploads/"]["post"]
    assert {"201", "409"} <= set(create["responses"])
