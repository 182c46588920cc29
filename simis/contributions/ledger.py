"""Posting to the employer's account: the one way money enters the double-entry ledger.

Every entry is written with all its postings in one statement (the database refuses an entry
that does not balance), under a unique ``source`` (a retried job or a payment notified twice
posts once), and with the establishment's account locked for the transaction, so two payments
of one employer are allocated one after the other against the same debts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Q

from simis.contributions import rules
from simis.contributions.models import Account, EmployerCredit, EntryKind, JournalEntry, MonthDebt, Posting
from simis.core.db_copy import ids_take, objects_copy
from simis.core.money import Money


@dataclass(frozen=True, slots=True)
class Line:
    account: Account
    month: date | None
    amount: int  # halalas; positive debits, negative credits


@dataclass(frozen=True, slots=True)
class Posted:
    entry: JournalEntry
    created: bool  # False: the source was posted before, nothing was written now


def accounts_lock(establishment_ids: Iterable[int]) -> None:
    """Holds the establishments' accounts until the transaction ends: a row lock on each one's
    credit row (made if missing), taken in establishment order in one statement. Row locks live
    in the rows, not in the server's lock table, so one transaction may hold a whole bank
    statement's worth of accounts (advisory locks ran out at 20,000–30,000)."""
    ids = sorted(set(establishment_ids))
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO contributions_employercredit (establishment_id, credit) "
            "SELECT unnest(%s::integer[]), 0 ON CONFLICT (establishment_id) DO NOTHING",
            [ids],
        )
        cursor.execute(
            "SELECT 1 FROM contributions_employercredit WHERE establishment_id = ANY(%s) "
            "ORDER BY establishment_id FOR UPDATE",
            [ids],
        )


def account_lock(establishment_id: int) -> None:
    """Holds the establishment's account until the transaction ends."""
    accounts_lock([establishment_id])


def entry_post(
    *,
    kind: EntryKind,
    source: str,
    establishment_id: int,
    posted_on: date,
    lines: Sequence[Line],
    memo: str = "",
    bill_id: int | None = None,
) -> Posted:
    """Writes one balanced entry, or returns the one already posted under ``source``."""
    existing = JournalEntry.objects.filter(source=source).first()
    if existing is not None:
        return Posted(existing, False)
    entry = JournalEntry.objects.create(
        kind=kind,
        source=source,
        establishment_id=establishment_id,
        posted_on=posted_on,
        memo=memo[:200],
        bill_id=bill_id,
    )
    Posting.objects.bulk_create(postings_make(entry, establishment_id, posted_on, lines))
    return Posted(entry, True)


def entries_write(drafts: Sequence[tuple[JournalEntry, Sequence[Line]]]) -> list[JournalEntry]:
    """Writes many new entries at once — a statement's payments, a day's fines — each with its
    lines as postings (on the entry's establishment and day): ids taken from the sequence, then
    the entries in one ``COPY`` and all their postings in another, so the balance and debt
    triggers run once. The caller has made sure no ``source`` was posted before. Returns the
    entries, with their ids."""
    entries = [entry for entry, _lines in drafts]
    for pk, entry in zip(ids_take(JournalEntry, len(entries)), entries, strict=True):
        entry.pk = pk
        entry.memo = entry.memo[:200]
    objects_copy(JournalEntry, entries)
    objects_copy(
        Posting,
        [
            posting
            for entry, lines in drafts
            for posting in postings_make(entry, entry.establishment_id, entry.posted_on, lines)  # type: ignore[arg-type]
        ],
        with_pk=False,
    )
    return entries


def postings_make(
    entry: JournalEntry, establishment_id: int, posted_on: date, lines: Sequence[Line]
) -> list[Posting]:
    """The entry's postings (unsaved), one for each line that moves money."""
    return [
        Posting(
            entry=entry,
            establishment_id=establishment_id,
            account=line.account,
            month=line.month,
            amount=Money(rules.riyals(line.amount)),
            posted_on=posted_on,
        )
        for line in lines
        if line.amount
    ]


def months_owed(establishment_id: int) -> list[rules.MonthOwed]:
    """The establishment's unpaid months, oldest first (contributions and fines, in halalas)."""
    return months_owed_of([establishment_id]).get(establishment_id, [])


def months_owed_of(establishment_ids: Sequence[int]) -> dict[int, list[rules.MonthOwed]]:
    """Each establishment's unpaid months, oldest first, read in one query (establishments
    owing nothing are absent)."""
    owed: dict[int, list[rules.MonthOwed]] = {}
    for row in (
        MonthDebt.objects.filter(establishment_id__in=establishment_ids)
        .filter(Q(contributions__gt=0) | Q(penalties__gt=0))
        .order_by("establishment_id", "month")
    ):
        owed.setdefault(row.establishment_id, []).append(
            rules.MonthOwed(
                row.month, rules.halalas(row.contributions.amount), rules.halalas(row.penalties.amount)
            )
        )
    return owed


def credit_of(establishment_id: int) -> int:
    found = EmployerCredit.objects.filter(establishment_id=establishment_id).first()
    return rules.halalas(found.credit.amount) if found else 0


def settle_lines(allocation: rules.Allocation) -> list[Line]:
    """Credits to the receivable accounts for what an allocation settles."""
    accounts = {"contributions": Account.CONTRIBUTIONS_RECEIVABLE, "penalties": Account.PENALTIES_RECEIVABLE}
    return [Line(accounts[account], month, -amount) for account, month, amount in allocation.settled]
