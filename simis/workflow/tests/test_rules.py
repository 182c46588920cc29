"""Case-type definitions, step conditions, decisions, SLA states and the two routing choices —
pure, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simis.core.errors import SimisError
from simis.workflow.rules import (
    Candidate,
    Decision,
    SlaState,
    decision_outcome,
    definition_parse,
    round_robin_pick,
    sla_state,
    steps_applicable,
    weighted_pick,
)

RAW = {
    "code": "registration-late",
    "name_ar": "تسجيل بأثر رجعي",
    "name_en": "Retroactive registration",
    "subject_kind": "registry.engagement",
    "documents": ["employment-contract"],
    "steps": [
        {
            "code": "office-review",
            "name_ar": "مراجعة",
            "name_en": "Office review",
            "job_function": "registration-officer",
            "decisions": ["approve", "reject", "return", "request_documents"],
            "step_up": ["approve"],
            "target_hours": 48,
        },
        {
            "code": "head-office",
            "name_ar": "اعتماد",
            "name_en": "Head office",
            "job_function": "registration-supervisor",
            "office": "head",
            "routing": "pool",
            "decisions": ["approve", "reject"],
            "target_hours": 72,
            "when": {
                "any": [
                    {"fact": "months_disputed", "op": "gt", "value": 12},
                    {"fact": "nationality", "op": "in", "value": ["XXX"]},
                ]
            },
        },
    ],
}


def code_of(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as caught:
        call()
    return caught.value.code


def test_a_condition_adds_or_skips_a_step() -> None:
    definition = definition_parse(RAW)
    assert [s.code for s in steps_applicable(definition, {"months_disputed": 3})] == ["office-review"]
    assert [s.code for s in steps_applicable(definition, {"months_disputed": 13})] == [
        "office-review",
        "head-office",
    ]
    assert [s.code for s in steps_applicable(definition, {"nationality": "XXX"})] == [
        "office-review",
        "head-office",
    ]


def test_decisions_lead_where_the_definition_says() -> None:
    definition = definition_parse(RAW)
    short, long = {"months_disputed": 2}, {"months_disputed": 20}
    assert decision_outcome(definition, short, "office-review", "approve").closes_as == "approved"
    assert decision_outcome(definition, long, "office-review", "approve").next_step == "head-office"
    assert decision_outcome(definition, long, "head-office", "approve").closes_as == "approved"
    assert decision_outcome(definition, long, "office-review", "reject").closes_as == "rejected"
    assert decision_outcome(definition, short, "office-review", "return").waits_for == "correction"
    assert decision_outcome(definition, short, "office-review", "request_documents").waits_for == "documents"
    assert code_of(lambda: decision_outcome(definition, long, "head-office", "return")) == "WFL-003"
    assert code_of(lambda: decision_outcome(definition, long, "nowhere", "approve")) == "WFL-002"


def test_step_up_applies_to_the_listed_decisions_only() -> None:
    step = definition_parse(RAW).step("office-review")
    assert step.needs_step_up(Decision.APPROVE) and not step.needs_step_up(Decision.RETURN)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"steps": []}, "at least one step"),
        ({"steps": [{**RAW["steps"][0], "decisions": ["reject"]}]}, "'approve' must be allowed"),
        ({"steps": [{**RAW["steps"][0], "routing": "lottery"}]}, "lottery"),
        ({"steps": [{**RAW["steps"][0], "when": {"fact": "x", "op": "like", "value": 1}}]}, "op one of"),
        ({"steps": [RAW["steps"][0], RAW["steps"][0]]}, "unique"),
        ({"subject_kind": ""}, "'subject_kind' is required"),
    ],
)
def test_a_bad_definition_names_its_problem(change: dict, problem: str) -> None:
    with pytest.raises(SimisError) as caught:
        definition_parse({**RAW, **change})
    assert caught.value.code == "WFL-001" and problem in caught.value.message


def test_sla_states() -> None:
    created = datetime(2026, 11, 1, 8, tzinfo=UTC)
    due = created + timedelta(hours=48)
    assert sla_state(created_at=created, due_at=due, now=created + timedelta(hours=1)) == SlaState.ON_TIME
    assert sla_state(created_at=created, due_at=due, now=due - timedelta(hours=11)) == SlaState.DUE_SOON
    assert sla_state(created_at=created, due_at=due, now=due + timedelta(seconds=1)) == SlaState.OVERDUE
    assert (
        sla_state(created_at=created, due_at=due, now=due + timedelta(days=9), paused=True) == SlaState.PAUSED
    )


def test_round_robin_goes_round_and_skips_who_is_no_longer_eligible() -> None:
    team = [Candidate(7, Decimal(1)), Candidate(3, Decimal(1)), Candidate(5, Decimal(1))]
    picks, last = [], None
    for _ in range(6):
        last = round_robin_pick(team, last).user_id
        picks.append(last)
    assert picks == [3, 5, 7, 3, 5, 7]
    assert round_robin_pick([Candidate(3, Decimal(1)), Candidate(7, Decimal(1))], 5).user_id == 7
    assert code_of(lambda: round_robin_pick([], None)) == "WFL-010"


def test_weighted_divides_workload_by_capacity() -> None:
    full = Candidate(1, Decimal(1), Decimal(4))
    half = Candidate(2, Decimal("0.5"), Decimal(1))
    # (4+1)/1 = 5 against (1+1)/0.5 = 4: the part-timer still has room.
    assert weighted_pick([full, half], Decimal(1)).user_id == 2
    assert weighted_pick([full, Candidate(2, Decimal("0.5"), Decimal(2))], Decimal(1)).user_id == 1
    assert code_of(lambda: weighted_pick([Candidate(9, Decimal(0))], Decimal(1))) == "WFL-010"


@given(
    st.lists(
        st.tuples(st.integers(1, 50), st.sampled_from(["0.5", "1"]), st.integers(0, 20)),
        min_size=1,
        max_size=8,
        unique_by=lambda t: t[0],
    )
)
def test_weighted_pick_is_never_heavier_than_another_choice(rows: list) -> None:
    team = [Candidate(uid, Decimal(cap), Decimal(load)) for uid, cap, load in rows]
    chosen = weighted_pick(team, Decimal(1))
    after = (chosen.open_effort + 1) / chosen.capacity
    assert all(after <= (c.open_effort + 1) / c.capacity for c in team)
