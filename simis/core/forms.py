"""Form fields the kernel offers every app: a date typed in either calendar."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from simis.core.dates import Calendar, format_in, parse_date_input
from simis.core.errors import SimisError


class DualCalendarDateWidget(forms.MultiWidget):
    """A text box for the date and a select for its calendar. The parts post as ``<name>``
    and ``<name>_calendar``, so an API client can also send ``<name>=1446-12-26H`` alone."""

    template_name = "core/widgets/dual_calendar_date.html"

    def __init__(self, attrs: dict[str, Any] | None = None, calendar: str = Calendar.HIJRI) -> None:
        self.default_calendar = Calendar(calendar)
        text_attrs = {
            "class": "form-control",
            "inputmode": "numeric",
            "autocomplete": "off",
            "placeholder": pgettext_lazy("date input placeholder", "dd/mm/yyyy"),
            **(attrs or {}),
        }
        calendar_attrs = {"class": "form-select simis-dual-date-calendar", "aria-label": _("Calendar")}
        super().__init__(
            widgets={
                "": forms.TextInput(attrs=text_attrs),
                "calendar": forms.Select(attrs=calendar_attrs, choices=Calendar.choices),
            }
        )

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            try:
                return [format_in(value, self.default_calendar, numeric=True), self.default_calendar.value]
            except SimisError:
                # Outside the Umm al-Qura table: the date can only be shown in Gregorian.
                return [format_in(value, Calendar.GREGORIAN, numeric=True), Calendar.GREGORIAN.value]
        return [value or "", self.default_calendar.value]


class DualCalendarDateField(forms.Field):
    """Accepts a date in the Hijri (Umm al-Qura) or Gregorian calendar and cleans it to a
    Gregorian ``date``. Arabic-Indic digits and ``هـ``/``H`` suffixes are understood (see
    ``simis.core.dates.parse_date_input``); errors carry a DATE-* code."""

    widget = DualCalendarDateWidget
    default_help_text = _(
        "Type the date as day/month/year (26/12/1446) or year-month-day (1446-12-26) and choose "
        "its calendar, Hijri or Gregorian. Arabic or Western digits are accepted."
    )

    def __init__(self, *, calendar: str = Calendar.HIJRI, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", self.default_help_text)
        kwargs.setdefault("widget", DualCalendarDateWidget(calendar=calendar))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, date):
            return value
        if isinstance(value, list | tuple):
            text, calendar = [*value, "", ""][:2]
        else:
            text, calendar = value, ""
        if text in self.empty_values or not str(text).strip():
            return None
        try:
            return parse_date_input(str(text), calendar or None)
        except SimisError as error:
            raise error.as_validation_error() from None
