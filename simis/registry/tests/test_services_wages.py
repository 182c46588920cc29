"""REG-4 and REG-5: wage changes for one or many contributors, all or nothing, and batches whose
declared summary must match their lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from simis.audit.models import AuditEntry
from simis.core.errors import SimisError
from simis.core.money import Money
from simis.registry.errors import RegistryLinesError
from simis.registry.models import Engagement, Wage, WageBatch
from simis.registry.rules import BatchSummary
from simis.registry.selectors import wage_derivation
from simis.registry.services import WageInput, WageLine, wage_batch_amend, wage_batch_register, wage_change
from simis.registry.tests.factories import engagement_make, person_make, wage_make

pytestmark = pytest.mark.django_db


def wage(basic: str, housing: str = "0", other: str = "0") -> WageInput:
    return WageInput(
        basic=Money(Decimal(basic)), housing=Money(Decimal(housing)), other=Money(Decimal(other))
    )


@pytest.fixture
def crew(nour, parameters):  # type: ignore[no-untyped-def]
    """Three non-Saudi workers at Nour Trading's main establishment since 2023, OH only."""
    engagements = []
    for _ in range(3):
        engagement = engagement_make(
            person_make(nationality="IND", regime="old_law"), nour.main, join_date=date(2023, 1, 1)
        )
        wage_make(engagement, basic=Decimal("3000"), housing=Decimal("750"))
        engagements.append(engagement)
    return engagements


def test_one_contributor_gets_a_raise_and_a_new_occupation(sara, nour, khalid) -> None:  # type: ignore[no-untyped-def]
    [row] = wage_change(
        actor=nour.officer,
        establishment=nour.main,
        month=date(2026, 3, 20),
        lines=[WageLine(sara.engagement, wage("9000", "2250", "500"), occupation="3")],
        requested_on=date(2026, 3, 20),
    )
    assert row.effective_from == date(2026, 3, 1)
    assert row.contributory_wage == Money(11250)  # other allowances never count
    assert wage_derivation(row).mechanism == "monthly" and row.parameter_version_ids
    assert Engagement.objects.get(pk=sara.engagement.pk).occupation_id == "3"
    entry = AuditEntry.objects.filter(action="registry.wages_changed").get()
    assert entry.after["lines"][0]["contributory_wage"] == "11250.00"


def test_many_lines_apply_together_or_not_at_all(crew, nour, khalid) -> None:  # type: ignore[no-untyped-def]
    lines = [
        WageLine(crew[0], wage("3500", "875")),
        WageLine(crew[1], wage("-1")),
        WageLine(crew[2], wage("3600"), occupation="99"),
    ]
    with pytest.raises(RegistryLinesError) as refused:
        wage_change(actor=khalid, establishment=nour.main, month=date(2026, 3, 1), lines=lines)
    assert refused.value.code == "REG-409"
    assert [(e.line, e.error.code) for e in refused.value.line_errors] == [(2, "REG-404"), (3, "REG-310")]
    assert refused.value.as_dict()["lines"][0]["line"] == 2
    assert Wage.objects.filter(effective_from=date(2026, 3, 1)).count() == 0
    refusal = AuditEntry.objects.filter(action="registry.request_refused").get()
    assert [line["code"] for line in refusal.extra["lines"]] == ["REG-404", "REG-310"]

    applied = wage_change(
        actor=khalid,
        establishment=nour.main,
        month=date(2026, 3, 1),
        lines=[WageLine(e, wage("3500")) for e in crew],
    )
    assert len(applied) == 3


def test_a_line_of_another_establishment_or_twice_is_refused(crew, ravi, nour, khalid) -> None:  # type: ignore[no-untyped-def]
    lines = [
        WageLine(crew[0], wage("3500")),
        WageLine(ravi.engagement, wage("3000")),
        WageLine(crew[0], wage("3600")),
    ]
    with pytest.raises(RegistryLinesError) as refused:
        wage_change(actor=khalid, establishment=nour.main, month=date(2026, 3, 1), lines=lines)
    assert [(e.line, e.error.code) for e in refused.value.line_errors] == [(2, "REG-406"), (3, "REG-407")]


def test_before_2022_wages_change_only_in_january(sara, nour, khalid) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RegistryLinesError) as refused:
        wage_change(
            actor=khalid,
            establishment=nour.main,
            month=date(2010, 6, 1),
            lines=[WageLine(sara.engagement, wage("7000"))],
        )
    assert refused.value.line_errors[0].error.code == "REG-403"
    [row] = wage_change(
        actor=khalid,
        establishment=nour.main,
        month=date(2010, 1, 1),
        lines=[WageLine(sara.engagement, wage("7000"))],
    )
    assert wage_derivation(row).mechanism == "annual"


def test_the_age_50_cap_limits_a_saudis_raise(nour, khalid, parameters) -> None:  # type: ignore[no-untyped-def]
    """A Saudi born in May 1970 reached 50 in 2020: the January 2020 update is frozen, and the
    January 2021 raise from 10,000 to 15,000 counts 11,000."""
    person = person_make(birth_date=date(1970, 5, 1))
    engagement = engagement_make(person, nour.main, join_date=date(2010, 1, 1), covers_annuities=True)
    wage_make(engagement, basic=Decimal("10000"), housing=Decimal("0"))
    [frozen] = wage_change(
        actor=khalid,
        establishment=nour.main,
        month=date(2020, 1, 1),
        lines=[WageLine(engagement, wage("12000"))],
    )
    assert frozen.contributory_wage == Money(10000)
    assert frozen.contributory_inputs["steps"] == ["age50_frozen"]
    [capped] = wage_change(
        actor=khalid,
        establishment=nour.main,
        month=date(2021, 1, 1),
        lines=[WageLine(engagement, wage("15000"))],
    )
    assert capped.contributory_wage == Money(11000)
    explained = wage_derivation(capped)
    assert explained.steps == ("age50_capped",) and explained.amount == Money(11000)
    assert any(r.key == "registration.age50_cap.applies" and r.unconfirmed for r in explained.readings)


def test_a_change_must_follow_the_last_one(sara, nour, khalid) -> None:  # type: ignore[no-untyped-def]
    wage_change(
        actor=khalid,
        establishment=nour.main,
        month=date(2026, 3, 1),
        lines=[WageLine(sara.engagement, wage("7000"))],
    )
    with pytest.raises(RegistryLinesError) as refused:
        wage_change(
            actor=khalid,
            establishment=nour.main,
            month=date(2026, 2, 1),
            lines=[WageLine(sara.engagement, wage("7100"))],
        )
    assert refused.value.line_errors[0].error.code == "REG-402"


def test_no_lines_is_refused(nour, khalid, parameters) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as refused:
        wage_change(actor=khalid, establishment=nour.main, month=date(2026, 3, 1), lines=[])
    assert refused.value.code == "REG-408"


# --- Batches (REG-5) --------------------------------------------------------------------------------


def summary(count: int, basic: str, housing: str, contributory: str) -> BatchSummary:
    return BatchSummary(count, Money(Decimal(basic)), Money(Decimal(housing)), Money(Decimal(contributory)))


def test_a_batch_whose_summary_matches_is_registered(crew, nour) -> None:  # type: ignore[no-untyped-def]
    lines = [WageLine(e, wage("4000", "1000")) for e in crew]
    batch = wage_batch_register(
        actor=nour.officer,
        establishment=nour.main,
        month=date(2026, 3, 1),
        lines=lines,
        declared=summary(3, "12000", "3000", "15000"),
        reference="MAR-2026",
    )
    assert batch.lines.count() == 3 and batch.declared_total_contributory == Money(15000)
    assert AuditEntry.objects.filter(
        action="registry.wage_batch_registered", subject_id=str(batch.pk)
    ).exists()


def test_a_batch_whose_summary_differs_is_refused_with_the_numbers(crew, nour) -> None:  # type: ignore[no-untyped-def]
    lines = [WageLine(e, wage("4000", "1000")) for e in crew]
    with pytest.raises(SimisError) as refused:
        wage_batch_register(
            actor=nour.officer,
            establishment=nour.main,
            month=date(2026, 3, 1),
            lines=lines,
            declared=summary(3, "12500", "3000", "15000"),
        )
    assert refused.value.code == "REG-501"
    message = refused.value.error.render_in("en", **refused.value.params)
    assert "declared 12500.00, counted 12000.00, difference 500.00" in message
    assert refused.value.as_dict()["message_ar"] != message
    assert (
        WageBatch.objects.count() == 0 and Wage.objects.filter(effective_from=date(2026, 3, 1)).count() == 0
    )


def test_amending_a_batch_replaces_its_lines_and_summary(crew, nour) -> None:  # type: ignore[no-untyped-def]
    batch = wage_batch_register(
        actor=nour.officer,
        establishment=nour.main,
        month=date(2026, 3, 1),
        lines=[WageLine(e, wage("4000", "1000")) for e in crew],
        declared=summary(3, "12000", "3000", "15000"),
    )
    amended = wage_batch_amend(
        actor=nour.officer,
        batch=batch,
        lines=[WageLine(e, wage("4200", "1050")) for e in crew[:2]],
        declared=summary(2, "8400", "2100", "10500"),
    )
    assert amended.amendment_count == 1 and amended.declared_line_count == 2
    assert sorted(w.basic for w in amended.lines.all()) == [Money(4200), Money(4200)]
    # The third worker is back on the wage before the batch.
    assert Wage.objects.filter(engagement=crew[2]).count() == 1
    entry = AuditEntry.objects.filter(action="registry.wage_batch_amended").get()
    assert len(entry.before["lines"]) == 3 and len(entry.after["lines"]) == 2


def test_an_amendment_with_a_wrong_summary_keeps_the_batch_as_it_was(crew, nour) -> None:  # type: ignore[no-untyped-def]
    batch = wage_batch_register(
        actor=nour.officer,
        establishment=nour.main,
        month=date(2026, 3, 1),
        lines=[WageLine(e, wage("4000", "1000")) for e in crew],
        declared=summary(3, "12000", "3000", "15000"),
    )
    with pytest.raises(SimisError) as refused:
        wage_batch_amend(
            actor=nour.officer,
            batch=batch,
            lines=[WageLine(e, wage("4200", "1050")) for e in crew],
            declared=summary(3, "12000", "3000", "15000"),
        )
    assert refused.value.code == "REG-501"
    assert sorted(w.basic for w in WageBatch.objects.get(pk=batch.pk).lines.all()) == [Money(4000)] * 3


def test_a_batch_superseded_by_a_later_change_cannot_be_amended(crew, nour) -> None:  # type: ignore[no-untyped-def]
    batch = wage_batch_register(
        actor=nour.officer,
        establishment=nour.main,
        month=date(2026, 2, 1),
        lines=[WageLine(crew[0], wage("4000"))],
        declared=summary(1, "4000", "0", "4000"),
    )
    wage_change(
        actor=nour.officer,
        establishment=nour.main,
        month=date(2026, 3, 1),
        lines=[WageLine(crew[0], wage("4100"))],
    )
    with pytest.raises(SimisError) as refused:
        wage_batch_amend(
            actor=nour.officer,
            batch=batch,
            lines=[WageLine(crew[0], wage("4050"))],
            declared=summary(1, "4050", "0", "4050"),
        )
    assert refused.value.code == "REG-502"


def test_another_employer_cannot_touch_the_batch(crew, nour, badr_officer) -> None:  # type: ignore[no-untyped-def]
    batch = wage_batch_register(
        actor=nour.officer,
        establishment=nour.main,
        month=date(2026, 3, 1),
        lines=[WageLine(crew[0], wage("4000"))],
        declared=summary(1, "4000", "0", "4000"),
    )
    with pytest.raises(SimisError) as refused:
        wage_batch_amend(
            actor=badr_officer,
            batch=batch,
            lines=[WageLine(crew[0], wage("1"))],
            declared=summary(1, "1", "0", "400"),
        )
    assert refused.value.code == "IDN-040"
