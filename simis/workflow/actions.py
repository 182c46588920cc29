"""Audit action codes recorded by the workflow app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkflowAction(models.TextChoices):
    CASE_TYPE_LOADED = "workflow.case_type_loaded", _("Case type version loaded")
    CASE_OPENED = "workflow.case_opened", _("Case opened")
    TASK_DECIDED = "workflow.task_decided", _("Task decided")
    CASE_RESUBMITTED = "workflow.case_resubmitted", _("Case sent back after correction")
    CASE_RESUMED = "workflow.case_resumed", _("Case resumed when documents arrived")
    TASK_CLAIMED = "workflow.task_claimed", _("Pool task claimed")
    TASK_REASSIGNED = "workflow.task_reassigned", _("Task reassigned")
    TASKS_REDISTRIBUTED = "workflow.tasks_redistributed", _("Open tasks of a member of staff redistributed")
    TASKS_ESCALATED = "workflow.tasks_escalated", _("Overdue tasks escalated")
    STAFF_PROFILE_SET = "workflow.staff_profile_set", _("Staff office and capacity set")
    ABSENCE_ADDED = "workflow.absence_added", _("Staff absence recorded")
    ABSENCE_REMOVED = "workflow.absence_removed", _("Staff absence removed")
    HR_FILE_IMPORTED = "workflow.hr_file_imported", _("HR absence file imported")
