"""Issue 3's path in a real browser, in Arabic first:

Nour Trading's officer signs in with a password and an authenticator code, registers a Saudi and a
non-Saudi worker, changes the wages of two long-standing workers picked on the worker list,
transfers the Saudi to the Jeddah branch and terminates the non-Saudi, then switches to English and
checks the worker list. A Ministry of Interior officer finds those people and the establishment's
workers, stating a purpose each time. The Saudi worker, signed in to his own account, sees his
contribution periods. Screenshots go to test-output/registry-*.png."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from playwright.sync_api import expect

from conftest import TEST_OUTPUT
from simis.core.dates import format_in, month_start
from simis.core.money import Money
from simis.identity.models import Audience
from simis.registry.models import Engagement, Person, Wage
from simis.registry.services import (
    IdentityInput,
    PersonNames,
    WageInput,
    contributor_register,
    contributor_user_link,
)
from simis.registry.tests.conftest import SARA_NAMES, user_make
from simis.registry.tests.factories import iqama, national_id
from simis.registry.tests.views_support import agency_user_make

PASSWORD = "Correct-horse-battery-9"


def sign_in(page, username: str, secret: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.fill('input[name="login"]', username)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('input[name="password"]').press("Enter")
    page.wait_for_selector('input[name="code"]')
    page.fill('input[name="code"]', pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.locator('input[name="code"]').press("Enter")
    page.wait_for_selector('[data-testid="user-menu"]')


def sign_out(page) -> None:  # type: ignore[no-untyped-def]
    page.click('[data-testid="user-menu"]')
    with page.expect_navigation():
        page.click('[data-testid="sign-out"]')


def with_totp(user):  # type: ignore[no-untyped-def]
    secret = pyotp.random_base32()
    TOTP.activate(user, secret)
    return secret


def type_date(page, field: str, day: date, calendar: str) -> None:  # type: ignore[no-untyped-def]
    page.fill(f"#id_{field}_0", format_in(day, calendar, numeric=True))
    page.select_option(f"#id_{field}_1", calendar)


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(TEST_OUTPUT / f"registry-{name}.png"), full_page=True)


def submit(page, selector: str = '[data-testid="submit"]') -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.click(selector)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_employer_government_and_contributor_walk_the_register(browser_page, nour, khalid) -> None:  # type: ignore[no-untyped-def]
    today = date.today()
    if today.day == 1:
        pytest.skip("a transfer must come after the join date: run on any day but the 1st")
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    joined = month_start(today)

    # Two long-standing workers at the main establishment, registered on time years ago.
    sara = contributor_register(
        actor=khalid,
        establishment=nour.main,
        identities=[IdentityInput("national_id", national_id())],
        names=SARA_NAMES,
        birth_date=date(1985, 3, 10),
        gender="female",
        nationality="SAU",
        join_date=date(2020, 1, 5),
        occupation="4",
        wage=WageInput(basic=Money(Decimal("9000")), housing=Money(Decimal("2250"))),
        requested_on=date(2020, 1, 20),
    ).person
    omar = contributor_register(
        actor=khalid,
        establishment=nour.main,
        identities=[IdentityInput("iqama", iqama())],
        names=PersonNames(first_ar="عمر", family_ar="فاروق", first_en="Omar", family_en="Farooq"),
        birth_date=date(1990, 8, 1),
        gender="male",
        nationality="EGY",
        join_date=date(2021, 3, 1),
        occupation="7",
        wage=WageInput(basic=Money(Decimal("4000")), housing=Money(Decimal("1000"))),
        requested_on=date(2021, 3, 10),
    ).person
    employer_secret = with_totp(nour.officer)

    # --- The employer, in Arabic ---------------------------------------------------------------
    sign_in(page, "nour_officer", employer_secret)
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.click('[data-nav-key="registry-establishments"]')
    page.wait_for_selector('[data-testid="establishment-cards"]')
    assert page.locator('[data-testid="establishment-card"]').count() == 3
    shot(page, "dashboard-ar")

    # A Saudi never covered before: birth date typed in Hijri, join date in Gregorian.
    page.goto(f"/registry/establishments/{nour.main.number}/")
    page.click('[data-testid="action-register"]')
    fahad_id = national_id()
    page.select_option("#id_nationality", "SAU")
    page.select_option("#id_identity_kind", "national_id")
    page.fill("#id_identity_number", fahad_id)
    for field, value in {
        "first_name_ar": "فهد",
        "father_name_ar": "سعد",
        "grandfather_name_ar": "ناصر",
        "family_name_ar": "الدوسري",
        "first_name_en": "Fahad",
        "father_name_en": "Saad",
        "grandfather_name_en": "Nasser",
        "family_name_en": "Aldosari",
        "basic": "8000",
        "housing": "2000",
        "other": "500",
    }.items():
        page.fill(f"#id_{field}", value)
    page.fill("#id_birth_date_0", "14/03/1416")
    page.select_option("#id_birth_date_1", "hijri")
    page.select_option("#id_gender", "male")
    type_date(page, "join_date", joined, "gregorian")
    page.select_option("#id_occupation", "2")
    page.click('[aria-controls="id_identity_number_helptext"]')
    assert page.locator("#id_identity_number_helptext").is_visible()
    shot(page, "register-form-ar")
    submit(page)
    assert page.locator('[data-testid="person-name"]').inner_text() == "فهد سعد ناصر الدوسري"
    assert page.locator(".alert-success").count() == 1
    fahad = Person.objects.get(identities__number=fahad_id)
    assert fahad.birth_date_calendar == "hijri"
    shot(page, "registered-ar")

    # A non-Saudi with an iqama, at the same main establishment. A wrong check digit first.
    page.goto(f"/registry/establishments/{nour.main.number}/contributors/new/")
    page.select_option("#id_nationality", "IND")
    page.select_option("#id_identity_kind", "iqama")
    page.fill("#id_identity_number", "2000000000")
    for field, value in {
        "first_name_ar": "رافي",
        "family_name_ar": "شارما",
        "first_name_en": "Ravi",
        "family_name_en": "Sharma",
        "basic": "3500",
        "housing": "875",
        "other": "0",
        "passport_number": "P7654321",
    }.items():
        page.fill(f"#id_{field}", value)
    type_date(page, "birth_date", date(1994, 2, 11), "gregorian")
    page.select_option("#id_gender", "male")
    type_date(page, "join_date", joined, "gregorian")
    page.select_option("#id_occupation", "7")
    submit(page)
    error = page.locator(".simis-field-invalid .invalid-feedback").first
    assert "IDF-" in error.inner_text()
    shot(page, "register-refused-ar")
    ravi_iqama = iqama()
    page.fill("#id_identity_number", ravi_iqama)
    submit(page)
    ravi = Person.objects.get(identities__number=ravi_iqama)
    assert page.locator('[data-testid="contributor-number"]').inner_text() == str(ravi.contributor_number)

    # Wages: two long-standing workers picked on the worker list, from this month.
    page.click('[data-nav-key="registry-workers"]')
    page.wait_for_selector('[data-testid="worker-table"]')
    assert page.locator('[data-testid="worker-row"]').count() == 4
    page.fill("#id_q", "Alotaibi")
    expect(page.locator('[data-testid="worker-row"]')).to_have_count(1)
    assert "q=Alotaibi" in page.url  # htmx pushed the filtered address
    page.fill("#id_q", "")
    expect(page.locator('[data-testid="worker-row"]')).to_have_count(4)
    for person in (sara, omar):
        page.check(f'tr[data-contributor="{person.contributor_number}"] input[name="engagement"]')
    assert page.locator("[data-registry-selected-count]").inner_text() == "2"
    shot(page, "workers-selected-ar")
    submit(page, '[data-testid="change-wages"]')
    assert page.locator('[data-testid="wage-line"]').count() == 2
    type_date(page, "month", joined, "gregorian")
    sara_line = page.locator(f'[data-testid="wage-line"][data-engagement="{sara.engagements.get().pk}"]')
    omar_line = page.locator(f'[data-testid="wage-line"][data-engagement="{omar.engagements.get().pk}"]')
    sara_line.locator('input[name$="-basic"]').fill("9500")
    omar_line.locator('input[name$="-basic"]').fill("4400")
    omar_line.locator('select[name$="-occupation"]').select_option("8")
    shot(page, "wage-change-ar")
    submit(page)
    assert page.locator(".alert-success").count() == 1
    assert Wage.objects.filter(effective_from=joined, engagement__person__in=[sara, omar]).count() == 2

    # The Saudi newcomer moves to the Jeddah branch today.
    page.goto(f"/registry/contributors/{fahad.contributor_number}/")
    page.click('[data-testid="action-transfer"]')
    page.select_option("#id_target", nour.jeddah.number)
    type_date(page, "transfer_date", today, "gregorian")
    submit(page)
    assert page.locator('[data-testid="period"]').count() == 2
    assert Engagement.objects.get(person=fahad, establishment=nour.jeddah).join_date == today
    shot(page, "transferred-ar")

    # The non-Saudi leaves today.
    page.goto(f"/registry/contributors/{ravi.contributor_number}/")
    page.click('[data-testid="action-terminate"]')
    type_date(page, "leave_date", today, "hijri")
    page.select_option("#id_reason", "resignation")
    submit(page)
    assert page.locator('[data-testid="period"][data-status="terminated"]').count() == 1
    page.goto(f"/registry/establishments/{nour.main.number}/")
    assert page.locator('[data-testid="count-active"]').inner_text() == "2"
    shot(page, "establishment-ar")

    # --- The same employer, in English: the worker list -----------------------------------------
    with page.expect_navigation():
        page.click('[data-testid="language-switch"]')
    assert page.locator("html").get_attribute("dir") == "ltr"
    page.goto(f"/registry/establishments/{nour.main.number}/workers/")
    rows = page.locator('[data-testid="worker-row"]')
    names = rows.all_inner_texts()
    assert rows.count() == 2  # Sara and Omar; Fahad moved, Ravi left
    assert any("Sara" in row for row in names) and any("Omar" in row for row in names)
    page.select_option("#id_status", "all")
    expect(page.locator('[data-testid="worker-row"]')).to_have_count(4)
    assert page.locator('[data-status="terminated"]').count() == 2
    shot(page, "workers-en")
    page.select_option("#id_branch", nour.jeddah.number)
    expect(page.locator('[data-testid="worker-row"]')).to_have_count(1)
    assert "Fahad" in page.locator('[data-testid="worker-row"]').inner_text()
    sign_out(page)

    # --- A government agency officer ------------------------------------------------------------
    moi = agency_user_make()
    moi_secret = with_totp(moi)
    sign_in(page, "moi_officer", moi_secret)
    page.click('[data-nav-key="registry-inquiries"]')
    page.fill("#id_number", fahad_id)
    submit(page)
    assert page.locator('[data-error-code="REGW-005"]').count() == 1  # no purpose, no lookup
    assert page.locator('[data-testid="inquiry-person"]').count() == 0
    page.select_option("#id_purpose", "eligibility")
    page.fill("#id_purpose_detail", "Housing support file 1448/2291")
    submit(page)
    assert "Fahad" in page.locator('[data-testid="inquiry-person"]').inner_text()
    shot(page, "inquiry-person")
    page.click('label[for="kind-establishment"]')
    page.fill("#id_number", nour.main.unified_number)
    submit(page)
    submit(page, '[data-testid="list-workers"]')
    assert page.locator('[data-testid="gov-workers"] [data-testid="worker-row"]').count() == 2
    shot(page, "inquiry-workers")
    sign_out(page)

    # --- The Saudi newcomer, on his own account ---------------------------------------------------
    account = user_make("fahad", Audience.CONTRIBUTOR)
    contributor_user_link(actor=khalid, person=fahad, user=account)
    fahad_secret = with_totp(account)
    page.context.clear_cookies()
    sign_in(page, "fahad", fahad_secret)
    assert page.locator("html").get_attribute("lang") == "ar"
    page.click('[data-nav-key="registry-my-periods"]')
    periods = page.locator('[data-testid="period"]')
    assert periods.count() == 2
    assert page.locator('[data-testid="period"][data-status="active"]').count() == 1
    assert "نور" in periods.first.inner_text()
    shot(page, "my-periods-ar")
    # Someone else's periods are not there for him.
    response = page.goto(f"/registry/contributors/{ravi.contributor_number}/")
    assert response is not None and response.status == 404
