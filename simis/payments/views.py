"""The portal's payments pages. Thin: each validates its input and calls one service or selector.

- Receipts (CON-3): employer users see the receipts of the establishments they act for, staff
  every receipt; a receipt of another establishment is not found (404), never forbidden, so
  its existence is not revealed.
- Staff: payments search (``payments.view_payment``), bank statement imports and the work queue
  of entries waiting for a decision (``payments.reconcile``, the finance officers' job
  function). Other audiences get 404; staff without the permission 403.

A statement file is reconciled while the page waits (about a thousand entries a second); files of
tens of thousands of entries go through ``simis statement_import``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from simis.core.errors import SimisError
from simis.identity.public import Audience
from simis.payments import selectors, services
from simis.payments.choices import LineOutcome, PaymentChannel
from simis.payments.errors import PaymentError
from simis.payments.forms import (
    PaymentSearchForm,
    ReceiptSearchForm,
    ResolveForm,
    StatementUploadForm,
    WaitingSearchForm,
)
from simis.payments.statement_files import STATEMENT_MAX_BYTES

PAGE_SIZE = 25
LINES_PAGE_SIZE = 50

View = Callable[..., HttpResponse]


def _signed_in(audiences: set[str], permission: str | None = None) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if getattr(request.user, "audience", "") not in audiences:
                raise Http404
            if permission and not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


receipt_readers = _signed_in({Audience.EMPLOYER, Audience.STAFF})
payment_readers = _signed_in({Audience.STAFF}, "payments.view_payment")
reconcilers = _signed_in({Audience.STAFF}, "payments.reconcile")


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- Receipts ---------------------------------------------------------------------------------------


@receipt_readers
def receipts_view(request: HttpRequest) -> HttpResponse:
    form = ReceiptSearchForm(request.GET or None)
    wanted = selectors.ReceiptFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        wanted = selectors.ReceiptFilter(
            number=data["number"].strip(), start=data["start"], end=data["end"], channel=data["channel"]
        )
    found = selectors.receipt_search(user=request.user, wanted=wanted)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": _query_without_page(request)}
    template = "payments/_receipt_results.html" if _htmx(request) else "payments/receipts.html"
    return render(request, template, context)


@receipt_readers
def receipt_view(request: HttpRequest, number: str) -> HttpResponse:
    receipt = selectors.receipt_get(user=request.user, number=number)
    if receipt is None:
        raise Http404
    payment = receipt.payment
    return render(
        request,
        "payments/receipt.html",
        {
            "receipt": receipt,
            "payment": payment,
            "settled": selectors.receipt_settled(receipt),
            "establishment_name": selectors.establishment_name(payment.establishment),
            "channel": PaymentChannel(payment.channel).label,
            "reversal": getattr(payment, "reversal", None),
        },
    )


# --- Staff: payments ---------------------------------------------------------------------------------


@payment_readers
def payments_view(request: HttpRequest) -> HttpResponse:
    form = PaymentSearchForm(request.GET or None)
    wanted = selectors.PaymentFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        wanted = selectors.PaymentFilter(
            query=data["query"],
            status=data["status"],
            channel=data["channel"],
            bank=data["bank"].strip(),
            start=data["start"],
            end=data["end"],
        )
    found = selectors.payment_search(user=request.user, wanted=wanted)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": _query_without_page(request)}
    template = "payments/_payment_results.html" if _htmx(request) else "payments/payments.html"
    return render(request, template, context)


# --- Staff: statements and the work queue -------------------------------------------------------------


@reconcilers
@require_http_methods(["GET", "POST"])
def statements_view(request: HttpRequest) -> HttpResponse:
    form = StatementUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            if uploaded.size > STATEMENT_MAX_BYTES:
                raise SimisError(
                    PaymentError.FILE_TOO_LARGE,
                    file=uploaded.name,
                    size=uploaded.size,
                    limit=STATEMENT_MAX_BYTES,
                )
            imported = services.statement_import(
                data=uploaded.read(),
                file_name=uploaded.name,
                bank=form.cleaned_data["bank"],
                actor=request.user,
                request=request,
            )
        except SimisError as error:
            form.add_error(None, f"{error.code}: {error.message}")
        else:
            record = imported.statement_import
            if not imported.created:
                messages.info(
                    request,
                    _("This file was already imported on %(date)s; nothing was applied again.")
                    % {"date": record.imported_at.strftime("%Y-%m-%d %H:%M")},
                )
            return HttpResponseRedirect(reverse("payments:statement", args=[record.pk]))
    page = Paginator(selectors.statement_imports(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "payments/statements.html",
        {"form": form, "page": page, "banks": selectors.banks_known()},
    )


@reconcilers
def statement_view(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.statement_import_get(pk)
    if record is None:
        raise Http404
    outcome = request.GET.get("outcome", "")
    if outcome not in LineOutcome.values:
        outcome = ""
    lines = selectors.statement_lines(record, outcome=outcome)
    page = Paginator(lines, LINES_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.statement_outcome_counts(record)
    context = {
        "record": record,
        "page": page,
        "outcome": outcome,
        "outcomes": [(value, label, counts.get(value, 0)) for value, label in LineOutcome.choices],
        "query": _query_without_page(request),
    }
    template = "payments/_lines.html" if _htmx(request) else "payments/statement.html"
    return render(request, template, context)


@reconcilers
def waiting_view(request: HttpRequest) -> HttpResponse:
    form = WaitingSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    page = Paginator(selectors.lines_waiting(query=query), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": _query_without_page(request)}
    template = "payments/_waiting_results.html" if _htmx(request) else "payments/waiting.html"
    return render(request, template, context)


@reconcilers
@require_http_methods(["GET", "POST"])
def line_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    line = selectors.line_get(pk)
    if line is None:
        raise Http404
    debit = not line.credit or line.reversal
    form = ResolveForm(request.POST or None, debit=debit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            resolved = services.statement_line_resolve(
                line_id=line.pk,
                actor=request.user,
                resolution=data["resolution"],
                bill_number=data["bill_number"],
                establishment_number=data["establishment_number"],
                note=data["note"],
                request=request,
            )
        except SimisError as error:
            form.add_error(None, f"{error.code}: {error.message}")
        else:
            if resolved.payment is not None:
                messages.success(
                    request,
                    _("Entry %(position)s applied: payment %(payment)s, receipt %(receipt)s.")
                    % {
                        "position": resolved.position,
                        "payment": resolved.payment.number,
                        "receipt": resolved.payment.receipt.number,
                    },
                )
            else:
                messages.success(request, _("Entry %(position)s resolved.") % {"position": resolved.position})
            return HttpResponseRedirect(reverse("payments:waiting"))
    return render(
        request,
        "payments/resolve.html",
        {"line": line, "form": form, "waiting": line.outcome == LineOutcome.UNMATCHED},
    )
