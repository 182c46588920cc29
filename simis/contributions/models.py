"""Bills, their lines, the rate classes behind them, and the employer's double-entry account.
ORM only: every change goes through ``services.py``; figures come from ``rules.py`` and the
set-based run in ``billing.py``.

Invariants the database holds itself (migration 0002):

- bill lines live in a table partitioned by the bill's month; a month's partition is written
  whole by one billing run and attached in its transaction, so a month is billed completely or
  not at all;
- journal entries and postings are append-only (a trigger refuses UPDATE and DELETE): a
  correction is a new entry;
- every journal entry balances: a statement-level trigger refuses any insert that leaves an
  entry whose postings do not sum to zero;
- one bill per establishment and month; one regular line per contribution period and month.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from simis.core.money import MoneyField
from simis.core.parameter_table import Regime


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BillingRun(models.Model):
    """One month billed for every establishment in one pass (CON-1)."""

    month = models.DateField(_("month"), help_text=_("The month billed (its first day)."))
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    issued_on = models.DateField(_("issued on"), help_text=_("The day the bills were issued."))
    due_on = models.DateField(_("due on"), help_text=_("The day the month's contributions are due."))
    bills = models.PositiveIntegerField(_("bills"), default=0)
    lines = models.PositiveBigIntegerField(_("lines"), default=0)
    adjustment_lines = models.PositiveBigIntegerField(_("adjustment lines"), default=0)
    employer_total = MoneyField(_("employer share"), default=0)
    employee_total = MoneyField(_("employee share"), default=0)
    adjustment_total = MoneyField(_("adjustments"), default=0)
    parameter_version_ids = ArrayField(
        models.IntegerField(), default=list, verbose_name=_("parameter versions")
    )
    timings = models.JSONField(_("timings"), default=dict, help_text=_("Seconds spent in each step."))
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("billing run")
        verbose_name_plural = _("billing runs")
        permissions = [("run_billing", _("Can bill a month for every establishment"))]
        constraints = [
            models.CheckConstraint(name="contributions_run_month_first_day", condition=Q(month__day=1)),
            models.UniqueConstraint(
                fields=["month"], condition=Q(status="done"), name="contributions_run_one_done_per_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.status}"


class RateClass(models.Model):
    """The rates of one class of contributors for one month, read from the parameters once per
    run and stored with the readings behind them, so every line that points here explains its
    rates. Rates are in rate units (ten-thousandths of a per cent, see ``rules``)."""

    month = models.DateField(_("month"))
    regime = models.CharField(_("legal regime"), max_length=16, choices=Regime.choices)
    covers_annuities = models.BooleanField(_("annuities"))
    covers_occupational_hazards = models.BooleanField(_("occupational hazards"))
    covers_unemployment = models.BooleanField(_("unemployment insurance"))
    gcc_extension = models.BooleanField(_("GCC insurance protection"))
    gcc_country = models.CharField(_("GCC country"), max_length=2, blank=True)
    employer_units = models.PositiveIntegerField(_("employer rate (units)"))
    employee_units = models.PositiveIntegerField(_("employee rate (units)"))
    rates = models.JSONField(
        _("rates"), help_text=_("Each branch's rate and the parameter readings behind it.")
    )
    parameter_version_ids = ArrayField(models.IntegerField(), verbose_name=_("parameter versions"))

    class Meta:
        verbose_name = _("rate class")
        verbose_name_plural = _("rate classes")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "month",
                    "regime",
                    "covers_annuities",
                    "covers_occupational_hazards",
                    "covers_unemployment",
                    "gcc_extension",
                    "gcc_country",
                    "parameter_version_ids",
                ],
                name="contributions_rateclass_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.regime} {self.employer_units}/{self.employee_units}"


class Bill(models.Model):
    """An establishment's monthly bill: the month's lines plus the adjustment lines for earlier
    months that changed since they were billed (CON-1). ``number`` is what the banks' channels
    ask for (CON-5)."""

    number = models.CharField(_("bill number"), max_length=14, unique=True)
    # Kept by statement-level triggers (migration 0015, simis.core.db_references).
    establishment = models.ForeignKey(
        "registry.Establishment",
        on_delete=models.PROTECT,
        related_name="bills",
        db_index=False,  # contributions_bill_est_month leads with it
        db_constraint=False,
        verbose_name=_("establishment"),
    )
    month = models.DateField(_("month"), help_text=_("The month billed (its first day)."))
    # Kept by statement-level triggers (migration 0014), not a row-by-row foreign key: a run
    # writes half a million bills, all of one run.
    run = models.ForeignKey(
        BillingRun,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        verbose_name=_("billing run"),
    )
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    contributors = models.PositiveIntegerField(_("contributors"), help_text=_("Contribution periods billed."))
    adjustment_lines = models.PositiveIntegerField(_("adjustment lines"), default=0)
    employer_amount = MoneyField(_("employer share"))
    employee_amount = MoneyField(_("employee share"))
    adjustment_amount = MoneyField(
        _("adjustments"), help_text=_("Corrections of earlier months (may be negative).")
    )
    total = MoneyField(_("total"))

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        constraints = [
            models.UniqueConstraint(fields=["establishment", "month"], name="contributions_bill_est_month"),
            models.CheckConstraint(name="contributions_bill_month_first_day", condition=Q(month__day=1)),
        ]

    def __str__(self) -> str:
        return self.number


class Rebill(models.Model):
    """A contribution period the register changed from ``since`` on (a late registration, a
    wage correction, a termination, a review decided): the next billing run recomputes its
    billed months from then and appends the differences as adjustment lines, then deletes the
    row in the same transaction."""

    engagement_id = models.BigIntegerField(_("contribution period"))
    establishment_id = models.IntegerField(_("establishment"))
    since = models.DateField(_("since"), help_text=_("The first day whose billing may have changed."))
    noted_at = models.DateTimeField(_("noted at"), default=timezone.now)

    class Meta:
        verbose_name = _("period to rebill")
        verbose_name_plural = _("periods to rebill")
        indexes = [models.Index(fields=["engagement_id"], name="contributions_rebill_eng_idx")]

    def __str__(self) -> str:
        return f"{self.engagement_id} since {self.since}"


class LineKind(models.IntegerChoices):
    REGULAR = 1, pgettext_lazy("bill line", "Month")
    ADJUSTMENT = 2, pgettext_lazy("bill line", "Adjustment")


class BillLine(models.Model):
    """One contribution period on one bill: for the bill's month (regular) or a correction of an
    earlier month (adjustment: the difference between what the month owes now and what was
    billed for it before). Amounts are halalas; ``base`` ÷ ``divisor`` is the contributory wage
    billed (see ``rules``). The table is partitioned by ``bill_month`` (migration 0002)."""

    pk = models.CompositePrimaryKey("engagement_id", "for_month", "bill_month")
    bill_month = models.DateField(_("bill month"))
    for_month = models.DateField(_("month"), help_text=_("The month the line is for."))
    establishment_id = models.IntegerField(_("establishment"))
    # No foreign key: a late registration refused at review is deleted, and its billed
    # months must stay on the bills (an adjustment line reverses them).
    engagement_id = models.BigIntegerField(_("contribution period"))
    kind = models.SmallIntegerField(_("kind"), choices=LineKind.choices)
    rate_class_id = models.IntegerField(_("rate class"), null=True)
    days = models.SmallIntegerField(_("days"))
    divisor = models.SmallIntegerField(_("divisor"))
    base = models.BigIntegerField(_("base"))
    employer = models.IntegerField(_("employer share (halalas)"))
    employee = models.IntegerField(_("employee share (halalas)"))

    class Meta:
        verbose_name = _("bill line")
        verbose_name_plural = _("bill lines")

    def __str__(self) -> str:
        return f"{self.bill_month:%Y-%m} {self.engagement_id} {self.for_month:%Y-%m}"


# --- The employer's account: double entry ------------------------------------------------------


class Account(models.TextChoices):
    """The ledger's accounts. The first three are kept per establishment (the employer's
    account, CON-2); the others are the institution's."""

    CONTRIBUTIONS_RECEIVABLE = "contributions", _("Contributions due")
    PENALTIES_RECEIVABLE = "penalties", _("Fines due")
    EMPLOYER_CREDIT = "credit", _("Employer credit")
    CONTRIBUTION_REVENUE = "contribution_revenue", _("Contribution revenue")
    PENALTY_REVENUE = "penalty_revenue", _("Fine revenue")
    BANK = "bank", _("Bank receipts")
    REFUNDS = "refunds", _("Refunds paid")


EMPLOYER_ACCOUNTS = (Account.CONTRIBUTIONS_RECEIVABLE, Account.PENALTIES_RECEIVABLE, Account.EMPLOYER_CREDIT)


class EntryKind(models.TextChoices):
    BILL = "bill", _("Monthly bill")
    PENALTY = "penalty", _("Late-payment fine")
    WAIVER = "waiver", _("Fine waived")
    PAYMENT = "payment", _("Payment")
    REVERSAL = "reversal", _("Payment reversed")
    CREDIT_APPLIED = "credit_applied", _("Credit applied to debt")
    REFUND = "refund", _("Refund")


class JournalEntry(models.Model):
    """One balanced posting event. ``source`` names what caused it ("bill-run:<id>",
    "penalty:<establishment>:<month>:<n>", "payment:<id>") and is unique, so a retried job or
    a payment notified twice posts once."""

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    source = models.CharField(_("source"), max_length=80, unique=True)
    # Empty for a billing run's entry, which debits every billed establishment at once.
    establishment = models.ForeignKey(
        "registry.Establishment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # contributions_entry_est_idx
        verbose_name=_("establishment"),
    )
    posted_on = models.DateField(_("posted on"))
    posted_at = models.DateTimeField(_("posted at"), default=timezone.now)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    bill = models.ForeignKey(
        Bill, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        indexes = [
            models.Index(fields=["establishment", "posted_on", "id"], name="contributions_entry_est_idx")
        ]

    def __str__(self) -> str:
        return self.source


class Posting(models.Model):
    """One side of a journal entry: a positive ``amount`` debits ``account``, a negative one
    credits it. ``month`` is the contribution month a receivable posting concerns, so debt is
    known month by month (fines, oldest-first allocation)."""

    id = models.BigAutoField(primary_key=True)
    # Kept by statement-level triggers (migration 0014): a billing run's or a statement's
    # entries are written with hundreds of thousands of postings in one statement.
    entry = models.ForeignKey(
        JournalEntry,
        on_delete=models.PROTECT,
        related_name="postings",
        db_constraint=False,
        verbose_name=_("journal entry"),
    )
    establishment_id = models.IntegerField(_("establishment"))
    account = models.CharField(_("account"), max_length=24, choices=Account.choices)
    month = models.DateField(_("month"), null=True, blank=True)
    amount = MoneyField(_("amount"), help_text=_("Positive: debit; negative: credit."))
    posted_on = models.DateField(_("posted on"))
    reference = models.CharField(
        _("reference"), max_length=40, blank=True, help_text=_("The bill number a billing posting is for.")
    )

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        indexes = [
            models.Index(
                fields=["establishment_id", "account", "month"],
                name="contributions_posting_est_idx",
                condition=Q(account__in=["contributions", "penalties", "credit"]),
            ),
            # The fines job's question: which months were paid since it last ran.
            models.Index(
                fields=["posted_on"],
                name="contributions_posting_paid_idx",
                condition=Q(account="contributions", amount__lt=0),
            ),
        ]
        constraints = [
            models.CheckConstraint(name="contributions_posting_not_zero", condition=~Q(amount=0)),
            models.CheckConstraint(
                name="contributions_posting_receivable_month",
                condition=~Q(account__in=["contributions", "penalties"]) | Q(month__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.account} {self.amount}"


class MonthDebt(models.Model):
    """What an establishment still owes for one contribution month: contributions and fines.
    Kept by the database (a trigger on postings, migration 0005) in the same statement as the
    postings, so it always equals their sum; fines and oldest-first allocation read it. Keyed by
    establishment and month, with no surrogate key: a billing run inserts a row for every
    establishment billed, and every index is written half a million times (migration 0016)."""

    pk = models.CompositePrimaryKey("establishment_id", "month")
    establishment_id = models.IntegerField(_("establishment"))
    month = models.DateField(_("month"))
    contributions = MoneyField(_("contributions due"), default=0)
    penalties = MoneyField(_("fines due"), default=0)

    class Meta:
        verbose_name = _("debt of a month")
        verbose_name_plural = _("debts of months")
        indexes = [
            models.Index(
                fields=["month", "establishment_id"],
                name="contributions_monthdebt_open",
                condition=Q(contributions__gt=0) | Q(penalties__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.establishment_id} {self.month:%Y-%m} {self.contributions} + {self.penalties}"


class EmployerCredit(models.Model):
    """What the institution owes an establishment (paid more than it owed), kept by the same
    trigger from the credit account's postings."""

    establishment_id = models.IntegerField(_("establishment"), unique=True)
    credit = MoneyField(_("credit"), default=0)

    class Meta:
        verbose_name = _("employer credit")
        verbose_name_plural = _("employer credits")

    def __str__(self) -> str:
        return f"{self.establishment_id} {self.credit}"


class AccrualRun(models.Model):
    """When the fines job ran: the next run also looks at months paid since then, late."""

    ran_on = models.DateField(_("ran on"))
    ran_at = models.DateTimeField(_("ran at"), default=timezone.now)

    class Meta:
        verbose_name = _("fines run")
        verbose_name_plural = _("fines runs")

    def __str__(self) -> str:
        return f"{self.ran_on}"


class PenaltyAccrual(models.Model):
    """One month of delay on one contribution month (RULES §2): the unpaid contribution when it
    started, the rate and method, and the fine — zero when an amnesty waived it. Unique per
    month of delay, so the periodic job accrues each once however often it runs."""

    establishment_id = models.IntegerField(_("establishment"))
    month = models.DateField(_("contribution month"))
    period = models.PositiveSmallIntegerField(_("month of delay"))
    period_start = models.DateField(_("delay month starts"))
    due_on = models.DateField(_("due on"))
    unpaid = MoneyField(_("unpaid contribution"))
    accrued_before = MoneyField(_("fines accrued before"), default=0)
    rate = models.DecimalField(_("rate (%)"), max_digits=7, decimal_places=4)
    method = models.CharField(_("method"), max_length=16)
    amount = MoneyField(_("fine"))
    waiver = models.CharField(_("waived by"), max_length=32, blank=True)
    parameter_version_ids = ArrayField(models.IntegerField(), verbose_name=_("parameter versions"))
    entry = models.ForeignKey(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    accrued_at = models.DateTimeField(_("accrued at"), default=timezone.now)

    class Meta:
        verbose_name = _("late-payment fine")
        verbose_name_plural = _("late-payment fines")
        constraints = [
            models.UniqueConstraint(
                fields=["establishment_id", "month", "period"], name="contributions_penalty_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.establishment_id} {self.month:%Y-%m} #{self.period} {self.amount}"


class PlanStatus(models.TextChoices):
    AWAITING_DOWN_PAYMENT = "awaiting", _("Awaiting the down payment")
    ACTIVE = "active", _("In force")
    COMPLETED = "completed", _("Paid off")
    CANCELLED = "cancelled", _("Cancelled")


PLAN_IN_FORCE = (PlanStatus.AWAITING_DOWN_PAYMENT, PlanStatus.ACTIVE)


class PlanEndReason(models.TextChoices):
    PAID_OFF = "paid_off", _("The debt was paid")
    DOWN_PAYMENT_LATE = "down_payment_late", _("The down payment was not paid in time")
    INSTALMENTS_MISSED = "instalments_missed", _("More instalments were missed than allowed")


class InstalmentPlan(models.Model):
    """A debt of at least ``instalment.minimum_debt`` paid in monthly instalments (CON-4, RULES §2):
    a down payment, then the schedule; cancelled when the down payment is late or more than
    ``instalment.misses_allowed`` instalments are missed. Progress is read from the ledger: what
    has been paid of the months the plan covers since it was made."""

    number = models.CharField(_("plan number"), max_length=20, unique=True)
    establishment = models.ForeignKey(
        "registry.Establishment", on_delete=models.PROTECT, related_name="+", verbose_name=_("establishment")
    )
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices)
    requested_on = models.DateField(_("requested on"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    first_month = models.DateField(_("first month covered"))
    last_month = models.DateField(_("last month covered"))
    debt = MoneyField(
        _("debt"), help_text=_("Contributions and fines owed for the months covered when the plan was made.")
    )
    count = models.PositiveSmallIntegerField(_("instalments"))
    down_payment = MoneyField(_("down payment"))
    misses = models.PositiveSmallIntegerField(_("instalments missed"), default=0)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=32, choices=PlanEndReason.choices, blank=True)
    parameter_version_ids = ArrayField(models.IntegerField(), verbose_name=_("parameter versions"))

    class Meta:
        verbose_name = _("instalment plan")
        verbose_name_plural = _("instalment plans")
        constraints = [
            models.UniqueConstraint(
                fields=["establishment"],
                condition=Q(status__in=["awaiting", "active"]),
                name="contributions_one_plan_in_force",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class InstalmentStatus(models.TextChoices):
    PENDING = "pending", _("Not yet due")
    MET = "met", _("Paid")
    MISSED = "missed", _("Missed")


class Instalment(models.Model):
    """One due date of a plan: number 0 is the down payment. ``cumulative`` is what must have
    been paid of the plan's debt by ``due_on``."""

    plan = models.ForeignKey(InstalmentPlan, on_delete=models.PROTECT, related_name="instalments")
    number = models.PositiveSmallIntegerField(_("number"))
    due_on = models.DateField(_("due on"))
    amount = MoneyField(_("amount"))
    cumulative = MoneyField(_("to be paid by then"))
    status = models.CharField(
        _("status"), max_length=16, choices=InstalmentStatus.choices, default=InstalmentStatus.PENDING
    )

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="contributions_instalment_number")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} #{self.number}"


class ComplianceCertificate(models.Model):
    """A certificate that the establishment owes nothing overdue (new law art. 10: public bodies
    require it), verifiable by anyone through the QR code's address."""

    number = models.CharField(_("certificate number"), max_length=20, unique=True)
    establishment = models.ForeignKey(
        "registry.Establishment", on_delete=models.PROTECT, related_name="+", verbose_name=_("establishment")
    )
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    token = models.CharField(_("verification code"), max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("compliance certificate")
        verbose_name_plural = _("compliance certificates")

    def __str__(self) -> str:
        return self.number
