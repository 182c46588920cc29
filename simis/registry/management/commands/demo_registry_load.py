"""``simis demo-registry-load``: the demonstration register for ``make run`` (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from simis.core.errors import SimisError
from simis.registry.demo import demo_registry_load


class Command(BaseCommand):
    help = (
        "Create the demonstration register (Nour Trading 7000000001 with two branches, Badr Builders, "
        "Sara and Ravi, and 2,000 generated contributors) unless it exists. Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            loaded = demo_registry_load()
        except SimisError as exc:
            raise CommandError(f"{exc.code}: {exc.error.render_in('en', **exc.params)}") from exc
        if options["verbosity"] < 1:
            return
        if not loaded.created:
            self.stdout.write(f"Demonstration register already loaded (Nour Trading {loaded.nour}).")
            return
        rows = loaded.population.rows if loaded.population else 0
        self.stdout.write(
            f"Demonstration register loaded in {loaded.seconds:.1f} s: Nour Trading {loaded.nour} "
            f"(branches {int(loaded.nour) + 1}, {int(loaded.nour) + 2}), Badr Builders {loaded.badr}, "
            f"Sara {loaded.sara_contributor_number}"
            + (f" (user {loaded.sara_linked_to})" if loaded.sara_linked_to else "")
            + f", {rows:,} generated rows."
        )
