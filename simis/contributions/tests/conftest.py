"""The register's fixtures (parameters, personas) for the contributions tests."""

from simis.registry.tests.conftest import (  # noqa: F401
    badr,
    khalid,
    nour,
    parameters,
    read,
    reference_rows,
    table,
)
