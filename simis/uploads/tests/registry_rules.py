"""The register's pure registration rules, made available to ``bulk_apply`` the way
``simis.registry.public`` will export them (the names in ``bulk_apply.RULE_NAMES``, taken
unchanged from ``simis.registry.rules``). Tests may import the register's modules; the
uploads app itself may not, so until the export lands, the tests and the benchmark use this.
Once ``simis.registry.public`` exports the names, ``export()`` changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from simis.registry import public, rules
from simis.uploads.bulk_apply import RULE_NAMES


@contextmanager
def exported() -> Iterator[None]:
    added = [name for name in RULE_NAMES if not hasattr(public, name)]
    for name in added:
        setattr(public, name, getattr(rules, name))
    try:
        yield
    finally:
        for name in added:
            delattr(public, name)


@contextmanager
def withheld() -> Iterator[None]:
    """The opposite: the rules hidden, so uploads take the per-row service path."""
    hidden = {name: getattr(public, name) for name in RULE_NAMES if hasattr(public, name)}
    for name in hidden:
        delattr(public, name)
    try:
        yield
    finally:
        for name, value in hidden.items():
            setattr(public, name, value)
