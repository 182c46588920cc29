"""The workflow's pages for supervisors and submitters: team load, reassign, redistribute,
availability with the HR file and staff profiles, the pool, a submitter's own cases."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from simis.workflow.models import StaffAbsence, StaffProfile, Task, TaskStatus
from simis.workflow.tests.conftest import PERSONAS
from simis.workflow.tests.test_services import load_thing, open_thing

pytestmark = pytest.mark.django_db


def test_team_page_shows_load_and_redistributes(client: Client, team, tmp_path: Path) -> None:
    load_thing(tmp_path)
    for n in range(6):
        open_thing(n)
    client.force_login(team["huda"])
    assert client.get("/workflow/team/").status_code == 403  # not a supervisor
    client.force_login(team["salem"])
    page = client.get("/workflow/team/")
    assert page.status_code == 200 and b'data-user="huda"' in page.content
    StaffAbsence.objects.create(
        user=team["huda"],
        start=date.today(),
        end=date.today() + timedelta(days=3),
        kind="sick_leave",
        source="manual",
    )
    moved = client.post(f"/workflow/team/{team['huda'].pk}/redistribute/", {"office": "RUH"})
    assert moved.status_code == 302
    assert not Task.objects.filter(assignee=team["huda"], status=TaskStatus.OPEN).exists()
    task = Task.objects.filter(status=TaskStatus.OPEN).first()
    form = client.get(f"/workflow/tasks/{task.pk}/reassign/")
    assert form.status_code == 200
    target = team["lina"] if task.assignee != team["lina"] else team["omar"]
    done = client.post(f"/workflow/tasks/{task.pk}/reassign/", {"to": target.pk, "note": "balance"})
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.assignee == target


def test_availability_page_records_absences_profiles_and_the_hr_file(client: Client, team) -> None:
    client.force_login(team["huda"])
    assert client.get("/workflow/availability/").status_code == 403
    client.force_login(team["salem"])
    assert client.get("/workflow/availability/").status_code == 200
    added = client.post(
        "/workflow/availability/",
        {
            "form": "absence",
            "username": "omar",
            "start": "2026-12-01",
            "end": "2026-12-05",
            "kind": "training",
            "note": "",
        },
    )
    assert added.status_code == 302 and StaffAbsence.objects.filter(user=team["omar"]).exists()
    clash = client.post(
        "/workflow/availability/",
        {
            "form": "absence",
            "username": "omar",
            "start": "2026-12-05",
            "end": "2026-12-06",
            "kind": "other",
            "note": "",
        },
    )
    assert b"WFL-022" in clash.content
    profile = client.post(
        "/workflow/availability/",
        {"form": "profile", "username": "lina", "office_code": "jed", "capacity": "0.75"},
    )
    assert profile.status_code == 302
    assert (
        StaffProfile.objects.get(user=team["lina"]).office_code,
        str(StaffProfile.objects.get(user=team["lina"]).capacity),
    ) == ("JED", "0.75")
    bad = SimpleUploadedFile(
        "hr.csv", b"username,start,end,kind,note\nnobody,2026-12-01,2026-12-02,sick_leave,\n"
    )
    refused = client.post("/workflow/availability/", {"form": "hr", "file": bad})
    assert b"WFL-020" in refused.content


def test_pool_tasks_are_claimed_from_the_inbox(client: Client, team, tmp_path: Path) -> None:
    load_thing(tmp_path)
    case = open_thing("big", office="RUH", amount=5000)
    first = case.tasks.get()
    from simis.workflow.services import task_decide

    task_decide(actor=first.assignee, task=first, decision="approve")
    head = Task.objects.get(case=case, status=TaskStatus.OPEN)
    client.force_login(team["hq"])
    inbox = client.get("/workflow/inbox/")
    assert f'data-testid="claim-{head.pk}"'.encode() in inbox.content
    assert client.post(f"/workflow/tasks/{head.pk}/claim/").status_code == 302
    head.refresh_from_db()
    assert head.assignee == team["hq"]


def test_the_submitter_sees_their_cases_and_nobody_else_does(client: Client, team, tmp_path: Path) -> None:
    load_thing(tmp_path)
    from simis.identity.tests.conftest import make_user
    from simis.workflow.services import case_open

    employer = make_user("employer_x", "employer").user
    other = make_user("employer_y", "employer").user
    case = case_open(
        case_type="thing-review",
        subject_kind="test.thing",
        subject_key="k",
        title="mine",
        office_code="RUH",
        submitted_by=employer,
    )
    client.force_login(employer)
    assert b"mine" in client.get("/workflow/cases/").content
    assert client.get(f"/workflow/cases/{case.pk}/").status_code == 200
    client.force_login(other)
    assert client.get(f"/workflow/cases/{case.pk}/").status_code == 404
    assert PERSONAS["huda"].user.has_perm("workflow.decide_task")
