"""The scratch databases the benchmarks build and drop, on the server the settings point at (the
embedded PostgreSQL unless ``DATABASE_URL`` names another)."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit


def server_url() -> str:
    """The server's URL, starting the embedded PostgreSQL when no ``DATABASE_URL`` is given."""
    os.environ.setdefault("SIMIS_TESTING", "true")
    url = os.environ.get("DATABASE_URL")
    if not url:
        from simis import devdb

        devdb.start(quiet=True)
        url = devdb.DEFAULT_URL
    return url


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def admin(url: str, statement: str) -> None:
    """Runs ``statement`` (CREATE / DROP DATABASE) on the server's ``postgres`` database."""
    import psycopg

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(statement)


def recreate(url: str, name: str) -> str:
    """An empty database ``name`` (dropped first if it exists); returns its URL."""
    admin(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin(url, f"CREATE DATABASE {name}")
    return with_database(url, name)


def drop(url: str, name: str) -> None:
    admin(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
