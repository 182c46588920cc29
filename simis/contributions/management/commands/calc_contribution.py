"""``simis calc contribution``: one person's contributions for one month, as JSON (CON-1)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from simis.contributions.public import month_parse, person_month_calculate, riyals
from simis.core.errors import SimisError
from simis.registry.public import Person


class Command(BaseCommand):
    help = (
        "Compute and explain a contributor's contributions for one month, for each of their "
        "contribution periods that month, with the parameter versions used; prints JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--contributor", type=int, required=True, help="the contributor number")
        parser.add_argument("--month", required=True, help="the month, YYYY-MM")
        parser.add_argument("--explain", action="store_true", help="add the calculation in words")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month: date = month_parse(options["month"])
            person = Person.objects.filter(contributor_number=options["contributor"]).first()
            if person is None:
                raise CommandError(f"There is no contributor {options['contributor']}.")
            calculations = person_month_calculate(user=None, person=person, month=month)
        except SimisError as error:
            raise CommandError(f"{error.code}: {error.message}") from error
        records = []
        for calculation in calculations:
            record = calculation.as_record()
            if options["explain"]:
                record["explanation"] = calculation.explain()
            records.append(record)
        document = {
            "contributor": person.contributor_number,
            "month": f"{month:%Y-%m}",
            "periods": records,
            "employer": str(riyals(sum(c.employer for c in calculations))),
            "employee": str(riyals(sum(c.employee for c in calculations))),
        }
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
