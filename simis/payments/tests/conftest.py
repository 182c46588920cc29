"""Fixtures of the payments tests: the register's personas and law parameters, and employers
billed for September and October 2026 (see simis/contributions/tests/test_ledger.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from simis.contributions.public import Bill, month_bill
from simis.registry.tests.conftest import (  # noqa: F401
    badr,
    khalid,
    nour,
    parameters,
    read,
    reference_rows,
    table,
)
from simis.registry.tests.factories import engagement_make, establishment_make, person_make, wage_make

SEP, OCT = date(2026, 9, 1), date(2026, 10, 1)
# One worker at 10,000 + 2,500 housing: 21.5 % of 12,500 = 2,687.50 SAR a month.
MONTHLY = Decimal("2687.50")


def employer_make(workers: int = 1, wage: str = "10000", **fields: Any):  # type: ignore[no-untyped-def]
    establishment = establishment_make(**fields)
    for _ in range(workers):
        engagement = engagement_make(
            person_make(),
            establishment,
            join_date=date(2020, 1, 1),
            covers_annuities=True,
            covers_unemployment=True,
        )
        wage_make(engagement, basic=Decimal(wage), housing=Decimal(wage) / 4)
    return establishment


@dataclass
class Billed:
    one: Any  # one worker: 2,687.50 a month
    two: Any  # three workers: 8,062.50 a month

    def bill(self, establishment: Any, month: date) -> Bill:
        return Bill.objects.select_related("establishment").get(establishment=establishment, month=month)


@pytest.fixture
def billed(parameters) -> Billed:  # type: ignore[no-untyped-def]  # noqa: F811 (the imported fixture)
    """Two employers billed for September and October 2026, nothing paid yet."""
    one, two = employer_make(), employer_make(workers=3)
    month_bill(month=SEP, today=date(2026, 10, 1))
    month_bill(month=OCT, today=date(2026, 11, 1))
    return Billed(one, two)
