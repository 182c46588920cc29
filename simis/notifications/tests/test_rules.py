"""The pure rules of SMS and error alerts, without a database: GSM-7/UCS-2 detection and segment
counting (3GPP TS 23.038/23.040), Saudi mobile numbers, placeholders, status changes, the token
bucket, back-off, reminders and error fingerprints. Property tests say what must hold for every
input, not just the examples."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simis.core.errors import SimisError
from simis.notifications.choices import SmsEncoding, SmsStatus
from simis.notifications.rules import (
    FINAL_STATUSES,
    GSM7_BASIC,
    GSM7_EXTENSION,
    Bucket,
    Frame,
    alert_due,
    bucket_take,
    error_fingerprint,
    error_location,
    gateway_status,
    gsm7_decode,
    gsm7_encode,
    gsm7_units,
    is_gsm7,
    phone_masked,
    phone_normalise,
    reminder_send_at,
    retry_delay,
    sms_parts,
    status_change_allowed,
    template_fill,
    template_placeholders,
    template_text_problems,
    ucs2_units,
)

GSM_CHARS = sorted(GSM7_BASIC | set(GSM7_EXTENSION))
gsm_text = st.text(alphabet=st.sampled_from(GSM_CHARS), max_size=1200)
# Texts that must go as UCS-2: at least one Arabic letter among any characters (emoji included).
any_char = st.characters(blacklist_categories=("Cs",))
ucs2_text = st.builds(
    lambda before, arabic, after: before + arabic + after,
    st.text(alphabet=any_char, max_size=400),
    st.sampled_from("ابتثجحخدذرزسشصضطظعغفقكلمنهويىةءآأإؤئ"),
    st.text(alphabet=any_char, max_size=400),
)


# --- Encoding and segments -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("", SmsEncoding.GSM7, 1),
        ("a" * 160, SmsEncoding.GSM7, 1),
        ("a" * 161, SmsEncoding.GSM7, 2),
        ("a" * 306, SmsEncoding.GSM7, 2),
        ("a" * 307, SmsEncoding.GSM7, 3),
        ("€" * 80, SmsEncoding.GSM7, 1),  # 160 septets: each € is ESC + 0x65
        ("€" * 81, SmsEncoding.GSM7, 2),
        ("ب" * 70, SmsEncoding.UCS2, 1),
        ("ب" * 71, SmsEncoding.UCS2, 2),
        ("ب" * 134, SmsEncoding.UCS2, 2),
        ("ب" * 135, SmsEncoding.UCS2, 3),
        ("a" * 159 + "ب", SmsEncoding.UCS2, 3),  # one Arabic letter turns the whole text UCS-2
        ("ب" * 69 + "😀", SmsEncoding.UCS2, 2),  # the emoji is a surrogate pair: 71 units
        ("Price: 5$ @ café", SmsEncoding.GSM7, 1),
        ("`backtick`", SmsEncoding.UCS2, 1),  # ` is not in the GSM alphabet
    ],
)
def test_encoding_and_segments_of_known_texts(text: str, encoding: SmsEncoding, segments: int) -> None:
    parts = sms_parts(text)
    assert (parts.encoding, parts.segments) == (encoding, segments)


def test_an_extension_character_is_never_split_across_parts() -> None:
    # 152 septets, then € (2 septets) would make 154 > 153: it starts the second part.
    parts = sms_parts("a" * 152 + "€" + "b" * 10)
    assert parts.parts[0] == "a" * 152
    assert parts.parts[1].startswith("€")
    assert parts.units == 152 + 2 + 10


def test_a_surrogate_pair_is_never_split_across_parts() -> None:
    parts = sms_parts("ب" * 66 + "😀" + "ب" * 5)  # 73 units: two parts
    assert parts.parts[0] == "ب" * 66
    assert parts.parts[1] == "😀" + "ب" * 5


@settings(max_examples=300)
@given(gsm_text)
def test_gsm7_texts_are_cut_into_parts_that_fit(text: str) -> None:
    parts = sms_parts(text)
    assert parts.encoding == SmsEncoding.GSM7
    assert "".join(parts.parts) == text
    units = sum(gsm7_units(ch) for ch in text)
    assert parts.units == units
    if units <= 160:
        assert parts.segments == 1
    else:
        assert all(sum(gsm7_units(ch) for ch in part) <= 153 for part in parts.parts)
        # Only an extension character at a boundary wastes a septet.
        assert math.ceil(units / 153) <= parts.segments <= math.ceil(units / 152)


@settings(max_examples=300)
@given(ucs2_text)
def test_ucs2_texts_are_cut_into_parts_that_fit(text: str) -> None:
    parts = sms_parts(text)
    assert parts.encoding == SmsEncoding.UCS2
    assert "".join(parts.parts) == text
    units = sum(ucs2_units(ch) for ch in text)
    assert units == len(text.encode("utf-16-be")) // 2
    if units <= 70:
        assert parts.segments == 1
    else:
        assert all(sum(ucs2_units(ch) for ch in part) <= 67 for part in parts.parts)
        assert math.ceil(units / 67) <= parts.segments <= math.ceil(units / 66)


@given(gsm_text, gsm_text)
def test_more_text_never_takes_fewer_parts(text: str, more: str) -> None:
    assert sms_parts(text + more).segments >= sms_parts(text).segments


@given(gsm_text)
def test_gsm7_encoding_round_trips_and_counts_septets(text: str) -> None:
    encoded = gsm7_encode(text)
    assert gsm7_decode(encoded) == text
    assert len(encoded) == sms_parts(text).units
    assert all(octet < 0x80 for octet in encoded)


@given(st.text(alphabet=any_char, max_size=50))
def test_is_gsm7_agrees_with_the_encoder(text: str) -> None:
    try:
        gsm7_encode(text)
    except ValueError:
        assert not is_gsm7(text)
    else:
        assert is_gsm7(text)


def test_the_gsm7_tables_hold_what_the_standard_says() -> None:
    assert len(GSM7_BASIC) == 127  # 128 codes less the escape
    assert gsm7_encode("@£$") == b"\x00\x01\x02"
    assert gsm7_encode("€[") == b"\x1b\x65\x1b\x3c"
    assert "ب" not in GSM7_BASIC and "`" not in GSM7_BASIC


# --- Saudi mobile numbers -----------------------------------------------------------------------

digits8 = st.text(alphabet="0123456789", min_size=8, max_size=8)
_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@given(digits8, st.sampled_from(["05{}", "5{}", "9665{}", "+9665{}", "009665{}", "+966 5{}", "(05) {}"]))
def test_every_usual_form_of_a_saudi_mobile_becomes_e164(rest: str, form: str) -> None:
    written = form.format(rest)
    assert phone_normalise(written) == f"+9665{rest}"
    assert phone_normalise(written.translate(_ARABIC_INDIC)) == f"+9665{rest}"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("٠٥٥ ١٢٣ ٤٥٦٧", "+966551234567"),
        ("055-123-4567", "+966551234567"),
        ("\u200f+966 55 123 4567", "+966551234567"),
        ("۰۵۵۱۲۳۴۵۶۷", "+966551234567"),  # Persian digits
    ],
)
def test_written_numbers_are_read(raw: str, expected: str) -> None:
    assert phone_normalise(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "NTF-001"),
        ("  ", "NTF-001"),
        ("0551234", "NTF-002"),  # too short
        ("05512345678", "NTF-002"),  # too long
        ("0112345678", "NTF-002"),  # a Riyadh landline
        ("+971501234567", "NTF-002"),  # a UAE mobile
        ("abc", "NTF-002"),
        ("+966 11 123 4567", "NTF-002"),
    ],
)
def test_anything_else_is_refused_with_a_code(raw: str, code: str) -> None:
    with pytest.raises(SimisError) as refused:
        phone_normalise(raw)
    assert refused.value.code == code


def test_a_masked_number_keeps_only_its_ends() -> None:
    assert phone_masked("+966551234567") == "+9665•••••567"


# --- Placeholders -------------------------------------------------------------------------------


def test_placeholders_are_filled_and_values_are_not_read_as_placeholders() -> None:
    text = template_fill(
        key="t", text="{name} on {date}", declared=["name", "date"], values={"name": "{date}", "date": "1/1"}
    )
    assert text == "{date} on 1/1"
    assert template_placeholders("{a} {b_2} {a}") == {"a", "b_2"}


def test_an_unknown_placeholder_is_refused() -> None:
    with pytest.raises(SimisError) as refused:
        template_fill(key="t", text="{name}", declared=["name"], values={"name": "x", "nmae": "y"})
    assert refused.value.code == "NTF-005"
    assert "nmae" in str(refused.value)


def test_a_missing_placeholder_is_refused() -> None:
    with pytest.raises(SimisError) as refused:
        template_fill(key="t", text="{name} {date}", declared=["name", "date"], values={"name": "x"})
    assert refused.value.code == "NTF-006"


def test_template_texts_are_checked_against_their_declaration() -> None:
    assert template_text_problems("{a} and {b}", ["a", "b"]) == []
    assert template_text_problems("{a} and {c}", ["a", "b"]) != []
    assert template_text_problems("{a} }", ["a"]) != []  # a stray brace


# --- Status -------------------------------------------------------------------------------------


def test_final_statuses_go_nowhere() -> None:
    for final in FINAL_STATUSES:
        assert not any(status_change_allowed(final, other) for other in SmsStatus.values)


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        ("queued", "sending", True),
        ("queued", "cancelled", True),
        ("sending", "sent", True),
        ("sending", "queued", True),  # a temporary failure, to be retried
        ("sending", "delivered", True),  # a receipt overtook the gateway's answer
        ("sent", "delivered", True),
        ("sent", "failed", True),
        ("sent", "cancelled", False),
        ("queued", "delivered", False),
        ("delivered", "failed", False),
    ],
)
def test_status_changes(current: str, new: str, allowed: bool) -> None:
    assert status_change_allowed(current, new) is allowed


def test_gateway_words_are_understood_or_refused() -> None:
    assert gateway_status("DELIVRD") == SmsStatus.DELIVERED
    assert gateway_status(" Undelivered ") == SmsStatus.FAILED
    assert gateway_status("accepted") == SmsStatus.SENT
    with pytest.raises(SimisError) as refused:
        gateway_status("maybe")
    assert refused.value.code == "NTF-201"


# --- Pace ---------------------------------------------------------------------------------------

T0 = datetime(2026, 3, 15, 9, 0, tzinfo=UTC)


@settings(max_examples=200)
@given(
    rate=st.integers(min_value=1, max_value=50),
    gaps=st.lists(st.floats(min_value=0, max_value=0.5, allow_nan=False), min_size=1, max_size=300),
)
def test_the_bucket_never_grants_more_than_its_rate_allows(rate: int, gaps: list[float]) -> None:
    bucket = Bucket(tokens=float(rate), at=T0)
    now = T0
    granted: list[datetime] = []
    for gap in gaps:
        now = now + timedelta(seconds=gap)
        bucket, wait = bucket_take(bucket, now=now, rate=rate, capacity=rate)
        assert wait >= 0
        assert 0 <= bucket.tokens <= rate
        if wait == 0:
            granted.append(now)
    # In any span of d seconds at most capacity + rate·d tokens can have been taken.
    for i, start in enumerate(granted):
        for j in range(i, len(granted)):
            span = (granted[j] - start).total_seconds()
            assert j - i + 1 <= rate + rate * span + 1e-3


@given(rate=st.integers(min_value=1, max_value=50), count=st.integers(min_value=1, max_value=200))
def test_requests_at_the_rate_are_all_granted(rate: int, count: int) -> None:
    bucket = Bucket(tokens=0.0, at=T0)
    for i in range(1, count + 1):
        bucket, wait = bucket_take(bucket, now=T0 + timedelta(seconds=i / rate), rate=rate, capacity=rate)
        assert wait == 0


def test_an_empty_bucket_says_how_long_to_wait() -> None:
    bucket, wait = bucket_take(Bucket(tokens=0.0, at=T0), now=T0, rate=4, capacity=4)
    assert wait == pytest.approx(0.25)
    assert bucket.tokens == 0


def test_a_clock_that_goes_back_refills_nothing() -> None:
    bucket, wait = bucket_take(Bucket(tokens=0.5, at=T0), now=T0 - timedelta(seconds=10), rate=1, capacity=1)
    assert wait == pytest.approx(0.5)
    assert bucket.at == T0


@given(st.integers(min_value=1, max_value=40))
def test_back_off_grows_and_is_capped(attempt: int) -> None:
    assert retry_delay(1) == 15
    assert retry_delay(attempt) <= retry_delay(attempt + 1) <= 3600


# --- Reminders ----------------------------------------------------------------------------------

RIYADH = ZoneInfo("Asia/Riyadh")


def test_a_reminder_goes_days_before_at_the_hour() -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=RIYADH)
    at = reminder_send_at(event_on=date(2026, 3, 20), days_before=2, hour=9, zone=RIYADH, now=now)
    assert at == datetime(2026, 3, 18, 9, 0, tzinfo=RIYADH)


def test_a_late_reminder_goes_now_and_a_past_day_is_refused() -> None:
    now = datetime(2026, 3, 19, 15, 0, tzinfo=RIYADH)
    at = reminder_send_at(event_on=date(2026, 3, 20), days_before=2, hour=9, zone=RIYADH, now=now)
    assert at == now
    with pytest.raises(SimisError) as refused:
        reminder_send_at(event_on=date(2026, 3, 18), days_before=2, hour=9, zone=RIYADH, now=now)
    assert refused.value.code == "NTF-104"


# --- Error alerts -------------------------------------------------------------------------------


def test_the_location_is_the_innermost_frame_of_our_own_code() -> None:
    frames = [
        Frame("/srv/simis/.venv/lib/python3.11/site-packages/django/core/handlers/base.py", "_get_response"),
        Frame("/srv/simis/simis/registry/views.py", "person_detail"),
        Frame("/srv/simis/simis/registry/selectors.py", "person_get"),
        Frame("/srv/simis/.venv/lib/python3.11/site-packages/django/db/models/query.py", "get"),
    ]
    assert error_location(frames, project_root="/srv/simis") == "simis/registry/selectors.py:person_get"
    library_only = [Frame("/usr/lib/python3.11/json/decoder.py", "decode")]
    assert (
        error_location(library_only, project_root="/srv/simis")
        == "/usr/lib/python3.11/json/decoder.py:decode"
    )


def test_the_fingerprint_depends_on_type_and_place_only() -> None:
    one = error_fingerprint(exception_type="builtins.KeyError", location="simis/a.py:f")
    assert one == error_fingerprint(exception_type="builtins.KeyError", location="simis/a.py:f")
    assert one != error_fingerprint(exception_type="builtins.ValueError", location="simis/a.py:f")
    assert one != error_fingerprint(exception_type="builtins.KeyError", location="simis/a.py:g")


def test_one_alert_per_window() -> None:
    window = timedelta(minutes=15)
    assert alert_due(count=1, alerted_count=0, last_alerted_at=None, now=T0, window=window)
    assert not alert_due(count=1000, alerted_count=1000, last_alerted_at=T0, now=T0, window=window)
    assert not alert_due(
        count=1001, alerted_count=1000, last_alerted_at=T0, now=T0 + timedelta(minutes=14), window=window
    )
    assert alert_due(
        count=1001, alerted_count=1000, last_alerted_at=T0, now=T0 + timedelta(minutes=15), window=window
    )
