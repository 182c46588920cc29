"""Canonical JSON: one byte string per value, so a hash computed today is recomputed identically
years later from what the database hands back.

Rules: keys sorted, no insignificant whitespace, UTF-8, no NaN/Infinity. Values are first turned
into plain JSON values by ``to_json_value`` — and *that* plain form is what gets stored in the
``jsonb`` columns — so storing and re-reading never changes what is hashed:

* ``Decimal`` → its fixed-point string with its scale kept (``Decimal("12.50")`` → ``"12.50"``);
  ``Money`` → its amount the same way.
* ``datetime`` → ISO 8601 in UTC with microseconds (``2026-03-01T09:00:00.000000Z``);
  a naive datetime keeps no offset. ``date`` and ``time`` → ISO 8601.
* ``timedelta`` → ISO 8601 duration; ``UUID`` → canonical hex string; ``bytes`` → hex.
* an integral ``float`` → ``int`` (``jsonb`` prints ``1e20`` back as an integer).
* enum members → their value; lazy translation strings → their text in the active language.
* ``set``/``frozenset`` → list sorted by each element's canonical form; tuples → lists.
* dict keys → strings.

Anything else raises ``TypeError``: guessing how to print an unknown type is how two runs end up
disagreeing.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import uuid
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

from django.utils.duration import duration_iso_string
from django.utils.functional import Promise

from simis.core.money import Money

JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]


def format_timestamp(value: dt.datetime) -> str:
    """A timezone-aware datetime as UTC ISO 8601 with exactly six fractional digits and ``Z``."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("audit timestamps must be timezone-aware")
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def to_json_value(value: Any) -> JsonValue:
    """``value`` as plain JSON data (see the module docstring for each type)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Enum):
        return to_json_value(value.value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("NaN and infinity cannot be audited")
        return int(value) if value.is_integer() else value
    if isinstance(value, Money):
        return to_json_value(value.amount)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("NaN and infinity cannot be audited")
        return format(value, "f")
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return value.isoformat(timespec="microseconds")
        return format_timestamp(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, Mapping):
        return {
            str(to_json_value(k)) if not isinstance(k, str) else k: to_json_value(v) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [to_json_value(v) for v in value]
    if isinstance(value, set | frozenset):
        items = [to_json_value(v) for v in value]
        return sorted(items, key=canonical_json)
    raise TypeError(f"cannot put a {type(value).__name__} into the audit log; pass plain data")


def canonical_json(value: Any) -> bytes:
    """The canonical UTF-8 JSON bytes of ``value`` (converted with ``to_json_value`` first)."""
    return json.dumps(
        to_json_value(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")
