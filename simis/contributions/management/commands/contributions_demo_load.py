"""``manage.py contributions_demo_load``: the demonstration employer accounts (``make run``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from simis.contributions.demo import NOUR_NUMBER, contributions_demo_load
from simis.contributions.models import Bill


class Command(BaseCommand):
    help = (
        "Bill the last four months for the demonstration register, with an employer that paid, one "
        "paying late (fines) and one on an instalment plan. Idempotent; demonstration systems only."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEBUG or settings.DEMO or settings.TESTING):
            raise CommandError(
                "Demonstration data is loaded only on development, demonstration and test systems."
            )
        result = contributions_demo_load()
        if not result.created:
            newest = Bill.objects.filter(establishment__number=NOUR_NUMBER).order_by("-month").first()
            self.stdout.write(
                "contributions demo: already loaded"
                + (
                    f"; Nour Trading's newest bill {newest.number} ({newest.total.amount} SAR)"
                    if newest
                    else ""
                )
            )
            return
        self.stdout.write(
            f"contributions demo: billed {', '.join(result.months)}; Nour Trading's unpaid bill "
            f"{result.nour_unpaid_bill}; Badr Builders' fines {result.badr_fines} SAR; "
            f"plan {result.plan or '-'}"
        )
