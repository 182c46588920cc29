"""The hash that links audit entries: what it covers and how it is computed."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
from dataclasses import dataclass
from typing import Any

from simis.audit.canonical import JsonValue, canonical_json, format_timestamp

# prev_hash of the very first entry.
GENESIS_HASH = "0" * 64
# Bumped (and handled in verification) if the hashed fields ever change.
HASH_SCHEME = 1


def normalise_ip(value: str | None) -> str | None:
    """The address as PostgreSQL's ``inet`` prints it back; None when absent or unparseable.

    IPv4-mapped IPv6 addresses are unpacked to IPv4 (Python and PostgreSQL print them differently)
    and zone ids are dropped (``inet`` has none)."""
    if not value:
        return None
    try:
        address = ipaddress.ip_address(value.strip().split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


@dataclass(frozen=True)
class ChainFields:
    """Exactly the columns the hash covers, in their stored form."""

    id: int
    occurred_at: dt.datetime
    actor_id: int | None
    actor_label: str
    actor_audience: str
    action: str
    subject_type: str
    subject_id: str
    before: JsonValue
    after: JsonValue
    extra: JsonValue
    request_id: str
    ip: str | None
    user_agent: str
    outcome: str
    prev_hash: str

    @classmethod
    def of(cls, entry: Any) -> ChainFields:
        """The fields of a stored ``AuditEntry`` (or any object with the same attributes)."""
        return cls(**{name: getattr(entry, name) for name in cls.__dataclass_fields__})

    def canonical(self) -> bytes:
        return canonical_json(
            {
                "scheme": HASH_SCHEME,
                "id": self.id,
                "occurred_at": format_timestamp(self.occurred_at),
                "actor_id": self.actor_id,
                "actor_label": self.actor_label,
                "actor_audience": self.actor_audience,
                "action": self.action,
                "subject_type": self.subject_type,
                "subject_id": self.subject_id,
                "before": self.before,
                "after": self.after,
                "extra": self.extra,
                "request_id": self.request_id,
                "ip": normalise_ip(str(self.ip)) if self.ip is not None else None,
                "user_agent": self.user_agent,
                "outcome": str(self.outcome),
                "prev_hash": self.prev_hash,
            }
        )

    def hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()
