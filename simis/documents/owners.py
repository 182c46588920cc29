"""Who owns document folders, and who may see them.

The documents app knows nothing of cases, claims or establishments. An owner app registers a
kind of folder once, in its ``AppConfig.ready()``::

    folder_owner_register(
        "workflow.case",
        can_view=lambda user, key: case_visible(user, int(key)),
        on_attached=case_document_arrived,      # called after commit, once per new document
        label=_("Case"),
        link=lambda key: reverse("workflow:case", args=[key]),
        required_types=lambda key: case_required_document_types(int(key)),
    )

Every read of a folder asks ``can_view(user, owner_key)``; a kind nobody registered is seen by
nobody. Registrations live in the process (like URL patterns), not in the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as Promise

    from simis.documents.models import Document

logger = logging.getLogger("simis.documents")

CanView = Callable[[Any, str], bool]
OnAttached = Callable[["Document"], None]


@dataclass(frozen=True)
class FolderOwner:
    kind: str
    can_view: CanView
    on_attached: OnAttached | None
    label: Promise | str
    link: Callable[[str], str] | None
    required_types: Callable[[str], Sequence[str]] | None


_owners: dict[str, FolderOwner] = {}


def folder_owner_register(
    kind: str,
    *,
    can_view: CanView,
    on_attached: OnAttached | None = None,
    label: Promise | str = "",
    link: Callable[[str], str] | None = None,
    required_types: Callable[[str], Sequence[str]] | None = None,
) -> None:
    """Registers (or replaces) the owner of folders of ``kind``.

    ``can_view(user, owner_key)`` decides every read (a folder it refuses answers 404);
    ``on_attached(document)`` runs after the transaction that attached a new document commits
    (an exception in it is logged, never undoes the attachment); ``label`` names the kind on
    cover sheets and pages ("Case"); ``link(owner_key)`` is the URL of the owner's record;
    ``required_types(owner_key)`` lists the document type codes the record needs, which the
    folder page shows as received or missing."""
    if not kind or len(kind) > 64:
        raise ValueError(f"a folder owner kind has 1 to 64 characters, not {kind!r}")
    _owners[kind] = FolderOwner(kind, can_view, on_attached, label or kind, link, required_types)


def folder_owner_unregister(kind: str) -> None:
    """Forgets the owner of ``kind`` (for tests)."""
    _owners.pop(kind, None)


def folder_owner(kind: str) -> FolderOwner | None:
    return _owners.get(kind)


def owner_can_view(user: Any, owner_kind: str, owner_key: str) -> bool:
    """Whether the owner app lets ``user`` see the folder; False for an unregistered kind, an
    anonymous or inactive user, or an owner check that fails (logged)."""
    owner = _owners.get(owner_kind)
    if owner is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    if not getattr(user, "is_active", False):
        return False
    try:
        return bool(owner.can_view(user, owner_key))
    except Exception:
        # A broken access check must deny, not open the folder.
        logger.exception("can_view of folder owner %s failed for key %s", owner_kind, owner_key)
        return False


def owner_notify_attached(document: Document, owner_kind: str) -> None:
    """Calls the owner's ``on_attached`` hook (run from ``transaction.on_commit``)."""
    owner = _owners.get(owner_kind)
    if owner is None or owner.on_attached is None:
        return
    try:
        owner.on_attached(document)
    except Exception:
        logger.exception("on_attached of folder owner %s failed for document %s", owner_kind, document.pk)
