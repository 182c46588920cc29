"""The workflow's coded, bilingual refusals (WFL-xxx).

Numbering: WFL-00x definitions and decisions, WFL-01x routing and tasks, WFL-02x staff
availability and the HR file, WFL-03x access. Codes never change meaning."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from simis.core.errors import ErrorCatalogue


class WorkflowError(ErrorCatalogue):
    DEFINITION_INVALID = ("WFL-001", _("The case type definition is not valid (%(where)s): %(problem)s."))
    UNKNOWN_STEP = ("WFL-002", _("The case type %(case_type)s has no step %(step)s."))
    DECISION_NOT_ALLOWED = ("WFL-003", _("The decision “%(decision)s” is not allowed at step %(step)s."))
    UNKNOWN_CASE_TYPE = ("WFL-004", _("There is no case type %(code)s; load the case types first."))
    CASE_CLOSED = ("WFL-005", _("Case %(number)s is closed; nothing more can be decided on it."))
    NOT_WAITING = ("WFL-006", _("Case %(number)s is not waiting for the submitter."))
    UNKNOWN_SUBJECT_KIND = ("WFL-007", _("No application handles cases about %(kind)s."))
    LEDGER_APPEND_ONLY = (
        "WFL-009",
        _("The case history is append-only: entries are never changed or deleted."),
    )
    NOTE_REQUIRED = ("WFL-008", _("Write a note explaining the decision: it is sent to the submitter."))
    NOBODY_ELIGIBLE = (
        "WFL-010",
        _("Nobody can take this task now: no available member of staff holds its job function there."),
    )
    NOT_YOUR_TASK = ("WFL-011", _("This task is assigned to someone else."))
    TASK_NOT_OPEN = ("WFL-012", _("This task is no longer open."))
    ALREADY_CLAIMED = ("WFL-013", _("Someone else claimed this task first."))
    NOT_IN_POOL = ("WFL-014", _("This task is not in a shared pool."))
    NOT_ELIGIBLE = ("WFL-015", _("%(user)s cannot take this task: %(reason)s."))
    STEP_UP_CHANNEL = (
        "WFL-016",
        _("This decision must be confirmed with a hardware key, which only the portal can ask for."),
    )
    UNKNOWN_STAFF = ("WFL-020", _("%(value)s is not a member of staff."))
    ABSENCE_DATES = ("WFL-021", _("An absence ends on or after the day it starts."))
    ABSENCE_OVERLAP = ("WFL-022", _("%(user)s already has an absence overlapping %(start)s to %(end)s."))
    HR_FILE_COLUMNS = ("WFL-023", _("The HR file must have the columns %(columns)s."))
    HR_FILE_ROWS = ("WFL-024", _("The HR file has %(count)s rows with errors; nothing was imported."))
    HR_FILE_ENCODING = ("WFL-025", _("The HR file must be a UTF-8 CSV file."))
    UNKNOWN_OFFICE = ("WFL-026", _("%(value)s is not an office of the institution."))
    CAPACITY_RANGE = ("WFL-027", _("Capacity is between 0 and 1 (1 = full time, 0.5 = half time)."))
    UNKNOWN_ABSENCE_KIND = ("WFL-028", _("%(value)s is not a kind of absence."))
    STAFF_ONLY = ("WFL-030", _("Only the institution's staff may do this."))
    SUPERVISORS_ONLY = ("WFL-031", _("Only a supervisor may do this."))
