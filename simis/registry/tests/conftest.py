"""Fixtures for the register's tests: the law parameters, the YAML table for rule tests, and the
personas of STYLE.md registered through the services.

- **Nour Trading**: a compliant main establishment (retail, Riyadh) with two branches (Jeddah,
  Dammam); Nour's employer user is bound to the main establishment.
- **Badr Builders**: a construction company (in arrears, for billing tests later).
- **Sara**: Saudi, born 10 Mar 1985, at Nour Trading since 1 Jan 2004: 22 years of service, old
  law (246 months on 3 Jul 2024, so not transitional).
- **Ravi**: Indian, iqama holder, at Badr Builders since 1 Mar 2025: new law, occupational
  hazards only.
- **Khalid**: the institution's staff member who approves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from simis.core.money import Money
from simis.core.parameter_table import ParameterTable
from simis.identity.models import Audience, OrganisationMembership, User
from simis.registry.parameter_files import registry_parameter_files, registry_parameter_table
from simis.registry.services import (
    ContributorRegistration,
    IdentityInput,
    PersonNames,
    WageInput,
    contributor_register,
    establishment_branch_add,
    establishment_register,
)
from simis.registry.tests.factories import iqama, national_id, reference_rows_ensure

# The day most requests in these tests are made.
TODAY = date(2026, 3, 15)


@pytest.fixture(scope="session")
def table() -> ParameterTable:
    """The parameter YAML of the working tree (kernel files and registration.yaml), no database."""
    return registry_parameter_table()


@pytest.fixture(scope="session")
def read(table: ParameterTable):  # type: ignore[no-untyped-def]
    """A reader over ``table`` (pure: safe to share between hypothesis examples)."""
    return table.reader()


@pytest.fixture
def reference_rows(db) -> None:  # type: ignore[no-untyped-def]
    reference_rows_ensure()


@pytest.fixture
def parameters(db, reference_rows):  # type: ignore[no-untyped-def]
    """The kernel's parameter files and registration.yaml loaded into the test database."""
    from simis.core.selectors import parameter_cache_clear
    from simis.core.services import parameters_load

    parameter_cache_clear()
    results = parameters_load(registry_parameter_files())
    yield results
    parameter_cache_clear()


def user_make(username: str, audience: str) -> User:
    return User.objects.create_user(username=username, password="Correct-horse-battery-9", audience=audience)


def bind(user: User, number: str, role: str = "officer") -> OrganisationMembership:
    """Bind an employer user straight through the model (tests only)."""
    return OrganisationMembership.objects.create(
        user=user, org_kind="establishment", org_key=number, role=role, valid_from=date(2000, 1, 1)
    )


@pytest.fixture
def khalid(db) -> User:  # type: ignore[no-untyped-def]
    """Khalid, on the institution's staff."""
    return user_make("khalid", Audience.STAFF)


@dataclass
class NourTrading:
    main: object
    jeddah: object
    dammam: object
    officer: User


@pytest.fixture
def nour(parameters, khalid) -> NourTrading:  # type: ignore[no-untyped-def]
    """Nour Trading, a main establishment with two branches, and its employer user."""
    main = establishment_register(
        actor=khalid,
        unified_number="7001234560",
        commercial_registration="1010123456",
        name_ar="شركة نور للتجارة",
        name_en="Nour Trading",
        economic_activity="47",
        region="01",
        city="الرياض",
        office="RUH",
        registered_on=date(2003, 6, 1),
    )
    jeddah = establishment_branch_add(
        actor=khalid,
        main=main,
        name_ar="شركة نور للتجارة - فرع جدة",
        name_en="Nour Trading - Jeddah",
        economic_activity="47",
        region="02",
        city="جدة",
        office="JED",
        registered_on=date(2010, 1, 1),
    )
    dammam = establishment_branch_add(
        actor=khalid,
        main=main,
        name_ar="شركة نور للتجارة - فرع الدمام",
        name_en="Nour Trading - Dammam",
        economic_activity="46",
        region="04",
        city="الدمام",
        office="DMM",
        registered_on=date(2012, 1, 1),
    )
    officer = user_make("nour_officer", Audience.EMPLOYER)
    bind(officer, main.number)
    return NourTrading(main, jeddah, dammam, officer)


@pytest.fixture
def badr(parameters, khalid):  # type: ignore[no-untyped-def]
    """Badr Builders, a construction company."""
    return establishment_register(
        actor=khalid,
        unified_number="7009876541",
        commercial_registration="4030987654",
        name_ar="بدر للمقاولات",
        name_en="Badr Builders",
        economic_activity="41",
        region="02",
        city="جدة",
        office="JED",
        registered_on=date(2015, 2, 1),
    )


@pytest.fixture
def badr_officer(badr) -> User:  # type: ignore[no-untyped-def]
    officer = user_make("badr_officer", Audience.EMPLOYER)
    bind(officer, badr.number)
    return officer


SARA_NAMES = PersonNames(
    first_ar="سارة",
    father_ar="عبدالله",
    grandfather_ar="محمد",
    family_ar="العتيبي",
    first_en="Sara",
    father_en="Abdullah",
    grandfather_en="Mohammed",
    family_en="Alotaibi",
)

RAVI_NAMES = PersonNames(
    first_ar="رافي",
    family_ar="كومار",
    first_en="Ravi",
    family_en="Kumar",
)


@pytest.fixture
def sara_id() -> str:
    return national_id(1_985_031)


@pytest.fixture
def sara(nour, khalid, sara_id) -> ContributorRegistration:  # type: ignore[no-untyped-def]
    """Sara at Nour Trading (main) since 1 Jan 2004, registered on time in January 2004."""
    return contributor_register(
        actor=khalid,
        establishment=nour.main,
        identities=[IdentityInput("national_id", sara_id)],
        names=SARA_NAMES,
        birth_date=date(1985, 3, 10),
        gender="female",
        nationality="SAU",
        join_date=date(2004, 1, 1),
        occupation="4",
        wage=WageInput(basic=Money(Decimal("4000")), housing=Money(Decimal("1000"))),
        requested_on=date(2004, 1, 20),
    )


@pytest.fixture
def ravi(badr, khalid) -> ContributorRegistration:  # type: ignore[no-untyped-def]
    """Ravi at Badr Builders since 1 Mar 2025, registered on time."""
    return contributor_register(
        actor=khalid,
        establishment=badr,
        identities=[IdentityInput("iqama", iqama(2_025_030)), IdentityInput("passport", "Z1234567", "IND")],
        names=RAVI_NAMES,
        birth_date=date(1992, 7, 4),
        gender="male",
        nationality="IND",
        join_date=date(2025, 3, 1),
        occupation="7",
        wage=WageInput(
            basic=Money(Decimal("2500")), housing=Money(Decimal("625")), other=Money(Decimal("300"))
        ),
        requested_on=date(2025, 3, 10),
    )
