"""Django's ``flush``, able to empty the append-only audit table — in test runs only.

The audit table refuses TRUNCATE (migration 0002), and ``flush`` truncates every table, which is
how Django resets the database after each ``transaction=True`` test. So while ``SIMIS_TESTING``
is on, the TRUNCATE trigger is disabled for the flush's own transaction. Outside tests this is
Django's command unchanged: it fails on the audit table rather than wiping the log.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import DEFAULT_DB_ALIAS, connections, transaction

TABLE = "audit_auditentry"
TRIGGER = "audit_auditentry_no_truncate"


class Command(DjangoFlush):
    def handle(self, **options: Any) -> None:
        if not getattr(settings, "TESTING", False):
            return super().handle(**options)
        alias = options.get("database") or DEFAULT_DB_ALIAS
        connection = connections[alias]
        with transaction.atomic(using=alias):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT 1 FROM pg_trigger WHERE tgname = %s AND tgrelid = to_regclass(%s)",
                    [TRIGGER, TABLE],
                )
                guarded = cursor.fetchone() is not None
                if guarded:
                    cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}")
            super().handle(**options)
            if guarded:
                with connection.cursor() as cursor:
                    cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TRIGGER}")
        return None
