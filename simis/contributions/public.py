"""What other apps (payments, the portal, the signed API) may import from contributions.

Payments post through ``payment_post`` / ``payment_reverse`` (or their many-at-once forms)
only: they settle the oldest months first, turn any excess into the employer's credit, and post
a ``source`` once."""

from simis.contributions.errors import ContributionsError
from simis.contributions.ledger import accounts_lock
from simis.contributions.models import Account, Bill, EntryKind, PlanStatus
from simis.contributions.rules import BillStatus, bill_status, month_parse, riyals
from simis.contributions.selectors import (
    AccountSummary,
    Calculation,
    Statement,
    account_statement,
    account_summary,
    balance_by_month,
    bill_get,
    bill_lines,
    bill_month_owed,
    bills_visible,
    certificate_verify,
    contribution_calculate,
    overdue_months,
    person_month_calculate,
)
from simis.contributions.services import (
    PaymentIn,
    PaymentPosting,
    ReversalIn,
    billing_next_month,
    certificate_issue,
    instalment_plan_request,
    instalment_plans_review,
    month_bill,
    payment_post,
    payment_reverse,
    payments_post,
    payments_reverse,
    penalties_accrue,
    periods_rebill,
)


def bill_by_number(number: str) -> Bill | None:
    """A bill by its number, unscoped: for the banks' bill inquiry (a bank may present any bill
    an employer asks it to pay). Portal and employer API callers use ``bill_get``."""
    return Bill.objects.select_related("establishment").filter(number=number.strip()).first()


__all__ = [
    "Account",
    "AccountSummary",
    "Bill",
    "BillStatus",
    "Calculation",
    "ContributionsError",
    "EntryKind",
    "PaymentIn",
    "PaymentPosting",
    "PlanStatus",
    "ReversalIn",
    "Statement",
    "account_statement",
    "account_summary",
    "accounts_lock",
    "balance_by_month",
    "bill_by_number",
    "bill_get",
    "bill_lines",
    "bill_month_owed",
    "bill_status",
    "billing_next_month",
    "bills_visible",
    "certificate_issue",
    "certificate_verify",
    "contribution_calculate",
    "instalment_plan_request",
    "instalment_plans_review",
    "month_bill",
    "month_parse",
    "overdue_months",
    "payment_post",
    "payment_reverse",
    "payments_post",
    "payments_reverse",
    "penalties_accrue",
    "periods_rebill",
    "person_month_calculate",
    "riyals",
]
