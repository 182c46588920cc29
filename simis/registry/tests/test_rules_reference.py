"""The register's rules as they were before they were made cheaper for bulk uploads
(2026-11-27: a single period's first day read without sorting, a new-law regime without
counting months, branches made without a mapping of common fields, a first wage derived apart
from the age-50 cap, documents kept when already as checked), kept here verbatim: the rules
must give the same answers — results, and refusals with their codes and parameters — on a
varied sample. The reference code is not maintained: change the rules, and replace these tests
by the rules' own."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from simis.core.contribution_rates import NationalityClass
from simis.core.dates import hijri_age, months_between
from simis.core.errors import SimisError
from simis.core.identifiers import IdentityKind, generate_national_id, validate_identifier
from simis.core.money import Money
from simis.core.parameter_table import ParameterReader, ParameterReading, Regime
from simis.registry import rules
from simis.registry.choices import AgeTest
from simis.registry.errors import RegistryError
from simis.registry.rules import (
    _AGE_CALENDAR,
    _AGE_TEST,
    _CEILING,
    _MECHANISM,
    _TWELVE,
    NEW_LAW_START,
    SAUDI,
    TRANSITIONAL_GREGORIAN_MONTHS,
    TRANSITIONAL_HIJRI_YEARS,
    TRANSITIONAL_MONTHS_LIMIT,
    ContributoryWage,
    Coverage,
    Document,
    PriorWage,
    RegimeDerivation,
    Span,
    _minimum_key,
    _number,
    age_in,
    contribution_months_before,
    date_of_age,
)

# --- The reference, verbatim -----------------------------------------------------------------------


def reference_regime_derive(
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
    first = min((span.start for span in periods), default=None)
    old = external_old_law_months > 0 or (first is not None and first < NEW_LAW_START)
    months = contribution_months_before(periods, NEW_LAW_START) + external_old_law_months
    if not old:
        return RegimeDerivation(Regime.NEW_LAW, first, months, external_old_law_months, None, None)
    reading = read(_AGE_TEST, NEW_LAW_START, Regime.OLD_LAW)
    if reading.value == AgeTest.HIJRI_YEARS:
        below = hijri_age(birth_date, NEW_LAW_START) < TRANSITIONAL_HIJRI_YEARS
    else:
        below = months_between(birth_date, NEW_LAW_START) < TRANSITIONAL_GREGORIAN_MONTHS
    regime = Regime.TRANSITIONAL if months < TRANSITIONAL_MONTHS_LIMIT and below else Regime.OLD_LAW
    return RegimeDerivation(
        regime, first, months, external_old_law_months, str(reading.value), below, (reading,)
    )


def reference_coverage_derive(
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
    base: dict[str, Any] = {
        "occupational_hazards": True,
        "nationality": nationality,
        "regime": regime,
        "first_covered_on": first_covered_on,
    }
    if nationality == NationalityClass.GCC:
        return Coverage(
            annuities=False,
            unemployment=False,
            gcc_extension=True,
            gcc_country=str(gcc_country or "").upper(),
            age_at_first_coverage=None,
            age_calendar=None,
            **base,
        )
    if nationality == NationalityClass.NON_SAUDI:
        return Coverage(
            annuities=False,
            unemployment=False,
            gcc_extension=False,
            gcc_country="",
            age_at_first_coverage=None,
            age_calendar=None,
            **base,
        )
    calendar = read(_AGE_CALENDAR, first_covered_on, regime)
    annuities_limit = read("registration.annuities_entry_age_limit", first_covered_on, regime)
    unemployment_limit = read("registration.unemployment_entry_age_limit", first_covered_on, regime)
    age = age_in(str(calendar.value), birth_date, first_covered_on)
    annuities = age < _number(annuities_limit)
    return Coverage(
        annuities=annuities,
        unemployment=annuities and age < _number(unemployment_limit),
        gcc_extension=False,
        gcc_country="",
        age_at_first_coverage=age,
        age_calendar=str(calendar.value),
        readings=(calendar, annuities_limit, unemployment_limit),
        **base,
    )


def reference_contributory_wage(
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
    readings: list[ParameterReading] = []

    def reading(key: str) -> ParameterReading:
        found = read(key, effective_from, regime)
        readings.append(found)
        return found

    mechanism = str(reading(_MECHANISM).value)
    includes_housing = reading("wage.includes_housing_allowance").value is True
    counted = Money(0)
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

    if prior is not None and covers_annuities and reading("registration.age50_cap.applies").value is True:
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


def reference_identity_documents_check(*, nationality: str, documents: Sequence[Document]) -> list[Document]:
    """The documents validated and normalised (``core.identifiers``). A Saudi is registered with
    the national ID (never an iqama); anyone else never with a national ID but with an iqama, a
    GCC national ID of their own country, or a passport. REG-206 for none, REG-211 for a number
    given twice."""
    if not documents:
        raise SimisError(RegistryError.NO_IDENTITY)
    checked: list[Document] = []
    for doc in documents:
        kind = IdentityKind(doc.kind)
        if kind == IdentityKind.GCC_NATIONAL_ID:
            number = validate_identifier(doc.number, kind, doc.country_alpha2)
            if doc.country != nationality:
                raise SimisError(RegistryError.GCC_ID_NOT_NATIONAL, country=doc.country)
            country = doc.country
        elif kind == IdentityKind.PASSPORT:
            number = validate_identifier(doc.number, kind)
            country = doc.country or nationality
        else:
            number = validate_identifier(doc.number, kind)
            country = SAUDI
        checked.append(Document(kind, number, country, doc.country_alpha2))
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


# --- Same answers ------------------------------------------------------------------------------------


def outcome(call: Any) -> Any:
    """What a rule gives: its result, or its refusal's code and parameters."""
    try:
        return call()
    except SimisError as error:
        return ("refused", error.code, error.params)


days = st.dates(date(1940, 1, 1), date(2027, 1, 1))
spans = st.lists(
    st.builds(
        lambda start, length: Span(start, None if length is None else start + timedelta(days=length)),
        st.dates(date(1990, 1, 1), date(2027, 1, 1)),
        st.none() | st.integers(0, 8000),
    ),
    min_size=0,
    max_size=3,
)


@settings(max_examples=400)
@given(birth=days, periods=spans, external=st.integers(-3, 300))
def test_the_regime_is_derived_as_before(birth, periods, external, read) -> None:  # type: ignore[no-untyped-def]
    def new() -> Any:
        return rules.regime_derive(
            birth_date=birth, periods=periods, external_old_law_months=external, read=read
        )

    def old() -> Any:
        return reference_regime_derive(
            birth_date=birth, periods=periods, external_old_law_months=external, read=read
        )

    assert outcome(new) == outcome(old)


@settings(max_examples=400)
@given(
    nationality=st.sampled_from([*NationalityClass, "other"]),
    gcc_country=st.sampled_from([None, "", "kw", "OM"]),
    birth=days,
    first=st.dates(date(2001, 1, 1), date(2027, 1, 1)),
    regime=st.sampled_from(list(Regime)),
)
def test_branches_are_derived_as_before(nationality, gcc_country, birth, first, regime, read) -> None:  # type: ignore[no-untyped-def]
    inputs = {
        "nationality": nationality,
        "gcc_country": gcc_country,
        "birth_date": birth,
        "first_covered_on": first,
        "regime": regime,
        "read": read,
    }
    assert outcome(lambda: rules.coverage_derive(**inputs)) == outcome(
        lambda: reference_coverage_derive(**inputs)
    )


priors = st.none() | st.builds(
    PriorWage,
    effective_from=st.dates(date(2010, 1, 1), date(2026, 1, 1)),
    basic=st.integers(0, 50000).map(Money),
    housing=st.integers(0, 12000).map(Money),
    housing_in_kind=st.booleans(),
    contributory_wage=st.integers(400, 45000).map(Money),
)


@settings(max_examples=600)
@given(
    basic=st.integers(0, 60000).map(Money),
    housing=st.integers(0, 15000).map(Money),
    housing_in_kind=st.booleans(),
    regime=st.sampled_from(list(Regime)),
    covers_annuities=st.booleans(),
    effective_from=st.dates(date(2015, 1, 1), date(2027, 1, 1)),
    birth=st.dates(date(1950, 1, 1), date(2008, 1, 1)),
    prior=priors,
)
def test_the_contributory_wage_is_derived_as_before(  # type: ignore[no-untyped-def]
    basic, housing, housing_in_kind, regime, covers_annuities, effective_from, birth, prior, read
):
    inputs = {
        "basic": basic,
        "housing": housing,
        "housing_in_kind": housing_in_kind,
        "regime": regime,
        "covers_annuities": covers_annuities,
        "effective_from": effective_from,
        "read": read,
    }
    expected = outcome(lambda: reference_contributory_wage(**inputs, birth_date=birth, prior=prior))
    assert outcome(lambda: rules.contributory_wage(**inputs, birth_date=birth, prior=prior)) == expected
    if prior is None:
        # A first wage: the same answer without the birth date, whatever it is.
        assert outcome(lambda: rules.contributory_wage_first(**inputs)) == expected


def _documents(draw: Any) -> list[Document]:
    made = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from([*IdentityKind, "iqama", "passport"]))
        seed = draw(st.integers(1, 40))
        number = draw(
            st.sampled_from(
                [
                    generate_national_id(seed),
                    generate_national_id(seed, IdentityKind.IQAMA),
                    generate_national_id(seed)[:-1] + "0",
                    "A1234567",
                    "a-12 345",
                    "289010112345",
                    "١٠٠٠٠٠٠٠٠٨",
                    "",
                ]
            )
        )
        country = draw(st.sampled_from(["SAU", "KWT", "IND", ""]))
        alpha2 = draw(st.sampled_from(["SA", "KW", "IN", ""]))
        made.append(Document(kind, number, country, alpha2))  # type: ignore[arg-type]
    return made


@settings(max_examples=600)
@given(nationality=st.sampled_from(["SAU", "KWT", "IND"]), data=st.data())
def test_documents_are_checked_as_before(nationality, data) -> None:  # type: ignore[no-untyped-def]
    documents = _documents(data.draw)
    assert outcome(
        lambda: rules.identity_documents_check(nationality=nationality, documents=documents)
    ) == outcome(lambda: reference_identity_documents_check(nationality=nationality, documents=documents))
