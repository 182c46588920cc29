"""Which contribution rates apply to a contributor in a month, and which parameters said so.

A pure rule: it reads parameters through the ``read`` function it is given (a version-pinned
database reader in production, the YAML table in rule tests) and never touches the database
itself. Every ``RateLine`` carries the ``ParameterReading`` it came from, so a bill can store
the parameter version behind each figure and be explained line by line.

Branches by regime and nationality (RULES §1):

- Old law and transitional, Saudi: annuities (employer 9%, employee phased to 9%), occupational
  hazards (employer 2%), SANED (1% + 1% from Sep 2014, 0.75% + 0.75% from Jan 2022).
- New law (from 3 Jul 2024), Saudi: pensions, 18% total rising to 22%, always split equally
  between employer and contributor (Decree M/273 item 3; art. 15); occupational hazards 2%
  (art. 29); unemployment 0.75% + 0.75% (art. 44, Resolution 1022).
- Non-Saudi, any regime: occupational hazards only (old law [S4]; new law art. 28).
- GCC national, any regime: occupational hazards plus the home-country rates of the GCC
  Unified Law of Insurance Protection Extension [S25] (UNCONFIRMED figures).

Who is covered at all (age at first coverage, the statutory-age stop for unemployment) is
decided by the caller; this rule only says what the rates are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from simis.core.dates import month_end, month_start
from simis.core.errors import IdentifierError, ParameterError, SimisError
from simis.core.identifiers import GccCountry
from simis.core.money import Money
from simis.core.parameter_table import ParameterReader, ParameterReading, Regime, readings_record


class NationalityClass(models.TextChoices):
    SAUDI = "saudi", _("Saudi")
    NON_SAUDI = "non_saudi", _("Non-Saudi")
    GCC = "gcc", _("GCC national")


class Branch(models.TextChoices):
    ANNUITIES = "annuities", pgettext_lazy("insurance branch", "Annuities")
    PENSIONS = "pensions", pgettext_lazy("insurance branch", "Pensions")
    OCCUPATIONAL_HAZARDS = "occupational_hazards", pgettext_lazy("insurance branch", "Occupational hazards")
    UNEMPLOYMENT = "unemployment", pgettext_lazy("insurance branch", "Unemployment insurance")
    GCC_EXTENSION = "gcc_extension", pgettext_lazy("insurance branch", "GCC insurance protection")


class Party(models.TextChoices):
    EMPLOYER = "employer", pgettext_lazy("who pays", "Employer")
    EMPLOYEE = "employee", pgettext_lazy("who pays", "Employee")


class PhaseInReading(models.TextChoices):
    """The two readings of the new-law pensions phase-in switch date (RULES §1.2)."""

    ANNIVERSARY = "anniversary", _("Each step from 3 July")
    MONTH_FOLLOWING = "month_following", _("Each step from August")


_TWO = Decimal(2)


@dataclass(frozen=True, slots=True)
class RateLine:
    """One branch's share for one party, in per cent, with the readings behind it."""

    branch: Branch
    party: Party
    rate: Decimal
    readings: tuple[ParameterReading, ...]

    def amount(self, wage: Money) -> Money:
        return wage.percent(self.rate)

    @property
    def unconfirmed(self) -> bool:
        return any(r.unconfirmed for r in self.readings)

    def as_record(self) -> dict[str, Any]:
        """JSON-safe, its readings in the compact form every calculation stores
        (``readings_record``; ``core.selectors.parameter_records_explain`` gives them back in
        full)."""
        return {
            "branch": self.branch.value,
            "party": self.party.value,
            "rate": str(self.rate),
            "readings": readings_record(self.readings),
        }


@dataclass(frozen=True, slots=True)
class ContributionRates:
    """The rates of one contributor class for one month. ``lines`` leaves out branches whose
    rate is zero that month (SANED before Sep 2014); ``readings`` is every parameter read."""

    regime: Regime
    nationality: NationalityClass
    gcc_country: str | None
    month: date
    read_on: date
    lines: tuple[RateLine, ...]
    readings: tuple[ParameterReading, ...]

    def total(self, party: Party) -> Decimal:
        return sum((line.rate for line in self.lines if line.party == party), Decimal(0))

    @property
    def employer_rate(self) -> Decimal:
        return self.total(Party.EMPLOYER)

    @property
    def employee_rate(self) -> Decimal:
        return self.total(Party.EMPLOYEE)

    @property
    def version_ids(self) -> frozenset[int]:
        """The parameter versions the figures came from (empty when read from YAML)."""
        return frozenset(r.version_id for r in self.readings if r.version_id is not None)

    @property
    def unconfirmed(self) -> bool:
        return any(r.unconfirmed for r in self.readings)

    def as_record(self) -> dict[str, Any]:
        """JSON-safe: what a bill stores to reproduce and explain these rates."""
        return {
            "regime": self.regime.value,
            "nationality": self.nationality.value,
            "gcc_country": self.gcc_country,
            "month": self.month.isoformat(),
            "read_on": self.read_on.isoformat(),
            "version_ids": sorted(self.version_ids),
            "lines": [line.as_record() for line in self.lines],
        }


def _percent(reading: ParameterReading) -> Decimal:
    if not isinstance(reading.value, Decimal):
        raise SimisError(
            ParameterError.INVALID_CHOICE, key=reading.key, value=str(reading.value), allowed="a number"
        )
    return reading.value


def contribution_rates(
    *,
    regime: Regime | str,
    nationality: NationalityClass | str,
    month: date,
    read: ParameterReader,
    gcc_country: str | None = None,
) -> ContributionRates:
    """The rate lines for ``nationality`` under ``regime`` in the month containing ``month``.

    A month is charged at the values in force on its **last day**, so a change during a month
    (the new law on 3 Jul 2024) governs that whole month. Raises PRM-001 when a parameter has
    no value then (e.g. the new law before July 2024), IDF-010 for a GCC national without a
    known GCC country."""
    regime = Regime(regime)
    nationality = NationalityClass(nationality)
    first, on = month_start(month), month_end(month)
    readings: list[ParameterReading] = []
    lines: list[RateLine] = []

    def reading(key: str) -> ParameterReading:
        found = read(key, on, regime)
        readings.append(found)
        return found

    def line(branch: Branch, party: Party, key: str) -> None:
        found = reading(key)
        lines.append(RateLine(branch, party, _percent(found), (found,)))

    line(Branch.OCCUPATIONAL_HAZARDS, Party.EMPLOYER, "occupational_hazards.employer_rate")

    country: str | None = None
    if nationality == NationalityClass.GCC:
        try:
            country = GccCountry(str(gcc_country or "").upper()).value
        except ValueError:
            raise SimisError(IdentifierError.UNKNOWN_GCC_COUNTRY, value=str(gcc_country)) from None
        line(Branch.GCC_EXTENSION, Party.EMPLOYER, f"gcc.{country}.employer_rate")
        line(Branch.GCC_EXTENSION, Party.EMPLOYEE, f"gcc.{country}.employee_rate")
    elif nationality == NationalityClass.SAUDI:
        if regime == Regime.NEW_LAW:
            choice = reading("pensions.phase_in_reading")
            if choice.value not in PhaseInReading.values:
                raise SimisError(
                    ParameterError.INVALID_CHOICE,
                    key=choice.key,
                    value=str(choice.value),
                    allowed=", ".join(PhaseInReading.values),
                )
            total = reading(f"pensions.total_rate.{choice.value}")
            # Always split 50/50 between employer and contributor (Decree M/273 item 3).
            half = _percent(total) / _TWO
            lines.append(RateLine(Branch.PENSIONS, Party.EMPLOYER, half, (choice, total)))
            lines.append(RateLine(Branch.PENSIONS, Party.EMPLOYEE, half, (choice, total)))
        else:
            line(Branch.ANNUITIES, Party.EMPLOYER, "annuities.employer_rate")
            line(Branch.ANNUITIES, Party.EMPLOYEE, "annuities.employee_rate")
        line(Branch.UNEMPLOYMENT, Party.EMPLOYER, "unemployment.employer_rate")
        line(Branch.UNEMPLOYMENT, Party.EMPLOYEE, "unemployment.employee_rate")

    return ContributionRates(
        regime=regime,
        nationality=nationality,
        gcc_country=country,
        month=first,
        read_on=on,
        lines=tuple(item for item in lines if item.rate != 0),
        readings=tuple(readings),
    )
