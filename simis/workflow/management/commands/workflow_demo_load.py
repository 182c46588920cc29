"""``manage.py workflow_demo_load``: the workflow's demonstration staff set-up (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from simis.workflow.demo import workflow_demo_load


class Command(BaseCommand):
    help = (
        "Case types, registration job functions, the Riyadh office's reviewers (one on leave) and supervisor."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        if not (settings.DEBUG or getattr(settings, "DEMO", False) or getattr(settings, "TESTING", False)):
            raise CommandError("workflow_demo_load is for demonstration systems only")
        loaded = workflow_demo_load()
        self.stdout.write(
            f"workflow demo: {loaded.case_types} case type file(s), {loaded.staff} staff set up"
        )
