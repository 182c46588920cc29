"""``simis document_types_load``: loads the document types from the app's YAML file (thin)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from simis.core.errors import SimisError
from simis.documents.services import document_types_load


class Command(BaseCommand):
    help = "Load the document types (simis/documents/document_types.yaml) into the database; idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=None, help="another YAML file of document types")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = document_types_load(path=options["file"])
        except SimisError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"document types: {result.created} created, {result.updated} updated, "
            f"{result.retired} no longer in use, {result.unchanged} unchanged"
        )
