"""The demo bank takes back a payment it notified (POST /api/v1/payments/reversals), signed, over HTTP."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from simis.payments.demo_bank import bank_call, demo_bank
from simis.payments.management.commands._bank_command import BankCommand


class Command(BankCommand):
    help = "Reverse a payment through the bank web service, as the demo bank."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--reference", required=True, help="the bank reference the payment was notified with"
        )
        parser.add_argument("--reason", required=True, help="why the payment is taken back")

    def handle(self, *args: Any, **options: Any) -> None:
        result = bank_call(
            demo_bank(),
            options["base_url"],
            "POST",
            "/api/v1/payments/reversals",
            {"bank_reference": options["reference"], "reason": options["reason"]},
            language=options["language"],
        )
        self.answer(result, options)
