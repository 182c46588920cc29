"""The pure registration rules, without a database: parameters come from the YAML table.

What these protect: the regime boundaries of RULES §0 (3 Jul 2024, 240 months, 48y6m/50 Hijri),
the branch coverage of §1, the contributory-wage minimums and ceiling, the age-50 cap and the
annual mechanism of §3, and the deadlines and 24-month retroactive limit of §3."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simis.core.contribution_rates import NationalityClass
from simis.core.dates import add_months, date_of_hijri_age, month_end, months_between
from simis.core.errors import SimisError
from simis.core.identifiers import GccCountry, IdentityKind, generate_national_id, validate_gcc_id
from simis.core.money import Money
from simis.core.parameter_table import ParameterReader, ParameterReading, Regime
from simis.registry import rules
from simis.registry.rules import NEW_LAW_START, BatchSummary, Document, PriorWage, Span

CUTOFF = NEW_LAW_START


def overriding(read: ParameterReader, **values: object) -> ParameterReader:
    """``read`` with some parameters forced to other values (dots in keys written as __)."""
    forced = {key.replace("__", "."): value for key, value in values.items()}

    def reader(key: str, on: date, regime: Regime) -> ParameterReading:
        found = read(key, on, regime)
        return dataclasses.replace(found, value=forced[key]) if key in forced else found

    return reader


def code_of(excinfo: pytest.ExceptionInfo[SimisError]) -> str:
    return excinfo.value.code


# --- Contribution months ---------------------------------------------------------------------------


def test_months_are_counted_before_the_cutoff_day() -> None:
    assert rules.contribution_months_before([Span(date(2024, 1, 3))], CUTOFF) == 6
    assert rules.contribution_months_before([Span(date(2024, 7, 3))], CUTOFF) == 0
    assert rules.contribution_months_before([Span(date(2024, 1, 1), date(2024, 1, 31))], CUTOFF) == 1


def test_overlapping_and_touching_periods_count_once() -> None:
    two_employers = [Span(date(2020, 1, 1), date(2020, 12, 31)), Span(date(2020, 6, 1), date(2020, 12, 31))]
    assert rules.contribution_months_before(two_employers, CUTOFF) == 12
    transfer = [Span(date(2020, 1, 1), date(2020, 6, 14)), Span(date(2020, 6, 15), date(2020, 12, 31))]
    assert rules.contribution_months_before(transfer, CUTOFF) == 12


def test_odd_days_of_separate_stretches_add_up_to_months() -> None:
    # Two stretches of 15 days each, a month apart: 30 odd days make one month.
    spans = [Span(date(2020, 1, 1), date(2020, 1, 15)), Span(date(2020, 3, 1), date(2020, 3, 15))]
    assert rules.contribution_months_before(spans, CUTOFF) == 1


@given(
    st.lists(
        st.tuples(st.dates(date(1990, 1, 1), date(2030, 1, 1)), st.integers(0, 5000)),
        min_size=0,
        max_size=5,
    )
)
def test_months_never_exceed_the_calendar_and_adding_a_period_never_lowers_them(raw) -> None:  # type: ignore[no-untyped-def]
    spans = [Span(start, start + timedelta(days=length)) for start, length in raw]
    months = rules.contribution_months_before(spans, CUTOFF)
    assert months >= 0
    if spans:
        earliest = min(s.start for s in spans)
        assert months <= max(months_between(earliest, CUTOFF), 0) + 1
    more = rules.contribution_months_before([*spans, Span(date(2001, 1, 1), date(2001, 12, 31))], CUTOFF)
    assert more >= months


# --- Regime (RULES §0) -----------------------------------------------------------------------------


def test_first_covered_on_the_new_laws_first_day_is_new_law(read) -> None:  # type: ignore[no-untyped-def]
    result = rules.regime_derive(
        birth_date=date(1990, 1, 1), periods=[Span(CUTOFF)], external_old_law_months=0, read=read
    )
    assert result.regime == Regime.NEW_LAW
    assert result.as_record()["first_covered_on"] == "2024-07-03"


def test_covered_the_day_before_is_old_law_family(read) -> None:  # type: ignore[no-untyped-def]
    result = rules.regime_derive(
        birth_date=date(1990, 1, 1),
        periods=[Span(CUTOFF - timedelta(days=1))],
        external_old_law_months=0,
        read=read,
    )
    assert result.regime == Regime.TRANSITIONAL


def test_240_months_is_the_boundary(read) -> None:  # type: ignore[no-untyped-def]
    young = date(1990, 1, 1)
    at_240 = rules.regime_derive(
        birth_date=young, periods=[Span(add_months(CUTOFF, -240))], external_old_law_months=0, read=read
    )
    at_239 = rules.regime_derive(
        birth_date=young, periods=[Span(add_months(CUTOFF, -239))], external_old_law_months=0, read=read
    )
    assert (at_240.months_before_new_law, at_240.regime) == (240, Regime.OLD_LAW)
    assert (at_239.months_before_new_law, at_239.regime) == (239, Regime.TRANSITIONAL)


def test_48_years_6_months_counts_as_50_hijri(read) -> None:  # type: ignore[no-untyped-def]
    exactly = add_months(CUTOFF, -(48 * 12 + 6))  # 48y6m old on 3 Jul 2024
    periods = [Span(date(2015, 1, 1))]
    older = rules.regime_derive(birth_date=exactly, periods=periods, external_old_law_months=0, read=read)
    younger = rules.regime_derive(
        birth_date=exactly + timedelta(days=1), periods=periods, external_old_law_months=0, read=read
    )
    assert older.regime == Regime.OLD_LAW and older.below_age_threshold is False
    assert younger.regime == Regime.TRANSITIONAL and younger.below_age_threshold is True
    assert older.readings[0].unconfirmed


def test_the_hijri_reading_counts_50_hijri_years(read) -> None:  # type: ignore[no-untyped-def]
    hijri = overriding(read, registration__transitional_age_test="hijri_years")
    periods = [Span(date(2015, 1, 1))]
    # Born so that the 50th Hijri birthday falls exactly on 3 Jul 2024, and the day after.
    reached = rules.regime_derive(
        birth_date=_birth_for_hijri_age_on(50, CUTOFF), periods=periods, external_old_law_months=0, read=hijri
    )
    assert reached.regime == Regime.OLD_LAW


def _birth_for_hijri_age_on(years: int, on: date) -> date:
    birth = on - timedelta(days=int(years * 354.37))
    while date_of_hijri_age(birth, years) > on:
        birth -= timedelta(days=1)
    while date_of_hijri_age(birth + timedelta(days=1), years) <= on:
        birth += timedelta(days=1)
    return birth


def test_old_law_months_outside_the_register_make_old_law(read) -> None:  # type: ignore[no-untyped-def]
    """A former civil servant (Civil Pension Law) first covered here in 2025 stays in the old law."""
    result = rules.regime_derive(
        birth_date=date(1990, 1, 1), periods=[Span(date(2025, 1, 1))], external_old_law_months=120, read=read
    )
    assert result.regime == Regime.TRANSITIONAL
    heavy = rules.regime_derive(
        birth_date=date(1990, 1, 1), periods=[Span(date(2025, 1, 1))], external_old_law_months=240, read=read
    )
    assert heavy.regime == Regime.OLD_LAW


@settings(max_examples=150)
@given(
    birth=st.dates(date(1940, 1, 1), date(2008, 1, 1)),
    start=st.dates(date(1990, 1, 1), date(2030, 1, 1)),
)
def test_regime_is_new_law_exactly_when_first_covered_from_the_cutoff(birth, start, read) -> None:  # type: ignore[no-untyped-def]
    result = rules.regime_derive(
        birth_date=birth, periods=[Span(start)], external_old_law_months=0, read=read
    )
    assert (result.regime == Regime.NEW_LAW) == (start >= CUTOFF)
    if result.regime == Regime.TRANSITIONAL:
        assert result.months_before_new_law < 240 and result.below_age_threshold


# --- Covered branches (RULES §1) --------------------------------------------------------------------


def _coverage(read: ParameterReader, *, age_hijri: int | None = None, age_years: int | None = None, **kw):  # type: ignore[no-untyped-def]
    first = kw.pop("first_covered_on", date(2020, 1, 1))
    if age_hijri is not None:
        birth = _birth_for_hijri_age_on(age_hijri, first)
    else:
        birth = add_months(first, -12 * (age_years or 30))
    return rules.coverage_derive(
        nationality=kw.pop("nationality", NationalityClass.SAUDI),
        gcc_country=kw.pop("gcc_country", None),
        birth_date=birth,
        first_covered_on=first,
        regime=kw.pop("regime", Regime.OLD_LAW),
        read=read,
    )


def test_old_law_saudi_ages_in_hijri_years(read) -> None:  # type: ignore[no-untyped-def]
    at_58 = _coverage(read, age_hijri=58)
    at_59 = _coverage(read, age_hijri=59)
    at_60 = _coverage(read, age_hijri=60)
    assert (at_58.annuities, at_58.unemployment) == (True, True)
    assert (at_59.annuities, at_59.unemployment) == (True, False)
    assert (at_60.annuities, at_60.unemployment) == (False, False)
    assert at_60.occupational_hazards and at_60.age_calendar == "hijri"


def test_new_law_saudi_ages_in_gregorian_years(read) -> None:  # type: ignore[no-untyped-def]
    first = date(2025, 1, 1)
    at_63 = _coverage(read, age_years=63, regime=Regime.NEW_LAW, first_covered_on=first)
    at_64 = _coverage(read, age_years=64, regime=Regime.NEW_LAW, first_covered_on=first)
    at_65 = _coverage(read, age_years=65, regime=Regime.NEW_LAW, first_covered_on=first)
    assert (at_63.annuities, at_63.unemployment) == (True, True)
    assert (at_64.annuities, at_64.unemployment) == (True, False)
    assert (at_65.annuities, at_65.unemployment) == (False, False)


def test_non_saudi_is_covered_for_occupational_hazards_only(read) -> None:  # type: ignore[no-untyped-def]
    ravi = _coverage(
        read, nationality=NationalityClass.NON_SAUDI, regime=Regime.NEW_LAW, first_covered_on=date(2025, 3, 1)
    )
    assert (ravi.annuities, ravi.occupational_hazards, ravi.unemployment, ravi.gcc_extension) == (
        False,
        True,
        False,
        False,
    )


def test_gcc_nationals_are_flagged_for_the_extension(read) -> None:  # type: ignore[no-untyped-def]
    kuwaiti = _coverage(read, nationality=NationalityClass.GCC, gcc_country="kw")
    assert kuwaiti.gcc_extension and kuwaiti.gcc_country == "KW"
    assert not kuwaiti.annuities and not kuwaiti.unemployment and kuwaiti.occupational_hazards


@given(
    nationality=st.sampled_from(list(NationalityClass)),
    regime=st.sampled_from(list(Regime)),
    age=st.integers(15, 80),
)
def test_coverage_invariants(nationality, regime, age, read) -> None:  # type: ignore[no-untyped-def]
    first = date(2025, 6, 1) if regime == Regime.NEW_LAW else date(2015, 6, 1)
    result = _coverage(
        read, age_years=age, nationality=nationality, regime=regime, first_covered_on=first, gcc_country="OM"
    )
    assert result.occupational_hazards
    assert not result.unemployment or result.annuities
    assert result.annuities <= (nationality == NationalityClass.SAUDI)
    assert result.gcc_extension == (nationality == NationalityClass.GCC)


# --- Contributory wage ------------------------------------------------------------------------------


def _wage(read: ParameterReader, basic: str, housing: str = "0", **kw):  # type: ignore[no-untyped-def]
    return rules.contributory_wage(
        basic=Money(Decimal(basic)),
        housing=Money(Decimal(housing)),
        housing_in_kind=kw.pop("housing_in_kind", False),
        regime=kw.pop("regime", Regime.OLD_LAW),
        covers_annuities=kw.pop("covers_annuities", True),
        effective_from=kw.pop("effective_from", date(2023, 3, 1)),
        birth_date=kw.pop("birth_date", date(1990, 1, 1)),
        prior=kw.pop("prior", None),
        read=read,
    )


def test_old_law_counts_basic_and_housing(read) -> None:  # type: ignore[no-untyped-def]
    result = _wage(read, "8000", "2000")
    assert result.amount == Money(10000) and result.steps == ()
    assert result.mechanism == "monthly"


def test_minimums_by_branch_and_the_ceiling(read) -> None:  # type: ignore[no-untyped-def]
    assert _wage(read, "1000").amount == Money(1500)
    assert _wage(read, "1000").steps == ("raised_to_minimum",)
    assert _wage(read, "300", covers_annuities=False).amount == Money(400)
    assert _wage(read, "40000", "10000").amount == Money(45000)
    assert _wage(read, "40000", "10000").steps == ("capped_at_ceiling",)


def test_new_law_housing_follows_the_unconfirmed_parameter(read) -> None:  # type: ignore[no-untyped-def]
    new = _wage(read, "8000", "2000", regime=Regime.NEW_LAW, effective_from=date(2025, 1, 1))
    assert new.amount == Money(10000)
    assert any(r.key == "wage.includes_housing_allowance" and r.unconfirmed for r in new.readings)
    basic_only = overriding(read, wage__includes_housing_allowance=False)
    assert _wage(
        basic_only, "8000", "2000", regime=Regime.NEW_LAW, effective_from=date(2025, 1, 1)
    ).amount == Money(8000)


def test_housing_in_kind_is_two_months_basic_a_year(read) -> None:  # type: ignore[no-untyped-def]
    result = _wage(read, "6000", housing_in_kind=True)
    assert result.housing_counted == Money(1000) and result.amount == Money(7000)


@given(
    basic=st.decimals(min_value=1, max_value=100000, places=2),
    housing=st.decimals(min_value=0, max_value=30000, places=2),
    annuities=st.booleans(),
)
def test_the_contributory_wage_stays_between_minimum_and_ceiling(basic, housing, annuities, read) -> None:  # type: ignore[no-untyped-def]
    result = _wage(read, str(basic), str(housing), covers_annuities=annuities)
    assert result.minimum <= result.amount <= result.ceiling
    higher = _wage(read, str(basic + 1), str(housing), covers_annuities=annuities)
    assert higher.amount >= result.amount


# --- The age-50 cap (RULES §3) -----------------------------------------------------------------------

BORN = date(1970, 5, 1)  # reaches 50 (Gregorian) on 1 May 2020


def _prior(
    contributory: str, basic: str = "10000", housing: str = "0", on: date = date(2019, 1, 1)
) -> PriorWage:
    return PriorWage(on, Money(Decimal(basic)), Money(Decimal(housing)), False, Money(Decimal(contributory)))


def test_the_year_fifty_is_reached_the_contributory_wage_does_not_rise(read) -> None:  # type: ignore[no-untyped-def]
    result = _wage(read, "15000", birth_date=BORN, effective_from=date(2020, 1, 1), prior=_prior("10000"))
    assert result.amount == Money(10000) and result.steps == ("age50_frozen",)
    cut = _wage(read, "8000", birth_date=BORN, effective_from=date(2020, 1, 1), prior=_prior("10000"))
    assert cut.amount == Money(8000)


def test_later_years_rise_at_most_ten_per_cent(read) -> None:  # type: ignore[no-untyped-def]
    result = _wage(read, "15000", birth_date=BORN, effective_from=date(2021, 1, 1), prior=_prior("10000"))
    assert result.amount == Money(11000) and result.steps == ("age50_capped",)
    small = _wage(read, "10500", birth_date=BORN, effective_from=date(2021, 1, 1), prior=_prior("10000"))
    assert small.amount == Money(10500)


def test_an_unchanged_wage_keeps_the_prior_contributory_wage(read) -> None:  # type: ignore[no-untyped-def]
    # The prior figure was capped below the wage; the wage itself did not change.
    result = _wage(
        read, "15000", birth_date=BORN, effective_from=date(2022, 3, 1), prior=_prior("11000", "15000")
    )
    assert result.amount == Money(11000) and result.steps == ("age50_unchanged",)


def test_before_the_year_of_fifty_there_is_no_cap(read) -> None:  # type: ignore[no-untyped-def]
    result = _wage(
        read,
        "15000",
        birth_date=BORN,
        effective_from=date(2019, 1, 1),
        prior=_prior("10000", on=date(2018, 1, 1)),
    )
    assert result.amount == Money(15000)


def test_the_cap_after_2022_is_a_switch(read) -> None:  # type: ignore[no-untyped-def]
    capped = _wage(read, "15000", birth_date=BORN, effective_from=date(2023, 3, 1), prior=_prior("10000"))
    assert capped.amount == Money(11000)
    off = overriding(read, registration__age50_cap__applies=False)
    uncapped = _wage(off, "15000", birth_date=BORN, effective_from=date(2023, 3, 1), prior=_prior("10000"))
    assert uncapped.amount == Money(15000)
    assert any(r.key == "registration.age50_cap.applies" and r.unconfirmed for r in capped.readings)


def test_the_cap_does_not_touch_non_saudis_or_the_first_wage(read) -> None:  # type: ignore[no-untyped-def]
    ravi = _wage(
        read,
        "15000",
        birth_date=BORN,
        effective_from=date(2023, 3, 1),
        prior=_prior("10000"),
        covers_annuities=False,
    )
    assert ravi.amount == Money(15000)
    first = _wage(read, "15000", birth_date=BORN, effective_from=date(2023, 3, 1))
    assert first.amount == Money(15000)


@given(
    new=st.integers(1500, 45000),
    prior=st.integers(1500, 45000),
    year=st.integers(2021, 2030),
)
def test_after_the_year_of_fifty_the_rise_never_exceeds_the_limit(new, prior, year, read) -> None:  # type: ignore[no-untyped-def]
    result = _wage(
        read, str(new), birth_date=BORN, effective_from=date(year, 3, 1), prior=_prior(str(prior), basic="1")
    )
    assert result.amount <= Money(prior) + Money(prior).percent(10)
    assert result.amount <= Money(new)


# --- Wage change dates -------------------------------------------------------------------------------


def _date_check(
    read: ParameterReader, effective_from: date, last: date | None = date(2015, 1, 1), **kw
) -> None:  # type: ignore[no-untyped-def]
    rules.wage_change_date_check(
        effective_from=effective_from,
        join_date=kw.get("join_date", date(2015, 1, 1)),
        leave_date=kw.get("leave_date"),
        last_wage_from=last,
        regime=kw.get("regime", Regime.OLD_LAW),
        read=read,
    )


def test_before_february_2022_wages_change_only_in_january(read) -> None:  # type: ignore[no-untyped-def]
    _date_check(read, date(2019, 1, 1))
    with pytest.raises(SimisError) as refused:
        _date_check(read, date(2019, 6, 1))
    assert code_of(refused) == "REG-403" and "2022-02-01" in refused.value.message
    _date_check(read, date(2022, 2, 1))
    _date_check(read, date(2022, 7, 1))


def test_a_wage_change_must_be_inside_the_period_and_after_the_last(read) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as outside:
        _date_check(read, date(2023, 1, 1), leave_date=date(2022, 12, 31))
    assert code_of(outside) == "REG-401"
    with pytest.raises(SimisError) as not_after:
        _date_check(read, date(2023, 1, 1), last=date(2023, 1, 1))
    assert code_of(not_after) == "REG-402"


# --- Deadlines and the retroactive limit --------------------------------------------------------------


def _registration(
    read: ParameterReader, join: date, requested: date, leave: date | None = None
) -> rules.Timing:
    return rules.registration_timing(
        join_date=join, leave_date=leave, requested_on=requested, regime=Regime.NEW_LAW, read=read
    )


def test_registration_is_due_by_the_end_of_the_month_of_joining(read) -> None:  # type: ignore[no-untyped-def]
    on_time = _registration(read, date(2026, 2, 10), date(2026, 2, 28))
    assert not on_time.late and on_time.deadline == date(2026, 2, 28)
    late = _registration(read, date(2026, 2, 10), date(2026, 3, 1))
    assert late.late
    assert (late.disputed_from, late.disputed_until) == (date(2026, 2, 1), date(2026, 3, 1))


def test_retroactive_registration_goes_back_24_months_at_most(read) -> None:  # type: ignore[no-untyped-def]
    assert _registration(read, date(2024, 7, 15), date(2026, 7, 15)).late
    with pytest.raises(SimisError) as refused:
        _registration(read, date(2024, 7, 14), date(2026, 7, 15))
    assert code_of(refused) == "REG-301"
    assert "24" in refused.value.message


def test_a_join_date_after_the_request_is_refused(read) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as refused:
        _registration(read, date(2026, 3, 16), date(2026, 3, 15))
    assert code_of(refused) == "REG-302"


@given(join=st.dates(date(2024, 7, 3), date(2027, 1, 1)), delay=st.integers(0, 800))
def test_late_exactly_after_the_month_end_and_refused_beyond_24_months(join, delay, read) -> None:  # type: ignore[no-untyped-def]
    requested = join + timedelta(days=delay)
    if join < add_months(requested, -24):
        with pytest.raises(SimisError):
            _registration(read, join, requested)
        return
    timing = _registration(read, join, requested)
    assert timing.late == (requested > month_end(join))
    if timing.late:
        assert timing.disputed_from is not None and timing.disputed_until is not None
        assert timing.disputed_from <= join <= requested
        assert timing.disputed_until <= requested


def test_termination_deadline_and_the_last_wage(read) -> None:  # type: ignore[no-untyped-def]
    on_time = rules.termination_timing(
        join_date=date(2020, 1, 1),
        leave_date=date(2026, 3, 10),
        requested_on=date(2026, 3, 31),
        last_wage_from=None,
    )
    assert not on_time.late
    late = rules.termination_timing(
        join_date=date(2020, 1, 1),
        leave_date=date(2026, 1, 10),
        requested_on=date(2026, 3, 15),
        last_wage_from=None,
    )
    assert late.late and (late.disputed_from, late.disputed_until) == (date(2026, 1, 1), date(2026, 3, 1))
    with pytest.raises(SimisError) as before_wage:
        rules.termination_timing(
            join_date=date(2020, 1, 1),
            leave_date=date(2026, 1, 31),
            requested_on=date(2026, 3, 15),
            last_wage_from=date(2026, 2, 1),
        )
    assert code_of(before_wage) == "REG-305"
    with pytest.raises(SimisError) as before_join:
        rules.termination_timing(
            join_date=date(2020, 1, 1),
            leave_date=date(2019, 1, 31),
            requested_on=date(2026, 3, 15),
            last_wage_from=None,
        )
    assert code_of(before_join) == "REG-304"


def test_transfer_date_must_follow_the_join_date(read) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as refused:
        rules.transfer_check(
            join_date=date(2026, 3, 1),
            transfer_date=date(2026, 3, 1),
            requested_on=date(2026, 3, 15),
            last_wage_from=date(2026, 3, 1),
            regime=Regime.OLD_LAW,
            read=read,
        )
    assert code_of(refused) == "REG-603"


def test_workers_must_be_of_working_age(read) -> None:  # type: ignore[no-untyped-def]
    rules.worker_age_check(
        birth_date=date(2010, 3, 1), join_date=date(2025, 3, 1), regime=Regime.NEW_LAW, read=read
    )
    with pytest.raises(SimisError) as young:
        rules.worker_age_check(
            birth_date=date(2010, 3, 2), join_date=date(2025, 3, 1), regime=Regime.NEW_LAW, read=read
        )
    assert code_of(young) == "REG-210"
    with pytest.raises(SimisError) as unborn:
        rules.worker_age_check(
            birth_date=date(2026, 1, 1), join_date=date(2025, 3, 1), regime=Regime.NEW_LAW, read=read
        )
    assert code_of(unborn) == "REG-209"


# --- Identity documents -----------------------------------------------------------------------------


def test_saudis_register_with_the_national_id() -> None:
    number = generate_national_id(42)
    [doc] = rules.identity_documents_check(
        nationality="SAU", documents=[Document(IdentityKind.NATIONAL_ID, number, "SAU")]
    )
    assert doc.number == number
    with pytest.raises(SimisError) as iqama:
        rules.identity_documents_check(
            nationality="SAU",
            documents=[
                Document(IdentityKind.NATIONAL_ID, number, "SAU"),
                Document(IdentityKind.IQAMA, generate_national_id(42, IdentityKind.IQAMA), "SAU"),
            ],
        )
    assert code_of(iqama) == "REG-204"
    with pytest.raises(SimisError) as passport_only:
        rules.identity_documents_check(
            nationality="SAU", documents=[Document(IdentityKind.PASSPORT, "A1234567", "SAU")]
        )
    assert code_of(passport_only) == "REG-203"


def test_others_never_hold_a_national_id() -> None:
    with pytest.raises(SimisError) as refused:
        rules.identity_documents_check(
            nationality="IND", documents=[Document(IdentityKind.NATIONAL_ID, generate_national_id(7), "SAU")]
        )
    assert code_of(refused) == "REG-202"


def test_numbers_are_normalised_and_checked_by_the_kernel() -> None:
    number = generate_national_id(9, IdentityKind.IQAMA)
    arabic = number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    [doc] = rules.identity_documents_check(
        nationality="IND", documents=[Document(IdentityKind.IQAMA, arabic, "SAU")]
    )
    assert doc.number == number
    with pytest.raises(SimisError) as bad:
        rules.identity_documents_check(
            nationality="IND",
            documents=[Document(IdentityKind.IQAMA, number[:-1] + str((int(number[-1]) + 1) % 10), "SAU")],
        )
    assert bad.value.code == "IDF-006"


def test_gcc_ids_belong_to_nationals_of_that_state() -> None:
    kuwaiti_id = "289010112345"
    assert validate_gcc_id(kuwaiti_id, GccCountry.KW) == kuwaiti_id
    ok = rules.identity_documents_check(
        nationality="KWT", documents=[Document(IdentityKind.GCC_NATIONAL_ID, kuwaiti_id, "KWT", "KW")]
    )
    assert ok[0].country == "KWT"
    with pytest.raises(SimisError) as refused:
        rules.identity_documents_check(
            nationality="OMN", documents=[Document(IdentityKind.GCC_NATIONAL_ID, kuwaiti_id, "KWT", "KW")]
        )
    assert code_of(refused) == "REG-205"


def test_a_number_given_twice_and_no_number_are_refused() -> None:
    number = generate_national_id(11)
    with pytest.raises(SimisError) as twice:
        rules.identity_documents_check(
            nationality="SAU",
            documents=[
                Document(IdentityKind.NATIONAL_ID, number, "SAU"),
                Document(IdentityKind.NATIONAL_ID, number, "SAU"),
            ],
        )
    assert code_of(twice) == "REG-211"
    with pytest.raises(SimisError) as none:
        rules.identity_documents_check(nationality="SAU", documents=[])
    assert code_of(none) == "REG-206"


# --- Establishments and batches ---------------------------------------------------------------------


def test_establishment_numbers_are_normalised_and_checked() -> None:
    assert rules.establishment_fields_check(
        unified_number="٧٠٠ ١٢٣ ٤٥٦٠",
        commercial_registration="1010-123456",
        name_ar="نور",
        name_en="Nour",
        city="الرياض",
    ) == ("7001234560", "1010123456")
    with pytest.raises(SimisError) as unified:
        rules.establishment_fields_check(
            unified_number="6001234560",
            commercial_registration="1010123456",
            name_ar="نور",
            name_en="Nour",
            city="x",
        )
    assert code_of(unified) == "REG-101"
    with pytest.raises(SimisError) as name:
        rules.establishment_fields_check(
            unified_number="7001234560",
            commercial_registration="1010123456",
            name_ar=" ",
            name_en="Nour",
            city="x",
        )
    assert code_of(name) == "REG-110"


def test_a_batch_summary_mismatch_shows_every_figure_and_difference() -> None:
    counted = BatchSummary(3, Money(15000), Money(3750), Money(18750))
    rules.batch_summary_check(declared=counted, counted=counted)
    declared = dataclasses.replace(counted, total_basic=Money(Decimal("15100.50")))
    with pytest.raises(SimisError) as refused:
        rules.batch_summary_check(declared=declared, counted=counted)
    assert code_of(refused) == "REG-501"
    assert refused.value.params["basic_difference"] == "100.50"
    message_en = refused.value.error.render_in("en", **refused.value.params)
    assert "15100.50" in message_en and "15000.00" in message_en and "100.50" in message_en


def test_wage_amounts_are_checked() -> None:
    with pytest.raises(SimisError) as negative:
        rules.wage_amounts_check(basic=Money(1000), housing=Money(-1), other=Money(0))
    assert code_of(negative) == "REG-404"
    with pytest.raises(SimisError) as zero:
        rules.wage_amounts_check(basic=Money(0), housing=Money(0), other=Money(0))
    assert code_of(zero) == "REG-405"


def test_the_rule_outputs_are_json_records(read) -> None:  # type: ignore[no-untyped-def]
    import json

    wage = _wage(read, "8000", "2000")
    coverage = _coverage(read, age_hijri=30)
    regime = rules.regime_derive(
        birth_date=date(1990, 1, 1), periods=[Span(date(2010, 1, 1))], external_old_law_months=0, read=read
    )
    for record in (wage.as_record(), coverage.as_record(), regime.as_record()):
        json.dumps(record)


def _record_before_2026_11_26(derivation, **fields):  # type: ignore[no-untyped-def]
    """A record as rows stored it before the compact form: every figure, a mapping per reading."""
    readings = [
        {
            "key": r.key,
            "regime": r.regime.value,
            "value": str(r.value) if isinstance(r.value, Decimal) else r.value,
            "version_id": r.version_id,
            "valid_from": r.valid_from.isoformat(),
            "unconfirmed": r.unconfirmed,
        }
        for r in derivation.readings
    ]
    return {**fields, "readings": readings}


def test_stored_records_give_the_derivations_back(read) -> None:  # type: ignore[no-untyped-def]
    """What a row stores (compact, or in the fuller form of older rows), with the row's own
    columns and the readings in full, gives back the very derivation, every figure of it."""
    import json

    prior = PriorWage(date(2019, 1, 1), Money(10000), Money(0), False, Money(10000))
    wage = _wage(read, "15000", birth_date=date(1969, 5, 1), effective_from=date(2021, 1, 1), prior=prior)
    assert wage.steps == ("age50_capped",)
    coverage = _coverage(read, age_hijri=30)
    regime = rules.regime_derive(
        birth_date=date(1985, 1, 1), periods=[Span(date(2010, 1, 1))], external_old_law_months=12, read=read
    )
    old_wage = _record_before_2026_11_26(
        wage,
        amount=str(wage.amount.amount),
        base=str(wage.base.amount),
        housing_counted=str(wage.housing_counted.amount),
        minimum=str(wage.minimum.amount),
        ceiling=str(wage.ceiling.amount),
        mechanism=wage.mechanism,
        steps=list(wage.steps),
    )
    for record in (json.loads(json.dumps(wage.as_record())), old_wage):
        again = rules.ContributoryWage.from_record(
            record, amount=wage.amount, basic=Money(15000), readings=wage.readings
        )
        assert again == wage
    old_coverage = _record_before_2026_11_26(
        coverage,
        nationality="saudi",
        regime="old_law",
        first_covered_on=coverage.first_covered_on.isoformat(),
        age_at_first_coverage=coverage.age_at_first_coverage,
        age_calendar=coverage.age_calendar,
        annuities=True,
        occupational_hazards=True,
        unemployment=True,
        gcc_extension=False,
        gcc_country="",
    )
    for record in (json.loads(json.dumps(coverage.as_record())), old_coverage):
        again_coverage = rules.Coverage.from_record(
            record,
            annuities=coverage.annuities,
            occupational_hazards=coverage.occupational_hazards,
            unemployment=coverage.unemployment,
            gcc_extension=coverage.gcc_extension,
            gcc_country=coverage.gcc_country,
            readings=coverage.readings,
        )
        assert again_coverage == coverage
    old_regime = _record_before_2026_11_26(
        regime,
        regime=regime.regime.value,
        first_covered_on="2010-01-01",
        new_law_start="2024-07-03",
        months_before_new_law=regime.months_before_new_law,
        external_old_law_months=12,
        months_limit=240,
        age_test=regime.age_test,
        below_age_threshold=regime.below_age_threshold,
    )
    for record in (json.loads(json.dumps(regime.as_record())), old_regime):
        again_regime = rules.RegimeDerivation.from_record(
            record, regime=regime.regime, external_old_law_months=12, readings=regime.readings
        )
        assert again_regime == regime
