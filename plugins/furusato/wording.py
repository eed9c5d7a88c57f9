"""Template helpers: date formats and names that every page shows the same way."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from . import csp
from .entities import Site
from .eventtimes import MONTHS, event_datetime, event_when
from .regions import BY_SLUG, REGIONS
from .schemas import Money, Venue
from .urls import Urls

ROLE_NAMES = {
    "CIR": "Coordinator for International Relations (CIR)",
    "ALT": "Assistant Language Teacher (ALT)",
    "SEA": "Sports Exchange Advisor (SEA)",
    "alumnus": "JET alumnus",
}
KIND_NAMES = {"story": "Story", "guide": "Guide", "news": "News", "proposal": "Policy proposal"}
LANG_NAMES = {"en": "English", "ja": "日本語"}


def long_date(value: date | datetime) -> str:
    """Format a date as '5 December 2026' (English names whatever the build machine's locale)."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def iso_date(value: date | datetime) -> str:
    """Format a date as 2026-12-05, for <time datetime>."""
    return value.strftime("%Y-%m-%d")


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


def template_globals(site: Site, urls: Urls, settings: dict[str, Any]) -> dict[str, Any]:
    """Return what every template may use besides its own page data."""
    return {
        "site": site,
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
    "money": money,
}
