"""Which audiences a page is for: the views' first check, shared by every app's pages."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse


def audiences(allowed: Iterable[str]) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Signed-in users of these audiences; anyone else signed in gets 404 (the page does not
    exist for them), anyone signed out the sign-in page."""
    wanted = frozenset(allowed)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if getattr(request.user, "audience", "") not in wanted:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
