"""Import and reconcile a bank statement file (camt.053 or MT940), e.g. one too large to wait for
in the browser. The same file again changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from simis.core.errors import SimisError
from simis.payments.services import statement_import


class Command(BaseCommand):
    help = "Import a bank statement file and reconcile its entries."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bank", required=True, help="the bank's partner code, e.g. DEMO-BANK")
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        try:
            imported = statement_import(data=data, file_name=path.name, bank=options["bank"])
        except SimisError as exc:
            raise CommandError(str(exc)) from exc
        record = imported.statement_import
        if not imported.created:
            self.stdout.write(f"already imported on {record.imported_at:%Y-%m-%d %H:%M} (import {record.pk})")
        self.stdout.write(
            f"import {record.pk}: {record.entries} entries — {record.confirmed} confirmed, {record.applied} "
            f"applied ({record.applied_total.amount} SAR), {record.reversals} reversals, {record.unmatched} "
            f"waiting for staff, {record.ignored} ignored; {record.seconds:.1f} s"
        )
