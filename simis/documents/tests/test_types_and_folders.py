"""Document types as data (loaded from the app's YAML file, idempotently) and folders owned by
other apps (one per record, created on first use, only for registered owner kinds)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from simis.audit.public import AuditEntry
from simis.core.errors import SimisError
from simis.documents.cover_sheets import cover_sheet_pdf
from simis.documents.models import DocumentFolder, DocumentType
from simis.documents.rules import cover_code
from simis.documents.services import TYPES_FILE, document_types_load, document_types_parse, folder_for
from simis.documents.tests.conftest import OWNER_KIND, Cases

pytestmark = pytest.mark.django_db

SMALL = """
types:
  - code: NATIONAL_ID
    name_ar: صورة الهوية الوطنية
    name_en: National ID card copy
    min_pages: 1
    max_pages: 2
  - code: NEW_PAPER
    name_ar: ورقة جديدة
    name_en: A new paper
"""


def test_the_shipped_types_load_once(db: Any) -> None:
    specs = document_types_parse(TYPES_FILE.read_text(encoding="utf-8"))
    first = document_types_load()
    assert (first.created, first.updated, first.retired) == (len(specs), 0, 0)
    assert DocumentType.objects.filter(active=True).count() == len(specs)
    entries = AuditEntry.objects.filter(action="documents.types_loaded").count()
    again = document_types_load()
    assert (again.created, again.updated, again.retired, again.unchanged) == (0, 0, 0, len(specs))
    assert AuditEntry.objects.filter(action="documents.types_loaded").count() == entries


def test_a_changed_file_updates_and_retires_but_never_deletes(db: Any, tmp_path: Path) -> None:
    document_types_load()
    total = DocumentType.objects.count()
    changed = tmp_path / "types.yaml"
    changed.write_text(SMALL, encoding="utf-8")
    result = document_types_load(path=changed)
    assert (result.created, result.retired) == (1, total - 1)
    assert result.updated == 1  # NATIONAL_ID lost its description
    assert DocumentType.objects.count() == total + 1
    assert set(DocumentType.objects.filter(active=True).values_list("code", flat=True)) == {
        "NATIONAL_ID",
        "NEW_PAPER",
    }
    assert DocumentType.objects.get(code="NEW_PAPER").max_pages is None
    entry = AuditEntry.objects.filter(action="documents.types_loaded").order_by("-id").first()
    assert entry is not None and entry.after["changes"]["NEW_PAPER"] == "created"


@pytest.mark.parametrize(
    "text",
    [
        "types: []",
        "- not a mapping",
        "types:\n  - code: lower_case\n    name_ar: أ\n    name_en: a",
        "types:\n  - code: SAME\n    name_ar: أ\n    name_en: a\n"
        "  - code: SAME\n    name_ar: ب\n    name_en: b",
        "types:\n  - code: PAGES\n    name_ar: أ\n    name_en: a\n    min_pages: 3\n    max_pages: 2",
        "types:\n  - code: EXTRA\n    name_ar: أ\n    name_en: a\n    colour: red",
        "types:\n  - code: NONAME\n    name_en: a",
        "types: [: bad yaml",
    ],
)
def test_a_malformed_types_file_is_refused_whole(text: str) -> None:
    with pytest.raises(SimisError) as refused:
        document_types_parse(text, file_name="bad.yaml")
    assert refused.value.code == "DOC-304"
    assert "bad.yaml" in refused.value.message


def test_a_folder_is_made_once_per_record(khalid: Any, cases: Cases) -> None:
    first = folder_for(OWNER_KIND, "CASE-1", title="قضية", actor=khalid)
    again = folder_for(OWNER_KIND, "CASE-1", title="قضية", actor=khalid)
    assert first.pk == again.pk and DocumentFolder.objects.count() == 1
    renamed = folder_for(OWNER_KIND, "CASE-1", title="قضية سارة", actor=khalid)
    assert renamed.title == "قضية سارة"
    actions = list(
        AuditEntry.objects.filter(subject_id=str(first.pk)).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["documents.folder_created", "documents.folder_retitled"]


def test_folders_only_for_registered_owners(db: Any) -> None:
    with pytest.raises(SimisError) as refused:
        folder_for("nobody.case", "1", title="x")
    assert refused.value.code == "DOC-301"
    assert not DocumentFolder.objects.exists()


def test_a_broken_access_check_denies(khalid: Any, cases: Cases) -> None:
    from simis.documents.owners import folder_owner_register, owner_can_view

    def broken(user: Any, key: str) -> bool:
        raise RuntimeError("the owner's database is down")

    folder_owner_register("tests.broken", can_view=broken)
    try:
        assert owner_can_view(khalid, "tests.broken", "1") is False
    finally:
        from simis.documents.owners import folder_owner_unregister

        folder_owner_unregister("tests.broken")
    assert owner_can_view(khalid, "never.registered", "1") is False


def test_the_cover_sheet_is_a4_arabic_and_names_the_case(khalid: Any, cases: Cases, types: None) -> None:
    folder = cases.folder("CASE-2026-000123", "تعويض إصابة عمل — سارة العتيبي")
    report = DocumentType.objects.get(code="WORK_INJURY_REPORT")
    for language, heading in (("ar", "ورقة غلاف للمسح الضوئي"), ("en", "Scan cover sheet")):
        document = pdfium.PdfDocument(cover_sheet_pdf(folder, report, language=language))
        try:
            assert len(document) == 1
            width, height = document[0].get_size()
            assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
            text = document[0].get_textpage().get_text_range()
        finally:
            document.close()
        assert heading in text
        assert cover_code(folder.pk, "WORK_INJURY_REPORT") in text
        # (Text comes out of a PDF in visual order: a Latin key inside Arabic is split up.)
        assert "000123" in text and "CASE" in text
        assert "Work injury report" in text and "إصابة" in text
    with pytest.raises(SimisError) as refused:
        cover_sheet_pdf(folder, report, language="fr")
    assert refused.value.code == "DOC-306"
