"""Contribution periods the rules send to review (RULES §3: a late registration or a late
termination) become workflow cases: opened in the same transaction as the period, routed to the
establishment's office, and applied to the period by ``engagement_review_decide`` when decided.

Until its case is approved a pending period's disputed months are not billed
(``selectors.engagement_months_blocked_for_billing``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from simis.core.dates import months_between
from simis.notifications.public import SmsTemplate, sms_language_for, sms_send
from simis.registry.choices import EngagementStatus, ReviewDecision, ReviewReason
from simis.registry.models import Engagement, Office
from simis.workflow.public import Case, SubjectHandler, case_open

SUBJECT_KIND = "registry.engagement"
CASE_TYPES = {
    ReviewReason.LATE_REGISTRATION: "registration-late",
    ReviewReason.LATE_EXCLUSION: "termination-late",
}


def review_case_open(
    engagement: Engagement, *, actor: Any, request: HttpRequest | None = None
) -> Case | None:
    """Opens the review case of a period just left pending review; nothing for any other period."""
    if engagement.status != EngagementStatus.PENDING_REVIEW:
        return None
    establishment = engagement.establishment
    person = engagement.person
    disputed = 0
    if engagement.disputed_from and engagement.disputed_until:
        disputed = months_between(engagement.disputed_from, engagement.disputed_until)
    return case_open(
        case_type=CASE_TYPES[ReviewReason(engagement.review_reason)],
        subject_kind=SUBJECT_KIND,
        subject_key=engagement.pk,
        title=f"{person.contributor_number} {person.full_name_en} · {establishment.number}",
        office_code=establishment.office_id,
        facts={
            "months_disputed": disputed,
            "nationality": person.nationality_id,
            "establishment": establishment.number,
            "reason": engagement.review_reason,
        },
        submitted_by=actor,
        request=request,
    )


def review_cases_sweep(*, limit: int = 500) -> int:
    """Opens the review cases of pending periods that have none — written in bulk (an uploaded
    file, a generated population) rather than through the services. Each in its own transaction,
    oldest first, at most ``limit`` per run; returns how many were opened."""
    from django.db import transaction

    from simis.workflow.public import cases_open_for_subjects

    pending = list(
        Engagement.objects.filter(status=EngagementStatus.PENDING_REVIEW)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    opened = 0
    for start in range(0, len(pending), 5000):
        keys = pending[start : start + 5000]
        covered = cases_open_for_subjects(SUBJECT_KIND, keys, include_closed=True)
        for pk in keys:
            if str(pk) in covered:
                continue
            with transaction.atomic():
                engagement = (
                    Engagement.objects.select_for_update(skip_locked=True)
                    .select_related("person", "establishment")
                    .filter(pk=pk, status=EngagementStatus.PENDING_REVIEW)
                    .first()
                )
                if engagement is None:
                    continue
                review_case_open(engagement, actor=None)
            opened += 1
            if opened >= limit:
                return opened
    return opened


def _describe(key: str) -> list[tuple[str, str]]:
    engagement = (
        Engagement.objects.select_related("person", "establishment", "occupation").filter(pk=int(key)).first()
    )
    if engagement is None:
        return [(_("Contribution period"), _("removed"))]
    person, establishment = engagement.person, engagement.establishment
    lines = [
        (_("Contributor"), f"{person.contributor_number} — {person.full_name}"),
        (_("Establishment"), f"{establishment.number} — {establishment.name}"),
        (_("Join date"), engagement.join_date.isoformat()),
        (_("Leave date"), engagement.leave_date.isoformat() if engagement.leave_date else "—"),
        (_("Status"), str(EngagementStatus(engagement.status).label)),
    ]
    if engagement.review_reason:
        lines.append((_("Review reason"), str(ReviewReason(engagement.review_reason).label)))
    if engagement.disputed_from:
        months = _("from %(start)s to %(end)s") % {
            "start": f"{engagement.disputed_from:%Y-%m}",
            "end": f"{engagement.disputed_until:%Y-%m}",
        }
        lines.append((_("Disputed months"), months))
    return lines


def _on_closed(case: Case, outcome: str, actor: Any) -> None:
    from simis.registry.services import engagement_review_decide

    engagement = Engagement.objects.filter(pk=int(case.subject_key)).first()
    if engagement is None or engagement.status != EngagementStatus.PENDING_REVIEW:
        return
    reason = engagement.review_reason
    decided = engagement_review_decide(
        actor=actor,
        engagement=engagement,
        decision=ReviewDecision.APPROVED if outcome == "approved" else ReviewDecision.REJECTED,
        note=f"case {case.number}",
    )
    if decided is not None and outcome == "approved" and reason == ReviewReason.LATE_REGISTRATION:
        registration_approved_notify(decided, actor=actor, reference=case.number)


def registration_approved_notify(engagement: Engagement, *, actor: Any, reference: str = "") -> None:
    """The contributor's SMS on the final approval of a registration (CH-5): queued in the
    approving transaction, once per period whatever retries happen; nothing without a mobile."""
    person = engagement.person
    if not person.mobile:
        return
    language = sms_language_for(person.user) if person.user_id else "ar"
    establishment = engagement.establishment
    sms_send(
        to=person.mobile,
        template=SmsTemplate.REGISTRATION_APPROVED,
        context={
            "name": person.first_name_ar if language == "ar" else person.first_name_en,
            "establishment": establishment.name_ar if language == "ar" else establishment.name_en,
            "reference": reference or str(person.contributor_number),
        },
        language=language,
        idempotency_key=f"registration-approved-{engagement.pk}",
        related=(SUBJECT_KIND, str(engagement.pk)),
        actor=actor,
    )


def _url(key: str) -> str:
    engagement = Engagement.objects.filter(pk=int(key)).select_related("person").first()
    if engagement is None:
        return ""
    try:
        return reverse("registry:person", args=[engagement.person.contributor_number])
    except NoReverseMatch:
        return ""


def offices() -> dict[str, tuple[str, str]]:
    return {office.code: (office.name_ar, office.name_en) for office in Office.objects.all()}


HANDLER = SubjectHandler(kind=SUBJECT_KIND, describe=_describe, on_closed=_on_closed, url=_url)
