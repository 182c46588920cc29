"""Register a web-service partner and its certificate (PEM file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from simis.api.models import PartnerKind
from simis.api.services import partner_onboard
from simis.core.errors import SimisError


class Command(BaseCommand):
    help = "Register a partner system with the certificate whose key signs its requests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--code", required=True, help="e.g. NOUR-TRADING")
        parser.add_argument("--name-ar", required=True)
        parser.add_argument("--name-en", required=True)
        parser.add_argument("--kind", required=True, choices=PartnerKind.values)
        parser.add_argument("--organisation-key", default="", help="establishment number, hospital code…")
        parser.add_argument(
            "--certificate", required=True, type=Path, help="PEM file of the X.509 certificate"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            pem = options["certificate"].read_text()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {options['certificate']}: {exc}") from exc
        try:
            certificate = partner_onboard(
                code=options["code"],
                name_ar=options["name_ar"],
                name_en=options["name_en"],
                kind=options["kind"],
                organisation_key=options["organisation_key"],
                certificate_pem=pem,
            )
        except SimisError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"partner {certificate.partner.code} registered; keyid {certificate.keyid}")
        self.stdout.write(f"algorithm {certificate.algorithm}, valid until {certificate.not_after:%Y-%m-%d}")
