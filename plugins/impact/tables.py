"""Lay out a report's figures and rows as tables in one language: the same tables the report
page shows and the workbook's sheets hold, so a sheet is shaped like its table, cell by cell.

A cell keeps its value typed (a count, an amount with its currency, a day, text, a status),
so the page formats it for reading and the workbook writes a real number or date.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from furusato.catalog import N_, gettext
from furusato.fiscal import calendar_label, fiscal_label
from furusato.urls import Urls
from furusato.wording import KIND_NAMES, LANG_NAMES, ROLE_NAMES, STATUS_NAMES, money

from .figures import (
    FISCAL,
    ONLINE,
    STATUSES,
    Activity,
    NationalReport,
    PrefectureReport,
    YearFigures,
)

SOURCE_NAMES = {
    "prefecture": N_("Prefecture"),
    "municipality": N_("Municipality"),
    "other": N_("Other"),
}


@dataclass(frozen=True)
class Cell:
    """One table cell: a typed value, and what the page adds (a link, a language, a badge)."""

    kind: str  # "count", "amount", "day", "text", "status", "lines", "empty"
    value: object = None  # int, Decimal, date, str, a status, or a tuple of cells ("lines")
    currency: str | None = None  # for "amount"
    href: str | None = None
    lang: str | None = None  # the language of text written in another language than the page
    header: bool = False  # the row's header cell (<th scope="row">)

    @property
    def text(self) -> str:
        """Return the cell as plain text in a language-neutral form (wide CSV, tests)."""
        if self.kind == "amount":
            return _plain(self.value)  # type: ignore[arg-type]
        if self.kind == "day":
            return self.value.isoformat()  # type: ignore[union-attr]
        if self.kind == "lines":
            return "\n".join(c.text for c in self.value)  # type: ignore[union-attr]
        if self.kind == "empty":
            return ""
        return str(self.value)


EMPTY = Cell("empty")


def _plain(value: Decimal) -> str:
    if value == value.to_integral_value():
        return format(value.quantize(Decimal(1)), "f")
    return format(value.quantize(Decimal("0.01")), "f")


def count(value: int, href: str | None = None, header: bool = False) -> Cell:
    return Cell("count", value, href=href if value else None, header=header)


def amount(value: Decimal | None, currency: str) -> Cell:
    return EMPTY if value is None else Cell("amount", value, currency=currency)


def day(value: date | None) -> Cell:
    return EMPTY if value is None else Cell("day", value)


def text(
    value: str | None, href: str | None = None, lang: str | None = None, header: bool = False
) -> Cell:
    return EMPTY if value is None else Cell("text", value, href=href, lang=lang, header=header)


@dataclass(frozen=True)
class Group:
    """Rows of one year inside a table (a <tbody> the year's figures link to)."""

    id: str | None
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Table:
    """A table as the page shows it and the workbook's sheet holds it."""

    id: str
    sheet: str  # the workbook sheet's name (at most 31 characters)
    caption: str
    columns: tuple[str, ...]
    groups: tuple[Group, ...]
    foot: tuple[Cell, ...] | None = None
    summary: bool = False  # a table of figures only: also written as a wide CSV

    @property
    def rows(self) -> list[tuple[Cell, ...]]:
        """Return every body row, in order, then the footer row."""
        rows = [row for group in self.groups for row in group.rows]
        return rows + ([self.foot] if self.foot else [])


def _t(lang: str, msgid: str, **values: str) -> str:
    text_ = _message(lang, msgid)
    return text_ % values if values else text_


@functools.cache
def _message(lang: str, msgid: str) -> str:
    """Return a message in `lang`: a report's tables ask for the same few messages thousands
    of times. Forgotten at the start of each build (forget_messages), which reads the
    catalog again, so the devserver shows an edited translation."""
    return gettext(lang, msgid)


def forget_messages() -> None:
    """Forget the messages read from the catalogs (a build starts)."""
    _message.cache_clear()


def year_label(f: YearFigures, lang: str) -> str:
    """Label a year of figures: FY2026 / 令和8年度, 2026 / 2026年, or Total / 合計."""
    if f.year is None:
        return _t(lang, N_("Total"))
    return (
        fiscal_label(f.year, lang=lang) if f.period == FISCAL else calendar_label(f.year, lang=lang)
    )


def _yen_currencies(
    report: PrefectureReport | NationalReport, currencies: tuple[str, ...]
) -> list[str]:
    """Return the currencies other than yen that a recorded rate converts in some year."""
    years = [f.year for f in report.years]
    return [
        c
        for c in currencies
        if c != "JPY" and report.rates is not None and any(report.rates.rate(c, y) for y in years)
    ]


def _yen_total(report, currency: str, attribute: str) -> Decimal | None:
    """Return the yen of every year's amounts in a currency, or None unless each has a rate."""
    total = Decimal(0)
    for f in report.years:
        value = getattr(f, attribute).get(currency)
        if value:
            yen = report.yen(currency, f.year, value)
            if yen is None:
                return None
            total += yen
    return total


def _figure_cells(
    f: YearFigures,
    report: PrefectureReport | NationalReport,
    links: bool,
    support: bool,
) -> list[Cell]:
    def link(what: str, value: int) -> str | None:
        return f"#{f.key}-{what}" if links and f.year is not None and value else None

    cells = [
        count(f.active_ambassadors),
        count(f.new_ambassadors, link("ambassadors", f.new_ambassadors)),
        count(f.articles, link("articles", f.articles)),
        count(f.proposals, link("proposals", f.proposals)),
        count(f.events_held, link("events", f.events_held)),
        count(f.attendance),
    ]
    for currency in report.currencies:
        cells.append(amount(f.funds_raised.get(currency, Decimal(0)), currency))
    for currency in _yen_currencies(report, report.currencies):
        value = f.funds_raised.get(currency, Decimal(0))
        yen = (
            _yen_total(report, currency, "funds_raised")
            if f.year is None
            else report.yen(currency, f.year, value)
        )
        cells.append(amount(yen, "JPY"))
    if support:
        for currency in report.support_currencies:
            cells.append(amount(f.support.get(currency, Decimal(0)), currency))
        for currency in _yen_currencies(report, report.support_currencies):
            value = f.support.get(currency, Decimal(0))
            yen = (
                _yen_total(report, currency, "support")
                if f.year is None
                else report.yen(currency, f.year, value)
            )
            cells.append(amount(yen, "JPY"))
    cells.append(count(f.countries))
    return cells


def _figure_columns(
    report: PrefectureReport | NationalReport, lang: str, support: bool
) -> list[str]:
    columns = [
        _t(lang, N_("Active ambassadors")),
        _t(lang, N_("New ambassadors")),
        _t(lang, N_("Articles")),
        _t(lang, N_("Policy proposals")),
        _t(lang, N_("Events held")),
        _t(lang, N_("Attendance")),
    ]
    columns += [_t(lang, N_("Funds raised (%(currency)s)"), currency=c) for c in report.currencies]
    columns += [
        _t(lang, N_("Funds raised (%(currency)s) in yen"), currency=c)
        for c in _yen_currencies(report, report.currencies)
    ]
    if support:
        columns += [
            _t(lang, N_("Support given (%(currency)s)"), currency=c)
            for c in report.support_currencies
        ]
        columns += [
            _t(lang, N_("Support given (%(currency)s) in yen"), currency=c)
            for c in _yen_currencies(report, report.support_currencies)
        ]
    columns.append(_t(lang, N_("Countries")))
    return columns


def years_table(
    report: PrefectureReport | NationalReport,
    lang: str,
    *,
    calendar: bool = False,
    links: bool = True,
) -> Table:
    """The figures by fiscal year (each count linking to its rows), or by calendar year."""
    years = report.calendar_years if calendar else report.years
    support = not calendar
    columns = [
        _t(lang, N_("Calendar year") if calendar else N_("Fiscal year")),
        *_figure_columns(report, lang, support),
    ]
    rows = tuple(
        (
            text(year_label(f, lang), header=True),
            *_figure_cells(f, report, links and not calendar, support),
        )
        for f in years
    )
    foot = (
        text(_t(lang, N_("Total")), header=True),
        *_figure_cells(report.total, report, False, support),
    )
    return Table(
        id="calendar-years" if calendar else "fiscal-years",
        sheet=_t(lang, N_("Calendar years") if calendar else N_("Fiscal years")),
        caption=_t(
            lang,
            N_("Figures by calendar year (January to December)")
            if calendar
            else N_("Figures by fiscal year (April to March)"),
        ),
        columns=tuple(columns),
        groups=(Group(None, rows),),
        foot=foot,
        summary=True,
    )


def _group_id(activity: Activity, what: str) -> str:
    return f"fy{activity.year}-{what}"


def events_table(report: PrefectureReport, urls: Urls, lang: str) -> Table:
    """Events held, by fiscal year: where, who organised them, and what they recorded."""
    groups = []
    for activity in report.activity:
        rows = []
        for row in activity.events:
            event = row.side(lang)
            funds = event.meta.funds_raised or row.first.meta.funds_raised
            support = tuple(
                amount(s.support.amount.amount, s.support.amount.currency) for s in row.support
            )
            recaps = tuple(
                text(
                    r.side(lang).title, urls.article(r.side(lang)), _other(r.side(lang).lang, lang)
                )
                for r in row.recaps
            )
            organizer = row.first.organizer
            rows.append(
                (
                    text(fiscal_label(activity.year, lang=lang)),
                    day(row.start),
                    text(event.title, urls.event(event), _other(event.lang, lang), header=True),
                    text(row.city) if row.city else EMPTY,
                    text(_t(lang, N_("Online")) if row.country == ONLINE else row.country),
                    text(
                        organizer.name_ja if lang == "ja" and organizer.name_ja else organizer.name
                    ),
                    count(row.first.meta.attendance)
                    if row.first.meta.attendance is not None
                    else EMPTY,
                    amount(funds.amount, funds.currency) if funds else EMPTY,
                    Cell("lines", support) if support else EMPTY,
                    Cell("lines", recaps) if recaps else EMPTY,
                )
            )
        if rows:
            groups.append(Group(_group_id(activity, "events"), tuple(rows)))
    return Table(
        id="events",
        sheet=_t(lang, N_("Events")),
        caption=_t(lang, N_("Events held, by fiscal year")),
        columns=tuple(
            _t(lang, c)
            for c in (
                N_("Fiscal year"),
                N_("Date"),
                N_("Event"),
                N_("City"),
                N_("Country"),
                N_("Organiser"),
                N_("Attendance"),
                N_("Funds raised"),
                N_("Support given"),
                N_("Recap"),
            )
        ),
        groups=tuple(groups),
    )


def _other(written: str, lang: str) -> str | None:
    return written if written != lang else None


def _languages(languages: tuple[str, ...], lang: str) -> str:
    return (", " if lang == "en" else "、").join(_t(lang, LANG_NAMES[code]) for code in languages)


def articles_table(report: PrefectureReport, urls: Urls, lang: str) -> Table:
    """Articles published, by fiscal year: a translation pair once, with its languages."""
    groups = []
    for activity in report.activity:
        rows = []
        for row in activity.articles:
            article = row.side(lang)
            rows.append(
                (
                    text(fiscal_label(activity.year, lang=lang)),
                    day(row.published),
                    text(
                        article.title,
                        urls.article(article),
                        _other(article.lang, lang),
                        header=True,
                    ),
                    text(_t(lang, KIND_NAMES[row.kind])),
                    text(_languages(row.languages, lang)),
                    text(
                        row.first.author.name_ja
                        if lang == "ja" and row.first.author.name_ja
                        else row.first.author.name
                    ),
                )
            )
        if rows:
            groups.append(Group(_group_id(activity, "articles"), tuple(rows)))
    return Table(
        id="articles",
        sheet=_t(lang, N_("Articles")),
        caption=_t(lang, N_("Articles published, by fiscal year")),
        columns=tuple(
            _t(lang, c)
            for c in (
                N_("Fiscal year"),
                N_("Date"),
                N_("Title"),
                N_("Kind"),
                N_("Languages"),
                N_("Author"),
            )
        ),
        groups=tuple(groups),
    )


def proposal_cells(p, urls: Urls, lang: str, fy: bool = True) -> tuple[Cell, ...]:
    """Return a proposal's cells: number, title, status, days, the prefecture's response."""
    from furusato.fiscal import fiscal_year

    article = p.article.side(lang)
    cells = [text(fiscal_label(fiscal_year(p.submitted), lang=lang))] if fy else []
    cells += [
        text(p.number),
        text(article.title, urls.article(article), _other(article.lang, lang), header=True),
        Cell("status", p.status),
        day(p.submitted),
        day(p.decided),
        text(_t(lang, N_("Response")), p.response_url) if p.response_url else EMPTY,
    ]
    return tuple(cells)


def proposal_columns(lang: str, fy: bool = True) -> tuple[str, ...]:
    names = [N_("Fiscal year")] if fy else []
    names += [
        N_("Number"),
        N_("Title"),
        N_("Status"),
        N_("Submitted on"),
        N_("Decided on"),
        N_("Prefecture's response"),
    ]
    return tuple(_t(lang, n) for n in names)


def proposals_table(report: PrefectureReport, urls: Urls, lang: str) -> Table:
    """Policy proposals, by the fiscal year they were submitted in."""
    groups = []
    for activity in report.activity:
        rows = tuple(proposal_cells(p, urls, lang) for p in activity.proposals)
        if rows:
            groups.append(Group(_group_id(activity, "proposals"), rows))
    return Table(
        id="proposals",
        sheet=_t(lang, N_("Proposals")),
        caption=_t(lang, N_("Policy proposals, by the fiscal year they were submitted in")),
        columns=proposal_columns(lang),
        groups=tuple(groups),
    )


def ambassadors_table(report: PrefectureReport, urls: Urls, lang: str) -> Table:
    """New ambassadors: in the fiscal year of their first article or held event."""
    groups = []
    for activity in report.activity:
        rows = tuple(
            (
                text(fiscal_label(activity.year, lang=lang)),
                text(
                    n.ambassador.name_ja
                    if lang == "ja" and n.ambassador.name_ja
                    else n.ambassador.name,
                    urls.ambassador(n.prefecture, n.ambassador),
                    header=True,
                ),
                text(_t(lang, ROLE_NAMES[n.ambassador.role])),
                day(n.first),
            )
            for n in activity.ambassadors
        )
        if rows:
            groups.append(Group(_group_id(activity, "ambassadors"), rows))
    return Table(
        id="ambassadors",
        sheet=_t(lang, N_("New ambassadors")),
        caption=_t(lang, N_("New ambassadors, by the fiscal year of their first article or event")),
        columns=tuple(
            _t(lang, c) for c in (N_("Fiscal year"), N_("Name"), N_("Role"), N_("First activity"))
        ),
        groups=tuple(groups),
    )


def support_table(report: PrefectureReport, urls: Urls, lang: str) -> Table:
    """Support given, by fiscal year: for held events, and yearly costs not tied to an event."""
    groups = []
    for activity in report.activity:
        rows = []
        for s in activity.support:
            event = s.event
            rows.append(
                (
                    text(fiscal_label(activity.year, lang=lang)),
                    day(s.day),
                    text(s.support.purpose, lang=_other(s.lang, lang), header=True),
                    text(_t(lang, SOURCE_NAMES[s.support.source])),
                    text(s.support.name, lang=_other(s.lang, lang)) if s.support.name else EMPTY,
                    text(event.title, urls.event(event), _other(event.lang, lang))
                    if event is not None
                    else text(_t(lang, N_("Yearly costs"))),
                    amount(s.support.amount.amount, s.support.amount.currency),
                    amount(s.yen, "JPY"),
                )
            )
        if rows:
            groups.append(Group(_group_id(activity, "support"), tuple(rows)))
    return Table(
        id="support",
        sheet=_t(lang, N_("Support")),
        caption=_t(
            lang, N_("Support given by the prefecture, municipalities and others, by fiscal year")
        ),
        columns=tuple(
            _t(lang, c)
            for c in (
                N_("Fiscal year"),
                N_("Date"),
                N_("Purpose"),
                N_("Source"),
                N_("Given by"),
                N_("For"),
                N_("Amount"),
                N_("In yen (recorded rate)"),
            )
        ),
        groups=tuple(groups),
    )


def kinds_table(report: PrefectureReport | NationalReport, lang: str) -> Table:
    """Articles by kind and by language, by fiscal year."""
    from furusato.schemas import ARTICLE_KINDS

    from .figures import LANGUAGES

    def cells(f: YearFigures) -> tuple[Cell, ...]:
        return (
            text(year_label(f, lang), header=True),
            *(count(f.articles_by_kind[k]) for k in ARTICLE_KINDS),
            *(count(f.articles_by_language[code]) for code in LANGUAGES),
        )

    return Table(
        id="articles-by-kind",
        sheet=_t(lang, N_("Kinds and languages")),
        caption=_t(lang, N_("Articles by kind and language, by fiscal year")),
        columns=(
            _t(lang, N_("Fiscal year")),
            *(_t(lang, KIND_NAMES[k]) for k in ARTICLE_KINDS),
            *(_t(lang, N_("In %(language)s"), language=_t(lang, LANG_NAMES[c])) for c in LANGUAGES),
        ),
        groups=(Group(None, tuple(cells(f) for f in report.years)),),
        foot=cells(report.total),
        summary=True,
    )


def statuses_table(report: PrefectureReport | NationalReport, lang: str) -> Table:
    """Policy proposals by status, by the fiscal year they were submitted in."""

    def cells(f: YearFigures) -> tuple[Cell, ...]:
        return (
            text(year_label(f, lang), header=True),
            *(count(f.proposals_by_status[s]) for s in STATUSES),
            count(f.proposals),
        )

    return Table(
        id="proposals-by-status",
        sheet=_t(lang, N_("Proposal statuses")),
        caption=_t(lang, N_("Policy proposals by status, by fiscal year")),
        columns=(
            _t(lang, N_("Fiscal year")),
            *(_t(lang, STATUS_NAMES[s]) for s in STATUSES),
            _t(lang, N_("All proposals")),
        ),
        groups=(Group(None, tuple(cells(f) for f in report.years)),),
        foot=cells(report.total),
        summary=True,
    )


def countries_table(report: PrefectureReport | NationalReport, lang: str) -> Table:
    """Events held by country (as written; "Online" without a venue), all years."""
    rows = tuple(
        (text(_t(lang, N_("Online")) if c == ONLINE else c, header=True), count(n))
        for c, n in report.total.events_by_country.items()
    )
    return Table(
        id="events-by-country",
        sheet=_t(lang, N_("Countries")),
        caption=_t(lang, N_("Events held by country, all years")),
        columns=(_t(lang, N_("Country")), _t(lang, N_("Events held"))),
        groups=(Group(None, rows),),
    )


def prefecture_tables(report: PrefectureReport, urls: Urls, lang: str) -> dict[str, Table]:
    """Return a prefecture report's tables, by id, in the order the page shows them."""
    tables = [
        years_table(report, lang),
        events_table(report, urls, lang),
        articles_table(report, urls, lang),
        proposals_table(report, urls, lang),
        ambassadors_table(report, urls, lang),
        support_table(report, urls, lang),
        kinds_table(report, lang),
        statuses_table(report, lang),
        countries_table(report, lang),
        years_table(report, lang, calendar=True),
    ]
    return {t.id: t for t in tables}


def prefectures_table(report: NationalReport, urls: Urls, lang: str) -> Table:
    """Every prefecture's figures in total, in the order of their codes."""
    rows = tuple(
        (
            text(
                getattr(r.prefecture.name, lang),
                urls.edition_in_prefecture(r.prefecture, "impact/"),
                header=True,
            ),
            *_figure_cells(r.total, report, False, True),
        )
        for r in report.prefectures
    )
    foot = (
        text(_t(lang, N_("All prefectures")), header=True),
        *_figure_cells(report.total, report, False, True),
    )
    return Table(
        id="by-prefecture",
        sheet=_t(lang, N_("Prefectures")),
        caption=_t(lang, N_("Figures by prefecture, all years")),
        columns=(_t(lang, N_("Prefecture")), *_figure_columns(report, lang, True)),
        groups=(Group(None, rows),),
        foot=foot,
        summary=True,
    )


def national_tables(report: NationalReport, urls: Urls, lang: str) -> dict[str, Table]:
    """Return the national report's tables, by id, in the order the page shows them."""
    tables = [
        prefectures_table(report, urls, lang),
        years_table(report, lang, links=False),
        years_table(report, lang, calendar=True),
    ]
    return {t.id: t for t in tables}


def amount_text(cell: Cell, lang: str) -> str:
    """Format an amount cell for reading (the page and the workbook's text cells)."""
    return money(cell.value, cell.currency, lang=lang)  # type: ignore[arg-type]
