"""pytest plugin (``-p simis.testing`` in pyproject): runs before pytest-django reads the
settings, so test settings and the embedded PostgreSQL are in place first."""

from __future__ import annotations

import os

os.environ.setdefault("SIMIS_TESTING", "true")
os.environ.setdefault("SIMIS_DEBUG", "false")

if not os.environ.get("DATABASE_URL"):
    from simis import devdb

    devdb.start(quiet=True)
