"""The contributions pages: the employer's account, bills and lines, the calculator, certificates
and the staff billing page — each user sees only their own establishments' records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from simis.contributions.models import Bill, ComplianceCertificate
from simis.contributions.services import month_bill, payment_post
from simis.core.dates import add_months, month_start
from simis.core.money import Money
from simis.identity.models import Audience
from simis.registry.tests.conftest import bind, user_make
from simis.registry.tests.factories import engagement_make, establishment_make, person_make, wage_make
from simis.registry.tests.views_support import client_for


@pytest.fixture
def employer(parameters):  # type: ignore[no-untyped-def]
    """An employer with 60 Saudi workers, billed for the last two months, and its officer."""
    establishment = establishment_make()
    for _ in range(60):
        engagement = engagement_make(
            person_make(),
            establishment,
            join_date=date(2020, 1, 1),
            covers_annuities=True,
            covers_unemployment=True,
        )
        wage_make(engagement, basic=Decimal("8000"), housing=Decimal("2000"))
    this_month = month_start(timezone.localdate())
    month_bill(month=add_months(this_month, -2), today=add_months(this_month, -1))
    month_bill(month=add_months(this_month, -1), today=this_month)
    officer = user_make("acct_officer", Audience.EMPLOYER)
    bind(officer, establishment.number)
    return establishment, officer


def test_the_account_page_shows_balances_chart_bills_and_a_statement_that_adds_up(employer) -> None:  # type: ignore[no-untyped-def]
    establishment, officer = employer
    page = client_for(officer).get(f"/contributions/establishments/{establishment.number}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="balance-chart"' in html
    # 60 workers × 10,000 × (11.75 + 9.75) % = 129,000.00 a month, two months billed.
    assert 'data-testid="balance"><bdi>258000.00</bdi>' in html
    assert 'data-testid="closing">258000.00<' in html
    assert html.count('<li><span><a href="/contributions/bills/') == 2


def test_another_employer_sees_nothing(employer) -> None:  # type: ignore[no-untyped-def]
    establishment, _officer = employer
    stranger = user_make("stranger", Audience.EMPLOYER)
    bind(stranger, establishment_make().number)
    client = client_for(stranger)
    assert client.get(f"/contributions/establishments/{establishment.number}/").status_code == 404
    bill = Bill.objects.filter(establishment=establishment).first()
    assert bill is not None
    assert client.get(f"/contributions/bills/{bill.number}/").status_code == 404


def test_a_bill_lists_its_lines_page_by_page(employer) -> None:  # type: ignore[no-untyped-def]
    establishment, officer = employer
    bill = Bill.objects.filter(establishment=establishment).order_by("-month").first()
    assert bill is not None
    client = client_for(officer, language="ar")
    page = client.get(f"/contributions/bills/{bill.number}/")
    html = page.content.decode()
    assert page.status_code == 200 and 'lang="ar"' in html and 'dir="rtl"' in html
    assert html.count("/registry/contributors/") == 50
    assert 'data-testid="more-lines"' in html
    after = html.split("?after=")[1].split('"')[0]
    more = client.get(f"/contributions/bills/{bill.number}/?after={after}", HTTP_HX_REQUEST="true")
    assert more.status_code == 200
    assert more.content.decode().count("/registry/contributors/") == 10
    assert "more-lines" not in more.content.decode()


def test_the_calculator_explains_a_month(employer) -> None:  # type: ignore[no-untyped-def]
    establishment, officer = employer
    bill = Bill.objects.filter(establishment=establishment).order_by("-month").first()
    assert bill is not None
    person = establishment_person(establishment)
    page = client_for(officer).get(
        "/contributions/calculator/",
        {"contributor": person.contributor_number, "month": f"{bill.month:%Y-%m}"},
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="calc-total">2150.00<' in html  # 10,000 × 21.5 %
    assert "Employer 1175.00 SAR + employee 975.00 SAR = 2150.00 SAR" in html
    stranger = user_make("calc_stranger", Audience.EMPLOYER)
    bind(stranger, establishment_make().number)
    refused = client_for(stranger).get(
        "/contributions/calculator/",
        {"contributor": person.contributor_number, "month": f"{bill.month:%Y-%m}"},
    )
    assert "No contributor you may see has this number." in refused.content.decode()


def establishment_person(establishment):  # type: ignore[no-untyped-def]
    from simis.registry.models import Person

    return Person.objects.filter(engagements__establishment=establishment).first()


def test_a_certificate_once_paid_and_its_check_page(employer) -> None:  # type: ignore[no-untyped-def]
    establishment, officer = employer
    client = client_for(officer)
    refused = client.get(f"/contributions/establishments/{establishment.number}/certificate/", follow=True)
    assert "CON-050" in refused.content.decode()
    payment_post(
        establishment_id=establishment.pk,
        amount=Money("258000"),
        paid_on=timezone.localdate(),
        source="p:view",
    )
    pdf = client.get(f"/contributions/establishments/{establishment.number}/certificate/")
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )
    certificate = ComplianceCertificate.objects.get(establishment=establishment)
    public = client_for(user_make("anyone", Audience.CONTRIBUTOR)).get(
        f"/contributions/certificates/{certificate.number}/{certificate.token}/"
    )
    assert 'data-testid="verified"' in public.content.decode()
    forged = client.get(f"/contributions/certificates/{certificate.number}/{'0' * 32}/")
    assert forged.status_code == 404 and 'data-testid="not-verified"' in forged.content.decode()


def test_staff_bill_a_month_from_the_billing_page(employer, khalid) -> None:  # type: ignore[no-untyped-def]
    client = client_for(khalid)
    assert client.post("/contributions/billing/", {"month": "2030-01"}).status_code == 404, "no permission"
    khalid.user_permissions.add(Permission.objects.get(codename="run_billing"))
    page = client.get("/contributions/billing/")
    assert page.status_code == 200 and 'data-testid="bill-month"' in page.content.decode()
    this_month = month_start(timezone.localdate())
    response = client.post("/contributions/billing/", {"month": f"{this_month:%Y-%m}"})
    assert response.status_code == 302
    job = ProcrastinateJob.objects.get(task_name="contributions.month_bill")
    assert job.args == {"month": f"{this_month:%Y-%m}", "user_id": khalid.pk}


def test_a_long_statement_comes_in_pages(employer) -> None:  # type: ignore[no-untyped-def]
    from simis.contributions.views import STATEMENT_ROWS

    establishment, officer = employer
    for day in range(1, 120):
        payment_post(
            establishment_id=establishment.pk,
            amount=Money("1"),
            paid_on=date(2026, 1, 1).fromordinal(date(2026, 1, 1).toordinal() + day),
            source=f"p:small:{day}",
        )
    client = client_for(officer)
    url = f"/contributions/establishments/{establishment.number}/?start=2026-01-01&end={timezone.localdate()}"
    html = client.get(url).content.decode()
    assert html.count('<tr data-kind="') == STATEMENT_ROWS and 'data-testid="more-statement-rows"' in html
    rest = client.get(f"{url}&rows={STATEMENT_ROWS}", HTTP_HX_REQUEST="true").content.decode()
    assert rest.count('<tr data-kind="') == 119 + 2 - STATEMENT_ROWS  # 119 payments and 2 bills
    assert "more-statement-rows" not in rest
