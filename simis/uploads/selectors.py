"""Reads of uploads, always through the reader's scope: staff see every upload; an employer
user the uploads of the establishments it acts for (bound ones and their branches); a partner
system those of its own establishment. Anything else is simply not found (a page answers 404)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from simis.identity.public import Audience, user_scope
from simis.registry.public import establishments_visible
from simis.uploads.choices import FINAL_STATUSES, ProgressPhase, UploadStatus
from simis.uploads.models import Upload, UploadProgress, UploadRow


def uploads_visible(user: Any) -> QuerySet[Upload]:
    scope = user_scope(user)
    if scope.unrestricted:
        return Upload.objects.all()
    if getattr(user, "audience", "") != Audience.EMPLOYER:
        return Upload.objects.none()
    return Upload.objects.filter(establishment__in=establishments_visible(user).values("pk"))


def upload_list(*, user: Any, limit: int = 50) -> QuerySet[Upload]:
    """The newest uploads the user may see."""
    return (
        uploads_visible(user)
        .select_related("establishment", "uploaded_by")
        .order_by("-created_at", "-pk")[:limit]
    )


def upload_get(*, user: Any, pk: int) -> Upload | None:
    return uploads_visible(user).select_related("establishment", "uploaded_by").filter(pk=pk).first()


def upload_get_for_partner(*, organisation_key: str, pk: int) -> Upload | None:
    """An upload of the partner's establishment (or one of its branches)."""
    return (
        Upload.objects.select_related("establishment", "establishment__parent")
        .filter(pk=pk)
        .filter(Q(establishment__number=organisation_key) | Q(establishment__parent__number=organisation_key))
        .first()
    )


@dataclass(frozen=True)
class Progress:
    phase: str
    done: int
    total: int
    finished: bool

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def phase_label(self) -> str:
        return str(ProgressPhase(self.phase).label)


def upload_progress(upload: Upload) -> Progress:
    """Where the upload is: from its final figures once finished, else from the progress the job
    writes while it runs (visible while its transaction is still open)."""
    if upload.status in FINAL_STATUSES:
        return Progress(ProgressPhase.DONE, upload.row_count, upload.row_count, True)
    row = UploadProgress.objects.filter(upload_id=upload.pk).first()
    if row is None or upload.status == UploadStatus.RECEIVED:
        return Progress(ProgressPhase.WAITING, 0, upload.row_count, False)
    return Progress(row.phase, row.done, row.total or upload.row_count, False)


def upload_refused_rows(upload: Upload, *, offset: int = 0, limit: int = 50) -> QuerySet[UploadRow]:
    return UploadRow.objects.filter(upload=upload).order_by("row_number")[offset : offset + limit]
