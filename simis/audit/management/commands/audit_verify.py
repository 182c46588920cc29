"""``simis audit verify``: check the audit log's hash chain end to end."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from simis.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exits non-zero and names the first broken entry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=5000, help="Entries read per query (memory stays bounded)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError(_("--batch-size must be a positive number."))
        result = audit_chain_verify(batch_size=options["batch_size"])
        if result.ok:
            self.stdout.write(
                ngettext(
                    "chain intact: %(count)d entry checked",
                    "chain intact: %(count)d entries checked",
                    result.checked,
                )
                % {"count": result.checked}
            )
            return
        raise CommandError(
            _("chain BROKEN at entry #%(id)s: %(reason)s")
            % {"id": result.first_broken_id, "reason": result.reason.label if result.reason else ""},
            returncode=2,
        )
