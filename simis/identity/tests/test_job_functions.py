"""Job functions grant permissions through user.has_perm; the grant service's own rules."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import RequestFactory

from simis.audit.models import AuditEntry
from simis.core.errors import SimisError
from simis.identity import services
from simis.identity.models import Audience, JobFunction, JobFunctionMembership, User
from simis.identity.public import (
    SENSITIVE_PERMISSIONS,
    is_sensitive_permission,
    register_sensitive_permission,
)
from simis.identity.step_up import SESSION_STEP_UP
from simis.identity.tests.conftest import Persona, make_user

pytestmark = pytest.mark.django_db


def _stepped_up_request(user: User):  # type: ignore[no-untyped-def]
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    request = RequestFactory().post("/identity/staff/users/")
    request.user = user
    request.session = SessionStore()
    request.session[SESSION_STEP_UP] = {"at": timezone.now().timestamp(), "user": user.pk, "authenticator": 0}
    return request


def test_permissions_come_from_job_functions(
    khalid: Persona, huda: Persona, approver_function: JobFunction
) -> None:
    assert khalid.user.has_perm("identity.grant_job_function")
    assert not huda.user.has_perm("identity.grant_job_function")
    approver_function.permissions.add(Permission.objects.get(codename="view_user"))
    JobFunctionMembership.objects.create(user=huda.user, job_function=approver_function)
    fresh = User.objects.get(pk=huda.user.pk)
    assert fresh.has_perm("identity.view_user")
    assert not fresh.has_perm("identity.grant_job_function")


def test_inactive_users_hold_no_permission(khalid: Persona) -> None:
    khalid.user.is_active = False
    khalid.user.save()
    assert not User.objects.get(pk=khalid.user.pk).has_perm("identity.grant_job_function")


def test_grant_needs_a_step_up_even_when_called_as_a_service(
    khalid: Persona, huda: Persona, approver_function: JobFunction
) -> None:
    request = RequestFactory().post("/")
    from django.contrib.sessions.backends.db import SessionStore

    request.user = khalid.user
    request.session = SessionStore()
    with pytest.raises(SimisError) as exc:
        services.job_function_grant(
            actor=khalid.user, user=huda.user, job_function=approver_function, request=request
        )
    assert exc.value.code == "IDN-020"
    assert AuditEntry.objects.filter(action="identity.step_up_refused", outcome="refused").exists()
    with pytest.raises(SimisError):
        services.job_function_grant(
            actor=khalid.user, user=huda.user, job_function=approver_function, request=None
        )


def test_grant_and_withdraw_change_permissions_at_once(khalid: Persona, huda: Persona) -> None:
    viewer = JobFunction.objects.create(
        code="viewer", name_ar="مطلع", name_en="Viewer", audience=Audience.STAFF
    )
    viewer.permissions.add(Permission.objects.get(codename="view_user"))
    request = _stepped_up_request(khalid.user)
    assert not huda.user.has_perm("identity.view_user")
    services.job_function_grant(actor=khalid.user, user=huda.user, job_function=viewer, request=request)
    assert huda.user.has_perm("identity.view_user")
    services.job_function_withdraw(actor=khalid.user, user=huda.user, job_function=viewer, request=request)
    assert not huda.user.has_perm("identity.view_user")
    withdrawn = AuditEntry.objects.get(action="identity.job_function_withdrawn")
    assert withdrawn.before == {"job_functions": ["viewer"]} and withdrawn.after == {"job_functions": []}


def test_a_staff_function_cannot_go_to_an_employer_user(
    khalid: Persona, approver_function: JobFunction
) -> None:
    employer = make_user("nour", Audience.EMPLOYER, totp=False).user
    with pytest.raises(SimisError) as exc:
        services.job_function_grant(
            actor=khalid.user,
            user=employer,
            job_function=approver_function,
            request=_stepped_up_request(khalid.user),
        )
    assert exc.value.code == "IDN-031"


def test_nobody_grants_themselves(khalid: Persona, approver_function: JobFunction) -> None:
    with pytest.raises(SimisError) as exc:
        services.job_function_grant(
            actor=khalid.user,
            user=khalid.user,
            job_function=approver_function,
            request=_stepped_up_request(khalid.user),
        )
    assert exc.value.code == "IDN-034"


def test_granting_twice_is_refused(khalid: Persona, huda: Persona, approver_function: JobFunction) -> None:
    request = _stepped_up_request(khalid.user)
    services.job_function_grant(
        actor=khalid.user, user=huda.user, job_function=approver_function, request=request
    )
    with pytest.raises(SimisError) as exc:
        services.job_function_grant(
            actor=khalid.user, user=huda.user, job_function=approver_function, request=request
        )
    assert exc.value.code == "IDN-032"


def test_without_the_permission_the_grant_is_refused_and_audited(
    huda: Persona, khalid: Persona, approver_function: JobFunction
) -> None:
    with pytest.raises(SimisError) as exc:
        services.job_function_grant(
            actor=huda.user,
            user=khalid.user,
            job_function=approver_function,
            request=_stepped_up_request(huda.user),
        )
    assert exc.value.code == "IDN-030"
    assert AuditEntry.objects.filter(action="identity.permission_denied", outcome="refused").exists()


def test_staff_page_refuses_users_without_the_permission(client, huda: Persona) -> None:  # type: ignore[no-untyped-def]
    from simis.identity.tests.conftest import sign_in

    sign_in(client, huda)
    response = client.get("/identity/staff/users/")
    assert response.status_code == 403
    assert b"IDN-030" in response.content


def test_staff_pages_list_and_show_users(client, khalid: Persona, huda: Persona) -> None:  # type: ignore[no-untyped-def]
    from simis.identity.tests.conftest import sign_in

    sign_in(client, khalid)
    listing = client.get("/identity/staff/users/", {"q": "hud"})
    assert (
        listing.status_code == 200
        and b"user-link-huda" in listing.content
        and b"user-link-khalid" not in listing.content
    )
    detail = client.get(f"/identity/staff/users/{huda.user.pk}/")
    assert (
        detail.status_code == 200 and b"grant-form" in detail.content and b"step-up-no-key" in detail.content
    )


def test_sensitive_permission_registry() -> None:
    assert "identity.grant_job_function" in SENSITIVE_PERMISSIONS
    assert not is_sensitive_permission("payments.approve_payment")
    register_sensitive_permission("payments.approve_payment")
    try:
        assert is_sensitive_permission("payments.approve_payment")
        assert "payments.approve_payment" in list(SENSITIVE_PERMISSIONS)
    finally:
        SENSITIVE_PERMISSIONS._names.discard("payments.approve_payment")
    with pytest.raises(SimisError) as exc:
        register_sensitive_permission("approve everything")
    assert exc.value.code == "IDN-050"
