"""The staff pages (the SMS outbox, the error groups) and the gateway's status callback. Thin:
each validates its input and calls one selector or service.

The pages are for institution staff only: anyone else signed in gets 404 (the pages do not exist
for them), anyone signed out the sign-in page. The callback is called by the SMS gateway, not a
person: it is authenticated by an HMAC over its body with ``SIMIS_SMS_WEBHOOK_SECRET``."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from simis.audit.public import AuditOutcome, audit_record
from simis.core.errors import SimisError
from simis.identity.public import Audience
from simis.notifications import selectors, services
from simis.notifications.actions import NotificationAction
from simis.notifications.choices import SmsStatus
from simis.notifications.errors import NotificationError
from simis.notifications.forms import OutboxFilterForm
from simis.notifications.models import SmsMessage
from simis.notifications.rules import phone_masked

OUTBOX_PAGE_SIZE = 50
ERRORS_PAGE_SIZE = 50
OCCURRENCES_PAGE_SIZE = 20
# A callback signed longer ago than this (or this far in the future) is refused: a replay.
CALLBACK_MAX_SKEW = 300
SIGNATURE_HEADER = "X-Simis-Signature"
TIMESTAMP_HEADER = "X-Simis-Timestamp"


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(request.user, "audience", "") != Audience.STAFF:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@staff_only
def outbox_list(request: HttpRequest) -> HttpResponse:
    form = OutboxFilterForm(request.GET or None)
    filters = selectors.OutboxFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.OutboxFilter(
            status=data["status"],
            template=data["template"],
            recipient=data["recipient"],
            created_from=data["created_from"],
            created_to=data["created_to"],
        )
    found = selectors.sms_outbox_list(filters)
    page = Paginator(found, OUTBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict(found.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    summary = [(status, label, counts.get(status, 0)) for status, label in SmsStatus.choices]
    return render(
        request,
        "notifications/outbox.html",
        {
            "form": form,
            "page": page,
            "rows": [(message, phone_masked(message.recipient)) for message in page],
            "summary": summary,
            "query": _query_without_page(request),
        },
    )


@staff_only
def outbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = selectors.sms_message_get(pk)
    if message is None:
        raise Http404
    return render(
        request,
        "notifications/outbox_detail.html",
        {"message": message, "history": selectors.sms_status_history(message)},
    )


@staff_only
def error_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.error_event_list(), ERRORS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/errors.html", {"page": page})


@staff_only
def error_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.error_event_get(pk)
    if event is None:
        raise Http404
    page = Paginator(selectors.error_occurrences_for(event), OCCURRENCES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/error_detail.html", {"event": event, "page": page})


# --- The gateway's status callback ---------------------------------------------------------------


def callback_signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``<timestamp>.<body>`` — what the gateway sends in
    ``X-Simis-Signature`` with the timestamp (Unix seconds) in ``X-Simis-Timestamp``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _signed(request: HttpRequest, secret: str) -> bool:
    timestamp = request.headers.get(TIMESTAMP_HEADER, "")
    given = request.headers.get(SIGNATURE_HEADER, "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > CALLBACK_MAX_SKEW:
        return False
    return hmac.compare_digest(given, callback_signature(secret, timestamp, request.body))


def _refusal(error: SimisError, status: int) -> JsonResponse:
    return JsonResponse(error.as_dict(), status=status, json_dumps_params={"ensure_ascii": False})


def _one_report(report: Any) -> dict[str, Any]:
    if not isinstance(report, dict):
        raise SimisError(NotificationError.WEBHOOK_BODY_INVALID, detail="each report must be an object")
    occurred = parse_datetime(str(report.get("at", ""))) if report.get("at") else None
    try:
        message: SmsMessage = services.sms_status_update(
            status=str(report.get("status", "")),
            reference=str(report.get("reference", "")),
            gateway_message_id=str(report.get("message_id", "")),
            backend="http",
            detail=str(report.get("error", ""))[:500],
            occurred_at=occurred,
        )
    except SimisError as error:
        if error.error is NotificationError.STATUS_CHANGE_REFUSED:
            # A late or out-of-order receipt: acknowledged so the gateway stops resending it.
            return {"reference": report.get("reference", ""), "ignored": error.code}
        raise
    return {"reference": message.reference, "status": message.status}


@csrf_exempt
@require_POST
def sms_status_callback(request: HttpRequest) -> HttpResponse:
    """``POST /notifications/sms/status/`` from the HTTP gateway: one report
    ``{"reference" | "message_id", "status", "error"?, "at"?}`` or a list of them."""
    secret = settings.SIMIS_SMS_WEBHOOK_SECRET
    if not secret:
        raise Http404  # no callback configured: the endpoint does not exist
    if not _signed(request, secret):
        audit_record(
            actor=None,
            action=NotificationAction.STATUS_CALLBACK_REFUSED,
            extra={"path": request.path, "bytes": len(request.body)},
            request=request,
            outcome=AuditOutcome.REFUSED,
        )
        return _refusal(SimisError(NotificationError.WEBHOOK_SIGNATURE_INVALID), 403)
    try:
        body = json.loads(request.body or b"null")
    except ValueError as exc:
        return _refusal(SimisError(NotificationError.WEBHOOK_BODY_INVALID, detail=str(exc)), 400)
    try:
        if isinstance(body, list):
            return JsonResponse({"results": [_one_report(report) for report in body]})
        return JsonResponse(_one_report(body))
    except SimisError as error:
        status = 404 if error.error is NotificationError.MESSAGE_UNKNOWN else 400
        return _refusal(error, status)
