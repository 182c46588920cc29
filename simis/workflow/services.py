"""Workflow changes (SYS-1): load case types, open cases, route and decide tasks, claim and
reassign, staff availability. Each is one audited transaction.

Routing (``_route``) is correct under concurrency: the queue's cursor row (job function ×
office) is locked with ``SELECT … FOR UPDATE`` before anyone is chosen, so parallel assignments
to one queue take turns — round-robin order stays fair and workload counts are exact — while
assignments to other queues run in parallel. A case holds at most one open task (a partial unique
index), and a task row names a single assignee, so a task can never reach two people.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from simis.audit.public import audit_record
from simis.core.errors import SimisError
from simis.identity.public import Audience, require_step_up
from simis.workflow import events, rules
from simis.workflow.actions import WorkflowAction
from simis.workflow.errors import WorkflowError
from simis.workflow.models import (
    AbsenceKind,
    AbsenceSource,
    Case,
    CaseStatus,
    CaseType,
    CaseTypeVersion,
    DecisionEntry,
    RoutingCursor,
    StaffAbsence,
    StaffProfile,
    Task,
    TaskStatus,
)
from simis.workflow.rules import Candidate, Decision, Routing, StepDefinition, StepOffice
from simis.workflow.selectors import eligible_user_ids

SENSITIVE_DECISION = "workflow.decide_sensitive"
CASE_TYPE_DIRS = sorted(Path(__file__).resolve().parent.parent.glob("*/case_types"))


# --- Subjects: the business records cases are about -----------------------------------------------


@dataclass(frozen=True)
class SubjectHandler:
    """What the app owning a kind of record tells the workflow.

    - ``describe(key)`` → lines ``(label, value)`` shown on the case page;
    - ``on_closed(case, outcome, actor)`` is called inside the deciding transaction when a case
      closes (``"approved"`` / ``"rejected"``): the app applies the decision to its record;
    - ``url(key)`` → a link to the record for staff, or ``""``."""

    kind: str
    describe: Callable[[str], list[tuple[str, str]]]
    on_closed: Callable[[Case, str, Any], None]
    url: Callable[[str], str] = lambda _key: ""


_SUBJECTS: dict[str, SubjectHandler] = {}


def case_subject_register(handler: SubjectHandler) -> None:
    """Called from an app's ``ready()``; registering a kind again replaces it."""
    _SUBJECTS[handler.kind] = handler


def subject_handler(kind: str) -> SubjectHandler:
    try:
        return _SUBJECTS[kind]
    except KeyError:
        raise SimisError(WorkflowError.UNKNOWN_SUBJECT_KIND, kind=kind) from None


_OFFICES: list[Callable[[], dict[str, tuple[str, str]]]] = []


def office_directory_register(lookup: Callable[[], dict[str, tuple[str, str]]]) -> None:
    """An app that keeps the institution's offices gives ``{code: (Arabic, English name)}``."""
    _OFFICES.append(lookup)


def office_directory() -> dict[str, tuple[str, str]]:
    offices = {settings.SIMIS_HEAD_OFFICE: ("المركز الرئيسي", "Head office")}
    for lookup in _OFFICES:
        offices.update(lookup())
    return offices


# --- Case types ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseTypeLoad:
    code: str
    version: int
    created: bool


@transaction.atomic
def case_types_load(paths: Iterable[Path] | None = None) -> list[CaseTypeLoad]:
    """Loads case-type files (``simis/<app>/case_types/*.yaml`` by default) as versions. An
    unchanged file is not loaded again; a changed one becomes the next version. A bad file loads
    nothing (WFL-001)."""
    files = (
        list(paths) if paths is not None else [p for d in CASE_TYPE_DIRS for p in sorted(d.glob("*.yaml"))]
    )
    results = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        raw = yaml.safe_load(text)
        definition = rules.definition_parse(raw)
        sha = hashlib.sha256(text.encode()).hexdigest()
        case_type, _created = CaseType.objects.get_or_create(
            code=definition.code, defaults={"name_ar": definition.name_ar, "name_en": definition.name_en}
        )
        CaseType.objects.filter(pk=case_type.pk).update(
            name_ar=definition.name_ar, name_en=definition.name_en
        )
        case_type = CaseType.objects.select_for_update().get(pk=case_type.pk)
        existing = CaseTypeVersion.objects.filter(case_type=case_type, sha256=sha).first()
        if existing is not None:
            results.append(CaseTypeLoad(definition.code, existing.version, False))
            continue
        last = case_type.versions.order_by("-version").first()
        version = CaseTypeVersion.objects.create(
            case_type=case_type,
            version=(last.version if last else 0) + 1,
            sha256=sha,
            definition=raw,
            source_text=text,
        )
        audit_record(
            actor=None,
            action=WorkflowAction.CASE_TYPE_LOADED,
            subject=version,
            extra={"code": definition.code, "version": version.version, "sha256": sha},
        )
        results.append(CaseTypeLoad(definition.code, version.version, True))
    return results


def version_definition(version: CaseTypeVersion) -> rules.CaseTypeDefinition:
    return rules.definition_parse(version.definition)


# --- Routing ------------------------------------------------------------------------------------


def _step_office(step: StepDefinition, case: Case) -> str:
    return settings.SIMIS_HEAD_OFFICE if step.office == StepOffice.HEAD else case.office_code


def _candidates(
    job_function: str, office_code: str, on: date, exclude: Sequence[int] = (), *, with_load: bool = True
) -> list[Candidate]:
    """The eligible staff; with their capacity and open effort only when asked (weighted routing)."""
    ids = [pk for pk in eligible_user_ids(job_function, office_code, on) if pk not in exclude]
    if not ids:
        return []
    if not with_load:
        return [Candidate(pk, Decimal(1)) for pk in ids]
    capacity = dict(StaffProfile.objects.filter(user_id__in=ids).values_list("user_id", "capacity"))
    load = dict(
        Task.objects.filter(status=TaskStatus.OPEN, assignee_id__in=ids)
        .values("assignee_id")
        .annotate(effort=Sum("effort"))
        .values_list("assignee_id", "effort")
    )
    return [Candidate(pk, Decimal(capacity[pk]), Decimal(load.get(pk) or 0)) for pk in ids]


def _cursor_lock(job_function: str, office_code: str) -> RoutingCursor:
    """The queue's cursor row, locked until the transaction ends (created on first use; two
    first uses at once both land on the one row thanks to ON CONFLICT)."""
    locked = RoutingCursor.objects.select_for_update().filter(
        job_function=job_function, office_code=office_code
    )
    found = locked.first()
    if found is not None:
        return found
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RoutingCursor._meta.db_table} (job_function, office_code, assigned) "  # noqa: S608
            "VALUES (%s, %s, 0) ON CONFLICT (job_function, office_code) DO NOTHING",
            [job_function, office_code],
        )
    return locked.get()


def _route(task: Task, *, now: datetime, prefer: int | None = None, exclude: Sequence[int] = ()) -> None:
    """Chooses the task's assignee by its routing (a pool task stays unassigned). ``prefer`` is
    taken when eligible (a case back from correction returns to its reviewer)."""
    if task.routing == Routing.POOL and prefer is None:
        task.assignee = None
        task.assigned_at = None
        return
    cursor = _cursor_lock(task.job_function, task.office_code)
    candidates = _candidates(
        task.job_function,
        task.office_code,
        timezone.localdate(now),
        exclude,
        with_load=task.routing == Routing.WEIGHTED,
    )
    chosen = next((c for c in candidates if c.user_id == prefer), None)
    if chosen is None:
        if task.routing == Routing.POOL or not candidates:
            # A pool waits to be claimed; a queue with nobody available waits for the routing
            # job (``tasks_route_pending``) — the submitter's request is never refused for it.
            task.assignee = None
            task.assigned_at = None
            return
        if task.routing == Routing.WEIGHTED:
            chosen = rules.weighted_pick(candidates, task.effort)
        else:
            chosen = rules.round_robin_pick(candidates, cursor.last_user_id)
            cursor.last_user_id = chosen.user_id
    cursor.assigned += 1
    cursor.save(update_fields=["last_user", "assigned"])
    task.assignee_id = chosen.user_id
    task.assigned_at = now


def _task_open(case: Case, step: StepDefinition, *, now: datetime, prefer: int | None = None) -> Task:
    task = Task(
        case=case,
        case_type=case.version.case_type.code,
        step_code=step.code,
        job_function=step.job_function,
        office_code=_step_office(step, case),
        routing=step.routing,
        effort=step.effort,
        created_at=now,
        due_at=rules.due_at(now, step.target_hours),
    )
    _route(task, now=now, prefer=prefer)
    task.save()
    case.current_step = step.code
    _ledger(
        case,
        task,
        "assigned" if task.assignee_id else "pooled",
        actor=None,
        now=now,
        details={"assignee": task.assignee_id, "routing": task.routing},
    )
    return task


def _ledger(
    case: Case,
    task: Task | None,
    kind: str,
    *,
    actor: Any,
    now: datetime,
    decision: str = "",
    note: str = "",
    stepped_up: bool = False,
    details: dict[str, Any] | None = None,
) -> DecisionEntry:
    return DecisionEntry.objects.create(
        case=case,
        task=task,
        step_code=task.step_code if task else case.current_step,
        kind=kind,
        decision=decision,
        note=note,
        actor=actor if getattr(actor, "pk", None) else None,
        stepped_up=stepped_up,
        at=now,
        details=details or {},
    )


# --- Cases --------------------------------------------------------------------------------------


@transaction.atomic
def case_open(
    *,
    case_type: str,
    subject_kind: str,
    subject_key: Any,
    title: str,
    office_code: str,
    facts: dict[str, Any] | None = None,
    submitted_by: Any = None,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Case:
    """Opens a case on the newest version of ``case_type`` and routes its first applicable step
    (left unassigned for the routing job when nobody can take it now). WFL-004 for a case type
    that no file defines."""
    now = now or timezone.now()
    subject_handler(subject_kind)
    version = _newest_version(case_type)
    if version is None:
        case_types_load()  # the shipped files, on first use (``make run`` loads them too)
        version = _newest_version(case_type)
    if version is None:
        raise SimisError(WorkflowError.UNKNOWN_CASE_TYPE, code=case_type)
    definition = version_definition(version)
    facts = dict(facts or {})
    steps = rules.steps_applicable(definition, facts)
    case = Case.objects.create(
        version=version,
        subject_kind=subject_kind,
        subject_key=str(subject_key),
        title=title[:300],
        office_code=office_code,
        facts=facts,
        submitted_by=submitted_by if getattr(submitted_by, "pk", None) else None,
        opened_at=now,
    )
    _ledger(case, None, "opened", actor=submitted_by, now=now, details={"version": version.version})
    from simis.workflow.documents import case_folder

    case_folder(case, actor=submitted_by)
    if steps:
        _task_open(case, steps[0], now=now)
        case.save(update_fields=["current_step"])
    else:  # every step skipped by its condition: nothing to review
        _close(case, "approved", actor=None, now=now)
    audit_record(
        actor=submitted_by,
        action=WorkflowAction.CASE_OPENED,
        subject=case,
        after={
            "case_type": case_type,
            "version": version.version,
            "subject": f"{subject_kind}:{subject_key}",
            "office": office_code,
            "facts": facts,
            "step": case.current_step,
        },
        request=request,
    )
    return case


def _newest_version(code: str) -> CaseTypeVersion | None:
    return (
        CaseTypeVersion.objects.filter(case_type__code=code)
        .select_related("case_type")
        .order_by("-version")
        .first()
    )


def _close(case: Case, outcome: str, *, actor: Any, now: datetime) -> None:
    case.status = CaseStatus.APPROVED if outcome == "approved" else CaseStatus.REJECTED
    case.closed_at = now
    case.current_step = ""
    case.save(update_fields=["status", "closed_at", "current_step"])
    _ledger(case, None, "closed", actor=actor, now=now, decision=outcome)
    subject_handler(case.subject_kind).on_closed(case, outcome, actor)
    events.case_decided(case, outcome)


def _task_locked(task: Task | int) -> Task:
    pk = task.pk if isinstance(task, Task) else task
    return Task.objects.select_for_update().select_related("case", "case__version").get(pk=pk)


@transaction.atomic
def task_decide(
    *,
    actor: Any,
    task: Task | int,
    decision: Decision | str,
    note: str = "",
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Case:
    """Decides the actor's task: approve (next applicable step, or the case is approved and its
    record updated by the owning app), reject (the case closes rejected), return for correction
    (to the submitter) or ask for documents (the task waits, its SLA paused). A step marked
    ``step_up`` needs a hardware-key confirmation from the last few minutes (IDN-020).
    WFL-011 not the assignee, WFL-012 not open, WFL-003 a decision the step does not allow,
    WFL-008 a rejection, return or request without a note."""
    now = now or timezone.now()
    task = _task_locked(task)
    case = Case.objects.select_for_update().get(pk=task.case_id)
    if task.status != TaskStatus.OPEN or case.is_closed:
        raise SimisError(WorkflowError.TASK_NOT_OPEN)
    if task.assignee_id != getattr(actor, "pk", None):
        raise SimisError(WorkflowError.NOT_YOUR_TASK)
    definition = version_definition(case.version)
    step = definition.step(task.step_code)
    outcome = rules.decision_outcome(definition, case.facts, task.step_code, decision)
    chosen = Decision(decision)
    if chosen != Decision.APPROVE and not note.strip():
        raise SimisError(WorkflowError.NOTE_REQUIRED)
    stepped_up = False
    if step.needs_step_up(chosen):
        if request is None:
            raise SimisError(WorkflowError.STEP_UP_CHANNEL)
        require_step_up(request, SENSITIVE_DECISION)
        stepped_up = True
    before = {"status": case.status, "step": case.current_step}
    if outcome.waits_for == "documents":
        task.paused = True
        task.save(update_fields=["paused"])
        case.status = CaseStatus.AWAITING_DOCUMENTS
        case.save(update_fields=["status"])
        _ledger(
            case, task, "decided", actor=actor, now=now, decision=chosen, note=note, stepped_up=stepped_up
        )
        events.case_decided(case, chosen.value, note=note)
    else:
        task.status = TaskStatus.DONE
        task.decision = chosen
        task.completed_at = now
        task.save(update_fields=["status", "decision", "completed_at"])
        _ledger(
            case, task, "decided", actor=actor, now=now, decision=chosen, note=note, stepped_up=stepped_up
        )
        if outcome.closes_as:
            _close(case, outcome.closes_as, actor=actor, now=now)
        elif outcome.waits_for == "correction":
            case.status = CaseStatus.RETURNED
            case.save(update_fields=["status"])
            events.case_decided(case, chosen.value, note=note)
        else:
            assert outcome.next_step is not None
            _task_open(case, definition.step(outcome.next_step), now=now)
            case.save(update_fields=["current_step"])
    audit_record(
        actor=actor,
        action=WorkflowAction.TASK_DECIDED,
        subject=case,
        before=before,
        after={
            "status": case.status,
            "step": case.current_step,
            "decision": chosen.value,
            "note": note,
            "task": task.pk,
            "stepped_up": stepped_up,
        },
        request=request,
    )
    return case


@transaction.atomic
def case_resubmit(
    *,
    actor: Any,
    case: Case | int,
    note: str = "",
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Case:
    """The submitter sends back a case returned for correction: the step that returned it gets
    a new task, preferably for the reviewer who returned it. WFL-006 if it is not waiting."""
    now = now or timezone.now()
    case = Case.objects.select_for_update().select_related("version").get(pk=getattr(case, "pk", case))
    if case.status != CaseStatus.RETURNED:
        raise SimisError(WorkflowError.NOT_WAITING, number=case.number)
    last = (
        case.tasks.filter(status=TaskStatus.DONE, decision=Decision.RETURN).order_by("-completed_at").first()
    )
    step = version_definition(case.version).step(last.step_code if last else case.current_step)
    case.status = CaseStatus.OPEN
    _ledger(case, None, "resubmitted", actor=actor, now=now, note=note)
    _task_open(case, step, now=now, prefer=last.assignee_id if last else None)
    case.save(update_fields=["status", "current_step"])
    audit_record(
        actor=actor,
        action=WorkflowAction.CASE_RESUBMITTED,
        subject=case,
        extra={"note": note},
        request=request,
    )
    return case


@transaction.atomic
def case_documents_received(*, case: Case | int, document: str = "", now: datetime | None = None) -> Case:
    """A document reached a case (the documents app's attach hook): a case waiting for documents
    resumes — its task's SLA restarts with the time spent waiting added."""
    now = now or timezone.now()
    case = Case.objects.select_for_update().get(pk=getattr(case, "pk", case))
    _ledger(case, None, "document", actor=None, now=now, details={"document": document})
    if case.status != CaseStatus.AWAITING_DOCUMENTS:
        return case
    task = case.tasks.select_for_update().filter(status=TaskStatus.OPEN).first()
    if task is not None and task.paused:
        paused_since = (
            DecisionEntry.objects.filter(case=case, task=task, decision=Decision.REQUEST_DOCUMENTS)
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
        if paused_since is not None:
            task.due_at = task.due_at + (now - paused_since)
        task.paused = False
        task.save(update_fields=["paused", "due_at"])
    case.status = CaseStatus.OPEN
    case.save(update_fields=["status"])
    audit_record(actor=None, action=WorkflowAction.CASE_RESUMED, subject=case, extra={"document": document})
    return case


# --- Tasks: claim, reassign, redistribute, escalate -----------------------------------------------


def _eligible_or_refuse(user: Any, task: Task, on: date) -> None:
    if user.pk not in eligible_user_ids(task.job_function, task.office_code, on):
        raise SimisError(
            WorkflowError.NOT_ELIGIBLE,
            user=user.get_username(),
            reason=f"{task.job_function} / {task.office_code}",
        )


@transaction.atomic
def task_claim(
    *, actor: Any, task: Task | int, request: HttpRequest | None = None, now: datetime | None = None
) -> Task:
    """Takes a pool task. Two people claiming at once: one gets it, the other WFL-013."""
    now = now or timezone.now()
    pk: int = task.pk if isinstance(task, Task) else int(task)
    found = Task.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
    if found is None:
        raise SimisError(WorkflowError.ALREADY_CLAIMED)
    if found.status != TaskStatus.OPEN:
        raise SimisError(WorkflowError.TASK_NOT_OPEN)
    if found.routing != Routing.POOL:
        raise SimisError(WorkflowError.NOT_IN_POOL)
    if found.assignee_id is not None:
        raise SimisError(WorkflowError.ALREADY_CLAIMED)
    _eligible_or_refuse(actor, found, timezone.localdate(now))
    found.assignee = actor
    found.assigned_at = now
    found.save(update_fields=["assignee", "assigned_at"])
    _ledger(found.case, found, "claimed", actor=actor, now=now)
    audit_record(actor=actor, action=WorkflowAction.TASK_CLAIMED, subject=found, request=request)
    return found


def _supervises(actor: Any, office_code: str) -> bool:
    actor_id = getattr(actor, "pk", None)
    profile = StaffProfile.objects.filter(user_id=actor_id).first() if actor_id else None
    return bool(
        profile
        and profile.supervisor
        and (profile.office_code in (office_code, settings.SIMIS_HEAD_OFFICE))
        and actor.has_perm("workflow.supervise")
    )


@transaction.atomic
def task_reassign(
    *,
    actor: Any,
    task: Task | int,
    to: Any,
    note: str = "",
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Task:
    """A supervisor gives an open task to another eligible member of staff (WFL-031, WFL-015)."""
    now = now or timezone.now()
    task = _task_locked(task)
    if not _supervises(actor, task.office_code):
        raise SimisError(WorkflowError.SUPERVISORS_ONLY)
    if task.status != TaskStatus.OPEN:
        raise SimisError(WorkflowError.TASK_NOT_OPEN)
    _eligible_or_refuse(to, task, timezone.localdate(now))
    before = task.assignee_id
    task.assignee = to
    task.assigned_at = now
    task.save(update_fields=["assignee", "assigned_at"])
    _ledger(
        task.case, task, "reassigned", actor=actor, now=now, note=note, details={"from": before, "to": to.pk}
    )
    audit_record(
        actor=actor,
        action=WorkflowAction.TASK_REASSIGNED,
        subject=task,
        before={"assignee": before},
        after={"assignee": to.pk, "note": note},
        request=request,
    )
    return task


@transaction.atomic
def staff_tasks_redistribute(
    *, actor: Any, user: Any, request: HttpRequest | None = None, now: datetime | None = None
) -> list[Task]:
    """Hands every open task of ``user`` (away, or leaving) to others by each task's own routing;
    a pool task goes back to its pool. All or nothing: WFL-010 when some task has nobody to go to."""
    now = now or timezone.now()
    profile = StaffProfile.objects.filter(user=user).first()
    if profile is None or not _supervises(actor, profile.office_code):
        raise SimisError(WorkflowError.SUPERVISORS_ONLY)
    moved = []
    for task in Task.objects.select_for_update().filter(assignee=user, status=TaskStatus.OPEN).order_by("pk"):
        _route(task, now=now, exclude=[user.pk])
        task.save(update_fields=["assignee", "assigned_at"])
        _ledger(
            task.case,
            task,
            "reassigned",
            actor=actor,
            now=now,
            details={"from": user.pk, "to": task.assignee_id, "redistributed": True},
        )
        moved.append(task)
    audit_record(
        actor=actor,
        action=WorkflowAction.TASKS_REDISTRIBUTED,
        subject=user,
        extra={"tasks": [t.pk for t in moved], "to": [t.assignee_id for t in moved]},
        request=request,
    )
    return moved


@transaction.atomic
def tasks_route_pending(*, now: datetime | None = None) -> list[Task]:
    """The periodic job: assigns the round-robin and weighted tasks that nobody could take when
    they were created (staff away, nobody yet holding the job function), oldest first."""
    now = now or timezone.now()
    waiting = list(
        Task.objects.select_for_update(skip_locked=True)
        .filter(status=TaskStatus.OPEN, assignee__isnull=True)
        .exclude(routing=Routing.POOL)
        .select_related("case")
        .order_by("created_at")[:1000]
    )
    routed = []
    for task in waiting:
        _route(task, now=now)
        if task.assignee_id is None:
            continue
        task.save(update_fields=["assignee", "assigned_at"])
        _ledger(
            task.case,
            task,
            "assigned",
            actor=None,
            now=now,
            details={"assignee": task.assignee_id, "routing": task.routing},
        )
        routed.append(task)
    return routed


@transaction.atomic
def tasks_escalate(*, now: datetime | None = None) -> list[Task]:
    """The periodic job: every open, running task past its target time is escalated once to the
    supervisors of its office (they see it on their team page)."""
    now = now or timezone.now()
    late = list(
        Task.objects.select_for_update(skip_locked=True)
        .filter(status=TaskStatus.OPEN, paused=False, due_at__lt=now, escalated_at__isnull=True)
        .select_related("case")
        .order_by("due_at")[:1000]
    )
    for task in late:
        task.escalated_at = now
        task.save(update_fields=["escalated_at"])
        _ledger(
            task.case, task, "escalated", actor=None, now=now, details={"due_at": task.due_at.isoformat()}
        )
    if late:
        audit_record(actor=None, action=WorkflowAction.TASKS_ESCALATED, extra={"tasks": [t.pk for t in late]})
    return late


# --- Staff availability (HR) ----------------------------------------------------------------------


def _staff_user(value: Any) -> Any:
    user_model = get_user_model()
    user = (
        value
        if isinstance(value, user_model)
        else user_model.objects.filter(username=str(value).strip()).first()
    )
    if user is None or user.audience != Audience.STAFF:
        raise SimisError(WorkflowError.UNKNOWN_STAFF, value=str(value))
    return user


@transaction.atomic
def staff_profile_set(
    *,
    actor: Any,
    user: Any,
    office_code: str,
    capacity: Decimal | str = Decimal(1),
    supervisor: bool = False,
    request: HttpRequest | None = None,
) -> StaffProfile:
    user = _staff_user(user)
    office_code = office_code.strip().upper()
    if office_code not in office_directory():
        raise SimisError(WorkflowError.UNKNOWN_OFFICE, value=office_code)
    try:
        capacity = Decimal(str(capacity))
    except InvalidOperation:
        raise SimisError(WorkflowError.CAPACITY_RANGE) from None
    if not Decimal(0) <= capacity <= Decimal(1):
        raise SimisError(WorkflowError.CAPACITY_RANGE)
    profile, _created = StaffProfile.objects.select_for_update().get_or_create(
        user=user, defaults={"office_code": office_code, "capacity": capacity, "supervisor": supervisor}
    )
    before = {
        "office": profile.office_code,
        "capacity": str(profile.capacity),
        "supervisor": profile.supervisor,
    }
    profile.office_code, profile.capacity, profile.supervisor = office_code, capacity, supervisor
    profile.save()
    audit_record(
        actor=actor,
        action=WorkflowAction.STAFF_PROFILE_SET,
        subject=profile,
        before=before,
        after={"office": office_code, "capacity": str(capacity), "supervisor": supervisor},
        request=request,
    )
    return profile


def _absence_create(user: Any, start: date, end: date, kind: str, source: str, note: str) -> StaffAbsence:
    if end < start:
        raise SimisError(WorkflowError.ABSENCE_DATES)
    if kind not in AbsenceKind.values:
        raise SimisError(WorkflowError.UNKNOWN_ABSENCE_KIND, value=kind)
    try:
        with transaction.atomic():
            return StaffAbsence.objects.create(
                user=user, start=start, end=end, kind=kind, source=source, note=note[:200]
            )
    except IntegrityError:
        raise SimisError(
            WorkflowError.ABSENCE_OVERLAP,
            user=user.get_username(),
            start=start.isoformat(),
            end=end.isoformat(),
        ) from None


@transaction.atomic
def absence_add(
    *,
    actor: Any,
    user: Any,
    start: date,
    end: date,
    kind: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> StaffAbsence:
    """Records an absence (the database refuses an overlap: WFL-022)."""
    user = _staff_user(user)
    absence = _absence_create(user, start, end, kind, AbsenceSource.MANUAL, note)
    audit_record(
        actor=actor,
        action=WorkflowAction.ABSENCE_ADDED,
        subject=absence,
        after={"user": user.pk, "start": start.isoformat(), "end": end.isoformat(), "kind": kind},
        request=request,
    )
    return absence


@transaction.atomic
def absence_remove(*, actor: Any, absence: StaffAbsence, request: HttpRequest | None = None) -> None:
    before = {
        "user": absence.user_id,
        "start": absence.start.isoformat(),
        "end": absence.end.isoformat(),
        "kind": absence.kind,
    }
    pk = absence.pk
    absence.delete()
    audit_record(
        actor=actor,
        action=WorkflowAction.ABSENCE_REMOVED,
        subject_type="workflow.staffabsence",
        subject_id=pk,
        before=before,
        request=request,
    )


HR_COLUMNS = ("username", "start", "end", "kind", "note")


@dataclass(frozen=True)
class HrRowError:
    row: int
    code: str
    message: str


@dataclass
class HrImport:
    added: int
    unchanged: int
    errors: list[HrRowError]


def hr_file_import(*, actor: Any, content: bytes, request: HttpRequest | None = None) -> HrImport:
    """Imports absences from the HR system's CSV export (``username,start,end,kind,note``; dates
    as YYYY-MM-DD). All or nothing: any bad row refuses the file (WFL-024) and the result lists
    every row's error. A row already recorded from an earlier file is left as it is."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SimisError(WorkflowError.HR_FILE_ENCODING) from None
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not set(HR_COLUMNS[:4]) <= {f.strip() for f in reader.fieldnames}:
        raise SimisError(WorkflowError.HR_FILE_COLUMNS, columns=", ".join(HR_COLUMNS))
    result = HrImport(0, 0, [])
    try:
        with transaction.atomic():
            for number, raw in enumerate(reader, start=2):
                row = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
                try:
                    user = _staff_user(row["username"])
                    try:
                        start, end = date.fromisoformat(row["start"]), date.fromisoformat(row["end"])
                    except ValueError:
                        raise SimisError(WorkflowError.ABSENCE_DATES) from None
                    if StaffAbsence.objects.filter(
                        user=user, start=start, end=end, kind=row["kind"]
                    ).exists():
                        result.unchanged += 1
                        continue
                    _absence_create(user, start, end, row["kind"], AbsenceSource.HR_FILE, row.get("note", ""))
                    result.added += 1
                except SimisError as error:
                    result.errors.append(HrRowError(number, error.code, str(error.message)))
            if result.errors:
                raise _Refused
            audit_record(
                actor=actor,
                action=WorkflowAction.HR_FILE_IMPORTED,
                extra={"added": result.added, "unchanged": result.unchanged},
                request=request,
            )
    except _Refused:
        result.added = 0
    return result


class _Refused(Exception):
    """Rolls the HR file back when any row is refused."""
