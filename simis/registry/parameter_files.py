"""The parameter files the registry's rules read (``registration.yaml`` and the contribution
files, all under ``simis/core/parameters/``), for rule tests that need no database."""

from __future__ import annotations

from pathlib import Path

from simis.core.parameter_table import ParameterTable, parameter_files, parse_parameter_file


def registry_parameter_files() -> list[Path]:
    return parameter_files()


def registry_parameter_table() -> ParameterTable:
    """The parameter table of the working tree's YAML, without a database (rule tests)."""
    return ParameterTable.from_documents(parse_parameter_file(path) for path in registry_parameter_files())
