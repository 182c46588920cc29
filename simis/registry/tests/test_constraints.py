"""The register's invariants are held by PostgreSQL, not only by the services: these tests go
around the services (raw ORM and SQL) and watch the database refuse."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from simis.core.identifiers import IdentityKind
from simis.registry.choices import EngagementStatus, LeaveReason
from simis.registry.models import Engagement, Establishment, PersonIdentity, Wage
from simis.registry.tests.factories import (
    branch_make,
    engagement_make,
    establishment_make,
    national_id,
    person_make,
    wage_make,
)

pytestmark = pytest.mark.django_db


def refused(constraint: str):  # type: ignore[no-untyped-def]
    """Expect the database to refuse with ``constraint`` named in the error."""
    return pytest.raises(IntegrityError, match=constraint)


# --- Establishments -----------------------------------------------------------------------------


def test_numbers_come_from_the_sequences() -> None:
    first, second = establishment_make(), establishment_make()
    assert first.number.isdigit() and int(second.number) > int(first.number)
    a, b = person_make(), person_make()
    assert b.contributor_number > a.contributor_number


def test_a_branch_of_a_branch_is_refused_by_the_composite_key() -> None:
    """Nour Trading's branch cannot itself have a branch, even written straight to the table."""
    nour = establishment_make(name_en="Nour Trading")
    riyadh_branch = branch_make(nour)
    with refused("registry_est_parent_is_main_fk"), transaction.atomic():
        establishment_make(parent=riyadh_branch)


def test_a_branch_must_say_its_parent_is_main() -> None:
    nour = establishment_make()
    with refused("registry_est_main_or_branch"), transaction.atomic():
        establishment_make(parent=nour, parent_is_main=False)
    with refused("registry_est_main_or_branch"), transaction.atomic():
        establishment_make(parent=None, is_main=False)


def test_a_main_with_branches_cannot_become_a_branch() -> None:
    nour, badr = establishment_make(), establishment_make()
    branch_make(nour)
    with refused("registry_est_parent_is_main_fk"), transaction.atomic():
        Establishment.objects.filter(pk=nour.pk).update(is_main=False, parent=badr, parent_is_main=True)


def test_two_mains_cannot_share_a_unified_number_but_branches_may() -> None:
    nour = establishment_make()
    branch_make(nour)  # same 700 number and CR as its main
    with refused("registry_est_main_unified_unique"), transaction.atomic():
        establishment_make(unified_number=nour.unified_number)


def test_unified_number_shape_is_checked_by_the_database() -> None:
    with refused("registry_est_unified_number_shape"), transaction.atomic():
        establishment_make(unified_number="8000000001")


# --- Identities ---------------------------------------------------------------------------------


def test_an_identity_number_belongs_to_one_person() -> None:
    number = national_id()
    person_make(identity=number)
    with refused("registry_identity_unique"), transaction.atomic():
        person_make(identity=number)


def test_a_national_id_is_issued_by_saudi_arabia() -> None:
    ravi = person_make(nationality="IND")
    with refused("registry_identity_saudi_issued"), transaction.atomic():
        PersonIdentity.objects.create(
            person=ravi, kind=IdentityKind.IQAMA, country_id="IND", number="2000000008"
        )


# --- Engagements --------------------------------------------------------------------------------


def test_overlapping_periods_in_one_establishment_are_refused() -> None:
    """Sara cannot hold two overlapping periods at Nour Trading; both ends are inclusive."""
    nour, sara = establishment_make(), person_make()
    engagement_make(sara, nour, join_date=date(2020, 1, 1), leave_date=date(2020, 6, 30))
    with refused("registry_eng_no_overlap"), transaction.atomic():
        engagement_make(sara, nour, join_date=date(2020, 6, 30))
    # The next day is fine: no gap, no overlap.
    engagement_make(sara, nour, join_date=date(2020, 7, 1))


def test_an_open_period_overlaps_everything_after_it() -> None:
    nour, sara = establishment_make(), person_make()
    engagement_make(sara, nour, join_date=date(2020, 1, 1))
    with refused("registry_eng_no_overlap"), transaction.atomic():
        engagement_make(sara, nour, join_date=date(2030, 1, 1))


def test_periods_in_two_establishments_may_overlap() -> None:
    """Several employers at once is lawful (RULES §1.1: each employer pays)."""
    sara = person_make()
    engagement_make(sara, establishment_make(), join_date=date(2020, 1, 1))
    engagement_make(sara, establishment_make(), join_date=date(2020, 1, 1))


def test_leave_before_join_is_refused() -> None:
    with refused("registry_eng_leave_after_join"), transaction.atomic():
        engagement_make(
            person_make(), establishment_make(), join_date=date(2020, 1, 2), leave_date=date(2020, 1, 1)
        )


def test_leave_date_and_reason_come_together() -> None:
    with refused("registry_eng_leave_reason_with_date"), transaction.atomic():
        engagement_make(
            person_make(),
            establishment_make(),
            leave_date=date(2020, 1, 1),
            leave_reason="",
            status=EngagementStatus.TERMINATED,
        )


def test_an_active_period_has_no_leave_date() -> None:
    with refused("registry_eng_status_matches_leave"), transaction.atomic():
        engagement_make(
            person_make(),
            establishment_make(),
            leave_date=date(2020, 1, 1),
            leave_reason=LeaveReason.RESIGNATION,
            status=EngagementStatus.ACTIVE,
        )


def test_pending_review_needs_its_reason_and_disputed_months() -> None:
    with refused("registry_eng_review_fields"), transaction.atomic():
        engagement_make(person_make(), establishment_make(), status=EngagementStatus.PENDING_REVIEW)


# --- Wages --------------------------------------------------------------------------------------


def test_a_wage_before_the_join_date_is_refused() -> None:
    engagement = engagement_make(person_make(), establishment_make(), join_date=date(2020, 1, 1))
    with refused("registry_wage_inside_period"), transaction.atomic():
        wage_make(engagement, effective_from=date(2019, 12, 31))


def test_a_wage_after_the_leave_date_is_refused() -> None:
    engagement = engagement_make(
        person_make(), establishment_make(), join_date=date(2020, 1, 1), leave_date=date(2020, 12, 31)
    )
    wage_make(engagement, effective_from=date(2020, 12, 31))
    with refused("registry_wage_inside_period"), transaction.atomic():
        wage_make(engagement, effective_from=date(2021, 1, 1))


def test_a_period_cannot_be_shortened_to_exclude_a_wage() -> None:
    engagement = engagement_make(person_make(), establishment_make(), join_date=date(2020, 1, 1))
    wage_make(engagement)
    wage_make(engagement, effective_from=date(2021, 3, 1))
    with refused("registry_engagement_keeps_wages"), transaction.atomic():
        Engagement.objects.filter(pk=engagement.pk).update(
            leave_date=date(2021, 2, 28),
            leave_reason=LeaveReason.RESIGNATION,
            status=EngagementStatus.TERMINATED,
        )
    with refused("registry_engagement_keeps_wages"), transaction.atomic():
        Engagement.objects.filter(pk=engagement.pk).update(join_date=date(2020, 2, 1))
    # Ending on the day the last wage starts keeps it inside.
    Engagement.objects.filter(pk=engagement.pk).update(
        leave_date=date(2021, 3, 1), leave_reason=LeaveReason.RESIGNATION, status=EngagementStatus.TERMINATED
    )


def test_a_wage_carries_its_periods_establishment() -> None:
    nour, badr = establishment_make(), establishment_make()
    engagement = engagement_make(person_make(), nour)
    with refused("registry_wage_engagement_establishment_fk"), transaction.atomic():
        wage_make(engagement, establishment_id=badr.pk)


def test_a_period_with_wages_cannot_move_to_another_establishment() -> None:
    nour, badr = establishment_make(), establishment_make()
    engagement = engagement_make(person_make(), nour)
    wage_make(engagement)
    with refused("registry_wage_engagement_establishment_fk"), transaction.atomic():
        Engagement.objects.filter(pk=engagement.pk).update(establishment=badr)


def test_moving_a_wage_out_of_its_period_by_raw_sql_is_refused() -> None:
    engagement = engagement_make(person_make(), establishment_make(), join_date=date(2020, 1, 1))
    wage = wage_make(engagement)
    with refused("registry_wage_inside_period"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_wage SET effective_from = %s WHERE id = %s",
            [engagement.join_date - timedelta(days=1), wage.pk],
        )
    assert Wage.objects.get(pk=wage.pk).effective_from == engagement.join_date


def test_two_wages_of_one_period_cannot_start_on_the_same_day() -> None:
    engagement = engagement_make(person_make(), establishment_make())
    wage_make(engagement)
    with refused("registry_wage_one_per_day"), transaction.atomic():
        wage_make(engagement)
