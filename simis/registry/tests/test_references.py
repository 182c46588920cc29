"""The register's references are held by PostgreSQL, checked once per statement (migration 0009,
``simis.core.db_references``): these tests go around the services (raw SQL, ``COPY``, the ORM)
and watch the database refuse rows naming nothing, parents deleted or re-keyed while named, and
make concurrent writers wait as a foreign key would."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import psycopg
import psycopg.types.json
import pytest
from django.db import IntegrityError, connection, transaction

from simis.core.identifiers import IdentityKind
from simis.registry.models import Engagement, Occupation, Person, PersonIdentity
from simis.registry.tests.factories import (
    engagement_make,
    establishment_make,
    iqama,
    person_make,
    wage_make,
)

pytestmark = pytest.mark.django_db

MISSING = 2_000_000_000


def _refused(sql: str, params: list[Any], constraint: str) -> None:
    with (
        pytest.raises(IntegrityError, match=f'foreign key constraint "{constraint}"'),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_an_update_naming_no_parent_is_refused_by_each_reference() -> None:
    nour, badr = establishment_make(), establishment_make()
    person = person_make()
    first = engagement_make(person, nour, join_date=date(2020, 1, 1), leave_date=date(2020, 12, 31))
    engagement = engagement_make(person, nour, join_date=date(2021, 1, 1))
    wage = wage_make(engagement)
    visitor = person_make(nationality="IND", identity_kind=IdentityKind.PASSPORT, identity="P9999999")
    e, w = engagement.pk, wage.pk
    cases = [  # (constraint, table, assignment, row's key, parameters)
        ("registry_person_nationality_fk", "person", "nationality_id = 'XXX'", "id", [person.pk]),
        ("registry_person_user_fk", "person", "user_id = %s", "id", [MISSING, person.pk]),
        (
            "registry_identity_person_fk",
            "personidentity",
            "person_id = %s",
            "person_id",
            [MISSING, person.pk],
        ),
        ("registry_identity_country_fk", "personidentity", "country_id = 'XXX'", "person_id", [visitor.pk]),
        ("registry_eng_person_fk", "engagement", "person_id = %s", "id", [MISSING, e]),
        ("registry_eng_establishment_fk", "engagement", "establishment_id = %s", "id", [MISSING, first.pk]),
        ("registry_eng_occupation_fk", "engagement", "occupation_id = '99'", "id", [e]),
        ("registry_eng_transferred_from_fk", "engagement", "transferred_from_id = %s", "id", [MISSING, e]),
        # A wage's establishment must be its period's, not merely some establishment.
        ("registry_wage_engagement_establishment_fk", "wage", "establishment_id = %s", "id", [badr.pk, w]),
        ("registry_wage_occupation_fk", "wage", "occupation_id = '99'", "id", [w]),
        ("registry_wage_batch_fk", "wage", "batch_id = %s", "id", [MISSING, w]),
    ]
    for constraint, table, assignment, key, params in cases:
        _refused(f"UPDATE registry_{table} SET {assignment} WHERE {key} = %s", params, constraint)  # noqa: S608
    # Rows naming real parents are kept, NULLs name nothing and pass.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE registry_engagement SET occupation_id = '2' WHERE id = %s", [engagement.pk])
        cursor.execute(
            "UPDATE registry_engagement SET transferred_from_id = %s WHERE id = %s", [first.pk, engagement.pk]
        )
        cursor.execute(
            "UPDATE registry_wage SET occupation_id = '2', batch_id = NULL WHERE id = %s", [wage.pk]
        )
    assert Engagement.objects.get(pk=engagement.pk).transferred_from_id == first.pk


def test_an_insert_naming_no_parent_is_refused_for_the_whole_statement() -> None:
    nour = establishment_make()
    person = person_make()
    engagement = engagement_make(person, nour)
    with pytest.raises(IntegrityError, match="registry_identity_person_fk"), transaction.atomic():
        PersonIdentity.objects.bulk_create(
            [
                PersonIdentity(person=person, kind="passport", country_id="IND", number="P1234567"),
                PersonIdentity(person_id=MISSING, kind="passport", country_id="IND", number="P7654321"),
            ]
        )
    assert not PersonIdentity.objects.filter(kind="passport").exists()
    with pytest.raises(IntegrityError, match="registry_eng_occupation_fk"), transaction.atomic():
        engagement_make(person_make(), nour, occupation_id="99")
    with pytest.raises(IntegrityError, match="registry_wage_batch_fk"), transaction.atomic():
        wage_make(engagement, batch_id=MISSING)
    with pytest.raises(IntegrityError, match="registry_person_nationality_fk"), transaction.atomic():
        person_make(nationality="XXX", identity=iqama())


def test_a_wage_naming_its_period_with_another_establishment_is_refused_on_insert() -> None:
    """The composite reference: the period exists, but not in that establishment."""
    nour, badr = establishment_make(), establishment_make()
    engagement = engagement_make(person_make(), nour)
    with (
        pytest.raises(IntegrityError, match="registry_wage_engagement_establishment_fk"),
        transaction.atomic(),
    ):
        wage_make(engagement, establishment_id=badr.pk)
    with (
        pytest.raises(IntegrityError, match="registry_wage_engagement_establishment_fk"),
        transaction.atomic(),
    ):
        wage_make(engagement, engagement_id=MISSING)
    wage_make(engagement)


def test_a_copy_naming_no_parent_is_refused() -> None:
    """Bulk uploads write with ``COPY``: its rows are checked as one statement."""
    person = person_make()
    columns = "person_id, kind, country_id, number, created_at"
    with (
        pytest.raises(psycopg.errors.ForeignKeyViolation, match="registry_identity_person_fk"),
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.copy(f"COPY registry_personidentity ({columns}) FROM STDIN") as copy,
    ):
        copy.write_row([person.pk, "passport", "IND", "P1111111", "2026-11-26T00:00:00Z"])
        copy.write_row([MISSING, "passport", "IND", "P2222222", "2026-11-26T00:00:00Z"])
    assert not PersonIdentity.objects.filter(kind="passport").exists()


def test_a_parent_still_named_cannot_be_deleted_or_re_keyed() -> None:
    nour = establishment_make()
    person = person_make()
    engagement = engagement_make(person, nour)
    wage_make(engagement, occupation_id="2")
    Occupation.objects.create(
        code="0110", name_ar="ضباط القوات المسلحة", name_en="Commissioned armed forces officers"
    )
    _refused("DELETE FROM registry_person WHERE id = %s", [person.pk], "registry_identity_person_fk")
    _refused(
        "DELETE FROM registry_engagement WHERE id = %s",
        [engagement.pk],
        "registry_wage_engagement_establishment_fk",
    )
    _refused(
        "UPDATE registry_engagement SET id = %s WHERE id = %s",
        [MISSING, engagement.pk],
        "registry_wage_engagement_establishment_fk",
    )
    _refused("DELETE FROM registry_establishment WHERE id = %s", [nour.pk], "registry_eng_establishment_fk")
    _refused(
        "DELETE FROM registry_country WHERE code = 'SAU'",
        [],
        "registry_(person_nationality|identity_country)_fk",
    )
    _refused("UPDATE registry_occupation SET code = '55' WHERE code = '5'", [], "registry_eng_occupation_fk")
    _refused("DELETE FROM registry_occupation WHERE code = '2'", [], "registry_wage_occupation_fk")
    # A parent nobody names goes; other changes of a named parent are not key changes.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM registry_occupation WHERE code = '0110'")
        # A key set to itself is no change (as Django's save() of an engagement sets its
        # establishment): the guards' WHEN lets it through.
        cursor.execute("UPDATE registry_occupation SET code = code, name_en = name_en WHERE code = '5'")
        cursor.execute("UPDATE registry_person SET id = id, mobile = '' WHERE id = %s", [person.pk])
        cursor.execute(
            "UPDATE registry_engagement SET establishment_id = establishment_id WHERE id = %s",
            [engagement.pk],
        )
    assert Person.objects.filter(pk=person.pk).exists()


def test_one_statement_may_remove_a_parent_with_the_rows_that_name_it() -> None:
    """As a foreign key's NO ACTION, the guard looks after the whole statement."""
    nour = establishment_make()
    person = person_make()
    first = engagement_make(person, nour, join_date=date(2020, 1, 1), leave_date=date(2020, 12, 31))
    second = engagement_make(person, nour, join_date=date(2021, 1, 1), transferred_from=first)
    _refused("DELETE FROM registry_engagement WHERE id = %s", [first.pk], "registry_eng_transferred_from_fk")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM registry_engagement WHERE id IN (%s, %s)", [first.pk, second.pk])
    assert not Engagement.objects.filter(person=person).exists()


# --- Writers and deleters at once -----------------------------------------------------------------


def _two_connections() -> tuple[psycopg.Connection[Any], psycopg.Connection[Any]]:
    params = {**connection.get_connection_params(), "autocommit": False}
    params.pop("cursor_factory", None)
    return psycopg.connect(**params), psycopg.connect(**params)


def _row_copy(conn: psycopg.Connection[Any], table: str, row_id: int, **changes: Any) -> None:
    """Inserts a copy of ``table``'s row ``row_id`` with a new id and ``changes``, in raw SQL."""
    copied = (
        f"jsonb_populate_record(NULL::{table}, to_jsonb(t)"
        f" || jsonb_build_object('id', nextval('{table}_id_seq')) || %s::jsonb)"
    )
    conn.execute(
        f"INSERT INTO {table} SELECT ({copied}).* FROM {table} t WHERE id = %s",  # noqa: S608
        [psycopg.types.json.Jsonb(changes), row_id],
    )


def _waits_then_refused(
    write: Callable[[psycopg.Connection[Any]], None], change: str, params: list[Any], constraint: str
) -> None:
    """``change`` (another connection) waits for the transaction that ``write`` leaves open,
    then is refused naming ``constraint``, as with a foreign key."""
    writer, changer = _two_connections()
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            changer.execute(change, params)
            outcome.append(None)
        except psycopg.Error as error:
            outcome.append(error)
        changer.rollback()

    try:
        write(writer)
        waiting = threading.Thread(target=run)
        waiting.start()
        waiting.join(timeout=1.0)
        assert waiting.is_alive() and not outcome, f"the change waits for the writing transaction: {outcome}"
        writer.commit()
        waiting.join(timeout=10)
        assert outcome and outcome[0] is not None, "refused once the rows are committed"
        assert constraint in str(outcome[0])
    finally:
        writer.close()
        changer.close()


@pytest.mark.django_db(transaction=True)
def test_deleting_a_person_waits_for_a_document_being_written() -> None:
    """A reference to a large table locks no row: the delete takes SHARE on the documents."""
    person = Person.objects.get(pk=person_make(identity=iqama()).pk)
    PersonIdentity.objects.filter(person=person).delete()

    def write(writer: psycopg.Connection[Any]) -> None:
        writer.execute(
            "INSERT INTO registry_personidentity (person_id, kind, country_id, number, created_at)"
            " VALUES (%s, 'passport', 'IND', 'P3333333', now())",
            [person.pk],
        )

    _waits_then_refused(
        write, "DELETE FROM registry_person WHERE id = %s", [person.pk], "registry_identity_person_fk"
    )


@pytest.mark.django_db(transaction=True)
def test_deleting_an_occupation_waits_for_a_period_being_written() -> None:
    """A reference to a small table locks the rows named FOR KEY SHARE."""
    Occupation.objects.create(
        code="0110", name_ar="ضباط القوات المسلحة", name_en="Commissioned armed forces officers"
    )
    template = engagement_make(person_make(), establishment_make())
    person = person_make()

    def write(writer: psycopg.Connection[Any]) -> None:
        _row_copy(writer, "registry_engagement", template.pk, person_id=person.pk, occupation_id="0110")

    _waits_then_refused(
        write, "DELETE FROM registry_occupation WHERE code = '0110'", [], "registry_eng_occupation_fk"
    )


@pytest.mark.django_db(transaction=True)
def test_shortening_a_period_waits_for_a_wage_being_written_in_it() -> None:
    """The wage-inside-period check locks the periods its wages name (migration 0010)."""
    engagement = engagement_make(person_make(), establishment_make(), join_date=date(2020, 1, 1))
    wage = wage_make(engagement)
    later = date(2024, 1, 1)

    def write(writer: psycopg.Connection[Any]) -> None:
        _row_copy(writer, "registry_wage", wage.pk, effective_from=later.isoformat())

    _waits_then_refused(
        write,
        "UPDATE registry_engagement SET leave_date = %s, leave_reason = 'resignation', status = 'terminated'"
        " WHERE id = %s",
        [later - timedelta(days=1), engagement.pk],
        "registry_engagement_keeps_wages",
    )


@pytest.mark.django_db(transaction=True)
def test_deleting_a_period_waits_only_for_wages_naming_it() -> None:
    """A rejected late registration deletes its period: that waits for a transaction writing a
    wage of that period (the wage's check locks it), not for every transaction writing wages."""
    nour = establishment_make()
    named = engagement_make(person_make(), nour, join_date=date(2024, 1, 1))
    other = engagement_make(person_make(), nour, join_date=date(2024, 1, 1))
    template = wage_make(other)
    rejected = engagement_make(person_make(), nour, join_date=date(2024, 1, 1))
    wage_make(rejected)

    def write(writer: psycopg.Connection[Any]) -> None:
        _row_copy(writer, "registry_wage", template.pk, engagement_id=named.pk)

    writer, deleter = _two_connections()
    try:
        write(writer)
        deleter.execute("SET lock_timeout = '2s'")
        deleter.execute("DELETE FROM registry_wage WHERE engagement_id = %s", [rejected.pk])
        deleter.execute("DELETE FROM registry_engagement WHERE id = %s", [rejected.pk])  # no wait
        deleter.commit()
    finally:
        writer.rollback()
        writer.close()
        deleter.close()
    assert not Engagement.objects.filter(pk=rejected.pk).exists()
    _waits_then_refused(
        write,
        "DELETE FROM registry_engagement WHERE id = %s",
        [named.pk],
        "registry_wage_engagement_establishment_fk",
    )


@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_s_check_locks_the_parents_it_names_unless_it_holds_their_table() -> None:
    """``{table}_references_check()`` (a bulk load's check over the whole table) locks the
    countries, occupations… its rows name, as the statement checks do — except when this
    transaction already holds a lock on the parent table that keeps others from deleting."""
    wage_make(engagement_make(person_make(), establishment_make()), occupation_id="2")
    loader, other = _two_connections()
    grab = "SELECT 1 FROM registry_occupation WHERE code = '2' FOR UPDATE NOWAIT"
    try:
        loader.execute("SELECT registry_wage_references_check()")
        with pytest.raises(psycopg.errors.LockNotAvailable):
            other.execute(grab)
        other.rollback()
        loader.rollback()
        loader.execute("LOCK TABLE registry_occupation IN SHARE MODE")
        loader.execute("SELECT registry_wage_references_check()")
        other.execute(grab)  # the row is not locked: nobody could delete it anyway
        other.rollback()
    finally:
        loader.close()
        other.close()


@pytest.mark.django_db(transaction=True)
def test_outside_read_committed_parents_are_not_deleted_nor_children_of_unlocked_ones_written() -> None:
    """A foreign key looks past its snapshot; these checks cannot, so they refuse to run where
    a snapshot older than the statement could hide a row (REPEATABLE READ, SERIALIZABLE)."""
    Occupation.objects.create(
        code="0110", name_ar="ضباط القوات المسلحة", name_en="Commissioned armed forces officers"
    )
    person = person_make()
    session, _other = _two_connections()
    _other.close()
    try:
        for sql, params in (
            ("DELETE FROM registry_occupation WHERE code = '0110'", []),
            ("UPDATE registry_person SET id = id + 1000000 WHERE id = %s", [person.pk]),
        ):
            session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="READ COMMITTED"):
                session.execute(sql, params)
            session.rollback()
        session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="READ COMMITTED"):
            _row_copy(
                session,
                "registry_personidentity",
                PersonIdentity.objects.get(person=person).pk,
                kind="passport",
                country_id="IND",
                number="X1",
            )
        session.rollback()
        # Children of locked parents may be written under REPEATABLE READ: the lock sees a delete.
        session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        session.execute("UPDATE registry_person SET nationality_id = 'IND' WHERE id = %s", [person.pk])
        session.rollback()
    finally:
        session.close()
