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


def periods_added(engagement_ids: Iterable[int]) -> None:
    """Periods written in bulk (a file of new contributors): those that start before the current
    month — only they can reach a month already billed — are reported from their join date."""
    from django.db import connection

    ids = list(engagement_ids)
    if not ids or not _listeners:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, establishment_id, join_date FROM registry_engagement "
            "WHERE id = ANY(%s) AND join_date < date_trunc('month', current_date)",
            [ids],
        )
        periods_changed(cursor.fetchall())
