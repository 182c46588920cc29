"""The register: establishments, persons (contributors) and their identities, contribution periods
(engagements) and wages, with the reference tables they point at. ORM only: every change goes
through ``services.py``; the rules that derive figures live in ``rules.py``.

Invariants the database holds itself (see the migrations for the SQL):

- a branch's parent is a main establishment (composite foreign key onto ``(id, is_main)``);
- no two periods of one person in one establishment overlap (exclusion constraint, btree_gist);
- a period never ends before it starts; status, leave date and leave reason agree;
- a wage row belongs to its period's establishment (composite foreign key) and starts inside the
  period, and a period cannot be shortened to leave one of its wages outside (constraint
  triggers).

The establishment key is on every hot table (engagement, wage): it is the distribution key if
the database is ever sharded by establishment (DESIGN.md).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateRangeField, RangeOperators
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Concat, Lower
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from simis.core.dates import Calendar
from simis.core.identifiers import IdentityKind
from simis.core.money import MoneyField
from simis.core.parameter_table import Regime
from simis.registry.choices import (
    ActivityLevel,
    EngagementStatus,
    EstablishmentStatus,
    Gender,
    LeaveReason,
    ReviewReason,
)

SAUDI = "SAU"
ESTABLISHMENT_NUMBER_SEQUENCE = "registry_establishment_number_seq"
CONTRIBUTOR_NUMBER_SEQUENCE = "registry_contributor_number_seq"


class SequenceNext(Func):
    """``nextval('<sequence>')`` as a column default: numbers are drawn by PostgreSQL, so bulk
    inserts and concurrent registrations never collide."""

    template = "nextval('%(sequence)s')"
    output_field = models.BigIntegerField()

    def __init__(self, sequence: str) -> None:
        super().__init__(sequence=sequence)


class SequenceNextText(SequenceNext):
    template = "(nextval('%(sequence)s'))::text"
    output_field = models.CharField()  # type: ignore[assignment]


class ClosedDateRange(Func):
    """``daterange(start, end, '[]')``: both days included; a NULL end is open (still running)."""

    function = "DATERANGE"
    template = "%(function)s(%(expressions)s, '[]')"
    output_field = DateRangeField()


class Bilingual(models.Model):
    """A reference row with an Arabic and an English name; ``name`` follows the active language."""

    name_ar = models.CharField(_("Arabic name"), max_length=200, help_text=_("The name shown in Arabic."))
    name_en = models.CharField(_("English name"), max_length=200, help_text=_("The name shown in English."))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_ar if (get_language() or "ar").startswith("ar") else self.name_en


# --- Reference tables ---------------------------------------------------------------------------


class Country(Bilingual):
    """A nationality: ISO 3166-1 alpha-3 code; GCC member states are flagged (their nationals
    are covered under the GCC insurance-protection extension, RULES §1.1)."""

    code = models.CharField(
        _("code"), max_length=3, primary_key=True, help_text=_("ISO 3166-1 alpha-3 code, e.g. SAU.")
    )
    alpha2 = models.CharField(
        _("two-letter code"), max_length=2, unique=True, help_text=_("ISO 3166-1 alpha-2 code, e.g. SA.")
    )
    is_gcc = models.BooleanField(
        _("GCC member state"), default=False, help_text=_("A member state of the Gulf Cooperation Council.")
    )

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(name="registry_country_code_shape", condition=Q(code__regex=r"^[A-Z]{3}$"))
        ]


class Region(Bilingual):
    """One of the 13 administrative regions of the Kingdom (ISO 3166-2:SA)."""

    code = models.CharField(
        _("code"),
        max_length=2,
        primary_key=True,
        help_text=_("ISO 3166-2:SA region number, e.g. 01 for Riyadh."),
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]


class Office(Bilingual):
    """An office of the institution that services establishments."""

    code = models.CharField(
        _("code"), max_length=8, primary_key=True, help_text=_("The office's short code.")
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="offices",
        verbose_name=_("region"),
        help_text=_("The region the office is in."),
    )

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["code"]


class EconomicActivity(Bilingual):
    """An economic activity of the ISIC rev.4 classification: a section (letter) or a division
    (two digits) under it."""

    code = models.CharField(
        _("code"),
        max_length=4,
        primary_key=True,
        help_text=_("ISIC rev.4 code: a section letter or a division."),
    )
    level = models.CharField(_("level"), max_length=16, choices=ActivityLevel.choices)
    section = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="divisions",
        verbose_name=_("section"),
        help_text=_("The ISIC section a division belongs to."),
    )

    class Meta:
        verbose_name = _("economic activity")
        verbose_name_plural = _("economic activities")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="registry_activity_section_shape",
                condition=Q(level=ActivityLevel.SECTION, section__isnull=True, code__regex=r"^[A-U]$")
                | Q(level=ActivityLevel.DIVISION, section__isnull=False, code__regex=r"^[0-9]{2}$"),
            )
        ]


class Occupation(Bilingual):
    """An occupation of the ISCO-08 classification (major groups to start with)."""

    code = models.CharField(_("code"), max_length=4, primary_key=True, help_text=_("ISCO-08 code."))

    class Meta:
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        ordering = ["code"]


# --- Establishments -----------------------------------------------------------------------------


class Establishment(models.Model):
    """A main establishment or one of its branches. Branches hang from a main establishment and
    never from another branch (held by the composite foreign key ``(parent_id, parent_is_main)
    → (id, is_main)`` and a check that ``parent_is_main`` is true)."""

    number = models.CharField(
        _("establishment number"),
        max_length=16,
        unique=True,
        db_default=SequenceNextText(ESTABLISHMENT_NUMBER_SEQUENCE),
        help_text=_("The establishment's number with the institution, given at registration."),
    )
    unified_number = models.CharField(
        _("unified national number"),
        max_length=10,
        help_text=_("The 700 number: ten digits starting with 7, from the Ministry of Commerce."),
    )
    commercial_registration = models.CharField(
        _("commercial registration number"),
        max_length=10,
        help_text=_("The commercial registration (CR) number: ten digits."),
    )
    name_ar = models.CharField(_("Arabic name"), max_length=200, help_text=_("The name shown in Arabic."))
    name_en = models.CharField(_("English name"), max_length=200, help_text=_("The name shown in English."))
    is_main = models.BooleanField(
        _("main establishment"), help_text=_("A main establishment; otherwise a branch of one.")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="branches",
        verbose_name=_("main establishment"),
        help_text=_("For a branch: the main establishment it belongs to."),
    )
    # Always true for a branch, NULL for a main: the second half of the composite foreign key.
    parent_is_main = models.BooleanField(null=True, blank=True, editable=False)
    economic_activity = models.ForeignKey(
        EconomicActivity,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("economic activity"),
        help_text=_("The main economic activity (ISIC rev.4)."),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("region"),
        help_text=_("The region where the establishment is located."),
    )
    city = models.CharField(
        _("city"), max_length=100, help_text=_("The city where the establishment is located.")
    )
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("servicing office"),
        help_text=_("The institution's office that services this establishment."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EstablishmentStatus.choices,
        default=EstablishmentStatus.ACTIVE,
        help_text=_("Active establishments may register workers; suspended and closed ones may not."),
    )
    registered_on = models.DateField(_("registered on"), help_text=_("The day it was registered."))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("establishment")
        verbose_name_plural = _("establishments")
        indexes = [
            models.Index(fields=["unified_number"], name="registry_est_unified_idx"),
            models.Index(fields=["commercial_registration"], name="registry_est_cr_idx"),
            models.Index(
                fields=["parent"], name="registry_est_parent_idx", condition=Q(parent__isnull=False)
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["id", "is_main"], name="registry_est_id_is_main_key"),
            models.CheckConstraint(
                name="registry_est_main_or_branch",
                condition=Q(is_main=True, parent__isnull=True, parent_is_main__isnull=True)
                | Q(is_main=False, parent__isnull=False, parent_is_main=True),
            ),
            models.CheckConstraint(
                name="registry_est_unified_number_shape", condition=Q(unified_number__regex=r"^7[0-9]{9}$")
            ),
            models.CheckConstraint(
                name="registry_est_cr_shape", condition=Q(commercial_registration__regex=r"^[0-9]{10}$")
            ),
            # Branches may share their main's 700 number and CR; two mains may not.
            models.UniqueConstraint(
                fields=["unified_number"], condition=Q(is_main=True), name="registry_est_main_unified_unique"
            ),
            models.UniqueConstraint(
                fields=["commercial_registration"],
                condition=Q(is_main=True),
                name="registry_est_main_cr_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def name(self) -> str:
        return self.name_ar if (get_language() or "ar").startswith("ar") else self.name_en

    @property
    def main_id(self) -> int:
        """The id of the main establishment this one belongs to (itself for a main)."""
        return self.pk if self.is_main else int(self.parent_id or 0)


# --- Persons ------------------------------------------------------------------------------------


def _name_search_expression() -> Lower:
    parts: list[object] = []
    for field in (
        "first_name_ar",
        "father_name_ar",
        "grandfather_name_ar",
        "family_name_ar",
        "first_name_en",
        "father_name_en",
        "grandfather_name_en",
        "family_name_en",
    ):
        if parts:
            parts.append(Value(" "))
        parts.append(F(field))
    return Lower(Concat(*parts, output_field=models.TextField()))


class Person(models.Model):
    """A contributor: a person ever covered. The legal regime is derived from the person's
    contribution history by ``rules.regime_derive`` and stored with its inputs; it is never typed in."""

    contributor_number = models.BigIntegerField(
        _("contributor number"),
        unique=True,
        db_default=SequenceNext(CONTRIBUTOR_NUMBER_SEQUENCE),
        help_text=_("The contributor's number with the institution, given at first registration."),
    )
    first_name_ar = models.CharField(
        _("first name (Arabic)"), max_length=60, help_text=_("First name in Arabic.")
    )
    father_name_ar = models.CharField(
        _("father's name (Arabic)"), max_length=60, blank=True, help_text=_("Father's name in Arabic.")
    )
    grandfather_name_ar = models.CharField(
        _("grandfather's name (Arabic)"),
        max_length=60,
        blank=True,
        help_text=_("Grandfather's name in Arabic."),
    )
    family_name_ar = models.CharField(
        _("family name (Arabic)"), max_length=60, help_text=_("Family name in Arabic.")
    )
    first_name_en = models.CharField(
        _("first name (English)"), max_length=60, help_text=_("First name in Latin letters.")
    )
    father_name_en = models.CharField(
        _("father's name (English)"),
        max_length=60,
        blank=True,
        help_text=_("Father's name in Latin letters."),
    )
    grandfather_name_en = models.CharField(
        _("grandfather's name (English)"),
        max_length=60,
        blank=True,
        help_text=_("Grandfather's name in Latin letters."),
    )
    family_name_en = models.CharField(
        _("family name (English)"), max_length=60, help_text=_("Family name in Latin letters.")
    )
    search_name = models.GeneratedField(
        expression=_name_search_expression(),
        output_field=models.TextField(),
        db_persist=True,
        verbose_name=_("search name"),
    )
    birth_date = models.DateField(
        _("birth date"), help_text=_("Entered in the Hijri or the Gregorian calendar; stored Gregorian.")
    )
    birth_date_calendar = models.CharField(
        _("birth date entered in"),
        max_length=16,
        choices=Calendar.choices,
        default=Calendar.GREGORIAN,
        help_text=_("The calendar the birth date was entered in, so it is shown the same way."),
    )
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    # The references of persons, identity documents, periods and wages are checked once per
    # statement by triggers, not by PostgreSQL foreign keys (db_constraint=False; migration 0009,
    # simis.core.db_references): a bulk upload writes hundreds of thousands of them at once.
    # No index: a nationality selects half the register, and countries are never deleted.
    nationality = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("nationality"),
        help_text=_("The person's nationality."),
    )
    external_old_law_months = models.PositiveSmallIntegerField(
        _("old-law months outside this register"),
        default=0,
        help_text=_(
            "Contribution months under the old law or the Civil Pension Law that are not recorded "
            "as contribution periods here (for example civil service)."
        ),
    )
    regime = models.CharField(
        _("legal regime"),
        max_length=16,
        choices=Regime.choices,
        help_text=_("Derived from the contribution history; never entered by hand."),
    )
    regime_inputs = models.JSONField(
        _("regime derivation"),
        default=dict,
        help_text=_("What the regime was derived from, so it can be explained."),
    )
    regime_derived_on = models.DateField(_("regime derived on"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="contributor",
        verbose_name=_("portal user"),
        help_text=_("The insured person's own portal account, if any."),
    )
    mobile = models.CharField(
        _("mobile number"),
        max_length=16,
        blank=True,
        db_default="",  # rows written with COPY (populate, bulk upload) leave it out
        help_text=_("A Saudi mobile number for the institution's text messages, stored as +9665XXXXXXXX."),
    )
    registered_on = models.DateField(_("registered on"), help_text=_("The day of first registration."))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("contributor")
        verbose_name_plural = _("contributors")
        indexes = [
            GinIndex(fields=["search_name"], opclasses=["gin_trgm_ops"], name="registry_person_name_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.contributor_number} {self.full_name}"

    @property
    def full_name_ar(self) -> str:
        parts = (self.first_name_ar, self.father_name_ar, self.grandfather_name_ar, self.family_name_ar)
        return " ".join(p for p in parts if p)

    @property
    def full_name_en(self) -> str:
        parts = (self.first_name_en, self.father_name_en, self.grandfather_name_en, self.family_name_en)
        return " ".join(p for p in parts if p)

    @property
    def full_name(self) -> str:
        return self.full_name_ar if (get_language() or "ar").startswith("ar") else self.full_name_en


class PersonIdentity(models.Model):
    """An identity document number of a person: national ID, iqama, GCC national ID (with its
    country) or passport (with its nationality). Numbers are stored normalised by
    ``core.identifiers``; one number of one kind and country belongs to one person."""

    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="identities",
        db_constraint=False,
        verbose_name=_("contributor"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=IdentityKind.choices)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("issuing country"),
        help_text=_("SAU for national IDs and iqamas; the issuing state for GCC IDs and passports."),
    )
    number = models.CharField(_("number"), max_length=20, help_text=_("The document number, normalised."))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")
        indexes = [models.Index(fields=["number"], name="registry_identity_number_idx")]
        constraints = [
            models.UniqueConstraint(fields=["kind", "country", "number"], name="registry_identity_unique"),
            # A person has one national ID or iqama number for life.
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=Q(kind__in=[IdentityKind.NATIONAL_ID, IdentityKind.IQAMA]),
                name="registry_identity_one_saudi_id",
            ),
            models.CheckConstraint(
                name="registry_identity_saudi_issued",
                condition=~Q(kind__in=[IdentityKind.NATIONAL_ID, IdentityKind.IQAMA]) | Q(country=SAUDI),
            ),
            models.CheckConstraint(name="registry_identity_number_present", condition=~Q(number="")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


# --- Contribution periods and wages -------------------------------------------------------------


class Engagement(models.Model):
    """A contribution period: a person working for an establishment from ``join_date`` to
    ``leave_date`` (both included; empty while it lasts). The insurance branches it is covered
    for are derived by ``rules.coverage_derive`` and stored with their inputs."""

    # Their indexes lead ``registry_eng_person_idx`` and ``registry_eng_est_*_idx``.
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="engagements",
        db_index=False,
        db_constraint=False,
        verbose_name=_("contributor"),
    )
    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="engagements",
        db_index=False,
        db_constraint=False,
        verbose_name=_("establishment"),
    )
    join_date = models.DateField(_("join date"), help_text=_("The first day of work."))
    leave_date = models.DateField(
        _("leave date"),
        null=True,
        blank=True,
        help_text=_("The last day of work; empty while the period lasts."),
    )
    leave_reason = models.CharField(
        _("leave reason"),
        max_length=32,
        choices=LeaveReason.choices,
        blank=True,
        help_text=_("Why the period ended."),
    )
    occupation = models.ForeignKey(
        Occupation,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # searched within an establishment: registry_eng_est_occ_idx
        db_constraint=False,
        verbose_name=_("occupation"),
        help_text=_("The current occupation (ISCO-08)."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=EngagementStatus.choices, default=EngagementStatus.ACTIVE
    )
    review_reason = models.CharField(
        _("review reason"),
        max_length=32,
        choices=ReviewReason.choices,
        blank=True,
        help_text=_("Why the period waits for review."),
    )
    disputed_from = models.DateField(
        _("disputed from"),
        null=True,
        blank=True,
        help_text=_("First month not billed while the review is open."),
    )
    disputed_until = models.DateField(
        _("disputed until"),
        null=True,
        blank=True,
        help_text=_("Last month not billed while the review is open."),
    )
    requested_on = models.DateField(
        _("requested on"), help_text=_("The day the employer asked for the registration.")
    )
    covers_annuities = models.BooleanField(
        _("annuities"), help_text=_("Covered by the annuities (pensions) branch.")
    )
    covers_occupational_hazards = models.BooleanField(
        _("occupational hazards"), help_text=_("Covered by the occupational hazards branch.")
    )
    covers_unemployment = models.BooleanField(
        _("unemployment insurance"), help_text=_("Covered by unemployment insurance (SANED).")
    )
    gcc_extension = models.BooleanField(
        _("GCC insurance protection"),
        help_text=_("A GCC national covered by the home country's scheme through the GCC extension."),
    )
    gcc_country = models.CharField(
        _("GCC country"), max_length=2, blank=True, help_text=_("The home country for the GCC extension.")
    )
    # The person's regime, kept with the covered branches by every service that derives them, so
    # billing reads a period's rates from its own row (never the wide person row).
    coverage_regime = models.CharField(
        _("regime of the coverage"),
        max_length=16,
        choices=Regime.choices,
        help_text=_("The legal regime the covered branches and the contribution rates follow."),
    )
    coverage_inputs = models.JSONField(
        _("coverage derivation"), default=dict, help_text=_("What the covered branches were derived from.")
    )
    transferred_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="transferred_to",
        verbose_name=_("transferred from"),
        help_text=_("The period at the other branch this one continues."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("contribution period")
        verbose_name_plural = _("contribution periods")
        indexes = [
            # Worker list of an establishment: filter by status, keyset over id.
            models.Index(fields=["establishment", "status", "id"], name="registry_eng_est_status_idx"),
            # Worker list over every status, keyset over id.
            models.Index(fields=["establishment", "id"], name="registry_eng_est_id_idx"),
            models.Index(fields=["establishment", "occupation", "id"], name="registry_eng_est_occ_idx"),
            models.Index(fields=["person", "join_date"], name="registry_eng_person_idx"),
            models.Index(
                fields=["establishment", "disputed_from"],
                name="registry_eng_pending_idx",
                condition=Q(status=EngagementStatus.PENDING_REVIEW),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["id", "establishment"], name="registry_eng_id_est_key"),
            models.CheckConstraint(
                name="registry_eng_leave_after_join",
                condition=Q(leave_date__isnull=True) | Q(leave_date__gte=F("join_date")),
            ),
            models.CheckConstraint(
                name="registry_eng_leave_reason_with_date",
                condition=Q(leave_date__isnull=True, leave_reason="")
                | (Q(leave_date__isnull=False) & ~Q(leave_reason="")),
            ),
            models.CheckConstraint(
                name="registry_eng_status_matches_leave",
                condition=Q(status=EngagementStatus.ACTIVE, leave_date__isnull=True)
                | Q(status=EngagementStatus.TERMINATED, leave_date__isnull=False)
                | Q(status=EngagementStatus.PENDING_REVIEW),
            ),
            models.CheckConstraint(
                name="registry_eng_review_fields",
                condition=(
                    Q(status=EngagementStatus.PENDING_REVIEW)
                    & ~Q(review_reason="")
                    & Q(disputed_from__isnull=False, disputed_until__gte=F("disputed_from"))
                )
                | (
                    ~Q(status=EngagementStatus.PENDING_REVIEW)
                    & Q(review_reason="", disputed_from__isnull=True, disputed_until__isnull=True)
                ),
            ),
            models.CheckConstraint(
                name="registry_eng_gcc_country",
                condition=Q(gcc_extension=True, gcc_country__regex=r"^[A-Z]{2}$")
                | Q(gcc_extension=False, gcc_country=""),
            ),
            ExclusionConstraint(
                name="registry_eng_no_overlap",
                expressions=[
                    ("person", RangeOperators.EQUAL),
                    ("establishment", RangeOperators.EQUAL),
                    (ClosedDateRange("join_date", "leave_date"), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.establishment_id} {self.join_date}–{self.leave_date or ''}"


class WageBatch(models.Model):
    """A batch of wage changes for one establishment and month, with the summary the employer
    declared; the declared figures must equal the lines' totals (REG-5)."""

    establishment = models.ForeignKey(
        Establishment, on_delete=models.PROTECT, related_name="wage_batches", verbose_name=_("establishment")
    )
    month = models.DateField(_("month"), help_text=_("The month the changes take effect (its first day)."))
    reference = models.CharField(
        _("reference"), max_length=64, blank=True, help_text=_("The employer's own reference for the batch.")
    )
    declared_line_count = models.PositiveIntegerField(
        _("declared number of lines"), help_text=_("How many wage changes the batch holds.")
    )
    declared_total_basic = MoneyField(_("declared total basic wage"), help_text=_("Sum of the basic wages."))
    declared_total_housing = MoneyField(
        _("declared total housing allowance"), help_text=_("Sum of the housing allowances.")
    )
    declared_total_contributory = MoneyField(
        _("declared total contributory wage"), help_text=_("Sum of the wages subject to contribution.")
    )
    amendment_count = models.PositiveIntegerField(_("amendments"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    amended_at = models.DateTimeField(_("amended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("wage-change batch")
        verbose_name_plural = _("wage-change batches")
        indexes = [models.Index(fields=["establishment", "month"], name="registry_batch_est_month_idx")]
        constraints = [
            models.CheckConstraint(name="registry_batch_month_first_day", condition=Q(month__day=1)),
        ]

    def __str__(self) -> str:
        return f"{self.establishment_id} {self.month:%Y-%m} #{self.pk}"


class Wage(models.Model):
    """The wage of a contribution period from ``effective_from`` until the next row (or the end of
    the period), with the contributory wage derived from it by ``rules.contributory_wage`` and
    the parameter versions that rule read."""

    # Both held by one composite foreign key, (engagement, establishment) -> the engagement's
    # (id, establishment) (migration 0002), which also keeps the establishment the engagement's:
    # single-column constraints and indexes would only repeat its checks (and
    # ``registry_wage_one_per_day`` / ``registry_wage_est_from_idx`` lead with these columns).
    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.PROTECT,
        related_name="wages",
        db_index=False,
        db_constraint=False,
        verbose_name=_("contribution period"),
    )
    # Always the engagement's establishment: the distribution key.
    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("establishment"),
    )
    effective_from = models.DateField(_("effective from"), help_text=_("The first day this wage applies."))
    basic = MoneyField(_("basic wage"), help_text=_("Monthly basic wage in riyals."))
    housing = MoneyField(_("housing allowance"), help_text=_("Monthly housing allowance in riyals."))
    other = MoneyField(_("other allowances"), help_text=_("Other monthly allowances in riyals."))
    housing_in_kind = models.BooleanField(
        _("housing given in kind"),
        default=False,
        help_text=_("The employer provides housing instead of paying a housing allowance."),
    )
    occupation = models.ForeignKey(
        Occupation,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
        db_constraint=False,
        verbose_name=_("occupation"),
        help_text=_("The occupation from this date, when it changed with the wage."),
    )
    contributory_wage = MoneyField(
        _("contributory wage"), help_text=_("The wage subject to contribution, derived from the wage.")
    )
    contributory_inputs = models.JSONField(
        _("contributory wage derivation"), default=dict, help_text=_("How the contributory wage was derived.")
    )
    parameter_version_ids = ArrayField(
        models.IntegerField(),
        default=list,
        verbose_name=_("parameter versions"),
        help_text=_("The parameter versions the contributory wage was derived with."),
    )
    batch = models.ForeignKey(
        WageBatch,
        on_delete=models.PROTECT,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="lines",
        db_index=False,  # registry_wage_batch_idx, partial: most wages have no batch
        verbose_name=_("batch"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("wage")
        verbose_name_plural = _("wages")
        indexes = [
            models.Index(fields=["establishment", "effective_from"], name="registry_wage_est_from_idx"),
            models.Index(fields=["batch"], name="registry_wage_batch_idx", condition=Q(batch__isnull=False)),
        ]
        constraints = [
            # Carries the contributory wage: billing finds the wage in force for every period
            # of a month from this index alone (an index-only scan, never the wide wage row).
            models.UniqueConstraint(
                fields=["engagement", "effective_from"],
                include=["contributory_wage"],
                name="registry_wage_one_per_day",
            ),
            models.CheckConstraint(
                name="registry_wage_amounts_not_negative",
                condition=Q(basic__gte=0, housing__gte=0, other__gte=0, contributory_wage__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.engagement_id} from {self.effective_from}: {self.basic}"
