"""An upload's progress, visible while its apply transaction is still open.

The apply runs in one transaction (a crash rolls everything back), so anything it writes on
its own connection stays invisible to the pages polling for progress until it commits. Progress
is therefore written over a **second connection** in autocommit mode, into ``UploadProgress``,
a small table with no foreign key to the upload (the upload's row may be locked, or — in a
test's transaction — not yet visible to that connection). Each write is one short
``INSERT … ON CONFLICT DO UPDATE`` that commits at once; writes are throttled so a 100,000-row
file costs a few dozen of them. The row is removed when the upload reaches its final status,
which from then on holds the figures itself — removed over the same second connection, so the
apply transaction never holds a lock on a progress row.
"""

from __future__ import annotations

import time
from types import TracebackType
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from simis.uploads.choices import ProgressPhase
from simis.uploads.models import UploadProgress

_UPSERT = (
    "INSERT INTO {table} (upload_id, phase, done, total, updated_at) VALUES (%s, %s, %s, %s, %s) "
    "ON CONFLICT (upload_id) DO UPDATE SET phase = EXCLUDED.phase, done = EXCLUDED.done, "
    "total = EXCLUDED.total, updated_at = EXCLUDED.updated_at"
)

_DELETE = "DELETE FROM {table} WHERE upload_id = %s"


# Seconds between two progress writes of one phase: the page polls every second.
REPORT_INTERVAL = 0.5


class ProgressWriter:
    """``with ProgressWriter(upload_id, total) as progress: progress.report(phase, done)``.

    ``report`` writes at most every ``interval`` seconds (``REPORT_INTERVAL`` by default)
    unless ``force`` is given; phase changes are always written."""

    def __init__(self, upload_id: int, total: int, *, interval: float | None = None) -> None:
        self.upload_id = upload_id
        self.total = total
        self.interval = REPORT_INTERVAL if interval is None else interval
        self._connection: Any = None
        self._last_phase: str | None = None
        self._last_write = 0.0
        self._sql = _UPSERT.format(table=UploadProgress._meta.db_table)
        self._delete_sql = _DELETE.format(table=UploadProgress._meta.db_table)

    def __enter__(self) -> ProgressWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _cursor(self) -> Any:
        if self._connection is None:
            # A wrapper of its own, outside Django's per-thread connections: its autocommit
            # writes never join the transaction open on the thread's default connection.
            self._connection = connections.create_connection(DEFAULT_DB_ALIAS)
        return self._connection.cursor()

    def report(self, phase: ProgressPhase | str, done: int, *, force: bool = False) -> None:
        now = time.monotonic()
        phase = str(phase)
        if not force and phase == self._last_phase and now - self._last_write < self.interval:
            return
        with self._cursor() as cursor:
            cursor.execute(
                self._sql, [self.upload_id, phase, min(done, self.total), self.total, timezone.now()]
            )
        self._last_phase = phase
        self._last_write = now

    def clear(self) -> None:
        """Removes the progress row, once the upload's final status is committed and holds the
        figures itself (on this connection: never under the apply transaction's locks)."""
        with self._cursor() as cursor:
            cursor.execute(self._delete_sql, [self.upload_id])

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class NoProgress(ProgressWriter):
    """For callers that do not show progress (the benchmark's baseline, some tests)."""

    def __init__(self) -> None:
        super().__init__(0, 0)

    def report(self, phase: ProgressPhase | str, done: int, *, force: bool = False) -> None:
        return None

    def clear(self) -> None:
        return None
