"""Pure rules of SMS and error alerts: no ORM, no I/O, "now" passed in.

- Encoding and segments (3GPP TS 23.038 / 23.040): a text made only of the GSM 7-bit default
  alphabet and its extension table goes as GSM-7 (160 septets in one SMS, 153 per part of a
  concatenated one; an extension character takes two septets and is never split across parts);
  anything else goes as UCS-2 (70 UTF-16 code units in one SMS, 67 per part; a surrogate pair is
  never split).
- Saudi mobile numbers to E.164.
- Message templates: placeholders checked both ways, then filled.
- Delivery status: which changes are allowed, and what a gateway's words mean.
- Sending pace: a token bucket; retry back-off.
- Error alerts: the fingerprint that groups identical errors, and when a group is due an alert.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from simis.core.errors import SimisError
from simis.core.identifiers import normalise_digits
from simis.notifications.choices import SmsEncoding as Encoding
from simis.notifications.choices import SmsStatus as Status
from simis.notifications.errors import NotificationError

# --- GSM-7 and UCS-2 ----------------------------------------------------------------------------

# The GSM 7-bit default alphabet, in code order 0x00-0x7F (0x1B is the escape to the extension
# table, not a character of its own).
GSM7_TABLE = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_ESCAPE = 0x1B
GSM7_BASIC: frozenset[str] = frozenset(GSM7_TABLE) - {"\x1b"}
# The extension table: each is sent as ESC + its code, so it counts two septets.
GSM7_EXTENSION: dict[str, int] = {
    "\f": 0x0A,
    "^": 0x14,
    "{": 0x28,
    "}": 0x29,
    "\\": 0x2F,
    "[": 0x3C,
    "~": 0x3D,
    "]": 0x3E,
    "|": 0x40,
    "€": 0x65,
}

GSM7_SINGLE = 160
GSM7_PART = 153  # 160 less the 7 septets of a 6-octet concatenation header
UCS2_SINGLE = 70
UCS2_PART = 67  # 70 less the 3 code units of the header


@dataclass(frozen=True)
class SmsParts:
    """How a text goes on the air: its encoding, its length in that encoding's units (septets or
    UTF-16 code units), and the parts it is cut into (one part: no concatenation header)."""

    encoding: Encoding
    units: int
    parts: tuple[str, ...]

    @property
    def segments(self) -> int:
        return len(self.parts)


def is_gsm7(text: str) -> bool:
    """Whether every character is in the GSM 7-bit default alphabet or its extension table."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def gsm7_units(ch: str) -> int:
    return 2 if ch in GSM7_EXTENSION else 1


def ucs2_units(ch: str) -> int:
    """UTF-16 code units: two for a character beyond the Basic Multilingual Plane (an emoji),
    which gateways send as a surrogate pair."""
    return 2 if ord(ch) > 0xFFFF else 1


def _cut(text: str, width: int, units_of: Callable[[str], int]) -> tuple[str, ...]:
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for ch in text:
        size = units_of(ch)
        if used + size > width:
            parts.append("".join(current))
            current, used = [], 0
        current.append(ch)
        used += size
    parts.append("".join(current))
    return tuple(parts)


def sms_parts(text: str) -> SmsParts:
    """The encoding, length and parts of ``text`` (an empty text is one empty part)."""
    units_of: Callable[[str], int]
    if is_gsm7(text):
        encoding, units_of, single, part = Encoding.GSM7, gsm7_units, GSM7_SINGLE, GSM7_PART
    else:
        encoding, units_of, single, part = Encoding.UCS2, ucs2_units, UCS2_SINGLE, UCS2_PART
    units = sum(units_of(ch) for ch in text)
    if units <= single:
        return SmsParts(encoding, units, (text,))
    return SmsParts(encoding, units, _cut(text, part, units_of))


def segment_count(text: str) -> int:
    return sms_parts(text).segments


def gsm7_encode(text: str) -> bytes:
    """The text as unpacked GSM 7-bit septets, one per octet (SMPP ``data_coding`` 0, the SMSC
    default alphabet); an extension character is ESC followed by its code. Raises ``ValueError``
    for a character outside both tables."""
    out = bytearray()
    for ch in text:
        if ch in GSM7_EXTENSION:
            out += bytes((GSM7_ESCAPE, GSM7_EXTENSION[ch]))
        elif ch in GSM7_BASIC:
            out.append(GSM7_TABLE.index(ch))
        else:
            raise ValueError(f"{ch!r} is not in the GSM 7-bit alphabet")
    return bytes(out)


def gsm7_decode(data: bytes) -> str:
    """The inverse of ``gsm7_encode``."""
    reverse_extension = {code: ch for ch, code in GSM7_EXTENSION.items()}
    out: list[str] = []
    escaped = False
    for octet in data:
        if escaped:
            out.append(reverse_extension[octet])
            escaped = False
        elif octet == GSM7_ESCAPE:
            escaped = True
        else:
            out.append(GSM7_TABLE[octet])
    return "".join(out)


def encode_part(text: str, encoding: Encoding) -> bytes:
    return gsm7_encode(text) if encoding == Encoding.GSM7 else text.encode("utf-16-be")


# --- Saudi mobile numbers -----------------------------------------------------------------------

# Spaces (and no-break, direction marks), hyphens and dashes, dots, brackets.
_PHONE_SEPARATORS = re.compile(r"[\s\u00a0\u200e\u200f\u202a-\u202e\-\u2010-\u2015\u2212.()]+")
_SAUDI_MOBILE = re.compile(r"^5\d{8}$")
E164_SAUDI_MOBILE = re.compile(r"^\+9665\d{8}$")


def phone_normalise(raw: str) -> str:
    """A Saudi mobile number in E.164 (``+9665XXXXXXXX``). Accepted: ``05XXXXXXXX``,
    ``5XXXXXXXX``, ``9665XXXXXXXX``, ``+9665XXXXXXXX``, ``009665XXXXXXXX``, with Arabic-Indic or
    Persian digits, spaces, dashes, dots or brackets anywhere. Anything else: NTF-001/NTF-002."""
    text = _PHONE_SEPARATORS.sub("", normalise_digits(str(raw or "")))
    if not text:
        raise SimisError(NotificationError.PHONE_EMPTY)
    national = text
    for prefix in ("+966", "00966", "966", "0"):
        if national.startswith(prefix):
            national = national[len(prefix) :]
            break
    if not _SAUDI_MOBILE.match(national):
        raise SimisError(NotificationError.PHONE_NOT_SAUDI_MOBILE, value=str(raw))
    return f"+966{national}"


def phone_masked(e164: str) -> str:
    """``+966 5X XXX 4567`` → ``+9665•••••567``: enough for staff to tell numbers apart in a list."""
    if len(e164) < 8:
        return e164
    return f"{e164[:5]}{'•' * (len(e164) - 8)}{e164[-3:]}"


# --- Message templates --------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_STRAY_BRACE = re.compile(r"[{}]")
LANGUAGES = ("ar", "en")


def language_check(language: str) -> str:
    if language not in LANGUAGES:
        raise SimisError(NotificationError.LANGUAGE_UNSUPPORTED, value=str(language))
    return language


def template_placeholders(text: str) -> frozenset[str]:
    """The ``{name}`` placeholders a template text uses."""
    return frozenset(_PLACEHOLDER.findall(text))


def template_fill(*, key: str, text: str, declared: Iterable[str], values: Mapping[str, str]) -> str:
    """``text`` with each ``{name}`` replaced by ``values[name]``.

    A value for a name the template does not declare is refused (NTF-005) — a caller's typo must
    not pass silently with the placeholder left blank — and so is a declared name without a value
    (NTF-006). Values are inserted as they are: braces in a value are not read as placeholders."""
    allowed = frozenset(declared)
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise SimisError(
            NotificationError.PLACEHOLDER_UNKNOWN,
            key=key,
            names=", ".join(unknown),
            allowed=", ".join(sorted(allowed)) or "-",
        )
    missing = sorted(allowed - set(values))
    if missing:
        raise SimisError(NotificationError.PLACEHOLDER_MISSING, key=key, names=", ".join(missing))
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def template_text_problems(text: str, declared: Iterable[str]) -> list[str]:
    """Why a template text does not match its declared placeholders (empty: it does)."""
    problems = []
    used = template_placeholders(text)
    wanted = frozenset(declared)
    if used - wanted:
        problems.append(f"uses undeclared {sorted(used - wanted)}")
    if wanted - used:
        problems.append(f"does not use declared {sorted(wanted - used)}")
    if _STRAY_BRACE.search(_PLACEHOLDER.sub("", text)):
        problems.append("has a brace that is not part of a {placeholder}")
    if not text.strip():
        problems.append("is empty")
    return problems


# --- Delivery status ----------------------------------------------------------------------------


FINAL_STATUSES = frozenset({Status.DELIVERED, Status.FAILED, Status.CANCELLED})

# Where a message may go from each status. ``sending → queued`` is a temporary gateway failure
# waiting for its retry; ``sending → delivered`` a receipt that overtook the gateway's answer;
# ``sent → failed`` a receipt saying the handset never got it.
_TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.QUEUED: frozenset({Status.SENDING, Status.CANCELLED, Status.FAILED}),
    Status.SENDING: frozenset({Status.QUEUED, Status.SENT, Status.DELIVERED, Status.FAILED}),
    Status.SENT: frozenset({Status.DELIVERED, Status.FAILED}),
    Status.DELIVERED: frozenset(),
    Status.FAILED: frozenset(),
    Status.CANCELLED: frozenset(),
}


def status_change_allowed(current: str, new: str) -> bool:
    return Status(new) in _TRANSITIONS[Status(current)]


# What HTTP gateways and SMPP receipts call each outcome (lower-cased), and ours.
_GATEWAY_WORDS: dict[str, Status] = {
    "accepted": Status.SENT,
    "enroute": Status.SENT,
    "sent": Status.SENT,
    "submitted": Status.SENT,
    "delivered": Status.DELIVERED,
    "delivrd": Status.DELIVERED,
    "failed": Status.FAILED,
    "undelivered": Status.FAILED,
    "undeliv": Status.FAILED,
    "rejected": Status.FAILED,
    "rejectd": Status.FAILED,
    "expired": Status.FAILED,
    "deleted": Status.FAILED,
}


def gateway_status(word: str) -> Status:
    """Our status for a gateway's word (``DELIVRD``, ``delivered``, ``UNDELIV``…); NTF-201."""
    found = _GATEWAY_WORDS.get(str(word).strip().lower())
    if found is None:
        raise SimisError(NotificationError.GATEWAY_STATUS_UNKNOWN, value=str(word))
    return found


# --- Pace: token bucket and back-off ------------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    tokens: float
    at: datetime


def bucket_take(bucket: Bucket, *, now: datetime, rate: float, capacity: float) -> tuple[Bucket, float]:
    """Take one token from a bucket refilled at ``rate`` per second up to ``capacity``.

    Returns the bucket after the attempt and how many seconds to wait: 0 when the token was
    taken, otherwise the time until one is there (nothing is taken then). A clock that went
    backwards refills nothing."""
    elapsed = max(0.0, (now - bucket.at).total_seconds())
    tokens = min(capacity, bucket.tokens + elapsed * rate)
    at = max(now, bucket.at)
    # The clock counts whole microseconds: a token due 1/3 s later arrives as 0.999999 of one.
    if tokens >= 1.0 - rate * 1e-6:
        return Bucket(max(0.0, tokens - 1.0), at), 0.0
    return Bucket(tokens, at), (1.0 - tokens) / rate


def retry_delay(attempt: int, *, first: int = 15, factor: int = 3, cap: int = 3600) -> int:
    """Seconds to wait before attempt ``attempt + 1`` after ``attempt`` failed ones: 15 s, 45 s,
    2¼ min, 6¾ min, 20¼ min, then at most an hour."""
    if attempt < 1:
        return 0
    return min(cap, first * factor ** (attempt - 1))


# --- Reminders ----------------------------------------------------------------------------------


def reminder_send_at(*, event_on: date, days_before: int, hour: int, zone: tzinfo, now: datetime) -> datetime:
    """When a reminder of something on ``event_on`` goes: ``days_before`` days earlier at ``hour``
    o'clock local time — or ``now`` when that moment has passed but the day has not (a case
    registered late still gets its reminder). Raises NTF-104 when the day itself has passed."""
    local_today = now.astimezone(zone).date()
    if event_on < local_today:
        raise SimisError(NotificationError.REMINDER_TOO_LATE, day=event_on.isoformat())
    planned = datetime.combine(event_on - timedelta(days=days_before), time(hour), tzinfo=zone)
    return max(planned, now)


# --- Error alerts (REL-3) -----------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    filename: str
    function: str


def error_location(frames: Iterable[Frame], *, project_root: str) -> str:
    """Where an error happened, as ``path/relative/to/project.py:function``: the innermost frame
    in the project's own code (not Django, not a library), else the innermost frame at all.
    Line numbers are left out so the location survives an edit above it."""
    listed = list(frames)
    if not listed:
        return "?"
    root = project_root.rstrip("/") + "/"
    own = [
        frame
        for frame in listed
        if frame.filename.startswith(root) and "/site-packages/" not in frame.filename[len(root) :]
    ]
    chosen = (own or listed)[-1]
    path = chosen.filename[len(root) :] if chosen.filename.startswith(root) else chosen.filename
    return f"{path}:{chosen.function}"


def error_fingerprint(*, exception_type: str, location: str) -> str:
    """The grouping key of an error: its exception type and where it happened. Messages are left
    out: they carry values (a record number) that differ between occurrences of the same bug."""
    return hashlib.sha256(f"{exception_type}\n{location}".encode()).hexdigest()


def alert_due(
    *, count: int, alerted_count: int, last_alerted_at: datetime | None, now: datetime, window: timedelta
) -> bool:
    """Whether an error group is due an alert: it has occurrences nobody was told of, and no
    alert went out for it within ``window``. So a storm of identical errors sends one alert,
    then at most one per window with the count of what came since."""
    if count <= alerted_count:
        return False
    return last_alerted_at is None or now - last_alerted_at >= window


def segments_for_units(units: int, *, single: int, part: int) -> int:
    """Parts needed for ``units`` when no character straddles a boundary (a lower bound of
    ``sms_parts`` for GSM-7 texts with extension characters)."""
    if units <= single:
        return 1
    return math.ceil(units / part)
