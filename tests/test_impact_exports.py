"""The CSV and JSON exports, parsed back with the csv and json modules, equal the report."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest

from furusato.reading.loader import Options, load_site
from furusato.schemas import ARTICLE_KINDS
from furusato.urls import Urls
from impact.exports import (
    COLUMNS,
    national_csv,
    national_json,
    prefecture_csv,
    prefecture_json,
)
from impact.figures import LANGUAGES, STATUSES, national_report, report_for
from tests.sitebuild import SITES, TODAY, copy_site

URLS = Urls("https://alumni.example.org")


@pytest.fixture(scope="module")
def site():
    return load_site(Options(root=SITES / "impact", today=date.fromisoformat(TODAY)))


@pytest.fixture(scope="module")
def tottori(site):
    return report_for(site, site.prefectures["tottori"])


def read_csv(data: bytes) -> list[dict[str, str]]:
    """Read an export the way a spreadsheet would: strict UTF-8 after the BOM, CRLF rows."""
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 BOM to read 鳥取県"
    text = data[3:].decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == COLUMNS
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]


def figures_from_rows(rows: list[dict[str, str]]) -> dict:
    """Rebuild {year: {measure: value or {breakdown: value}}} from long-format rows."""
    out: dict = {}
    for row in rows:
        key = "total" if row["period"] == "total" else f"{row['period']}:{row['year']}"
        assert (row["year"] == "") == (row["period"] == "total")
        year = out.setdefault(key, {})
        if row["breakdown"] or row["measure"] in ("funds_raised", "support", "events_by_country"):
            year.setdefault(row["measure"], {})[row["breakdown"]] = row["value"]
        else:
            year[row["measure"]] = row["value"]
    return out


def expected(f) -> dict:
    """The report's figures but funds (compared as Decimals), written as the CSV writes them."""
    return {
        "active_ambassadors": str(f.active_ambassadors),
        "new_ambassadors": str(f.new_ambassadors),
        "articles": str(f.articles),
        "articles_by_kind": {k: str(v) for k, v in f.articles_by_kind.items()},
        "articles_by_language": {k: str(v) for k, v in f.articles_by_language.items()},
        "proposals": str(f.proposals),
        "proposals_by_status": {k: str(v) for k, v in f.proposals_by_status.items()},
        "events_held": str(f.events_held),
        "recaps": str(f.recaps),
        "attendance": str(f.attendance),
        "events_with_attendance": str(f.events_with_attendance),
        "countries": str(f.countries),
        **(
            {"events_by_country": {c: str(n) for c, n in f.events_by_country.items()}}
            if f.events_by_country
            else {}
        ),
    }


def test_prefecture_csv_parses_back_to_the_report(tottori):
    rows = read_csv(prefecture_csv(tottori))
    assert {(r["prefecture_code"], r["prefecture"], r["prefecture_ja"]) for r in rows} == {
        ("JP-31", "Tottori", "鳥取県")
    }
    parsed = figures_from_rows(rows)
    assert list(parsed) == [
        "fiscal:2024",
        "fiscal:2025",
        "fiscal:2026",
        "calendar:2025",
        "calendar:2026",
        "total",
    ]
    for f in (*tottori.years, *tottori.calendar_years, tottori.total):
        year = parsed["total" if f.year is None else f"{f.period}:{f.year}"]
        funds = year.pop("funds_raised", {})
        assert {c: Decimal(v) for c, v in funds.items()} == f.funds_raised
        support = year.pop("support", {})
        assert {c: Decimal(v) for c, v in support.items()} == f.support
        assert year == expected(f)


def test_csv_rows_have_a_fixed_order_and_units(tottori):
    rows = read_csv(prefecture_csv(tottori))
    first_year = [
        (r["measure"], r["breakdown"])
        for r in rows
        if r["year"] == "2025" and r["period"] == "calendar"
    ]
    assert first_year == [
        ("active_ambassadors", ""),
        ("new_ambassadors", ""),
        ("articles", ""),
        *[("articles_by_kind", k) for k in ARTICLE_KINDS],
        *[("articles_by_language", lang) for lang in LANGUAGES],
        ("proposals", ""),
        *[("proposals_by_status", s) for s in STATUSES],
        ("events_held", ""),
        ("recaps", ""),
        ("attendance", ""),
        ("events_with_attendance", ""),
        ("funds_raised", "GBP"),
        ("funds_raised", "JPY"),
        ("countries", ""),
        ("events_by_country", "Australia"),
        ("events_by_country", "Online"),
        ("events_by_country", "United Kingdom"),
    ]
    funds = {
        r["breakdown"]: (r["value"], r["unit"])
        for r in rows
        if r["period"] == "total" and r["measure"] == "funds_raised"
    }
    assert funds == {"GBP": ("1550.75", "GBP"), "JPY": ("200000", "JPY"), "USD": ("800", "USD")}
    units = {r["measure"]: r["unit"] for r in rows if r["measure"] != "funds_raised"}
    assert units["attendance"] == "people"
    assert units["events_held"] == "events"


def test_national_csv_lists_every_prefecture_then_all_together(site):
    national = national_report(site)
    rows = read_csv(national_csv(national))
    codes = list(dict.fromkeys(r["prefecture_code"] for r in rows))
    assert codes == ["JP-31", "JP-32", "JP-33", "JP"]
    okayama = [r for r in rows if r["prefecture_code"] == "JP-33"]
    assert {r["period"] for r in okayama} == {"total"}  # nothing recorded: a total of zeros
    assert {r["value"] for r in okayama} == {"0"}
    by_measure = figures_from_rows([r for r in rows if r["prefecture_code"] == "JP"])
    assert by_measure["total"]["funds_raised"] == {
        "AUD": "2000",
        "GBP": "1550.75",
        "JPY": "200000",
        "USD": "800",
    }
    assert by_measure["calendar:2026"]["attendance"] == "185"
    shimane = figures_from_rows([r for r in rows if r["prefecture_code"] == "JP-32"])
    assert shimane["total"].pop("funds_raised") == {"AUD": "2000"}
    assert shimane["total"] == expected(national.prefectures[1].total)


def test_prefecture_json_parses_back_to_the_report(tottori):
    data = json.loads(prefecture_json(tottori, URLS).decode("utf-8"))
    assert list(data) == [
        "schema",
        "scope",
        "note",
        "prefecture",
        "as_of",
        "fiscal_years",
        "calendar_years",
        "total",
        "proposals",
        "support",
        "rates",
    ]
    assert data["schema"] == "furusato-impact/2"
    assert data["prefecture"] == {
        "code": "JP-31",
        "slug": "tottori",
        "name_en": "Tottori",
        "name_ja": "鳥取県",
        "url": "https://alumni.example.org/tottori/",
    }
    assert data["as_of"] == "2026-08-20"
    for got, f in zip(
        [*data["fiscal_years"], *data["calendar_years"], data["total"]],
        [*tottori.years, *tottori.calendar_years, tottori.total],
        strict=True,
    ):
        assert got["year"] == f.year
        assert got["period"] == (None if f.year is None else f.period)
        assert got["new_ambassadors"] == f.new_ambassadors
        assert got["active_ambassadors"] == f.active_ambassadors
        assert got["articles_by_kind"] == f.articles_by_kind
        assert got["articles_by_language"] == f.articles_by_language
        assert got["proposals_by_status"] == f.proposals_by_status
        assert (got["events_held"], got["attendance"], got["events_with_attendance"]) == (
            f.events_held,
            f.attendance,
            f.events_with_attendance,
        )
        assert {m["currency"]: Decimal(m["amount"]) for m in got["funds_raised"]} == (
            f.funds_raised
        )
        assert all(isinstance(m["amount"], str) for m in got["funds_raised"])
        assert {c["country"]: c["events"] for c in got["events_by_country"]} == (
            f.events_by_country
        )
        assert got["countries"] == f.countries
    assert data["proposals"][2] == {
        "number": "TOT-2026-01",
        "title": "同窓生窓口の設置",
        "lang": "ja",
        "languages": ["ja"],
        "status": "adopted",
        "submitted": "2026-04-01",
        "decided": "2026-07-15",
        "response_url": "https://example.org/tottori/responses/alumni-desk",
        "url": "https://alumni.example.org/tottori/articles/alumni-desk/",
    }
    assert [p["number"] for p in data["proposals"]] == [
        "TOT-2025-01",
        "TOT-2025-02",
        "TOT-2026-01",
        "TOT-2026-02",
    ]
    assert data["proposals"][3]["decided"] is None


def test_json_keeps_japanese_as_text_and_keys_in_schema_order(tottori):
    raw = prefecture_json(tottori, URLS)
    assert "鳥取県".encode() in raw  # not \\u escapes
    total = json.loads(raw)["total"]
    assert list(total) == [
        "period",
        "year",
        "active_ambassadors",
        "new_ambassadors",
        "articles",
        "articles_by_kind",
        "articles_by_language",
        "proposals",
        "proposals_by_status",
        "events_held",
        "recaps",
        "attendance",
        "events_with_attendance",
        "funds_raised",
        "support",
        "countries",
        "events_by_country",
    ]


def test_national_json_holds_every_prefecture_and_the_national_total(site):
    national = national_report(site)
    data = json.loads(national_json(national, URLS))
    assert data["scope"] == "national"
    assert [p["prefecture"]["slug"] for p in data["prefectures"]] == [
        "tottori",
        "shimane",
        "okayama",
    ]
    assert data["prefectures"][2]["as_of"] is None
    assert data["prefectures"][2]["fiscal_years"] == []
    assert data["total"]["funds_raised"] == [
        {"currency": "AUD", "amount": "2000"},
        {"currency": "GBP", "amount": "1550.75"},
        {"currency": "JPY", "amount": "200000"},
        {"currency": "USD", "amount": "800"},
    ]
    assert data["as_of"] == "2026-10-10"


def test_exports_are_the_same_bytes_every_time(site):
    again = load_site(Options(root=SITES / "impact", today=date.fromisoformat(TODAY)))
    assert national_csv(national_report(site)) == national_csv(national_report(again))
    assert national_json(national_report(site), URLS) == national_json(national_report(again), URLS)


def test_a_country_written_as_a_formula_is_not_run_by_a_spreadsheet(tmp_path):
    rel = "content/shimane/events/2026-10-10-melbourne-picnic.md"
    text = (SITES / "impact" / rel).read_text(encoding="utf-8")
    root = copy_site(
        "impact",
        tmp_path / "site",
        {rel: text.replace("country: Australia", "country: '=HYPERLINK(\"https://example.org\")'")},
    )
    site = load_site(Options(root=root, today=date.fromisoformat(TODAY)))
    report = report_for(site, site.prefectures["shimane"])
    rows = read_csv(prefecture_csv(report))
    countries = {r["breakdown"] for r in rows if r["measure"] == "events_by_country"}
    assert countries == {'\'=HYPERLINK("https://example.org")'}
    data = json.loads(prefecture_json(report, URLS))  # JSON is data, not a spreadsheet
    assert data["total"]["events_by_country"][0]["country"] == '=HYPERLINK("https://example.org")'
