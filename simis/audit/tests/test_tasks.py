import logging

import pytest

from simis.audit.models import AuditEntry
from simis.audit.public import audit_record
from simis.audit.tasks import audit_chain_verify_nightly


@pytest.mark.django_db
def test_nightly_job_verifies_records_and_logs_the_head(caplog):
    audit_record(actor=None, action="audit.test_event", subject_type="tests.thing", subject_id="1")
    caplog.set_level(logging.INFO, logger="simis.audit")
    audit_chain_verify_nightly(timestamp=0)
    head = AuditEntry.objects.order_by("-id").first()
    assert head is not None and head.outcome == "success"
    assert head.extra["checked"] == 1
    assert f"head #{head.id} {head.hash}" in caplog.text
