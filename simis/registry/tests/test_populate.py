"""The ``populate`` generator and the demonstration register (issue 3).

What these tests protect: generated people cannot be told from registered ones (every derived
field equals what the rules give), every identity number is valid, the database's invariants
hold, later registrations never collide with generated numbers, the same seed gives the same
register, and ``--largest`` gives exactly that many active workers."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from simis.core.errors import SimisError
from simis.core.identifiers import IdentityKind, generate_national_id, validate_identifier
from simis.core.parameter_table import Regime
from simis.core.selectors import parameter_reader
from simis.registry import rules
from simis.registry.choices import EngagementStatus
from simis.registry.demo import NOUR_NUMBER, demo_registry_load
from simis.registry.models import (
    CONTRIBUTOR_NUMBER_SEQUENCE,
    ESTABLISHMENT_NUMBER_SEQUENCE,
    SAUDI,
    Country,
    Engagement,
    Establishment,
    Person,
    PersonIdentity,
    Wage,
)
from simis.registry.populate import PopulationResult, PopulationSpec, identity_sequence, populate
from simis.registry.selectors import engagement_coverage_derivation, person_regime_derivation, wage_derivation

AS_OF = date(2026, 3, 15)
# Small, but with several batches, so the forked generator is exercised too. Seed 9 gives, in
# 300 people, periods before 1/1/1422H, transfers, late registrations under review, GCC national
# IDs, passports and wages held by the age-50 cap; a change to the generator that moves them
# needs another seed (the assertions below name the feature that went missing).
SMALL = PopulationSpec(seed=9, establishments=40, contributors=300, batch_size=120, as_of=AS_OF)

pytestmark = pytest.mark.django_db


def _load(spec: PopulationSpec = SMALL) -> PopulationResult:
    return populate(spec)


# --- Identity numbers and invariants ----------------------------------------------------------------


def test_every_generated_identity_number_is_valid_and_of_the_right_kind(parameters) -> None:
    result = _load()
    countries = dict(Country.objects.values_list("code", "alpha2"))
    identities = PersonIdentity.objects.select_related("person")
    assert identities.count() == result.tables["identity"].rows
    kinds = Counter()
    for identity in identities:
        kinds[identity.kind] += 1
        alpha2 = countries[identity.country_id] if identity.kind == IdentityKind.GCC_NATIONAL_ID else None
        assert validate_identifier(identity.number, identity.kind, alpha2) == identity.number
        saudi = identity.person.nationality_id == SAUDI
        if identity.kind == IdentityKind.NATIONAL_ID:
            assert saudi and identity.number.startswith("1")
        if identity.kind == IdentityKind.IQAMA:
            assert not saudi and identity.number.startswith("2")
    assert all(kinds[kind] for kind in IdentityKind)  # national IDs, iqamas, GCC IDs, passports
    # One national ID or iqama (or GCC ID) per person, derived from the contributor number.
    for person in Person.objects.all():
        main_ids = [i for i in person.identities.all() if i.kind != IdentityKind.PASSPORT]
        assert len(main_ids) == 1
        if main_ids[0].kind != IdentityKind.GCC_NATIONAL_ID:
            assert main_ids[0].number[1:9] == f"{identity_sequence(person.contributor_number):08d}"


def _broken_invariants() -> tuple[int, ...]:
    """Rows breaking what the register promises (branches of mains only, periods that end after
    they start, no overlap, wages inside their periods and at their establishment, no period
    before its establishment was registered, a first wage on every join date, no open period
    at a closed establishment, every period's coverage under its person's regime): all zero."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT
              (SELECT count(*) FROM registry_establishment b JOIN registry_establishment m
                  ON m.id = b.parent_id WHERE NOT m.is_main),
              (SELECT count(*) FROM registry_engagement WHERE leave_date < join_date),
              (SELECT count(*) FROM registry_engagement a JOIN registry_engagement b
                  ON a.person_id = b.person_id AND a.establishment_id = b.establishment_id AND a.id < b.id
                 WHERE daterange(a.join_date, a.leave_date, '[]')
                    && daterange(b.join_date, b.leave_date, '[]')),
              (SELECT count(*) FROM registry_wage w JOIN registry_engagement e ON e.id = w.engagement_id
                 WHERE w.effective_from < e.join_date OR w.effective_from > coalesce(e.leave_date, 'infinity')
                    OR w.establishment_id <> e.establishment_id),
              (SELECT count(*) FROM registry_engagement e JOIN registry_establishment s
                  ON s.id = e.establishment_id WHERE e.join_date < s.registered_on),
              (SELECT count(*) FROM registry_engagement e WHERE NOT EXISTS (
                  SELECT 1 FROM registry_wage w
                   WHERE w.engagement_id = e.id AND w.effective_from = e.join_date)),
              (SELECT count(*) FROM registry_engagement e JOIN registry_establishment s
                  ON s.id = e.establishment_id WHERE s.status = 'closed' AND e.status <> 'terminated'),
              (SELECT count(*) FROM registry_engagement e JOIN registry_person p ON p.id = e.person_id
                 WHERE e.coverage_regime <> p.regime)
            """
        )
        return tuple(cursor.fetchone())


def test_gcc_national_ids_that_coincide_across_batches_become_passports(parameters, monkeypatch) -> None:
    """A GCC national ID keeps few digits of the contributor number, so two can coincide, in
    different batches made by different processes too: the later one becomes a passport, in
    batch order, so the load succeeds and is the same however many processes make it."""
    from simis.registry import populate as module

    # Every non-Saudi a GCC national, and one number per country for all of them.
    gcc_only = tuple(n for n in module.data.NATIONALITIES if n.group == "gcc")
    monkeypatch.setattr(module.data, "NATIONALITIES", gcc_only)
    monkeypatch.setattr(module._Generator, "_gcc_number", lambda self, alpha2, birth, seq: "12345678")
    saved = _sequences_save()
    monkeypatch.setattr(module, "_GENERATORS", 3)
    _load()
    gcc = PersonIdentity.objects.filter(kind=IdentityKind.GCC_NATIONAL_ID)
    countries = list(gcc.values_list("country_id", flat=True))
    assert len(countries) == len(gcc_only) == len(set(countries))  # one holder per country
    gcc_people = Person.objects.filter(nationality__is_gcc=True).exclude(nationality_id=SAUDI)
    assert gcc_people.count() > 10 * len(countries)  # the others got passports
    assert all(p.identities.count() == 1 for p in gcc_people)
    first = _register_dump()
    _register_clear()
    _sequences_restore(saved)
    monkeypatch.setattr(module, "_GENERATORS", 1)
    _load()
    assert _register_dump() == first


def test_invariants_hold_and_every_period_has_its_first_wage_on_its_join_date(parameters) -> None:
    _load()
    assert _broken_invariants() == (0, 0, 0, 0, 0, 0, 0, 0)
    assert Establishment.objects.filter(is_main=False).exists()
    assert Engagement.objects.filter(status=EngagementStatus.TERMINATED).exists()
    assert Engagement.objects.filter(transferred_from__isnull=False).exists()
    assert Engagement.objects.filter(status=EngagementStatus.PENDING_REVIEW).exists()


OLD_LAW_START = date(2001, 3, 26)  # 1/1/1422H, when M/33 took effect


def test_all_three_regimes_occur_and_histories_reach_before_1422h(parameters) -> None:
    """The shipped wage parameters start at 1/1/1393H (M/22; the values are marked
    unconfirmed), so histories start at the generator's floor, 1 January 1975: some people
    worked before 1/1/1422H, and their early wages read those early values."""
    result = _load()
    assert set(result.regimes) == {Regime.OLD_LAW.value, Regime.TRANSITIONAL.value, Regime.NEW_LAW.value}
    assert Counter(Person.objects.values_list("regime", flat=True)) == result.regimes
    assert result.histories_from == date(1975, 1, 1)
    assert result.earliest_join is not None and result.earliest_join < OLD_LAW_START
    early = Engagement.objects.filter(join_date__lt=OLD_LAW_START)
    assert early.exists()
    assert set(Person.objects.filter(engagements__in=early).values_list("regime", flat=True)) <= {
        Regime.OLD_LAW.value,
        Regime.TRANSITIONAL.value,
    }
    early_wage = Wage.objects.filter(effective_from__lt=OLD_LAW_START).order_by("pk").first()
    assert early_wage is not None
    readings = {r.key: r for r in wage_derivation(early_wage).readings}
    assert readings["wage.ceiling"].valid_from == date(1973, 2, 5) and readings["wage.ceiling"].unconfirmed
    saudis = Person.objects.filter(nationality_id=SAUDI).count()
    assert 0.1 < saudis / result.tables["person"].rows < 0.4


def test_histories_start_where_the_wage_parameters_start(reference_rows) -> None:
    """``_histories_from`` follows the loaded parameters: without the values declared before
    1/1/1422H, histories would start on 1/1/1422H; with them, at the generator's floor."""
    import re

    from simis.core.parameter_table import PARAMETERS_DIR, ParameterTable, parse_parameter_text
    from simis.registry.parameter_files import registry_parameter_table
    from simis.registry.populate import _Generator, _Reference

    spec = PopulationSpec(seed=2, establishments=10, contributors=10, as_of=AS_OF)
    shipped = _Generator(spec, _Reference.load(), registry_parameter_table().reader(), AS_OF)
    assert shipped.histories_from == date(1975, 1, 1)
    text = (PARAMETERS_DIR / "contributions.yaml").read_text(encoding="utf-8")
    early_entry = (
        r"      - regimes: \[old_law, transitional\]\n        valid_from: 1973-02-05.*?\n(?=      - |  \S)"
    )
    without_early = re.sub(early_entry, "", text, flags=re.S)
    assert "valid_from: 1973-02-05" not in without_early
    registration = (PARAMETERS_DIR / "registration.yaml").read_text(encoding="utf-8")
    table = ParameterTable.from_documents(
        [parse_parameter_text(without_early), parse_parameter_text(registration)]
    )
    later = _Generator(spec, _Reference.load(), table.reader(), AS_OF)
    assert later.histories_from == OLD_LAW_START


# --- Derived fields equal the rules ------------------------------------------------------------


def _recompute_person(person: Person, read: Any) -> None:
    """Everything derived for ``person``, recomputed through the rules and compared."""
    engagements = list(Engagement.objects.filter(person=person).order_by("join_date", "id"))
    spans = [rules.Span(e.join_date, e.leave_date) for e in engagements]
    derivation = rules.regime_derive(
        birth_date=person.birth_date,
        periods=spans,
        external_old_law_months=person.external_old_law_months,
        read=read,
    )
    assert person.regime == derivation.regime.value
    assert person.regime_inputs == derivation.as_record()
    assert person_regime_derivation(person) == derivation  # explained from what was stored
    assert person.registered_on == engagements[0].requested_on
    nationality = person.nationality
    gcc = nationality.is_gcc and nationality.code != SAUDI
    assert derivation.first_covered_on is not None
    coverage = rules.coverage_derive(
        nationality=rules.nationality_class(nationality.code, is_gcc=nationality.is_gcc),
        gcc_country=nationality.alpha2 if gcc else None,
        birth_date=person.birth_date,
        first_covered_on=derivation.first_covered_on,
        regime=derivation.regime,
        read=read,
    )
    last_wage: dict[int, Wage] = {}
    for engagement in engagements:
        assert engagement.coverage_inputs == coverage.as_record()
        assert engagement_coverage_derivation(engagement) == coverage
        assert (
            engagement.covers_annuities,
            engagement.covers_occupational_hazards,
            engagement.covers_unemployment,
            engagement.gcc_extension,
            engagement.gcc_country,
        ) == (
            coverage.annuities,
            coverage.occupational_hazards,
            coverage.unemployment,
            coverage.gcc_extension,
            coverage.gcc_country,
        )
        if engagement.status == EngagementStatus.PENDING_REVIEW:
            timing = rules.registration_timing(
                join_date=engagement.join_date,
                leave_date=None,
                requested_on=engagement.requested_on,
                regime=derivation.regime,
                read=read,
            )
            assert timing.late
            assert (engagement.disputed_from, engagement.disputed_until) == (
                timing.disputed_from,
                timing.disputed_until,
            )
        prior: Wage | None = None
        for wage in Wage.objects.filter(engagement=engagement).order_by("effective_from"):
            if prior is None:
                assert wage.effective_from == engagement.join_date
            else:
                rules.wage_change_date_check(
                    effective_from=wage.effective_from,
                    join_date=engagement.join_date,
                    leave_date=engagement.leave_date,
                    last_wage_from=prior.effective_from,
                    regime=derivation.regime,
                    read=read,
                )
            carried = wage.contributory_inputs.get("carried_over_from_wage")
            if carried is not None:
                # contributor_transfer: the old period's last wage, carried over unchanged.
                source = last_wage[engagement.transferred_from_id or 0]
                assert carried == source.pk and prior is None
                assert (wage.basic, wage.housing, wage.other, wage.contributory_wage) == (
                    source.basic,
                    source.housing,
                    source.other,
                    source.contributory_wage,
                )
                assert wage.contributory_inputs == {
                    **source.contributory_inputs,
                    "carried_over_from_wage": source.pk,
                }
                assert wage.parameter_version_ids == source.parameter_version_ids
                assert wage_derivation(wage) == wage_derivation(source)
            else:
                derived = rules.contributory_wage(
                    basic=wage.basic,
                    housing=wage.housing,
                    housing_in_kind=wage.housing_in_kind,
                    regime=derivation.regime,
                    covers_annuities=engagement.covers_annuities,
                    effective_from=wage.effective_from,
                    birth_date=person.birth_date,
                    prior=None
                    if prior is None
                    else rules.PriorWage(
                        effective_from=prior.effective_from,
                        basic=prior.basic,
                        housing=prior.housing,
                        housing_in_kind=prior.housing_in_kind,
                        contributory_wage=prior.contributory_wage,
                    ),
                    read=read,
                )
                assert wage.contributory_wage == derived.amount
                assert wage.contributory_inputs == derived.as_record()
                assert wage_derivation(wage) == derived
                assert wage.parameter_version_ids == derived.version_ids
            prior = wage
        assert prior is not None
        last_wage[engagement.pk] = prior


def test_every_derived_field_equals_what_the_rules_give(parameters) -> None:
    """Regime, regime inputs, covered branches, late-registration review months, contributory
    wages with their inputs and parameter versions: recomputed through the rules for every
    generated person, they match (the sample is the whole small population)."""
    _load()
    read = parameter_reader()
    persons = list(Person.objects.select_related("nationality").order_by("contributor_number"))
    assert len(persons) == SMALL.contributors
    for person in persons:
        _recompute_person(person, read)
    # A transfer's carried wage and the age-50 cap were among what was checked.
    assert Wage.objects.filter(contributory_inputs__has_key="carried_over_from_wage").exists()
    assert Wage.objects.filter(contributory_inputs__steps__contains=["age50_capped"]).exists()


# --- Keys, determinism, sizes ------------------------------------------------------------------


def test_sequences_are_advanced_so_later_registrations_get_fresh_numbers(parameters) -> None:
    result = _load()
    newest = Person.objects.order_by("-contributor_number").first()
    assert newest is not None and newest.contributor_number == result.contributor_numbers[1]
    person = Person.objects.create(
        first_name_ar="خالد",
        family_name_ar="الحربي",
        first_name_en="Khalid",
        family_name_en="Alharbi",
        birth_date=date(1990, 1, 1),
        gender="male",
        nationality_id=SAUDI,
        regime=Regime.NEW_LAW,
        regime_derived_on=AS_OF,
        registered_on=AS_OF,
    )
    person.refresh_from_db()
    assert person.contributor_number > result.contributor_numbers[1]
    assert person.pk > Person.objects.exclude(pk=person.pk).order_by("-pk").values_list("pk", flat=True)[0]
    numbers = {int(n) for n in Establishment.objects.values_list("number", flat=True)}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval('{ESTABLISHMENT_NUMBER_SEQUENCE}')")
        assert cursor.fetchone()[0] > max(numbers)


def _sequence_names() -> list[str]:
    names = [CONTRIBUTOR_NUMBER_SEQUENCE, ESTABLISHMENT_NUMBER_SEQUENCE]
    with connection.cursor() as cursor:
        for table in (
            "registry_establishment",
            "registry_person",
            "registry_personidentity",
            "registry_engagement",
            "registry_wage",
        ):
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            names.append(cursor.fetchone()[0])
    return names


def _sequences_save() -> list[tuple[str, int, bool]]:
    saved = []
    with connection.cursor() as cursor:
        for name in _sequence_names():
            cursor.execute(f"SELECT last_value, is_called FROM {name}")  # noqa: S608 (a sequence of ours)
            saved.append((name, *cursor.fetchone()))
    return saved


def _sequences_restore(saved: list[tuple[str, int, bool]]) -> None:
    with connection.cursor() as cursor:
        for name, last_value, is_called in saved:
            cursor.execute("SELECT setval(%s, %s, %s)", [name, last_value, is_called])


def _register_dump() -> dict[str, list[tuple[Any, ...]]]:
    dump: dict[str, list[tuple[Any, ...]]] = {}
    for model in (Establishment, Person, PersonIdentity, Engagement, Wage):
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "created_at"]
        dump[model.__name__] = list(model.objects.order_by("pk").values_list(*fields))
    return dump


def _register_clear() -> None:
    Wage.objects.all().delete()
    Engagement.objects.filter(transferred_from__isnull=False).delete()
    Engagement.objects.all().delete()
    PersonIdentity.objects.all().delete()
    Person.objects.all().delete()
    Establishment.objects.filter(is_main=False).delete()
    Establishment.objects.all().delete()


def test_the_same_seed_gives_the_same_register_and_another_seed_another(parameters, monkeypatch) -> None:
    """Ids included, whether one process generates the batches or several do."""
    from simis.registry import populate as module

    saved = _sequences_save()
    monkeypatch.setattr(module, "_GENERATORS", 1)
    _load()
    first = _register_dump()
    _register_clear()
    _sequences_restore(saved)
    monkeypatch.setattr(module, "_GENERATORS", 3)
    _load()
    assert _register_dump() == first
    _register_clear()
    _sequences_restore(saved)
    populate(PopulationSpec(**{**SMALL.__dict__, "seed": 5}))
    other = _register_dump()
    assert other["Person"] != first["Person"]
    assert len(other["Person"]) == len(first["Person"])


def test_largest_gives_exactly_that_many_active_workers(parameters) -> None:
    result = populate(PopulationSpec(seed=3, establishments=20, contributors=400, largest=250, as_of=AS_OF))
    largest = Establishment.objects.get(number=result.largest_number)
    assert largest.is_main
    assert Engagement.objects.filter(establishment=largest, status=EngagementStatus.ACTIVE).count() == 250
    sizes = Counter(
        Engagement.objects.filter(status=EngagementStatus.ACTIVE).values_list("establishment_id", flat=True)
    )
    assert max(sizes.values()) == 250


def test_establishment_sizes_are_heavy_tailed(parameters) -> None:
    populate(PopulationSpec(seed=5, establishments=300, contributors=3_000, batch_size=3_000, as_of=AS_OF))
    sizes = Counter(
        Engagement.objects.filter(status=EngagementStatus.ACTIVE).values_list("establishment_id", flat=True)
    )
    counts = sorted(sizes.values())
    assert sum(1 for c in counts if c < 10) / len(counts) > 0.6  # most have a handful of workers
    assert counts[-1] > 20 * counts[len(counts) // 2]  # a few have many times the median
    branches = Establishment.objects.filter(is_main=False)
    assert branches.exists() and all(b.parent.is_main for b in branches.select_related("parent"))
    regions = Counter(Establishment.objects.values_list("region_id", flat=True))
    assert regions.most_common(1)[0][0] == "01"  # Riyadh first


# --- Refusals ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"contributors": 0}, "POP-002"),
        ({"establishments": 0}, "POP-002"),
        ({"largest": 10_000}, "POP-003"),
        ({"batch_size": 5}, "POP-008"),
    ],
)
def test_impossible_sizes_are_refused_with_a_code(parameters, changes: dict[str, int], code: str) -> None:
    with pytest.raises(SimisError) as refused:
        populate(PopulationSpec(**{**SMALL.__dict__, **changes}))
    assert refused.value.code == code
    assert refused.value.as_dict()["message_ar"] != refused.value.as_dict()["message_en"]
    assert not Person.objects.exists()


def test_a_clash_with_a_registered_number_loads_nothing_and_says_so(parameters) -> None:
    """The first generated contributor's identity numbers already belong to someone: the whole
    load is refused with POP-006 and nothing of it stays."""
    from simis.registry.tests.factories import person_make

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_value, is_called FROM {CONTRIBUTOR_NUMBER_SEQUENCE}")  # noqa: S608
        last, called = cursor.fetchone()
    first_generated = (last + 1 if called else last) + 1  # after the one person made here
    seq = identity_sequence(first_generated)
    holder = person_make(identity=generate_national_id(seq))
    PersonIdentity.objects.create(
        person=holder,
        kind=IdentityKind.IQAMA,
        country_id=SAUDI,
        number=generate_national_id(seq, IdentityKind.IQAMA),
    )
    with pytest.raises(SimisError) as refused:
        _load()
    assert refused.value.code == "POP-006"
    assert "registry_identity_unique" in refused.value.params["detail"]
    assert list(Person.objects.all()) == [holder]
    assert not Establishment.objects.exists()


REGISTER_TABLES = [
    "registry_establishment",
    "registry_person",
    "registry_personidentity",
    "registry_engagement",
    "registry_wage",
]


def _schema() -> set[tuple[str, ...]]:
    """Every constraint, index and (non-internal) trigger of the register's tables as PostgreSQL
    states them, with whether it is validated, valid or enabled."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT 'constraint', conrelid::regclass::text, conname, pg_get_constraintdef(oid),
                   convalidated::text
              FROM pg_constraint WHERE conrelid::regclass::text = ANY(%(tables)s)
            UNION ALL
            SELECT 'index', indrelid::regclass::text, indexrelid::regclass::text,
                   pg_get_indexdef(indexrelid), indisvalid::text
              FROM pg_index WHERE indrelid::regclass::text = ANY(%(tables)s)
            UNION ALL
            SELECT 'trigger', tgrelid::regclass::text, tgname, pg_get_triggerdef(oid), tgenabled::text
              FROM pg_trigger WHERE tgrelid::regclass::text = ANY(%(tables)s) AND NOT tgisinternal
            UNION ALL
            SELECT 'internal triggers', tgrelid::regclass::text, count(*)::text, '', ''
              FROM pg_trigger WHERE tgrelid::regclass::text = ANY(%(tables)s) AND tgisinternal
             GROUP BY tgrelid
            """,
            {"tables": REGISTER_TABLES},
        )
        return set(cursor.fetchall())


@pytest.fixture
def bulk_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loads of any size take the bulk path (constraints set aside and put back), as a load
    outweighing the register's tables does."""
    from simis.registry import populate as module

    monkeypatch.setattr(module, "_bulk_wanted", lambda _count, _tables: True)


def test_a_bulk_load_puts_back_every_constraint_as_it_was_and_every_row_keeps_them(
    parameters, bulk_path
) -> None:
    before = _schema()
    foreign_keys = {
        name
        for kind, _table, name, definition, _state in before
        if kind == "constraint" and definition.startswith("FOREIGN KEY")
    }
    result = _load()
    deferred = set(result.constraints_deferred)
    assert {"registry_eng_no_overlap", "registry_wage_inside_period"} <= deferred
    # Every foreign key (the establishments'), and the references checked per statement.
    assert foreign_keys and foreign_keys <= deferred
    assert {
        "registry_person_references",
        "registry_personidentity_references",
        "registry_engagement_references",
        "registry_wage_references",
    } <= deferred
    # Keys too, except one a foreign key of another table relies on (an upload's establishment).
    assert {"registry_person_pkey", "registry_identity_unique", "registry_wage_one_per_day"} <= deferred
    assert "registry_establishment_pkey" not in deferred
    assert "registry_eng_person_idx" in result.indexes_rebuilt
    assert result.constraint_seconds > 0
    assert _schema() == before
    assert _broken_invariants() == (0, 0, 0, 0, 0, 0, 0, 0)
    assert Person.objects.count() == SMALL.contributors


def _plant(kind: str) -> Callable[[int, dict[str, list[str]]], None]:
    """A change to the first batch's rows that breaks one constraint the bulk path sets aside."""

    def plant(index: int, lines: dict[str, list[str]]) -> None:
        if index != 0:
            return
        engagements, wages, identities = lines["engagement"], lines["wage"], lines["identity"]
        if kind == "duplicate identity number":  # a passport number held by a second row
            line = next(line for line in identities if line.split("\t")[2] == IdentityKind.PASSPORT)
            identities.append("\t".join(["1999999999", *line.split("\t")[1:]]))
        elif kind == "overlap":  # a second, identical period of one person at one establishment
            line = next(line for line in engagements if line.split("\t")[19] == "\\N")
            engagements.append("\t".join(["1999999999", *line.split("\t")[1:]]))
        elif kind == "foreign key":  # a period of a person who does not exist
            fields = engagements[0].split("\t")
            engagements[0] = "\t".join([fields[0], "1999999999", *fields[2:]])
        else:  # a wage that starts before its period
            fields = wages[0].split("\t")
            wages[0] = "\t".join([*fields[:3], "1970-01-01", *fields[4:]])

    return plant


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "row by row"])
@pytest.mark.parametrize(
    ("kind", "constraints"),
    [
        ("duplicate identity number", ("registry_identity_unique",)),
        ("overlap", ("registry_eng_no_overlap",)),
        ("foreign key", ("registry_eng_person_fk",)),
        ("wage outside its period", ("registry_wage_inside_period",)),
    ],
)
def test_a_planted_row_breaking_a_constraint_fails_the_whole_load_with_pop_006(
    parameters, monkeypatch, bulk: bool, kind: str, constraints: tuple[str, ...]
) -> None:
    """Whether constraints are checked row by row or set aside and checked over every row when
    they are put back, a row that breaks one refuses the whole load, coded, and leaves the
    tables and their constraints as they were."""
    from simis.registry import populate as module

    monkeypatch.setattr(module, "_bulk_wanted", lambda _count, _tables: bulk)
    plant = _plant(kind)
    pack = module._Batch.of.__func__  # type: ignore[attr-defined]

    def planted(cls: Any, chunk: Any, lines: dict[str, list[str]]) -> Any:
        plant(chunk.index, lines)
        return pack(cls, chunk, lines)

    monkeypatch.setattr(module._Batch, "of", classmethod(planted))
    before = _schema()
    said: list[str] = []
    with pytest.raises(SimisError) as refused:
        populate(SMALL, progress=said.append)
    assert refused.value.code == "POP-006"
    assert any(name in refused.value.params["detail"] for name in constraints)
    # On the bulk path the row got in and was refused when its constraint was put back.
    assert any(text.startswith(("constraint ", "check ")) for text in said) is bulk
    assert not Person.objects.exists() and not Establishment.objects.exists()
    assert _schema() == before


def test_a_generator_process_that_dies_fails_the_load_and_loads_nothing(parameters, monkeypatch) -> None:
    import os

    from simis.registry import populate as module

    monkeypatch.setattr(module, "_produce", lambda *args: os._exit(3))
    with pytest.raises(RuntimeError, match="exit code 3"):
        _load()
    assert not Person.objects.exists() and not Establishment.objects.exists()


@override_settings(DEBUG=False, TESTING=False, DEMO=False)
def test_generated_data_is_refused_outside_development_demonstration_and_tests(parameters) -> None:
    with pytest.raises(SimisError) as refused:
        populate(SMALL)
    assert refused.value.code == "POP-001"
    with pytest.raises(SimisError) as refused_demo:
        demo_registry_load(as_of=AS_OF)
    assert refused_demo.value.code == "POP-001"


def test_populate_command_prints_the_summary_and_refuses_with_the_code(parameters) -> None:
    out = StringIO()
    call_command(
        "populate", "--establishments", "10", "--contributors", "60", "--seed", "4", "--as-of", "2026-03-15",
        stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "wage" in text and "rows/s" in text and "regimes:" in text
    assert Person.objects.count() == 60
    with pytest.raises(CommandError, match="POP-002"):
        call_command("populate", "--contributors", "0", stdout=StringIO())


# --- The demonstration register ------------------------------------------------------------------


def test_demo_register_has_the_personas_and_loads_once(parameters) -> None:
    from simis.identity.demo import demo_accounts_load

    demo_accounts_load()
    begun = time.perf_counter()
    loaded = demo_registry_load(as_of=AS_OF)
    assert loaded.created and time.perf_counter() - begun < 5
    nour = Establishment.objects.get(number=NOUR_NUMBER)
    assert (nour.name_en, nour.name_ar, nour.is_main) == ("Nour Trading", "نور للتجارة", True)
    branches = sorted(nour.branches.values_list("number", flat=True))
    assert branches == ["7000000002", "7000000003"]
    assert Establishment.objects.filter(name_en="Badr Builders").exists()
    sara = Person.objects.get(contributor_number=loaded.sara_contributor_number)
    assert (sara.first_name_en, sara.regime, sara.user.username) == ("Sara", Regime.OLD_LAW, "contributor")  # type: ignore[union-attr]
    assert sara.regime_inputs["months_before_new_law"] >= 240
    active = Counter(
        Engagement.objects.filter(status=EngagementStatus.ACTIVE).values_list(
            "establishment__number", flat=True
        )
    )
    assert active[NOUR_NUMBER] == 26  # Sara and 25 generated workers
    assert active["7000000002"] == 12 and active["7000000003"] == 8
    assert Person.objects.count() == 2 + 2_000
    # The services' own numbering carries on from the sequence, not from 7000000004.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval('{ESTABLISHMENT_NUMBER_SEQUENCE}')")
        assert cursor.fetchone()[0] < int(NOUR_NUMBER)
    again = demo_registry_load(as_of=AS_OF)
    assert not again.created
    assert Person.objects.count() == 2 + 2_000
    by_kind: dict[str, int] = defaultdict(int)
    for kind in PersonIdentity.objects.values_list("kind", flat=True):
        by_kind[kind] += 1
    assert by_kind[IdentityKind.PASSPORT] >= 1
