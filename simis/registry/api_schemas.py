"""What the registry's web services take and give (``api.py``), as django-ninja schemas.

Conventions every partner can rely on:

* **Dates** are ISO 8601 (``YYYY-MM-DD``) and Gregorian in answers. In a request body, a
  ``calendar`` of ``"hijri"`` says that every date of that body is an Umm al-Qura date
  (``1447-05-04``); SIMIS converts it and stores the Gregorian date. Months of wage changes
  (``YYYY-MM``) are always Gregorian: wages change from the first day of a Gregorian month.
* **Money** is a decimal string in Saudi riyals with at most two decimal places
  (``"5000.00"``), in both directions. JSON numbers are refused for amounts: a binary float
  cannot hold every halala exactly.
* **Refusals** are ``RefusalOut``: a stable code, the message in the language asked for, both
  languages, the figures the message was built from (``params``) and, for multi-line requests,
  every refused line.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from simis.registry.selectors import MAX_PAGE_SIZE

# --- Shared field shapes --------------------------------------------------------------------------

CalendarName = Literal["gregorian", "hijri"]

DateText = Annotated[
    str,
    Field(
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        examples=["2026-11-01"],
        description=(
            "YYYY-MM-DD, in the calendar named by the body's `calendar` (Gregorian unless it says "
            "hijri). — التاريخ بصيغة YYYY-MM-DD، ميلادي ما لم يُذكر calendar: hijri."
        ),
    ),
]

MonthText = Annotated[
    str,
    Field(
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
        examples=["2026-11"],
        description="A Gregorian month, YYYY-MM: the change applies from its first day. — الشهر الميلادي.",
    ),
]

MoneyText = Annotated[
    str,
    Field(
        pattern=r"^-?\d{1,13}(\.\d{1,2})?$",
        examples=["5000.00"],
        description="Riyals as a decimal string, at most two decimals. — المبلغ بالريال نصًّا عشريًّا.",
    ),
]

CALENDAR_FIELD: Any = Field(
    "gregorian",
    description=(
        "The calendar of every date in this body: `gregorian` (default) or `hijri` (Umm al-Qura). "
        "— تقويم التواريخ في هذا الطلب: ميلادي (افتراضي) أو هجري (أم القرى)."
    ),
)


# --- Refusals -------------------------------------------------------------------------------------


class LineRefusalOut(Schema):
    line: int = Field(..., description="Position of the refused line in the request's `lines`, from 1.")
    code: str
    message: str
    message_ar: str
    message_en: str
    params: dict[str, str] = Field(default_factory=dict)


class RefusalOut(Schema):
    """A coded refusal. `lines` is present when a multi-line request was refused as a whole."""

    code: str = Field(..., description="Stable code, e.g. REG-409 or REGAPI-104.")
    message: str = Field(..., description="In the language of Accept-Language (Arabic by default).")
    message_ar: str
    message_en: str
    params: dict[str, str] = Field(
        default_factory=dict, description="The figures the message was built from, for programs."
    )
    lines: list[LineRefusalOut] | None = None


# --- Inputs ---------------------------------------------------------------------------------------


class WageIn(Schema):
    basic: MoneyText = Field(..., description="Monthly basic wage. — الأجر الأساسي الشهري.")
    housing: MoneyText = Field("0.00", description="Monthly housing allowance. — بدل السكن الشهري.")
    other: MoneyText = Field("0.00", description="Other monthly allowances. — البدلات الأخرى.")
    housing_in_kind: bool = Field(
        False, description="Housing is provided in kind (not paid). — السكن مقدَّم عينًا."
    )


class IdentityIn(Schema):
    kind: Literal["national_id", "iqama", "gcc_id", "passport"] = Field(
        ..., description="national_id (Saudi), iqama, gcc_id or passport."
    )
    number: str = Field(..., min_length=1, max_length=20)
    country: str = Field(
        "",
        max_length=3,
        description="Issuing state (ISO alpha-3 or alpha-2) of a GCC ID or passport; "
        "a passport defaults to the nationality.",
    )


class IdentityRef(Schema):
    """Which registered person: an identity number, with its kind and country when ambiguous."""

    number: str = Field(..., min_length=1, max_length=20)
    kind: Literal["national_id", "iqama", "gcc_id", "passport"] | None = None
    country: str | None = Field(None, max_length=3)


class NamesIn(Schema):
    first_ar: str = Field(..., max_length=100)
    father_ar: str = Field("", max_length=100)
    grandfather_ar: str = Field("", max_length=100)
    family_ar: str = Field(..., max_length=100)
    first_en: str = Field(..., max_length=100)
    father_en: str = Field("", max_length=100)
    grandfather_en: str = Field("", max_length=100)
    family_en: str = Field(..., max_length=100)


class ContributorIn(Schema):
    """A person never covered before, with the first contribution period and its wage (REG-2)."""

    calendar: CalendarName = CALENDAR_FIELD
    identities: list[IdentityIn] = Field(..., min_length=1, max_length=5)
    names: NamesIn
    birth_date: DateText
    gender: Literal["male", "female"]
    nationality: str = Field(..., max_length=3, description="ISO 3166 alpha-3 (or alpha-2), e.g. SAU, IND.")
    join_date: DateText
    occupation: str = Field(..., max_length=4, description="ISCO-08 code.")
    wage: WageIn
    external_old_law_months: int = Field(
        0,
        description="Old-law months outside this register (e.g. civil service), for the regime.",
    )
    mobile: str = Field(
        "",
        max_length=20,
        description="The worker's Saudi mobile number (05XXXXXXXX or +9665XXXXXXXX), for SMS.",
    )


class PeriodAddIn(Schema):
    """A new contribution period for a contributor already registered (REG-3), optionally ended."""

    calendar: CalendarName = CALENDAR_FIELD
    contributor: IdentityRef
    join_date: DateText
    occupation: str = Field(..., max_length=4, description="ISCO-08 code.")
    wage: WageIn
    leave_date: DateText | None = None
    leave_reason: str | None = Field(None, max_length=32, description="Needed with `leave_date`.")


class TerminateIn(Schema):
    calendar: CalendarName = CALENDAR_FIELD
    leave_date: DateText = Field(..., description="The last day worked.")
    reason: str = Field(
        ...,
        max_length=32,
        description="resignation, end_of_contract, dismissal, mutual_agreement, death, retirement, "
        "disability, establishment_closed, final_exit or other (a transfer has its own service).",
    )


class TransferIn(Schema):
    calendar: CalendarName = CALENDAR_FIELD
    target_establishment: str = Field(
        ..., max_length=16, description="Number of the establishment of the same main to move to."
    )
    transfer_date: DateText = Field(..., description="First day at the target establishment.")


class WageLineIn(WageIn):
    period_id: int = Field(..., description="The contribution period whose wage changes.")
    occupation: str | None = Field(None, max_length=4, description="New ISCO-08 occupation, if it changes.")


class WageChangeIn(Schema):
    """Wage changes of one or many workers from one month: all apply or none (REG-4)."""

    month: MonthText
    lines: list[WageLineIn] = Field(..., min_length=1, max_length=5000)


class BatchSummaryIn(Schema):
    line_count: int = Field(..., ge=0)
    total_basic: MoneyText
    total_housing: MoneyText
    total_contributory: MoneyText


class WageBatchIn(WageChangeIn):
    """A wage-change batch with the summary the employer declares (REG-5)."""

    reference: str = Field("", max_length=64, description="The employer's own reference for the batch.")
    summary: BatchSummaryIn


class WageBatchAmendIn(Schema):
    """The batch's lines and declared summary, replacing the ones registered (REG-5)."""

    lines: list[WageLineIn] = Field(..., min_length=1, max_length=5000)
    summary: BatchSummaryIn


class BranchIn(Schema):
    """A branch under the partner's main establishment (REG-1)."""

    calendar: CalendarName = CALENDAR_FIELD
    name_ar: str = Field(..., max_length=200)
    name_en: str = Field(..., max_length=200)
    economic_activity: str = Field(..., max_length=8, description="ISIC rev.4 code.")
    region: str = Field(..., max_length=4)
    city: str = Field(..., max_length=100)
    office: str = Field(..., max_length=8, description="Code of the institution's servicing office.")
    commercial_registration: str | None = Field(None, max_length=10, description="Its own CR, if any.")
    unified_number: str | None = Field(None, max_length=10, description="Its own 700 number, if any.")
    registered_on: DateText | None = None


# --- Outputs --------------------------------------------------------------------------------------


class WageOut(Schema):
    effective_from: date
    basic: str
    housing: str
    other: str
    housing_in_kind: bool
    contributory_wage: str = Field(..., description="The wage contributions are computed on.")
    occupation: str | None


class PeriodOut(Schema):
    period_id: int
    contributor_number: int
    establishment_number: str
    establishment_name_ar: str
    establishment_name_en: str
    join_date: date
    leave_date: date | None
    leave_reason: str
    status: str = Field(..., description="active, terminated or pending_review.")
    review_reason: str = Field(
        ..., description="late_registration or late_exclusion while waiting for review; empty otherwise."
    )
    occupation: str
    covers_annuities: bool
    covers_occupational_hazards: bool
    covers_unemployment: bool
    gcc_extension: bool
    transferred_from: int | None = Field(None, description="The period this one continues after a transfer.")
    wages: list[WageOut]


class ContributorOut(Schema):
    contributor_number: int
    name_ar: str
    name_en: str
    birth_date: date
    gender: str
    nationality: str
    regime: str = Field(..., description="old_law, transitional or new_law (derived, never entered).")
    periods: list[PeriodOut]


class RegistrationOut(Schema):
    contributor_number: int
    period: PeriodOut


class TransferOut(Schema):
    closed: PeriodOut = Field(..., description="The period that ended the day before the transfer.")
    opened: PeriodOut = Field(..., description="The period at the target establishment.")


class WageLineOut(WageOut):
    period_id: int


class WageChangeOut(Schema):
    month: date
    wages: list[WageLineOut]


class BatchSummaryOut(Schema):
    line_count: int
    total_basic: str
    total_housing: str
    total_contributory: str


class WageBatchOut(Schema):
    batch_id: int
    establishment_number: str
    month: date
    reference: str
    declared: BatchSummaryOut
    amendment_count: int
    lines: list[WageLineOut]


class EstablishmentBriefOut(Schema):
    number: str
    name_ar: str
    name_en: str
    status: str


class EstablishmentOut(Schema):
    number: str
    unified_number: str = Field(..., description="The 700 number.")
    commercial_registration: str
    name_ar: str
    name_en: str
    is_main: bool
    main_number: str = Field(..., description="Its own number for a main establishment.")
    status: str = Field(..., description="active, suspended or closed.")
    economic_activity: str
    region: str
    city: str
    office: str
    registered_on: date
    active_workers: int
    branches: list[EstablishmentBriefOut] = Field(..., description="Empty for a branch.")


class WorkerOut(Schema):
    period_id: int
    contributor_number: int
    name_ar: str
    name_en: str
    nationality: str
    occupation: str
    join_date: date
    leave_date: date | None
    status: str


class WorkerPageOut(Schema):
    workers: list[WorkerOut]
    next_cursor: str | None = Field(
        ..., description="Pass as `cursor` for the next page; null on the last page. Opaque."
    )
    total: int | None = Field(None, description="All matching workers, when `with_total` was asked.")


# --- Query parameters -----------------------------------------------------------------------------

WorkerStatus = Literal["active", "terminated", "pending_review", "all"]


class WorkerQuery(Schema):
    """Filters and paging of a worker list (keyset paging: page 500 costs what page 1 does)."""

    search: str = Field(
        "",
        max_length=100,
        description="A name fragment (Arabic or English), a contributor number or an identity number. "
        "— جزء من الاسم أو رقم المشترك أو رقم الهوية.",
    )
    status: WorkerStatus = Field("active", description="active (default), terminated, pending_review or all.")
    nationality: str | None = Field(None, max_length=3, description="ISO alpha-3, e.g. SAU.")
    occupation: str | None = Field(None, max_length=4, description="ISCO-08 code.")
    cursor: str | None = Field(None, max_length=20, description="next_cursor of the previous page.")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)
    with_total: bool = Field(False, description="Also count every matching worker.")
