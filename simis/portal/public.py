"""What other apps may import from the portal app."""

from __future__ import annotations

from simis.portal.form_help import (
    assert_fields_have_help_text,
    fields_missing_help_text,
    project_form_classes,
)
from simis.portal.navigation import (
    ANONYMOUS,
    EVERYONE,
    SIGNED_IN,
    NavItem,
    register_nav_item,
    unregister_nav_item,
)

__all__ = [
    "ANONYMOUS",
    "EVERYONE",
    "SIGNED_IN",
    "NavItem",
    "assert_fields_have_help_text",
    "fields_missing_help_text",
    "project_form_classes",
    "register_nav_item",
    "unregister_nav_item",
]
