"""REG-2: registering a contributor never covered before, with the first period and wage."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from simis.audit.models import AuditEntry
from simis.core.errors import SimisError
from simis.core.money import Money
from simis.core.parameter_table import Regime
from simis.identity.models import Audience
from simis.registry.choices import EngagementStatus, ReviewReason
from simis.registry.models import Person, PersonIdentity
from simis.registry.selectors import person_regime_derivation, wage_derivation
from simis.registry.services import (
    IdentityInput,
    PersonNames,
    WageInput,
    contributor_register,
    contributor_user_link,
)
from simis.registry.tests.conftest import SARA_NAMES, TODAY, user_make
from simis.registry.tests.factories import iqama, national_id

pytestmark = pytest.mark.django_db

WAGE = WageInput(basic=Money(Decimal("6000")), housing=Money(Decimal("1500")))


def register(actor, establishment, **overrides):  # type: ignore[no-untyped-def]
    fields = {
        "actor": actor,
        "establishment": establishment,
        "identities": [IdentityInput("national_id", national_id())],
        "names": PersonNames(first_ar="خالد", family_ar="الحربي", first_en="Khalid", family_en="Alharbi"),
        "birth_date": date(1998, 4, 2),
        "gender": "male",
        "nationality": "SAU",
        "join_date": date(2026, 3, 1),
        "occupation": "2",
        "wage": WAGE,
        "requested_on": TODAY,
    }
    fields.update(overrides)
    return contributor_register(**fields)


def test_sara_is_old_law_with_every_saudi_branch(sara) -> None:  # type: ignore[no-untyped-def]
    person, engagement, wage = sara.person, sara.engagement, sara.wage
    assert person.regime == Regime.OLD_LAW
    assert person.regime_inputs["months_before_new_law"] == 246
    assert person.regime_inputs["below_age_threshold"] is True  # 39, but 246 months
    assert (
        engagement.covers_annuities,
        engagement.covers_occupational_hazards,
        engagement.covers_unemployment,
    ) == (
        True,
        True,
        True,
    )
    assert engagement.status == EngagementStatus.ACTIVE
    assert wage.contributory_wage == Money(5000)
    explained = wage_derivation(wage)  # from the compact stored record and the versions it names
    assert explained.mechanism == "annual" and explained.amount == Money(5000)
    assert [r.key for r in explained.readings][-1] == "wage.ceiling" and explained.ceiling == Money(45000)
    assert person_regime_derivation(person).months_before_new_law == 246
    assert wage.parameter_version_ids and person.contributor_number > 0
    entry = AuditEntry.objects.filter(action="registry.contributor_registered").get()
    assert entry.after["engagement"]["id"] == engagement.pk and entry.extra["timing"]["late"] is False


def test_ravi_is_new_law_occupational_hazards_only(ravi) -> None:  # type: ignore[no-untyped-def]
    assert ravi.person.regime == Regime.NEW_LAW
    e = ravi.engagement
    assert (e.covers_annuities, e.covers_occupational_hazards, e.covers_unemployment, e.gcc_extension) == (
        False,
        True,
        False,
        False,
    )
    # Non-Saudi: the occupational hazards minimum (400) applies, basic + housing counted.
    assert ravi.wage.contributory_wage == Money(3125)
    kinds = set(PersonIdentity.objects.filter(person=ravi.person).values_list("kind", "country_id"))
    assert kinds == {("iqama", "SAU"), ("passport", "IND")}


def test_an_existing_identity_is_refused_naming_the_contributor(sara, nour, khalid, sara_id) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as refused:
        register(khalid, nour.jeddah, identities=[IdentityInput("national_id", sara_id)])
    assert refused.value.code == "REG-201"
    assert str(sara.person.contributor_number) in refused.value.message
    assert Person.objects.count() == 1
    assert AuditEntry.objects.filter(action="registry.request_refused", extra__code="REG-201").exists()


def test_a_late_registration_waits_for_review(nour, khalid) -> None:  # type: ignore[no-untyped-def]
    """Joined in January 2026, registered in March: past the end-of-month deadline, within 24 months."""
    result = register(khalid, nour.main, join_date=date(2026, 1, 5))
    e = result.engagement
    assert e.status == EngagementStatus.PENDING_REVIEW and e.review_reason == ReviewReason.LATE_REGISTRATION
    assert (e.disputed_from, e.disputed_until) == (date(2026, 1, 1), date(2026, 3, 1))


def test_beyond_24_months_is_refused(nour, khalid) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as refused:
        register(khalid, nour.main, join_date=date(2024, 3, 14))
    assert refused.value.code == "REG-301"
    assert Person.objects.count() == 0


def test_a_gcc_national_is_covered_through_the_extension(nour, khalid) -> None:  # type: ignore[no-untyped-def]
    result = register(
        khalid,
        nour.main,
        identities=[IdentityInput("gcc_id", "289010112345", "KWT")],
        names=PersonNames(first_ar="فهد", family_ar="العنزي", first_en="Fahad", family_en="Alenezi"),
        nationality="KWT",
        birth_date=date(1989, 1, 1),
    )
    e = result.engagement
    assert e.gcc_extension and e.gcc_country == "KW"
    assert not e.covers_annuities and not e.covers_unemployment and e.covers_occupational_hazards


def test_new_law_coverage_ages_are_gregorian(nour, khalid) -> None:  # type: ignore[no-untyped-def]
    """First covered in 2026 (new law): 62 is below 65 and 64; at 64 SANED no longer starts."""
    result = register(khalid, nour.main, birth_date=date(1964, 1, 1))
    assert result.person.regime == Regime.NEW_LAW
    assert result.engagement.covers_annuities and result.engagement.covers_unemployment
    older = register(khalid, nour.main, birth_date=date(1961, 6, 1))
    assert older.engagement.covers_annuities and not older.engagement.covers_unemployment


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"nationality": "XYZ"}, "REG-208"),
        ({"occupation": "99"}, "REG-310"),
        ({"gender": "other"}, "REG-213"),
        ({"names": PersonNames(first_ar="", family_ar="x", first_en="y", family_en="z")}, "REG-207"),
        ({"identities": []}, "REG-206"),
        ({"birth_date": date(2012, 1, 1)}, "REG-210"),
        ({"join_date": date(2026, 4, 1)}, "REG-302"),
        ({"wage": WageInput(basic=Money(0))}, "REG-405"),
        ({"identities": [IdentityInput("iqama", "2000000000")], "nationality": "IND"}, "IDF-006"),
        ({"identities": [IdentityInput("licence", "123")]}, "IDF-012"),
        ({"birth_date_calendar": "julian"}, "DATE-007"),
    ],
)
def test_refusals_are_coded(nour, khalid, overrides, code) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as refused:
        register(khalid, nour.main, **overrides)
    assert refused.value.code == code
    assert Person.objects.count() == 0


def test_a_closed_or_foreign_establishment_is_refused(nour, badr) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as refused:
        register(nour.officer, badr)
    assert refused.value.code == "IDN-040"


def test_an_employer_user_registers_at_a_branch_of_its_main(nour) -> None:  # type: ignore[no-untyped-def]
    result = register(
        nour.officer, nour.dammam, identities=[IdentityInput("iqama", iqama())], nationality="PAK"
    )
    assert result.engagement.establishment_id == nour.dammam.pk


def test_arabic_digits_and_spaces_in_the_identity_number_are_normalised(nour, khalid) -> None:  # type: ignore[no-untyped-def]
    number = national_id()
    typed = " ".join(number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")))
    result = register(khalid, nour.main, identities=[IdentityInput("national_id", typed)])
    assert PersonIdentity.objects.get(person=result.person).number == number


def test_linking_the_insured_persons_own_account(sara, khalid) -> None:  # type: ignore[no-untyped-def]
    account = user_make("sara", Audience.CONTRIBUTOR)
    person = contributor_user_link(actor=khalid, person=sara.person, user=account)
    assert person.user_id == account.pk
    with pytest.raises(SimisError) as refused:
        contributor_user_link(actor=khalid, person=sara.person, user=user_make("nour_x", Audience.EMPLOYER))
    assert refused.value.code == "REG-215"


def test_the_person_keeps_the_names_as_typed_and_searchable(sara) -> None:  # type: ignore[no-untyped-def]
    person = Person.objects.get(pk=sara.person.pk)
    assert person.full_name_ar == "سارة عبدالله محمد العتيبي"
    assert person.full_name_en == "Sara Abdullah Mohammed Alotaibi"
    assert "alotaibi" in person.search_name and SARA_NAMES.family_ar in person.search_name
