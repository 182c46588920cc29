"""The demo bank asks SIMIS about a bill (GET /api/v1/payments/bills/{number}), signed, over HTTP."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from simis.payments.demo_bank import bank_call, demo_bank
from simis.payments.management.commands._bank_command import BankCommand


class Command(BankCommand):
    help = "Bill inquiry through the bank web service, as the demo bank."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--bill", required=True, help="the 14-digit bill number")

    def handle(self, *args: Any, **options: Any) -> None:
        result = bank_call(
            demo_bank(),
            options["base_url"],
            "GET",
            f"/api/v1/payments/bills/{options['bill']}",
            language=options["language"],
        )
        self.answer(result, options)
