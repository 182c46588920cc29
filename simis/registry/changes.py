"""Who hears that a contribution period changed in a way that may change what it owes.

Billing (the contributions app) registers a listener; every registry service that adds,
ends, re-decides or re-derives a period, or changes its wages, reports ``(engagement id,
establishment id, since)``: the first day whose contributions may differ. Listeners run inside
the service's transaction, so what they record commits or rolls back with the change. The
register knows nothing of bills."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

PeriodChange = tuple[int, int, date]
PeriodChangeListener = Callable[[list[PeriodChange]], None]

_listeners: list[PeriodChangeListener] = []


def period_change_listener_register(listener: PeriodChangeListener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def periods_changed(changes: Iterable[PeriodChange]) -> None:
    batch = list(changes)
    if not batch:
        return
    for listener in _listeners:
        listener(batch)
