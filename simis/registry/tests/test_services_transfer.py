"""REG-6: transferring a contributor between establishments of the same main establishment."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest

from simis.audit.models import AuditEntry
from simis.core.errors import SimisError
from simis.registry.choices import EngagementStatus, LeaveReason
from simis.registry.models import Engagement, Wage
from simis.registry.services import contributor_transfer
from simis.registry.tests.conftest import TODAY

pytestmark = pytest.mark.django_db

TRANSFER_DAY = date(2026, 3, 1)


def test_sara_moves_to_the_jeddah_branch_without_gap_or_overlap(sara, nour) -> None:  # type: ignore[no-untyped-def]
    moved = contributor_transfer(
        actor=nour.officer,
        engagement=sara.engagement,
        target=nour.jeddah,
        transfer_date=TRANSFER_DAY,
        requested_on=TODAY,
    )
    old = Engagement.objects.get(pk=sara.engagement.pk)
    assert old.leave_date == TRANSFER_DAY - timedelta(days=1) and old.leave_reason == LeaveReason.TRANSFER
    assert old.status == EngagementStatus.TERMINATED
    assert moved.join_date == old.leave_date + timedelta(days=1)
    assert moved.establishment_id == nour.jeddah.pk and moved.transferred_from_id == old.pk
    assert moved.status == EngagementStatus.ACTIVE and moved.covers_annuities
    carried = Wage.objects.get(engagement=moved)
    assert carried.effective_from == TRANSFER_DAY and carried.establishment_id == nour.jeddah.pk
    assert (carried.basic, carried.housing, carried.contributory_wage) == (
        sara.wage.basic,
        sara.wage.housing,
        sara.wage.contributory_wage,
    )
    assert carried.contributory_inputs["carried_over_from_wage"] == sara.wage.pk
    # Every day is covered exactly once across the two periods.
    periods = list(Engagement.objects.filter(person=sara.person).order_by("join_date"))
    for before, after in pairwise(periods):
        assert before.leave_date is not None and after.join_date == before.leave_date + timedelta(days=1)
    entry = AuditEntry.objects.filter(action="registry.contributor_transferred").get()
    assert entry.after["to"]["id"] == moved.pk and entry.before["from"]["leave_date"] is None


def test_branch_to_branch_and_back_to_the_main(sara, nour) -> None:  # type: ignore[no-untyped-def]
    at_jeddah = contributor_transfer(
        actor=nour.officer,
        engagement=sara.engagement,
        target=nour.jeddah,
        transfer_date=date(2026, 1, 1),
        requested_on=TODAY,
    )
    at_dammam = contributor_transfer(
        actor=nour.officer,
        engagement=at_jeddah,
        target=nour.dammam,
        transfer_date=date(2026, 2, 1),
        requested_on=TODAY,
    )
    back = contributor_transfer(
        actor=nour.officer,
        engagement=at_dammam,
        target=nour.main,
        transfer_date=date(2026, 3, 1),
        requested_on=TODAY,
    )
    assert back.establishment_id == nour.main.pk
    assert Engagement.objects.filter(person=sara.person, status=EngagementStatus.ACTIVE).count() == 1


def test_a_transfer_outside_the_main_is_refused(sara, nour, badr, khalid) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as refused:
        contributor_transfer(
            actor=khalid,
            engagement=sara.engagement,
            target=badr,
            transfer_date=TRANSFER_DAY,
            requested_on=TODAY,
        )
    assert refused.value.code == "REG-601"
    assert Engagement.objects.get(pk=sara.engagement.pk).leave_date is None


def test_transfer_refusals(sara, nour, khalid) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as same:
        contributor_transfer(
            actor=khalid,
            engagement=sara.engagement,
            target=nour.main,
            transfer_date=TRANSFER_DAY,
            requested_on=TODAY,
        )
    assert same.value.code == "REG-602"
    with pytest.raises(SimisError) as too_old:
        contributor_transfer(
            actor=khalid,
            engagement=sara.engagement,
            target=nour.jeddah,
            transfer_date=date(2023, 1, 1),
            requested_on=TODAY,
        )
    assert too_old.value.code == "REG-301"
    with pytest.raises(SimisError) as on_join:
        contributor_transfer(
            actor=khalid,
            engagement=sara.engagement,
            target=nour.jeddah,
            transfer_date=date(2004, 1, 1),
            requested_on=TODAY,
        )
    assert on_join.value.code == "REG-603"


def test_a_terminated_period_cannot_be_transferred(sara, nour, khalid) -> None:  # type: ignore[no-untyped-def]
    moved = contributor_transfer(
        actor=khalid,
        engagement=sara.engagement,
        target=nour.jeddah,
        transfer_date=TRANSFER_DAY,
        requested_on=TODAY,
    )
    assert moved.pk
    with pytest.raises(SimisError) as refused:
        contributor_transfer(
            actor=khalid,
            engagement=sara.engagement,
            target=nour.dammam,
            transfer_date=TODAY,
            requested_on=TODAY,
        )
    assert refused.value.code == "REG-604"


def test_the_employer_of_another_group_cannot_transfer(sara, nour, badr_officer) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as refused:
        contributor_transfer(
            actor=badr_officer,
            engagement=sara.engagement,
            target=nour.jeddah,
            transfer_date=TRANSFER_DAY,
            requested_on=TODAY,
        )
    assert refused.value.code == "IDN-040"
