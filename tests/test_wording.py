"""Dates, event times, money and counts in English and Japanese: exact text for every format
and edge, English unchanged, and nothing taken from the machine's locale or TZ."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import babel
import babel.localedata
import pytest
from babel.dates import format_interval, format_skeleton
from jinja2 import Environment

from furusato import wording
from furusato.reading.loader import Options, load_site
from furusato.schemas import Money
from furusato.wording import (
    FILTERS,
    clock,
    date_span,
    day_name,
    event_when,
    filters,
    long_date,
    money,
    number,
    time_span,
    utc_offset,
    zone_label,
)
from tests.sitebuild import REPO, SITES

LONDON, TOKYO = ZoneInfo("Europe/London"), ZoneInfo("Asia/Tokyo")
NEW_YORK, SAO_PAULO = ZoneInfo("America/New_York"), ZoneInfo("America/Sao_Paulo")
FILTER_NAMES = {
    "fiscal_label",
    "long_date",
    "iso_date",
    "event_when",
    "event_datetime",
    "map_url",
    "money",
    "venue_line",
    "venue_place",
    "number",
}


@pytest.fixture(scope="module")
def events():
    """The events of tests/sites/events, by slug (read, not built)."""
    site = load_site(Options(root=SITES / "events", today=date(2026, 11, 24)))
    return {e.slug: e for e in site.events}


def at(event, start, end, zone=None):
    """The same event moved to other times (a real Event, so event_when sees what it will)."""
    return dataclasses.replace(event, start=start, end=end, zone=zone)


# --- Japanese: dates ------------------------------------------------------------------------------


def test_japanese_dates_and_times():
    assert long_date(date(2026, 5, 1), lang="ja") == "2026年5月1日"
    assert long_date(datetime(2026, 12, 5, 23, 59, tzinfo=TOKYO), lang="ja") == "2026年12月5日"
    assert day_name(date(2026, 5, 1), lang="ja") == "2026年5月1日（金）"
    assert [day_name(date(2026, 11, d), lang="ja")[-3:] for d in range(23, 30)] == [
        "（月）",
        "（火）",
        "（水）",
        "（木）",
        "（金）",
        "（土）",
        "（日）",
    ]
    assert clock(datetime(2026, 5, 1, 18, 30), lang="ja") == "18:30"
    assert clock(datetime(2026, 5, 1, 2, 5), lang="ja") == "2:05"  # CLDR's ja H:mm
    assert clock(datetime(2026, 5, 1, 0, 0, tzinfo=NEW_YORK), lang="ja") == "0:00"


def test_japanese_date_spans():
    assert date_span(date(2026, 12, 5), date(2026, 12, 5), lang="ja") == "2026年12月5日（土）"
    assert date_span(date(2026, 12, 5), date(2026, 12, 6), lang="ja") == "2026年12月5日～6日"
    assert date_span(date(2026, 11, 30), date(2026, 12, 2), lang="ja") == (
        "2026年11月30日～12月2日"
    )
    assert date_span(date(2026, 12, 31), date(2027, 1, 1), lang="ja") == (
        "2026年12月31日～2027年1月1日"
    )
    assert date_span(date(2028, 2, 28), date(2028, 3, 1), lang="ja") == "2028年2月28日～3月1日"


def test_japanese_forms_are_cldrs_except_the_full_width_weekday_parentheses():
    pairs = [
        (date(2026, 12, 5), date(2026, 12, 6)),
        (date(2026, 11, 30), date(2026, 12, 2)),
        (date(2026, 12, 31), date(2027, 1, 1)),
    ]
    for first, last in pairs:
        assert date_span(first, last, lang="ja") == format_interval(
            first, last, "yMMMd", locale="ja_JP"
        )
    day = date(2026, 5, 1)
    cldr = format_skeleton("yMMMEd", day, locale="ja_JP")
    assert cldr == "2026年5月1日(金)"
    assert day_name(day, lang="ja") == cldr.replace("(", "（").replace(")", "）")


# --- Japanese: event times ------------------------------------------------------------------------


def test_japanese_time_spans():
    start = datetime(2026, 12, 5, 18, 30, tzinfo=LONDON)
    assert time_span(start, start.replace(hour=21, minute=0), lang="ja") == (
        "2026年12月5日（土）18:30～21:00 GMT（UTC+00:00）"
    )
    # across midnight, a month and a year: the end drops only what it shares with the start
    assert time_span(start, start.replace(day=6, hour=2, minute=0), lang="ja") == (
        "2026年12月5日（土）18:30～6日（日）2:00 GMT（UTC+00:00）"
    )
    nov = datetime(2026, 11, 30, 22, 0, tzinfo=TOKYO)
    assert time_span(nov, nov + timedelta(hours=4), lang="ja") == (
        "2026年11月30日（月）22:00～12月1日（火）2:00 JST（UTC+09:00）"
    )
    eve = datetime(2026, 12, 31, 22, 0, tzinfo=TOKYO)
    assert time_span(eve, eve + timedelta(hours=4), lang="ja") == (
        "2026年12月31日（木）22:00～2027年1月1日（金）2:00 JST（UTC+09:00）"
    )


def test_japanese_spans_across_daylight_saving_changes():
    # the gap: London's clocks go forward at 01:00 GMT on 29 March 2026
    spring = datetime(2026, 3, 29, 0, 30, tzinfo=LONDON)
    assert time_span(spring, spring.replace(hour=3, minute=0), lang="ja") == (
        "2026年3月29日（日）0:30 GMT（UTC+00:00）～3:00 BST（UTC+01:00）"
    )
    # the overlap: 01:30 comes twice on 25 October 2026, first in BST then in GMT
    first = datetime(2026, 10, 25, 1, 30, tzinfo=LONDON)
    assert time_span(first, first.replace(fold=1), lang="ja") == (
        "2026年10月25日（日）1:30 BST（UTC+01:00）～1:30 GMT（UTC+00:00）"
    )
    assert time_span(first, first.replace(fold=1)) == (
        "Sun 25 October 2026, 01:30 BST (UTC+01:00) – 01:30 GMT (UTC+00:00)"
    )
    # across days and a change: both ends named
    night = datetime(2026, 10, 24, 22, 0, tzinfo=LONDON)
    assert time_span(night, datetime(2026, 10, 25, 3, 0, tzinfo=LONDON), lang="ja") == (
        "2026年10月24日（土）22:00 BST（UTC+01:00）～25日（日）3:00 GMT（UTC+00:00）"
    )


def test_japanese_zone_labels_keep_the_offset_and_its_minus_sign():
    assert zone_label(datetime(2026, 6, 1, tzinfo=TOKYO), lang="ja") == "JST（UTC+09:00）"
    assert zone_label(datetime(2026, 1, 1, tzinfo=NEW_YORK), lang="ja") == "EST（UTC\u221205:00）"
    assert zone_label(datetime(2026, 6, 1, tzinfo=SAO_PAULO), lang="ja") == "UTC\u221203:00"
    assert zone_label(datetime(2026, 6, 1, tzinfo=ZoneInfo("Etc/UTC")), lang="ja") == "UTC"
    st_johns = datetime(2026, 1, 1, tzinfo=ZoneInfo("America/St_Johns"))
    assert zone_label(st_johns, lang="ja") == "NST（UTC\u221203:30）"
    assert utc_offset(st_johns, lang="ja") == utc_offset(st_johns) == "UTC\u221203:30"
    fixed = datetime(2026, 6, 1, tzinfo=ZoneInfo("Etc/GMT+5"))
    assert zone_label(fixed, lang="ja") == "UTC\u221205:00"
    winter = datetime(2026, 1, 10, 19, 0, tzinfo=NEW_YORK)
    assert time_span(winter, winter.replace(hour=21), lang="ja") == (
        "2026年1月10日（土）19:00～21:00 EST（UTC\u221205:00）"
    )


def test_japanese_event_times(events):
    ja = filters("ja")
    expected = {
        "london-evening": "2026年12月5日（土）18:30～21:00 GMT（UTC+00:00）、Europe/London",
        "kolkata-talk": "2026年11月23日（月）18:00～20:00 IST（UTC+05:30）、Asia/Kolkata",
        "late-night": (
            "2026年10月24日（土）22:00 BST（UTC+01:00）～25日（日）3:00 GMT（UTC+00:00）、"
            "Europe/London"
        ),
        "new-york-picnic": (
            "2027年7月10日（土）12:00～15:00 EDT（UTC\u221204:00）、America/New_York"
        ),
        "online-today": "2026年11月24日（火）10:00～11:00 UTC",  # no IANA name for UTC
        "weekend-retreat": (
            "2026年11月23日（月）17:00～25日（水）12:00 UTC\u221203:00、America/Sao_Paulo"
        ),
        # all day, with weekdays as Japanese notices give them; across days, months, years
        "fundraiser": "2026年3月1日（日）終日",
        "festival-team": "2027年8月10日（火）～12日（木）終日",
        "new-year": "2025年12月30日（火）～2026年1月2日（金）終日",
    }
    assert {slug: ja["event_when"](events[slug]) for slug in expected} == expected
    assert ja["event_when"](events["london-evening"], zone_name=False) == (
        "2026年12月5日（土）18:30～21:00 GMT（UTC+00:00）"
    )
    across = at(events["fundraiser"], date(2026, 11, 30), date(2026, 12, 1))
    assert ja["event_when"](across) == "2026年11月30日（月）～12月1日（火）終日"
    assert event_when(across) == "30 November – 1 December 2026 (all day)"


# --- Japanese: money and counts -------------------------------------------------------------------


def test_japanese_money_is_babels_ja_jp_currency_format():
    def ja(amount: str, code: str) -> str:
        return money(Decimal(amount), code, lang="ja")

    assert ja("1250", "JPY") == "￥1,250"  # U+FFE5, CLDR's ja symbol for the yen
    assert ja("1250", "GBP") == "£1,250"
    assert ja("1250.00", "GBP") == "£1,250"  # a whole amount drops '.00', as in English
    assert ja("1250.5", "GBP") == "£1,250.50"
    assert ja("99.50", "USD") == "$99.50"  # in ja, '$' is only the US dollar
    assert ja("10", "NZD") == "NZ$10"
    assert ja("40", "BRL") == "R$40"
    assert ja("99.5", "JPY") == "￥99.50"  # as recorded: never rounded to ￥100
    assert ja("1234567.89", "EUR") == "€1,234,567.89"
    assert ja("0", "EUR") == "€0"
    # CLDR's currency spacing: a symbol ending in a letter keeps a no-break space
    assert ja("1250", "CHF") == "CHF\u00a01,250"
    assert ja("8", "SEK") == "SEK\u00a08"
    assert ja("8", "KRW") == "₩8"  # a symbol character needs no space
    assert money(Money(amount=Decimal("1480"), currency="USD"), lang="ja") == "$1,480"


def test_english_money_keeps_the_iso_code():
    assert money(Decimal("1250"), "GBP") == "GBP 1,250"
    assert money(Decimal("99.50"), "USD") == "USD 99.50"
    assert money(Decimal("1250"), "JPY") == "JPY 1,250"
    assert money(Money(amount=Decimal("1250.50"), currency="GBP")) == "GBP 1,250.50"


def test_counts_are_grouped_per_language():
    assert [number(n) for n in (0, 999, 12345, 1234567)] == ["0", "999", "12,345", "1,234,567"]
    assert [number(n, lang="ja") for n in (0, 999, 12345, 1234567)] == [
        "0",
        "999",
        "12,345",
        "1,234,567",
    ]


# --- filters(lang) --------------------------------------------------------------------------------


def test_filters_have_the_same_names_in_both_languages_and_english_is_filters():
    assert set(filters("en")) == set(filters("ja")) == FILTER_NAMES
    assert filters("en") == FILTERS
    assert filters("en") is not FILTERS  # a new dict each time: an engine may add to it
    for name, function in FILTERS.items():
        assert function is getattr(wording, name)


def test_an_unknown_language_is_refused_with_its_name():
    with pytest.raises(ValueError) as raised:
        filters("fr")
    assert str(raised.value) == "unknown language 'fr' (known: en, ja)"
    with pytest.raises(ValueError):
        long_date(date(2026, 5, 1), lang="EN")


def test_english_filters_give_todays_text_for_the_sample_events(events):
    # recorded from the formats before they spoke Japanese
    en = filters("en")
    expected = {
        "festival-team": ("10–12 August 2027 (all day)", "2027-08-10", "10 August 2027"),
        "fundraiser": ("Sun 1 March 2026 (all day)", "2026-03-01", "1 March 2026"),
        "kolkata-talk": (
            "Mon 23 November 2026, 18:00–20:00 IST (UTC+05:30), Asia/Kolkata",
            "2026-11-23T18:00+05:30",
            "23 November 2026",
        ),
        "late-night": (
            "Sat 24 October 2026, 22:00 BST (UTC+01:00) – Sun 25 October 2026, 03:00 GMT "
            "(UTC+00:00), Europe/London",
            "2026-10-24T22:00+01:00",
            "24 October 2026",
        ),
        "london-evening": (
            "Sat 5 December 2026, 18:30–21:00 GMT (UTC+00:00), Europe/London",
            "2026-12-05T18:30+00:00",
            "5 December 2026",
        ),
        "new-year": (
            "30 December 2025 – 2 January 2026 (all day)",
            "2025-12-30",
            "30 December 2025",
        ),
        "new-york-picnic": (
            "Sat 10 July 2027, 12:00–15:00 EDT (UTC\u221204:00), America/New_York",
            "2027-07-10T12:00-04:00",
            "10 July 2027",
        ),
        "online-today": (
            "Tue 24 November 2026, 10:00–11:00 UTC",
            "2026-11-24T10:00+00:00",
            "24 November 2026",
        ),
        "weekend-retreat": (
            "Mon 23 November 2026, 17:00 – Wed 25 November 2026, 12:00 UTC\u221203:00, "
            "America/Sao_Paulo",
            "2026-11-23T17:00-03:00",
            "23 November 2026",
        ),
    }
    got = {
        slug: (
            en["event_when"](events[slug]),
            en["event_datetime"](events[slug]),
            en["long_date"](events[slug].published),
        )
        for slug in expected
    }
    assert got == expected
    assert en["event_when"](events["london-evening"], zone_name=False) == (
        "Sat 5 December 2026, 18:30–21:00 GMT (UTC+00:00)"
    )
    assert en["iso_date"](events["london-evening"].published) == "2026-12-05"
    venue = events["london-evening"].meta.venue
    assert en["venue_line"](venue) == "Riverside Hall, 1 Bridge Street, London, United Kingdom"
    assert en["venue_place"](venue) == "London, United Kingdom"
    assert en["map_url"](venue) == (
        "https://www.openstreetmap.org/search?"
        "query=Riverside+Hall%2C+1+Bridge+Street%2C+London%2C+United+Kingdom"
    )
    assert en["money"](events["fundraiser"].meta.funds_raised) == "GBP 1,250"
    assert en["money"](events["late-night"].meta.funds_raised) == "GBP 1,250.50"
    assert en["money"](Decimal("1480"), "USD") == "USD 1,480"
    assert en["number"](12345) == "12,345"


def test_what_does_not_change_with_the_language(events):
    en, ja = filters("en"), filters("ja")
    for event in events.values():
        assert ja["event_datetime"](event) == en["event_datetime"](event)
        assert ja["iso_date"](event.published) == en["iso_date"](event.published)
        if event.meta.venue is not None:  # contributor text, as written
            for name in ("venue_line", "venue_place", "map_url"):
                assert ja[name](event.meta.venue) == en[name](event.meta.venue)


ENGLISH_NAMES = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\b"
    r"|all day|\b[AP]M\b",
    re.IGNORECASE,
)


def test_japanese_filters_never_say_english_month_or_day_names(events):
    ja = filters("ja")
    texts = []
    for event in events.values():
        texts += [ja["event_when"](event), ja["event_when"](event, zone_name=False)]
        texts.append(ja["long_date"](event.published))
        if event.meta.funds_raised is not None:
            texts.append(ja["money"](event.meta.funds_raised))
    day = date(2026, 1, 1)
    for offset in range(0, 366, 1):
        current = day + timedelta(days=offset)
        texts += [
            ja["long_date"](current),
            day_name(current, lang="ja"),
            date_span(current, current + timedelta(days=offset % 40), lang="ja"),
        ]
        moved = at(events["fundraiser"], current, current + timedelta(days=offset % 3))
        texts.append(ja["event_when"](moved))
        evening = datetime.combine(current, datetime.min.time(), LONDON) + timedelta(hours=20)
        timed = at(events["london-evening"], evening, evening + timedelta(hours=7), LONDON)
        texts.append(ja["event_when"](timed))
    assert [t for t in texts if ENGLISH_NAMES.search(t.replace("Europe/London", ""))] == []
    assert all(re.search(r"\d+年\d+月\d+日", t) for t in texts if "年" in t)


def test_filters_work_in_a_jinja_template(events):
    env = Environment(autoescape=True)
    env.filters.update(filters("ja"))
    template = env.from_string(
        "{{ e | event_when(zone_name=False) }} · {{ e.published | long_date }} · "
        "{{ amount | money('JPY') }} · {{ 12345 | number }}"
    )
    assert template.render(e=events["london-evening"], amount=Decimal("1250")) == (
        "2026年12月5日（土）18:30～21:00 GMT（UTC+00:00） · 2026年12月5日 · ￥1,250 · 12,345"
    )


# --- nothing from the machine ---------------------------------------------------------------------


def test_babel_reads_its_own_cldr_data():
    package = Path(babel.__file__).parent
    assert Path(babel.localedata._dirname).resolve() == (package / "locale-data").resolve()
    assert (package / "locale-data" / "ja_JP.dat").is_file()
    assert str(wording.JA) == "ja_JP"


PROBE = """
import json
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo
from furusato.wording import filters, time_span, long_date
start = datetime(2026, 3, 29, 0, 30, tzinfo=ZoneInfo("Europe/London"))
print(json.dumps([
    time_span(start, start.replace(hour=3, minute=0), lang=lang)
    for lang in ("en", "ja")
] + [
    f["long_date"](date(2026, 5, 1)) for f in (filters("en"), filters("ja"))
] + [
    f["money"](Decimal("1250.5"), "JPY") for f in (filters("en"), filters("ja"))
] + [filters("ja")["number"](1234567)], ensure_ascii=False))
"""


def test_results_do_not_depend_on_the_machines_locale_or_tz():
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "plugins"),
        "TZ": "Pacific/Kiritimati",
        "LC_ALL": "fr_FR.UTF-8",
        "LC_TIME": "de_DE.UTF-8",
        "LANG": "ar_EG.UTF-8",
        "LANGUAGE": "fr",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == [
        "Sun 29 March 2026, 00:30 GMT (UTC+00:00) – 03:00 BST (UTC+01:00)",
        "2026年3月29日（日）0:30 GMT（UTC+00:00）～3:00 BST（UTC+01:00）",
        "1 May 2026",
        "2026年5月1日",
        "JPY 1,250.50",
        "￥1,250.50",
        "1,234,567",
    ]
