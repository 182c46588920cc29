"""``simis populate``: generate a realistic register and load it with COPY (issue 3)."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from simis.core.errors import SimisError
from simis.registry.populate import PopulationSpec, populate, summary_lines


class Command(BaseCommand):
    help = (
        "Generate establishments and contributors with their histories and wages, derived by the "
        "registry's rules, and load them with COPY in one transaction. Development, demonstration "
        "and test systems only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--establishments", type=int, default=1_000, help="establishments, branches included"
        )
        parser.add_argument("--contributors", type=int, default=10_000, help="contributors (persons)")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same register")
        parser.add_argument(
            "--largest", type=int, default=None, help="one establishment with exactly K active workers"
        )
        parser.add_argument("--batch-size", type=int, default=25_000, help="contributors per COPY batch")
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=None,
            help="generate for this day (YYYY-MM-DD; default today)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        spec = PopulationSpec(
            seed=options["seed"],
            establishments=options["establishments"],
            contributors=options["contributors"],
            largest=options["largest"],
            batch_size=options["batch_size"],
            as_of=options["as_of"],
        )
        begun = time.perf_counter()
        quiet = options["verbosity"] < 1

        def progress(text: str) -> None:
            if not quiet:
                self.stdout.write(f"[{time.perf_counter() - begun:7.1f} s] {text}")

        try:
            result = populate(spec, progress=progress)
        except SimisError as exc:
            raise CommandError(f"{exc.code}: {exc.error.render_in('en', **exc.params)}") from exc
        if not quiet:
            for line in summary_lines(result):
                self.stdout.write(line)
