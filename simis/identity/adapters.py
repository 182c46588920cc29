from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the institution (registration, staff administration), never by
    self sign-up on the portal."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
