"""REG-3: adding and terminating contribution periods; late ones wait for review and block billing
of their disputed months; the regime is derived again whenever periods change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from simis.audit.models import AuditEntry
from simis.core.errors import SimisError
from simis.core.money import Money
from simis.core.parameter_table import Regime
from simis.registry.choices import EngagementStatus, LeaveReason, ReviewDecision, ReviewReason
from simis.registry.models import Engagement, Person, Wage
from simis.registry.selectors import engagement_is_billable, engagement_months_blocked_for_billing
from simis.registry.services import (
    IdentityInput,
    PersonNames,
    WageInput,
    WageLine,
    contributor_register,
    engagement_add,
    engagement_review_decide,
    engagement_terminate,
    wage_change,
)
from simis.registry.tests.conftest import TODAY
from simis.registry.tests.factories import national_id

pytestmark = pytest.mark.django_db

WAGE = WageInput(basic=Money(Decimal("5000")), housing=Money(Decimal("1250")))


def test_sara_takes_a_second_job_at_badr(sara, badr, khalid) -> None:  # type: ignore[no-untyped-def]
    """Two employers at once is lawful; Sara stays old law."""
    engagement = engagement_add(
        actor=khalid,
        person=sara.person,
        establishment=badr,
        join_date=date(2026, 3, 1),
        occupation="4",
        wage=WAGE,
        requested_on=TODAY,
    )
    assert engagement.status == EngagementStatus.ACTIVE and engagement.covers_annuities
    assert Person.objects.get(pk=sara.person.pk).regime == Regime.OLD_LAW
    assert engagement.wages.get().contributory_wage == Money(6250)
    assert AuditEntry.objects.filter(action="registry.engagement_added").count() == 1


def test_an_overlapping_period_in_the_same_establishment_is_refused(sara, nour, khalid) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as refused:
        engagement_add(
            actor=khalid,
            person=sara.person,
            establishment=nour.main,
            join_date=date(2026, 3, 1),
            occupation="4",
            wage=WAGE,
            requested_on=TODAY,
        )
    assert refused.value.code == "REG-303"
    assert "2004-01-01" in refused.value.message


def test_terminating_on_time(sara, khalid) -> None:  # type: ignore[no-untyped-def]
    ended = engagement_terminate(
        actor=khalid,
        engagement=sara.engagement,
        leave_date=date(2026, 3, 10),
        reason=LeaveReason.RESIGNATION,
        requested_on=TODAY,
    )
    assert ended.status == EngagementStatus.TERMINATED and ended.leave_reason == LeaveReason.RESIGNATION
    entry = AuditEntry.objects.filter(action="registry.engagement_terminated").get()
    assert entry.before["leave_date"] is None and entry.after["leave_date"] == "2026-03-10"


def test_terminating_before_the_last_wage_is_refused(sara, nour, khalid) -> None:  # type: ignore[no-untyped-def]
    wage_change(
        actor=khalid,
        establishment=nour.main,
        month=date(2026, 2, 1),
        lines=[WageLine(sara.engagement, WageInput(basic=Money(6000), housing=Money(1500)))],
        requested_on=date(2026, 2, 5),
    )
    with pytest.raises(SimisError) as refused:
        engagement_terminate(
            actor=khalid,
            engagement=sara.engagement,
            leave_date=date(2026, 1, 31),
            reason=LeaveReason.RESIGNATION,
            requested_on=date(2026, 2, 10),
        )
    assert refused.value.code == "REG-305"
    assert Engagement.objects.get(pk=sara.engagement.pk).leave_date is None


def test_a_late_termination_waits_for_review_and_blocks_billing(sara, nour, khalid) -> None:  # type: ignore[no-untyped-def]
    ended = engagement_terminate(
        actor=khalid,
        engagement=sara.engagement,
        leave_date=date(2026, 1, 10),
        reason=LeaveReason.END_OF_CONTRACT,
        requested_on=TODAY,
    )
    assert (
        ended.status == EngagementStatus.PENDING_REVIEW and ended.review_reason == ReviewReason.LATE_EXCLUSION
    )
    assert [b.engagement_id for b in engagement_months_blocked_for_billing(nour.main, date(2026, 2, 1))] == [
        ended.pk
    ]
    assert engagement_months_blocked_for_billing(nour.main, date(2025, 12, 1)) == []
    assert not engagement_is_billable(ended, date(2026, 3, 1))
    # Under review, the period cannot be terminated again.
    with pytest.raises(SimisError) as refused:
        engagement_terminate(
            actor=khalid,
            engagement=ended,
            leave_date=date(2026, 1, 11),
            reason="resignation",
            requested_on=TODAY,
        )
    assert refused.value.code == "REG-307"


def test_rejecting_a_late_termination_makes_the_period_active_again(sara, khalid) -> None:  # type: ignore[no-untyped-def]
    ended = engagement_terminate(
        actor=khalid,
        engagement=sara.engagement,
        leave_date=date(2026, 1, 10),
        reason=LeaveReason.END_OF_CONTRACT,
        requested_on=TODAY,
    )
    back = engagement_review_decide(
        actor=khalid, engagement=ended, decision=ReviewDecision.REJECTED, note="no proof"
    )
    assert back is not None
    assert (back.status, back.leave_date, back.review_reason, back.disputed_from) == (
        EngagementStatus.ACTIVE,
        None,
        "",
        None,
    )


def test_approving_a_late_registration_releases_its_months(nour, khalid) -> None:  # type: ignore[no-untyped-def]
    late = contributor_register(
        actor=khalid,
        establishment=nour.jeddah,
        identities=[IdentityInput("national_id", national_id())],
        names=PersonNames(first_ar="نورة", family_ar="القحطاني", first_en="Noura", family_en="Alqahtani"),
        birth_date=date(2000, 5, 5),
        gender="female",
        nationality="SAU",
        join_date=date(2025, 11, 2),
        occupation="3",
        wage=WAGE,
        requested_on=TODAY,
    ).engagement
    assert engagement_months_blocked_for_billing(nour.jeddah, date(2026, 1, 1))
    approved = engagement_review_decide(actor=khalid, engagement=late, decision=ReviewDecision.APPROVED)
    assert approved is not None and approved.status == EngagementStatus.ACTIVE
    assert engagement_months_blocked_for_billing(nour.jeddah, date(2026, 1, 1)) == []


def test_rejecting_a_late_registration_removes_the_period_and_its_wages(nour, sara, khalid) -> None:  # type: ignore[no-untyped-def]
    late = engagement_add(
        actor=khalid,
        person=sara.person,
        establishment=nour.dammam,
        join_date=date(2025, 12, 1),
        occupation="4",
        wage=WAGE,
        requested_on=TODAY,
    )
    assert late.status == EngagementStatus.PENDING_REVIEW
    assert engagement_review_decide(actor=khalid, engagement=late, decision="rejected") is None
    assert (
        not Engagement.objects.filter(pk=late.pk).exists()
        and not Wage.objects.filter(engagement_id=late.pk).exists()
    )
    assert AuditEntry.objects.filter(action="registry.engagement_reviewed").get().after is None


def test_only_staff_decide_reviews(nour, sara, khalid) -> None:  # type: ignore[no-untyped-def]
    late = engagement_add(
        actor=khalid,
        person=sara.person,
        establishment=nour.dammam,
        join_date=date(2025, 12, 1),
        occupation="4",
        wage=WAGE,
        requested_on=TODAY,
    )
    with pytest.raises(SimisError) as refused:
        engagement_review_decide(actor=nour.officer, engagement=late, decision="approved")
    assert refused.value.code == "REG-002"
    with pytest.raises(SimisError) as not_pending:
        engagement_review_decide(actor=khalid, engagement=sara.engagement, decision="approved")
    assert not_pending.value.code == "REG-311"


def test_a_retroactive_period_before_july_2024_turns_a_new_law_contributor_old_law(
    ravi, nour, khalid
) -> None:  # type: ignore[no-untyped-def]
    """Ravi is new law (first covered March 2025) until a finished period from June 2024 is added
    within the 24-month limit: then his first coverage is before 3 Jul 2024 and he is old law
    family (transitional: young, few months)."""
    assert ravi.person.regime == Regime.NEW_LAW
    engagement_add(
        actor=khalid,
        person=ravi.person,
        establishment=nour.dammam,
        join_date=date(2024, 6, 1),
        leave_date=date(2024, 12, 31),
        leave_reason=LeaveReason.END_OF_CONTRACT,
        occupation="7",
        wage=WAGE,
        requested_on=date(2026, 1, 10),
    )
    person = Person.objects.get(pk=ravi.person.pk)
    assert person.regime == Regime.TRANSITIONAL
    assert person.regime_inputs["first_covered_on"] == "2024-06-01"
    # Every period's coverage, and so its contribution rates, follows the new regime.
    assert set(person.engagements.values_list("coverage_regime", flat=True)) == {Regime.TRANSITIONAL}
    entry = AuditEntry.objects.filter(action="registry.engagement_added").get()
    assert entry.extra["rederived"]["regime"] == {"before": "new_law", "after": "transitional"}


def test_the_transfer_reason_is_reserved_for_transfers(sara, khalid) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as refused:
        engagement_terminate(
            actor=khalid,
            engagement=sara.engagement,
            leave_date=date(2026, 3, 1),
            reason="transfer",
            requested_on=TODAY,
        )
    assert refused.value.code == "REG-312"
    with pytest.raises(SimisError) as unknown:
        engagement_terminate(
            actor=khalid,
            engagement=sara.engagement,
            leave_date=date(2026, 3, 1),
            reason="holiday",
            requested_on=TODAY,
        )
    assert unknown.value.code == "REG-309"


def test_an_employer_user_cannot_terminate_another_employers_worker(ravi, nour) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as refused:
        engagement_terminate(
            actor=nour.officer,
            engagement=ravi.engagement,
            leave_date=date(2026, 3, 1),
            reason="resignation",
            requested_on=TODAY,
        )
    assert refused.value.code == "IDN-040"
    assert Engagement.objects.get(pk=ravi.engagement.pk).status == EngagementStatus.ACTIVE


def test_an_unknown_review_decision_is_refused(nour, sara, khalid) -> None:  # type: ignore[no-untyped-def]
    late = engagement_add(
        actor=khalid,
        person=sara.person,
        establishment=nour.dammam,
        join_date=date(2025, 12, 1),
        occupation="4",
        wage=WageInput(basic=Decimal("5000")),  # type: ignore[arg-type]  # channels pass Decimals
        requested_on=TODAY,
    )
    assert late.wages.get().basic == Money(5000)
    with pytest.raises(SimisError) as refused:
        engagement_review_decide(actor=khalid, engagement=late, decision="maybe")
    assert refused.value.code == "REG-313"
