"""Thin views: validate, call one service, render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from simis.core.errors import SimisError
from simis.identity import selectors, services
from simis.identity.errors import IdentityError
from simis.identity.forms import JobFunctionGrantForm, StepUpForm
from simis.identity.models import Audience, JobFunction, OrganisationKind, User
from simis.identity.scope import scope_required, user_scope
from simis.identity.sensitive import is_sensitive_permission
from simis.identity.step_up import (
    permission_refused,
    step_up_age,
    step_up_begin,
    step_up_complete,
    step_up_is_fresh,
    step_up_required,
)

VIEW_USERS = "identity.view_user"
GRANT = services.GRANT_JOB_FUNCTION


def staff_permission_required(
    permission: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Signed-in institution staff holding ``permission``; anyone else gets the coded 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.user.audience != Audience.STAFF or not request.user.has_perm(permission):
                return permission_refused(request, permission)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("portal:home")


@login_required
@require_http_methods(["GET", "POST"])
def step_up(request: HttpRequest) -> HttpResponse:
    """Confirm presence with a registered WebAuthn security key, then go back to ``next``."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    error: SimisError | None = None
    if request.method == "POST":
        form = StepUpForm(request.POST)
        if form.is_valid():
            try:
                step_up_complete(request, form.cleaned_data["credential"])
            except SimisError as exc:
                error = exc
            else:
                messages.success(request, _("Security key confirmed."))
                return redirect(next_url)
        else:
            error = SimisError(IdentityError.STEP_UP_FAILED)
    options = step_up_begin(request)
    if options is None:
        error = SimisError(IdentityError.STEP_UP_NO_KEY)
    permission = request.GET.get("permission", "")
    return render(
        request,
        "identity/step_up.html",
        {
            "options": options,
            "error": error,
            "next_url": next_url,
            "permission": permission if is_sensitive_permission(permission) else "",
        },
        status=400 if error is not None and request.method == "POST" else 200,
    )


@staff_permission_required(VIEW_USERS)
def staff_user_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    audience = request.GET.get("audience", "")
    users = selectors.user_list_search(query, audience)[:200]
    return render(
        request,
        "identity/staff/user_list.html",
        {"users": users, "q": query, "audience": audience, "audiences": Audience.choices},
    )


def _user_detail_context(
    request: HttpRequest, subject: User, form: JobFunctionGrantForm | None = None
) -> dict:
    return {
        "subject": subject,
        "memberships": selectors.user_job_function_memberships(subject),
        "organisations": selectors.organisation_membership_current(subject),
        "form": form or JobFunctionGrantForm(audience=subject.audience),
        "can_grant": request.user.has_perm(GRANT) and request.user.pk != subject.pk,
        "step_up_fresh": step_up_is_fresh(request),
        "step_up_age": step_up_age(request),
        "has_security_key": selectors.user_has_security_key(request.user),  # type: ignore[arg-type]
    }


@staff_permission_required(VIEW_USERS)
def staff_user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_object_or_404(User, pk=pk)
    return render(request, "identity/staff/user_detail.html", _user_detail_context(request, subject))


@require_POST
@staff_permission_required(VIEW_USERS)
@step_up_required(GRANT)
def staff_user_grant(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_object_or_404(User, pk=pk)
    form = JobFunctionGrantForm(request.POST, audience=subject.audience)
    if form.is_valid():
        try:
            services.job_function_grant(
                actor=request.user,  # type: ignore[arg-type]
                user=subject,
                job_function=form.cleaned_data["job_function"],
                request=request,
            )
        except SimisError as exc:
            form.add_error(None, f"{exc.code}: {exc.message}")
        else:
            messages.success(request, _("Job function granted."))
            return redirect("identity:staff_user_detail", pk=subject.pk)
    return render(
        request, "identity/staff/user_detail.html", _user_detail_context(request, subject, form), status=400
    )


@require_POST
@staff_permission_required(VIEW_USERS)
@step_up_required(GRANT)
def staff_user_withdraw(request: HttpRequest, pk: int, job_function_pk: int) -> HttpResponse:
    subject = get_object_or_404(User, pk=pk)
    job_function = get_object_or_404(JobFunction, pk=job_function_pk)
    try:
        services.job_function_withdraw(
            actor=request.user,  # type: ignore[arg-type]
            user=subject,
            job_function=job_function,
            request=request,
        )
    except SimisError as exc:
        messages.error(request, f"{exc.code}: {exc.message}")
    else:
        messages.success(request, _("Job function withdrawn."))
    return redirect("identity:staff_user_detail", pk=subject.pk)


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    """The organisations the signed-in user acts for today."""
    user = request.user
    assert isinstance(user, User)
    memberships = selectors.organisation_membership_current(user)
    return render(
        request, "identity/organisation_list.html", {"memberships": memberships, "scope": user_scope(user)}
    )


@login_required
@scope_required()
def organisation_users(request: HttpRequest, org_kind: str, org_key: str) -> HttpResponse:
    """Who acts for an organisation: visible to staff and to the organisation's own users only."""
    if org_kind not in OrganisationKind.values:
        return render(
            request,
            "identity/refused.html",
            {"error": SimisError(IdentityError.OUT_OF_SCOPE)},
            status=404,
        )
    return render(
        request,
        "identity/organisation_users.html",
        {
            "org_kind": OrganisationKind(org_kind),
            "org_key": org_key,
            "memberships": selectors.organisation_membership_list(org_kind, org_key),
        },
    )
