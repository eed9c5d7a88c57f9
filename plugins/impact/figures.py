"""Compute a prefecture's "local return" figures (and the nation's) from its articles and events.

Pure functions of the typed Site: nothing here renders, writes or reads files. The rules, which
docs/impact-data.md explains to readers of the exports:

- an article counts in the year of its date; an event counts once it has ended before the
  site's today ("held"), in the year it started;
- an ambassador is active in a year with at least one article or one held event of theirs;
- attendance and funds are the sums of what held events recorded; funds stay per currency;
- a country is `venue.country` exactly as written; an event without a venue is "Online";
- years run without gaps from the first to the last year with anything recorded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from furusato.entities import Article, Event, Prefecture, Site
from furusato.schemas import ARTICLE_KINDS, Language, ProposalStatus

LANGUAGES: tuple[str, ...] = Language.__args__  # en, ja
STATUSES: tuple[str, ...] = (*ProposalStatus.__args__, "none")  # "none": no status given
ONLINE = "Online"  # the country of an event that has an online link and no venue


@dataclass(frozen=True)
class YearFigures:
    """What was recorded in one year (or, with year None, in all years together)."""

    year: int | None
    active_ambassadors: int
    articles: int
    articles_by_kind: dict[str, int]  # every kind of ARTICLE_KINDS, in that order
    articles_by_language: dict[str, int]  # every language of LANGUAGES, in that order
    events_held: int
    attendance: int  # sum over held events that recorded their attendance
    events_with_attendance: int  # how many held events recorded attendance
    funds_raised: dict[str, Decimal]  # currency code -> sum, codes sorted; never added up
    proposals: int
    proposals_by_status: dict[str, int]  # every status of STATUSES, in that order
    events_by_country: dict[str, int]  # country as written (or ONLINE) -> events, sorted

    @property
    def countries(self) -> int:
        """Return how many distinct countries (counting "Online" as one) held events."""
        return len(self.events_by_country)

    @property
    def label(self) -> str:
        """Return the year as text, or "Total" for the all-years figures."""
        return "Total" if self.year is None else str(self.year)


@dataclass(frozen=True)
class PrefectureReport:
    """One prefecture's figures by year and in total, and its policy proposals."""

    prefecture: Prefecture
    years: tuple[YearFigures, ...]  # oldest first, without gaps
    total: YearFigures
    as_of: date | None  # date of the newest item counted; None when nothing is recorded
    proposals: tuple[Article, ...]  # kind: proposal, newest first

    @property
    def currencies(self) -> tuple[str, ...]:
        """Return the currencies funds were raised in, sorted."""
        return tuple(self.total.funds_raised)


@dataclass(frozen=True)
class NationalReport:
    """Every prefecture's report, and the figures of all prefectures together."""

    prefectures: tuple[PrefectureReport, ...]  # in JIS order (Hokkaido first)
    years: tuple[YearFigures, ...]
    total: YearFigures
    as_of: date | None

    @property
    def currencies(self) -> tuple[str, ...]:
        """Return the currencies funds were raised in anywhere, sorted."""
        return tuple(self.total.funds_raised)


def held(site: Site, events: Iterable[Event]) -> list[Event]:
    """Return the events that ended before the site's today, in the order given."""
    return [e for e in events if e.ends_on() < site.today]


def country_of(event: Event) -> str:
    """Return the country an event took place in as written, or "Online" without a venue."""
    return event.meta.venue.country if event.meta.venue is not None else ONLINE


def figures(year: int | None, articles: list[Article], events: list[Event]) -> YearFigures:
    """Count what the given articles and held events add up to (all of them: filter first)."""
    kinds = Counter(a.meta.kind for a in articles)
    languages = Counter(a.meta.lang for a in articles)
    statuses = Counter(a.meta.status or "none" for a in articles if a.meta.kind == "proposal")
    funds: dict[str, Decimal] = {}
    for event in events:
        money = event.meta.funds_raised
        if money is not None:
            funds[money.currency] = funds.get(money.currency, Decimal(0)) + money.amount
    attendance = [e.meta.attendance for e in events if e.meta.attendance is not None]
    active = {(a.prefecture.slug, a.author.id) for a in articles}
    active |= {(e.prefecture.slug, e.organizer.id) for e in events}
    countries = Counter(country_of(e) for e in events)
    return YearFigures(
        year=year,
        active_ambassadors=len(active),
        articles=len(articles),
        articles_by_kind={k: kinds[k] for k in ARTICLE_KINDS},
        articles_by_language={lang: languages[lang] for lang in LANGUAGES},
        events_held=len(events),
        attendance=sum(attendance),
        events_with_attendance=len(attendance),
        funds_raised={c: funds[c] for c in sorted(funds)},
        proposals=kinds["proposal"],
        proposals_by_status={s: statuses[s] for s in STATUSES},
        events_by_country={c: countries[c] for c in sorted(countries)},
    )


def _by_year(articles: list[Article], events: list[Event]) -> tuple[YearFigures, ...]:
    article_years = {a: a.published.year for a in articles}
    event_years = {e: e.starts_on().year for e in events}
    seen = [*article_years.values(), *event_years.values()]
    if not seen:
        return ()
    return tuple(
        figures(
            year,
            [a for a in articles if article_years[a] == year],
            [e for e in events if event_years[e] == year],
        )
        for year in range(min(seen), max(seen) + 1)
    )


def _newest(articles: list[Article], events: list[Event]) -> date | None:
    dates = [a.published.date() for a in articles] + [e.ends_on() for e in events]
    return max(dates, default=None)


def report_for(site: Site, prefecture: Prefecture) -> PrefectureReport:
    """Return a prefecture's figures, by year and in total, as recorded in the site."""
    # A translation pair is one article (or event): its English side is counted.
    articles = site.edition(site.articles_of(prefecture.slug), "en")
    events = held(site, site.edition(site.events_of(prefecture.slug), "en"))
    return PrefectureReport(
        prefecture=prefecture,
        years=_by_year(articles, events),
        total=figures(None, articles, events),
        as_of=_newest(articles, events),
        proposals=tuple(a for a in articles if a.meta.kind == "proposal"),
    )


def national_report(site: Site) -> NationalReport:
    """Return every prefecture's report and the figures of the whole country."""
    articles = site.edition(site.articles, "en")
    events = held(site, site.edition(site.events, "en"))
    return NationalReport(
        prefectures=tuple(report_for(site, p) for p in site.prefectures.values()),
        years=_by_year(articles, events),
        total=figures(None, articles, events),
        as_of=_newest(articles, events),
    )
