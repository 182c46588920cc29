"""What other apps may import from ``simis.workflow``. Import from here only.

An app whose records need review registers a ``SubjectHandler`` for its kind of record (in its
``ready()``), ships its case types as YAML in ``simis/<app>/case_types/``, and opens a case with
``case_open`` inside the transaction that creates the record; when the case closes, its handler's
``on_closed`` applies the decision to the record."""

from simis.workflow.errors import WorkflowError
from simis.workflow.events import case_listener_register
from simis.workflow.models import Case, CaseStatus, Task, TaskStatus
from simis.workflow.rules import Decision
from simis.workflow.selectors import case_for_subject, cases_open_for_subjects
from simis.workflow.services import (
    SubjectHandler,
    case_documents_received,
    case_open,
    case_subject_register,
    case_types_load,
    office_directory_register,
)

__all__ = [
    "Case",
    "CaseStatus",
    "Decision",
    "SubjectHandler",
    "Task",
    "TaskStatus",
    "WorkflowError",
    "case_documents_received",
    "case_for_subject",
    "case_listener_register",
    "case_open",
    "case_subject_register",
    "case_types_load",
    "cases_open_for_subjects",
    "office_directory_register",
]
