"""Each case has a document folder (SYS-2): the papers it needs are listed by its case type,
printed cover sheets carry the folder's barcode, and a scanned document lands in the folder,
is recorded in the case's history and wakes a case that was waiting for documents."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from simis.documents.public import Document, DocumentFolder, folder_for, folder_owner_register
from simis.workflow.models import Case
from simis.workflow.selectors import case_visible

FOLDER_KIND = "workflow.case"


def case_folder(case: Case, *, actor: Any = None) -> DocumentFolder:
    """The case's folder, created with the case."""
    return folder_for(FOLDER_KIND, str(case.pk), title=f"{case.number} — {case.title}", actor=actor)


def _can_view(user: Any, key: str) -> bool:
    from django.http import Http404

    try:
        case_visible(user, int(key))
    except (Http404, ValueError):
        return False
    return True


def _required_types(key: str) -> list[str]:
    from simis.workflow.services import version_definition

    case = Case.objects.select_related("version").filter(pk=int(key)).first()
    return list(version_definition(case.version).documents) if case else []


def _on_attached(document: Document) -> None:
    from simis.workflow.services import case_documents_received

    with transaction.atomic():
        case_documents_received(
            case=int(document.folder.owner_key),
            document=f"{document.document_type.code} v{document.version}",
        )


def register() -> None:
    folder_owner_register(
        FOLDER_KIND,
        can_view=_can_view,
        on_attached=_on_attached,
        label=_("Case"),
        link=lambda key: reverse("workflow:case", args=[key]),
        required_types=_required_types,
    )
