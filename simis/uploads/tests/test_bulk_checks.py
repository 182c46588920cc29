"""The bulk path remembers rules' answers across the rows of a file — a join date's timing, a
set of amounts and its check, a first wage's contributory wage (without the birth date), each
distinct derivation's COPY text — and reads most rows straight from their cells, as plain values.
What this protects: every row of a varied file gets exactly what the register's rules give it
when asked afresh, row by row, in the service's order — the same COPY lines, or the same
refusal with the same code and parameters — whatever the rows before it were."""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from simis.core.dates import Calendar, DateError
from simis.core.errors import IdentifierError, SimisError
from simis.core.identifiers import IdentityKind, generate_national_id
from simis.core.money import Money
from simis.core.parameter_table import ParameterReader, ParameterReading, Regime
from simis.core.selectors import parameter_reader
from simis.registry.public import (
    Document,
    Gender,
    Person,
    RegistryError,
    Span,
    WageInput,
    contributory_wage,
    coverage_derive,
    identity_documents_check,
    nationality_class,
    regime_derive,
    registration_timing,
    wage_amounts_check,
    worker_age_check,
)
from simis.uploads import bulk_apply
from simis.uploads.choices import UploadMode
from simis.uploads.outcomes import ApplyContext
from simis.uploads.rows import NewContributorValues
from simis.uploads.tests.conftest import REQUEST_DAY

pytestmark = pytest.mark.django_db

ESTABLISHMENT = 4242
NOW = "2026-03-15T09:00:00+00:00"


def _country(value: str) -> Any:
    """A country as ``contributor_register`` finds it: alpha-3 code first, then alpha-2."""
    model: Any = Person._meta.get_field("nationality").related_model
    text = str(value or "").strip().upper()
    found = model.objects.filter(code=text).first() or model.objects.filter(alpha2=text).first()
    if found is None:
        raise SimisError(RegistryError.UNKNOWN_COUNTRY, value=value)
    return found


def _occupation(value: str) -> str:
    model: Any = bulk_apply.Engagement._meta.get_field("occupation").related_model
    code = str(value or "").strip()
    if not model.objects.filter(pk=code).exists():
        raise SimisError(RegistryError.UNKNOWN_OCCUPATION, value=value)
    return code


def reference_lines(
    values: NewContributorValues, ids: tuple[int, int, int], registered: dict[tuple[str, str, str], int]
) -> tuple[str, str, str, str]:
    """The row checked with the register's rules, each asked afresh (``contributory_wage`` with
    the birth date), in ``contributor_register``'s order, and its COPY lines."""
    (
        _row,
        identities,
        names,
        birth,
        calendar,
        gender,
        nationality_code,
        join,
        occupation_code,
        wage,
        external,
    ) = values
    read = shifting(parameter_reader())
    parts = [part.strip() for part in names]
    if not all(parts[position] for position in (0, 3, 4, 7)):
        raise SimisError(RegistryError.PERSON_NAME_REQUIRED)
    if gender not in Gender.values:
        raise SimisError(RegistryError.UNKNOWN_GENDER, value=str(gender))
    if external < 0:
        raise SimisError(RegistryError.NEGATIVE_EXTERNAL_MONTHS)
    if calendar not in Calendar.values:
        raise SimisError(DateError.UNKNOWN_CALENDAR, value=str(calendar))
    country = _country(nationality_code)
    occupation = _occupation(occupation_code)
    given = []
    for kind_text, number, issuer_text in identities:
        if kind_text not in IdentityKind.values:
            raise SimisError(IdentifierError.WRONG_KIND, value=str(kind_text))
        kind = IdentityKind(kind_text)
        if kind in (IdentityKind.NATIONAL_ID, IdentityKind.IQAMA):
            given.append(Document(kind, number, "SAU", "SA"))
        else:
            issuer = _country(issuer_text) if issuer_text else country
            given.append(Document(kind, number, issuer.code, issuer.alpha2))
    documents = identity_documents_check(nationality=country.code, documents=given)
    for doc in documents:
        holder = registered.get((doc.kind.value, doc.country, doc.number))
        if holder is not None:
            raise SimisError(RegistryError.IDENTITY_EXISTS, number=doc.number, contributor_number=holder)
    derivation = regime_derive(
        birth_date=birth, periods=[Span(join)], external_old_law_months=external, read=read
    )
    regime = derivation.regime
    worker_age_check(birth_date=birth, join_date=join, regime=regime, read=read)
    timing = registration_timing(
        join_date=join, leave_date=None, requested_on=REQUEST_DAY, regime=regime, read=read
    )
    coverage = coverage_derive(
        nationality=nationality_class(country.code, is_gcc=country.is_gcc),
        gcc_country=country.alpha2 if country.is_gcc and country.code != "SAU" else None,
        birth_date=birth,
        first_covered_on=join,
        regime=regime,
        read=read,
    )
    wage_amounts_check(basic=wage.basic, housing=wage.housing, other=wage.other)
    derived = contributory_wage(
        basic=wage.basic,
        housing=wage.housing,
        housing_in_kind=wage.housing_in_kind,
        regime=regime,
        covers_annuities=coverage.annuities,
        effective_from=join,
        birth_date=birth,
        prior=None,
        read=read,
    )
    person, engagement, wage_id = ids
    today = REQUEST_DAY.isoformat()
    text = bulk_apply.copy_text
    return (
        "\t".join(
            [
                str(person),
                *map(text, parts),
                text(birth),
                calendar,
                gender,
                country.code,
                str(external),
                bulk_apply._regime_columns(derivation),
                today,
                today,
                NOW,
            ]
        )
        + "\n",
        "".join(f"{person}\t{doc.kind.value}\t{doc.country}\t{doc.number}\t{NOW}\n" for doc in documents),
        "\t".join(
            [
                str(engagement),
                str(person),
                str(ESTABLISHMENT),
                text(join),
                "",
                occupation,
                bulk_apply._timing_columns(timing),
                today,
                bulk_apply._coverage_columns(coverage),
                NOW,
            ]
        )
        + "\n",
        "\t".join(
            [
                str(wage_id),
                str(engagement),
                str(ESTABLISHMENT),
                text(join),
                str(wage.basic.amount),
                str(wage.housing.amount),
                str(wage.other.amount),
                text(wage.housing_in_kind),
                occupation,
                bulk_apply._wage_columns(derived),
                NOW,
            ]
        )
        + "\n",
    )


def varied_values(count: int, seed: int) -> list[NewContributorValues]:
    """Rows that share join dates, wages and nationalities in every combination while their
    birth dates, documents and names differ — with a share of every refusal the checks make."""
    rng = random.Random(seed)
    # On time, late, old law, transitional, beyond 24 months, in the future.
    joins = [REQUEST_DAY - timedelta(days=days) for days in (0, 3, 9, 14, 20, 40, 70, 400)] * 4 + [
        date(2024, 7, 2),
        date(2024, 7, 3),
        REQUEST_DAY - timedelta(days=800),
        REQUEST_DAY + timedelta(days=2),
    ]
    amounts = ["3000", "4000", "400", "45000", "60000", "3333.33", "1500.5"] * 8 + ["0", "-5"]
    made: list[NewContributorValues] = []
    for row in range(count):
        nationality = rng.choice(["SAU"] * 4 + ["sa", "IND", "IND", "EGY", "KWT", "BHR"] * 2 + ["XXX"])
        seed_number = 50_000_000 + row
        choice = rng.random()
        if nationality in ("SAU", "sa"):
            kind = IdentityKind.NATIONAL_ID if choice > 0.05 else IdentityKind.IQAMA
        elif nationality == "KWT":
            kind = IdentityKind.GCC_NATIONAL_ID if choice > 0.3 else IdentityKind.PASSPORT
        else:
            kind = IdentityKind.IQAMA if choice > 0.05 else IdentityKind.NATIONAL_ID
        if kind == IdentityKind.GCC_NATIONAL_ID:
            number, issuer = rng.choice([("289010112345", "KW"), ("2890101123", "KW"), ("289010112345", "")])
        elif kind == IdentityKind.PASSPORT:
            number, issuer = f"K{seed_number}", rng.choice(["", "KWT", "ZZZ"])
        else:
            number, issuer = generate_national_id(seed_number, kind), ""
        identities: tuple[tuple[str | None, str, str], ...] = ((kind.value, number, issuer),)
        if rng.random() < 0.1:
            identities += ((IdentityKind.PASSPORT.value, f"P{seed_number}", rng.choice(["", "IND"])),)
        if rng.random() < 0.01:
            identities = ((rng.choice([None, "licence"]), number, ""),)
        names = ["محمد", "", "", "العتيبي", "Mohammed", "Ali", "", "Alotaibi"]
        if rng.random() < 0.02:
            names[rng.choice([0, 3, 4, 7])] = " "
        if rng.random() < 0.02:
            names[5] = rng.choice(["tab\there", "back\\slash", "line\nbreak"])
        basic = Money(rng.choice(amounts))
        made.append(
            (
                row,
                identities,
                tuple(names),
                date(1950, 1, 1) + timedelta(days=rng.randrange(22_000 if rng.random() < 0.97 else 28_000)),
                rng.choice([Calendar.GREGORIAN.value] * 30 + [Calendar.HIJRI.value, "julian"]),
                rng.choice([Gender.MALE.value] * 30 + [Gender.FEMALE.value] * 5 + ["x"]),
                nationality,
                rng.choice(joins),
                rng.choice(["2", "7", "2", " 5"] * 8 + ["99999"]),
                WageInput(
                    basic=basic,
                    housing=Money(rng.choice(["0", "750", "1000"] * 10 + ["-1"])),
                    other=Money(rng.choice(["0", "250"])),
                    housing_in_kind=rng.random() < 0.2,
                ),
                rng.choice([0] * 30 + [30, 250, -1]),
            )
        )
    return made


def shifting(read: ParameterReader) -> ParameterReader:
    """``read``, with the ceiling and the minimums raised from 1 March 2026 — in the middle of
    the sample's join dates — so that a wage remembered for the wrong day shows."""
    raised = {
        "wage.ceiling": Decimal(40000),
        "wage.annuities_minimum": Decimal(1600),
        "registration.new_law_pensions_minimum": Decimal(1700),
        "registration.new_law_occupational_hazards_minimum": Decimal(450),
    }
    change = date(2026, 3, 1)

    def reader(key: str, on: date, regime: Regime) -> ParameterReading:
        found = read(key, on, regime)
        if key in raised and on >= change:
            return dataclasses.replace(found, value=raised[key], valid_from=change)
        return found

    return reader


def outcome(call: Any) -> Any:
    try:
        return call()
    except SimisError as error:
        return ("refused", error.code, error.params)


def test_every_row_gets_what_the_rules_give_it_asked_afresh(parameters: None, monkeypatch: Any) -> None:
    monkeypatch.setattr(bulk_apply.timezone, "now", lambda: SimpleNamespace(isoformat=lambda: NOW))
    rows = varied_values(3000, seed=27)
    # Every fiftieth row's national ID or iqama is registered already.
    registered = {
        (kind, "SAU", number): 1_000_000 + row
        for row, ((kind, number, _issuer), *_more), *_rest in rows[::50]
        if kind in (IdentityKind.NATIONAL_ID, IdentityKind.IQAMA)
    }
    context = ApplyContext(
        actor=None,
        establishment=SimpleNamespace(pk=ESTABLISHMENT),  # type: ignore[arg-type]
        requested_on=REQUEST_DAY,
        mode=UploadMode.VALID_ROWS,
        progress=lambda done: None,
    )
    checker = bulk_apply.Checker(
        context, bulk_apply.References(), bulk_apply._remembered(shifting(parameter_reader())), registered
    )
    outcomes: dict[str, int] = {}
    for values in rows:
        ids = (10 + values[0], 20 + values[0], 30 + values[0])
        found = outcome(lambda: checker.check(values, ids))  # noqa: B023
        assert found == outcome(lambda: reference_lines(values, ids, registered)), values  # noqa: B023
        key = found[1] if isinstance(found, tuple) and found[0] == "refused" else "lines"
        outcomes[key] = outcomes.get(key, 0) + 1
    # The sample reaches every refusal it was made for, and most rows pass.
    assert outcomes["lines"] > 1500, sorted(outcomes.items())
    made_for = [
        RegistryError.PERSON_NAME_REQUIRED,
        RegistryError.UNKNOWN_GENDER,
        RegistryError.NEGATIVE_EXTERNAL_MONTHS,
        DateError.UNKNOWN_CALENDAR,
        RegistryError.UNKNOWN_COUNTRY,
        RegistryError.UNKNOWN_OCCUPATION,
        IdentifierError.WRONG_KIND,
        IdentifierError.GCC_FORMAT,
        RegistryError.NATIONAL_ID_NOT_SAUDI,
        RegistryError.IQAMA_FOR_SAUDI,
        RegistryError.IDENTITY_EXISTS,
        RegistryError.BIRTH_AFTER_JOIN,
        RegistryError.TOO_YOUNG,
        RegistryError.RETROACTIVE_LIMIT,
        RegistryError.JOIN_IN_FUTURE,
        RegistryError.NEGATIVE_AMOUNT,
        RegistryError.BASIC_REQUIRED,
    ]
    assert {error.code for error in made_for} - set(outcomes) == set()
