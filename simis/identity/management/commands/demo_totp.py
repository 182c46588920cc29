from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from simis.core.errors import SimisError
from simis.identity.demo import demo_totp_code


class Command(BaseCommand):
    help = "Print the current 6-digit TOTP code of a demonstration account (DEBUG, DEMO or TESTING only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            code = demo_totp_code(options["username"])
        except SimisError as exc:
            raise CommandError(f"{exc.code}: {exc.error.render_in('en', **exc.params)}") from exc
        self.stdout.write(code)
