"""A demo partner with its own key pair under var/demo-partner/, and how to call the API as it.
Development, tests and the demo only."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from simis.api import signatures
from simis.api.models import PartnerKind
from simis.api.selectors import certificate_for_keyid, partner_by_code
from simis.api.server_key import development_keys_allowed, self_signed_pair, server_identity
from simis.api.services import partner_certificate_add, partner_onboard

DEMO_CODE = "NOUR-TRADING"


class Command(BaseCommand):
    help = "Create the demo partner (Nour Trading payroll system) with a key pair under var/demo-partner/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--directory", type=Path, help="where the key files go (default var/demo-partner)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not development_keys_allowed():
            raise CommandError("partner_demo runs only with SIMIS_DEBUG, SIMIS_DEMO or SIMIS_TESTING.")
        directory: Path = options["directory"] or Path(settings.VAR_DIR) / "demo-partner"
        directory.mkdir(parents=True, exist_ok=True)
        key_path, certificate_path = directory / "key.pem", directory / "certificate.pem"
        if not (key_path.exists() and certificate_path.exists()):
            key_pem, certificate_pem = self_signed_pair("Nour Trading payroll system (demo)")
            descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(key_pem)
            certificate_path.write_bytes(certificate_pem)
        pem = certificate_path.read_text()
        keyid = signatures.certificate_keyid(signatures.certificate_load(pem))
        partner = partner_by_code(DEMO_CODE)
        if partner is None:
            partner_onboard(
                code=DEMO_CODE,
                name_ar="نظام رواتب نور للتجارة",
                name_en="Nour Trading payroll system",
                kind=PartnerKind.EMPLOYER_SYSTEM,
                organisation_key="1010000001",
                certificate_pem=pem,
            )
        elif certificate_for_keyid(keyid) is None:
            partner_certificate_add(partner=partner, pem=pem)
        server_certificate_path = directory / "simis-certificate.pem"
        server_certificate_path.write_text(server_identity().certificate_pem)

        base_url = settings.SIMIS_PUBLIC_URL.rstrip("/")
        self.stdout.write(f"demo partner {DEMO_CODE}, keyid {keyid}")
        self.stdout.write(f"private key: {key_path}   SIMIS certificate: {server_certificate_path}")
        self.stdout.write("call the API as this partner:")
        common = (
            f".venv/bin/python -m simis.api.client --base-url {base_url} --keyid={keyid} --key {key_path} "
            f"--server-certificate {server_certificate_path}"
        )
        self.stdout.write(f"  {common} GET /api/v1/whoami")
        self.stdout.write(f'  {common} --json \'{{"message": "hello"}}\' POST /api/v1/echo')
