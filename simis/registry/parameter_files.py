"""Where the registry's effective-dated parameters are read from.

``registration.yaml`` (coverage ages, deadlines, the annual wage mechanism, the age-50 cap)
belongs with the kernel's files in ``simis/core/parameters/``. Until it moves there, it lives in
``simis/registry/parameters/`` and ``registry_parameter_files`` adds it to the kernel's list;
once moved, the kernel's list already holds it and nothing is added twice."""

from __future__ import annotations

from pathlib import Path

from simis.core.parameter_table import (
    ParameterTable,
    parameter_files,
    parse_parameter_file,
)

REGISTRATION_PARAMETERS = Path(__file__).resolve().parent / "parameters" / "registration.yaml"


def registry_parameter_files() -> list[Path]:
    """The kernel's parameter files plus ``registration.yaml`` wherever it currently lives."""
    files = parameter_files()
    if REGISTRATION_PARAMETERS.exists() and all(f.name != REGISTRATION_PARAMETERS.name for f in files):
        files.append(REGISTRATION_PARAMETERS)
    return files


def registry_parameter_table() -> ParameterTable:
    """The parameter table of the working tree's YAML, without a database (rule tests)."""
    return ParameterTable.from_documents(parse_parameter_file(path) for path in registry_parameter_files())
