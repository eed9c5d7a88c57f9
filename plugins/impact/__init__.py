"""Write the "local return" reports: /<slug>/impact/ and /impact/ pages, and their CSV and JSON."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from markupsafe import Markup
from pelican import signals

from furusato.catalog import N_, gettext
from furusato.fingerprint import fingerprint
from furusato.schemas import ARTICLE_KINDS
from furusato.wording import money, number
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
    YearFigures,
    national_report,
    report_for,
)

STATUS_NAMES = {  # msgids: the theme translates them where it shows them
    "submitted": N_("Submitted"),
    "adopted": N_("Adopted"),
    "declined": N_("Declined"),
    "none": N_("No status given"),
}


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
        bars = [Bar(f.label, v, t) for f, v, t in zip(years, values, texts, strict=True)]
        full = gettext(lang, N_("%(chart)s, %(where)s")) % {"chart": title, "where": where}
        svg = bar_chart(f"by-year-{suffix}", full, bars, lang=lang)
        return Chart(title, svg)

    charts = [
        chart(
            "articles",
            gettext(lang, N_("Articles by year")),
            [f.articles for f in years],
            [number(f.articles, lang=lang) for f in years],
        ),
        chart(
            "events",
            gettext(lang, N_("Events held by year")),
            [f.events_held for f in years],
            [number(f.events_held, lang=lang) for f in years],
        ),
        chart(
            "attendance",
            gettext(lang, N_("Attendance at events held, by year")),
            [f.attendance for f in years],
            [number(f.attendance, lang=lang) for f in years],
        ),
    ]
    for currency in currencies:
        amounts = [f.funds_raised.get(currency, Decimal(0)) for f in years]
        charts.append(
            chart(
                f"funds-{currency.lower()}",
                gettext(lang, N_("Funds raised in %(currency)s by year")) % {"currency": currency},
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


class ImpactGenerator(SiteGenerator):
    """One report page and two exports per prefecture, and the national ones."""

    def prepare(self) -> None:
        self.env.globals.update(
            {
                "IMPACT_KINDS": ARTICLE_KINDS,
                "IMPACT_LANGUAGES": LANGUAGES,
                "IMPACT_STATUSES": STATUSES,
                "STATUS_NAMES": STATUS_NAMES,
                "IMPACT_ONLINE": ONLINE,
            }
        )

    def write(self, writer: SiteWriter) -> None:
        site, urls = self.site, self.urls
        keys = []
        for prefecture in site.prefectures.values():
            # A report counts only its prefecture's articles and events (and today): when none
            # of them changed, its pages and exports stay as they are, without being computed.
            inputs = [prefecture, site.today, site.articles_of(prefecture.slug)]
            key = (
                f"impact|{self.site_key}|{fingerprint([*inputs, site.events_of(prefecture.slug)])}"
            )
            keys.append(key)
            pages = self.editions(lambda u, p=prefecture: u.edition_in_prefecture(p, "impact/"))
            files = {
                "json": urls.save_as(urls.in_prefecture(prefecture, "impact.json")),
                "csv": urls.save_as(urls.in_prefecture(prefecture, "impact.csv")),
                **{lang: urls.save_as(url) for lang, url in pages.items()},
            }
            self.register_editions(pages)
            if writer.all_up_to_date(list(files.values()), key):
                continue
            report = report_for(site, prefecture)
            writer.write_bytes(files["json"], prefecture_json(report, urls), key)
            writer.write_bytes(files["csv"], prefecture_csv(report), key)
            where = {"en": f"{prefecture.name.en} ({prefecture.name.ja})", "ja": prefecture.name.ja}
            for lang, url in pages.items():
                self.render_report(
                    writer,
                    url,
                    "impact",
                    key,
                    lang=lang,
                    alternates=pages,
                    prefecture=prefecture,
                    report=report,
                    charts=year_charts(report.years, report.currencies, where[lang], lang=lang),
                )
        if site.single is None:
            key = f"impact|{fingerprint(keys)}"
            pages = self.editions(lambda u: u.edition_national("impact/"))
            files = {
                "json": urls.save_as(urls.national("impact.json")),
                "csv": urls.save_as(urls.national("impact.csv")),
                **{lang: urls.save_as(url) for lang, url in pages.items()},
            }
            self.register_editions(pages)
            if writer.all_up_to_date(list(files.values()), key):
                return
            national = national_report(site)
            writer.write_bytes(files["json"], national_json(national, urls), key)
            writer.write_bytes(files["csv"], national_csv(national), key)
            for lang, url in pages.items():
                self.render_report(
                    writer,
                    url,
                    "national_impact",
                    key,
                    lang=lang,
                    alternates=pages,
                    report=national,
                    prefecture_charts=prefecture_charts(national, lang=lang),
                    charts=year_charts(
                        national.years,
                        national.currencies,
                        gettext(lang, N_("all prefectures")),
                        lang=lang,
                    ),
                )

    def render_report(
        self,
        writer: SiteWriter,
        url: str,
        template: str,
        key: str,
        *,
        lang: str,
        alternates: dict[str, str],
        **data: Any,
    ) -> None:
        """Render a report page (its render key covers everything the report counts)."""
        others = {other: alternates[other] for other in alternates if other != lang}
        data = {**data, "lang": lang, "alternates": alternates, "switch": others}
        writer.write_bytes(self.urls.save_as(url), self.page(url, template, data), key)


def get_generators(pelican: Any) -> type[SiteGenerator]:
    return ImpactGenerator


def initialized(pelican: Any) -> None:
    require(pelican, "impact")


def register() -> None:
    signals.initialized.connect(initialized)
    signals.get_generators.connect(get_generators)
