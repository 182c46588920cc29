"""The SUP-1 gate: every field a user can see carries help text.

``assert_fields_have_help_text(SomeForm, OtherForm)`` is meant for each app's tests;
``project_form_classes()`` finds every form class defined under ``simis`` so one test can
check them all. Hidden fields are exempt: nobody can ask for help on a field they cannot see.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable

from django import forms


def _all_subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    stack: list[type] = [cls]
    while stack:
        subclasses: list[type] = stack.pop().__subclasses__()
        for sub in subclasses:
            if sub not in found:
                found.add(sub)
                stack.append(sub)
    return found


def _declared_fields(form_class: type[forms.BaseForm]) -> dict[str, forms.Field]:
    """The fields a form shows. Forms that add fields in ``__init__`` are instantiated; when a
    form needs constructor arguments, its class-level fields are what can be checked."""
    try:
        return dict(form_class().fields)
    except TypeError:
        return dict(getattr(form_class, "base_fields", {}))


def fields_missing_help_text(form_class: type[forms.BaseForm]) -> list[str]:
    """``"module.Form.field"`` for each visible field without help text; empty when all have it."""
    missing = []
    for name, field in _declared_fields(form_class).items():
        if field.widget.is_hidden:
            continue
        if not str(field.help_text or "").strip():
            missing.append(f"{form_class.__module__}.{form_class.__qualname__}.{name}")
    return missing


def assert_fields_have_help_text(*form_classes: type[forms.BaseForm]) -> None:
    """Raises AssertionError naming every visible field, of any of the forms, without help text."""
    missing = [name for form_class in form_classes for name in fields_missing_help_text(form_class)]
    if missing:
        raise AssertionError("fields without help text (SUP-1): " + ", ".join(missing))


def project_form_classes(packages: Iterable[str] = ("simis",)) -> list[type[forms.BaseForm]]:
    """Every form class defined in the given packages (outside their tests), after importing
    each ``forms`` module (``<app>/forms.py`` or a ``forms`` package) found under them."""
    prefixes = tuple(packages)
    for package_name in prefixes:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            parts = info.name.split(".")
            if "tests" in parts or "migrations" in parts:
                continue
            if "forms" in parts:
                importlib.import_module(info.name)
    # Forms written inside tests are fixtures (some lack help text on purpose), not product forms.
    classes = [
        cls
        for cls in _all_subclasses(forms.BaseForm)
        if cls.__module__.startswith(tuple(f"{p}." for p in prefixes))
        and "tests" not in cls.__module__.split(".")
    ]
    return sorted(classes, key=lambda cls: (cls.__module__, cls.__qualname__))
