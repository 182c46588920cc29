"""Contribution periods, terminations and wage changes by file (REG-3, REG-4 through REG-7):
rows name contributors by their identity documents; the register's services apply them and
refuse with their own codes; both ways of applying."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from simis.registry.public import Engagement, EngagementStatus, Wage
from simis.uploads.choices import UploadKind, UploadMode, UploadStatus
from simis.uploads.layouts import PERIODS_V1, TERMINATIONS_V1, WAGE_CHANGES_V1
from simis.uploads.tests.files import csv_bytes, next_national_id
from simis.uploads.tests.helpers import refused_codes, upload_and_process, worker_register

pytestmark = pytest.mark.django_db


def number(registration: Any) -> str:
    return str(registration.person.identities.get().number)


def test_periods_of_registered_contributors(nour: Any, badr: Any, khalid: Any) -> None:
    elsewhere = worker_register(badr, actor=khalid)  # at Badr Builders, not yet at Nour
    here = worker_register(nour, actor=khalid)  # at Nour since 1 Feb 2026, still working
    rows = [
        {
            "identity_number": number(elsewhere),
            "join_date": "2026-03-01",
            "occupation": "7",
            "basic_wage": "4500",
        },
        {"identity_number": number(here), "join_date": "2026-03-01", "occupation": "7", "basic_wage": "4500"},
        {
            "identity_number": next_national_id(),
            "join_date": "2026-03-01",
            "occupation": "7",
            "basic_wage": "4500",
        },
        {
            "identity_number": number(elsewhere),
            "join_date": "2025-01-01",
            "leave_date": "2025-02-28",
            "occupation": "7",
            "basic_wage": "4500",
        },
    ]
    data = csv_bytes(PERIODS_V1, rows)

    rejected = upload_and_process(nour, data, kind=UploadKind.PERIODS)
    assert rejected.status == UploadStatus.REJECTED
    assert refused_codes(rejected) == {4: ["REG-303"], 5: ["UPL-208"], 6: ["UPL-211"]}
    assert not Engagement.objects.filter(person=elsewhere.person, establishment=nour.main).exists()

    applied = upload_and_process(nour, data, kind=UploadKind.PERIODS, mode=UploadMode.VALID_ROWS)
    assert applied.status == UploadStatus.APPLIED
    assert applied.rows_applied == 1
    period = Engagement.objects.get(person=elsewhere.person, establishment=nour.main)
    assert period.join_date == date(2026, 3, 1)
    assert Wage.objects.get(engagement=period).basic.amount == Decimal("4500.00")


def test_terminations(nour: Any, badr: Any, khalid: Any) -> None:
    leaving = worker_register(nour, actor=khalid)
    staying = worker_register(nour, actor=khalid)
    elsewhere = worker_register(badr, actor=khalid)
    rows = [
        {"identity_number": number(leaving), "leave_date": "10/03/2026", "leave_reason": "resignation"},
        {"identity_number": number(elsewhere), "leave_date": "2026-03-10", "leave_reason": "resignation"},
        {"identity_number": number(staying), "leave_date": "2026-01-10", "leave_reason": "dismissal"},
        {"identity_number": number(leaving), "leave_date": "2026-03-11", "leave_reason": "other"},
    ]
    upload = upload_and_process(
        nour, csv_bytes(TERMINATIONS_V1, rows), kind=UploadKind.TERMINATIONS, mode=UploadMode.VALID_ROWS
    )
    assert upload.status == UploadStatus.APPLIED
    assert refused_codes(upload) == {4: ["UPL-209"], 5: ["REG-304"], 6: ["UPL-205"]}
    ended = Engagement.objects.get(person=leaving.person)
    assert (ended.status, ended.leave_date, ended.leave_reason) == (
        EngagementStatus.TERMINATED,
        date(2026, 3, 10),
        "resignation",
    )
    assert Engagement.objects.get(person=staying.person).leave_date is None


def test_wage_changes_all_or_nothing_then_valid_rows(nour: Any, badr: Any, khalid: Any) -> None:
    first = worker_register(nour, actor=khalid)
    second = worker_register(nour, actor=khalid)
    elsewhere = worker_register(badr, actor=khalid)
    rows = [
        {
            "identity_number": number(first),
            "month": "2026-03",
            "basic_wage": "7000",
            "housing_allowance": "1750",
        },
        {"identity_number": number(second), "month": "2026-03-15", "basic_wage": "6500", "occupation": "3"},
        {"identity_number": number(elsewhere), "month": "2026-03", "basic_wage": "9000"},
        {"identity_number": number(second), "month": "2026-01", "basic_wage": "6500"},
        {"identity_number": number(first), "month": "2026-03", "basic_wage": "-5"},
    ]
    data = csv_bytes(WAGE_CHANGES_V1, rows)
    wages = Wage.objects.count()

    rejected = upload_and_process(nour, data, kind=UploadKind.WAGE_CHANGES)
    assert rejected.status == UploadStatus.REJECTED
    assert refused_codes(rejected) == {5: ["UPL-210"], 6: ["UPL-210"], 7: ["UPL-206"]}
    assert Wage.objects.count() == wages

    applied = upload_and_process(nour, data, kind=UploadKind.WAGE_CHANGES, mode=UploadMode.VALID_ROWS)
    assert applied.status == UploadStatus.APPLIED
    assert applied.rows_applied == 2
    latest = Wage.objects.filter(engagement__person=second.person).latest("effective_from")
    assert (latest.effective_from, latest.basic.amount, latest.occupation_id) == (
        date(2026, 3, 1),
        Decimal("6500.00"),
        "3",
    )
    assert Engagement.objects.get(person=second.person).occupation_id == "3"


def test_a_wage_line_the_register_refuses_leaves_the_others_applied(nour: Any, khalid: Any) -> None:
    kept = worker_register(nour, actor=khalid)
    refused = worker_register(nour, actor=khalid)
    rows = [
        {"identity_number": number(kept), "month": "2026-03", "basic_wage": "8000"},
        {"identity_number": number(refused), "month": "2026-03", "basic_wage": "0"},
    ]
    data = csv_bytes(WAGE_CHANGES_V1, rows)
    upload = upload_and_process(nour, data, kind=UploadKind.WAGE_CHANGES, mode=UploadMode.VALID_ROWS)
    assert refused_codes(upload) == {4: ["REG-405"]}
    assert upload.rows_applied == 1
    assert Wage.objects.filter(engagement__person=kept.person, effective_from=date(2026, 3, 1)).exists()
    assert not Wage.objects.filter(
        engagement__person=refused.person, effective_from=date(2026, 3, 1)
    ).exists()
