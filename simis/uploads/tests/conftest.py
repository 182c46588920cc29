"""Fixtures of the upload tests: the law's parameters, the personas of STYLE.md (Nour Trading
with its branch and its officer, Badr Builders with its own, Khalid on the staff), and the day
the files are uploaded.

- **Nour Trading**: a compliant main establishment with a branch in Jeddah; its officer is
  bound to the main establishment (so acts for the branch too).
- **Badr Builders**: another employer, with its own officer — who must never see Nour's files.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from simis.identity.models import Audience, OrganisationMembership, User
from simis.registry.public import Establishment, establishment_branch_add, establishment_register
from simis.registry.tests.factories import reference_rows_ensure

REQUEST_DAY = date(2026, 3, 15)
PASSWORD = "Correct-horse-battery-9"


@pytest.fixture
def parameters(db: Any) -> Iterator[None]:
    from simis.core.selectors import parameter_cache_clear
    from simis.core.services import parameters_load

    reference_rows_ensure()
    parameter_cache_clear()
    parameters_load()
    yield
    parameter_cache_clear()


def user_make(username: str, audience: str) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, audience=audience)


def bind(user: User, number: str, role: str = "officer") -> None:
    OrganisationMembership.objects.create(
        user=user, org_kind="establishment", org_key=number, role=role, valid_from=date(2000, 1, 1)
    )


@pytest.fixture
def khalid(db: Any) -> User:
    """Khalid, on the institution's staff."""
    return user_make("khalid", Audience.STAFF)


@dataclass
class Employer:
    main: Establishment
    branch: Establishment | None
    officer: User


@pytest.fixture
def nour(parameters: None, khalid: User) -> Employer:
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
    branch = establishment_branch_add(
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
    officer = user_make("nour_officer", Audience.EMPLOYER)
    bind(officer, main.number)
    return Employer(main, branch, officer)


@pytest.fixture
def badr(parameters: None, khalid: User) -> Employer:
    main = establishment_register(
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
    officer = user_make("badr_officer", Audience.EMPLOYER)
    bind(officer, main.number)
    return Employer(main, None, officer)


@pytest.fixture
def bulk(settings: Any) -> None:
    """New contributors take the bulk path (``bulk_apply``), as they do by default."""
    settings.SIMIS_UPLOAD_BULK_CONTRIBUTORS = True


@pytest.fixture
def per_row(settings: Any) -> None:
    """New contributors take the per-row service path (``contributor_register`` a row)."""
    settings.SIMIS_UPLOAD_BULK_CONTRIBUTORS = False
