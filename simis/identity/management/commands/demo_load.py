from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from simis.core.errors import SimisError
from simis.identity.demo import DEMO_PASSWORD, demo_accounts_load


class Command(BaseCommand):
    help = "Create the demonstration accounts (one per audience) if they are missing. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rows = demo_accounts_load()
        except SimisError as exc:
            raise CommandError(f"{exc.code}: {exc.error.render_in('en', **exc.params)}") from exc
        if options["verbosity"] < 1:
            return
        self.stdout.write(f"Demonstration accounts (password for all: {DEMO_PASSWORD})")
        self.stdout.write(f"  {'username':<13} {'audience':<12} {'organisation':<26} new")
        for row in rows:
            new = "yes" if row.created else ""
            self.stdout.write(f"  {row.username:<13} {row.audience:<12} {row.organisation or '-':<26} {new}")
        self.stdout.write(
            "Every account has an authenticator app (TOTP) enrolled with a fixed secret. Current code:\n"
            "  make demo-totp ACCOUNT=<username>\n"
            "Security keys (WebAuthn) are needed for sensitive actions such as granting a job function\n"
            "(staff → Users and job functions; 'reviewer' is a staff member to grant to). Add one after\n"
            "signing in, from the account security page /accounts/2fa/.\n"
            f"Browse {settings.SIMIS_PUBLIC_URL}: "
            "browsers refuse security keys on bare IP addresses such as 127.0.0.1."
        )
