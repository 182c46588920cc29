"""The submitter's SMS when their case is decided (CH-5): approved, rejected, returned for
correction, or documents asked for — queued in the deciding transaction, once per decision."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from simis.notifications.public import SmsTemplate, sms_language_for, sms_send
from simis.workflow.rules import Decision

_OUTCOME_DECISION = {"approved": Decision.APPROVE, "rejected": Decision.REJECT}


def submitter_notify(case: Any, outcome: str, note: str) -> None:
    submitter = case.submitted_by
    mobile = getattr(submitter, "mobile", "") if submitter is not None else ""
    if not mobile:
        return
    language = sms_language_for(submitter)
    decision = Decision(_OUTCOME_DECISION.get(outcome, outcome))
    with translation.override(language):
        label = str(decision.label)
    entries = case.decisions.count()
    sms_send(
        to=mobile,
        template=SmsTemplate.CASE_DECIDED,
        context={"reference": case.number, "decision": label},
        language=language,
        idempotency_key=f"case-{case.pk}-{outcome}-{entries}",
        related=("workflow.case", case.number),
    )
