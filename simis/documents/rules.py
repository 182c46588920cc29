"""Pure rules of document intake: the cover sheet's code, what a scanned page is, and how a
batch's pages make documents. No ORM, no I/O.

The cover sheet code
--------------------
``SD1-<folder id>-<type code>-<check>``, e.g. ``SD1-1234-WORK_INJURY_REPORT-7``: the format
version (``SD1``), the folder's id (digits), the document type's code (a capital letter, then
capitals, digits or ``_``) and one check character. The check is ISO/IEC 7064 MOD 37-2 over the
characters ``SD1``, the id and the type code (``_`` counts as the 37th symbol), so it is one of
``0-9``, ``A-Z`` or ``*``. It catches every single wrong character and every swap of two
neighbours — whether a scanner misread one or a clerk mistyped one — so a damaged code never
attaches papers to the wrong case. The separators need no check: the id is digits and the type
code starts with a letter, so a misplaced ``-`` leaves a code that does not parse.

Both barcodes on a cover sheet (Code128 and QR) carry the same code; two small QR codes carry
only ``SD1-COVER`` (the *marker*), so a cover sheet whose main codes are blotted or torn is
still recognised as one, and its pages go to the manual indexing queue instead of being taken
for more pages of the document before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from simis.core.errors import SimisError
from simis.documents.choices import IndexingReason, PageKind
from simis.documents.errors import DocumentError

FORMAT = "SD1"
MARKER = "SD1-COVER"
CHECK_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*"
# The symbols the check is computed over: the check alphabet with ``_`` in place of ``*``.
_VALUES = {symbol: value for value, symbol in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_")}
TYPE_CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]{1,23}$")
FOLDER_ID_MAX_DIGITS = 12
CODE_RE = re.compile(r"^SD1-([0-9]{1,12})-([A-Z][A-Z0-9_]{1,23})-([0-9A-Z*])$")
# Arabic-Indic and Eastern Arabic-Indic digits, as an Arabic keyboard types them.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Dashes a word processor or keyboard may put where a hyphen was meant.
_DASHES = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-", "ـ": "-"})


def check_character(body: str) -> str:
    """ISO/IEC 7064 MOD 37-2 check character of ``body`` (capitals, digits and ``_``)."""
    total = 0
    for symbol in body:
        total = ((total + _VALUES[symbol]) * 2) % 37
    return CHECK_ALPHABET[(38 - total) % 37]


@dataclass(frozen=True, order=True)
class CoverCode:
    """A checked cover sheet code: which folder, which document type."""

    folder_id: int
    type_code: str

    @property
    def text(self) -> str:
        return cover_code(self.folder_id, self.type_code)


def cover_code(folder_id: int, type_code: str) -> str:
    """The code printed on a cover sheet for this folder and document type."""
    if folder_id < 1 or len(str(folder_id)) > FOLDER_ID_MAX_DIGITS or not TYPE_CODE_RE.match(type_code):
        raise ValueError(f"no cover sheet code for folder {folder_id!r} and type {type_code!r}")
    return f"{FORMAT}-{folder_id}-{type_code}-{check_character(f'{FORMAT}{folder_id}{type_code}')}"


def code_normalise(text: str) -> str:
    """A typed code as the reader meant it: no spaces, capitals, Latin digits, plain hyphens."""
    return "".join(str(text).translate(_DIGITS).translate(_DASHES).split()).upper()


def code_parse(text: str) -> CoverCode:
    """The folder and type a code names; DOC-101 when it is not shaped like a code, DOC-102 when
    its check character does not match."""
    normal = code_normalise(text)
    match = CODE_RE.match(normal)
    if match is None:
        raise SimisError(DocumentError.CODE_SHAPE, code=str(text)[:80])
    folder_id, type_code, check = match.groups()
    if check_character(f"{FORMAT}{int(folder_id)}{type_code}") != check:
        raise SimisError(DocumentError.CODE_CHECK, code=normal)
    return CoverCode(int(folder_id), type_code)


@dataclass(frozen=True)
class PageReading:
    """What one scanned page is, and the codes read on it (for the queue's reviewer)."""

    kind: PageKind
    code: CoverCode | None = None
    texts: tuple[str, ...] = ()


def page_classify(texts: Iterable[str]) -> PageReading:
    """A page from the texts of the barcodes read on it.

    - no ``SD1-`` text: a page of a document (barcodes of other kinds, say on an identity card
      copy, are ignored);
    - exactly one checked code and nothing else claiming to be one: a cover sheet;
    - two different checked codes, or any ``SD1-`` text that fails its shape or check: a cover
      sheet with conflicting codes (to the queue: a code that fails its check means the sheet
      was tampered with or mislabelled, not misread — Code128 and QR carry their own checks);
    - only the marker: a cover sheet whose codes could not be read."""
    ours = tuple(sorted({text for text in texts if text.startswith(f"{FORMAT}-")}))
    if not ours:
        return PageReading(PageKind.CONTENT)
    codes: set[CoverCode] = set()
    bad = False
    for text in ours:
        if text == MARKER:
            continue
        try:
            codes.add(code_parse(text))
        except SimisError:
            bad = True
    if len(codes) == 1 and not bad:
        return PageReading(PageKind.COVER, next(iter(codes)), ours)
    if codes or bad:
        return PageReading(PageKind.COVER_CONFLICT, None, ours)
    return PageReading(PageKind.COVER_UNREADABLE, None, ours)


@dataclass
class PageGroup:
    """Pages of a batch that travel together: a cover sheet (if any) and the pages after it.

    ``pages`` are the 0-based positions of the document's own pages in the batch (the cover
    sheet is not one of them: it is a routing slip, and the batch file keeps it). ``reason`` is
    set when the group goes to the indexing queue instead of a folder."""

    code: CoverCode | None
    cover_page: int | None
    pages: list[int] = field(default_factory=list)
    reason: IndexingReason | None = None
    texts: tuple[str, ...] = ()

    @property
    def all_pages(self) -> list[int]:
        """The cover sheet (when there is one) and the pages, in batch order."""
        return ([self.cover_page] if self.cover_page is not None else []) + self.pages


_COVER_REASON = {
    PageKind.COVER_UNREADABLE: IndexingReason.COVER_UNREADABLE,
    PageKind.COVER_CONFLICT: IndexingReason.COVER_CONFLICT,
}


def pages_group(readings: Sequence[PageReading]) -> list[PageGroup]:
    """A batch's pages in documents: each cover sheet starts one, and the pages after it up to
    the next cover sheet are its pages. Pages before the first cover sheet form a group of
    their own (NO_COVER); a cover sheet that could not be read or checked starts a group that
    goes to the queue with its pages; a cover sheet with no page after it is queued alone
    (NO_PAGES) so someone notices the papers it announced are missing."""
    groups: list[PageGroup] = []
    current: PageGroup | None = None
    for position, reading in enumerate(readings):
        if reading.kind == PageKind.CONTENT:
            if current is None:
                current = PageGroup(code=None, cover_page=None, reason=IndexingReason.NO_COVER)
                groups.append(current)
            current.pages.append(position)
            continue
        current = PageGroup(
            code=reading.code,
            cover_page=position,
            reason=_COVER_REASON.get(reading.kind),
            texts=reading.texts,
        )
        groups.append(current)
    for group in groups:
        if group.reason is None and not group.pages:
            group.reason = IndexingReason.NO_PAGES
    return groups


def page_count_expected(count: int, *, min_pages: int, max_pages: int | None) -> bool:
    """Whether a document of ``count`` pages is what its type expects (``max_pages`` None: no
    upper bound). A count outside sends the pages to the queue: a cover sheet lost in the
    scanner would otherwise make the next document's pages look like more of this one."""
    return count >= min_pages and (max_pages is None or count <= max_pages)
