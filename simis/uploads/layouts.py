"""The file layouts: which columns each kind of upload has, per template version.

A template is a file format read by employers' own systems, so its texts are fixed in both
languages at once — a column is always named "رقم الهوية / Identity number", whatever the
language of the page that offered the download — and never translated at run time. What a
person reads in the instructions is here too, in both languages.

Layout of every file (CSV or the first worksheet of an .xlsx):

- row 1, the marker: ``SIMIS`` · kind slug (``new-contributors``) · ``v1`` · title;
- row 2, the column names (Arabic / English; either language alone, or the column key, is
  accepted too, in any order);
- rows 3 onwards, one operation per row. A row whose first cell starts with ``#`` is a comment.

A template version changes when a column is added, removed or changes meaning; old versions
stay readable for as long as they are listed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import get_language

from simis.uploads.choices import UploadKind

MARKER = "SIMIS"
COMMENT_PREFIX = "#"
HEADER_ROW = 2
FIRST_DATA_ROW = 3


@dataclass(frozen=True, slots=True)
class Bilingual:
    """A fixed text in both languages; ``str()`` gives the active language's (so it can fill a
    coded message's placeholder and read right in either rendering)."""

    ar: str
    en: str

    def __str__(self) -> str:
        return self.ar if (get_language() or "ar").startswith("ar") else self.en


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    name: Bilingual
    hint: Bilingual
    example: str
    required: bool = False
    max_length: int = 60
    # Offered as a drop-down list in the Excel template (values written as shown).
    choices: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        return f"{self.name.ar} / {self.name.en}"

    def names(self) -> set[str]:
        """Every spelling accepted for this column's header."""
        return {
            normalise_header(text)
            for text in (
                self.key,
                self.name.ar,
                self.name.en,
                self.header,
                f"{self.name.en} / {self.name.ar}",
            )
        }


@dataclass(frozen=True)
class Layout:
    kind: UploadKind
    version: int
    title: Bilingual
    columns: tuple[Column, ...]
    notes: tuple[Bilingual, ...] = field(default=())

    @property
    def version_label(self) -> str:
        return f"v{self.version}"

    @property
    def property_value(self) -> str:
        """The template's identity, also written as the workbook's custom property."""
        return f"{self.kind.slug}-{self.version_label}"

    def file_name(self, extension: str) -> str:
        return f"simis-{self.property_value}.{extension}"

    def marker_row(self) -> list[str]:
        return [MARKER, self.kind.slug, self.version_label, f"{self.title.ar} / {self.title.en}"]

    @cached_property
    def by_header(self) -> dict[str, Column]:
        return {name: column for column in self.columns for name in column.names()}

    @cached_property
    def by_key(self) -> dict[str, Column]:
        return {column.key: column for column in self.columns}

    @cached_property
    def keys(self) -> tuple[str, ...]:
        return tuple(column.key for column in self.columns)

    @property
    def required(self) -> list[Column]:
        return [column for column in self.columns if column.required]


_SPACES = re.compile(r"\s+")


def normalise_header(text: str) -> str:
    """Header text compared without case, surrounding or repeated spaces, a required-marker
    asterisk or right-to-left marks (pasted Arabic carries them)."""
    cleaned = str(text).replace("\u200f", "").replace("\u200e", "").replace("\ufeff", "")
    cleaned = cleaned.replace("*", "").replace("_", " ")
    cleaned = _SPACES.sub(" ", cleaned).strip().casefold()
    return cleaned.replace(" / ", "/").replace("/ ", "/").replace(" /", "/")


# The columns a report adds after the file's own (``reports.py``). A corrected report may be
# uploaded again: these columns are then ignored.
REPORT_COLUMNS = (
    Bilingual("النتيجة", "Result"),
    Bilingual("رموز الأخطاء", "Error codes"),
    Bilingual("الأخطاء بالعربية", "Errors (Arabic)"),
    Bilingual("الأخطاء بالإنجليزية", "Errors (English)"),
    Bilingual("رقم الصف في الملف المرفوع", "Row in the uploaded file"),
)
REPORT_HEADERS = tuple(f"{name.ar} / {name.en}" for name in REPORT_COLUMNS)
REPORT_HEADER_NAMES = frozenset(
    normalise_header(text) for name in REPORT_COLUMNS for text in (name.ar, name.en, f"{name.ar} / {name.en}")
)


# --- Columns shared by several layouts ----------------------------------------------------------

IDENTITY_KINDS = ("national_id", "iqama", "gcc_id", "passport")
YES_NO = ("yes", "no")


def _identity_kind(required: bool) -> Column:
    return Column(
        key="identity_kind",
        name=Bilingual("نوع الهوية", "Identity type"),
        hint=Bilingual(
            "national_id للهوية الوطنية، iqama للإقامة، gcc_id لهوية مواطني دول الخليج، passport لجواز السفر."
            + ("" if required else " اختياري: يكفي الرقم إن لم يتكرر."),
            "national_id, iqama, gcc_id (a GCC citizen's ID) or passport."
            + ("" if required else " Optional: the number alone is enough unless it is ambiguous."),
        ),
        example="national_id",
        required=required,
        choices=IDENTITY_KINDS,
    )


IDENTITY_NUMBER = Column(
    key="identity_number",
    name=Bilingual("رقم الهوية", "Identity number"),
    hint=Bilingual(
        "عشرة أرقام للهوية الوطنية (تبدأ بـ1) والإقامة (تبدأ بـ2)؛ تقبل الأرقام العربية والهندية.",
        "Ten digits for a national ID (starts with 1) or an iqama (starts with 2); Arabic digits are "
        "accepted.",
    ),
    example="1000000016",
    required=True,
    max_length=20,
)


def _identity_country(hint_ar: str, hint_en: str) -> Column:
    return Column(
        key="identity_country",
        name=Bilingual("دولة إصدار الهوية", "Issuing country"),
        hint=Bilingual(hint_ar, hint_en),
        example="",
        max_length=3,
    )


OCCUPATION = Column(
    key="occupation",
    name=Bilingual("المهنة", "Occupation"),
    hint=Bilingual(
        "رمز المهنة في التصنيف الدولي ISCO-08، مثل 2 للمهن التخصصية أو 7 للحرف.",
        "The ISCO-08 occupation code, e.g. 2 for professionals or 7 for craft workers.",
    ),
    example="4",
    required=True,
    max_length=4,
)


def _date(key: str, ar: str, en: str, *, required: bool, example: str, hint: Bilingual) -> Column:
    return Column(
        key=key, name=Bilingual(ar, en), hint=hint, example=example, required=required, max_length=20
    )


DATE_HINT = Bilingual(
    "يوم/شهر/سنة أو سنة-شهر-يوم، بالتقويم الهجري (أم القرى) أو الميلادي: السنة تحدد التقويم، "
    "أو أضف هـ أو م بعد التاريخ.",
    "day/month/year or year-month-day, Hijri (Umm al-Qura) or Gregorian: the year tells which, or add "
    "H or G after the date.",
)


def _amount(key: str, ar: str, en: str, *, required: bool, example: str) -> Column:
    return Column(
        key=key,
        name=Bilingual(ar, en),
        hint=Bilingual(
            "بالريال شهريًا، أرقام مع فاصلة عشرية اختيارية، مثل 5000.50."
            + ("" if required else " فارغ = صفر."),
            "Monthly, in riyals: digits with an optional decimal point, e.g. 5000.50."
            + ("" if required else " Empty means zero."),
        ),
        example=example,
        required=required,
        max_length=20,
    )


HOUSING_IN_KIND = Column(
    key="housing_in_kind",
    name=Bilingual("سكن عيني", "Housing in kind"),
    hint=Bilingual(
        "yes إن كانت المنشأة توفر السكن بدل بدل السكن، وإلا no أو فارغ.",
        "yes when the employer provides housing instead of a housing allowance; otherwise no or empty.",
    ),
    example="no",
    max_length=5,
    choices=YES_NO,
)

LEAVE_REASONS = (
    "resignation",
    "end_of_contract",
    "dismissal",
    "mutual_agreement",
    "death",
    "retirement",
    "disability",
    "establishment_closed",
    "final_exit",
    "other",
)


def _leave_reason(required: bool) -> Column:
    return Column(
        key="leave_reason",
        name=Bilingual("سبب ترك العمل", "Leave reason"),
        hint=Bilingual(
            "أحد الرموز: resignation استقالة، end_of_contract انتهاء العقد، dismissal فصل، "
            "mutual_agreement اتفاق الطرفين، death وفاة، retirement تقاعد، disability عجز، "
            "establishment_closed إغلاق المنشأة، final_exit خروج نهائي، other أخرى.",
            "One of: resignation, end_of_contract, dismissal, mutual_agreement, death, retirement, "
            "disability, establishment_closed, final_exit, other.",
        ),
        example="resignation",
        required=required,
        max_length=32,
        choices=LEAVE_REASONS,
    )


WAGE_COLUMNS = (
    _amount("basic_wage", "الأجر الأساسي", "Basic wage", required=True, example="5000"),
    _amount("housing_allowance", "بدل السكن", "Housing allowance", required=False, example="1250"),
    _amount("other_allowances", "بدلات أخرى", "Other allowances", required=False, example="0"),
    HOUSING_IN_KIND,
)


def _name(key: str, ar: str, en: str, *, required: bool, example: str, arabic: bool) -> Column:
    return Column(
        key=key,
        name=Bilingual(ar, en),
        hint=Bilingual(
            ("بالعربية" if arabic else "بالحروف اللاتينية") + ("، مطلوب." if required else "، اختياري."),
            ("In Arabic" if arabic else "In Latin letters") + ("; required." if required else "; optional."),
        ),
        example=example,
        required=required,
    )


# --- The layouts --------------------------------------------------------------------------------

NEW_CONTRIBUTORS_V1 = Layout(
    kind=UploadKind.NEW_CONTRIBUTORS,
    version=1,
    title=Bilingual("تسجيل مشتركين جدد", "Register new contributors"),
    columns=(
        _identity_kind(required=True),
        IDENTITY_NUMBER,
        _identity_country(
            "لهوية مواطني دول الخليج وجواز السفر: رمز الدولة (مثل BHR أو BH)؛ فارغ للهوية الوطنية والإقامة.",
            "For a GCC ID or a passport: the country code (e.g. BHR or BH); empty for a national ID "
            "or iqama.",
        ),
        Column(
            key="passport_number",
            name=Bilingual("رقم جواز السفر", "Passport number"),
            hint=Bilingual(
                "اختياري: جواز سفر غير السعودي إضافةً إلى الإقامة.",
                "Optional: a non-Saudi's passport in addition to the iqama.",
            ),
            example="",
            max_length=20,
        ),
        Column(
            key="passport_country",
            name=Bilingual("دولة جواز السفر", "Passport country"),
            hint=Bilingual(
                "اختياري: رمز الدولة المصدرة للجواز؛ فارغ = الجنسية.",
                "Optional: the passport's issuing country code; empty means the nationality.",
            ),
            example="",
            max_length=3,
        ),
        _name(
            "first_name_ar", "الاسم الأول", "First name (Arabic)", required=True, example="سارة", arabic=True
        ),
        _name(
            "father_name_ar",
            "اسم الأب",
            "Father's name (Arabic)",
            required=False,
            example="عبدالله",
            arabic=True,
        ),
        _name(
            "grandfather_name_ar",
            "اسم الجد",
            "Grandfather's name (Arabic)",
            required=False,
            example="",
            arabic=True,
        ),
        _name(
            "family_name_ar",
            "اسم العائلة",
            "Family name (Arabic)",
            required=True,
            example="العتيبي",
            arabic=True,
        ),
        _name(
            "first_name_en",
            "الاسم الأول (إنجليزي)",
            "First name",
            required=True,
            example="Sara",
            arabic=False,
        ),
        _name(
            "father_name_en",
            "اسم الأب (إنجليزي)",
            "Father's name",
            required=False,
            example="Abdullah",
            arabic=False,
        ),
        _name(
            "grandfather_name_en",
            "اسم الجد (إنجليزي)",
            "Grandfather's name",
            required=False,
            example="",
            arabic=False,
        ),
        _name(
            "family_name_en",
            "اسم العائلة (إنجليزي)",
            "Family name",
            required=True,
            example="Alotaibi",
            arabic=False,
        ),
        _date(
            "birth_date", "تاريخ الميلاد", "Birth date", required=True, example="10/03/1985", hint=DATE_HINT
        ),
        Column(
            key="gender",
            name=Bilingual("الجنس", "Gender"),
            hint=Bilingual("male ذكر أو female أنثى.", "male or female."),
            example="female",
            required=True,
            max_length=10,
            choices=("male", "female"),
        ),
        Column(
            key="nationality",
            name=Bilingual("الجنسية", "Nationality"),
            hint=Bilingual(
                "رمز الدولة بثلاثة أحرف (SAU) أو بحرفين (SA).",
                "The country code in three letters (SAU) or two (SA).",
            ),
            example="SAU",
            required=True,
            max_length=3,
        ),
        _date(
            "join_date",
            "تاريخ الالتحاق",
            "Join date",
            required=True,
            example="01/03/2026",
            hint=Bilingual(
                "أول يوم عمل. " + DATE_HINT.ar,
                "The first day of work. " + DATE_HINT.en,
            ),
        ),
        OCCUPATION,
        *WAGE_COLUMNS,
        Column(
            key="external_old_law_months",
            name=Bilingual("أشهر خارج السجل", "Months outside this register"),
            hint=Bilingual(
                "اختياري: أشهر اشتراك سابقة بنظام التقاعد المدني أو النظام القديم غير المسجلة هنا؛ "
                "فارغ = صفر.",
                "Optional: earlier months under the civil pension law or the old law not recorded here; "
                "empty means zero.",
            ),
            example="",
            max_length=4,
        ),
    ),
    notes=(
        Bilingual(
            "يُحدَّد النظام (قديم، انتقالي، جديد) وفروع التأمين والأجر الخاضع للاشتراك تلقائيًا؛ لا تكتبها.",
            "The legal regime (old, transitional, new), the insured branches and the contributory wage are "
            "derived by SIMIS; do not write them.",
        ),
        Bilingual(
            "التسجيل بعد نهاية شهر الالتحاق يُقبل للمراجعة، وما قبل 24 شهرًا من تاريخ الرفع يُرفض.",
            "A registration after the end of the month of joining waits for review; one more than 24 months "
            "before the upload is refused.",
        ),
    ),
)

PERIODS_V1 = Layout(
    kind=UploadKind.PERIODS,
    version=1,
    title=Bilingual(
        "إضافة فترات اشتراك لمشتركين مسجلين", "Add contribution periods of registered contributors"
    ),
    columns=(
        IDENTITY_NUMBER,
        _identity_kind(required=False),
        _identity_country(
            "اختياري: للجواز أو هوية الخليج إن تكرر الرقم.",
            "Optional: for a passport or GCC ID number that is ambiguous.",
        ),
        _date(
            "join_date", "تاريخ الالتحاق", "Join date", required=True, example="01/03/2026", hint=DATE_HINT
        ),
        _date(
            "leave_date",
            "تاريخ ترك العمل",
            "Leave date",
            required=False,
            example="",
            hint=Bilingual(
                "اختياري: آخر يوم عمل لفترة منتهية. " + DATE_HINT.ar,
                "Optional: the last day of work of a finished period. " + DATE_HINT.en,
            ),
        ),
        _leave_reason(required=False),
        OCCUPATION,
        *WAGE_COLUMNS,
    ),
    notes=(
        Bilingual(
            "لمشترك مسجل سابقًا فقط؛ المشترك الجديد يُسجَّل بنموذج المشتركين الجدد.",
            "Only for a contributor already registered; register a new one with the new-contributors "
            "template.",
        ),
    ),
)

TERMINATIONS_V1 = Layout(
    kind=UploadKind.TERMINATIONS,
    version=1,
    title=Bilingual("إنهاء فترات اشتراك", "End contribution periods"),
    columns=(
        IDENTITY_NUMBER,
        _identity_kind(required=False),
        _identity_country(
            "اختياري: للجواز أو هوية الخليج إن تكرر الرقم.",
            "Optional: for a passport or GCC ID number that is ambiguous.",
        ),
        _date(
            "leave_date",
            "تاريخ ترك العمل",
            "Leave date",
            required=True,
            example="28/02/2026",
            hint=Bilingual("آخر يوم عمل. " + DATE_HINT.ar, "The last day of work. " + DATE_HINT.en),
        ),
        _leave_reason(required=True),
    ),
    notes=(
        Bilingual(
            "تنتهي فترة الاشتراك المفتوحة للمشترك في هذه المنشأة؛ النقل بين الفروع له خدمة مستقلة.",
            "The contributor's open period at this establishment ends; a transfer between branches has its "
            "own service.",
        ),
    ),
)

WAGE_CHANGES_V1 = Layout(
    kind=UploadKind.WAGE_CHANGES,
    version=1,
    title=Bilingual("تعديل الأجور", "Change wages"),
    columns=(
        IDENTITY_NUMBER,
        _identity_kind(required=False),
        _identity_country(
            "اختياري: للجواز أو هوية الخليج إن تكرر الرقم.",
            "Optional: for a passport or GCC ID number that is ambiguous.",
        ),
        _date(
            "month",
            "شهر السريان",
            "Effective month",
            required=True,
            example="01/03/2026",
            hint=Bilingual(
                "أي يوم من الشهر الميلادي الذي يسري فيه الأجر الجديد (يُعتمد أول يوم فيه)، أو "
                "سنة-شهر مثل 2026-03.",
                "Any day of the Gregorian month the new wage applies from (its first day is used), or "
                "year-month such as 2026-03.",
            ),
        ),
        *WAGE_COLUMNS,
        Column(
            key="occupation",
            name=OCCUPATION.name,
            hint=Bilingual(
                "اختياري: رمز المهنة الجديدة إن تغيرت مع الأجر.",
                "Optional: the new occupation code when it changes with the wage.",
            ),
            example="",
            max_length=4,
        ),
    ),
    notes=(
        Bilingual(
            "تُطبَّق تعديلات الشهر الواحد معًا؛ يُشتق الأجر الخاضع للاشتراك مع حد الخمسين عامًا حيث ينطبق.",
            "The changes of one month are applied together; the contributory wage is derived, with "
            "the age-50 "
            "cap where it applies.",
        ),
    ),
)

LAYOUTS: dict[tuple[str, int], Layout] = {
    (layout.kind.value, layout.version): layout
    for layout in (NEW_CONTRIBUTORS_V1, PERIODS_V1, TERMINATIONS_V1, WAGE_CHANGES_V1)
}


def current_layout(kind: UploadKind | str) -> Layout:
    """The newest layout of ``kind``: the one the templates are downloaded in."""
    value = UploadKind(kind).value
    return max((layout for (k, _v), layout in LAYOUTS.items() if k == value), key=lambda item: item.version)


def layout_for(kind: UploadKind | str, version: int) -> Layout | None:
    return LAYOUTS.get((UploadKind(kind).value, version))


def kind_from_slug(slug: str) -> UploadKind | None:
    text = normalise_header(slug).replace(" ", "_").replace("-", "_")
    try:
        return UploadKind(text)
    except ValueError:
        return None
