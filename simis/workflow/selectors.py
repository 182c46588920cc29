"""Workflow reads: inboxes, pools, team load, case pages. Every read takes the requesting user
and returns only what that user may see."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models import DurationField as DurationFieldType
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from simis.identity.public import Audience
from simis.workflow.models import (
    CLOSED_STATUSES,
    Case,
    CaseType,
    DecisionEntry,
    StaffAbsence,
    StaffProfile,
    Task,
    TaskStatus,
)
from simis.workflow.rules import SlaState, sla_state

INBOX_PAGE = 50


@dataclass(frozen=True)
class InboxCounts:
    open: int
    overdue: int
    due_soon: int
    paused: int


@dataclass(frozen=True)
class InboxRow:
    task: Task
    sla: SlaState
    age: timedelta
    step_name: str = ""


@dataclass(frozen=True)
class InboxPage:
    rows: list[InboxRow]
    counts: InboxCounts
    next_after: str | None
    case_types: list[tuple[str, str]]


def _sla_filter(queryset: QuerySet[Task], sla: str, now: datetime) -> QuerySet[Task]:
    if sla == SlaState.OVERDUE:
        return queryset.filter(paused=False, due_at__lt=now)
    if sla == SlaState.PAUSED:
        return queryset.filter(paused=True)
    annotated = queryset.annotate(
        _left=ExpressionWrapper(F("due_at") - now, output_field=DurationFieldType()),
        _quarter=ExpressionWrapper((F("due_at") - F("created_at")) / 4, output_field=DurationFieldType()),
    )
    if sla == SlaState.DUE_SOON:
        return annotated.filter(paused=False, due_at__gte=now, _left__lte=F("_quarter"))
    if sla == SlaState.ON_TIME:
        return annotated.filter(paused=False, due_at__gte=now, _left__gt=F("_quarter"))
    return queryset


def inbox(
    user: Any,
    *,
    sla: str = "",
    case_type: str = "",
    after: str = "",
    now: datetime | None = None,
    limit: int = INBOX_PAGE,
) -> InboxPage:
    """The user's open tasks, most urgent (earliest due) first, keyset-paged on (due, id), with
    counts for the whole inbox. ``after`` is the cursor of the previous page's last row."""
    now = now or timezone.now()
    mine = Task.objects.filter(assignee=user, status=TaskStatus.OPEN)
    counts = mine.aggregate(
        n_open=Count("id"),
        n_overdue=Count("id", filter=Q(paused=False, due_at__lt=now)),
        n_paused=Count("id", filter=Q(paused=True)),
        n_due_soon=Count(
            "id",
            filter=Q(paused=False, due_at__gte=now, due_at__lte=now + (F("due_at") - F("created_at")) / 4),
        ),
    )
    arabic = (get_language() or "ar").startswith("ar")
    case_types = [
        (code, ar if arabic else en)
        for code, ar, en in CaseType.objects.values_list("code", "name_ar", "name_en")
    ]
    rows = _sla_filter(mine, sla, now)
    if case_type:
        rows = rows.filter(case_type=case_type)
    if after:
        due_text, _sep, pk_text = after.partition("_")
        try:
            due = datetime.fromisoformat(due_text)
            pk = int(pk_text)
        except ValueError:
            due, pk = None, 0
        if due is not None:
            rows = rows.filter(Q(due_at__gt=due) | Q(due_at=due, pk__gt=pk))
    page = list(
        rows.select_related("case", "case__version", "case__version__case_type").order_by("due_at", "pk")[
            : limit + 1
        ]
    )
    more = len(page) > limit
    page = page[:limit]
    names = _step_names({t.case.version_id: t.case.version for t in page}, arabic)
    return InboxPage(
        rows=[
            InboxRow(
                t,
                sla_state(created_at=t.created_at, due_at=t.due_at, now=now, paused=t.paused),
                now - t.created_at,
                names.get((t.case.version_id, t.step_code), t.step_code),
            )
            for t in page
        ],
        counts=InboxCounts(counts["n_open"], counts["n_overdue"], counts["n_due_soon"], counts["n_paused"]),
        next_after=f"{page[-1].due_at.isoformat()}_{page[-1].pk}" if more and page else None,
        case_types=case_types,
    )


def _step_names(versions: dict[int, Any], arabic: bool) -> dict[tuple[int, str], str]:
    """``{(version id, step code): name}`` for the case-type versions on a page."""
    from simis.workflow.rules import definition_parse

    names = {}
    for pk, version in versions.items():
        for step in definition_parse(version.definition).steps:
            names[(pk, step.code)] = step.name_ar if arabic else step.name_en
    return names


def _job_function_codes(user: Any) -> list[str]:
    return list(user.job_functions.values_list("code", flat=True))


def pool_tasks(user: Any, *, now: datetime | None = None) -> list[Task]:
    """Unclaimed pool tasks of the queues the user belongs to (their job functions, their office)."""
    profile = StaffProfile.objects.filter(user=user).first()
    if profile is None:
        return []
    return list(
        Task.objects.filter(
            status=TaskStatus.OPEN,
            assignee__isnull=True,
            job_function__in=_job_function_codes(user),
            office_code=profile.office_code,
        )
        .select_related("case", "case__version__case_type")
        .order_by("created_at")[:200]
    )


def _staff_may_view_cases(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "audience", "") == Audience.STAFF
        and (user.has_perm("workflow.decide_task") or user.has_perm("workflow.supervise"))
    )


def case_visible(user: Any, case_id: int) -> Case:
    """A case page's case: staff who decide or supervise tasks see any case from any office;
    the submitter sees their own. 404 otherwise."""
    case = Case.objects.select_related("version__case_type", "submitted_by").filter(pk=case_id).first()
    if case is None:
        raise Http404
    if _staff_may_view_cases(user) or (
        case.submitted_by_id and case.submitted_by_id == getattr(user, "pk", None)
    ):
        return case
    raise Http404


def case_history(case: Case) -> list[DecisionEntry]:
    return list(case.decisions.select_related("actor").order_by("at", "pk"))


def task_visible(user: Any, task_id: int) -> Task:
    """A task page: its assignee, staff of its queue (pool), and supervisors; 404 otherwise."""
    task = (
        Task.objects.select_related("case", "case__version__case_type", "assignee").filter(pk=task_id).first()
    )
    if task is None or not _staff_may_view_cases(user):
        raise Http404
    return task


def case_for_subject(kind: str, key: Any) -> Case | None:
    """The newest case about a record, open or closed."""
    return Case.objects.filter(subject_kind=kind, subject_key=str(key)).order_by("-opened_at", "-pk").first()


def cases_open_for_subjects(kind: str, keys: Iterable[Any], *, include_closed: bool = False) -> set[str]:
    """Which of ``keys`` have a case not yet closed (or any case at all, ``include_closed``)."""
    wanted = [str(k) for k in keys]
    cases = Case.objects.filter(subject_kind=kind, subject_key__in=wanted)
    if not include_closed:
        cases = cases.exclude(status__in=CLOSED_STATUSES)
    return set(cases.values_list("subject_key", flat=True))


def cases_submitted_by(user: Any) -> QuerySet[Case]:
    return (
        Case.objects.filter(submitted_by=user)
        .select_related("version__case_type")
        .order_by("-opened_at")[:100]
    )


@dataclass(frozen=True)
class TeamMember:
    user: Any
    capacity: Decimal
    open_tasks: int
    open_effort: Decimal
    overdue: int
    away_until: date | None

    @property
    def load(self) -> Decimal | None:
        return (self.open_effort / self.capacity).quantize(Decimal("0.01")) if self.capacity else None


@dataclass(frozen=True)
class TeamView:
    office_code: str
    members: list[TeamMember]
    escalated: list[Task]


def supervised_offices(user: Any) -> list[str]:
    profile = StaffProfile.objects.filter(user=user, supervisor=True).first()
    if profile is None or not user.has_perm("workflow.supervise"):
        return []
    if profile.office_code == settings.SIMIS_HEAD_OFFICE:
        return sorted(set(StaffProfile.objects.values_list("office_code", flat=True)))
    return [profile.office_code]


def team(user: Any, office_code: str, *, now: datetime | None = None) -> TeamView:
    """The load of each member of staff of an office the user supervises, and the escalated
    tasks there. 404 for an office the user does not supervise."""
    if office_code not in supervised_offices(user):
        raise Http404
    now = now or timezone.now()
    today = timezone.localdate(now)
    profiles = list(
        StaffProfile.objects.filter(office_code=office_code).select_related("user").order_by("user_id")
    )
    ids = [p.user_id for p in profiles]
    load: dict[int, dict[str, Any]] = {
        row["assignee_id"]: dict(row)
        for row in Task.objects.filter(status=TaskStatus.OPEN, assignee_id__in=ids)
        .values("assignee_id")
        .annotate(
            n=Count("id"), effort=Sum("effort"), overdue=Count("id", filter=Q(paused=False, due_at__lt=now))
        )
    }
    away = {
        a.user_id: a.end
        for a in StaffAbsence.objects.filter(user_id__in=ids, start__lte=today, end__gte=today)
    }
    members = [
        TeamMember(
            p.user,
            p.capacity,
            load.get(p.user_id, {}).get("n", 0),
            Decimal(load.get(p.user_id, {}).get("effort") or 0),
            load.get(p.user_id, {}).get("overdue", 0),
            away.get(p.user_id),
        )
        for p in profiles
    ]
    escalated = list(
        Task.objects.filter(status=TaskStatus.OPEN, office_code=office_code, escalated_at__isnull=False)
        .select_related("case", "assignee", "case__version__case_type")
        .order_by("due_at")[:200]
    )
    return TeamView(office_code, members, escalated)


def staff_absences(
    *, user: Any = None, office_code: str = "", today: date | None = None
) -> QuerySet[StaffAbsence]:
    today = today or timezone.localdate()
    rows = StaffAbsence.objects.filter(end__gte=today - timedelta(days=31)).select_related("user")
    if user is not None:
        rows = rows.filter(user=user)
    if office_code:
        rows = rows.filter(user__staff_profile__office_code=office_code)
    return rows.order_by("start", "user_id")


def staff_for_reassignment(task: Task) -> list[Any]:
    ids = eligible_user_ids(task.job_function, task.office_code, timezone.localdate())
    return list(get_user_model().objects.filter(pk__in=ids).order_by("username"))


def staff_profiles() -> QuerySet[StaffProfile]:
    return StaffProfile.objects.select_related("user").order_by("office_code", "user__username")


def eligible_user_ids(job_function: str, office_code: str, on: date) -> list[int]:
    """Staff who may take a task of this queue on ``on``: active staff users holding the job
    function, working in the office, with a capacity, not away that day."""
    user_model = get_user_model()
    return list(
        user_model.objects.filter(
            is_active=True,
            audience=Audience.STAFF,
            job_functions__code=job_function,
            staff_profile__office_code=office_code,
            staff_profile__capacity__gt=0,
        )
        .exclude(absences__start__lte=on, absences__end__gte=on)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )
