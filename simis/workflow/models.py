"""Cases, their steps' tasks, the decision ledger, routing cursors and staff availability.
ORM only: the rules are in rules.py, the changes in services.py.

Invariants held by the database:
- a case has at most one open task (partial unique index);
- a task that is assigned names one user; a pool task names none until claimed;
- one routing cursor per queue (job function × office);
- a member of staff's absences never overlap (exclusion constraint on a date range);
- the decision ledger is append-only (a trigger refuses UPDATE, DELETE and TRUNCATE, migration 0002).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from simis.workflow.rules import Decision, Routing


class DateRange(Func):
    function = "daterange"
    output_field = models.DateField()


class CaseType(models.Model):
    code = models.SlugField(
        _("code"), max_length=64, unique=True, help_text=_("The case type's stable code.")
    )
    name_ar = models.CharField(_("Arabic name"), max_length=200, help_text=_("The name shown in Arabic."))
    name_en = models.CharField(_("English name"), max_length=200, help_text=_("The name shown in English."))

    class Meta:
        verbose_name = _("case type")
        verbose_name_plural = _("case types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_ar if (get_language() or "ar").startswith("ar") else self.name_en


class CaseTypeVersion(models.Model):
    """One loaded version of a case type's definition, identified by the SHA-256 of its file.
    Append-only: a new file makes a new version; cases keep the version they started on."""

    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    definition = models.JSONField(_("definition"), help_text=_("The definition as loaded."))
    source_text = models.TextField(_("source text"))
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("case type version")
        verbose_name_plural = _("case type versions")
        constraints = [
            models.UniqueConstraint(fields=["case_type", "version"], name="workflow_ctv_unique_version"),
            models.UniqueConstraint(fields=["case_type", "sha256"], name="workflow_ctv_unique_hash"),
        ]

    def __str__(self) -> str:
        return f"{self.case_type.code} v{self.version}"


class CaseStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    RETURNED = "returned", _("Returned for correction")
    AWAITING_DOCUMENTS = "awaiting_documents", _("Waiting for documents")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


CLOSED_STATUSES = (CaseStatus.APPROVED, CaseStatus.REJECTED, CaseStatus.CANCELLED)


class Case(models.Model):
    """A transaction routed between job functions until complete, about one business record
    (``subject_kind`` + ``subject_key``, e.g. ``registry.engagement`` 42)."""

    version = models.ForeignKey(
        CaseTypeVersion, on_delete=models.PROTECT, related_name="cases", verbose_name=_("case type version")
    )
    subject_kind = models.CharField(_("subject kind"), max_length=64)
    subject_key = models.CharField(_("subject key"), max_length=64)
    title = models.CharField(_("title"), max_length=300, help_text=_("What the case is about, in one line."))
    office_code = models.CharField(
        _("office"), max_length=8, help_text=_("The office that handles the case.")
    )
    facts = models.JSONField(_("facts"), default=dict, help_text=_("What the routing conditions read."))
    status = models.CharField(_("status"), max_length=24, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    current_step = models.CharField(_("current step"), max_length=64, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["subject_kind", "subject_key"], name="workflow_case_subject_idx"),
            models.Index(fields=["submitted_by", "-opened_at"], name="workflow_case_submitter_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="workflow_case_closed_at",
                condition=Q(status__in=[s.value for s in CLOSED_STATUSES], closed_at__isnull=False)
                | (~Q(status__in=[s.value for s in CLOSED_STATUSES]) & Q(closed_at__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"C-{self.pk:07d}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Task(models.Model):
    """One step of one case, held by one member of staff — or unassigned: waiting in a pool to be
    claimed, or (round-robin and weighted steps) because nobody could take it when it was created;
    the routing job assigns those as soon as someone can, and supervisors see them meanwhile."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("case"))
    case_type = models.CharField(
        _("case type"), max_length=64, help_text=_("The case type's code, for the inbox.")
    )
    step_code = models.CharField(_("step"), max_length=64)
    job_function = models.CharField(_("job function"), max_length=64)
    office_code = models.CharField(_("office"), max_length=8)
    routing = models.CharField(_("routing"), max_length=16, choices=Routing.choices)
    effort = models.DecimalField(_("effort"), max_digits=6, decimal_places=2, default=Decimal(1))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workflow_tasks",
        verbose_name=_("assignee"),
    )
    status = models.CharField(_("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    paused = models.BooleanField(
        _("paused"), default=False, help_text=_("Waiting for the submitter or for documents: the SLA stops.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=24, choices=Decision.choices, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        permissions = [
            ("decide_task", _("Can take and decide workflow tasks")),
            ("decide_sensitive", _("Can decide steps that need a hardware-key confirmation")),
            ("supervise", _("Can supervise a team's tasks: reassign, redistribute, see escalations")),
            ("manage_availability", _("Can record staff absences and import the HR file")),
        ]
        indexes = [
            # The inbox: a user's open tasks, oldest first, keyset-paged on (due_at, id).
            models.Index(
                fields=["assignee", "due_at", "id"],
                name="workflow_task_inbox_idx",
                condition=Q(status="open"),
                # The inbox's counts and SLA filters read these: index-only scans.
                include=["paused", "created_at", "case_type"],
            ),
            models.Index(
                fields=["job_function", "office_code", "created_at"],
                name="workflow_task_pool_idx",
                condition=Q(status="open", assignee__isnull=True),
            ),
            models.Index(fields=["due_at"], name="workflow_task_due_idx", condition=Q(status="open")),
            models.Index(
                fields=["created_at"],
                name="workflow_task_unrouted_idx",
                condition=Q(status="open", assignee__isnull=True) & ~Q(routing="pool"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="open"), name="workflow_task_one_open_per_case"
            ),
            models.CheckConstraint(
                name="workflow_task_done_has_decision",
                condition=~Q(status="done") | (~Q(decision="") & Q(completed_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.step_code}"


class LedgerKind(models.TextChoices):
    OPENED = "opened", _("Case opened")
    ASSIGNED = "assigned", _("Assigned")
    POOLED = "pooled", _("Put in the shared pool")
    CLAIMED = "claimed", _("Claimed")
    DECIDED = "decided", _("Decided")
    RESUBMITTED = "resubmitted", _("Sent back after correction")
    DOCUMENT = "document", _("Document received")
    REASSIGNED = "reassigned", _("Reassigned")
    ESCALATED = "escalated", _("Escalated to the supervisors")
    CLOSED = "closed", _("Case closed")


class DecisionEntry(models.Model):
    """The decision ledger: every decision on every task, append-only (trigger in migration 0002)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("case"))
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    step_code = models.CharField(_("step"), max_length=64, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=LedgerKind.choices)
    decision = models.CharField(_("decision"), max_length=24, blank=True)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stepped_up = models.BooleanField(_("confirmed with a hardware key"), default=False)
    at = models.DateTimeField(_("at"), default=timezone.now)
    details = models.JSONField(_("details"), default=dict)

    class Meta:
        verbose_name = _("case history entry")
        verbose_name_plural = _("case history")
        indexes = [models.Index(fields=["case", "at"], name="workflow_ledger_case_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.decision}"


class RoutingCursor(models.Model):
    """The last member of staff a queue (job function × office) gave a task to: locked with
    ``SELECT … FOR UPDATE`` while assigning, so parallel assignments take turns."""

    job_function = models.CharField(max_length=64)
    office_code = models.CharField(max_length=8)
    last_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job_function", "office_code"], name="workflow_cursor_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.job_function}@{self.office_code}"


class StaffProfile(models.Model):
    """Where a member of staff works and how much work they take (HR)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    office_code = models.CharField(_("office"), max_length=8, help_text=_("The office the person works in."))
    capacity = models.DecimalField(
        _("capacity"),
        max_digits=3,
        decimal_places=2,
        default=Decimal(1),
        help_text=_("1 for full time, 0.5 for half time: the weighted routing divides workload by it."),
    )
    supervisor = models.BooleanField(
        _("supervisor"), default=False, help_text=_("Supervises the staff of their office.")
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        constraints = [
            models.CheckConstraint(
                name="workflow_profile_capacity_range", condition=Q(capacity__gte=0, capacity__lte=1)
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.office_code}"


class AbsenceKind(models.TextChoices):
    ANNUAL_LEAVE = "annual_leave", _("Annual leave")
    SICK_LEAVE = "sick_leave", _("Sick leave")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other absence")


class AbsenceSource(models.TextChoices):
    HR_FILE = "hr_file", _("HR file")
    MANUAL = "manual", _("Entered by hand")


class StaffAbsence(models.Model):
    """A period a member of staff is away (both days included): no new task reaches them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences", verbose_name=_("user")
    )
    start = models.DateField(_("from"), help_text=_("The first day away."))
    end = models.DateField(_("to"), help_text=_("The last day away."))
    kind = models.CharField(_("kind"), max_length=16, choices=AbsenceKind.choices, help_text=_("Why."))
    source = models.CharField(_("source"), max_length=16, choices=AbsenceSource.choices)
    note = models.CharField(_("note"), max_length=200, blank=True, help_text=_("Anything worth knowing."))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.CheckConstraint(name="workflow_absence_dates", condition=Q(end__gte=F("start"))),
            ExclusionConstraint(
                name="workflow_absence_no_overlap",
                expressions=[
                    ("user", RangeOperators.EQUAL),
                    (DateRange("start", "end", models.Value("[]")), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.start}…{self.end}"
