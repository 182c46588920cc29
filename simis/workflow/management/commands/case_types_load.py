"""``manage.py case_types_load``: loads the case-type files (new versions only)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from simis.core.errors import SimisError
from simis.workflow.services import case_types_load


class Command(BaseCommand):
    help = "Load the workflow case types from simis/<app>/case_types/*.yaml; unchanged files are skipped."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            results = case_types_load()
        except SimisError as exc:
            raise CommandError(f"{exc.code}: {exc.error.render_in('en', **exc.params)}") from exc
        for result in results:
            state = "loaded" if result.created else "unchanged"
            self.stdout.write(f"{result.code} v{result.version} {state}")
