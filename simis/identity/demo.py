"""Demonstration accounts: one per audience, each with a known password and a known TOTP secret
so a demonstrator (or a test) can compute the current code. Loaded by ``manage.py demo_load``
on every ``make run``, so it is idempotent and cheap when everything already exists."""

from __future__ import annotations

from dataclasses import dataclass

import pyotp
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction

from simis.audit.public import audit_record
from simis.core.errors import SimisError
from simis.identity.actions import IdentityAction
from simis.identity.errors import IdentityError
from simis.identity.models import (
    Audience,
    JobFunction,
    JobFunctionMembership,
    OrganisationKind,
    OrganisationMembership,
    OrganisationRole,
    User,
)
from simis.identity.services import organisation_bind

DEMO_PASSWORD = "Simis-demo-2026!"  # noqa: S105  (published on purpose: demonstration systems only)
SYSTEM_ADMINISTRATOR = "system-administrator"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    audience: str
    first_name: str
    last_name: str
    # Base32 TOTP secrets, fixed so that `demo_totp` and tests can compute codes.
    totp_secret: str
    org_kind: str = ""
    org_key: str = ""
    job_function: str = ""
    mobile: str = ""


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "staff",
        Audience.STAFF,
        "Khalid",
        "Al-Harbi",
        "ILPEVW4C3L7WYO5TE3WJSYS7ROZ3KEKS",
        job_function=SYSTEM_ADMINISTRATOR,
    ),
    DemoAccount("reviewer", Audience.STAFF, "Huda", "Al-Qahtani", "EXRY6JNVCXHKDT4GKAU447FCESDZ6OEP"),
    DemoAccount("reviewer2", Audience.STAFF, "Faisal", "Al-Dosari", "MZXW6YTBOI5HK3DFOJSXG33UNFXHI2LB"),
    DemoAccount(
        "employer",
        Audience.EMPLOYER,
        "Nour",
        "Trading",
        "J3H3Z7IZTT5L3S5TM4AYY6QTTHLU6GNF",
        OrganisationKind.ESTABLISHMENT,
        "7000000001",
        mobile="+966500000101",
    ),
    DemoAccount(
        "hospital",
        Audience.HOSPITAL,
        "Huda",
        "Hospital",
        "W433QK6ESX77EFZO7VE24F6HZHERCGH6",
        OrganisationKind.HOSPITAL,
        "H-1001",
    ),
    DemoAccount("contributor", Audience.CONTRIBUTOR, "Sara", "Al-Otaibi", "YO5I6R5KYXQDNG2UXY6S6G2QZILCLZR6"),
    DemoAccount(
        "agency",
        Audience.AGENCY,
        "Agency",
        "Liaison",
        "CNHS7R4RBQTRTDTWJLQHPHWMPES3QGVN",
        OrganisationKind.AGENCY,
        "AG-01",
    ),
)


@dataclass(frozen=True)
class DemoAccountRow:
    username: str
    audience: str
    organisation: str
    created: bool


def demo_allowed() -> bool:
    return bool(settings.DEBUG or getattr(settings, "DEMO", False) or getattr(settings, "TESTING", False))


def _system_administrator() -> JobFunction:
    job_function, _created = JobFunction.objects.get_or_create(
        code=SYSTEM_ADMINISTRATOR,
        defaults={
            "name_ar": "مدير النظام",
            "name_en": "System administrator",
            "description": "Administers users and job functions.",
            "audience": Audience.STAFF,
        },
    )
    wanted = set(Permission.objects.filter(content_type__app_label="identity").values_list("pk", flat=True))
    held = set(job_function.permissions.values_list("pk", flat=True))
    if wanted - held:
        job_function.permissions.add(*(wanted - held))
    return job_function


@transaction.atomic
def demo_accounts_load() -> list[DemoAccountRow]:
    """Creates whatever of the demonstration accounts is missing; changes nothing that exists
    (a demonstrator's own changes survive a restart)."""
    if not demo_allowed():
        raise SimisError(IdentityError.DEMO_ONLY)
    administrator = _system_administrator()
    rows: list[DemoAccountRow] = []
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        created = user is None
        if user is None:
            user = User(
                username=account.username,
                audience=account.audience,
                first_name=account.first_name,
                last_name=account.last_name,
                mobile=account.mobile,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            audit_record(actor=None, action="identity.user_created", subject=user, extra={"demo": True})
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, account.totp_secret)
        if (
            account.org_kind
            and not OrganisationMembership.objects.filter(
                user=user, org_kind=account.org_kind, org_key=account.org_key
            ).exists()
        ):
            organisation_bind(
                actor=None,
                user=user,
                org_kind=account.org_kind,
                org_key=account.org_key,
                role=OrganisationRole.ADMINISTRATOR,
            )
        if account.job_function == SYSTEM_ADMINISTRATOR:
            _membership, granted = JobFunctionMembership.objects.get_or_create(
                user=user, job_function=administrator
            )
            if granted:
                audit_record(
                    actor=None,
                    action=IdentityAction.JOB_FUNCTION_GRANTED,
                    subject=user,
                    after={"job_functions": [administrator.code]},
                    extra={"job_function": administrator.code, "demo": True},
                )
        organisation = f"{account.org_kind} {account.org_key}".strip()
        rows.append(DemoAccountRow(account.username, account.audience, organisation, created))
    return rows


def demo_totp_code(username: str) -> str:
    """The current TOTP code of a user with an authenticator app (demonstration systems only)."""
    if not demo_allowed():
        raise SimisError(IdentityError.DEMO_ONLY)
    authenticator = Authenticator.objects.filter(
        user__username=username, type=Authenticator.Type.TOTP
    ).first()
    if authenticator is None:
        raise SimisError(IdentityError.NO_TOTP, username=username)
    return pyotp.TOTP(decrypt(authenticator.data["secret"])).now()
