"""Write the "local return" reports (/<slug>/impact/ and /impact/ pages, their workbooks, CSV
and JSON) and the policy proposals pages (/<slug>/proposals/, /proposals/, by status)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from markupsafe import Markup
from pelican import signals

from furusato.catalog import N_, gettext
from furusato.fingerprint import fingerprint
from furusato.fiscal import fiscal_label
from furusato.schemas import ARTICLE_KINDS
from furusato.urls import LANGUAGES as EDITIONS
from furusato.wording import STATUS_NAMES, money, number
from furusato_engine import SiteGenerator, SiteWriter, require

from .charts import Bar, bar_chart
from .exports import (
    national_csv,
    national_json,
    prefecture_csv,
    prefecture_json,
)
from .figures import (
    LANGUAGES,
    ONLINE,
    STATUSES,
    NationalReport,
    PrefectureReport,
    YearFigures,
    national_report,
    report_for,
)
from .tables import (
    SOURCE_NAMES,
    Table,
    forget_messages,
    national_tables,
    prefecture_tables,
    proposal_cells,
    proposal_columns,
    text,
)
from .workbook import wide_csv, workbook


@dataclass(frozen=True)
class Chart:
    """A chart's visible caption and its SVG."""

    title: str
    svg: Markup


def year_charts(
    years: tuple[YearFigures, ...], currencies: tuple[str, ...], where: str, lang: str = "en"
) -> list[Chart]:
    """Return the by-year charts of a report: articles, events, attendance, funds per currency.

    Titles are in `lang`; `where` (a prefecture's name, or "all prefectures") already is.
    """
    if not years:
        return []

    def chart(suffix: str, title: str, values: list[int | Decimal], texts: list[str]) -> Chart:
        bars = [
            Bar(fiscal_label(f.year, lang=lang), v, t)  # type: ignore[arg-type]
            for f, v, t in zip(years, values, texts, strict=True)
        ]
        full = gettext(lang, N_("%(chart)s, %(where)s")) % {"chart": title, "where": where}
        svg = bar_chart(f"by-year-{suffix}", full, bars, lang=lang)
        return Chart(title, svg)

    charts = [
        chart(
            "articles",
            gettext(lang, N_("Articles by fiscal year")),
            [f.articles for f in years],
            [number(f.articles, lang=lang) for f in years],
        ),
        chart(
            "events",
            gettext(lang, N_("Events held by fiscal year")),
            [f.events_held for f in years],
            [number(f.events_held, lang=lang) for f in years],
        ),
        chart(
            "attendance",
            gettext(lang, N_("Attendance at events held, by fiscal year")),
            [f.attendance for f in years],
            [number(f.attendance, lang=lang) for f in years],
        ),
    ]
    for currency in currencies:
        amounts = [f.funds_raised.get(currency, Decimal(0)) for f in years]
        charts.append(
            chart(
                f"funds-{currency.lower()}",
                gettext(lang, N_("Funds raised in %(currency)s by fiscal year"))
                % {"currency": currency},
                amounts,
                [money(a, currency, lang=lang) for a in amounts],
            )
        )
    return charts


def prefecture_charts(report: NationalReport, lang: str = "en") -> list[Chart]:
    """Return the national charts: articles and events held by prefecture (active ones only),
    titled in `lang`."""
    active = [r for r in report.prefectures if r.total.articles or r.total.events_held]
    if not active:
        return []
    note = gettext(
        lang, N_("Prefectures with nothing recorded are left out; the table lists all of them.")
    )
    charts = []
    for suffix, title, attribute in (
        ("articles", N_("Articles by prefecture"), "articles"),
        ("events", N_("Events held by prefecture"), "events_held"),
    ):
        bars = [
            Bar(
                getattr(r.prefecture.name, lang),
                getattr(r.total, attribute),
                number(getattr(r.total, attribute), lang=lang),
            )
            for r in active
        ]
        title = gettext(lang, title)
        charts.append(
            Chart(title, bar_chart(f"by-prefecture-{suffix}", title, bars, note, lang=lang))
        )
    return charts


SUMMARY_TABLES = ("fiscal-years", "calendar-years", "articles-by-kind", "proposals-by-status")
NATIONAL_SUMMARY_TABLES = ("by-prefecture", "fiscal-years", "calendar-years")


class ImpactGenerator(SiteGenerator):
    """One report page and two exports per prefecture, and the national ones."""

    def prepare(self) -> None:
        # Each report is computed once per process, whichever of its pages and files, its
        # proposals pages or the national report asks first (reports are never changed).
        self._reports: dict[str, PrefectureReport] = {}
        self._national: NationalReport | None = None
        forget_messages()
        self.env.globals.update(
            {
                "IMPACT_KINDS": ARTICLE_KINDS,
                "IMPACT_LANGUAGES": LANGUAGES,
                "IMPACT_STATUSES": STATUSES,
                "SOURCE_NAMES": SOURCE_NAMES,
                "IMPACT_ONLINE": ONLINE,
            }
        )

    def report(self, prefecture: Any) -> PrefectureReport:
        """Return a prefecture's report (computed once)."""
        report = self._reports.get(prefecture.slug)
        if report is None:
            report = self._reports[prefecture.slug] = report_for(self.site, prefecture)
        return report

    def national(self) -> NationalReport:
        """Return the national report (computed once, from the prefectures' reports)."""
        if self._national is None:
            self._national = national_report(self.site, self.report)
        return self._national

    def write(self, writer: SiteWriter) -> None:
        site = self.site
        keys, proposal_keys = [], []
        rates = [site.rates.source, site.rates.digest] if site.rates else []
        for prefecture in site.prefectures.values():
            # A report counts only its prefecture's articles, events and support (and today):
            # when none of them changed, its pages and files stay as they are, uncomputed.
            support = [[s.source, s.digest] for s in site.support_of(prefecture.slug)]
            articles = _facts(site.articles_of(prefecture.slug))
            inputs = [prefecture, site.today, articles, support, rates]
            events = _facts(site.events_of(prefecture.slug))
            key = f"impact|{self.site_key}|{fingerprint([*inputs, events])}"
            keys.append(key)
            # Its proposals pages show only its proposals: other articles leave them alone.
            proposals = [a for a in site.articles_of(prefecture.slug) if _is_proposal(site, a)]
            proposal_key = (
                f"proposals|{self.site_key}|{fingerprint([prefecture, _facts(proposals)])}"
            )
            proposal_keys.append(proposal_key)
            self.write_prefecture(writer, prefecture, key, proposal_key)
        if site.single is None:
            self.write_national(
                writer, f"impact|{fingerprint(keys)}", f"proposals|{fingerprint(proposal_keys)}"
            )

    def _files(self, url_of: Any, names: list[str]) -> dict[str, str]:
        """Return the output files of shared exports and of each edition's pages and files."""
        files = {}
        for lang in EDITIONS:
            edition = self.urls_for(lang)
            for name in names:
                files[f"{lang}:{name}"] = edition.save_as(url_of(edition, name))
        return files

    def write_prefecture(
        self, writer: SiteWriter, prefecture: Any, key: str, proposal_key: str
    ) -> None:
        """Write a prefecture's report in both editions, its workbooks and its exports, and its
        proposals pages."""
        urls = self.urls
        pages = self.editions(lambda u, p=prefecture: u.edition_in_prefecture(p, "impact/"))
        self.register_editions(pages)
        files = {
            "json": urls.save_as(urls.in_prefecture(prefecture, "impact.json")),
            "csv": urls.save_as(urls.in_prefecture(prefecture, "impact.csv")),
            **{lang: urls.save_as(url) for lang, url in pages.items()},
            **self._files(
                lambda u, name, p=prefecture: u.edition_in_prefecture(p, name),
                ["impact.xlsx", *(f"impact-{t}.csv" for t in SUMMARY_TABLES)],
            ),
        }
        if not writer.all_up_to_date(list(files.values()), key):
            for lang in pages:
                self.will_render("impact", lang)
            writer.produce(
                list(files.values()),
                key,
                functools.partial(self.prefecture_files, files, prefecture),
            )
        articles = self.site.articles_of(prefecture.slug)
        self.write_proposals(
            writer,
            lambda: self.report(prefecture).proposals,
            _statuses(articles),
            proposal_key,
            prefecture,
        )

    def prefecture_files(self, files: dict[str, str], prefecture: Any) -> dict[str, bytes]:
        """Return the bytes of a prefecture's report pages, workbooks and exports."""
        urls = self.urls
        pages = self.editions(lambda u, p=prefecture: u.edition_in_prefecture(p, "impact/"))
        report = self.report(prefecture)
        made = {
            files["json"]: prefecture_json(report, urls),
            files["csv"]: prefecture_csv(report),
        }
        where = {"en": f"{prefecture.name.en} ({prefecture.name.ja})", "ja": prefecture.name.ja}
        for lang, url in pages.items():
            tables = prefecture_tables(report, self.urls_for(lang), lang)
            title = gettext(lang, N_("Local return report: %(prefecture)s")) % {
                "prefecture": getattr(prefecture.name, lang)
            }
            made.update(self.edition_files(files, lang, tables, report, title))
            made.update(
                self.report_page(
                    url,
                    "impact",
                    lang=lang,
                    alternates=pages,
                    prefecture=prefecture,
                    report=report,
                    tables=tables,
                    charts=year_charts(report.years, report.currencies, where[lang], lang=lang),
                )
            )
        return made

    def edition_files(
        self,
        files: dict[str, str],
        lang: str,
        tables: dict[str, Table],
        report: PrefectureReport | NationalReport,
        title: str,
    ) -> dict[str, bytes]:
        """Return an edition's workbook and the wide CSVs of its tables of figures."""
        statuses = {s: gettext(lang, STATUS_NAMES[s]) for s in STATUSES}
        made = {
            files[f"{lang}:impact.xlsx"]: workbook(
                tables.values(), lang, report.as_of, title, statuses
            )
        }
        for table in tables.values():
            if table.summary:
                made[files[f"{lang}:impact-{table.id}.csv"]] = wide_csv(table)
        return made

    def write_national(self, writer: SiteWriter, key: str, proposal_key: str) -> None:
        """Write the national report in both editions, its workbooks and exports, and the
        national proposals pages."""
        urls = self.urls
        pages = self.editions(lambda u: u.edition_national("impact/"))
        self.register_editions(pages)
        files = {
            "json": urls.save_as(urls.national("impact.json")),
            "csv": urls.save_as(urls.national("impact.csv")),
            **{lang: urls.save_as(url) for lang, url in pages.items()},
            **self._files(
                lambda u, name: u.edition_national(name),
                ["impact.xlsx", *(f"impact-{t}.csv" for t in NATIONAL_SUMMARY_TABLES)],
            ),
        }
        if not writer.all_up_to_date(list(files.values()), key):
            for lang in pages:
                self.will_render("national_impact", lang)
            writer.produce(list(files.values()), key, functools.partial(self.national_files, files))
        self.write_proposals(
            writer,
            lambda: self.national().proposals,
            _statuses(self.site.articles),
            proposal_key,
            None,
        )

    def national_files(self, files: dict[str, str]) -> dict[str, bytes]:
        """Return the bytes of the national report pages, workbooks and exports."""
        urls = self.urls
        pages = self.editions(lambda u: u.edition_national("impact/"))
        national = self.national()
        made = {
            files["json"]: national_json(national, urls),
            files["csv"]: national_csv(national),
        }
        for lang, url in pages.items():
            tables = national_tables(national, self.urls_for(lang), lang)
            title = gettext(lang, N_("Local return report: all prefectures"))
            made.update(self.edition_files(files, lang, tables, national, title))
            made.update(
                self.report_page(
                    url,
                    "national_impact",
                    lang=lang,
                    alternates=pages,
                    report=national,
                    tables=tables,
                    prefecture_charts=prefecture_charts(national, lang=lang),
                    charts=year_charts(
                        national.years,
                        national.currencies,
                        gettext(lang, N_("all prefectures")),
                        lang=lang,
                    ),
                )
            )
        return made

    def write_proposals(
        self,
        writer: SiteWriter,
        proposals_of: Any,
        statuses: list[str],
        key: str,
        prefecture: Any,
    ) -> None:
        """Write a proposals page (a prefecture's, or the national one) in both editions, and
        one page per status that some proposal has."""
        every = {
            status: self.editions(lambda u, s=status: u.proposals(prefecture, s))
            for status in (None, *statuses)
        }
        for pages in every.values():
            self.register_editions(pages)
        paths = [self.urls.save_as(url) for pages in every.values() for url in pages.values()]
        if writer.all_up_to_date(paths, key):
            return
        for lang in EDITIONS:
            self.will_render("proposals", lang)
        writer.produce(
            paths, key, functools.partial(self.proposals_files, proposals_of, every, prefecture)
        )

    def proposals_files(
        self, proposals_of: Any, every: dict[str | None, dict[str, str]], prefecture: Any
    ) -> dict[str, bytes]:
        """Return the bytes of the proposals pages in `every` (by status, then language)."""
        proposals = proposals_of()
        counts = {s: sum(1 for p in proposals if p.status == s) for s in STATUSES}
        made: dict[str, bytes] = {}
        for status, pages in every.items():
            shown = [p for p in proposals if status is None or p.status == status]
            for lang, url in pages.items():
                edition = self.urls_for(lang)
                national = prefecture is None
                rows = [proposal_cells(p, edition, lang, fy=True) for p in shown]
                columns = list(proposal_columns(lang, fy=True))
                if national:
                    columns.insert(0, gettext(lang, N_("Prefecture")))
                made.update(
                    self.report_page(
                        url,
                        "proposals",
                        lang=lang,
                        alternates=pages,
                        prefecture=prefecture,
                        status=status,
                        counts=counts,
                        total=len(proposals),
                        columns=columns,
                        rows=[
                            (
                                [
                                    text(
                                        getattr(p.meta_of.prefecture.name, lang),
                                        edition.proposals(p.meta_of.prefecture),
                                    )
                                ]
                                if national
                                else []
                            )
                            + list(cells)
                            for p, cells in zip(shown, rows, strict=True)
                        ],
                    )
                )
        return made

    def report_page(
        self, url: str, template: str, *, lang: str, alternates: dict[str, str], **data: Any
    ) -> dict[str, bytes]:
        """Return {path: a report page} (its render key covers everything the report counts)."""
        others = {other: alternates[other] for other in alternates if other != lang}
        data = {**data, "lang": lang, "alternates": alternates, "switch": others}
        return {self.urls.save_as(url): self.page(url, template, data)}


def _facts(items: list[Any]) -> list[Any]:
    """Return what a report reads of articles or events: file, slug and front matter, never
    the body (an edited paragraph changes no figure, row or link)."""
    return [[item.source, item.slug, item.meta] for item in items]


def _is_proposal(site: Any, article: Any) -> bool:
    """Say whether an article is a proposal, or the translation of one (its title is shown)."""
    other = site.counterpart(article)
    return article.meta.kind == "proposal" or (other is not None and other.meta.kind == "proposal")


def _statuses(articles: list[Any]) -> list[str]:
    """Return the statuses some proposal has, in the order of STATUSES (a page each)."""
    found = {a.meta.status for a in articles if a.meta.kind == "proposal"}
    return [s for s in STATUSES if s in found]


def get_generators(pelican: Any) -> type[SiteGenerator]:
    return ImpactGenerator


def initialized(pelican: Any) -> None:
    require(pelican, "impact")


def register() -> None:
    signals.initialized.connect(initialized)
    signals.get_generators.connect(get_generators)
