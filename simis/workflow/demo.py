"""The workflow's demonstration set-up for ``make run`` (idempotent): the case types, the two
registration job functions, the Riyadh office's reviewers — Huda (``reviewer``) at work and
Faisal (``reviewer2``) on annual leave for the next two weeks — and Khalid (``staff``) as the
office's supervisor. A retroactive registration at Nour Trading (Riyadh office) therefore lands
in Huda's inbox, never in Faisal's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from simis.identity.public import Audience
from simis.workflow.models import AbsenceKind, AbsenceSource, StaffAbsence, StaffProfile
from simis.workflow.services import case_types_load, staff_profile_set

FUNCTIONS = {
    "registration-officer": (
        "موظف التسجيل",
        "Registration officer",
        ["decide_task", "decide_sensitive"],
    ),
    "registration-supervisor": (
        "مشرف التسجيل",
        "Registration supervisor",
        ["decide_task", "decide_sensitive", "supervise", "manage_availability"],
    ),
}
# username → (job functions, office, supervisor)
STAFF = {
    "reviewer": (["registration-officer"], "RUH", False),
    "reviewer2": (["registration-officer"], "RUH", False),
    "staff": (["registration-supervisor"], "RUH", True),
}
ON_LEAVE = "reviewer2"


@dataclass(frozen=True)
class WorkflowDemo:
    case_types: int
    staff: int


@transaction.atomic
def workflow_demo_load() -> WorkflowDemo:
    user_model = get_user_model()
    job_function_model: Any = user_model._meta.get_field("job_functions").related_model
    loaded = case_types_load()
    for code, (name_ar, name_en, perms) in FUNCTIONS.items():
        function, _created = job_function_model.objects.get_or_create(
            code=code, defaults={"name_ar": name_ar, "name_en": name_en, "audience": Audience.STAFF}
        )
        function.permissions.add(
            *Permission.objects.filter(content_type__app_label="workflow", codename__in=perms)
        )
    users = user_model.objects.filter(username__in=STAFF)
    for user in users:
        functions, office, supervisor = STAFF[user.username]
        user.job_functions.add(*job_function_model.objects.filter(code__in=functions))
        if not StaffProfile.objects.filter(user=user).exists():
            staff_profile_set(actor=None, user=user, office_code=office, supervisor=supervisor)
        if user.username == ON_LEAVE:
            today = timezone.localdate()
            if not StaffAbsence.objects.filter(user=user, start__lte=today, end__gte=today).exists():
                StaffAbsence.objects.filter(user=user, end__gte=today).delete()
                StaffAbsence.objects.create(
                    user=user,
                    start=today - timedelta(days=1),
                    end=today + timedelta(days=14),
                    kind=AbsenceKind.ANNUAL_LEAVE,
                    source=AbsenceSource.HR_FILE,
                    note="demo",
                )
    return WorkflowDemo(case_types=len(loaded), staff=len(users))
