"""What other apps (payments, the portal, the signed API) may import from contributions."""

from simis.contributions.errors import ContributionsError
from simis.contributions.models import Account, Bill, EntryKind
from simis.contributions.rules import month_parse, riyals
from simis.contributions.selectors import (
    Calculation,
    bill_get,
    bill_lines,
    bills_visible,
    contribution_calculate,
    person_month_calculate,
)
from simis.contributions.services import billing_next_month, month_bill, periods_rebill

__all__ = [
    "Account",
    "Bill",
    "Calculation",
    "ContributionsError",
    "EntryKind",
    "bill_get",
    "bill_lines",
    "billing_next_month",
    "bills_visible",
    "contribution_calculate",
    "month_bill",
    "month_parse",
    "periods_rebill",
    "person_month_calculate",
    "riyals",
]
