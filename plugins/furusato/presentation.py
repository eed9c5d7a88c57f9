"""Template helpers: date formats and names that every page shows the same way."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from .entities import Site
from .regions import REGIONS, BY_SLUG
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
    """Format a date as '5 December 2026'."""
    return f"{value.day} {value:%B %Y}"


def iso_date(value: date | datetime) -> str:
    """Format a date as 2026-12-05, for <time datetime>."""
    return value.strftime("%Y-%m-%d")


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
    }


FILTERS = {"long_date": long_date, "iso_date": iso_date}
