"""What applying an upload's rows gives back: the rows applied (with the ids of what each
created or changed) and the problems of the rows refused, by row number."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from simis.registry.public import Establishment
from simis.uploads.choices import UploadMode
from simis.uploads.rows import RowProblem


class AppliedRow(NamedTuple):
    """A row applied: its number in the file and the ids of what it created or changed (a tuple:
    a large file has a hundred thousand of them)."""

    row: int
    person_id: int = 0
    engagement_id: int = 0
    wage_id: int = 0


@dataclass
class ApplyResult:
    applied: list[AppliedRow] = field(default_factory=list)
    problems: dict[int, list[RowProblem]] = field(default_factory=dict)

    def refuse(self, row: int, problem: RowProblem) -> None:
        self.problems.setdefault(row, []).append(problem)


@dataclass(frozen=True)
class ApplyContext:
    """Who applies what, for which establishment, as of which request day. ``progress`` is
    called with the number of rows handled so far."""

    actor: Any
    establishment: Establishment
    requested_on: date
    mode: UploadMode
    progress: Callable[[int], None]
    # All or nothing with rows already refused: the rows are checked for the report, and an
    # applier that can check without writing (``bulk_apply``) writes nothing.
    check_only: bool = False

    @property
    def all_or_nothing(self) -> bool:
        return self.mode == UploadMode.ALL_OR_NOTHING
