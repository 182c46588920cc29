"""The demonstration register that ``make run`` loads (``manage.py demo_registry_load``).

The personas of STYLE.md, registered through the services so every audit entry and derived
figure is the real thing:

- **Nour Trading** (نور للتجارة), establishment **7000000001**: a main establishment in Riyadh
  with branches in Jeddah (7000000002) and Dammam (7000000003). The demonstration ``employer``
  user is bound to 7000000001 by identity's ``demo_load``.
- **Badr Builders** (بدر للمقاولات), a construction company in Jeddah.
- **Sara**, Saudi, at Nour Trading since 1 January 2004 (about 22 years of service, old law),
  with her wage history; linked to the demonstration ``contributor`` user.
- **Ravi**, Indian, at Badr Builders since March 2025 (new law).

Then a small generated population (``populate``): 50 more establishments and 2,000
contributors, some of them staffing Nour Trading's three establishments and Badr Builders.

Idempotent and cheap: when establishment 7000000001 exists nothing is done. Only on
development, demonstration and test systems (POP-001).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from simis.audit.public import audit_record
from simis.core.errors import SimisError
from simis.core.identifiers import IdentityKind, generate_national_id
from simis.core.money import Money
from simis.registry.models import ESTABLISHMENT_NUMBER_SEQUENCE, Establishment
from simis.registry.populate import (
    PopulateAction,
    PopulateError,
    PopulationResult,
    PopulationSpec,
    Workforce,
    generated_data_allowed,
    populate,
)
from simis.registry.services import (
    IdentityInput,
    PersonNames,
    WageInput,
    WageLine,
    contributor_register,
    contributor_user_link,
    establishment_branch_add,
    establishment_register,
    wage_change,
)

NOUR_NUMBER = "7000000001"
DEMO_SEED = 2026
DEMO_ESTABLISHMENTS = 50
DEMO_CONTRIBUTORS = 2_000
CONTRIBUTOR_USERNAME = "contributor"

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
RAVI_NAMES = PersonNames(first_ar="رافي", family_ar="كومار", first_en="Ravi", family_en="Kumar")
# Sara's wage changes at the January update (annual mechanism before Feb 2022), then monthly.
SARA_RAISES = (
    (date(2008, 1, 1), 5_500),
    (date(2013, 1, 1), 7_500),
    (date(2018, 1, 1), 9_500),
    (date(2023, 3, 1), 11_500),
)


@dataclass(frozen=True)
class DemoRegister:
    """What ``demo_registry_load`` did: ``created`` is False when the register was there."""

    created: bool
    seconds: float
    nour: str = NOUR_NUMBER
    badr: str = ""
    sara_contributor_number: int | None = None
    sara_linked_to: str = ""
    population: PopulationResult | None = None


def _wage(basic: int) -> WageInput:
    """Basic wage with a housing allowance of a quarter of it."""
    return WageInput(basic=Money(Decimal(basic)), housing=Money(Decimal(basic) / 4))


def _nour() -> tuple[Establishment, Establishment, Establishment]:
    """Nour Trading and its two branches, numbered 7000000001–7000000003.

    The services take establishment numbers from the sequence; the demonstration employer user
    expects 7000000001, so the sequence is pointed there for these three registrations and put
    back afterwards, with the table locked against other registrations meanwhile."""
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE registry_establishment IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"SELECT last_value, is_called FROM {ESTABLISHMENT_NUMBER_SEQUENCE}")  # noqa: S608 (ours)
        last_value, is_called = cursor.fetchone()
        cursor.execute("SELECT setval(%s, %s, false)", [ESTABLISHMENT_NUMBER_SEQUENCE, int(NOUR_NUMBER)])
    try:
        main = establishment_register(
            actor=None,
            unified_number="7000000018",
            commercial_registration="1010000001",
            name_ar="نور للتجارة",
            name_en="Nour Trading",
            economic_activity="47",
            region="01",
            city="الرياض",
            office="RUH",
            registered_on=date(2003, 6, 1),
        )
        jeddah = establishment_branch_add(
            actor=None,
            main=main,
            name_ar="نور للتجارة - فرع جدة",
            name_en="Nour Trading - Jeddah branch",
            economic_activity="47",
            region="02",
            city="جدة",
            office="JED",
            registered_on=date(2010, 1, 1),
        )
        dammam = establishment_branch_add(
            actor=None,
            main=main,
            name_ar="نور للتجارة - فرع الدمام",
            name_en="Nour Trading - Dammam branch",
            economic_activity="46",
            region="04",
            city="الدمام",
            office="DMM",
            registered_on=date(2012, 1, 1),
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(%s, %s, %s)", [ESTABLISHMENT_NUMBER_SEQUENCE, last_value, is_called]
            )
    return main, jeddah, dammam


def demo_registry_load(*, seed: int = DEMO_SEED, as_of: date | None = None) -> DemoRegister:
    """Creates the demonstration register unless establishment 7000000001 exists (then changes
    nothing). One transaction: all of it or nothing. POP-001 outside development,
    demonstration and test systems."""
    begun = time.perf_counter()
    if not generated_data_allowed():
        raise SimisError(PopulateError.NOT_ALLOWED)
    if Establishment.objects.filter(number=NOUR_NUMBER).exists():
        return DemoRegister(created=False, seconds=time.perf_counter() - begun)
    with transaction.atomic():
        main, jeddah, dammam = _nour()
        badr = establishment_register(
            actor=None,
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
        sara = contributor_register(
            actor=None,
            establishment=main,
            identities=[IdentityInput(IdentityKind.NATIONAL_ID, generate_national_id(10_850_310))],
            names=SARA_NAMES,
            birth_date=date(1985, 3, 10),
            gender="female",
            nationality="SAU",
            join_date=date(2004, 1, 1),
            occupation="4",
            wage=_wage(4_000),
            requested_on=date(2004, 1, 20),
        )
        for month, basic in SARA_RAISES:
            wage_change(
                actor=None,
                establishment=main,
                month=month,
                lines=[WageLine(engagement=sara.engagement, wage=_wage(basic))],
                requested_on=month,
            )
        contributor_register(
            actor=None,
            establishment=badr,
            identities=[
                IdentityInput(IdentityKind.IQAMA, generate_national_id(20_250_301, IdentityKind.IQAMA)),
                IdentityInput(IdentityKind.PASSPORT, "Z1234567", "IND"),
            ],
            names=RAVI_NAMES,
            birth_date=date(1992, 7, 4),
            gender="male",
            nationality="IND",
            join_date=date(2025, 3, 1),
            occupation="7",
            wage=WageInput(
                basic=Money(Decimal(2_500)), housing=Money(Decimal(625)), other=Money(Decimal(300))
            ),
            requested_on=date(2025, 3, 10),
        )
        linked = ""
        user: Any = get_user_model().objects.filter(username=CONTRIBUTOR_USERNAME).first()
        if user is not None and not hasattr(user, "contributor"):
            contributor_user_link(actor=None, person=sara.person, user=user)
            linked = user.get_username()
        population = populate(
            PopulationSpec(
                seed=seed,
                establishments=DEMO_ESTABLISHMENTS,
                contributors=DEMO_CONTRIBUTORS,
                as_of=as_of or timezone.localdate(),
                workforces=(
                    Workforce(main.pk, 25),
                    Workforce(jeddah.pk, 12),
                    Workforce(dammam.pk, 8),
                    Workforce(badr.pk, 120),
                ),
            )
        )
        audit_record(
            actor=None,
            action=PopulateAction.DEMO_LOADED,
            extra={
                "nour": main.number,
                "badr": badr.number,
                "sara": sara.person.contributor_number,
                "contributors": population.tables["person"].rows,
            },
        )
    return DemoRegister(
        created=True,
        seconds=time.perf_counter() - begun,
        badr=badr.number,
        sara_contributor_number=sara.person.contributor_number,
        sara_linked_to=linked,
        population=population,
    )
