"""Workflow pages: the inbox, a task with its case and decision form, the pool, the team page
for supervisors, staff availability, and the submitter's own cases. Thin: each change calls one
service; every read goes through a selector that checks who is asking."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from simis.core.errors import SimisError
from simis.identity.public import Audience, step_up_is_fresh
from simis.workflow import selectors, services
from simis.workflow.documents import FOLDER_KIND
from simis.workflow.errors import WorkflowError
from simis.workflow.models import AbsenceKind, CaseStatus, StaffAbsence, TaskStatus
from simis.workflow.rules import Decision, SlaState


def staff_only(view: Any) -> Any:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if getattr(request.user, "audience", "") != Audience.STAFF:
            raise PermissionDenied
        response: HttpResponseBase = view(request, *args, **kwargs)
        return response

    return wrapped


def _refused(request: HttpRequest, error: SimisError) -> None:
    messages.error(request, f"{error.code}: {error.message}")


@staff_only
def inbox(request: HttpRequest) -> HttpResponse:
    sla = request.GET.get("sla", "")
    case_type = request.GET.get("type", "")
    page = selectors.inbox(
        request.user,
        sla=sla if sla in SlaState.values else "",
        case_type=case_type,
        after=request.GET.get("after", ""),
    )
    template = "workflow/_inbox_rows.html" if request.htmx else "workflow/inbox.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "page": page,
            "sla": sla,
            "case_type": case_type,
            "sla_choices": SlaState.choices,
            "pool": selectors.pool_tasks(request.user),
        },
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=Decision.choices,
        help_text=_("Approve moves the case on; the other decisions need a note for the submitter."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why you decided so. The submitter receives it with a rejection, return or request."),
    )

    def __init__(self, *args: Any, allowed: tuple[Decision, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(d.value, d.label) for d in allowed]


@staff_only
def task_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    task = selectors.task_visible(request.user, pk)
    case = task.case
    definition = services.version_definition(case.version)
    step = definition.step(task.step_code)
    handler = services.subject_handler(case.subject_kind)
    form = DecisionForm(request.POST or None, allowed=step.decisions)
    if request.method == "POST" and task.assignee_id != request.user.pk:
        _refused(request, SimisError(WorkflowError.NOT_YOUR_TASK))
    elif request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        if step.needs_step_up(decision) and not step_up_is_fresh(request):
            # Keep the choice in the session so the page comes back with it after the key.
            request.session["workflow_pending_decision"] = {
                "task": task.pk,
                "decision": decision,
                "note": form.cleaned_data["note"],
            }
            url = reverse("identity:step_up") + "?next=" + reverse("workflow:task", args=[task.pk])
            return redirect(url + "&permission=" + services.SENSITIVE_DECISION)
        try:
            services.task_decide(
                actor=request.user,
                task=task,
                decision=decision,
                note=form.cleaned_data["note"],
                request=request,
            )
        except SimisError as error:
            _refused(request, error)
        else:
            request.session.pop("workflow_pending_decision", None)
            messages.success(request, _("Decision recorded."))
            return redirect("workflow:inbox")
    pending = request.session.get("workflow_pending_decision")
    if request.method == "GET" and isinstance(pending, dict) and pending.get("task") == task.pk:
        form = DecisionForm(initial=pending, allowed=step.decisions)
    now = timezone.now()
    return render(
        request,
        "workflow/task.html",
        {
            "task": task,
            "case": case,
            "definition": definition,
            "step": step,
            "steps": definition.steps,
            "subject_lines": handler.describe(case.subject_key),
            "subject_url": handler.url(case.subject_key),
            "history": _named(selectors.case_history(case), definition),
            "form": form,
            "mine": task.assignee_id == request.user.pk and task.status == TaskStatus.OPEN,
            "claimable": task.assignee_id is None and task.status == TaskStatus.OPEN,
            "sla": _sla(task, now),
            "step_up_fresh": step_up_is_fresh(request),
            "step_up_decisions": [d.label for d in step.step_up],
            "documents": _documents(case, definition),
            "folder": _folder(case),
        },
    )


def _named(history: list[Any], definition: Any) -> list[Any]:
    """Each history entry with its step's name in the reader's language (``step_name``)."""
    from django.utils.translation import get_language

    language = get_language() or "ar"
    names = {step.code: step.name(language) for step in definition.steps}
    labels = {**dict(Decision.choices), **dict(CaseStatus.choices)}
    for entry in history:
        entry.step_name = names.get(entry.step_code, entry.step_code)
        entry.decision_label = labels.get(entry.decision, entry.decision)
    return history


def _folder(case: Any) -> Any:
    from simis.documents.public import folder_of

    return folder_of(FOLDER_KIND, str(case.pk))


def _documents(case: Any, definition: Any) -> list[dict[str, Any]]:
    """The papers the case type needs, each with its type, whether it arrived, and its newest version."""
    from simis.documents.public import document_types_active, folder_latest_documents

    folder = _folder(case)
    latest = {d.document_type.code: d for d in folder_latest_documents(folder)} if folder else {}
    types = {t.code: t for t in document_types_active()}
    return [
        {"code": code, "type": types.get(code), "document": latest.get(code)} for code in definition.documents
    ]


def _sla(task: Any, now: Any) -> str:
    from simis.workflow.rules import sla_state

    return sla_state(created_at=task.created_at, due_at=task.due_at, now=now, paused=task.paused)


@staff_only
@require_POST
def task_claim(request: HttpRequest, pk: int) -> HttpResponseBase:
    try:
        services.task_claim(actor=request.user, task=pk, request=request)
    except SimisError as error:
        _refused(request, error)
        return redirect("workflow:inbox")
    return redirect("workflow:task", pk=pk)


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_visible(request.user, pk)
    definition = services.version_definition(case.version)
    return render(
        request,
        "workflow/case.html",
        {
            "case": case,
            "definition": definition,
            "history": _named(selectors.case_history(case), definition),
            "subject_lines": services.subject_handler(case.subject_kind).describe(case.subject_key),
            "is_submitter": case.submitted_by_id == request.user.pk,
        },
    )


@login_required
@require_POST
def case_resubmit(request: HttpRequest, pk: int) -> HttpResponseBase:
    case = selectors.case_visible(request.user, pk)
    if case.submitted_by_id != request.user.pk:
        raise Http404
    try:
        services.case_resubmit(
            actor=request.user, case=case, note=request.POST.get("note", ""), request=request
        )
    except SimisError as error:
        _refused(request, error)
    return redirect("workflow:case", pk=pk)


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    return render(request, "workflow/my_cases.html", {"cases": selectors.cases_submitted_by(request.user)})


# --- Supervisors ---------------------------------------------------------------------------------


@staff_only
def team(request: HttpRequest) -> HttpResponse:
    offices = selectors.supervised_offices(request.user)
    if not offices:
        raise PermissionDenied
    office = request.GET.get("office") or offices[0]
    view = selectors.team(request.user, office)
    directory = services.office_directory()
    return render(
        request,
        "workflow/team.html",
        {"view": view, "offices": offices, "office": office, "directory": directory},
    )


@staff_only
@require_POST
def team_redistribute(request: HttpRequest, user_id: int) -> HttpResponseBase:
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise Http404
    try:
        moved = services.staff_tasks_redistribute(actor=request.user, user=user, request=request)
    except SimisError as error:
        _refused(request, error)
    else:
        messages.success(request, _("%(count)d open task(s) redistributed.") % {"count": len(moved)})
    return redirect(reverse("workflow:team") + "?office=" + request.POST.get("office", ""))


class ReassignForm(forms.Form):
    to = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        label=_("Give to"),
        help_text=_("Only staff who hold the step's job function in its office and are not away are listed."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=500, help_text=_("Why the task changes hands.")
    )


@staff_only
def task_reassign(request: HttpRequest, pk: int) -> HttpResponseBase:
    task = selectors.task_visible(request.user, pk)
    form = ReassignForm(request.POST or None)
    candidates = selectors.staff_for_reassignment(task)
    to_field = form.fields["to"]
    assert isinstance(to_field, forms.ModelChoiceField)
    to_field.queryset = get_user_model().objects.filter(pk__in=[u.pk for u in candidates])
    if request.method == "POST" and form.is_valid():
        try:
            services.task_reassign(
                actor=request.user,
                task=task,
                to=form.cleaned_data["to"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except SimisError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Task reassigned."))
            return redirect(reverse("workflow:team") + "?office=" + task.office_code)
    return render(request, "workflow/reassign.html", {"task": task, "form": form})


# --- Staff availability --------------------------------------------------------------------------


class AbsenceForm(forms.Form):
    username = forms.CharField(
        label=_("User name"), max_length=150, help_text=_("The member of staff's user name.")
    )
    start = forms.DateField(label=_("From"), help_text=_("The first day away (YYYY-MM-DD)."))
    end = forms.DateField(label=_("To"), help_text=_("The last day away (YYYY-MM-DD)."))
    kind = forms.ChoiceField(
        label=_("Kind"), choices=AbsenceKind.choices, help_text=_("Why the person is away.")
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=200, help_text=_("Anything worth knowing.")
    )


class HrFileForm(forms.Form):
    file = forms.FileField(
        label=_("HR file"),
        help_text=_(
            "A UTF-8 CSV file with the columns username, start, end, kind, note (dates as YYYY-MM-DD)."
        ),
    )


class StaffProfileForm(forms.Form):
    username = forms.CharField(
        label=_("User name"), max_length=150, help_text=_("The member of staff's user name.")
    )
    office_code = forms.CharField(
        label=_("Office"), max_length=8, help_text=_("The office code, e.g. RUH; HQ for head office.")
    )
    capacity = forms.DecimalField(
        label=_("Capacity"),
        min_value=0,
        max_value=1,
        decimal_places=2,
        initial=1,
        help_text=_("1 for full time, 0.5 for half time; 0 takes no new tasks."),
    )
    supervisor = forms.BooleanField(
        label=_("Supervisor"), required=False, help_text=_("Supervises the staff of the office.")
    )


def _may_manage_availability(request: HttpRequest) -> None:
    if not request.user.has_perm("workflow.manage_availability"):
        raise PermissionDenied


@staff_only
def availability(request: HttpRequest) -> HttpResponse:
    _may_manage_availability(request)
    form = AbsenceForm(request.POST if request.POST.get("form") == "absence" else None)
    hr_form = HrFileForm(
        request.POST if request.POST.get("form") == "hr" else None,
        request.FILES if request.POST.get("form") == "hr" else None,
    )
    profile_form = StaffProfileForm(request.POST if request.POST.get("form") == "profile" else None)
    hr_result = None
    if request.method == "POST" and request.POST.get("form") == "profile" and profile_form.is_valid():
        data = profile_form.cleaned_data
        try:
            services.staff_profile_set(
                actor=request.user,
                user=data["username"],
                office_code=data["office_code"],
                capacity=data["capacity"],
                supervisor=data["supervisor"],
                request=request,
            )
        except SimisError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Staff office and capacity saved."))
            return redirect("workflow:availability")
    if request.method == "POST" and request.POST.get("form") == "absence" and form.is_valid():
        try:
            services.absence_add(
                actor=request.user,
                user=form.cleaned_data["username"],
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except SimisError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Absence recorded."))
            return redirect("workflow:availability")
    if request.method == "POST" and request.POST.get("form") == "hr" and hr_form.is_valid():
        try:
            hr_result = services.hr_file_import(
                actor=request.user, content=hr_form.cleaned_data["file"].read(), request=request
            )
        except SimisError as error:
            _refused(request, error)
        else:
            if hr_result.errors:
                messages.error(request, _("The HR file has errors; nothing was imported."))
            else:
                messages.success(
                    request,
                    _("HR file imported: %(added)d absence(s) added, %(unchanged)d already known.")
                    % {"added": hr_result.added, "unchanged": hr_result.unchanged},
                )
    return render(
        request,
        "workflow/availability.html",
        {
            "absences": selectors.staff_absences(),
            "form": form,
            "hr_form": hr_form,
            "hr_result": hr_result,
            "profile_form": profile_form,
            "profiles": selectors.staff_profiles(),
            "today": timezone.localdate(),
        },
    )


@staff_only
@require_POST
def absence_remove(request: HttpRequest, pk: int) -> HttpResponseBase:
    _may_manage_availability(request)
    absence = StaffAbsence.objects.filter(pk=pk).first()
    if absence is None:
        raise Http404
    services.absence_remove(actor=request.user, absence=absence, request=request)
    messages.success(request, _("Absence removed."))
    return redirect("workflow:availability")
