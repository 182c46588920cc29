"""Listeners told when a case is decided (closed, returned, or waiting for documents): the
notifications wiring sends the submitter an SMS from here. Listeners run inside the deciding
transaction, so what they enqueue commits or rolls back with the decision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CaseListener = Callable[[Any, str, str], None]
_LISTENERS: list[CaseListener] = []


def case_listener_register(listener: CaseListener) -> None:
    """``listener(case, outcome, note)``; outcome is approved, rejected, return or request_documents."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def case_decided(case: Any, outcome: str, *, note: str = "") -> None:
    for listener in _LISTENERS:
        listener(case, outcome, note)
