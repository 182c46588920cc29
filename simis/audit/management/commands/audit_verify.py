"""``simis audit verify``: check the audit log's hash chain end to end."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from simis.audit.selectors import audit_chain_verify
from simis.audit.services import audit_chain_verification_record


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exits non-zero and names the first broken entry."
    # The operator must be able to check the log even when some unrelated part of the
    # project fails its system checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=5000, help="Entries read per query (memory stays bounded)."
        )
        parser.add_argument(
            "--record",
            action="store_true",
            help="Also append an entry saying the check ran and what it found.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError(_("--batch-size must be a positive number."))
        result = audit_chain_verify(batch_size=options["batch_size"])
        if options["record"]:
            audit_chain_verification_record(result=result)
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
