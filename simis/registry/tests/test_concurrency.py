"""Two requests at once cannot break the register's invariants: the second one is refused with
its code, never half-written and never a raw database error."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.db import connection, connections, transaction

from simis.core.errors import SimisError
from simis.registry.choices import EngagementStatus, LeaveReason
from simis.registry.models import Engagement, Wage
from simis.registry.services import WageInput, engagement_add
from simis.registry.tests.conftest import TODAY
from simis.registry.tests.factories import wage_make

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_overlapping_registrations_at_once_give_one_period(sara, badr, khalid) -> None:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def register(join: date) -> None:
        try:
            barrier.wait()
            engagement_add(
                actor=khalid,
                person=sara.person,
                establishment=badr,
                join_date=join,
                occupation="4",
                wage=WageInput(basic=sara.wage.basic),
                requested_on=TODAY,
            )
            outcomes.append("added")
        except SimisError as error:
            outcomes.append(error.code)
        except BaseException as error:  # reported to the test thread
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(day,)) for day in (date(2026, 3, 1), date(2026, 3, 2))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["REG-303", "added"]
    assert Engagement.objects.filter(person=sara.person, establishment=badr).count() == 1


def test_a_wage_written_while_the_period_is_being_shortened_is_refused(sara) -> None:  # type: ignore[no-untyped-def]
    """The wage trigger locks the period row: a wage inserted while another transaction shortens
    the period waits for it, then sees the new leave date and is refused by the database."""
    shortened = threading.Event()
    release = threading.Event()
    result: list[str] = []

    def shorten() -> None:
        try:
            with transaction.atomic():
                Engagement.objects.filter(pk=sara.engagement.pk).update(
                    leave_date=date(2026, 1, 31),
                    leave_reason=LeaveReason.RESIGNATION,
                    status=EngagementStatus.TERMINATED,
                )
                shortened.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    worker = threading.Thread(target=shorten)
    worker.start()
    assert shortened.wait(timeout=30)

    def insert_wage() -> None:
        try:
            with transaction.atomic():
                wage_make(sara.engagement, effective_from=date(2026, 2, 1))
            result.append("inserted")
        except Exception as error:
            result.append(type(error).__name__ + ": " + str(error).splitlines()[0])
        finally:
            connections.close_all()

    inserter = threading.Thread(target=insert_wage)
    inserter.start()
    inserter.join(timeout=0.5)
    assert inserter.is_alive(), "the wage insert should wait for the period row"
    release.set()
    worker.join(timeout=30)
    inserter.join(timeout=30)
    assert (
        result and result[0].startswith("IntegrityError") and "outside its contribution period" in result[0]
    )
    assert not Wage.objects.filter(engagement=sara.engagement, effective_from=date(2026, 2, 1)).exists()
    connection.close()
    assert Engagement.objects.get(pk=sara.engagement.pk).leave_date == date(2026, 2, 1) - timedelta(days=1)
