"""The register's web forms (employer portal, government inquiries). They check the shape of
what was typed — a date in either calendar, an amount, a choice — and leave every business rule
to the services, whose coded refusals the views put back on the field concerned.

Every visible field has help text (SUP-1): the portal's form renderer shows it behind an ⓘ
button, on right-click and on F1."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from simis.core.dates import Calendar
from simis.core.errors import ErrorCatalogue
from simis.core.forms import DualCalendarDateField
from simis.core.identifiers import IdentityKind, normalise_identifier
from simis.registry.choices import EngagementStatus, Gender, LeaveReason
from simis.registry.models import SAUDI, Country, Occupation

AMOUNT_DIGITS = 12
ARABIC_INPUT = {"lang": "ar", "dir": "rtl"}
LATIN_INPUT = {"lang": "en", "dir": "ltr"}


class RegistryWebError(ErrorCatalogue):
    """Refusals of the register's web pages themselves (the services' own are REG-xxx)."""

    CONTRIBUTOR_NOT_FOUND = (
        "REGW-001",
        _(
            "No registered contributor holds the identity number %(number)s. "
            "Register them as a new contributor."
        ),
    )
    NO_WORKERS_SELECTED = (
        "REGW-002",
        _("Select at least one worker on the worker list, then choose the wage change."),
    )
    WORKER_NOT_FOUND = (
        "REGW-003",
        _("Contribution period %(engagement)s is not one of this establishment's workers."),
    )
    NO_TRANSFER_TARGET = (
        "REGW-004",
        _("There is no other establishment under the same main establishment that you act for."),
    )
    PURPOSE_REQUIRED = (
        "REGW-005",
        _("State the purpose of this inquiry: choose a purpose and describe the case it is for."),
    )
    NOT_FOUND = ("REGW-006", _("Nothing registered matches %(number)s."))


# --- Reference tables as choices ------------------------------------------------------------------


def _in_language(name_ar: str, name_en: str) -> str:
    return name_ar if (get_language() or "ar").startswith("ar") else name_en


_reference_names: dict[str, dict[str, tuple[str, str]]] = {}


def reference_names(kind: str) -> dict[str, tuple[str, str]]:
    """Arabic and English names of the ``"occupation"`` or ``"country"`` reference rows by code,
    read once per process: the reference tables change only with a migration."""
    if not _reference_names.get(kind):
        model = Occupation if kind == "occupation" else Country
        _reference_names[kind] = {
            code: (ar, en)
            for code, ar, en in model.objects.order_by("code").values_list("code", "name_ar", "name_en")
        }
    return _reference_names[kind]


def occupation_choices() -> list[tuple[str, str]]:
    """ISCO-08 occupations of the reference table, as ``code — name`` in the active language."""
    return [
        (code, f"{code} — {_in_language(ar, en)}") for code, (ar, en) in reference_names("occupation").items()
    ]


def occupations_or_blank() -> list[tuple[str, str]]:
    return [("", "—"), *occupation_choices()]


def occupations_or_all() -> list[tuple[str, Any]]:
    return [("", _("All occupations")), *occupation_choices()]


def occupations_or_unchanged() -> list[tuple[str, Any]]:
    return [("", _("Unchanged")), *occupation_choices()]


def countries_or_blank() -> list[tuple[str, str]]:
    return [("", "—"), *country_choices()]


def country_choices() -> list[tuple[str, str]]:
    """Nationalities, Saudi Arabia first, then by name in the active language."""
    rows = [(code, _in_language(ar, en)) for code, (ar, en) in reference_names("country").items()]
    rows.sort(key=lambda row: (row[0] != SAUDI, row[1]))
    return rows


class DatesInPreferredCalendar:
    """Date fields open in the calendar the user reads first (their ``date_display``)."""

    fields: dict[str, forms.Field]

    def prefer_calendar(self, calendar: str | None) -> None:
        if calendar not in Calendar.values:
            return
        for field in self.fields.values():
            if isinstance(field, DualCalendarDateField):
                field.widget.default_calendar = Calendar(calendar)


def _amount(label: Any, help_text: Any, *, required: bool = True) -> forms.DecimalField:
    # No minimum here: a negative amount reaches the service, whose coded refusal (REG-404) says why.
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        required=required,
        max_digits=AMOUNT_DIGITS,
        decimal_places=2,
        initial=None if required else Decimal("0"),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal", "dir": "ltr"}),
    )


BASIC_HELP = _("The monthly basic wage in riyals, as in the employment contract.")
HOUSING_HELP = _("The monthly housing allowance in riyals; 0 when none is paid.")
OTHER_HELP = _("Other monthly allowances in riyals (transport, food and the like); 0 when none.")
IN_KIND_HELP = _(
    "Tick when the employer provides housing instead of paying an allowance: the contributory "
    "wage then counts housing at the rate the law sets."
)


# --- Worker list ----------------------------------------------------------------------------------


class StatusFilter(models.TextChoices):
    ACTIVE = EngagementStatus.ACTIVE.value, pgettext_lazy("engagement status", "Active")
    PENDING_REVIEW = (
        EngagementStatus.PENDING_REVIEW.value,
        pgettext_lazy("engagement status", "Pending review"),
    )
    TERMINATED = EngagementStatus.TERMINATED.value, pgettext_lazy("engagement status", "Terminated")
    ALL = "all", pgettext_lazy("engagement status", "All statuses")


class NationalityFilter(models.TextChoices):
    ALL = "", pgettext_lazy("nationality filter", "All nationalities")
    SAUDI = "saudi", pgettext_lazy("nationality filter", "Saudi")
    NON_SAUDI = "non_saudi", pgettext_lazy("nationality filter", "Non-Saudi")


class WorkerFilterForm(DatesInPreferredCalendar, forms.Form):
    """The worker list's search and filters (GET). ``branch`` picks another establishment of the
    same group that the user acts for."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_(
            "Part of a name in Arabic or English, a contributor number or an identity number "
            "(national ID, iqama, passport). Numbers match exactly."
        ),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=StatusFilter.choices,
        initial=StatusFilter.ACTIVE,
        help_text=_(
            "Active workers by default; terminated periods and periods waiting for review on request."
        ),
    )
    nationality = forms.ChoiceField(
        label=_("Nationality"),
        required=False,
        choices=NationalityFilter.choices,
        help_text=_("Saudi or non-Saudi workers only."),
    )
    occupation = forms.ChoiceField(
        label=_("Occupation"),
        required=False,
        choices=occupations_or_all,
        help_text=_("Workers whose current occupation (ISCO-08 major group) is this one."),
    )
    branch = forms.ChoiceField(
        label=_("Establishment or branch"),
        required=False,
        help_text=_("The main establishment or one of its branches whose workers are listed."),
    )
    cursor = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    trail = forms.CharField(required=False, max_length=400, widget=forms.HiddenInput)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # The number of matches counted on the first page, carried to the next ones for display.
    total = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, branches: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = branches or []  # type: ignore[attr-defined]

    def clean_q(self) -> str:
        return str(self.cleaned_data.get("q") or "").strip()

    def clean_trail(self) -> list[int]:
        text = str(self.cleaned_data.get("trail") or "")
        return [int(part) for part in text.split(",") if part.isdigit()]


# --- REG-2: a new contributor ---------------------------------------------------------------------


class ContributorRegisterForm(DatesInPreferredCalendar, forms.Form):
    nationality = forms.ChoiceField(
        label=_("Nationality"),
        choices=countries_or_blank,
        help_text=_("The worker's nationality. Saudi citizens are registered with their national ID."),
    )
    identity_kind = forms.ChoiceField(
        label=_("Identity document"),
        choices=IdentityKind.choices,
        help_text=_(
            "Saudi national ID for Saudi citizens; residence permit (iqama) for residents; "
            "GCC national ID for GCC citizens; passport when there is no other."
        ),
    )
    identity_number = forms.CharField(
        label=_("Identity number"),
        max_length=20,
        help_text=_(
            "The document's number. National ID and iqama: ten digits with a check digit. "
            "Arabic or Western digits are accepted."
        ),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    identity_country = forms.ChoiceField(
        label=_("Issuing country"),
        required=False,
        choices=countries_or_blank,
        help_text=_(
            "For a GCC national ID or a passport: the issuing state. Leave empty for the nationality."
        ),
    )
    passport_number = forms.CharField(
        label=_("Passport number (optional)"),
        required=False,
        max_length=20,
        help_text=_("A non-Saudi worker's passport number, issued by the country of nationality, if known."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    first_name_ar = forms.CharField(
        label=_("First name (Arabic)"),
        max_length=60,
        help_text=_("First name in Arabic letters."),
        widget=forms.TextInput(attrs=ARABIC_INPUT),
    )
    father_name_ar = forms.CharField(
        label=_("Father's name (Arabic)"),
        max_length=60,
        required=False,
        help_text=_("Father's name in Arabic letters."),
        widget=forms.TextInput(attrs=ARABIC_INPUT),
    )
    grandfather_name_ar = forms.CharField(
        label=_("Grandfather's name (Arabic)"),
        max_length=60,
        required=False,
        help_text=_("Grandfather's name in Arabic letters."),
        widget=forms.TextInput(attrs=ARABIC_INPUT),
    )
    family_name_ar = forms.CharField(
        label=_("Family name (Arabic)"),
        max_length=60,
        help_text=_("Family name in Arabic letters."),
        widget=forms.TextInput(attrs=ARABIC_INPUT),
    )
    first_name_en = forms.CharField(
        label=_("First name (English)"),
        max_length=60,
        help_text=_("First name in Latin letters, as in the passport."),
        widget=forms.TextInput(attrs=LATIN_INPUT),
    )
    father_name_en = forms.CharField(
        label=_("Father's name (English)"),
        max_length=60,
        required=False,
        help_text=_("Father's name in Latin letters."),
        widget=forms.TextInput(attrs=LATIN_INPUT),
    )
    grandfather_name_en = forms.CharField(
        label=_("Grandfather's name (English)"),
        max_length=60,
        required=False,
        help_text=_("Grandfather's name in Latin letters."),
        widget=forms.TextInput(attrs=LATIN_INPUT),
    )
    family_name_en = forms.CharField(
        label=_("Family name (English)"),
        max_length=60,
        help_text=_("Family name in Latin letters, as in the passport."),
        widget=forms.TextInput(attrs=LATIN_INPUT),
    )
    birth_date = DualCalendarDateField(
        label=_("Birth date"),
        help_text=_(
            "As on the identity document, in the Hijri or the Gregorian calendar: choose which. "
            "Type day/month/year, for example 14/03/1405."
        ),
    )
    gender = forms.ChoiceField(
        label=_("Gender"), choices=Gender.choices, help_text=_("As on the identity document.")
    )
    mobile = forms.CharField(
        label=_("Mobile number (optional)"),
        required=False,
        max_length=20,
        help_text=_(
            "The worker's Saudi mobile number, e.g. 05XXXXXXXX: the institution texts them when "
            "their registration is approved."
        ),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "inputmode": "tel"}),
    )
    join_date = DualCalendarDateField(
        label=_("Join date"),
        help_text=_(
            "The first day of work at this establishment. Registration is due by the end of the month "
            "of joining; a later one waits for the institution's review."
        ),
    )
    occupation = forms.ChoiceField(
        label=_("Occupation"),
        choices=occupations_or_blank,
        help_text=_("The worker's occupation (ISCO-08 major group)."),
    )
    basic = _amount(_("Basic wage"), BASIC_HELP)
    housing = _amount(_("Housing allowance"), HOUSING_HELP, required=False)
    other = _amount(_("Other allowances"), OTHER_HELP, required=False)
    housing_in_kind = forms.BooleanField(
        label=_("Housing given in kind"), required=False, help_text=IN_KIND_HELP
    )

    def birth_date_calendar(self) -> str:
        """The calendar the birth date was typed in, so it is shown back the same way."""
        chosen = str(self.data.get(f"{self.add_prefix('birth_date')}_calendar") or "")
        text = str(self.data.get(self.add_prefix("birth_date")) or "")
        if chosen in Calendar.values:
            return chosen
        return Calendar.HIJRI if text.rstrip().upper().endswith(("H", "هـ")) else Calendar.GREGORIAN


# --- REG-3: add and terminate periods -------------------------------------------------------------


def leave_reasons_or_blank() -> list[tuple[str, Any]]:
    # A transfer has its own form (REG-6); the service refuses it as a leave reason (REG-312).
    return [("", "—"), *((v, label) for v, label in LeaveReason.choices if v != LeaveReason.TRANSFER)]


class PeriodAddForm(DatesInPreferredCalendar, forms.Form):
    """A contribution period for a contributor already registered, found by identity number."""

    identity_number = forms.CharField(
        label=_("Contributor's identity number"),
        max_length=20,
        help_text=_(
            "The national ID, iqama, GCC ID or passport number the contributor was registered with. "
            "The contributor's name is shown once it is found."
        ),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    join_date = DualCalendarDateField(
        label=_("Join date"), help_text=_("The first day of work at this establishment, in either calendar.")
    )
    leave_date = DualCalendarDateField(
        label=_("Leave date (if the period has ended)"),
        required=False,
        help_text=_("For a period that has already ended: its last day of work. Leave empty while it lasts."),
    )
    leave_reason = forms.ChoiceField(
        label=_("Leave reason"),
        required=False,
        choices=leave_reasons_or_blank,
        help_text=_("Why the period ended; needed only with a leave date."),
    )
    occupation = forms.ChoiceField(
        label=_("Occupation"),
        choices=occupations_or_blank,
        help_text=_("The occupation in this period (ISCO-08)."),
    )
    basic = _amount(_("Basic wage"), BASIC_HELP)
    housing = _amount(_("Housing allowance"), HOUSING_HELP, required=False)
    other = _amount(_("Other allowances"), OTHER_HELP, required=False)
    housing_in_kind = forms.BooleanField(
        label=_("Housing given in kind"), required=False, help_text=IN_KIND_HELP
    )

    def clean_identity_number(self) -> str:
        return normalise_identifier(str(self.cleaned_data.get("identity_number") or ""))


class TerminateForm(DatesInPreferredCalendar, forms.Form):
    leave_date = DualCalendarDateField(
        label=_("Leave date"),
        help_text=_(
            "The worker's last day of work, in either calendar. Report it by the end of the month of "
            "leaving; a later report waits for the institution's review."
        ),
    )
    reason = forms.ChoiceField(
        label=_("Leave reason"), choices=leave_reasons_or_blank, help_text=_("Why the worker left.")
    )


# --- REG-6: transfer between branches -------------------------------------------------------------


class TransferForm(DatesInPreferredCalendar, forms.Form):
    target = forms.ChoiceField(
        label=_("Transfer to"),
        help_text=_(
            "Another establishment under the same main establishment (the main or one of its branches)."
        ),
    )
    transfer_date = DualCalendarDateField(
        label=_("Transfer date"),
        help_text=_(
            "The first day of work at the new establishment. The current period ends the day before, "
            "with the wage carried over."
        ),
    )

    def __init__(self, *args: Any, targets: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", "—"), *(targets or [])]  # type: ignore[attr-defined]


# --- REG-4 and REG-5: wage changes and batches ----------------------------------------------------


class WageLineForm(forms.Form):
    """One worker's new wage in a multi-line wage change."""

    engagement = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    basic = _amount(_("Basic wage"), BASIC_HELP)
    housing = _amount(_("Housing allowance"), HOUSING_HELP, required=False)
    other = _amount(_("Other allowances"), OTHER_HELP, required=False)
    housing_in_kind = forms.BooleanField(label=_("Housing in kind"), required=False, help_text=IN_KIND_HELP)
    occupation = forms.ChoiceField(
        label=_("New occupation"),
        required=False,
        choices=occupations_or_unchanged,
        help_text=_("Only when the occupation changes with the wage; leave as it is otherwise."),
    )


# At most 200 lines a request: larger changes go through the bulk upload (REG-7).
MAX_LINES = 200
WageLineFormSet = forms.formset_factory(WageLineForm, extra=0, max_num=MAX_LINES, absolute_max=MAX_LINES)
# Amending a batch may also drop lines from it.
BatchLineFormSet = forms.formset_factory(
    WageLineForm, extra=0, max_num=MAX_LINES, absolute_max=MAX_LINES, can_delete=True
)


class WageChangeForm(DatesInPreferredCalendar, forms.Form):
    month = DualCalendarDateField(
        label=_("Effective month"),
        help_text=_(
            "Any day of the month the new wages take effect, in either calendar: they apply from the "
            "first day of that Gregorian month."
        ),
    )


class BatchSummaryForm(WageChangeForm):
    """The summary an employer declares for a wage-change batch (REG-5)."""

    reference = forms.CharField(
        label=_("Your reference"),
        required=False,
        max_length=64,
        help_text=_("Your own reference for this batch, for example the payroll run number."),
    )
    declared_line_count = forms.IntegerField(
        label=_("Number of workers"),
        min_value=0,
        help_text=_("How many wage changes the batch holds, as counted in your payroll."),
    )
    declared_total_basic = _amount(_("Total basic wages"), _("The sum of the new basic wages, in riyals."))
    declared_total_housing = _amount(
        _("Total housing allowances"), _("The sum of the new housing allowances, in riyals.")
    )
    declared_total_contributory = _amount(
        _("Total contributory wages"),
        _(
            "The sum of the wages subject to contribution (basic wage plus housing, capped as the law "
            "sets), in riyals."
        ),
    )

    def summary_fields(self) -> list[forms.BoundField]:
        return [
            self[name]
            for name in (
                "declared_line_count",
                "declared_total_basic",
                "declared_total_housing",
                "declared_total_contributory",
            )
        ]


# --- GOV-1: government inquiries ------------------------------------------------------------------


class InquiryKind(models.TextChoices):
    PERSON = "person", _("Contributor or beneficiary")
    ESTABLISHMENT = "establishment", _("Employer")
    WORKERS = "workers", _("Workers of an employer")


class InquiryPurpose(models.TextChoices):
    ELIGIBILITY = "eligibility", _("Eligibility for a benefit, subsidy or service")
    JUDICIAL = "judicial", _("Judicial order or enforcement request")
    EMPLOYMENT = "employment", _("Employment or labour-market verification")
    INVESTIGATION = "investigation", _("Investigation or audit")
    STATISTICS = "statistics", _("Official statistics")
    OTHER = "other", pgettext_lazy("inquiry purpose", "Other")


class InquiryForm(forms.Form):
    """A government agency's inquiry (GOV-1): what is looked up and why. The purpose is
    required for every access, so it can be recorded with it."""

    kind = forms.ChoiceField(
        label=_("Inquiry about"),
        choices=InquiryKind.choices,
        initial=InquiryKind.PERSON,
        help_text=_(
            "What you are looking up: a person, an employer, or the workers registered with an employer."
        ),
        widget=forms.RadioSelect,
    )
    number = forms.CharField(
        label=_("Number"),
        max_length=20,
        help_text=_(
            "For a person: the national ID, iqama, GCC ID or passport number. For an employer: the "
            "establishment number or the unified national (700) number."
        ),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    purpose = forms.ChoiceField(
        label=_("Purpose of the inquiry"),
        choices=[("", "—"), *InquiryPurpose.choices],
        help_text=_(
            "Why your agency needs this record. Every inquiry is recorded with its purpose and may be "
            "reviewed."
        ),
    )
    purpose_detail = forms.CharField(
        label=_("Case or reference"),
        max_length=200,
        min_length=4,
        help_text=_("The case, file or request number this inquiry serves, or a short description of it."),
    )

    def clean_number(self) -> str:
        return normalise_identifier(str(self.cleaned_data.get("number") or ""))

    def clean_purpose_detail(self) -> str:
        return " ".join(str(self.cleaned_data.get("purpose_detail") or "").split())


class ContributorSearchForm(forms.Form):
    """Staff: open a contributor's history."""

    number = forms.CharField(
        label=_("Identity or contributor number"),
        max_length=20,
        help_text=_(
            "The contributor's national ID, iqama, GCC ID or passport number, or their contributor "
            "number with the institution."
        ),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )

    def clean_number(self) -> str:
        return normalise_identifier(str(self.cleaned_data.get("number") or ""))


class EstablishmentSearchForm(forms.Form):
    """Staff: open any establishment by its number."""

    number = forms.CharField(
        label=_("Establishment number"),
        max_length=16,
        help_text=_("The establishment's number with the institution."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_number(self) -> str:
        return normalise_identifier(str(self.cleaned_data.get("number") or ""))
