"""The cover sheet code and the grouping of a batch's pages: pure rules, no database.

What they protect: a misread or mistyped code never names another folder (every single wrong
character and every swap of neighbours is caught), and a batch's pages land behind the right
cover sheet — a damaged cover sheet starts a queued group instead of joining the document
before it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simis.core.errors import SimisError
from simis.documents.choices import IndexingReason, PageKind
from simis.documents.rules import (
    CHECK_ALPHABET,
    MARKER,
    CoverCode,
    PageReading,
    check_character,
    code_normalise,
    code_parse,
    cover_code,
    page_classify,
    page_count_expected,
    pages_group,
)

type_codes = st.from_regex(r"[A-Z][A-Z0-9_]{1,23}", fullmatch=True)
folder_ids = st.integers(min_value=1, max_value=999_999_999_999)


def test_a_code_names_its_folder_and_type() -> None:
    code = cover_code(1234, "WORK_INJURY_REPORT")
    assert code.startswith("SD1-1234-WORK_INJURY_REPORT-")
    assert code_parse(code) == CoverCode(1234, "WORK_INJURY_REPORT")
    assert CoverCode(1234, "WORK_INJURY_REPORT").text == code


def test_the_check_is_iso_7064_mod_37_2() -> None:
    # Worked by hand: the pure system's sum over the code and its check character is 1 mod 37.
    values = {symbol: value for value, symbol in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_")}
    body = "SD11234NATIONAL_ID"
    check = check_character(body)
    total = 0
    for symbol in body:
        total = ((total + values[symbol]) * 2) % 37
    assert (total + CHECK_ALPHABET.index(check)) % 37 == 1


@given(folder_ids, type_codes)
def test_every_code_the_app_prints_parses_back(folder_id: int, type_code: str) -> None:
    assert code_parse(cover_code(folder_id, type_code)) == CoverCode(folder_id, type_code)


@given(folder_ids, type_codes, st.data())
def test_one_wrong_character_is_never_taken_for_another_folder(
    folder_id: int, type_code: str, data: st.DataObject
) -> None:
    code = cover_code(folder_id, type_code)
    position = data.draw(st.sampled_from([i for i, c in enumerate(code) if c != "-"][1:]))
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_*"
    replacement = data.draw(st.sampled_from([c for c in alphabet if c != code[position]]))
    wrong = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(SimisError) as refused:
        code_parse(wrong)
    assert refused.value.code in ("DOC-101", "DOC-102")


@given(folder_ids, type_codes, st.data())
def test_two_neighbours_swapped_are_caught(folder_id: int, type_code: str, data: st.DataObject) -> None:
    code = cover_code(folder_id, type_code)
    pairs = [i for i in range(4, len(code) - 1) if code[i] != code[i + 1]]
    position = data.draw(st.sampled_from(pairs))
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    with pytest.raises(SimisError) as refused:
        code_parse(swapped)
    assert refused.value.code in ("DOC-101", "DOC-102")


def test_a_typed_code_is_read_as_meant() -> None:
    code = cover_code(907, "NATIONAL_ID")
    typed = " " + code.lower().replace("907", "٩٠٧").replace("-", "–", 1) + " "
    assert code_normalise(typed) == code
    assert code_parse(typed) == CoverCode(907, "NATIONAL_ID")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "DOC-101"),
        ("hello", "DOC-101"),
        ("SD1-12-3AB-X", "DOC-101"),  # a type code starts with a letter
        ("SD2-12-NATIONAL_ID-X", "DOC-101"),
        ("SD1-ABC-NATIONAL_ID-X", "DOC-101"),
    ],
)
def test_what_is_not_a_code_says_so(text: str, expected: str) -> None:
    with pytest.raises(SimisError) as refused:
        code_parse(text)
    assert refused.value.code == expected


def test_a_wrong_check_character_says_so() -> None:
    code = cover_code(55, "PASSPORT")
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(SimisError) as refused:
        code_parse(wrong)
    assert refused.value.code == "DOC-102"


def test_cover_code_refuses_what_it_cannot_print() -> None:
    for folder_id, type_code in ((0, "PASSPORT"), (10**12, "PASSPORT"), (5, "passport"), (5, "A" * 25)):
        with pytest.raises(ValueError):
            cover_code(folder_id, type_code)


# --- What a page is -------------------------------------------------------------------------------


def test_a_page_without_our_codes_is_a_document_page() -> None:
    assert page_classify([]).kind == PageKind.CONTENT
    # A barcode printed on the paper itself (an invoice, an ID card) is not ours.
    assert page_classify(["4006381333931", "https://example.org"]).kind == PageKind.CONTENT


def test_a_cover_sheet_read_once_or_twice_is_a_cover_sheet() -> None:
    code = cover_code(12, "NATIONAL_ID")
    for texts in ([code], [code, code, MARKER], [MARKER, code]):
        reading = page_classify(texts)
        assert reading.kind == PageKind.COVER
        assert reading.code == CoverCode(12, "NATIONAL_ID")


def test_only_the_markers_means_an_unreadable_cover_sheet() -> None:
    assert page_classify([MARKER, MARKER]).kind == PageKind.COVER_UNREADABLE


def test_codes_that_disagree_or_fail_their_check_are_a_conflict() -> None:
    first, second = cover_code(12, "NATIONAL_ID"), cover_code(13, "NATIONAL_ID")
    assert page_classify([first, second]).kind == PageKind.COVER_CONFLICT
    broken = first[:-1] + ("0" if first[-1] != "0" else "1")
    assert page_classify([first, broken]).kind == PageKind.COVER_CONFLICT
    assert page_classify(["SD1-garbage"]).kind == PageKind.COVER_CONFLICT


# --- Grouping a batch --------------------------------------------------------------------------------

A = CoverCode(1, "NATIONAL_ID")
B = CoverCode(2, "MEDICAL_REPORT")
COVER_A = PageReading(PageKind.COVER, A, (A.text,))
COVER_B = PageReading(PageKind.COVER, B, (B.text,))
PAGE = PageReading(PageKind.CONTENT)
BLOTTED = PageReading(PageKind.COVER_UNREADABLE, None, (MARKER,))


def test_pages_follow_their_cover_sheet_which_is_left_out() -> None:
    groups = pages_group([COVER_A, PAGE, PAGE, COVER_B, PAGE])
    assert [(group.code, group.cover_page, group.pages, group.reason) for group in groups] == [
        (A, 0, [1, 2], None),
        (B, 3, [4], None),
    ]


def test_a_damaged_cover_sheet_starts_a_queued_group_instead_of_joining_the_one_before() -> None:
    groups = pages_group([COVER_A, PAGE, PAGE, BLOTTED, PAGE])
    assert groups[0].pages == [1, 2]
    assert (groups[1].cover_page, groups[1].pages, groups[1].reason) == (
        3,
        [4],
        IndexingReason.COVER_UNREADABLE,
    )
    assert groups[1].all_pages == [3, 4]


def test_pages_before_any_cover_sheet_are_queued_together() -> None:
    groups = pages_group([PAGE, PAGE, COVER_A, PAGE])
    assert (groups[0].code, groups[0].pages, groups[0].reason) == (None, [0, 1], IndexingReason.NO_COVER)
    assert (groups[1].code, groups[1].pages, groups[1].reason) == (A, [3], None)


def test_a_cover_sheet_with_nothing_after_it_is_queued_alone() -> None:
    groups = pages_group([COVER_A, COVER_B, PAGE])
    assert (groups[0].pages, groups[0].reason, groups[0].all_pages) == ([], IndexingReason.NO_PAGES, [0])
    assert groups[1].reason is None


def test_page_count_hints() -> None:
    assert page_count_expected(2, min_pages=1, max_pages=2)
    assert not page_count_expected(3, min_pages=1, max_pages=2)
    assert not page_count_expected(1, min_pages=2, max_pages=None)
    assert page_count_expected(500, min_pages=1, max_pages=None)
