"""The registry's coded, bilingual refusals (REG-xxx).

Numbering: REG-0xx access, REG-1xx establishments and their users, REG-2xx contributors,
REG-3xx contribution periods, REG-4xx wages, REG-5xx wage-change batches, REG-6xx transfers.
Codes never change meaning; a retired refusal keeps its number unused."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from simis.core.errors import ErrorCatalogue, SimisError


class RegistryError(ErrorCatalogue):
    # --- Access ---
    GOVERNMENT_ONLY = (
        "REG-001",
        _("Only the institution's staff and government agency users may use this lookup."),
    )
    STAFF_ONLY = ("REG-002", _("Only the institution's staff may do this."))
    REGISTRANT_NOT_ALLOWED = (
        "REG-003",
        _("Only the institution's staff or an employer user can register an establishment."),
    )
    # --- Establishments ---
    UNIFIED_NUMBER_FORMAT = (
        "REG-101",
        _("The unified national number %(value)s must have ten digits and start with 7."),
    )
    CR_FORMAT = ("REG-102", _("The commercial registration number %(value)s must have ten digits."))
    UNIFIED_NUMBER_TAKEN = (
        "REG-103",
        _("The unified national number %(value)s is already registered as establishment %(number)s."),
    )
    CR_TAKEN = (
        "REG-104",
        _("The commercial registration number %(value)s is already registered as establishment %(number)s."),
    )
    PARENT_NOT_MAIN = (
        "REG-105",
        _("Establishment %(number)s is a branch; branches can only be added to a main establishment."),
    )
    ESTABLISHMENT_NOT_ACTIVE = (
        "REG-106",
        _("Establishment %(number)s is %(status)s; only an active establishment can do this."),
    )
    UNKNOWN_REGION = ("REG-107", _("%(value)s is not a region of the Kingdom in the reference table."))
    UNKNOWN_OFFICE = ("REG-108", _("%(value)s is not an office of the institution in the reference table."))
    UNKNOWN_ACTIVITY = (
        "REG-109",
        _("%(value)s is not an economic activity (ISIC rev.4) in the reference table."),
    )
    ESTABLISHMENT_NAME_REQUIRED = ("REG-110", _("Enter the establishment's name in Arabic and in English."))
    CITY_REQUIRED = ("REG-111", _("Enter the city where the establishment is located."))
    USER_NOT_EMPLOYER = (
        "REG-112",
        _("The user %(username)s is not an employer user, so cannot act for an establishment."),
    )
    USER_ALREADY_BOUND = ("REG-113", _("The user %(username)s already acts for establishment %(number)s."))
    UNKNOWN_ROLE = ("REG-114", _("%(value)s is not a role a user can hold for an establishment."))
    ESTABLISHMENT_HAS_ACTIVE_PERIODS = (
        "REG-116",
        _(
            "Establishment %(number)s still has %(count)s active contribution periods; terminate them "
            "before closing it."
        ),
    )
    ESTABLISHMENT_HAS_OPEN_BRANCHES = (
        "REG-117",
        _("Establishment %(number)s still has branches that are not closed; close them first."),
    )
    STATUS_UNCHANGED = ("REG-118", _("Establishment %(number)s is already %(status)s."))
    REGISTERED_IN_FUTURE = ("REG-119", _("The registration date %(date)s is in the future."))
    UNKNOWN_STATUS = ("REG-120", _("%(value)s is not a status an establishment can have."))
    # --- Contributors ---
    IDENTITY_EXISTS = (
        "REG-201",
        _("The identity number %(number)s is already registered to contributor %(contributor_number)s."),
    )
    NATIONAL_ID_NOT_SAUDI = (
        "REG-202",
        _("A Saudi national ID is only for Saudi citizens; use an iqama, GCC ID or passport number."),
    )
    SAUDI_NEEDS_NATIONAL_ID = ("REG-203", _("A Saudi citizen is registered with the national ID number."))
    IQAMA_FOR_SAUDI = ("REG-204", _("A Saudi citizen has no iqama; use the national ID number."))
    GCC_ID_NOT_NATIONAL = (
        "REG-205",
        _("A GCC national ID of %(country)s is only for nationals of %(country)s."),
    )
    NO_IDENTITY = ("REG-206", _("Give at least one identity document number."))
    PERSON_NAME_REQUIRED = (
        "REG-207",
        _("Enter at least the first name and the family name, in Arabic and in English."),
    )
    UNKNOWN_COUNTRY = ("REG-208", _("%(value)s is not a country in the reference table."))
    BIRTH_AFTER_JOIN = ("REG-209", _("The birth date %(birth)s is after the join date %(join)s."))
    TOO_YOUNG = (
        "REG-210",
        _("The worker was %(age)s years old on the join date; workers must be at least %(minimum)s."),
    )
    DUPLICATE_IDENTITY = ("REG-211", _("The identity number %(number)s was given twice."))
    UNKNOWN_GENDER = ("REG-213", _("%(value)s is not a gender SIMIS records."))
    NEGATIVE_EXTERNAL_MONTHS = (
        "REG-214",
        _("The number of months outside this register cannot be negative."),
    )
    USER_NOT_CONTRIBUTOR = (
        "REG-215",
        _("The user %(username)s is not an insured person's account, so cannot be linked to a contributor."),
    )
    USER_ALREADY_LINKED = (
        "REG-216",
        _("The user %(username)s is already linked to contributor %(contributor_number)s."),
    )
    # --- Contribution periods ---
    RETROACTIVE_LIMIT = (
        "REG-301",
        _(
            "The join date %(join)s is more than %(months)s months before the request date %(requested)s; "
            "a period can be registered retroactively for %(months)s months at most."
        ),
    )
    JOIN_IN_FUTURE = ("REG-302", _("The join date %(join)s is after the request date %(requested)s."))
    OVERLAP = (
        "REG-303",
        _(
            "Contributor %(contributor_number)s already has a contribution period at establishment "
            "%(number)s from %(join)s that overlaps this one."
        ),
    )
    LEAVE_BEFORE_JOIN = ("REG-304", _("The leave date %(leave)s is before the join date %(join)s."))
    LEAVE_BEFORE_LAST_WAGE = (
        "REG-305",
        _(
            "The leave date %(leave)s is before the wage change effective %(wage_from)s; the period must "
            "include all of its wages."
        ),
    )
    ALREADY_TERMINATED = ("REG-306", _("This contribution period already ended on %(leave)s."))
    PENDING_REVIEW = (
        "REG-307",
        _("This contribution period is waiting for review (%(reason)s); it cannot be changed until decided."),
    )
    LEAVE_IN_FUTURE = ("REG-308", _("The leave date %(leave)s is after the request date %(requested)s."))
    UNKNOWN_LEAVE_REASON = ("REG-309", _("%(value)s is not a leave reason SIMIS records."))
    UNKNOWN_OCCUPATION = ("REG-310", _("%(value)s is not an occupation (ISCO-08) in the reference table."))
    NOT_PENDING_REVIEW = ("REG-311", _("This contribution period is not waiting for review."))
    UNKNOWN_DECISION = ("REG-313", _("%(value)s is not a review decision; approve or reject."))
    TRANSFER_REASON_RESERVED = (
        "REG-312",
        _("A transfer between branches is recorded with the transfer service, not as a termination."),
    )
    # --- Wages ---
    WAGE_OUTSIDE_PERIOD = (
        "REG-401",
        _("The wage effective %(date)s is outside the contribution period (%(join)s to %(leave)s)."),
    )
    WAGE_NOT_AFTER_LAST = (
        "REG-402",
        _(
            "A wage change must take effect after the last one recorded for the period (%(last)s); "
            "%(date)s is not after it."
        ),
    )
    ANNUAL_UPDATE_ONLY = (
        "REG-403",
        _(
            "Before %(until)s wages changed only at the January update: the change effective %(date)s "
            "must take effect on 1 January."
        ),
    )
    NEGATIVE_AMOUNT = ("REG-404", _("Wage amounts cannot be negative (%(amount)s)."))
    BASIC_REQUIRED = ("REG-405", _("The basic wage must be more than zero."))
    LINE_FOR_OTHER_ESTABLISHMENT = (
        "REG-406",
        _("Contribution period %(engagement)s belongs to another establishment than %(number)s."),
    )
    DUPLICATE_LINE = ("REG-407", _("Contribution period %(engagement)s appears more than once."))
    NO_LINES = ("REG-408", _("There are no wage changes to apply."))
    LINES_REFUSED = (
        "REG-409",
        _("%(refused)s of the %(total)s wage changes were refused, so none was applied. See each line."),
    )
    # --- Wage-change batches ---
    SUMMARY_MISMATCH = (
        "REG-501",
        _(
            "The declared summary does not match the batch. Lines: declared %(declared_lines)s, "
            "counted %(lines)s. Basic wage: declared %(declared_basic)s, counted %(basic)s, difference "
            "%(basic_difference)s. Housing allowance: declared %(declared_housing)s, counted %(housing)s, "
            "difference %(housing_difference)s. Contributory wage: declared %(declared_contributory)s, "
            "counted %(contributory)s, difference %(contributory_difference)s."
        ),
    )
    BATCH_WAGE_SUPERSEDED = (
        "REG-502",
        _(
            "The batch cannot be amended: contribution period %(engagement)s has a later wage change "
            "(%(date)s) than the batch's."
        ),
    )
    # --- Transfers ---
    TRANSFER_OTHER_MAIN = (
        "REG-601",
        _("Establishment %(target)s is not under the same main establishment as establishment %(source)s."),
    )
    TRANSFER_SAME_ESTABLISHMENT = ("REG-602", _("The worker is already at establishment %(number)s."))
    TRANSFER_DATE_NOT_AFTER_JOIN = (
        "REG-603",
        _("The transfer date %(date)s must be after the join date %(join)s."),
    )
    TRANSFER_NOT_ACTIVE = ("REG-604", _("Only an active contribution period can be transferred."))
    # --- Government inquiries ---
    GOVERNMENT_PURPOSE_REQUIRED = (
        "REG-701",
        _("State the purpose of this inquiry: every look-up of the register is recorded with its purpose."),
    )


@dataclass(frozen=True, slots=True)
class LineError:
    """One refused line of a multi-line request: its position (from 1) and why."""

    line: int
    error: SimisError

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, **self.error.as_dict()}


class RegistryLinesError(SimisError):
    """A multi-line request (wage changes, batches) refused as a whole, with every line's errors."""

    def __init__(self, line_errors: list[LineError], total: int) -> None:
        super().__init__(RegistryError.LINES_REFUSED, refused=len(line_errors), total=total)
        self.line_errors = line_errors

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = dict(super().as_dict())
        result["lines"] = [item.as_dict() for item in self.line_errors]
        return result
