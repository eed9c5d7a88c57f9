"""Fiscal years run April to March, and their Japanese labels follow the era table."""

from __future__ import annotations

from datetime import date

import pytest

from furusato.fiscal import (
    ERAS,
    calendar_label,
    era_of,
    era_year,
    first_day,
    fiscal_label,
    fiscal_year,
    last_day,
)


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2026, 3, 31), 2025),
        (date(2026, 4, 1), 2026),
        (date(2026, 12, 31), 2026),
        (date(2027, 1, 1), 2026),
        (date(2027, 3, 31), 2026),
        (date(2027, 4, 1), 2027),
        (date(2019, 4, 30), 2019),
        (date(2019, 5, 1), 2019),
        (date(1989, 1, 7), 1988),
        (date(1989, 1, 8), 1988),
        (date(1970, 1, 1), 1969),
    ],
)
def test_fiscal_year_starts_on_1_april(day: date, year: int) -> None:
    assert fiscal_year(day) == year
    assert first_day(year) <= day <= last_day(year)


def test_every_day_of_a_fiscal_year_belongs_to_it() -> None:
    day = first_day(2027)
    while day <= last_day(2027):
        assert fiscal_year(day) == 2027, day
        day = date.fromordinal(day.toordinal() + 1)
    assert fiscal_year(day) == 2028
    assert last_day(2024) == date(2025, 3, 31)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(1989, 1, 7), "昭和"),
        (date(1989, 1, 8), "平成"),
        (date(2019, 4, 30), "平成"),
        (date(2019, 5, 1), "令和"),
        (date(2026, 11, 24), "令和"),
    ],
)
def test_era_in_force(day: date, name: str) -> None:
    assert era_of(day).name == name


def test_era_year_one_is_gannen_and_before_an_era_is_refused() -> None:
    reiwa = ERAS[-1]
    assert era_year(reiwa, 2019) == "令和元年"
    assert era_year(reiwa, 2020) == "令和2年"
    assert era_year(ERAS[1], 2018) == "平成30年"
    with pytest.raises(ValueError, match="before 令和"):
        era_year(reiwa, 2018)
    with pytest.raises(ValueError, match="first era"):
        era_of(date(1900, 1, 1))


@pytest.mark.parametrize(
    ("year", "en", "ja"),
    [
        (2026, "FY2026", "令和8年度"),
        (2025, "FY2025", "令和7年度"),
        (2020, "FY2020", "令和2年度"),
        # Reiwa began on 1 May 2019, inside FY2019: the era of 1 April first, then the new one
        (2019, "FY2019", "平成31年度（令和元年度）"),
        (2018, "FY2018", "平成30年度"),
        (1990, "FY1990", "平成2年度"),
        (1989, "FY1989", "平成元年度"),
        # Heisei began on 8 January 1989, inside FY1988 but with no year in 1988
        (1988, "FY1988", "昭和63年度"),
        (1970, "FY1970", "昭和45年度"),
    ],
)
def test_fiscal_labels(year: int, en: str, ja: str) -> None:
    assert fiscal_label(year, lang="en") == en
    assert fiscal_label(year, lang="ja") == ja


def test_calendar_labels_and_unknown_language() -> None:
    assert calendar_label(2026) == "2026"
    assert calendar_label(2026, lang="ja") == "2026年"
    with pytest.raises(ValueError):
        fiscal_label(2026, lang="fr")
    with pytest.raises(ValueError):
        calendar_label(2026, lang="fr")
