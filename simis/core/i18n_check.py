"""Arabic catalogue gate (``make lint``) and extraction (``make messages``).

Every app keeps its own ``locale/ar/LC_MESSAGES/django.po`` (and ``djangojs.po`` where it has
JavaScript strings). The gate fails when any entry is untranslated, fuzzy or obsolete-but-used,
or when the committed ``.mo`` is not what the ``.po`` compiles to. Compilation uses polib, so a
machine without GNU gettext can still run SIMIS; extraction (``--extract``) needs xgettext."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent.parent
APPS_DIR = BASE_DIR / "simis"


def catalogues() -> list[Path]:
    return sorted(APPS_DIR.glob("*/locale/ar/LC_MESSAGES/*.po"))


def compile_to_bytes(po_path: Path) -> bytes:
    po = polib.pofile(str(po_path))
    with tempfile.NamedTemporaryFile(suffix=".mo") as tmp:
        po.save_as_mofile(tmp.name)
        return Path(tmp.name).read_bytes()


def check() -> list[str]:
    problems: list[str] = []
    found = catalogues()
    if not found:
        problems.append("no Arabic catalogue found under simis/*/locale/ar/")
    for path in found:
        po = polib.pofile(str(path))
        rel = path.relative_to(BASE_DIR)
        for entry in po.untranslated_entries():
            problems.append(f"{rel}: untranslated: {entry.msgid!r}")
        for entry in po.fuzzy_entries():
            problems.append(f"{rel}: fuzzy: {entry.msgid!r}")
        mo = path.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compile_to_bytes(path):
            problems.append(f"{rel}: the .mo file is missing or stale (run `make messages`)")
    return problems


def extract(only: str | None = None) -> None:
    """makemessages in every app (or just ``only``), then compile its catalogues."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "SIMIS_TESTING": "true"}
    for app in sorted(p for p in APPS_DIR.iterdir() if (p / "apps.py").exists()):
        if only and app.name != only:
            continue
        (app / "locale").mkdir(exist_ok=True)
        for domain, extra in (("django", []), ("djangojs", ["-d", "djangojs"])):
            if domain == "djangojs" and not any(app.glob("static/**/*.js")):
                continue
            subprocess.run(
                [
                    sys.executable,
                    str(BASE_DIR / "manage.py"),
                    "makemessages",
                    "-l",
                    "ar",
                    "--no-obsolete",
                    "--ignore",
                    "tests/*",
                    "--ignore",
                    "migrations/*",
                    *extra,
                ],
                cwd=app,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
    for path in catalogues():
        if only and path.relative_to(APPS_DIR).parts[0] != only:
            continue
        path.with_suffix(".mo").write_bytes(compile_to_bytes(path))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simis.core.i18n_check")
    parser.add_argument("--extract", action="store_true", help="extract strings and compile catalogues")
    parser.add_argument("--app", help="with --extract: only this app (e.g. identity)")
    parser.add_argument("--compile", action="store_true", help="only compile .po to .mo (no extraction)")
    args = parser.parse_args(argv)
    if args.compile:
        for path in catalogues():
            if not args.app or path.relative_to(APPS_DIR).parts[0] == args.app:
                path.with_suffix(".mo").write_bytes(compile_to_bytes(path))
    elif args.extract:
        extract(args.app)
    problems = check()
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print(f"Arabic catalogue: {len(problems)} problem(s).", file=sys.stderr)
        return 1
    print(f"Arabic catalogue complete: {len(catalogues())} file(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
