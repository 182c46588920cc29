"""Staff of the Riyadh office for the workflow tests: Huda, Omar and Lina review registrations
(round-robin), Salem supervises; a test subject kind records what the workflow asked of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import Permission

from simis.identity.models import Audience, JobFunction, JobFunctionMembership, User
from simis.identity.tests.conftest import make_user
from simis.workflow.services import SubjectHandler, case_subject_register, case_types_load, staff_profile_set


@dataclass
class Recorder:
    closed: list[tuple[str, str]] = field(default_factory=list)


RECORDER = Recorder()
PERSONAS: dict[str, Any] = {}


def _on_closed(case: Any, outcome: str, actor: Any) -> None:
    RECORDER.closed.append((case.subject_key, outcome))


case_subject_register(
    SubjectHandler(kind="test.thing", describe=lambda key: [("Thing", key)], on_closed=_on_closed)
)


def job_function(code: str, *perms: str) -> JobFunction:
    found, _created = JobFunction.objects.get_or_create(
        code=code, defaults={"name_ar": code, "name_en": code, "audience": Audience.STAFF}
    )
    for perm in perms:
        app, codename = perm.split(".")
        found.permissions.add(Permission.objects.get(content_type__app_label=app, codename=codename))
    return found


def staff(
    username: str, *functions: JobFunction, office: str = "RUH", capacity: str = "1", supervisor: bool = False
) -> User:
    persona = make_user(username)
    PERSONAS[username] = persona
    user = persona.user
    for function in functions:
        JobFunctionMembership.objects.create(user=user, job_function=function)
    staff_profile_set(actor=None, user=user, office_code=office, capacity=capacity, supervisor=supervisor)
    return user


@pytest.fixture
def officer_function(db) -> JobFunction:  # type: ignore[no-untyped-def]
    return job_function("registration-officer", "workflow.decide_task", "workflow.decide_sensitive")


@pytest.fixture
def team(officer_function: JobFunction) -> dict[str, User]:
    case_types_load()
    supervisor = job_function(
        "registration-supervisor",
        "workflow.decide_task",
        "workflow.supervise",
        "workflow.manage_availability",
        "workflow.decide_sensitive",
    )
    return {
        "huda": staff("huda", officer_function),
        "omar": staff("omar", officer_function),
        "lina": staff("lina", officer_function, capacity="0.5"),
        "salem": staff("salem", supervisor, supervisor=True),
        "hq": staff("hq-approver", supervisor, office="HQ"),
    }


@pytest.fixture
def recorder() -> Recorder:
    RECORDER.closed.clear()
    return RECORDER
