"""Say each fact one way, everywhere: dates, event times (in the event's own zone, with its
UTC offset), venues, money, and the names of roles, kinds and languages. Pages, feeds,
calendars and exports all format through here, so an event reads the same in each.

Names of days and months are spelled out here rather than taken from `strftime`, which
follows the build machine's locale (Pelican sets it from the environment): the same event
must read the same on every machine.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from . import csp
from .catalog import N_
from .entities import Event
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


def utc_offset(moment: datetime) -> str:
    """Format the UTC offset of an aware datetime as 'UTC+09:00' or 'UTC−05:00'.

    A negative offset takes the minus sign (U+2212): screen readers say "minus", and browsers
    do not break the line after it as they do after a hyphen.
    """
    offset = moment.utcoffset() or timedelta()
    sign = "\u2212" if offset < timedelta() else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def zone_label(moment: datetime) -> str:
    """Name the zone at that moment: 'GMT (UTC+00:00)', or just 'UTC−03:00' with no abbreviation.

    tzdata gives many zones only a numeric abbreviation ('-03'), which says nothing the
    offset does not.
    """
    abbreviation = moment.tzname() or ""
    offset = utc_offset(moment)
    if abbreviation == "UTC":
        return "UTC"
    if not abbreviation or abbreviation[0] in "+-" or abbreviation[0].isdigit():
        return offset
    return f"{abbreviation} ({offset})"


def day_name(day: date) -> str:
    """Format a date as 'Sat 5 December 2026'."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def clock(moment: datetime) -> str:
    """Format a time of day as '18:30'."""
    return f"{moment:%H:%M}"


def date_span(first: date, last: date) -> str:
    """Format an inclusive range of days: '5–6 December 2026', '30 November – 2 December 2026'."""
    if first == last:
        return day_name(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {MONTHS[last.month - 1]} {last.year}"
    if first.year == last.year:
        first_part = f"{first.day} {MONTHS[first.month - 1]}"
        return f"{first_part} – {last.day} {MONTHS[last.month - 1]} {last.year}"
    return (
        f"{first.day} {MONTHS[first.month - 1]} {first.year} – "
        f"{last.day} {MONTHS[last.month - 1]} {last.year}"
    )


def time_span(start: datetime, end: datetime) -> str:
    """Format a timed span in its zone: 'Sat 5 December 2026, 18:30–21:00 GMT (UTC+00:00)'.

    When the offset changes in between (a night across a daylight-saving change), each end
    carries its own zone label.
    """
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


def event_when(event: Event, zone_name: bool = True) -> str:
    """Say when an event happens, in its zone; `zone_name` adds the IANA name (Europe/London)."""
    if not isinstance(event.start, datetime) or not isinstance(event.end, datetime):
        return f"{date_span(event.starts_on(), event.ends_on())} (all day)"
    text = time_span(event.start, event.end)
    if zone_name and event.zone is not None and event.zone.key not in UTC_NAMES:
        text += f", {event.zone.key}"
    return text


def event_datetime(event: Event) -> str:
    """Return the machine-readable start for <time datetime>: 2026-12-05T18:30+00:00 or a date."""
    if isinstance(event.start, datetime):
        return event.start.isoformat(timespec="minutes")
    return event.start.isoformat()


def long_date(value: date | datetime) -> str:
    """Format a date as '5 December 2026' (English names whatever the build machine's locale)."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def iso_date(value: date | datetime) -> str:
    """Format a date as 2026-12-05, for <time datetime>."""
    return value.strftime("%Y-%m-%d")


def venue_line(venue: Venue) -> str:
    """Say where a venue is in one line: 'Hall, 1 Main St, Vancouver, Canada'."""
    parts = [venue.name, venue.address, venue.city, venue.country]
    return ", ".join(p for p in parts if p)


def venue_place(venue: Venue) -> str:
    """Name a venue's city and country: 'Vancouver, Canada' (lists, reports)."""
    return f"{venue.city}, {venue.country}"


def map_url(venue: Venue) -> str:
    """Return an OpenStreetMap search for a venue (name, address, city, country)."""
    parts = [venue.name, venue.address, venue.city, venue.country]
    return "https://www.openstreetmap.org/search?" + urlencode(
        {"query": ", ".join(p for p in parts if p)}
    )


def money(value: Money | Decimal, currency: str | None = None) -> str:
    """Format an amount with its currency code: 'GBP 1,250', 'USD 99.50' (events and reports)."""
    amount, code = (value.amount, value.currency) if isinstance(value, Money) else (value, currency)
    places = 0 if amount == amount.to_integral_value() else 2
    return f"{code} {amount:,.{places}f}"


def template_globals(urls: Urls, settings: Mapping[str, Any]) -> dict[str, Any]:
    """Return what every template may use besides its page data and the Site (which the
    engine passes with each page, since it is loaded after the templates' environment)."""
    return {
        "urls": urls,
        "regions": REGIONS,
        "region_by_slug": BY_SLUG,
        "ROLE_NAMES": ROLE_NAMES,
        "KIND_NAMES": KIND_NAMES,
        "LANG_NAMES": LANG_NAMES,
        "SITENAME": settings.get("SITENAME", "Furusato"),
        "SITESUBTITLE": settings.get("SITESUBTITLE", ""),
        # The _headers policy (host_config), repeated in every page's <meta> for hosts
        # that ignore _headers, such as GitHub Pages.
        "CSP": csp.meta(settings.get("FURUSATO_CSP", csp.POLICY)),
    }


FILTERS = {
    "long_date": long_date,
    "iso_date": iso_date,
    "event_when": event_when,
    "event_datetime": event_datetime,
    "map_url": map_url,
    "venue_line": venue_line,
    "venue_place": venue_place,
    "money": money,
}
