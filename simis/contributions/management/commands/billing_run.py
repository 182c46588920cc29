"""``simis billing run``: bill a month for every establishment (CON-1)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from simis.contributions.public import billing_next_month, month_bill, month_parse
from simis.core.errors import SimisError


class Command(BaseCommand):
    help = (
        "Bill a month for every establishment in one set-based pass (default: the month after the "
        "last one billed). Re-running a billed month changes nothing. Prints the run as JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", default=None, help="the month, YYYY-MM (default: the next one)")
        parser.add_argument(
            "--today", type=date.fromisoformat, default=None, help="issue the bills as of this day"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = month_parse(options["month"]) if options["month"] else billing_next_month()
            if month is None:
                raise CommandError("Nothing has been billed yet: give the first month with --month.")
            run = month_bill(month=month, today=options["today"])
        except SimisError as error:
            raise CommandError(f"{error.code}: {error.message}") from error
        self.stdout.write(
            json.dumps(
                {
                    "month": f"{run.month:%Y-%m}",
                    "status": run.status,
                    "bills": run.bills,
                    "lines": run.lines,
                    "adjustment_lines": run.adjustment_lines,
                    "employer": str(run.employer_total.amount),
                    "employee": str(run.employee_total.amount),
                    "adjustments": str(run.adjustment_total.amount),
                    "parameter_versions": run.parameter_version_ids,
                    "seconds": run.timings,
                },
                indent=2,
            )
        )
