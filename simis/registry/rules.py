"""Pure rules of registration: no ORM, no clock ("today" is passed in), parameters read through the
``read`` function given (a version-pinned database reader in services, the YAML table in tests).

What is derived here, never typed in:

- the **legal regime** of a person from the contribution history (RULES §0);
- the **insurance branches** a contribution period is covered for (RULES §1);
- the **contributory wage** of a wage, with the pre-2022 annual mechanism and the age-50 cap
  (RULES §1, §3);
- the **timing** of a registration or termination against its deadline and the 24-month
  retroactive limit (RULES §3).

Every derivation returns the parameter readings it used so the caller can store them and the
figure can be explained later. Refusals raise ``SimisError`` with a ``RegistryError`` code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from simis.core.contribution_rates import NationalityClass
from simis.core.dates import add_months, date_of_hijri_age, hijri_age, month_end, month_start, months_between
from simis.core.errors import SimisError
from simis.core.identifiers import IdentityKind, normalise_identifier, validate_identifier
from simis.core.money import Money
from simis.core.parameter_table import ParameterReader, ParameterReading, Regime, readings_record
from simis.registry.choices import AgeCalendar, AgeTest, WageMechanism
from simis.registry.errors import RegistryError

SAUDI = "SAU"
# Royal Decree M/273, art. 63: the new law took effect the day after issuance.
NEW_LAW_START = date(2024, 7, 3)
# Decree M/273 item 5: transitional members had under 240 months on 3 Jul 2024 …
TRANSITIONAL_MONTHS_LIMIT = 240
# … and were under 50 Hijri years old; RULES §0: 48 Gregorian years and 6 months count as 50 Hijri.
TRANSITIONAL_HIJRI_YEARS = 50
TRANSITIONAL_GREGORIAN_MONTHS = 48 * 12 + 6
# Odd days of separate stretches of service are added up; every 30 make a month.
DAYS_PER_MONTH = 30
_AGE_TEST = "registration.transitional_age_test"
_AGE_CALENDAR = "registration.age_calendar"
_MECHANISM = "registration.wage_update_mechanism"
_CEILING = "wage.ceiling"
# The branch minimum a contributory wage is raised to, by regime and annuities cover.
_MINIMUMS = {
    (True, True): "registration.new_law_pensions_minimum",
    (True, False): "registration.new_law_occupational_hazards_minimum",
    (False, True): "wage.annuities_minimum",
    (False, False): "wage.occupational_hazards_minimum",
}
_HUNDRED = Decimal(100)
_TWELVE = Decimal(12)
_NO_MONEY = Money(0)


def _records(readings: Sequence[ParameterReading]) -> dict[str, list[list[Any]]]:
    return readings_record(readings)


def _value_of(readings: Sequence[ParameterReading], keys: Iterable[str]) -> Any:
    """The value of the reading of one of ``keys`` (a derivation reads each key once)."""
    wanted = set(keys)
    return next(r.value for r in readings if r.key in wanted)


def _version_ids(readings: Sequence[ParameterReading]) -> list[int]:
    return sorted({r.version_id for r in readings if r.version_id is not None})


def _number(reading: ParameterReading) -> Decimal:
    return Decimal(reading.value)


def _number_of(readings: Sequence[ParameterReading], keys: Iterable[str]) -> Decimal:
    return Decimal(_value_of(readings, keys))


# --- Ages ---------------------------------------------------------------------------------------


def age_in(calendar: str, birth: date, on: date) -> int:
    """Completed years from ``birth`` to ``on`` in the Hijri or the Gregorian calendar."""
    if calendar == AgeCalendar.HIJRI:
        return hijri_age(birth, on)
    return max(months_between(birth, on), 0) // 12


def date_of_age(calendar: str, birth: date, years: int) -> date:
    """The day a person born on ``birth`` completes ``years`` years in ``calendar``."""
    if calendar == AgeCalendar.HIJRI:
        return date_of_hijri_age(birth, years)
    return add_months(birth, years * 12)


def nationality_class(country_code: str, *, is_gcc: bool) -> NationalityClass:
    """Saudi, a national of another GCC state, or any other nationality."""
    if country_code == SAUDI:
        return NationalityClass.SAUDI
    return NationalityClass.GCC if is_gcc else NationalityClass.NON_SAUDI


def worker_age_check(*, birth_date: date, join_date: date, regime: Regime, read: ParameterReader) -> None:
    """REG-209 when born after joining; REG-210 when younger than the minimum working age."""
    if birth_date > join_date:
        raise SimisError(
            RegistryError.BIRTH_AFTER_JOIN, birth=birth_date.isoformat(), join=join_date.isoformat()
        )
    minimum = int(_number(read("registration.minimum_age", join_date, regime)))
    age = age_in(AgeCalendar.GREGORIAN, birth_date, join_date)
    if age < minimum:
        raise SimisError(RegistryError.TOO_YOUNG, age=age, minimum=minimum)


# --- Legal regime (RULES §0) ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    """A contribution period: both days included; ``end`` None while it lasts."""

    start: date
    end: date | None = None


def contribution_months_before(spans: Sequence[Span], cutoff: date) -> int:
    """Contribution months before ``cutoff`` (the day itself excluded).

    Overlapping or touching periods (two employers at once, a transfer) count once. Each
    unbroken stretch gives its completed Gregorian months; the odd days left over from all
    stretches are added up and every 30 days make one more month."""
    last = cutoff - timedelta(days=1)
    clipped = sorted(
        (span.start, min(span.end or last, last))
        for span in spans
        if span.start <= min(span.end or last, last)
    )
    merged: list[tuple[date, date]] = []
    for start, end in clipped:
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    months = 0
    odd_days = 0
    for start, end in merged:
        after = end + timedelta(days=1)
        whole = months_between(start, after)
        months += whole
        odd_days += (after - add_months(start, whole)).days
    return months + odd_days // DAYS_PER_MONTH


@dataclass(frozen=True, slots=True)
class RegimeDerivation:
    """The regime and what it was derived from."""

    regime: Regime
    first_covered_on: date | None
    months_before_new_law: int
    external_old_law_months: int
    age_test: str | None
    below_age_threshold: bool | None
    readings: tuple[ParameterReading, ...] = ()

    def as_record(self) -> dict[str, Any]:
        """What the person's row stores beside its regime: the inputs its columns do not hold.
        The regime and the old-law months recorded outside the register are the row's own
        columns, the age test is the reading's value, and the new law's start and the
        240-month limit are the decree's (``from_record`` puts them back)."""
        return {
            "first_covered_on": self.first_covered_on.isoformat() if self.first_covered_on else None,
            "months_before_new_law": self.months_before_new_law,
            "below_age_threshold": self.below_age_threshold,
            "readings": _records(self.readings),
        }

    @classmethod
    def from_record(
        cls,
        record: Mapping[str, Any],
        *,
        regime: Regime | str,
        external_old_law_months: int,
        readings: Sequence[ParameterReading],
    ) -> RegimeDerivation:
        """The derivation a person's row stored (``as_record``, or the fuller record stored
        before 2026-11-26), given the row's regime and external months and the stored readings
        in full (``core.selectors.parameter_records_explain``)."""
        first = record.get("first_covered_on")
        return cls(
            regime=Regime(regime),
            first_covered_on=date.fromisoformat(first) if first else None,
            months_before_new_law=record["months_before_new_law"],
            external_old_law_months=external_old_law_months,
            age_test=str(_value_of(readings, [_AGE_TEST])) if readings else None,
            below_age_threshold=record["below_age_threshold"],
            readings=tuple(readings),
        )


def regime_derive(
    *,
    birth_date: date,
    periods: Sequence[Span],
    external_old_law_months: int,
    read: ParameterReader,
) -> RegimeDerivation:
    """The legal regime of a person (RULES §0, Decree M/273 items 2 and 5).

    - **Old law** when any contribution period started before 3 Jul 2024, or when the person
      has old-law months recorded outside this register (civil service under M/41, …).
    - Of those, **transitional** when on 3 Jul 2024 they had fewer than 240 contribution
      months *and* were under 50 Hijri years old (the test's reading is the parameter
      ``registration.transitional_age_test``); the others stay **old law** unaffected.
    - **New law** when first covered on or after 3 Jul 2024."""
    if len(periods) == 1:  # a new contributor's
        first: date | None = periods[0].start
    else:
        first = min((span.start for span in periods), default=None)
    old = external_old_law_months > 0 or (first is not None and first < NEW_LAW_START)
    if not old:
        # Every period starts on or after the new law's start, so none has a month before it.
        months = external_old_law_months
        return RegimeDerivation(Regime.NEW_LAW, first, months, external_old_law_months, None, None)
    months = contribution_months_before(periods, NEW_LAW_START) + external_old_law_months
    reading = read(_AGE_TEST, NEW_LAW_START, Regime.OLD_LAW)
    if reading.value == AgeTest.HIJRI_YEARS:
        below = hijri_age(birth_date, NEW_LAW_START) < TRANSITIONAL_HIJRI_YEARS
    else:
        below = months_between(birth_date, NEW_LAW_START) < TRANSITIONAL_GREGORIAN_MONTHS
    regime = Regime.TRANSITIONAL if months < TRANSITIONAL_MONTHS_LIMIT and below else Regime.OLD_LAW
    return RegimeDerivation(
        regime, first, months, external_old_law_months, str(reading.value), below, (reading,)
    )


# --- Covered branches (RULES §1) ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Coverage:
    """The branches a contribution period is covered for, and why."""

    annuities: bool
    occupational_hazards: bool
    unemployment: bool
    gcc_extension: bool
    gcc_country: str
    nationality: NationalityClass
    regime: Regime
    first_covered_on: date
    age_at_first_coverage: int | None
    age_calendar: str | None
    readings: tuple[ParameterReading, ...] = ()

    def as_record(self) -> dict[str, Any]:
        """What a period's row stores beside its covered branches: the inputs. The branches
        and the GCC country are the row's own columns and the age calendar is the reading's
        value (``from_record`` puts them back)."""
        return {
            "nationality": self.nationality.value,
            "regime": self.regime.value,
            "first_covered_on": self.first_covered_on.isoformat(),
            "age_at_first_coverage": self.age_at_first_coverage,
            "readings": _records(self.readings),
        }

    @classmethod
    def from_record(
        cls,
        record: Mapping[str, Any],
        *,
        annuities: bool,
        occupational_hazards: bool,
        unemployment: bool,
        gcc_extension: bool,
        gcc_country: str,
        readings: Sequence[ParameterReading],
    ) -> Coverage:
        """The derivation a period's row stored (``as_record``, or the fuller record stored
        before 2026-11-26), given the row's branches and the stored readings in full
        (``core.selectors.parameter_records_explain``)."""
        return cls(
            annuities=annuities,
            occupational_hazards=occupational_hazards,
            unemployment=unemployment,
            gcc_extension=gcc_extension,
            gcc_country=gcc_country,
            nationality=NationalityClass(record["nationality"]),
            regime=Regime(record["regime"]),
            first_covered_on=date.fromisoformat(record["first_covered_on"]),
            age_at_first_coverage=record["age_at_first_coverage"],
            age_calendar=str(_value_of(readings, [_AGE_CALENDAR])) if readings else None,
            readings=tuple(readings),
        )


def coverage_derive(
    *,
    nationality: NationalityClass,
    gcc_country: str | None,
    birth_date: date,
    first_covered_on: date,
    regime: Regime,
    read: ParameterReader,
) -> Coverage:
    """Which branches cover a contribution period (RULES §1; new law arts 4, 28, 43).

    - Occupational hazards: everyone, whatever the nationality or age.
    - Annuities (pensions): Saudis younger than ``registration.annuities_entry_age_limit`` on
      the day first covered (60 Hijri years under the old law, the statutory age 65 under the new).
    - Unemployment (SANED): Saudis covered by annuities and younger than
      ``registration.unemployment_entry_age_limit`` when first covered (59 old law, 64 new law).
    - GCC nationals: their home country's scheme through the GCC extension, plus occupational
      hazards; neither annuities nor SANED here.
    Ages are counted in ``registration.age_calendar`` (Hijri for the old law, Gregorian for the new)."""
    # Made positionally, in the fields' order (annuities, occupational hazards, unemployment,
    # GCC extension, GCC country, nationality, regime, first covered on, age, age calendar,
    # readings): a bulk upload derives this for every row.
    gcc = nationality == NationalityClass.GCC
    if gcc or nationality == NationalityClass.NON_SAUDI:
        country = str(gcc_country or "").upper() if gcc else ""
        return Coverage(False, True, False, gcc, country, nationality, regime, first_covered_on, None, None)
    calendar = read(_AGE_CALENDAR, first_covered_on, regime)
    annuities_limit = read("registration.annuities_entry_age_limit", first_covered_on, regime)
    unemployment_limit = read("registration.unemployment_entry_age_limit", first_covered_on, regime)
    age_calendar = str(calendar.value)
    age = age_in(age_calendar, birth_date, first_covered_on)
    annuities = age < _number(annuities_limit)
    unemployment = annuities and age < _number(unemployment_limit)
    readings = (calendar, annuities_limit, unemployment_limit)
    return Coverage(
        annuities,
        True,
        unemployment,
        False,
        "",
        nationality,
        regime,
        first_covered_on,
        age,
        age_calendar,
        readings,
    )


# --- Contributory wage (RULES §1, §3) ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PriorWage:
    """The wage row in force before a change, in the same contribution period."""

    effective_from: date
    basic: Money
    housing: Money
    housing_in_kind: bool
    contributory_wage: Money


@dataclass(frozen=True, slots=True)
class ContributoryWage:
    """The wage subject to contribution and how it was reached.

    ``steps`` names each adjustment made, in order: ``raised_to_minimum``,
    ``capped_at_ceiling``, ``age50_frozen`` (the year the cap age is reached),
    ``age50_capped`` (a later year's rise limited), ``age50_unchanged`` (wage unchanged, prior
    contributory wage kept)."""

    amount: Money
    base: Money
    housing_counted: Money
    minimum: Money
    ceiling: Money
    mechanism: str
    steps: tuple[str, ...]
    readings: tuple[ParameterReading, ...] = field(default=())

    @property
    def version_ids(self) -> list[int]:
        return _version_ids(self.readings)

    @property
    def unconfirmed(self) -> bool:
        return any(r.unconfirmed for r in self.readings)

    def as_record(self) -> dict[str, Any]:
        """What a wage row stores beside its amounts: the housing allowance counted, the
        adjustments made and the readings (in order: the update mechanism, whether housing
        counts, the in-kind months, the branch minimum, the ceiling, the age-50 cap). The
        contributory wage and the basic wage are the row's own columns, the base is their sum
        with the housing counted, and the mechanism, minimum and ceiling are readings' values
        (``from_record`` puts them back)."""
        return {
            "housing_counted": str(self.housing_counted.amount),
            "steps": list(self.steps),
            "readings": _records(self.readings),
        }

    @classmethod
    def from_record(
        cls,
        record: Mapping[str, Any],
        *,
        amount: Money,
        basic: Money,
        readings: Sequence[ParameterReading],
    ) -> ContributoryWage:
        """The derivation a wage row stored (``as_record``, or the fuller record stored before
        2026-11-26), given the row's contributory and basic wages and the stored readings in
        full (``core.selectors.parameter_records_explain``)."""
        counted = Money(Decimal(record["housing_counted"]))
        return cls(
            amount=amount,
            base=basic + counted,
            housing_counted=counted,
            minimum=Money(_number_of(readings, _MINIMUMS.values())),
            ceiling=Money(_number_of(readings, [_CEILING])),
            mechanism=str(_value_of(readings, [_MECHANISM])),
            steps=tuple(record["steps"]),
            readings=tuple(readings),
        )


def wage_amounts_check(*, basic: Money, housing: Money, other: Money) -> None:
    """REG-404 for a negative amount, REG-405 for a basic wage of zero."""
    for amount in (basic, housing, other):
        if amount.is_negative():
            raise SimisError(RegistryError.NEGATIVE_AMOUNT, amount=str(amount.amount))
    if not basic:
        raise SimisError(RegistryError.BASIC_REQUIRED)


def _minimum_key(regime: Regime, covers_annuities: bool) -> str:
    return _MINIMUMS[(regime == Regime.NEW_LAW, covers_annuities)]


def contributory_wage(
    *,
    basic: Money,
    housing: Money,
    housing_in_kind: bool,
    regime: Regime,
    covers_annuities: bool,
    effective_from: date,
    birth_date: date,
    prior: PriorWage | None,
    read: ParameterReader,
) -> ContributoryWage:
    """The contributory wage from ``effective_from``.

    1. Base: the basic wage, plus the housing allowance where ``wage.includes_housing_allowance``
       says so (old law: yes; new law: an UNCONFIRMED parameter). Housing given in kind counts as
       ``wage.in_kind_housing_months`` months' basic wage a year (old law). Other allowances never count.
    2. Raised to the branch minimum (annuities/pensions when covered, otherwise occupational
       hazards) and capped at ``wage.ceiling``.
    3. The age-50 cap, where ``registration.age50_cap.applies`` and a prior wage of the same period
       exists: in the calendar year the cap age is reached the contributory wage does not rise; in
       later years it is the lowest of the new figure, the prior contributory wage plus
       ``registration.age50_cap.raise_limit`` per cent, and — when the wage did not change — the
       prior contributory wage. Saudis covered by annuities only (it protects the pension base).
    """
    first = contributory_wage_first(
        basic=basic,
        housing=housing,
        housing_in_kind=housing_in_kind,
        regime=regime,
        covers_annuities=covers_annuities,
        effective_from=effective_from,
        read=read,
    )
    if prior is None or not covers_annuities:
        return first
    readings = list(first.readings)

    def reading(key: str) -> ParameterReading:
        found = read(key, effective_from, regime)
        readings.append(found)
        return found

    if reading("registration.age50_cap.applies").value is not True:
        return replace(first, readings=tuple(readings))
    amount = first.amount
    steps = list(first.steps)
    cap_age = int(_number(reading("registration.age50_cap.age")))
    calendar = str(reading("registration.age50_cap.calendar").value)
    limit = _number(reading("registration.age50_cap.raise_limit"))
    reached = date_of_age(calendar, birth_date, cap_age)
    if effective_from.year == reached.year and amount > prior.contributory_wage:
        amount = prior.contributory_wage
        steps.append("age50_frozen")
    elif effective_from.year > reached.year:
        unchanged = (basic, housing, housing_in_kind) == (
            prior.basic,
            prior.housing,
            prior.housing_in_kind,
        )
        if unchanged and amount > prior.contributory_wage:
            amount = prior.contributory_wage
            steps.append("age50_unchanged")
        else:
            raised = prior.contributory_wage + prior.contributory_wage.percent(limit)
            if amount > raised:
                amount = raised
                steps.append("age50_capped")
    return replace(first, amount=amount, steps=tuple(steps), readings=tuple(readings))


def contributory_wage_first(
    *,
    basic: Money,
    housing: Money,
    housing_in_kind: bool,
    regime: Regime,
    covers_annuities: bool,
    effective_from: date,
    read: ParameterReader,
) -> ContributoryWage:
    """The contributory wage of a period's first wage — ``contributory_wage`` with no prior
    wage: steps 1 and 2 only, the same figure and readings. With nothing before it the age-50
    cap has nothing to hold, so the birth date plays no part: the answer depends on these
    inputs alone, and a caller deriving many first wages may remember it per these inputs."""
    readings: list[ParameterReading] = []

    def reading(key: str) -> ParameterReading:
        found = read(key, effective_from, regime)
        readings.append(found)
        return found

    mechanism = str(reading(_MECHANISM).value)
    includes_housing = reading("wage.includes_housing_allowance").value is True
    counted = _NO_MONEY
    if includes_housing:
        if housing_in_kind and regime != Regime.NEW_LAW:
            months = _number(reading("wage.in_kind_housing_months"))
            counted = Money(basic.amount * months / _TWELVE)
        else:
            counted = housing
    base = basic + counted
    minimum = Money(_number(reading(_minimum_key(regime, covers_annuities))))
    ceiling = Money(_number(reading(_CEILING)))
    steps: list[str] = []
    amount = base
    if amount < minimum:
        amount = minimum
        steps.append("raised_to_minimum")
    if amount > ceiling:
        amount = ceiling
        steps.append("capped_at_ceiling")
    return ContributoryWage(
        amount=amount,
        base=base,
        housing_counted=counted,
        minimum=minimum,
        ceiling=ceiling,
        mechanism=mechanism,
        steps=tuple(steps),
        readings=tuple(readings),
    )


def wage_change_date_check(
    *,
    effective_from: date,
    join_date: date,
    leave_date: date | None,
    last_wage_from: date | None,
    regime: Regime,
    read: ParameterReader,
) -> None:
    """A wage change must fall inside its period (REG-401), after the period's last recorded
    change (REG-402), and — while the annual mechanism applied (before 1 Feb 2022) — on
    1 January (REG-403). The first wage of a period starts on its join date and is not a change."""
    if effective_from < join_date or (leave_date is not None and effective_from > leave_date):
        raise SimisError(
            RegistryError.WAGE_OUTSIDE_PERIOD,
            date=effective_from.isoformat(),
            join=join_date.isoformat(),
            leave=leave_date.isoformat() if leave_date else "…",
        )
    if last_wage_from is not None and effective_from <= last_wage_from:
        raise SimisError(
            RegistryError.WAGE_NOT_AFTER_LAST,
            last=last_wage_from.isoformat(),
            date=effective_from.isoformat(),
        )
    mechanism = read("registration.wage_update_mechanism", effective_from, regime)
    if mechanism.value == WageMechanism.ANNUAL and (effective_from.month, effective_from.day) != (1, 1):
        until = mechanism.valid_to.isoformat() if mechanism.valid_to else "…"
        raise SimisError(RegistryError.ANNUAL_UPDATE_ONLY, until=until, date=effective_from.isoformat())


# --- Deadlines and the retroactive limit (RULES §3) ----------------------------------------------


@dataclass(frozen=True, slots=True)
class Timing:
    """When a registration or termination was due, whether it came late, and which months are
    disputed (not billed) while a late one is reviewed."""

    deadline: date
    late: bool
    disputed_from: date | None
    disputed_until: date | None
    readings: tuple[ParameterReading, ...] = ()

    def as_record(self) -> dict[str, Any]:
        return {
            "deadline": self.deadline.isoformat(),
            "late": self.late,
            "disputed_from": self.disputed_from.isoformat() if self.disputed_from else None,
            "disputed_until": self.disputed_until.isoformat() if self.disputed_until else None,
            "readings": _records(self.readings),
        }


def _timing(event: date, requested_on: date, readings: tuple[ParameterReading, ...] = ()) -> Timing:
    deadline = month_end(event)
    if requested_on <= deadline:
        return Timing(deadline, False, None, None, readings)
    return Timing(deadline, True, month_start(event), month_start(requested_on), readings)


def retroactive_limit_check(
    *, start: date, requested_on: date, regime: Regime, read: ParameterReader
) -> ParameterReading:
    """REG-302 for a start after the request date; REG-301 for a start more than
    ``registration.retroactive_limit_months`` months before it (RULES §3, [S12])."""
    if start > requested_on:
        raise SimisError(
            RegistryError.JOIN_IN_FUTURE, join=start.isoformat(), requested=requested_on.isoformat()
        )
    limit = read("registration.retroactive_limit_months", requested_on, regime)
    months = int(_number(limit))
    if start < add_months(requested_on, -months):
        raise SimisError(
            RegistryError.RETROACTIVE_LIMIT,
            join=start.isoformat(),
            months=months,
            requested=requested_on.isoformat(),
        )
    return limit


def leave_date_check(
    *, join_date: date, leave_date: date, requested_on: date, last_wage_from: date | None
) -> None:
    """REG-304 before the join date, REG-308 after the request date, REG-305 before the last
    wage change (a period must keep all its wages)."""
    if leave_date < join_date:
        raise SimisError(
            RegistryError.LEAVE_BEFORE_JOIN, leave=leave_date.isoformat(), join=join_date.isoformat()
        )
    if leave_date > requested_on:
        raise SimisError(
            RegistryError.LEAVE_IN_FUTURE, leave=leave_date.isoformat(), requested=requested_on.isoformat()
        )
    if last_wage_from is not None and leave_date < last_wage_from:
        raise SimisError(
            RegistryError.LEAVE_BEFORE_LAST_WAGE,
            leave=leave_date.isoformat(),
            wage_from=last_wage_from.isoformat(),
        )


def registration_timing(
    *,
    join_date: date,
    leave_date: date | None,
    requested_on: date,
    regime: Regime,
    read: ParameterReader,
) -> Timing:
    """A new contribution period (RULES §3). Refused beyond the retroactive limit; due by the end
    of the month of joining (from 1 Feb 2022 [S19]; the same deadline is assumed before). A late
    registration is accepted for review: its months from joining to the request are disputed."""
    limit = retroactive_limit_check(start=join_date, requested_on=requested_on, regime=regime, read=read)
    if leave_date is not None:
        leave_date_check(
            join_date=join_date, leave_date=leave_date, requested_on=requested_on, last_wage_from=None
        )
    return _timing(join_date, requested_on, (limit,))


def termination_timing(
    *, join_date: date, leave_date: date, requested_on: date, last_wage_from: date | None
) -> Timing:
    """Ending a contribution period (RULES §3): due by the end of the month of leaving. A late
    termination is accepted for review: its months from leaving to the request are disputed."""
    leave_date_check(
        join_date=join_date, leave_date=leave_date, requested_on=requested_on, last_wage_from=last_wage_from
    )
    return _timing(leave_date, requested_on)


def transfer_check(
    *,
    join_date: date,
    transfer_date: date,
    requested_on: date,
    last_wage_from: date | None,
    regime: Regime,
    read: ParameterReader,
) -> None:
    """A transfer on day D closes the old period on D-1 and opens the new one on D: D must come
    after the join date (REG-603), the old period must keep its wages (REG-305), and D obeys the
    retroactive limit like any new period (REG-301, REG-302)."""
    if transfer_date <= join_date:
        raise SimisError(
            RegistryError.TRANSFER_DATE_NOT_AFTER_JOIN,
            date=transfer_date.isoformat(),
            join=join_date.isoformat(),
        )
    retroactive_limit_check(start=transfer_date, requested_on=requested_on, regime=regime, read=read)
    leave_date_check(
        join_date=join_date,
        leave_date=transfer_date - timedelta(days=1),
        requested_on=requested_on,
        last_wage_from=last_wage_from,
    )


# --- Identities -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Document:
    """An identity document as given: ``country`` is the ISO alpha-3 issuer (SAU for national IDs
    and iqamas); ``country_alpha2`` is needed to validate GCC national IDs."""

    kind: IdentityKind
    number: str
    country: str
    country_alpha2: str = ""


@lru_cache(maxsize=1 << 14)
def identity_number_check(number: str, kind: IdentityKind | str, country_alpha2: str | None = None) -> str:
    """An identity number checked and normalised by ``core.identifiers.validate_identifier``
    (``country_alpha2`` for a GCC national ID), or its refusal — remembered per exact inputs (a
    refusal is not remembered: it is raised again). A bulk upload checks each row's numbers as
    it reads the file and again, a few thousand rows later, in ``identity_documents_check``."""
    return validate_identifier(number, kind, country_alpha2)


def identity_documents_check(*, nationality: str, documents: Sequence[Document]) -> list[Document]:
    """The documents validated and normalised (``core.identifiers``). A Saudi is registered with
    the national ID (never an iqama); anyone else never with a national ID but with an iqama, a
    GCC national ID of their own country, or a passport. REG-206 for none, REG-211 for a number
    given twice."""
    if not documents:
        raise SimisError(RegistryError.NO_IDENTITY)
    checked: list[Document] = []
    for doc in documents:
        kind = doc.kind if type(doc.kind) is IdentityKind else IdentityKind(doc.kind)
        if kind == IdentityKind.GCC_NATIONAL_ID:
            number = identity_number_check(doc.number, kind, doc.country_alpha2)
            if doc.country != nationality:
                raise SimisError(RegistryError.GCC_ID_NOT_NATIONAL, country=doc.country)
            country = doc.country
        elif kind == IdentityKind.PASSPORT:
            number = identity_number_check(doc.number, kind)
            country = doc.country or nationality
        else:
            number = identity_number_check(doc.number, kind)
            country = SAUDI
        if kind is doc.kind and number == doc.number and country == doc.country:
            checked.append(doc)  # already as checked (a bulk upload's rows usually are)
        else:
            checked.append(Document(kind, number, country, doc.country_alpha2))
    if len(checked) > 1:
        keys = [(d.kind, d.country, d.number) for d in checked]
        for position, key in enumerate(keys):
            if key in keys[:position]:
                raise SimisError(RegistryError.DUPLICATE_IDENTITY, number=key[2])
    kinds = {d.kind for d in checked}
    if nationality == SAUDI:
        if IdentityKind.IQAMA in kinds:
            raise SimisError(RegistryError.IQAMA_FOR_SAUDI)
        if IdentityKind.NATIONAL_ID not in kinds:
            raise SimisError(RegistryError.SAUDI_NEEDS_NATIONAL_ID)
    elif IdentityKind.NATIONAL_ID in kinds:
        raise SimisError(RegistryError.NATIONAL_ID_NOT_SAUDI)
    return checked


# --- Establishments -------------------------------------------------------------------------------


def establishment_fields_check(
    *, unified_number: str, commercial_registration: str, name_ar: str, name_en: str, city: str
) -> tuple[str, str]:
    """The 700 number (ten digits starting with 7, REG-101) and the CR number (ten digits,
    REG-102), normalised; names in both languages (REG-110) and the city (REG-111) present."""
    unified = normalise_identifier(unified_number)
    if not (len(unified) == 10 and unified.isascii() and unified.isdigit() and unified[0] == "7"):
        raise SimisError(RegistryError.UNIFIED_NUMBER_FORMAT, value=unified_number)
    cr = normalise_identifier(commercial_registration)
    if not (len(cr) == 10 and cr.isascii() and cr.isdigit()):
        raise SimisError(RegistryError.CR_FORMAT, value=commercial_registration)
    if not name_ar.strip() or not name_en.strip():
        raise SimisError(RegistryError.ESTABLISHMENT_NAME_REQUIRED)
    if not city.strip():
        raise SimisError(RegistryError.CITY_REQUIRED)
    return unified, cr


# --- Wage-change batches (REG-5) ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """The totals of a wage-change batch: declared by the employer, or counted from its lines."""

    line_count: int
    total_basic: Money
    total_housing: Money
    total_contributory: Money


def batch_summary_check(*, declared: BatchSummary, counted: BatchSummary) -> None:
    """REG-501 unless the declared summary equals the counted one, showing every figure and the
    difference (declared minus counted)."""
    if declared == counted:
        return
    raise SimisError(
        RegistryError.SUMMARY_MISMATCH,
        declared_lines=declared.line_count,
        lines=counted.line_count,
        declared_basic=str(declared.total_basic.amount),
        basic=str(counted.total_basic.amount),
        basic_difference=str((declared.total_basic - counted.total_basic).amount),
        declared_housing=str(declared.total_housing.amount),
        housing=str(counted.total_housing.amount),
        housing_difference=str((declared.total_housing - counted.total_housing).amount),
        declared_contributory=str(declared.total_contributory.amount),
        contributory=str(counted.total_contributory.amount),
        contributory_difference=str((declared.total_contributory - counted.total_contributory).amount),
    )
