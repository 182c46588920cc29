"""Uploading as a persona: receive the file, then run the job's work in the test's thread."""

from __future__ import annotations

from typing import Any

from simis.registry.public import (
    ContributorRegistration,
    IdentityInput,
    PersonNames,
    WageInput,
    contributor_register,
)
from simis.uploads.choices import UploadKind, UploadMode
from simis.uploads.models import Upload
from simis.uploads.services import upload_process, upload_receive
from simis.uploads.tests.conftest import REQUEST_DAY, Employer
from simis.uploads.tests.files import next_national_id


def receive(
    employer: Employer,
    data: bytes,
    *,
    kind: UploadKind = UploadKind.NEW_CONTRIBUTORS,
    mode: UploadMode = UploadMode.ALL_OR_NOTHING,
    name: str = "nour.csv",
    actor: Any = None,
    establishment: Any = None,
) -> Upload:
    return upload_receive(
        actor=actor or employer.officer,
        establishment_number=(establishment or employer.main).number,
        kind=kind,
        mode=mode,
        file_name=name,
        data=data,
        requested_on=REQUEST_DAY,
    )


def upload_and_process(employer: Employer, data: bytes, **options: Any) -> Upload:
    upload = receive(employer, data, **options)
    return upload_process(upload_id=upload.pk)


def refused_codes(upload: Upload) -> dict[int, list[str]]:
    return {row.row_number: list(row.codes) for row in upload.rows.order_by("row_number")}


def worker_register(
    employer: Employer, *, actor: Any, nationality: str = "SAU", **fields: Any
) -> ContributorRegistration:
    """A contributor registered through the register's own service (on 1 Feb 2026, on time)."""
    from datetime import date
    from decimal import Decimal

    from simis.core.identifiers import IdentityKind
    from simis.core.money import Money

    establishment = fields.pop("establishment", employer.main)
    kind = IdentityKind.NATIONAL_ID if nationality == "SAU" else IdentityKind.IQAMA
    options: dict[str, Any] = {
        "identities": [IdentityInput(kind, next_national_id(kind))],
        "names": PersonNames(first_ar="علي", family_ar="الحربي", first_en="Ali", family_en="Alharbi"),
        "birth_date": date(1990, 5, 5),
        "gender": "male",
        "nationality": nationality,
        "join_date": date(2026, 2, 1),
        "occupation": "5",
        "wage": WageInput(basic=Money(Decimal("5000")), housing=Money(Decimal("1250"))),
        "requested_on": date(2026, 2, 10),
    }
    options.update(fields)
    return contributor_register(actor=actor, establishment=establishment, **options)
