"""Signal receivers: each only hands the event to a service that audits it."""

from __future__ import annotations

from typing import Any

from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from simis.identity import services


@receiver(auth_signals.user_logged_in, dispatch_uid="simis.identity.logged_in")
def _on_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    services.login_success_record(user=user, request=request)


@receiver(auth_signals.user_logged_out, dispatch_uid="simis.identity.logged_out")
def _on_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    services.logout_record(user=user, request=request)


@receiver(mfa_signals.authenticator_added, dispatch_uid="simis.identity.mfa_added")
def _on_authenticator_added(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    services.mfa_change_record(user=user, authenticator=authenticator, change="added", request=request)


@receiver(mfa_signals.authenticator_removed, dispatch_uid="simis.identity.mfa_removed")
def _on_authenticator_removed(
    sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    services.mfa_change_record(user=user, authenticator=authenticator, change="removed", request=request)


@receiver(mfa_signals.authenticator_reset, dispatch_uid="simis.identity.mfa_reset")
def _on_authenticator_reset(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    services.mfa_change_record(user=user, authenticator=authenticator, change="reset", request=request)


@receiver(mfa_signals.authentication_failed, dispatch_uid="simis.identity.mfa_failed")
def _on_mfa_failed(sender: Any, request: Any, user: Any, authenticator: Any = None, **kwargs: Any) -> None:
    services.mfa_failure_record(user=user, authenticator=authenticator, request=request)
