"""Template filters show dates in both calendars, in the active language, in the order the
user chose (``date_display``)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import translation

DECREE = date(2024, 7, 2)


def render(source: str, **context) -> str:  # type: ignore[no-untyped-def]
    return Template("{% load simis_dates %}" + source).render(Context(context))


def test_hijri_and_gregorian_filters_in_arabic():
    with translation.override("ar"):
        assert render("{{ d|hijri }}", d=DECREE) == "26 ذو الحجة 1445 هـ"
        assert render("{{ d|gregorian }}", d=DECREE) == "2 يوليو 2024 م"
        assert render('{{ d|hijri:"numeric" }}', d=DECREE) == "26/12/1445"


def test_filters_in_english():
    with translation.override("en"):
        assert render("{{ d|hijri }}", d=DECREE) == "26 Dhu al-Hijjah 1445 AH"
        assert render("{{ d|gregorian }}", d=DECREE) == "2 July 2024"
        assert render('{{ d|gregorian:"numeric" }}', d=DECREE) == "02/07/2024"


def test_empty_and_out_of_range_values():
    assert render("{{ d|hijri }}|{{ d|gregorian }}", d=None) == "|"
    assert render("{{ d|hijri }}", d="not a date") == ""
    assert render("{{ d|hijri }}", d=date(1900, 1, 1)) == ""
    with translation.override("en"):
        assert (
            render("{% dual_date d %}", d=date(1900, 1, 1))
            == '<time datetime="1900-01-01">1 January 1900</time>'
        )
    assert render("{% dual_date d %}", d=None) == ""


def test_dual_date_puts_the_preferred_calendar_first():
    with translation.override("en"):
        hijri_first = render("{% dual_date d %}", d=DECREE)
        assert hijri_first == (
            '<time datetime="2024-07-02">26 Dhu al-Hijjah 1445 AH '
            '<span class="simis-date-other">(2 July 2024)</span></time>'
        )
        gregorian_first = render("{% dual_date d %}", d=DECREE, date_display="gregorian")
        assert gregorian_first.index("2 July 2024") < gregorian_first.index("Dhu al-Hijjah")
        assert render("{% dual_date d %}", d=DECREE, date_display="hijri") == hijri_first
    with translation.override("ar"):
        arabic = render("{% dual_date d %}", d=DECREE)
        assert "26 ذو الحجة 1445 هـ" in arabic and "(2 يوليو 2024 م)" in arabic


def test_aware_datetimes_show_the_riyadh_date():
    # 22:30 UTC on 1 July is 01:30 on 2 July in Riyadh.
    moment = datetime(2024, 7, 1, 22, 30, tzinfo=ZoneInfo("UTC"))
    with translation.override("en"):
        assert render("{{ d|gregorian }}", d=moment) == "2 July 2024"
