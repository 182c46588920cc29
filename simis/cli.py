"""``simis`` — the operator's command line.

``simis audit verify`` runs the Django command ``audit_verify``; ``simis migrate`` runs
``migrate``. Two words are joined with an underscore when such a command exists, so every
management command is reachable and the CLI adds no logic of its own."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import execute_from_command_line, get_commands

    django.setup()
    if len(args) >= 2 and f"{args[0]}_{args[1]}".replace("-", "_") in get_commands():
        args = [f"{args[0]}_{args[1]}".replace("-", "_"), *args[2:]]
    elif args:
        args[0] = args[0].replace("-", "_") if args[0].replace("-", "_") in get_commands() else args[0]
    execute_from_command_line(["simis", *args])


if __name__ == "__main__":
    main()
