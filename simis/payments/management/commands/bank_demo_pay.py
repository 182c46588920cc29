"""The demo bank tells SIMIS that a bill was paid (POST /api/v1/payments/notifications), signed,
over HTTP, and prints the receipt. The same --reference again returns the same receipt."""

from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from simis.payments.choices import PaymentChannel
from simis.payments.demo_bank import bank_call, demo_bank
from simis.payments.management.commands._bank_command import BankCommand


class Command(BankCommand):
    help = "Pay a bill through the bank web service, as the demo bank."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--bill", required=True, help="the 14-digit bill number")
        parser.add_argument("--amount", required=True, help="riyals paid, e.g. 2687.50")
        parser.add_argument("--channel", default=PaymentChannel.ATM.value, choices=PaymentChannel.values)
        parser.add_argument("--reference", help="the bank's reference (default: a new one)")
        parser.add_argument("--paid-at", help="ISO 8601 time of payment (default: now)")
        parser.add_argument("--idempotency-key", help="for a retry of the same call (default: a new one)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            amount = Decimal(options["amount"])
        except InvalidOperation:
            raise CommandError(f"{options['amount']} is not an amount") from None
        paid_at = datetime.fromisoformat(options["paid_at"]) if options["paid_at"] else timezone.now()
        reference = options["reference"] or f"DB{timezone.now():%Y%m%d}{secrets.token_hex(4).upper()}"
        payload = {
            "bill_number": options["bill"],
            "amount": f"{amount:.2f}",
            "paid_at": paid_at.isoformat(),
            "channel": options["channel"],
            "bank_reference": reference,
        }
        result = bank_call(
            demo_bank(),
            options["base_url"],
            "POST",
            "/api/v1/payments/notifications",
            payload,
            idempotency_key=options["idempotency_key"],
            language=options["language"],
        )
        self.answer(result, options)
