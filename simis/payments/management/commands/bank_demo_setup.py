"""The demo bank for ``make run``: its key pair under var/demo-bank/, its partner registration
(kind ``bank``) and the finance officers' job function for the demo staff. Development, tests and
the demo only; running it again changes nothing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from simis.payments.demo_bank import BANK_CODE, demo_bank_setup


class Command(BaseCommand):
    help = "Register the demo bank (a partner of kind bank) with a key pair under var/demo-bank/."

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEBUG or getattr(settings, "DEMO", False) or getattr(settings, "TESTING", False)):
            raise CommandError("bank_demo_setup runs only with SIMIS_DEBUG, SIMIS_DEMO or SIMIS_TESTING.")
        bank, registered = demo_bank_setup()
        state = "registered" if registered else "already registered"
        self.stdout.write(f"demo bank {BANK_CODE} {state}, keyid {bank.keyid}")
        self.stdout.write("pay a bill through the bank's web service (with the server running):")
        self.stdout.write("  SIMIS_DEMO=true .venv/bin/simis bank_demo_inquire --bill <bill number>")
        self.stdout.write(
            "  SIMIS_DEMO=true .venv/bin/simis bank_demo_pay --bill <bill number> --amount 1000 --channel atm"
        )
        self.stdout.write(
            "  SIMIS_DEMO=true .venv/bin/simis bank_demo_reverse --reference <bank reference> "
            "--reason 'card dispute'"
        )
        self.stdout.write(
            "  SIMIS_DEMO=true .venv/bin/simis statement_demo_file   "
            "# a camt.053 of unpaid bills for Bank statements"
        )
