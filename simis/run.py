"""``make run``: the whole system on one machine.

Starts the embedded PostgreSQL (unless DATABASE_URL is set), migrates, loads the demo data once,
then runs the web server (gunicorn) and a job worker side by side. Ctrl-C stops all of them and
the embedded server; the data stays in var/ for the next run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = os.environ.get("SIMIS_HOST", "127.0.0.1")
PORT = os.environ.get("SIMIS_PORT", "8000")


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], check=True, cwd=BASE_DIR)


def main() -> int:
    t0 = time.monotonic()
    os.environ.setdefault("SIMIS_DEMO", "true")
    # Signed web-service requests name the address they were sent to: on another port, SIMIS
    # must know it is there (the demo clients read the same setting).
    os.environ.setdefault("SIMIS_PUBLIC_URL", f"http://localhost:{PORT}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    embedded = not os.environ.get("DATABASE_URL")
    if embedded:
        from simis import devdb

        devdb.start()
    _manage("migrate", "--no-input", "-v", "0")
    _manage("createcachetable")
    _manage("parameters_load")
    _manage("case_types_load")
    _manage("document_types_load")
    _manage("collectstatic", "--no-input", "-v", "0")
    _manage("demo_load")
    _manage("demo_registry_load")
    _manage("partner_demo")
    _manage("bank_demo_setup")
    _manage("workflow_demo_load")
    _manage("contributions_demo_load")
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"{HOST}:{PORT}",
                "--workers",
                os.environ.get("SIMIS_WEB_WORKERS", "2"),
                "--access-logfile",
                "-",
            ],
            cwd=BASE_DIR,
        ),
        subprocess.Popen(
            [sys.executable, str(BASE_DIR / "manage.py"), "procrastinate", "worker"], cwd=BASE_DIR
        ),
    ]
    _wait_for_http(f"http://{HOST}:{PORT}/health/", t0)
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.5)
    finally:
        print("\nstopping SIMIS …")
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
        if embedded:
            from simis import devdb

            devdb.stop()
    return 0


def _wait_for_http(url: str, t0: float) -> None:
    import urllib.request

    for _ in range(300):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own loopback URL)
                if response.status == 200:
                    elapsed = time.monotonic() - t0
                    # localhost, not 127.0.0.1: browsers refuse WebAuthn on a bare IP address.
                    shown = "localhost" if HOST in {"127.0.0.1", "localhost"} else HOST
                    print(f"\nSIMIS is up at http://{shown}:{PORT}/ ({elapsed:.1f} s). Ctrl-C stops it.\n")
                    return
        except OSError:
            time.sleep(0.2)
    print("SIMIS did not answer in time; see the log above.", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
