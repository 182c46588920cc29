"""What the demo bank's commands share: where SIMIS is and how an answer is printed."""

from __future__ import annotations

import json
import shlex
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from simis.payments.demo_bank import CallResult


class BankCommand(BaseCommand):
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default=settings.SIMIS_PUBLIC_URL,
            help="where SIMIS runs (default SIMIS_PUBLIC_URL, which requests are signed for)",
        )
        parser.add_argument("--language", default="en", choices=["ar", "en"], help="language of refusals")
        parser.add_argument("--show-command", action="store_true", help="print the client's command line")

    def answer(self, result: CallResult, options: dict[str, Any]) -> Any:
        if options["show_command"]:
            self.stdout.write(shlex.join(result.command))
        if result.exit_code == 2:
            raise CommandError(
                f"{result.body}\nSIMIS's answer was not signed by the pinned certificate; if SIMIS's "
                "key changed, delete var/demo-bank/simis-certificate.pem and try again."
            )
        if result.exit_code:
            raise CommandError(str(result.body))
        self.stdout.write(f"HTTP {result.status_line}")
        self.stdout.write(json.dumps(result.body, ensure_ascii=False, indent=2))
        return result.body
