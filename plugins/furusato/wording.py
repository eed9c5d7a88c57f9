"""Say each fact one way, everywhere, in English or Japanese: dates, event times (in the
event's own zone, with its UTC offset), venues, money, counts, and the names of roles, kinds
and languages. Pages, feeds, calendars and exports all format through here, so an event reads
the same in each; `filters(lang)` binds the formats to one language for a template.

Nothing here reads the build machine's locale or TZ: `strftime` follows the locale Pelican
sets from the environment, so English names of days and months are spelled out here, and
Japanese ones come from Babel's own CLDR data (shipped inside the package) for the explicit
locale ja_JP. Times are always shown in the event's own zone, never converted.

English keeps the forms it has always had ('Sat 5 December 2026, 18:30–21:00 GMT (UTC+00:00)',
'GBP 1,250'). Japanese takes CLDR's conventional forms through Babel ('2026年5月1日', '18:30',
'2026年12月5日～6日', '￥1,250'), with two exact patterns where the issue fixes the form: the
weekday in full-width parentheses, 'y年M月d日（E）' (CLDR writes half-width ones), and spans
built from the CLDR interval pieces so that a zone label can sit at either end.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any
from urllib.parse import urlencode

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal

from . import csp
from .catalog import N_
from .entities import Event
from .fiscal import fiscal_label
from .regions import BY_SLUG, REGIONS
from .schemas import Money, Venue
from .urls import Urls

# English msgids of the theme's catalog: templates translate them where they show them
# (`_(ROLE_NAMES[role])`), feeds and calendars with furusato.catalog.gettext(lang, ...).
ROLE_NAMES = {
    "CIR": N_("Coordinator for International Relations (CIR)"),
    "ALT": N_("Assistant Language Teacher (ALT)"),
    "SEA": N_("Sports Exchange Advisor (SEA)"),
    "alumnus": N_("JET alumnus"),
}
KIND_NAMES = {
    "story": N_("Story"),
    "guide": N_("Guide"),
    "news": N_("News"),
    "proposal": N_("Policy proposal"),
}
LANG_NAMES = {"en": N_("English"), "ja": N_("日本語")}
STATUS_NAMES = {  # a policy proposal's status
    "submitted": N_("Submitted"),
    "under-review": N_("Under review"),
    "adopted": N_("Adopted"),
    "partly-adopted": N_("Partly adopted"),
    "declined": N_("Declined"),
    "withdrawn": N_("Withdrawn"),
}


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
UTC_NAMES = ("UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Zulu", "Etc/Zulu")

LANGUAGES = ("en", "ja")  # the languages every format speaks; English is the default
JA = Locale.parse("ja_JP")  # from Babel's bundled CLDR data, whatever the machine's locale
JA_DAY = "y年M月d日（E）"  # CLDR's ja yMMMEd, with the full-width parentheses the issue writes
JA_YMD, JA_MD, JA_D = "y年M月d日", "M月d日", "d日"  # CLDR's ja yMMMd interval pieces
JA_CLOCK = "H:mm"  # CLDR's ja Hm: 18:30, 2:00 (24-hour)
JA_UNTIL = "～"  # U+FF5E, CLDR's ja interval separator
JA_ALL_DAY = "終日"
JA_ZONE_NAME = "、"  # between the zone label and the IANA name, as ', ' is in English
CURRENCY_SPACE = "\u00a0"  # CLDR's currencySpacing insertBetween (Babel does not apply it)


def _japanese(lang: str) -> bool:
    """Tell whether `lang` asks for Japanese; refuse a language the site does not write."""
    if lang == "ja":
        return True
    if lang == "en":
        return False
    raise ValueError(f"unknown language {lang!r} (known: {', '.join(LANGUAGES)})")


def utc_offset(moment: datetime, *, lang: str = "en") -> str:
    """Format the UTC offset of an aware datetime as 'UTC+09:00' or 'UTC−05:00' (any language).

    A negative offset takes the minus sign (U+2212): screen readers say "minus", and browsers
    do not break the line after it as they do after a hyphen.
    """
    _japanese(lang)
    offset = moment.utcoffset() or timedelta()
    sign = "\u2212" if offset < timedelta() else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def zone_label(moment: datetime, *, lang: str = "en") -> str:
    """Name the zone at that moment: 'GMT (UTC+00:00)' ('GMT（UTC+00:00）' in Japanese), or
    just 'UTC−03:00' with no abbreviation.

    tzdata gives many zones only a numeric abbreviation ('-03'), which says nothing the
    offset does not.
    """
    abbreviation = moment.tzname() or ""
    offset = utc_offset(moment, lang=lang)
    if abbreviation == "UTC":
        return "UTC"
    if not abbreviation or abbreviation[0] in "+-" or abbreviation[0].isdigit():
        return offset
    if _japanese(lang):
        return f"{abbreviation}（{offset}）"
    return f"{abbreviation} ({offset})"


def day_name(day: date, *, lang: str = "en") -> str:
    """Format a date with its weekday: 'Sat 5 December 2026', '2026年12月5日（土）'."""
    if _japanese(lang):
        return format_date(day, JA_DAY, locale=JA)
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def clock(moment: datetime, *, lang: str = "en") -> str:
    """Format a time of day on the 24-hour clock: '18:30', '02:00' ('2:00' in Japanese)."""
    if _japanese(lang):
        return format_time(moment.time(), JA_CLOCK, locale=JA)  # naive: never converted
    return f"{moment:%H:%M}"


def _ja_ends(first: date, last: date, weekday: bool) -> tuple[str, str]:
    """Return the two ends of a Japanese span, the second without the year or month it
    shares with the first: ('2026年12月5日', '6日'), ('2026年11月30日', '12月2日')."""
    if first.year != last.year:
        pattern = JA_YMD
    elif first.month != last.month:
        pattern = JA_MD
    else:
        pattern = JA_D
    suffix = "（E）" if weekday else ""
    return (
        format_date(first, JA_YMD + suffix, locale=JA),
        format_date(last, pattern + suffix, locale=JA),
    )


def date_span(first: date, last: date, *, lang: str = "en") -> str:
    """Format an inclusive range of days: '5–6 December 2026', '30 November – 2 December 2026';
    '2026年12月5日～6日', '2026年11月30日～12月2日'. One day is named with its weekday."""
    if first == last:
        return day_name(first, lang=lang)
    if _japanese(lang):
        return JA_UNTIL.join(_ja_ends(first, last, weekday=False))
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {MONTHS[last.month - 1]} {last.year}"
    if first.year == last.year:
        first_part = f"{first.day} {MONTHS[first.month - 1]}"
        return f"{first_part} – {last.day} {MONTHS[last.month - 1]} {last.year}"
    return (
        f"{first.day} {MONTHS[first.month - 1]} {first.year} – "
        f"{last.day} {MONTHS[last.month - 1]} {last.year}"
    )


def _ja_time_span(start: datetime, end: datetime) -> str:
    """Format a timed span in Japanese: '2026年12月5日（土）18:30～21:00 GMT（UTC+00:00）'."""
    same_offset = start.utcoffset() == end.utcoffset()
    first_day, last_day = _ja_ends(start.date(), end.date(), weekday=True)
    if start.date() == end.date():
        last_day = ""
    first = f"{first_day}{clock(start, lang='ja')}"
    if not same_offset:
        first += f" {zone_label(start, lang='ja')}"
    return f"{first}{JA_UNTIL}{last_day}{clock(end, lang='ja')} {zone_label(end, lang='ja')}"


def time_span(start: datetime, end: datetime, *, lang: str = "en") -> str:
    """Format a timed span in its zone: 'Sat 5 December 2026, 18:30–21:00 GMT (UTC+00:00)',
    '2026年12月5日（土）18:30～21:00 GMT（UTC+00:00）'.

    When the offset changes in between (a night across a daylight-saving change), each end
    carries its own zone label.
    """
    if _japanese(lang):
        return _ja_time_span(start, end)
    same_offset = start.utcoffset() == end.utcoffset()
    first = f"{day_name(start.date())}, {clock(start)}"
    if start.date() == end.date() and same_offset:
        return f"{first}–{clock(end)} {zone_label(end)}"
    if start.date() == end.date():
        return f"{first} {zone_label(start)} – {clock(end)} {zone_label(end)}"
    last = f"{day_name(end.date())}, {clock(end)} {zone_label(end)}"
    if same_offset:
        return f"{first} – {last}"
    return f"{first} {zone_label(start)} – {last}"


def event_when(event: Event, zone_name: bool = True, *, lang: str = "en") -> str:
    """Say when an event happens, in its zone; `zone_name` adds the IANA name (Europe/London).

    An all-day event reads '5–6 December 2026 (all day)', or in Japanese with its weekdays,
    as Japanese notices give them: '2026年12月5日（土）～6日（日）終日'.
    """
    japanese = _japanese(lang)
    if not isinstance(event.start, datetime) or not isinstance(event.end, datetime):
        first, last = event.starts_on(), event.ends_on()
        if not japanese:
            return f"{date_span(first, last)} (all day)"
        if first == last:
            return f"{day_name(first, lang=lang)}{JA_ALL_DAY}"
        return JA_UNTIL.join(_ja_ends(first, last, weekday=True)) + JA_ALL_DAY
    text = time_span(event.start, event.end, lang=lang)
    if zone_name and event.zone is not None and event.zone.key not in UTC_NAMES:
        text += f"{JA_ZONE_NAME if japanese else ', '}{event.zone.key}"
    return text


def event_datetime(event: Event, *, lang: str = "en") -> str:
    """Return the machine-readable start for <time datetime>: 2026-12-05T18:30+00:00 or a date
    (the same in every language)."""
    _japanese(lang)
    if isinstance(event.start, datetime):
        return event.start.isoformat(timespec="minutes")
    return event.start.isoformat()


def long_date(value: date | datetime, *, lang: str = "en") -> str:
    """Format a date as '5 December 2026' or '2026年12月5日' (never the machine's locale)."""
    if _japanese(lang):
        return format_date(date(value.year, value.month, value.day), "long", locale=JA)
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def month_label(year: int, month: int, *, lang: str = "en") -> str:
    """Name a month: 'November 2026', or '2026年11月' in Japanese."""
    if _japanese(lang):
        return f"{year}年{month}月"
    return f"{MONTHS[month - 1]} {year}"


def iso_date(value: date | datetime, *, lang: str = "en") -> str:
    """Format a date as 2026-12-05, for <time datetime> (the same in every language)."""
    _japanese(lang)
    return value.strftime("%Y-%m-%d")


def venue_line(venue: Venue, *, lang: str = "en") -> str:
    """Say where a venue is in one line: 'Hall, 1 Main St, Vancouver, Canada' (the parts as
    the contributor wrote them, in every language)."""
    _japanese(lang)
    parts = [venue.name, venue.address, venue.city, venue.country]
    return ", ".join(p for p in parts if p)


def venue_place(venue: Venue, *, lang: str = "en") -> str:
    """Name a venue's city and country: 'Vancouver, Canada' (lists, reports; as written)."""
    _japanese(lang)
    return f"{venue.city}, {venue.country}"


def map_url(venue: Venue, *, lang: str = "en") -> str:
    """Return an OpenStreetMap search for a venue (name, address, city, country)."""
    _japanese(lang)
    parts = [venue.name, venue.address, venue.city, venue.country]
    return "https://www.openstreetmap.org/search?" + urlencode(
        {"query": ", ".join(p for p in parts if p)}
    )


def _ja_money(amount: Decimal, code: str) -> str:
    """Format an amount the ja_JP way: '￥1,250', '£99.50', 'CHF 1,250' (with a no-break space).

    Babel's format_currency with CLDR's ja symbols (unambiguous there: '$' is only the US
    dollar, others are 'CA$', 'A$', 'NZ$'), and two choices of ours: a whole amount drops its
    '.00' as in English, and a fractional one keeps its cents even in yen, as recorded, where
    CLDR's currency digits would round ￥99.50 to ￥100. Babel does not apply CLDR's
    currencySpacing, so a symbol ending in a letter ('CHF') gets its no-break space here.
    """
    whole = amount == amount.to_integral_value()
    pattern = "¤#,##0" if whole else "¤#,##0.00"
    text = format_currency(amount, code, format=pattern, currency_digits=False, locale=JA)
    number_text = format_decimal(amount, pattern.removeprefix("¤"), locale=JA)
    symbol = text.removesuffix(number_text)
    if symbol and not unicodedata.category(symbol[-1]).startswith(("S", "Z")):
        return f"{symbol}{CURRENCY_SPACE}{number_text}"
    return text


def money(value: Money | Decimal, currency: str | None = None, *, lang: str = "en") -> str:
    """Format an amount with its currency: 'GBP 1,250', 'USD 99.50' in English (the ISO code,
    since '$' is ambiguous to readers in many countries); '￥1,250', '£1,250' in Japanese."""
    amount, code = (value.amount, value.currency) if isinstance(value, Money) else (value, currency)
    if _japanese(lang):
        return _ja_money(Decimal(amount), str(code))
    places = 0 if amount == amount.to_integral_value() else 2
    return f"{code} {amount:,.{places}f}"


def number(value: int, *, lang: str = "en") -> str:
    """Format a count with thousands separators: 12,345 (Babel's ja_JP grouping in Japanese)."""
    if _japanese(lang):
        return format_decimal(value, "#,##0", locale=JA)
    return f"{value:,}"


def template_globals(urls: Urls, settings: Mapping[str, Any]) -> dict[str, Any]:
    """Return what every template may use besides its page data and the Site (which the
    engine passes with each page, since it is loaded after the templates' environment)."""
    policy = settings.get("FURUSATO_CSP", csp.POLICY)
    meta_of = csp.meta_by_path(policy, csp.page_policies(settings.get("FURUSATO_REPOSITORY")))
    return {
        "urls": urls,
        "regions": REGIONS,
        "region_by_slug": BY_SLUG,
        "ROLE_NAMES": ROLE_NAMES,
        "KIND_NAMES": KIND_NAMES,
        "LANG_NAMES": LANG_NAMES,
        "STATUS_NAMES": STATUS_NAMES,
        "SITENAME": settings.get("SITENAME", "Furusato"),
        "SITESUBTITLE": settings.get("SITESUBTITLE", ""),
        # The _headers policy (host_config), repeated in every page's <meta> for hosts
        # that ignore _headers, such as GitHub Pages: the base policy, and each page's own.
        "CSP": csp.meta(policy),
        "page_csp": lambda url: meta_of(urls.save_as(url)),
        # Who publishes the site (None where a development build leaves one unset): the
        # footer and the about page show only what is set. Templates escape them as text.
        "OWNER": ownership(settings),
    }


def ownership(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Return the ownership settings by short name (publisher, contact, license, privacy,
    repository, branch), None where unset; `contact_email` is a mailto: contact's address."""
    contact = settings.get("FURUSATO_CONTACT")
    return {
        "publisher": settings.get("FURUSATO_PUBLISHER"),
        "contact": contact,
        "contact_email": contact[len("mailto:") :]
        if contact and contact.startswith("mailto:")
        else None,
        "license": settings.get("FURUSATO_LICENSE"),
        "privacy": settings.get("FURUSATO_PRIVACY"),
        "repository": settings.get("FURUSATO_REPOSITORY"),
        "branch": settings.get("FURUSATO_BRANCH") or "main",
    }


_FORMATS: dict[str, Callable[..., str]] = {
    "long_date": long_date,
    "iso_date": iso_date,
    "event_when": event_when,
    "event_datetime": event_datetime,
    "map_url": map_url,
    "venue_line": venue_line,
    "venue_place": venue_place,
    "money": money,
    "number": number,
    "fiscal_label": fiscal_label,
}


def filters(lang: str) -> dict[str, Callable[..., str]]:
    """Return the template filters bound to `lang` ("en" or "ja"), a new dict on each call."""
    if not _japanese(lang):
        return dict(_FORMATS)  # the functions themselves: English is their default
    return {name: partial(function, lang=lang) for name, function in _FORMATS.items()}


FILTERS = filters("en")  # the English edition's filters
