"""The embedded server's memory settings follow the machine (no database)."""

from __future__ import annotations

from simis.devdb import tuning

GIB = 1024**3


def test_a_24_gib_machine_gets_a_database_servers_memory() -> None:
    settings = tuning(24 * GIB)
    assert settings["shared_buffers"] == "4096MB"  # a quarter, at most 4 GB
    assert settings["effective_cache_size"] == "12288MB"
    assert settings["work_mem"] == "48MB"
    assert settings["maintenance_work_mem"] == "768MB"


def test_a_small_machine_stays_within_its_memory() -> None:
    settings = tuning(2 * GIB)
    assert settings["shared_buffers"] == "512MB"
    assert settings["work_mem"] == "4MB"
    assert settings["maintenance_work_mem"] == "64MB"
