"""Turn impact reports into the CSV and JSON files prefecture staff and other sites download.

docs/impact-data.md is the schema these files promise: the column order, the measures and
their order, the JSON keys. Change both together, and only by adding.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from furusato.entities import ExchangeRates
from furusato.urls import Urls

from .figures import NationalReport, PrefectureReport, ProposalRow, SupportRow, YearFigures

SCHEMA = "furusato-impact/2"
NOTE = (
    "Counts only what is recorded in this site's articles, events and support files; "
    "these are not official statistics."
)
COLUMNS = (
    "prefecture_code",
    "prefecture",
    "prefecture_ja",
    "period",
    "year",
    "measure",
    "breakdown",
    "value",
    "unit",
)
NATIONAL = ("JP", "All prefectures", "全都道府県")  # the prefecture columns of national rows


def amount(value: Decimal) -> str:
    """Write an amount as plain text: 150000 when whole, 1250.50 with a fraction (never 1.5E+3)."""
    if value == value.to_integral_value():
        return format(value.quantize(Decimal(1)), "f")
    return format(value.quantize(Decimal("0.01")), "f")


def figure_rows(f: YearFigures) -> Iterator[tuple[str, str, str, str]]:
    """Yield (measure, breakdown, value, unit) for one year's figures, in the documented order."""
    yield "active_ambassadors", "", str(f.active_ambassadors), "people"
    yield "new_ambassadors", "", str(f.new_ambassadors), "people"
    yield "articles", "", str(f.articles), "articles"
    for kind, count in f.articles_by_kind.items():
        yield "articles_by_kind", kind, str(count), "articles"
    for lang, count in f.articles_by_language.items():
        yield "articles_by_language", lang, str(count), "articles"
    yield "proposals", "", str(f.proposals), "articles"
    for status, count in f.proposals_by_status.items():
        yield "proposals_by_status", status, str(count), "articles"
    yield "events_held", "", str(f.events_held), "events"
    yield "recaps", "", str(f.recaps), "events"
    yield "attendance", "", str(f.attendance), "people"
    yield "events_with_attendance", "", str(f.events_with_attendance), "events"
    for currency, total in f.funds_raised.items():
        yield "funds_raised", currency, amount(total), currency
    for currency, total in f.support.items():
        yield "support", currency, amount(total), currency
    yield "countries", "", str(f.countries), "countries"
    for country, count in f.events_by_country.items():
        yield "events_by_country", country, str(count), "events"


def cell(text: str) -> str:
    """Keep a spreadsheet from running text as a formula: '=cmd' becomes "'=cmd" (OWASP)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(rows: Iterator[tuple[str, ...]]) -> bytes:
    # RFC 4180 wants CRLF; the BOM is how Excel recognises UTF-8 (without it, Excel on
    # Windows reads the file as the local code page and garbles 鳥取県).
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([cell(text) for text in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _report_rows(
    who: tuple[str, str, str], report: PrefectureReport | NationalReport
) -> Iterator[tuple[str, ...]]:
    for f in (*report.years, *report.calendar_years, report.total):
        period = "total" if f.year is None else f.period
        year = "" if f.year is None else str(f.year)
        for row in figure_rows(f):
            yield (*who, period, year, *row)


def _who(report: PrefectureReport) -> tuple[str, str, str]:
    p = report.prefecture
    return p.code, p.name.en, p.name.ja


def prefecture_csv(report: PrefectureReport) -> bytes:
    """Return a prefecture's figures as CSV: every year, then the total."""
    return _csv(_report_rows(_who(report), report))


def national_csv(report: NationalReport) -> bytes:
    """Return every prefecture's figures (JIS order), then those of all prefectures together."""

    def rows() -> Iterator[tuple[str, ...]]:
        for r in report.prefectures:
            yield from _report_rows(_who(r), r)
        yield from _report_rows(NATIONAL, report)

    return _csv(rows())


def figures_dict(f: YearFigures) -> dict[str, Any]:
    """Return one year's figures with the keys and order of the JSON schema."""
    return {
        "period": None if f.year is None else f.period,
        "year": f.year,
        "active_ambassadors": f.active_ambassadors,
        "new_ambassadors": f.new_ambassadors,
        "articles": f.articles,
        "articles_by_kind": dict(f.articles_by_kind),
        "articles_by_language": dict(f.articles_by_language),
        "proposals": f.proposals,
        "proposals_by_status": dict(f.proposals_by_status),
        "events_held": f.events_held,
        "recaps": f.recaps,
        "attendance": f.attendance,
        "events_with_attendance": f.events_with_attendance,
        "funds_raised": [{"currency": c, "amount": amount(v)} for c, v in f.funds_raised.items()],
        "support": [{"currency": c, "amount": amount(v)} for c, v in f.support.items()],
        "countries": f.countries,
        "events_by_country": [{"country": c, "events": n} for c, n in f.events_by_country.items()],
    }


def prefecture_dict(report: PrefectureReport, urls: Urls) -> dict[str, Any]:
    """Return a prefecture's report as the JSON schema's `prefecture` object."""
    p = report.prefecture
    return {
        "prefecture": {
            "code": p.code,
            "slug": p.slug,
            "name_en": p.name.en,
            "name_ja": p.name.ja,
            "url": urls.prefecture(p),
        },
        "as_of": report.as_of.isoformat() if report.as_of else None,
        "fiscal_years": [figures_dict(f) for f in report.years],
        "calendar_years": [figures_dict(f) for f in report.calendar_years],
        "total": figures_dict(report.total),
        "proposals": [proposal_dict(p, urls) for p in report.proposals],
        "support": [support_dict(s, urls) for a in report.activity for s in a.support],
    }


def proposal_dict(p: ProposalRow, urls: Urls) -> dict[str, Any]:
    """Return a proposal as the JSON schema's proposal object."""
    first = p.article.first
    return {
        "number": p.number,
        "title": first.title,
        "lang": first.lang,
        "languages": list(p.article.languages),
        "status": p.status,
        "submitted": p.submitted.isoformat(),
        "decided": p.decided.isoformat() if p.decided else None,
        "response_url": p.response_url,
        "url": urls.article(first),
    }


def support_dict(s: SupportRow, urls: Urls) -> dict[str, Any]:
    """Return one amount of support as the JSON schema's support object."""
    return {
        "fiscal_year": s.fiscal_year,
        "purpose": s.support.purpose,
        "source": s.support.source,
        "name": s.support.name,
        "currency": s.support.amount.currency,
        "amount": amount(s.support.amount.amount),
        "yen": amount(s.yen) if s.yen is not None else None,
        "event": urls.event(s.event) if s.event is not None else None,
    }


def rates_list(rates: ExchangeRates | None) -> list[dict[str, Any]]:
    """Return the recorded exchange rates as the JSON schema's rate objects."""
    if rates is None:
        return []
    return [
        {
            "currency": r.currency,
            "fiscal_year": r.fiscal_year,
            "yen": format(r.yen.normalize(), "f"),
            "date": r.date.isoformat(),
            "source": r.source,
        }
        for r in rates.rates
    ]


def _json(data: dict[str, Any]) -> bytes:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def prefecture_json(report: PrefectureReport, urls: Urls) -> bytes:
    """Return a prefecture's report as JSON (UTF-8, keys in schema order)."""
    return _json(
        {
            "schema": SCHEMA,
            "scope": "prefecture",
            "note": NOTE,
            **prefecture_dict(report, urls),
            "rates": rates_list(report.rates),
        }
    )


def national_json(report: NationalReport, urls: Urls) -> bytes:
    """Return the national report as JSON: all prefectures together, then each one."""
    return _json(
        {
            "schema": SCHEMA,
            "scope": "national",
            "note": NOTE,
            "as_of": report.as_of.isoformat() if report.as_of else None,
            "fiscal_years": [figures_dict(f) for f in report.years],
            "calendar_years": [figures_dict(f) for f in report.calendar_years],
            "total": figures_dict(report.total),
            "rates": rates_list(report.rates),
            "prefectures": [prefecture_dict(r, urls) for r in report.prefectures],
        }
    )
