"""The register's entries in the portal's navigation, per audience (called from ``apps.py``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from simis.identity.public import Audience
from simis.portal.public import register_nav_item


def register_registry_navigation() -> None:
    register_nav_item(
        key="registry-establishments",
        url_name="registry:home",
        label=_("My establishments"),
        audiences={Audience.EMPLOYER},
        icon="building",
        order=20,
    )
    register_nav_item(
        key="registry-establishments-staff",
        url_name="registry:home",
        label=_("Establishments"),
        audiences={Audience.STAFF},
        icon="building",
        order=20,
    )
    register_nav_item(
        key="registry-workers",
        url_name="registry:workers-home",
        label=_("Workers"),
        audiences={Audience.EMPLOYER},
        icon="users",
        order=21,
    )
    register_nav_item(
        key="registry-contributors",
        url_name="registry:contributor-search",
        label=_("Contributors"),
        audiences={Audience.STAFF},
        icon="person",
        order=22,
    )
    register_nav_item(
        key="registry-inquiries",
        url_name="registry:inquiries",
        label=_("Inquiries"),
        audiences={Audience.AGENCY, Audience.STAFF},
        icon="agency",
        order=23,
    )
    register_nav_item(
        key="registry-my-periods",
        url_name="registry:my-periods",
        label=_("My contribution periods"),
        audiences={Audience.CONTRIBUTOR},
        icon="calendar",
        order=20,
    )
