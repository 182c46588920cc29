"""Fixtures for the kernel's tests."""

from __future__ import annotations

import pytest

from simis.core.parameter_table import ParameterTable, shipped_parameter_table


@pytest.fixture(scope="session")
def shipped_table() -> ParameterTable:
    """The parameter YAML in the working tree, read without a database."""
    return shipped_parameter_table()


@pytest.fixture
def loaded_parameters(db):  # type: ignore[no-untyped-def]
    """The shipped parameter files loaded into the test database; the load results."""
    from simis.core.selectors import parameter_cache_clear
    from simis.core.services import parameters_load

    parameter_cache_clear()
    results = parameters_load()
    yield results
    parameter_cache_clear()
