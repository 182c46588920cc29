"""allauth hooks: closed sign-up and the per-username lockout."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.http import HttpRequest

from simis.core.errors import SimisError
from simis.identity import services


def _coded(error: SimisError) -> forms.ValidationError:
    # The code is part of the text so the user can quote it to the help desk.
    return forms.ValidationError(f"{error.code}: {error.message}", code=error.code)


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the institution (registration, staff administration), never by
    self sign-up on the portal."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        username = credentials.get("username") or credentials.get("email") or ""
        try:
            services.login_lock_check(username=username, request=request)
        except SimisError as exc:
            raise _coded(exc) from exc
        super().pre_authenticate(request, **credentials)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        username = credentials.get("username") or credentials.get("email") or ""
        lock = services.login_failure_record(username=username, request=request)
        if lock is not None:
            try:
                services.login_lock_check(username=username, request=request)
            except SimisError as exc:
                raise _coded(exc) from exc
