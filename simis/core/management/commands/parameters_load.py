"""``manage.py parameters_load [FILE ...]``: load the effective-dated parameter files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from simis.core.errors import SimisError
from simis.core.services import parameters_load


class Command(BaseCommand):
    help = "Load parameter YAML files (default: all of simis/core/parameters/) as new versions when changed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", type=Path, help="parameter files; default: all shipped files")

    def handle(self, *args: Any, files: list[Path], **options: Any) -> None:
        try:
            results = parameters_load(files or None)
        except SimisError as error:
            raise CommandError(str(error)) from None
        for result in results:
            state = "loaded as new version" if result.created else "unchanged, version"
            self.stdout.write(f"{result.name}: {state} {result.version_id} ({result.value_count} values)")
