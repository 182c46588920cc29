"""What other apps may import from ``simis.documents``. Import from here only.

An owner app (e.g. workflow) registers its kind of folder in its ``AppConfig.ready()`` with
``folder_owner_register``, gets a record's folder with ``folder_for``, links to it with
``folder_url``, and is told of each new document through its ``on_attached`` hook (after
commit). See ``simis/documents/README.md``."""

from __future__ import annotations

from simis.documents.barcodes import qr_svg
from simis.documents.choices import DocumentSource, Indexing
from simis.documents.cover_sheets import cover_sheet_pdf
from simis.documents.errors import DocumentError
from simis.documents.models import Document, DocumentFolder, DocumentType
from simis.documents.owners import folder_owner_register
from simis.documents.rules import CoverCode, code_parse, cover_code
from simis.documents.selectors import (
    cover_sheet_url,
    document_get,
    document_types_active,
    folder_documents,
    folder_get,
    folder_latest_documents,
    folder_of,
    folder_type_codes,
    folder_url,
)
from simis.documents.services import (
    document_add,
    document_open,
    document_types_load,
    folder_for,
    scan_batch_receive,
)

__all__ = [
    "CoverCode",
    "Document",
    "DocumentError",
    "DocumentFolder",
    "DocumentSource",
    "DocumentType",
    "Indexing",
    "code_parse",
    "cover_code",
    "cover_sheet_pdf",
    "cover_sheet_url",
    "document_add",
    "document_get",
    "document_open",
    "document_types_active",
    "document_types_load",
    "folder_documents",
    "folder_for",
    "folder_get",
    "folder_latest_documents",
    "folder_of",
    "folder_owner_register",
    "folder_type_codes",
    "folder_url",
    "qr_svg",
    "scan_batch_receive",
]
