"""Test-data factories for the register, for this app's tests and any later ones.

The ``*_make`` functions write rows straight through the ORM, fast and without audit, for tests
that need data in place (billing, benefits, selectors, constraint tests). Derived fields (regime,
covered branches, contributory wage) are filled with plain defaults that the caller may
override; when the derivation itself matters, register through the services instead
(see ``conftest.py``'s personas, which do).

Every number is unique per test run: national IDs and iqamas come from
``core.identifiers.generate_national_id`` (valid check digits), establishment numbers and
contributor numbers from the database sequences.
"""

from __future__ import annotations

import importlib
import itertools
from datetime import date
from decimal import Decimal
from typing import Any

from simis.core.identifiers import IdentityKind, generate_national_id
from simis.core.money import Money
from simis.core.parameter_table import Regime
from simis.registry.choices import EngagementStatus, Gender, LeaveReason
from simis.registry.models import Engagement, Establishment, Person, PersonIdentity, Wage

_sequence = itertools.count(1)


def reference_rows_ensure() -> None:
    """The reference tables' rows (regions, offices, activities, occupations, countries), put back
    when a ``transaction=True`` test has flushed the database: they come from a data migration,
    which a flush does not replay."""
    from django.apps import apps

    from simis.registry.models import Region

    if not Region.objects.exists():
        importlib.import_module("simis.registry.migrations.0003_reference_data").load(apps, None)


def next_sequence() -> int:
    """A number never handed out before in this test process."""
    return next(_sequence)


def unified_number(seq: int | None = None) -> str:
    """A valid-looking 700 number: ten digits starting with 7."""
    return f"7{(seq if seq is not None else next_sequence()) % 1_000_000_000:09d}"


def commercial_registration(seq: int | None = None) -> str:
    return f"10{(seq if seq is not None else next_sequence()) % 100_000_000:08d}"


def national_id(seq: int | None = None) -> str:
    return generate_national_id(seq if seq is not None else next_sequence() + 10_000_000)


def iqama(seq: int | None = None) -> str:
    return generate_national_id(seq if seq is not None else next_sequence() + 10_000_000, IdentityKind.IQAMA)


def establishment_make(**fields: Any) -> Establishment:
    """A main establishment (active, retail, Riyadh) unless ``parent`` makes it a branch."""
    reference_rows_ensure()
    seq = next_sequence()
    parent = fields.get("parent")
    defaults: dict[str, Any] = {
        "unified_number": parent.unified_number if parent else unified_number(seq),
        "commercial_registration": parent.commercial_registration if parent else commercial_registration(seq),
        "name_ar": f"منشأة {seq}",
        "name_en": f"Establishment {seq}",
        "is_main": parent is None,
        "parent_is_main": True if parent else None,
        "economic_activity_id": "47",
        "region_id": "01",
        "city": "Riyadh",
        "office_id": "RUH",
        "registered_on": date(2015, 1, 1),
    }
    defaults.update(fields)
    return Establishment.objects.create(**defaults)


def branch_make(main: Establishment, **fields: Any) -> Establishment:
    return establishment_make(parent=main, **fields)


def person_make(
    *,
    nationality: str = "SAU",
    identity: str | None = None,
    identity_kind: IdentityKind | None = None,
    identity_country: str | None = None,
    **fields: Any,
) -> Person:
    """A person with one identity: a national ID for Saudis, an iqama for others (unless given)."""
    reference_rows_ensure()
    seq = next_sequence()
    defaults: dict[str, Any] = {
        "first_name_ar": "محمد",
        "father_name_ar": "عبدالله",
        "family_name_ar": f"العامل{seq}",
        "first_name_en": "Mohammed",
        "father_name_en": "Abdullah",
        "family_name_en": f"Worker{seq}",
        "birth_date": date(1990, 1, 1),
        "gender": Gender.MALE,
        "nationality_id": nationality,
        "regime": Regime.OLD_LAW,
        "regime_derived_on": date(2024, 7, 3),
        "registered_on": date(2015, 1, 1),
    }
    defaults.update(fields)
    person = Person.objects.create(**defaults)
    kind = identity_kind or (IdentityKind.NATIONAL_ID if nationality == "SAU" else IdentityKind.IQAMA)
    number = identity or (national_id() if kind == IdentityKind.NATIONAL_ID else iqama())
    country = identity_country or (
        "SAU" if kind in (IdentityKind.NATIONAL_ID, IdentityKind.IQAMA) else nationality
    )
    PersonIdentity.objects.create(person=person, kind=kind, country_id=country, number=number)
    return person


def engagement_make(person: Person, establishment: Establishment, **fields: Any) -> Engagement:
    """An active period from 1 Jan 2015, occupation 5 (service and sales), OH cover only
    unless told otherwise."""
    leave_date = fields.get("leave_date")
    defaults: dict[str, Any] = {
        "join_date": date(2015, 1, 1),
        "occupation_id": "5",
        "status": EngagementStatus.TERMINATED if leave_date else EngagementStatus.ACTIVE,
        "leave_reason": LeaveReason.RESIGNATION if leave_date else "",
        "requested_on": fields.get("join_date", date(2015, 1, 1)),
        "covers_annuities": False,
        "covers_occupational_hazards": True,
        "covers_unemployment": False,
        "gcc_extension": False,
        "coverage_regime": person.regime,
    }
    defaults.update(fields)
    return Engagement.objects.create(person=person, establishment=establishment, **defaults)


def wage_make(engagement: Engagement, **fields: Any) -> Wage:
    """A wage row at the period's join date: 5,000 basic + 1,250 housing, contributory 6,250."""
    basic = Money(fields.pop("basic", Decimal("5000")))
    housing = Money(fields.pop("housing", Decimal("1250")))
    defaults: dict[str, Any] = {
        "effective_from": engagement.join_date,
        "basic": basic,
        "housing": housing,
        "other": Money(0),
        "contributory_wage": basic + housing,
        "establishment_id": engagement.establishment_id,
    }
    defaults.update(fields)
    return Wage.objects.create(engagement=engagement, **defaults)
