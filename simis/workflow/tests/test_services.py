"""Cases routed round-robin and by workload, pools claimed once, absences respected, decisions
applied to the record, escalations, the append-only ledger — on PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import connection, connections, transaction
from django.db.utils import ProgrammingError
from django.utils import timezone

from simis.audit.models import AuditEntry
from simis.core.errors import SimisError
from simis.workflow import services
from simis.workflow.models import Case, CaseStatus, DecisionEntry, StaffAbsence, Task, TaskStatus
from simis.workflow.tests.conftest import Recorder, staff

pytestmark = pytest.mark.django_db

THING = """
code: thing-review
name_ar: مراجعة
name_en: Thing review
subject_kind: test.thing
steps:
  - {code: review, name_ar: مراجعة, name_en: Review, job_function: registration-officer, routing: ROUTING,
     target_hours: 8, decisions: [approve, reject, return, request_documents]}
  - {code: head, name_ar: اعتماد, name_en: Head office, job_function: registration-supervisor, office: head,
     routing: pool, target_hours: 24, decisions: [approve, reject], when: {fact: amount, op: gt, value: 1000}}
"""


def load_thing(tmp_path: Path, routing: str = "round_robin") -> None:
    path = tmp_path / f"thing-{routing}.yaml"
    path.write_text(THING.replace("ROUTING", routing), encoding="utf-8")
    services.case_types_load([path])


def open_thing(key: object, office: str = "RUH", **facts: object) -> Case:
    return services.case_open(
        case_type="thing-review",
        subject_kind="test.thing",
        subject_key=key,
        title=f"thing {key}",
        office_code=office,
        facts=facts,
    )


def code_of(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as caught:
        call()
    return caught.value.code


def test_round_robin_takes_turns_and_skips_staff_on_leave(team, tmp_path: Path) -> None:
    load_thing(tmp_path)
    StaffAbsence.objects.create(
        user=team["omar"],
        start=date.today(),
        end=date.today() + timedelta(days=5),
        kind="annual_leave",
        source="manual",
    )
    owners = [open_thing(n).tasks.get().assignee.username for n in range(6)]
    assert owners == ["huda", "lina", "huda", "lina", "huda", "lina"]
    assert not Task.objects.filter(assignee=team["omar"]).exists()


def test_weighted_routing_counts_effort_against_capacity(team, tmp_path: Path) -> None:
    load_thing(tmp_path, "weighted")
    owners = Counter(open_thing(n).tasks.get().assignee.username for n in range(10))
    # Lina works half time: she ends with half the load of each full-timer.
    assert owners == {"huda": 4, "omar": 4, "lina": 2}


def test_nobody_available_leaves_the_task_for_the_routing_job(team, tmp_path: Path) -> None:
    load_thing(tmp_path)
    for name in ("huda", "omar", "lina"):
        StaffAbsence.objects.create(
            user=team[name], start=date.today(), end=date.today(), kind="sick_leave", source="manual"
        )
    case = open_thing(1)
    task = case.tasks.get()
    assert task.assignee is None and case.status == CaseStatus.OPEN
    assert services.tasks_route_pending() == []
    StaffAbsence.objects.filter(user=team["omar"]).delete()
    assert [t.assignee.username for t in services.tasks_route_pending()] == ["omar"]


def test_a_decision_walks_the_steps_and_applies_to_the_record(
    team, tmp_path: Path, recorder: Recorder
) -> None:
    load_thing(tmp_path)
    case = open_thing("big", amount=5000)
    task = case.tasks.get()
    assert (
        code_of(
            lambda: services.task_decide(
                actor=team["omar"] if task.assignee != team["omar"] else team["huda"],
                task=task,
                decision="approve",
            )
        )
        == "WFL-011"
    )
    assert (
        code_of(lambda: services.task_decide(actor=task.assignee, task=task, decision="reject")) == "WFL-008"
    )
    services.task_decide(actor=task.assignee, task=task, decision="approve")
    head = Task.objects.get(case=case, status=TaskStatus.OPEN)
    assert (head.step_code, head.office_code, head.assignee) == ("head", "HQ", None)
    assert code_of(lambda: services.task_claim(actor=team["salem"], task=head)) == "WFL-015"  # wrong office
    services.task_claim(actor=team["hq"], task=head)
    assert code_of(lambda: services.task_claim(actor=team["hq"], task=head)) == "WFL-013"
    services.task_decide(actor=team["hq"], task=head, decision="approve")
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED and case.closed_at is not None
    assert recorder.closed == [("big", "approved")]
    kinds = list(DecisionEntry.objects.filter(case=case).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["opened", "assigned", "decided", "pooled", "claimed", "decided", "closed"]
    assert AuditEntry.objects.filter(action="workflow.task_decided").count() == 2


def test_return_for_correction_comes_back_to_the_same_reviewer(
    team, tmp_path: Path, recorder: Recorder
) -> None:
    load_thing(tmp_path)
    open_thing(0)  # Huda's turn; the next goes to Lina
    case = open_thing(1)
    task = case.tasks.get()
    reviewer = task.assignee
    services.task_decide(actor=reviewer, task=task, decision="return", note="The join date is wrong.")
    case.refresh_from_db()
    assert case.status == CaseStatus.RETURNED and not case.tasks.filter(status=TaskStatus.OPEN).exists()
    services.case_resubmit(actor=None, case=case, note="Corrected.")
    again = case.tasks.get(status=TaskStatus.OPEN)
    assert again.assignee == reviewer and again.step_code == "review"
    services.task_decide(actor=reviewer, task=again, decision="reject", note="Not eligible.")
    assert recorder.closed == [("1", "rejected")]


def test_asking_for_documents_pauses_the_clock_until_one_arrives(team, tmp_path: Path) -> None:
    load_thing(tmp_path)
    case = open_thing(1)
    task = case.tasks.get()
    first_due = task.due_at
    asked = timezone.now()
    services.task_decide(
        actor=task.assignee, task=task, decision="request_documents", note="Send the contract.", now=asked
    )
    task.refresh_from_db()
    assert task.paused and task.status == TaskStatus.OPEN
    services.case_documents_received(case=case, document="contract v1", now=asked + timedelta(hours=30))
    task.refresh_from_db()
    case.refresh_from_db()
    assert not task.paused and case.status == CaseStatus.OPEN
    assert task.due_at == first_due + timedelta(hours=30)


def test_supervisor_reassigns_and_redistributes_the_tasks_of_someone_going_on_leave(
    team, tmp_path: Path
) -> None:
    load_thing(tmp_path)
    cases = [open_thing(n) for n in range(6)]
    hudas = list(Task.objects.filter(assignee=team["huda"], status=TaskStatus.OPEN))
    assert len(hudas) == 2
    assert (
        code_of(lambda: services.task_reassign(actor=team["omar"], task=hudas[0], to=team["lina"]))
        == "WFL-031"
    )
    services.task_reassign(actor=team["salem"], task=hudas[0], to=team["lina"], note="balance")
    StaffAbsence.objects.create(
        user=team["huda"],
        start=date.today(),
        end=date.today() + timedelta(days=9),
        kind="annual_leave",
        source="manual",
    )
    moved = services.staff_tasks_redistribute(actor=team["salem"], user=team["huda"])
    assert len(moved) == 1 and moved[0].assignee in (team["omar"], team["lina"])
    assert not Task.objects.filter(assignee=team["huda"], status=TaskStatus.OPEN).exists()
    assert Task.objects.filter(case__in=cases, status=TaskStatus.OPEN).count() == 6


def test_overdue_tasks_are_escalated_once(team, tmp_path: Path) -> None:
    load_thing(tmp_path)
    open_thing(1)
    later = timezone.now() + timedelta(hours=9)
    assert len(services.tasks_escalate(now=later)) == 1
    assert services.tasks_escalate(now=later + timedelta(hours=1)) == []


def test_the_ledger_is_append_only_in_the_database(team, tmp_path: Path) -> None:
    load_thing(tmp_path)
    case = open_thing(1)
    with pytest.raises(ProgrammingError, match="WFL-009"), transaction.atomic():
        DecisionEntry.objects.filter(case=case).update(note="rewritten")
    with (
        pytest.raises(ProgrammingError, match="WFL-009"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM workflow_decisionentry")


def test_a_case_keeps_the_version_it_started_on(team, tmp_path: Path) -> None:
    load_thing(tmp_path)
    first = open_thing(1)
    path = tmp_path / "changed.yaml"
    path.write_text(
        THING.replace("ROUTING", "weighted").replace("target_hours: 8", "target_hours: 4"), encoding="utf-8"
    )
    (loaded,) = services.case_types_load([path])
    assert loaded.created and loaded.version == 2
    second = open_thing(2)
    assert (first.version.version, second.version.version) == (1, 2)
    assert services.version_definition(first.version).step("review").target_hours == 8


def test_absences_never_overlap_and_the_hr_file_is_all_or_nothing(team) -> None:
    services.absence_add(
        actor=team["salem"],
        user="huda",
        start=date(2026, 12, 1),
        end=date(2026, 12, 10),
        kind="annual_leave",
    )
    assert (
        code_of(
            lambda: services.absence_add(
                actor=None, user="huda", start=date(2026, 12, 10), end=date(2026, 12, 12), kind="training"
            )
        )
        == "WFL-022"
    )
    bad = (
        b"username,start,end,kind,note\n"
        b"omar,2026-12-01,2026-12-03,annual_leave,\n"
        b"nobody,2026-12-01,2026-12-02,sick_leave,\n"
    )
    result = services.hr_file_import(actor=team["salem"], content=bad)
    assert [(e.row, e.code) for e in result.errors] == [(3, "WFL-020")] and result.added == 0
    assert not StaffAbsence.objects.filter(user=team["omar"]).exists()
    good = b"username,start,end,kind,note\nomar,2026-12-01,2026-12-03,annual_leave,Umrah\n"
    assert services.hr_file_import(actor=team["salem"], content=good).added == 1
    assert services.hr_file_import(actor=team["salem"], content=good).unchanged == 1
    assert code_of(lambda: services.hr_file_import(actor=None, content=b"who,when\n")) == "WFL-023"


@pytest.mark.django_db(transaction=True)
def test_parallel_assignment_never_doubles_and_stays_fair(officer_function, tmp_path: Path) -> None:
    """Four producers on four connections open 60 cases at once into one round-robin queue.
    (At head office: a transactional test may follow another that emptied the offices table.)"""
    services.case_types_load()
    for name in ("huda", "omar", "lina"):
        staff(name, officer_function, office="HQ")
    load_thing(tmp_path)
    errors: list[BaseException] = []

    def producer(offset: int) -> None:
        try:
            for n in range(15):
                open_thing(f"{offset}-{n}", office="HQ")
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=producer, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    tasks = list(Task.objects.filter(status=TaskStatus.OPEN))
    assert len(tasks) == 60 == len({t.case_id for t in tasks})
    assert all(t.assignee_id is not None for t in tasks)
    assert sorted(Counter(t.assignee.username for t in tasks).values()) == [20, 20, 20]
    # In the order the cursor handed them out (the "assigned" entries are written while the
    # cursor row is locked, so their ids follow it), owners follow the round exactly.
    entries = DecisionEntry.objects.filter(kind="assigned").order_by("pk").select_related("task__assignee")
    order = [e.task.assignee.username for e in entries]
    assert all(order[i] != order[i + 1] for i in range(len(order) - 1))
