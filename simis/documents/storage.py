"""The document store: Django's default storage (``STORAGES["default"]``: the file system under
``var/media`` unless settings say otherwise, e.g. an S3-compatible bucket).

Files are content-addressed — stored as ``documents/<sha256[:2]>/<sha256>.<extension>`` — so
a name is never reused for other bytes, and writing the same bytes twice stores them once.
Every read that serves a file re-computes its SHA-256 and compares it with the one recorded
when it was written (``stored_file_read``): a file that changed in the store is not served.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from typing import IO, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from simis.core.errors import SimisError
from simis.documents.errors import DocumentError

CHUNK = 1024 * 1024
# A served file is hashed into a spooled temporary file, in memory up to this size.
SPOOL_IN_MEMORY = 16 * 1024 * 1024


@dataclass(frozen=True)
class Stored:
    storage_name: str
    sha256: str
    size: int
    content_type: str


def storage_name_for(sha256: str, extension: str) -> str:
    return f"documents/{sha256[:2]}/{sha256}.{extension}"


def bytes_store(data: bytes, *, extension: str, content_type: str) -> Stored:
    """Stores ``data`` under its SHA-256 (once: the same bytes already stored are not written
    again, and nothing already stored is ever overwritten)."""
    digest = hashlib.sha256(data).hexdigest()
    name = storage_name_for(digest, extension)
    if not default_storage.exists(name):
        # A storage that finds the name taken by a racing writer picks another name; either
        # way the recorded name holds these very bytes.
        name = default_storage.save(name, ContentFile(data))
    return Stored(name, digest, len(data), content_type)


class IntegrityProblem(Exception):
    """A stored file is missing or no longer matches its recorded SHA-256."""

    def __init__(self, error: SimisError, *, found_sha256: str = "") -> None:
        super().__init__(error.code)
        self.error = error
        self.found_sha256 = found_sha256


def stored_file_open(file: Any) -> IO[bytes]:
    """The bytes of a ``DocumentFile``, checked against its SHA-256, as a spooled temporary
    file positioned at the start (one read of the store: hashed while copied). Raises
    ``IntegrityProblem`` (DOC-201 changed, DOC-202 missing)."""
    try:
        source = default_storage.open(file.storage_name, "rb")
    except (FileNotFoundError, OSError):
        raise IntegrityProblem(SimisError(DocumentError.FILE_MISSING, file=file.pk)) from None
    digest = hashlib.sha256()
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 (returned open)
    with source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            spool.write(chunk)
    found = digest.hexdigest()
    if found != file.sha256:
        spool.close()
        raise IntegrityProblem(SimisError(DocumentError.INTEGRITY, file=file.pk), found_sha256=found)
    spool.seek(0)
    return spool


def stored_file_read(file: Any) -> bytes:
    """The checked bytes of a ``DocumentFile`` (see ``stored_file_open``)."""
    with stored_file_open(file) as handle:
        data: bytes = handle.read()
    return data
