"""The portal's upload pages: templates to download, the form (every field with help), the
history, the detail page with its polled progress, the report; another establishment's upload
is not found."""

from __future__ import annotations

import io
from typing import Any

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook
from procrastinate.contrib.django.models import ProcrastinateJob

from simis.identity.models import Audience
from simis.portal.public import assert_fields_have_help_text
from simis.uploads.choices import UploadKind, UploadMode, UploadStatus
from simis.uploads.forms import UploadForm
from simis.uploads.layouts import NEW_CONTRIBUTORS_V1, current_layout
from simis.uploads.models import Upload
from simis.uploads.services import upload_process
from simis.uploads.tests.conftest import user_make
from simis.uploads.tests.files import csv_bytes, new_contributor
from simis.uploads.tests.helpers import receive, upload_and_process

pytestmark = pytest.mark.django_db


def signed_in(client: Client, user: Any) -> Client:
    """Signed in as ``user``; staff hold a second factor first (no page opens to them without)."""
    if user.audience == Audience.STAFF and not user.authenticator_set.exists():
        TOTP.activate(user, pyotp.random_base32())
    client.force_login(user)
    return client


def test_every_field_has_help_text() -> None:
    assert_fields_have_help_text(UploadForm)
    form = UploadForm(establishments=[("1", "one")])
    assert all(str(field.help_text) for field in form.fields.values())


def test_nav_entry_and_history_show_only_the_users_own_uploads(client: Client, nour: Any, badr: Any) -> None:
    mine = receive(nour, csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()]))
    theirs = receive(badr, csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()]))
    page = signed_in(client, nour.officer).get("/uploads/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-nav-key="uploads"' in html
    assert f'data-upload="{mine.pk}"' in html
    assert f'data-upload="{theirs.pk}"' not in html


@pytest.mark.parametrize("kind", list(UploadKind))
def test_templates_download_with_their_version_in_the_name(
    client: Client, nour: Any, kind: UploadKind
) -> None:
    layout = current_layout(kind)
    signed_in(client, nour.officer)
    csv_file = client.get(f"/uploads/templates/{kind.slug}.csv")
    assert csv_file["Content-Disposition"] == f'attachment; filename="simis-{kind.slug}-v1.csv"'
    assert csv_file.content.startswith(b"\xef\xbb\xbfSIMIS," + kind.slug.encode() + b",v1,")
    xlsx_file = client.get(f"/uploads/templates/{kind.slug}.xlsx")
    assert xlsx_file["Content-Disposition"] == f'attachment; filename="simis-{kind.slug}-v1.xlsx"'
    workbook = load_workbook(io.BytesIO(xlsx_file.content))
    assert [prop.value for prop in workbook.custom_doc_props.props if prop.name == "simis_template"] == [
        layout.property_value
    ]
    data = workbook.worksheets[0]
    assert [cell.value for cell in data[2]][: len(layout.columns)] == [
        column.header for column in layout.columns
    ]
    assert data.data_validations.dataValidation, "hints and drop-downs"
    instructions = workbook.worksheets[1]
    texts = " ".join(str(cell.value) for row in instructions.iter_rows() for cell in row if cell.value)
    assert "Instructions" in texts and "التعليمات" in texts
    assert client.get(f"/uploads/templates/{kind.slug}.pdf").status_code == 404
    assert client.get("/uploads/templates/payroll.csv").status_code == 404


def test_the_form_offers_only_the_users_establishments(client: Client, nour: Any, badr: Any) -> None:
    html = signed_in(client, nour.officer).get("/uploads/new/").content.decode()
    assert f'value="{nour.main.number}"' in html and f'value="{nour.branch.number}"' in html
    assert f'value="{badr.main.number}"' not in html
    assert "simis-help" in html  # help on demand for every field


def test_uploading_through_the_form(client: Client, nour: Any) -> None:
    data = csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()])
    response = signed_in(client, nour.officer).post(
        "/uploads/new/",
        {
            "establishment": nour.main.number,
            "kind": UploadKind.NEW_CONTRIBUTORS,
            "mode": UploadMode.VALID_ROWS,
            "file": SimpleUploadedFile("march.csv", data, content_type="text/csv"),
        },
    )
    upload = Upload.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/uploads/{upload.pk}/"
    assert (upload.original_name, upload.mode, upload.uploaded_by) == (
        "march.csv",
        "valid_rows",
        nour.officer,
    )
    assert ProcrastinateJob.objects.filter(
        task_name="uploads.upload_process", args={"upload_id": upload.pk}
    ).exists()


def test_a_refused_file_is_explained_on_the_form(client: Client, nour: Any, badr: Any) -> None:
    data = csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()], encoding="cp1256")
    response = signed_in(client, nour.officer).post(
        "/uploads/new/",
        {
            "establishment": nour.main.number,
            "kind": UploadKind.NEW_CONTRIBUTORS,
            "mode": UploadMode.ALL_OR_NOTHING,
            "file": SimpleUploadedFile("march.csv", data),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "UPL-011" in response.content.decode()
    assert not Upload.objects.exists()
    other = client.post(
        "/uploads/new/",
        {
            "establishment": badr.main.number,
            "kind": UploadKind.NEW_CONTRIBUTORS,
            "mode": UploadMode.ALL_OR_NOTHING,
            "file": SimpleUploadedFile("march.csv", csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()])),
        },
    )
    assert other.status_code == 200 and not Upload.objects.exists()


def test_progress_is_polled_until_finished_then_the_page_reloads(
    client: Client, nour: Any, bulk: None
) -> None:
    upload = receive(
        nour,
        csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor(), new_contributor(birth_date="x")]),
        mode=UploadMode.VALID_ROWS,
    )
    signed_in(client, nour.officer)
    detail = client.get(f"/uploads/{upload.pk}/").content.decode()
    assert f'hx-get="/uploads/{upload.pk}/progress/"' in detail and 'hx-trigger="every 1s"' in detail
    fragment = client.get(f"/uploads/{upload.pk}/progress/", HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in fragment and 'max="100"' in fragment.content.decode()
    upload_process(upload_id=upload.pk)
    fragment = client.get(f"/uploads/{upload.pk}/progress/", HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true"
    assert "hx-trigger" not in fragment.content.decode()
    detail = client.get(f"/uploads/{upload.pk}/").content.decode()
    assert 'data-status="applied"' in detail
    assert 'data-testid="rows-refused">1<' in detail
    assert 'data-row="4"' in detail and "DATE-001" in detail
    report = client.get(f"/uploads/{upload.pk}/report/")
    assert report["Content-Disposition"] == f'attachment; filename="simis-upload-{upload.pk}-report.csv"'
    assert b"DATE-001" in b"".join(report.streaming_content)


def test_another_establishments_upload_is_not_found(client: Client, nour: Any, badr: Any, bulk: None) -> None:
    upload = upload_and_process(nour, csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()]))
    signed_in(client, badr.officer)
    for path in ("", "progress/", "report/"):
        assert client.get(f"/uploads/{upload.pk}/{path}").status_code == 404, path
    assert client.post(f"/uploads/{upload.pk}/retry/").status_code == 404
    assert client.get("/uploads/999999/").status_code == 404


def test_staff_see_every_upload_and_others_are_refused(
    client: Client, nour: Any, khalid: Any, bulk: None
) -> None:
    upload = upload_and_process(nour, csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()]))
    assert signed_in(client, khalid).get(f"/uploads/{upload.pk}/").status_code == 200
    insured = user_make("sara", Audience.CONTRIBUTOR)
    other = Client()
    assert signed_in(other, insured).get("/uploads/").status_code == 403
    assert other.get(f"/uploads/{upload.pk}/").status_code == 403
    assert Client().get("/uploads/").status_code == 302  # to sign in


def test_a_failed_upload_offers_to_try_again(client: Client, nour: Any) -> None:
    upload = receive(nour, csv_bytes(NEW_CONTRIBUTORS_V1, [new_contributor()]))
    Upload.objects.filter(pk=upload.pk).update(
        status=UploadStatus.FAILED, outcome_code="UPL-113", outcome_params={"reference": "upload-1-1"}
    )
    signed_in(client, nour.officer)
    assert 'data-testid="upload-retry"' in client.get(f"/uploads/{upload.pk}/").content.decode()
    assert client.post(f"/uploads/{upload.pk}/retry/").status_code == 302
    assert Upload.objects.get(pk=upload.pk).status == UploadStatus.RECEIVED
