"""The workflow's pure rules: case-type definitions, which steps apply, what a decision leads to,
SLA states and who gets the next task. No ORM, no I/O; "now" is passed in.

A **case type** is data (``simis/workflow/case_types/*.yaml``), loaded as append-only versions
(a case keeps the version it started on). A definition::

    code: registration-late
    name_ar: …
    name_en: …
    subject_kind: registry.engagement      # the business record a case is about
    documents: [employment-contract]        # document types the transaction needs
    steps:
      - code: office-review
        name_ar: …
        name_en: …
        job_function: registration-officer  # who may hold the task
        office: case                        # the case's office, or ``head`` (head office)
        routing: round_robin                # or ``weighted`` or ``pool``
        effort: 1                           # a task's weight in the weighted routing
        target_hours: 48                    # the SLA
        decisions: [approve, reject, return, request_documents]
        step_up: [approve]                  # decisions that need a hardware-key step-up (or true: all)
        when: {fact: months_disputed, op: gt, value: 12}   # the step applies only then

``when`` is a condition on the case's *facts* (plain values the subject's app gives when it opens
the case): ``{fact, op, value}`` with op one of ``eq ne gt ge lt le in``, or ``{all: [...]}`` /
``{any: [...]}``. A step without ``when`` always applies. Steps whose condition is false are
skipped; a condition that is true adds its step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from simis.core.errors import SimisError
from simis.workflow.errors import WorkflowError


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    RETURN = "return", _("Return for correction")
    REQUEST_DOCUMENTS = "request_documents", _("Ask for documents")


class Routing(models.TextChoices):
    ROUND_ROBIN = "round_robin", _("Round-robin")
    WEIGHTED = "weighted", _("By workload")
    POOL = "pool", _("Shared pool")


class StepOffice(models.TextChoices):
    CASE = "case", _("The case's office")
    HEAD = "head", _("Head office")


class SlaState(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    PAUSED = "paused", _("Paused")


_OPS = ("eq", "ne", "gt", "ge", "lt", "le", "in")


@dataclass(frozen=True)
class StepDefinition:
    code: str
    name_ar: str
    name_en: str
    job_function: str
    office: StepOffice
    routing: Routing
    effort: Decimal
    target_hours: int
    decisions: tuple[Decision, ...]
    step_up: tuple[Decision, ...] = ()
    when: Mapping[str, Any] | None = None

    def name(self, language: str) -> str:
        return self.name_ar if language.startswith("ar") else self.name_en

    def needs_step_up(self, decision: Decision | str) -> bool:
        return Decision(decision) in self.step_up


@dataclass(frozen=True)
class CaseTypeDefinition:
    code: str
    name_ar: str
    name_en: str
    subject_kind: str
    steps: tuple[StepDefinition, ...]
    documents: tuple[str, ...] = field(default=())
    description: str = ""

    def step(self, code: str) -> StepDefinition:
        for step in self.steps:
            if step.code == code:
                return step
        raise SimisError(WorkflowError.UNKNOWN_STEP, step=code, case_type=self.code)

    def name(self, language: str) -> str:
        return self.name_ar if language.startswith("ar") else self.name_en


# --- Parsing -------------------------------------------------------------------------------------


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SimisError(WorkflowError.DEFINITION_INVALID, where=where, problem=f"'{key}' is required")
    return value.strip()


def _condition_check(condition: Any, where: str) -> None:
    if not isinstance(condition, Mapping):
        raise SimisError(WorkflowError.DEFINITION_INVALID, where=where, problem="'when' must be a mapping")
    for group in ("all", "any"):
        if group in condition:
            parts = condition[group]
            if not isinstance(parts, list) or not parts:
                raise SimisError(
                    WorkflowError.DEFINITION_INVALID, where=where, problem=f"'{group}' needs a list"
                )
            for part in parts:
                _condition_check(part, where)
            return
    if (
        not isinstance(condition.get("fact"), str)
        or condition.get("op") not in _OPS
        or "value" not in condition
    ):
        raise SimisError(
            WorkflowError.DEFINITION_INVALID,
            where=where,
            problem="a condition is {fact, op, value} with op one of " + " ".join(_OPS),
        )


def definition_parse(raw: Mapping[str, Any]) -> CaseTypeDefinition:
    """A case-type definition from its YAML mapping; WFL-001 naming the first problem."""
    if not isinstance(raw, Mapping):
        raise SimisError(WorkflowError.DEFINITION_INVALID, where="file", problem="not a mapping")
    code = _text(raw, "code", "case type")
    steps_raw = raw.get("steps")
    if not isinstance(steps_raw, list) or not steps_raw:
        raise SimisError(WorkflowError.DEFINITION_INVALID, where=code, problem="at least one step is needed")
    steps: list[StepDefinition] = []
    for index, step in enumerate(steps_raw, start=1):
        where = f"{code} step {index}"
        if not isinstance(step, Mapping):
            raise SimisError(WorkflowError.DEFINITION_INVALID, where=where, problem="not a mapping")
        try:
            decisions = tuple(Decision(d) for d in step.get("decisions") or ())
            routing = Routing(step.get("routing", Routing.ROUND_ROBIN))
            office = StepOffice(step.get("office", StepOffice.CASE))
            effort = Decimal(str(step.get("effort", 1)))
            target_hours = int(step.get("target_hours", 0))
            raw_step_up = step.get("step_up", False)
            if raw_step_up is True:
                step_up = decisions
            elif raw_step_up in (False, None):
                step_up = ()
            else:
                step_up = tuple(Decision(d) for d in raw_step_up)
        except (ValueError, InvalidOperation) as error:
            raise SimisError(WorkflowError.DEFINITION_INVALID, where=where, problem=str(error)) from None
        if Decision.APPROVE not in decisions:
            raise SimisError(
                WorkflowError.DEFINITION_INVALID, where=where, problem="'approve' must be allowed"
            )
        if effort <= 0 or target_hours <= 0:
            raise SimisError(
                WorkflowError.DEFINITION_INVALID,
                where=where,
                problem="effort and target_hours must be positive",
            )
        when = step.get("when")
        if when is not None:
            _condition_check(when, where)
        steps.append(
            StepDefinition(
                code=_text(step, "code", where),
                name_ar=_text(step, "name_ar", where),
                name_en=_text(step, "name_en", where),
                job_function=_text(step, "job_function", where),
                office=office,
                routing=routing,
                effort=effort,
                target_hours=target_hours,
                decisions=decisions,
                step_up=step_up,
                when=when,
            )
        )
    codes = [step.code for step in steps]
    if len(set(codes)) != len(codes):
        raise SimisError(WorkflowError.DEFINITION_INVALID, where=code, problem="step codes must be unique")
    documents = raw.get("documents") or []
    if not isinstance(documents, list) or not all(isinstance(d, str) for d in documents):
        raise SimisError(
            WorkflowError.DEFINITION_INVALID, where=code, problem="'documents' is a list of codes"
        )
    return CaseTypeDefinition(
        code=code,
        name_ar=_text(raw, "name_ar", code),
        name_en=_text(raw, "name_en", code),
        subject_kind=_text(raw, "subject_kind", code),
        steps=tuple(steps),
        documents=tuple(documents),
        description=str(raw.get("description") or ""),
    )


# --- Conditions and the path of a case -----------------------------------------------------------


def _compare(left: Any, op: str, right: Any) -> bool:
    if op == "in":
        return left in (right or [])
    if op == "eq":
        return bool(left == right)
    if op == "ne":
        return bool(left != right)
    if left is None:
        return False
    try:
        a, b = Decimal(str(left)), Decimal(str(right))
    except InvalidOperation:
        a, b = str(left), str(right)  # type: ignore[assignment]
    return {"gt": a > b, "ge": a >= b, "lt": a < b, "le": a <= b}[op]


def condition_holds(condition: Mapping[str, Any] | None, facts: Mapping[str, Any]) -> bool:
    """Whether ``condition`` holds for the case's facts; no condition always holds; a fact the case
    does not have compares as missing (false, except ``ne``)."""
    if condition is None:
        return True
    if "all" in condition:
        return all(condition_holds(part, facts) for part in condition["all"])
    if "any" in condition:
        return any(condition_holds(part, facts) for part in condition["any"])
    return _compare(facts.get(condition["fact"]), condition["op"], condition["value"])


def steps_applicable(definition: CaseTypeDefinition, facts: Mapping[str, Any]) -> list[StepDefinition]:
    """The steps a case with these facts goes through, in order."""
    return [step for step in definition.steps if condition_holds(step.when, facts)]


@dataclass(frozen=True)
class Outcome:
    """What a decision leads to: the next step (``next_step``), or the case closes
    (``final`` approve/reject), or it waits for the submitter (``return``) or for documents."""

    next_step: str | None
    closes_as: str | None = None  # "approved" / "rejected"
    waits_for: str | None = None  # "correction" / "documents"


def decision_outcome(
    definition: CaseTypeDefinition, facts: Mapping[str, Any], step_code: str, decision: Decision | str
) -> Outcome:
    """The consequence of ``decision`` at ``step_code``. WFL-003 when the step does not allow it."""
    step = definition.step(step_code)
    try:
        chosen = Decision(decision)
    except ValueError:
        raise SimisError(WorkflowError.DECISION_NOT_ALLOWED, decision=str(decision), step=step.code) from None
    if chosen not in step.decisions:
        raise SimisError(WorkflowError.DECISION_NOT_ALLOWED, decision=chosen.label, step=step.code)
    if chosen == Decision.REJECT:
        return Outcome(None, closes_as="rejected")
    if chosen == Decision.RETURN:
        return Outcome(step.code, waits_for="correction")
    if chosen == Decision.REQUEST_DOCUMENTS:
        return Outcome(step.code, waits_for="documents")
    path = [s.code for s in steps_applicable(definition, facts)]
    later = path[path.index(step.code) + 1 :] if step.code in path else []
    if not later:
        return Outcome(None, closes_as="approved")
    return Outcome(later[0])


# --- SLA -----------------------------------------------------------------------------------------

DUE_SOON_SHARE = Decimal("0.25")


def sla_state(*, created_at: datetime, due_at: datetime, now: datetime, paused: bool = False) -> SlaState:
    """Overdue after ``due_at``; due soon in the last quarter of the target time."""
    if paused:
        return SlaState.PAUSED
    if now > due_at:
        return SlaState.OVERDUE
    total = (due_at - created_at).total_seconds()
    left = (due_at - now).total_seconds()
    if total > 0 and Decimal(str(left)) <= Decimal(str(total)) * DUE_SOON_SHARE:
        return SlaState.DUE_SOON
    return SlaState.ON_TIME


def due_at(created_at: datetime, target_hours: int) -> datetime:
    return created_at + timedelta(hours=target_hours)


# --- Routing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """An eligible member of staff: holds the step's job function, works in the right office,
    is not away today, and has a capacity (1 full time, 0.5 part time)."""

    user_id: int
    capacity: Decimal
    open_effort: Decimal = Decimal(0)


def round_robin_pick(candidates: Sequence[Candidate], last_user_id: int | None) -> Candidate:
    """The next candidate after ``last_user_id`` in user-id order, wrapping around; the first
    when nobody was given a task yet (or the last one is no longer eligible and was the highest).
    WFL-010 with no candidate."""
    if not candidates:
        raise SimisError(WorkflowError.NOBODY_ELIGIBLE)
    ordered = sorted(candidates, key=lambda c: c.user_id)
    if last_user_id is None:
        return ordered[0]
    for candidate in ordered:
        if candidate.user_id > last_user_id:
            return candidate
    return ordered[0]


def weighted_pick(candidates: Sequence[Candidate], effort: Decimal) -> Candidate:
    """The candidate whose load after taking the task — (open effort + this task's effort) ÷
    capacity — is lowest; ties go to the lower user id. WFL-010 with no candidate."""
    usable = [c for c in candidates if c.capacity > 0]
    if not usable:
        raise SimisError(WorkflowError.NOBODY_ELIGIBLE)
    return min(usable, key=lambda c: ((c.open_effort + effort) / c.capacity, c.user_id))
