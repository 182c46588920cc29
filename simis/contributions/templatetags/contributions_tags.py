"""Small template helpers for the contributions pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from simis.contributions.models import EntryKind
from simis.contributions.rules import BillStatus

register = template.Library()


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key, "")


@register.filter
def entry_label(kind: str) -> str:
    try:
        return str(EntryKind(kind).label)
    except ValueError:
        return kind


@register.filter
def bill_status_label(status: str) -> str:
    try:
        return str(BillStatus(status).label)
    except ValueError:
        return status


@register.filter
def party_label(party: str) -> str:
    return {"employer": _("Employer"), "employee": _("Contributor")}.get(party, party)


@register.filter
def branch_label(branch: str) -> str:
    from simis.core.contribution_rates import Branch

    try:
        return str(Branch(branch).label)
    except ValueError:
        return branch


@register.filter
def rates_of(lines: list[dict[str, Any]], party: str) -> str:
    """The total rate a party pays over a rate class's stored lines."""
    from decimal import Decimal

    total = sum((Decimal(str(line["rate"])) for line in lines if line.get("party") == party), Decimal(0))
    return f"{total.normalize():f}"


@register.filter
def money(value: Any) -> str:
    """An amount as the bill and the bank print it — digits, a point, two places — in either
    language (the template engine would localise a Decimal to a comma under Arabic)."""
    amount = getattr(value, "amount", value)
    return "" if amount is None else str(amount)
