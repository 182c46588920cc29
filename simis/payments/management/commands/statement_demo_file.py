"""A sample bank statement of today's payments of unpaid bills, for staff to import at *Bank
statements* in the demo: camt.053 (default) or MT940, made by ``statement_samples`` from the
bills still owed, with a share of realistic trouble (``--noise``: no bill number, a mistyped
check digit, two bills in one transfer, bank charges, a returned payment, a foreign-currency
line) so that some entries wait for staff."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from simis.payments.selectors import bills_unpaid
from simis.payments.statement_files import StatementFormat
from simis.payments.statement_samples import statement_file_sample


class Command(BaseCommand):
    help = "Write a sample camt.053 / MT940 statement paying the bills still owed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=20, help="how many bills to pay (at most)")
        parser.add_argument("--format", default=StatementFormat.CAMT053.value, choices=StatementFormat.values)
        parser.add_argument("--noise", type=float, default=0.2, help="share of spoiled entries, 0 to 1")
        parser.add_argument("--seed", type=int, default=None, help="the same seed gives the same file")
        parser.add_argument("--out", type=Path, help="where to write it (default var/demo-bank/)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        owed = bills_unpaid(limit=options["count"])
        if not owed:
            raise CommandError("No bill is owed: bill a month first (simis billing_run).")
        payments = [
            (item.bill.number, item.month_owed, item.name_ar if index % 2 else item.name_en, today)
            for index, item in enumerate(owed)
        ]
        seed = options["seed"] if options["seed"] is not None else int(timezone.now().timestamp())
        sample = statement_file_sample(payments, format=options["format"], seed=seed, noise=options["noise"])
        out: Path = options["out"] or Path(settings.VAR_DIR) / "demo-bank" / sample.filename
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(sample.data)
        self.stdout.write(f"{out}: {len(sample.statement.entries)} entries paying {len(payments)} bills")
        self.stdout.write("import it at Bank statements (as staff), bank DEMO-BANK, or:")
        self.stdout.write(f"  SIMIS_DEMO=true .venv/bin/simis statement_import --bank DEMO-BANK {out}")
