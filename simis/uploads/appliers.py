"""Applying checked rows through the register's own services, one service call per row (a
wage-change file: one call per month, all its lines together).

Every call runs inside the caller's transaction; a service refuses by raising a coded
``SimisError`` after rolling back its own savepoint, so a refused row leaves nothing behind and
the row keeps the register's code (REG-xxx). All or nothing: the remaining rows are still tried
after a refusal, so the report lists every refused row; the caller then rolls everything back.

New contributors take the set-based path of ``bulk_apply`` (see that module) unless it is
switched off (``SIMIS_UPLOAD_BULK_CONTRIBUTORS``): per-row service calls cannot register
100,000 people in seconds.

Rows name a contributor by an identity document; the register is searched for all of a file's
numbers in a few queries (``persons_find``), not once per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from simis.core.dates import month_end
from simis.core.errors import SimisError
from simis.registry.public import (
    Engagement,
    IdentityInput,
    Person,
    RegistryLinesError,
    WageLine,
    contributor_register,
    engagement_add,
    engagement_terminate,
    wage_change,
)
from simis.uploads.choices import UploadKind
from simis.uploads.errors import UploadError
from simis.uploads.outcomes import AppliedRow, ApplyContext, ApplyResult
from simis.uploads.rows import (
    IdentityCell,
    NewContributorInput,
    PeriodInput,
    RowInput,
    RowProblem,
    TerminationInput,
    WageChangeInput,
)

_QUERY_CHUNK = 5000


def _chunks(items: Sequence[Any], size: int = _QUERY_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- Finding the contributors and periods rows name ------------------------------------------------


class Found:
    """A contributor a row's identity document names: the id and the contributor number."""

    __slots__ = ("contributor_number", "person_id")

    def __init__(self, person_id: int, contributor_number: int) -> None:
        self.person_id = person_id
        self.contributor_number = contributor_number


def country_codes() -> dict[str, str]:
    """ISO alpha-2 and alpha-3 codes → alpha-3, from the register's country table."""
    country = Person._meta.get_field("nationality").related_model
    codes: dict[str, str] = {}
    for code, alpha2 in country._default_manager.values_list("code", "alpha2"):
        codes[code] = code
        codes[alpha2] = code
    return codes


def persons_find(cells: Iterable[IdentityCell]) -> dict[IdentityCell, Found | SimisError]:
    """Each document's contributor, or UPL-208 (none) / UPL-212 (more than one: give the type)."""
    wanted = list(dict.fromkeys(cells))
    numbers = sorted({cell.number for cell in wanted})
    holders: dict[str, list[tuple[str, str, int, int]]] = defaultdict(list)
    for chunk in _chunks(numbers):
        for kind, country, number, person_id, contributor_number in Person.objects.filter(
            identities__number__in=chunk
        ).values_list(
            "identities__kind", "identities__country_id", "identities__number", "pk", "contributor_number"
        ):
            holders[number].append((kind, country, person_id, contributor_number))
    codes = country_codes() if any(cell.country for cell in wanted) else {}
    found: dict[IdentityCell, Found | SimisError] = {}
    for cell in wanted:
        country = codes.get(cell.country, cell.country) if cell.country else ""
        matches = {
            (person_id, contributor_number)
            for kind, holder_country, person_id, contributor_number in holders.get(cell.number, [])
            if (cell.kind is None or kind == cell.kind) and (not country or holder_country == country)
        }
        if not matches:
            found[cell] = SimisError(UploadError.PERSON_NOT_FOUND, number=cell.number)
        elif len(matches) > 1:
            found[cell] = SimisError(UploadError.AMBIGUOUS_IDENTITY, number=cell.number)
        else:
            found[cell] = Found(*matches.pop())
    return found


def periods_at(
    establishment_id: int, person_ids: Iterable[int]
) -> dict[int, list[tuple[int, date, date | None, str]]]:
    """The contribution periods of these contributors at the establishment:
    ``{person id: [(period id, join, leave, status), …]}`` latest first."""
    ids = sorted(set(person_ids))
    periods: dict[int, list[tuple[int, date, date | None, str]]] = defaultdict(list)
    for chunk in _chunks(ids):
        for pk, person_id, join, leave, status in (
            Engagement.objects.filter(establishment_id=establishment_id, person_id__in=chunk)
            .order_by("person_id", "-join_date")
            .values_list("pk", "person_id", "join_date", "leave_date", "status")
        ):
            periods[person_id].append((pk, join, leave, status))
    return periods


# --- One applier per kind ---------------------------------------------------------------------------------


def _refused(result: ApplyResult, row: int, error: SimisError) -> None:
    result.refuse(row, RowProblem("", error))


def contributors_register(inputs: Sequence[RowInput], context: ApplyContext) -> ApplyResult:
    """REG-2, one ``contributor_register`` call per row."""
    result = ApplyResult()
    for done, item in enumerate(inputs, start=1):
        assert isinstance(item, NewContributorInput)
        try:
            registered = contributor_register(
                actor=context.actor,
                establishment=context.establishment,
                identities=[
                    IdentityInput(doc.kind or "", doc.number, doc.country) for doc in item.identities
                ],
                names=item.names,
                birth_date=item.birth_date,
                gender=item.gender,
                nationality=item.nationality,
                join_date=item.join_date,
                occupation=item.occupation,
                wage=item.wage,
                birth_date_calendar=item.birth_date_calendar,
                external_old_law_months=item.external_old_law_months,
                requested_on=context.requested_on,
            )
        except SimisError as error:
            _refused(result, item.row, error)
        else:
            result.applied.append(
                AppliedRow(item.row, registered.person.pk, registered.engagement.pk, registered.wage.pk)
            )
        context.progress(done)
    return result


def periods_add(inputs: Sequence[RowInput], context: ApplyContext) -> ApplyResult:
    """REG-3, one ``engagement_add`` call per row, for contributors already registered."""
    result = ApplyResult()
    typed = [item for item in inputs if isinstance(item, PeriodInput)]
    found = persons_find(item.identity for item in typed)
    persons = Person.objects.in_bulk([hit.person_id for hit in found.values() if isinstance(hit, Found)])
    for done, item in enumerate(typed, start=1):
        hit = found[item.identity]
        if isinstance(hit, SimisError):
            _refused(result, item.row, hit)
        else:
            try:
                engagement = engagement_add(
                    actor=context.actor,
                    person=persons[hit.person_id],
                    establishment=context.establishment,
                    join_date=item.join_date,
                    occupation=item.occupation,
                    wage=item.wage,
                    leave_date=item.leave_date,
                    leave_reason=item.leave_reason or None,
                    requested_on=context.requested_on,
                )
            except SimisError as error:
                _refused(result, item.row, error)
            else:
                result.applied.append(AppliedRow(item.row, hit.person_id, engagement.pk))
        context.progress(done)
    return result


def periods_terminate(inputs: Sequence[RowInput], context: ApplyContext) -> ApplyResult:
    """REG-3, one ``engagement_terminate`` call per row: the contributor's open period at the
    establishment ends (UPL-209 when there is none)."""
    result = ApplyResult()
    typed = [item for item in inputs if isinstance(item, TerminationInput)]
    found = persons_find(item.identity for item in typed)
    periods = periods_at(
        context.establishment.pk, (hit.person_id for hit in found.values() if isinstance(hit, Found))
    )
    for done, item in enumerate(typed, start=1):
        hit = found[item.identity]
        if isinstance(hit, SimisError):
            _refused(result, item.row, hit)
            context.progress(done)
            continue
        open_periods = [pk for pk, _join, leave, _status in periods.get(hit.person_id, []) if leave is None]
        if not open_periods:
            _refused(
                result,
                item.row,
                SimisError(
                    UploadError.NO_OPEN_PERIOD,
                    contributor_number=hit.contributor_number,
                    number=context.establishment.number,
                ),
            )
            context.progress(done)
            continue
        try:
            ended_period = engagement_terminate(
                actor=context.actor,
                engagement=Engagement(pk=open_periods[0]),
                leave_date=item.leave_date,
                reason=item.leave_reason,
                requested_on=context.requested_on,
            )
        except SimisError as error:
            _refused(result, item.row, error)
        else:
            result.applied.append(AppliedRow(item.row, hit.person_id, ended_period.pk))
        context.progress(done)
    return result


def _period_in_month(periods: list[tuple[int, date, date | None, str]], month: date) -> int | None:
    last_day = month_end(month)
    for pk, join, leave, _status in periods:  # latest first
        if join <= last_day and (leave is None or leave >= month):
            return pk
    return None


def wages_change(inputs: Sequence[RowInput], context: ApplyContext) -> ApplyResult:
    """REG-4: the rows of one month go to ``wage_change`` together. The register refuses such a
    call as a whole, listing each refused line (REG-409); to apply the valid rows the call is
    made again without the refused ones."""
    result = ApplyResult()
    typed = [item for item in inputs if isinstance(item, WageChangeInput)]
    found = persons_find(item.identity for item in typed)
    periods = periods_at(
        context.establishment.pk, (hit.person_id for hit in found.values() if isinstance(hit, Found))
    )
    by_month: dict[date, list[tuple[WageChangeInput, int, int]]] = defaultdict(list)
    for item in typed:
        hit = found[item.identity]
        if isinstance(hit, SimisError):
            _refused(result, item.row, hit)
            continue
        engagement_id = _period_in_month(periods.get(hit.person_id, []), item.month)
        if engagement_id is None:
            _refused(
                result,
                item.row,
                SimisError(
                    UploadError.NO_PERIOD_IN_MONTH,
                    contributor_number=hit.contributor_number,
                    number=context.establishment.number,
                    month=item.month.strftime("%m/%Y"),
                ),
            )
            continue
        by_month[item.month].append((item, hit.person_id, engagement_id))
    done = len(typed) - sum(len(lines) for lines in by_month.values())
    context.progress(done)
    for month in sorted(by_month):
        pending = by_month[month]
        while pending:
            lines = [
                WageLine(Engagement(pk=engagement_id), item.wage, item.occupation)
                for item, _p, engagement_id in pending
            ]
            try:
                wages = wage_change(
                    actor=context.actor,
                    establishment=context.establishment,
                    month=month,
                    lines=lines,
                    requested_on=context.requested_on,
                )
            except RegistryLinesError as refused:
                refused_positions = {line_error.line for line_error in refused.line_errors}
                for line_error in refused.line_errors:
                    _refused(result, pending[line_error.line - 1][0].row, line_error.error)
                if context.all_or_nothing or not refused_positions:
                    break
                pending = [
                    line
                    for position, line in enumerate(pending, start=1)
                    if position not in refused_positions
                ]
                continue
            except SimisError as error:
                for item, _p, _e in pending:
                    _refused(result, item.row, error)
                break
            for (item, person_id, engagement_id), wage in zip(pending, wages, strict=True):
                result.applied.append(AppliedRow(item.row, person_id, engagement_id, wage.pk))
            break
        done += len(by_month[month])
        context.progress(done)
    return result


Applier = Callable[[Sequence[RowInput], ApplyContext], ApplyResult]


def applier_for(kind: UploadKind | str) -> Applier:
    """The way rows of ``kind`` are applied, once read. New contributors come here only when the
    bulk path is switched off (``bulk_apply.streams``): one ``contributor_register`` call a row."""
    return {
        UploadKind.NEW_CONTRIBUTORS: contributors_register,
        UploadKind.PERIODS: periods_add,
        UploadKind.TERMINATIONS: periods_terminate,
        UploadKind.WAGE_CHANGES: wages_change,
    }[UploadKind(kind)]
