"""The contributions app's coded, bilingual refusals (CON-xxx).

Numbering: CON-00x billing runs, CON-009/010 the database's own ledger rules (migration 0002),
CON-01x the calculator and bills, CON-02x fines, CON-03x instalment plans, CON-04x payments and
the account, CON-05x compliance certificates. Codes never change meaning."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from simis.core.errors import ErrorCatalogue


class ContributionsError(ErrorCatalogue):
    MONTH_NOT_ENDED = (
        "CON-001",
        _("%(month)s has not ended yet; it can be billed from %(from)s."),
    )
    MONTH_OUT_OF_ORDER = (
        "CON-002",
        _("Months are billed in order: the next month to bill is %(next)s, not %(month)s."),
    )
    RUN_IN_PROGRESS = ("CON-003", _("%(month)s is being billed right now; wait for that run to finish."))
    NO_RATES = (
        "CON-004",
        _(
            "%(count)s contribution periods of %(month)s have no contribution rates "
            "(for example period %(example)s)."
        ),
    )
    RUN_FAILED = ("CON-005", _("Billing %(month)s failed and nothing was billed: %(detail)s"))
    ORPHAN_LINES = (
        "CON-006",
        _("%(month)s has bill lines (%(table)s) but no billing run: restore the run before billing again."),
    )
    APPEND_ONLY = (
        "CON-009",
        _("Bills and postings are never changed or deleted; post a correction instead."),
    )
    UNBALANCED = ("CON-010", _("A journal entry does not balance: its debits and credits differ."))
    UNKNOWN_PERIOD = ("CON-011", _("There is no contribution period %(value)s."))
    NOT_COVERED = ("CON-012", _("Contribution period %(period)s covers no day of %(month)s."))
    UNKNOWN_BILL = ("CON-013", _("There is no bill %(number)s."))
    BAD_CURSOR = ("CON-015", _("The page cursor “%(value)s” is not one this service gave."))
    DEBT_TOO_SMALL = (
        "CON-030",
        _("A debt of %(debt)s SAR cannot be paid in instalments: the smallest is %(minimum)s SAR."),
    )
    PLAN_TOO_LONG = ("CON-031", _("A plan may have 1 to %(maximum)s instalments, not %(count)s."))
    PLAN_IN_FORCE = ("CON-032", _("The establishment already has an instalment plan in force."))
    UNKNOWN_PAYMENT = ("CON-041", _("No payment was posted under %(source)s."))
    OVERDUE = (
        "CON-050",
        _("No certificate while contributions are overdue: %(amount)s SAR for %(months)s."),
    )
    BAD_MONTH = ("CON-014", _("“%(value)s” is not a month; write it as YYYY-MM."))
