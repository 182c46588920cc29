"""Wage changes (REG-4) and wage-change batches (REG-5) from the worker list: one line per
selected worker, all applied or none; a refused line shows its own code on its row; a batch whose
declared summary does not match its lines shows each figure and its difference."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from simis.registry.models import Wage, WageBatch
from simis.registry.tests.factories import engagement_make, person_make, wage_make
from simis.registry.tests.views_support import client_for, date_fields, formset_data, this_month

pytestmark = pytest.mark.django_db


@pytest.fixture
def crew(nour):  # type: ignore[no-untyped-def]
    """Two workers at Nour's main establishment since 2015 (new-law-free old hands)."""
    periods = []
    for _ in range(2):
        engagement = engagement_make(person_make(nationality="IND"), nour.main)
        wage_make(engagement)
        periods.append(engagement)
    return periods


def _line(engagement, basic: str = "5500.00", housing: str = "1375.00", **extra):  # type: ignore[no-untyped-def]
    return {"engagement": engagement.pk, "basic": basic, "housing": housing, "other": "0", **extra}


def test_the_selection_from_the_worker_list_opens_one_line_per_worker(nour, crew) -> None:  # type: ignore[no-untyped-def]
    client = client_for(nour.officer)
    response = client.get(
        reverse("registry:wage-change", args=[nour.main.number]), {"engagement": [e.pk for e in crew]}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="wage-line"') == 2
    line = html.split('data-testid="wage-line"')[1]
    assert "5,000.00" in line and "1,250.00" in line  # each worker's wage now, under its input
    assert 'value="5000.00"' in html  # prefilled with it


def test_nothing_selected_is_refused_with_a_code(nour) -> None:  # type: ignore[no-untyped-def]
    response = client_for(nour.officer).get(reverse("registry:wage-change", args=[nour.main.number]))
    assert 'data-error-code="REGW-002"' in response.content.decode()


def test_change_the_wages_and_occupation_of_two_workers(nour, crew) -> None:  # type: ignore[no-untyped-def]
    client = client_for(nour.officer)
    data = formset_data(
        [_line(crew[0], occupation="3"), _line(crew[1], basic="7000.00")],
        **date_fields("month", this_month()),
    )
    response = client.post(reverse("registry:wage-change", args=[nour.main.number]), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:workers", args=[nour.main.number])
    new = {w.engagement_id: w for w in Wage.objects.filter(effective_from=this_month())}
    assert new[crew[0].pk].basic.amount == Decimal("5500.00")
    assert new[crew[1].pk].basic.amount == Decimal("7000.00")
    crew[0].refresh_from_db()
    assert crew[0].occupation_id == "3"
    page = client.get(response["Location"]).content.decode()
    assert "The wages of 2 workers change from" in page


def test_a_refused_line_shows_its_code_on_its_row_and_nothing_is_applied(nour, crew) -> None:  # type: ignore[no-untyped-def]
    client = client_for(nour.officer)
    data = formset_data([_line(crew[0]), _line(crew[1], basic="-10")], **date_fields("month", this_month()))
    response = client.post(reverse("registry:wage-change", args=[nour.main.number]), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-error-code="REG-409"' in html
    second = html.split(f'data-engagement="{crew[1].pk}"')[1].split("</tr>")[0]
    assert "REG-404" in second or "REG-405" in second
    first = html.split(f'data-engagement="{crew[0].pk}"')[1].split("</tr>")[0]
    assert "REG-4" not in first
    assert not Wage.objects.filter(effective_from=this_month()).exists()


def test_a_line_for_a_worker_of_another_establishment_is_refused(nour, badr, crew) -> None:  # type: ignore[no-untyped-def]
    stranger = engagement_make(person_make(), badr)
    data = formset_data([_line(crew[0]), _line(stranger)], **date_fields("month", this_month()))
    response = client_for(nour.officer).post(reverse("registry:wage-change", args=[nour.main.number]), data)
    assert response.status_code == 400
    assert "REGW-003" in response.content.decode()
    assert not Wage.objects.filter(effective_from=this_month()).exists()


def _summary(lines: int, basic: str, housing: str, contributory: str) -> dict[str, str]:
    return {
        "declared_line_count": str(lines),
        "declared_total_basic": basic,
        "declared_total_housing": housing,
        "declared_total_contributory": contributory,
        "reference": "PAYROLL-11",
    }


def test_a_batch_whose_summary_does_not_match_shows_each_difference(nour, crew) -> None:  # type: ignore[no-untyped-def]
    client = client_for(nour.officer)
    data = formset_data(
        [_line(crew[0]), _line(crew[1])],
        **date_fields("month", this_month()),
        **_summary(2, "11500.00", "2750.00", "13750.00"),
    )
    response = client.post(reverse("registry:batch-new", args=[nour.main.number]), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-error-code="REG-501"' in html
    table = html.split('data-testid="summary-differences"')[1].split("</table>")[0]
    assert "500.00" in table  # declared 11,500 against 11,000 counted
    assert not WageBatch.objects.exists()
    assert not Wage.objects.filter(effective_from=this_month()).exists()


def test_register_then_amend_a_batch(nour, crew) -> None:  # type: ignore[no-untyped-def]
    client = client_for(nour.officer)
    data = formset_data(
        [_line(crew[0]), _line(crew[1])],
        **date_fields("month", this_month()),
        **_summary(2, "11000.00", "2750.00", "13750.00"),
    )
    response = client.post(reverse("registry:batch-new", args=[nour.main.number]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    batch = WageBatch.objects.get()
    assert batch.reference == "PAYROLL-11"
    listing = client.get(response["Location"]).content.decode()
    assert 'data-testid="batch-row"' in listing
    assert "11,000.00" in listing

    amend_url = reverse("registry:batch-amend", args=[nour.main.number, batch.pk])
    form_page = client.get(amend_url).content.decode()
    assert form_page.count('data-testid="wage-line"') == 2
    # Drop the second line and raise the first: the summary must follow.
    amended = formset_data(
        [_line(crew[0], basic="6000.00"), {**_line(crew[1]), "DELETE": True}],
        **date_fields("month", this_month()),
        **_summary(1, "6000.00", "1375.00", "7375.00"),
    )
    response = client.post(amend_url, amended)
    assert response.status_code == 302, response.content.decode()[:3000]
    batch.refresh_from_db()
    assert batch.amendment_count == 1
    assert list(batch.lines.values_list("engagement_id", flat=True)) == [crew[0].pk]


def test_another_employer_cannot_amend_nours_batch(nour, badr_officer, crew) -> None:  # type: ignore[no-untyped-def]
    client_for(nour.officer).post(
        reverse("registry:batch-new", args=[nour.main.number]),
        formset_data(
            [_line(crew[0])],
            **date_fields("month", this_month()),
            **_summary(1, "5500.00", "1375.00", "6875.00"),
        ),
    )
    batch = WageBatch.objects.get()
    client = client_for(badr_officer)
    assert client.get(reverse("registry:batch-amend", args=[nour.main.number, batch.pk])).status_code == 404
