"""Japanese fiscal years (年度, April to March) and their labels: FY2026, 令和8年度.

A fiscal year is named by the calendar year it starts in: FY2026 runs from 1 April 2026 to
31 March 2027. In Japanese it is named by the era in force on its first day, 1 April; when a
new era began during the fiscal year in the same calendar year (Reiwa, 1 May 2019), the new
era's name follows in parentheses, since both are in use: 平成31年度（令和元年度）. An era that
began in the January of a fiscal year's second calendar year (Heisei, 8 January 1989) had no
year in that fiscal year's first calendar year, so FY1988 is 昭和63年度 alone, and 平成元年度 is
FY1989, as official documents name them. The first year of an era is 元年.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

FIRST_MONTH = 4  # a fiscal year starts on 1 April


@dataclass(frozen=True)
class Era:
    """A Japanese era: its name and the day it began."""

    name: str
    began: date


ERAS: tuple[Era, ...] = (  # oldest first; Showa covers every date the site accepts (1970-)
    Era("昭和", date(1926, 12, 25)),
    Era("平成", date(1989, 1, 8)),
    Era("令和", date(2019, 5, 1)),
)


def fiscal_year(day: date) -> int:
    """Return the fiscal year a day belongs to: 31 March 2026 is in FY2025, 1 April in FY2026."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def first_day(year: int) -> date:
    """Return the first day of a fiscal year (1 April)."""
    return date(year, FIRST_MONTH, 1)


def last_day(year: int) -> date:
    """Return the last day of a fiscal year (31 March of the next calendar year)."""
    return date(year + 1, FIRST_MONTH - 1, 31)


def era_of(day: date) -> Era:
    """Return the era in force on a day; refuse a day before the eras this table knows."""
    found = [era for era in ERAS if era.began <= day]
    if not found:
        raise ValueError(f"{day} is before {ERAS[0].began}, the first era this table knows")
    return found[-1]


def era_year(era: Era, year: int) -> str:
    """Name a calendar year in an era: 令和8年, with 元年 for the era's first year."""
    number = year - era.began.year + 1
    if number < 1:
        raise ValueError(f"{year} is before {era.name} began ({era.began})")
    return f"{era.name}{'元' if number == 1 else number}年"


def fiscal_label(year: int, *, lang: str = "en") -> str:
    """Label a fiscal year: 'FY2026' in English; '令和8年度' in Japanese, and
    '平成31年度（令和元年度）' for the fiscal year an era changed in (see the module's rule)."""
    if lang == "en":
        return f"FY{year}"
    if lang != "ja":
        raise ValueError(f"unknown language {lang!r} (known: en, ja)")
    start = first_day(year)
    era = era_of(start)
    label = f"{era_year(era, year)}度"
    later = [e for e in ERAS if start < e.began <= last_day(year) and e.began.year == year]
    if later:
        label += f"（{era_year(later[0], year)}度）"
    return label


def calendar_label(year: int, *, lang: str = "en") -> str:
    """Label a calendar year: '2026' in English, '2026年' in Japanese."""
    if lang == "en":
        return str(year)
    if lang != "ja":
        raise ValueError(f"unknown language {lang!r} (known: en, ja)")
    return f"{year}年"
