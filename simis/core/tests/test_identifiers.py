"""Identity numbers: Saudi national IDs and iqamas with their Luhn check digit, GCC IDs by
structure, passports; normalisation of what people type."""

from __future__ import annotations

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from simis.core.errors import IdentifierError, SimisError
from simis.core.identifiers import (
    GccCountry,
    IdentityKind,
    SaudiIdFormField,
    bill_number_make,
    bill_number_valid,
    generate_national_id,
    identity_kind,
    luhn_check_digit,
    luhn_valid,
    normalise_digits,
    normalise_identifier,
    validate_gcc_id,
    validate_identifier,
    validate_iqama,
    validate_national_id,
    validate_passport,
    validate_saudi_id,
)

SARA = generate_national_id(1234567)  # a Saudi national
RAVI = generate_national_id(7654321, IdentityKind.IQAMA)  # a resident

sequences = st.integers(min_value=0, max_value=99_999_999)
kinds = st.sampled_from([IdentityKind.NATIONAL_ID, IdentityKind.IQAMA])


def code_of(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(SimisError) as caught:
        call()
    return caught.value.code


def test_luhn_on_textbook_numbers():
    # The classic Luhn example 7992739871 → check digit 3.
    assert luhn_check_digit("7992739871") == "3"
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
    # An iqama-shaped number computed by hand: 2 1 0 0 0 0 0 0 0 → doubled positions from
    # the right: 0,0,0,0,2 → 2*2=4; plus 1 → 5; check digit 5.
    assert luhn_check_digit("210000000") == "5"
    assert validate_iqama("2100000005") == "2100000005"


def test_generated_ids_have_the_right_shape():
    assert SARA.startswith("1") and len(SARA) == 10 and SARA[1:9] == "01234567"
    assert RAVI.startswith("2")
    assert generate_national_id(0) == "1000000008"


def test_normalises_what_people_type():
    assert normalise_digits("١٢٣٤٥٦٧٨٩٠ ۱۲۳") == "1234567890 123"
    assert normalise_identifier(" ١٠١٢-٣٤٥ ٦٧٨ ") == "1012345678"
    assert normalise_identifier("۱۰۱۲–345.678") == "1012345678"
    arabic = SARA.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert validate_national_id(arabic) == SARA
    assert validate_national_id(f"{SARA[:3]}-{SARA[3:6]} {SARA[6:]}") == SARA
    assert validate_passport(" ab-123 456 ") == "AB123456"


def test_national_id_and_iqama_refusals():
    assert code_of(lambda: validate_national_id("")) == IdentifierError.EMPTY.code
    assert code_of(lambda: validate_national_id("12345678x9")) == "IDF-002"
    assert code_of(lambda: validate_national_id("123456789")) == "IDF-003"
    assert code_of(lambda: validate_national_id(RAVI)) == "IDF-004"
    assert code_of(lambda: validate_iqama(SARA)) == "IDF-005"
    assert code_of(lambda: validate_saudi_id("3" + SARA[1:])) == "IDF-008"
    broken = SARA[:-1] + str((int(SARA[-1]) + 1) % 10)
    assert code_of(lambda: validate_national_id(broken)) == IdentifierError.CHECK_DIGIT.code
    assert validate_saudi_id(SARA) == SARA and validate_saudi_id(RAVI) == RAVI


def test_identity_kind():
    assert identity_kind(SARA) == IdentityKind.NATIONAL_ID
    assert identity_kind(RAVI) == IdentityKind.IQAMA
    assert identity_kind("a1234567") == IdentityKind.PASSPORT
    assert identity_kind("123456") == IdentityKind.PASSPORT
    assert code_of(lambda: identity_kind(SARA[:-1] + "x")) == "IDF-008"
    assert code_of(lambda: identity_kind("12345")) == "IDF-008"
    assert code_of(lambda: identity_kind("")) == "IDF-001"
    broken = SARA[:-1] + str((int(SARA[-1]) + 1) % 10)
    assert code_of(lambda: identity_kind(broken)) == "IDF-006"


def test_passports():
    assert validate_passport("p1234567") == "P1234567"
    for bad in ("AB12", "ABCDEFGHIJ", "AB 12 34 5*", "جواز1234"):
        assert code_of(lambda bad=bad: validate_passport(bad)) == "IDF-007"


@pytest.mark.parametrize(
    ("country", "good", "bad"),
    [
        (GccCountry.AE, "784-1990-1234567-1", "785199012345671"),
        (GccCountry.BH, "900512345", "901312345"),
        (GccCountry.KW, "290022512345", "290023012345"),
        (GccCountry.OM, "12345678", "123456"),
        (GccCountry.QA, "28963412345", "28940012345"),
    ],
)
def test_gcc_ids_by_structure(country, good, bad):
    assert validate_gcc_id(good, country) == normalise_identifier(good)
    assert validate_identifier(
        good, IdentityKind.GCC_NATIONAL_ID, country.value.lower()
    ) == normalise_identifier(good)
    assert code_of(lambda: validate_gcc_id(bad, country)) == "IDF-009"
    assert code_of(lambda: validate_gcc_id("", country)) == "IDF-001"


def test_gcc_unknown_country():
    assert code_of(lambda: validate_gcc_id("12345678", "SA")) == "IDF-010"
    assert code_of(lambda: validate_gcc_id("12345678", "")) == "IDF-010"


def test_generate_refuses_bad_input():
    assert code_of(lambda: generate_national_id(-1)) == "IDF-011"
    assert code_of(lambda: generate_national_id(100_000_000)) == "IDF-011"
    assert code_of(lambda: generate_national_id(1, IdentityKind.PASSPORT)) == "IDF-012"


@given(sequences, kinds)
def test_every_generated_id_validates(seq, kind):
    number = generate_national_id(seq, kind)
    assert validate_identifier(number, kind) == number
    assert identity_kind(number) == kind


@given(sequences, kinds, st.integers(0, 9), st.integers(1, 9))
def test_any_single_digit_change_is_rejected(seq, kind, position, delta):
    number = generate_national_id(seq, kind)
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    with pytest.raises(SimisError):
        validate_identifier(changed, kind)


@given(sequences, st.integers(0, 8))
def test_adjacent_transpositions_of_different_digits_are_mostly_caught(seq, position):
    # Luhn catches every adjacent swap except 0↔9.
    number = generate_national_id(seq)
    a, b = number[position], number[position + 1]
    if a == b or {a, b} == {"0", "9"}:
        return
    swapped = number[:position] + b + a + number[position + 2 :]
    with pytest.raises(SimisError):
        validate_saudi_id(swapped)


class IdForm(forms.Form):
    national_id = SaudiIdFormField(kinds=(IdentityKind.NATIONAL_ID,))
    any_saudi_id = SaudiIdFormField(required=False)


def test_form_field_normalises_and_reports_codes():
    arabic = RAVI.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    form = IdForm(data={"national_id": SARA, "any_saudi_id": arabic})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"national_id": SARA, "any_saudi_id": RAVI}
    form = IdForm(data={"national_id": RAVI})
    assert not form.is_valid()
    assert form.errors.as_data()["national_id"][0].code == "IDF-004"
    assert IdForm(data={"national_id": SARA, "any_saudi_id": ""}).is_valid()


# --- Bill numbers ---------------------------------------------------------------------------------


def test_bill_number_has_prefix_sequence_and_luhn_digit():
    # Luhn over "1000000000001": counting from the right both 1s stand in doubled places (0 and
    # 12), 2 + 2 = 4, check digit 6.
    assert bill_number_make(1) == "10000000000016"
    assert bill_number_make(999_999_999_999) == "1999999999999" + luhn_check_digit("1999999999999")
    assert luhn_valid(bill_number_make(123_456_789))


@pytest.mark.parametrize("sequence", [0, -1, 10**12, 10**13, True, 1.0, "12"])
def test_bill_sequence_out_of_range_is_refused(sequence):
    assert code_of(lambda: bill_number_make(sequence)) == "IDF-013"


@pytest.mark.parametrize(
    "value",
    [
        "10000000000017",  # wrong check digit
        "10000000000008",  # sequence zero, though Luhn-valid
        "20000000000014",  # not starting with 1 (Luhn-valid)
        "1000000000016",  # 13 digits
        "100000000000160",  # 15 digits
        "1000000000001 6",
        "١٠٠٠٠٠٠٠٠٠٠٠١٦",  # Arabic-Indic digits are not normalised here
        "",
        None,
        10000000000016,
    ],
)
def test_bill_number_valid_refuses_anything_else(value):
    assert luhn_valid("10000000000008") and luhn_valid("20000000000014")
    assert not bill_number_valid(value)


@given(st.integers(min_value=1, max_value=10**12 - 1))
def test_every_made_bill_number_is_valid_and_gives_its_sequence_back(sequence):
    number = bill_number_make(sequence)
    assert len(number) == 14 and number[0] == "1"
    assert int(number[1:13]) == sequence
    assert bill_number_valid(number)


@given(st.integers(min_value=1, max_value=10**12 - 1), st.integers(0, 13), st.integers(1, 9))
def test_any_single_digit_change_of_a_bill_number_is_caught(sequence, position, delta):
    number = bill_number_make(sequence)
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    assert not bill_number_valid(changed)
