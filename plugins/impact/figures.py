"""Compute a prefecture's "local return" figures (and the nation's) from its articles, events
and support records: by fiscal year (April to March, the default) and by calendar year, with
the rows each figure counts.

Pure functions of the typed Site: nothing here renders, writes or reads files. The rules, which
the report pages and docs/impact-data.md state for readers:

- a translation pair is one article (or event), reported with its languages; it counts on the
  day its first side was published;
- an article with `recap_of` is its event's recap: it is listed with the event and not counted
  again as an article;
- an event counts once it has ended before the site's today ("held"), in the year it started;
- a proposal counts in the year it was submitted; its number says which fiscal year that is;
- an ambassador is active in a year with at least one article or held event of theirs, and new
  in the year of their first one;
- attendance, funds raised and support are sums of what was recorded, per currency, never added
  across currencies; support counts in its fiscal year (an event's: the year the event starts,
  even before it is held, as money given ahead of it was given that year);
- a yen equivalent is shown only where a coordinator recorded the rate for that currency and
  fiscal year (furusato.entities.ExchangeRates), never guessed;
- years run without gaps from the first to the last year with anything recorded.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from furusato.entities import (
    Article,
    Event,
    ExchangeRates,
    Prefecture,
    Site,
    SupportYear,
)
from furusato.fiscal import fiscal_year
from furusato.schemas import (
    ARTICLE_KINDS,
    PROPOSAL_STATUSES,
    Ambassador,
    ExchangeRate,
    Language,
    Support,
)

LANGUAGES: tuple[str, ...] = Language.__args__  # en, ja
STATUSES: tuple[str, ...] = PROPOSAL_STATUSES
ONLINE = "Online"  # the country of an event that has an online link and no venue
FISCAL, CALENDAR = "fiscal", "calendar"  # the two ways of grouping by year


@dataclass(frozen=True)
class ArticleRow:
    """One article, counted once: both sides of a translation pair, by language."""

    sides: dict[str, Article]  # language -> the article written in it (one or two)
    published: date  # the day its first side was published

    @functools.cached_property
    def first(self) -> Article:
        """Return the side published first (English on the same day); asked for often."""
        return min(self.sides.values(), key=lambda a: (a.published, a.lang != "en"))

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(lang for lang in LANGUAGES if lang in self.sides)

    @property
    def kind(self) -> str:
        kinds = {a.meta.kind for a in self.sides.values()}
        return "proposal" if "proposal" in kinds else self.first.meta.kind

    def side(self, lang: str) -> Article:
        """Return the side written in `lang`, else the first side."""
        return self.sides.get(lang) or self.first


@dataclass(frozen=True)
class ProposalRow:
    """A policy proposal: its number, status and days, from the side that is a proposal."""

    article: ArticleRow
    meta_of: Article  # the side whose front matter is read (English first)

    @property
    def number(self) -> str:
        return self.meta_of.meta.number or ""

    @property
    def status(self) -> str:
        return self.meta_of.meta.status or "submitted"

    @property
    def submitted(self) -> date:
        return _day(self.meta_of.meta.submitted or self.article.published)

    @property
    def decided(self) -> date | None:
        decided = self.meta_of.meta.decided
        return _day(decided) if decided is not None else None

    @property
    def response_url(self) -> str | None:
        return self.meta_of.meta.response_url


@dataclass(frozen=True)
class SupportRow:
    """One amount of support, given for an event or recorded in a yearly file."""

    prefecture: Prefecture
    fiscal_year: int
    support: Support
    event: Event | None  # None for support in content/<slug>/support/fy<year>.yaml
    yen: Decimal | None  # the yen equivalent at the recorded rate; None when none is recorded
    lang: str  # the language its purpose and name are written in

    @property
    def day(self) -> date | None:
        return self.event.starts_on() if self.event is not None else None


@dataclass(frozen=True)
class EventRow:
    """A held event, counted once (a pair is one event), with its recap and support."""

    sides: dict[str, Event]
    recaps: tuple[ArticleRow, ...]
    support: tuple[SupportRow, ...]

    @property
    def first(self) -> Event:
        return self.sides.get("en") or next(iter(self.sides.values()))

    def side(self, lang: str) -> Event:
        return self.sides.get(lang) or self.first

    @property
    def start(self) -> date:
        return self.first.starts_on()

    @property
    def country(self) -> str:
        return country_of(self.first)

    @property
    def city(self) -> str | None:
        venue = self.first.meta.venue
        return venue.city if venue is not None else None


@dataclass(frozen=True)
class NewAmbassador:
    """An ambassador in the year of their first article or held event."""

    prefecture: Prefecture
    ambassador: Ambassador
    first: date


@dataclass(frozen=True)
class YearFigures:
    """What was recorded in one year (or, with year None, in all years together)."""

    year: int | None
    period: str  # FISCAL or CALENDAR
    active_ambassadors: int
    new_ambassadors: int
    articles: int  # translation pairs once, recaps not (they go with their events)
    articles_by_kind: dict[str, int]  # every kind of ARTICLE_KINDS, in that order
    articles_by_language: dict[str, int]  # articles readable in each language (a pair in both)
    recaps: int  # held events with a recap article
    events_held: int
    attendance: int  # sum over held events that recorded their attendance
    events_with_attendance: int  # how many held events recorded attendance
    funds_raised: dict[str, Decimal]  # currency code -> sum, codes sorted; never added up
    support: dict[str, Decimal]  # currency code -> sum, codes sorted; fiscal years only
    proposals: int
    proposals_by_status: dict[str, int]  # every status of STATUSES, in that order
    events_by_country: dict[str, int]  # country as written (or ONLINE) -> events, sorted

    @property
    def countries(self) -> int:
        """Return how many distinct countries (counting "Online" as one) held events."""
        return len(self.events_by_country)

    @property
    def key(self) -> str:
        """Return the year's fragment id on the report page: fy2026, y2026, or total."""
        if self.year is None:
            return "total"
        return f"fy{self.year}" if self.period == FISCAL else f"y{self.year}"


@dataclass(frozen=True)
class Activity:
    """The rows one year's figures count: the "what was done" tables."""

    year: int
    events: tuple[EventRow, ...]  # by start
    articles: tuple[ArticleRow, ...]  # by date
    proposals: tuple[ProposalRow, ...]  # by number
    ambassadors: tuple[NewAmbassador, ...]  # by first activity, then name
    support: tuple[SupportRow, ...]  # events' support by date, then the yearly file's


@dataclass(frozen=True)
class PrefectureReport:
    """One prefecture's figures by fiscal and calendar year and in total, and their rows."""

    prefecture: Prefecture
    years: tuple[YearFigures, ...]  # fiscal years, oldest first, without gaps
    calendar_years: tuple[YearFigures, ...]
    total: YearFigures
    activity: tuple[Activity, ...]  # one per fiscal year of `years`, in the same order
    as_of: date | None  # date of the newest item counted; None when nothing is recorded
    proposals: tuple[ProposalRow, ...]  # every proposal, by number
    rates: ExchangeRates | None

    @property
    def currencies(self) -> tuple[str, ...]:
        """Return the currencies funds were raised in, sorted."""
        return tuple(self.total.funds_raised)

    @property
    def support_currencies(self) -> tuple[str, ...]:
        """Return the currencies support was given in, sorted."""
        return tuple(self.total.support)

    @property
    def empty(self) -> bool:
        """Say whether nothing at all is recorded (the page then says so in a sentence)."""
        return self.as_of is None and not self.total.support

    def yen(self, currency: str, year: int, amount: Decimal) -> Decimal | None:
        return yen_of(self.rates, currency, year, amount)

    @property
    def used_rates(self) -> list[ExchangeRate]:
        return used_rates(self)


@dataclass(frozen=True)
class NationalReport:
    """Every prefecture's report, and the figures of all prefectures together."""

    prefectures: tuple[PrefectureReport, ...]  # in JIS order (Hokkaido first)
    years: tuple[YearFigures, ...]
    calendar_years: tuple[YearFigures, ...]
    total: YearFigures
    as_of: date | None
    proposals: tuple[ProposalRow, ...]  # every prefecture's, by number
    rates: ExchangeRates | None

    @property
    def currencies(self) -> tuple[str, ...]:
        """Return the currencies funds were raised in anywhere, sorted."""
        return tuple(self.total.funds_raised)

    @property
    def support_currencies(self) -> tuple[str, ...]:
        return tuple(self.total.support)

    def yen(self, currency: str, year: int, amount: Decimal) -> Decimal | None:
        return yen_of(self.rates, currency, year, amount)


def used_rates(report: PrefectureReport | NationalReport) -> list[ExchangeRate]:
    """Return the recorded rates a report converts with: its currencies, in its years."""
    if report.rates is None:
        return []
    currencies = {*report.currencies, *report.support_currencies}
    years = {f.year for f in report.years}
    return [r for r in report.rates.rates if r.currency in currencies and r.fiscal_year in years]


def yen_of(
    rates: ExchangeRates | None, currency: str, year: int, amount: Decimal
) -> Decimal | None:
    """Return an amount in yen at the rate recorded for its currency and fiscal year, rounded
    to the yen; None when no rate is recorded (never a guessed one). Yen stay as they are."""
    if currency == "JPY":
        return amount
    rate = rates.rate(currency, year) if rates is not None else None
    if rate is None:
        return None
    return (amount * rate.yen).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def held(site: Site, events: Iterable[Event]) -> list[Event]:
    """Return the events that ended before the site's today, in the order given."""
    return [e for e in events if e.ends_on() < site.today]


def country_of(event: Event) -> str:
    """Return the country an event took place in as written, or "Online" without a venue."""
    return event.meta.venue.country if event.meta.venue is not None else ONLINE


def _pairs(site: Site, items: Iterable[Article | Event]) -> list[dict[str, Article | Event]]:
    """Group items into translation pairs (one or two sides each), in the order first seen."""
    groups: list[dict[str, Article | Event]] = []
    seen: set[int] = set()
    for item in items:
        if id(item) in seen:
            continue
        group = {item.lang: item}
        seen.add(id(item))
        other = site.counterpart(item)
        if other is not None and other.lang not in group:
            group[other.lang] = other  # type: ignore[assignment]
            seen.add(id(other))
        groups.append(group)
    return groups


@dataclass(frozen=True)
class _Rows:
    """Everything of one scope (a prefecture, or all of them) a report counts."""

    articles: list[ArticleRow]
    all_articles: list[Article]  # every side, for active ambassadors
    events: list[EventRow]
    proposals: list[ProposalRow]
    support: list[SupportRow]  # the yearly files' and the held events'
    first_seen: list[NewAmbassador]


def _rows(
    site: Site,
    articles: list[Article],
    events: list[Event],
    support_years: list[SupportYear],
) -> _Rows:
    article_rows = [
        ArticleRow(group, min(a.published.date() for a in group.values()))  # type: ignore[misc]
        for group in _pairs(site, articles)
    ]
    recaps: dict[tuple[str, str], list[ArticleRow]] = {}
    counted: list[ArticleRow] = []
    for row in article_rows:
        target = next((a.meta.recap_of for a in row.sides.values() if a.meta.recap_of), None)
        if target is None:
            counted.append(row)
        else:
            recaps.setdefault((row.first.prefecture.slug, target), []).append(row)

    def support_of(group: dict[str, Event]) -> tuple[SupportRow, ...]:
        first = group.get("en") or next(iter(group.values()))
        written = next((e.meta.support for e in group.values() if e.meta.support), ())
        year = fiscal_year(first.starts_on())
        return tuple(
            SupportRow(
                first.prefecture,
                year,
                s,
                first,
                yen_of(site.rates, s.amount.currency, year, s.amount.amount),
                first.lang,
            )
            for s in written
        )

    # Support counts in the fiscal year of its event, held or not yet: money given ahead of
    # an event (travel booked for it) was given that year.
    support_rows: list[SupportRow] = []
    for group in _pairs(site, events):
        support_rows.extend(support_of(group))  # type: ignore[arg-type]
    support_rows.sort(key=lambda s: (s.day or date.min, s.event.key if s.event else ""))
    event_rows = []
    for group in _pairs(site, held(site, events)):
        slugs = {(e.prefecture.slug, e.slug) for e in group.values()}
        linked = tuple(r for key in sorted(slugs) for r in recaps.get(key, []))
        event_rows.append(EventRow(group, linked, support_of(group)))  # type: ignore[arg-type]
    event_rows.sort(key=lambda r: (r.start, r.first.key))
    for year_file in support_years:
        support_rows.extend(
            SupportRow(
                year_file.prefecture,
                year_file.fiscal_year,
                s,
                None,
                yen_of(site.rates, s.amount.currency, year_file.fiscal_year, s.amount.amount),
                year_file.lang,
            )
            for s in year_file.support
        )
    proposals = []
    for row in counted:
        sides = [a for a in row.sides.values() if a.meta.kind == "proposal"]
        if sides:
            meta_of = next((a for a in sides if a.lang == "en"), sides[0])
            proposals.append(ProposalRow(row, meta_of))
    proposals.sort(key=lambda p: (p.meta_of.prefecture.number, p.number, p.article.first.key))
    firsts: dict[tuple[str, str], tuple[date, Prefecture, Ambassador]] = {}
    held_events = [e for row in event_rows for e in row.sides.values()]
    activities = [(a.published.date(), a.prefecture, a.author) for a in articles]
    activities += [(e.starts_on(), e.prefecture, e.organizer) for e in held_events]
    for day, prefecture, person in activities:
        key = (prefecture.slug, person.id)
        if key not in firsts or day < firsts[key][0]:
            firsts[key] = (day, prefecture, person)
    first_seen = sorted(
        (NewAmbassador(p, person, day) for day, p, person in firsts.values()),
        key=lambda n: (n.first, n.prefecture.number, n.ambassador.name),
    )
    return _Rows(counted, articles, event_rows, proposals, support_rows, first_seen)


def _sum(amounts: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for currency, amount in amounts:
        sums[currency] = sums.get(currency, Decimal(0)) + amount
    return {c: sums[c] for c in sorted(sums)}


def figures(
    year: int | None,
    period: str,
    rows: _Rows,
    in_year: Callable[[date], bool] = lambda _day: True,
) -> YearFigures:
    """Count what the rows dated within the year (by `in_year`) add up to."""
    articles = [r for r in rows.articles if in_year(r.published)]
    events = [r for r in rows.events if in_year(r.start)]
    proposals = [p for p in rows.proposals if in_year(p.submitted)]
    kinds = Counter(r.kind for r in articles)
    languages = Counter(lang for r in articles for lang in r.languages)
    statuses = Counter(p.status for p in proposals)
    attendance = [r.first.meta.attendance for r in events if r.first.meta.attendance is not None]
    funds = _sum(
        (r.first.meta.funds_raised.currency, r.first.meta.funds_raised.amount)
        for r in events
        if r.first.meta.funds_raised is not None
    )
    support: dict[str, Decimal] = {}
    if period == FISCAL:
        support = _sum(
            (s.support.amount.currency, s.support.amount.amount)
            for s in rows.support
            if year is None or s.fiscal_year == year
        )
    active = {
        (a.prefecture.slug, a.author.id) for a in rows.all_articles if in_year(a.published.date())
    }
    active |= {(e.prefecture.slug, e.organizer.id) for r in events for e in r.sides.values()}
    countries = Counter(r.country for r in events)
    return YearFigures(
        year=year,
        period=period,
        active_ambassadors=len(active),
        new_ambassadors=sum(1 for n in rows.first_seen if in_year(n.first)),
        articles=len(articles),
        articles_by_kind={k: kinds[k] for k in ARTICLE_KINDS},
        articles_by_language={lang: languages[lang] for lang in LANGUAGES},
        recaps=sum(1 for r in events if r.recaps),
        events_held=len(events),
        attendance=sum(attendance),
        events_with_attendance=len(attendance),
        funds_raised=funds,
        support=support,
        proposals=len(proposals),
        proposals_by_status={s: statuses[s] for s in STATUSES},
        events_by_country={c: countries[c] for c in sorted(countries)},
    )


def span_figures(site: Site, articles: list[Article], events: list[Event]) -> YearFigures:
    """Count some articles and held events (both sides of a pair, any span such as a
    digest's month) by the report's rules: a pair once, a recap with its event."""
    return figures(None, CALENDAR, _rows(site, articles, events, []))


def _span(rows: _Rows, year_of: Callable[[date], int], fiscal: bool) -> range:
    seen = [year_of(r.published) for r in rows.articles]
    seen += [year_of(r.start) for r in rows.events]
    seen += [year_of(p.submitted) for p in rows.proposals]
    seen += [year_of(n.first) for n in rows.first_seen]
    if fiscal:
        seen += [s.fiscal_year for s in rows.support]
    return range(min(seen), max(seen) + 1) if seen else range(0)


def _years(rows: _Rows, period: str) -> tuple[YearFigures, ...]:
    year_of: Callable[[date], int] = fiscal_year if period == FISCAL else (lambda d: d.year)
    return tuple(
        figures(year, period, rows, lambda d, y=year: year_of(d) == y)
        for year in _span(rows, year_of, period == FISCAL)
    )


def _activity(rows: _Rows, years: tuple[YearFigures, ...]) -> tuple[Activity, ...]:
    out = []
    for f in years:
        year = f.year

        def here(day: date, y: int = year) -> bool:  # type: ignore[assignment]
            return fiscal_year(day) == y

        out.append(
            Activity(
                year=year,  # type: ignore[arg-type]
                events=tuple(r for r in rows.events if here(r.start)),
                articles=tuple(
                    sorted(
                        (r for r in rows.articles if here(r.published)),
                        key=lambda r: (r.published, r.first.key),
                    )
                ),
                proposals=tuple(p for p in rows.proposals if here(p.submitted)),
                ambassadors=tuple(n for n in rows.first_seen if here(n.first)),
                support=tuple(s for s in rows.support if s.fiscal_year == year),
            )
        )
    return tuple(out)


def _newest(rows: _Rows) -> date | None:
    dates = [a.published.date() for a in rows.all_articles]
    dates += [e.ends_on() for r in rows.events for e in r.sides.values()]
    return max(dates, default=None)


def report_for(site: Site, prefecture: Prefecture) -> PrefectureReport:
    """Return a prefecture's figures, by fiscal and calendar year and in total."""
    rows = _rows(
        site,
        site.articles_of(prefecture.slug),
        site.events_of(prefecture.slug),
        site.support_of(prefecture.slug),
    )
    years = _years(rows, FISCAL)
    return PrefectureReport(
        prefecture=prefecture,
        years=years,
        calendar_years=_years(rows, CALENDAR),
        total=figures(None, FISCAL, rows),
        activity=_activity(rows, years),
        as_of=_newest(rows),
        proposals=tuple(rows.proposals),
        rates=site.rates,
    )


def national_report(
    site: Site, report_of: Callable[[Prefecture], PrefectureReport] | None = None
) -> NationalReport:
    """Return every prefecture's report and the figures of the whole country; `report_of`
    gives a prefecture's report when it was computed already (else report_for)."""
    rows = _rows(site, site.articles, site.events, site.support)
    report_of = report_of or functools.partial(report_for, site)
    return NationalReport(
        prefectures=tuple(report_of(p) for p in site.prefectures.values()),
        years=_years(rows, FISCAL),
        calendar_years=_years(rows, CALENDAR),
        total=figures(None, FISCAL, rows),
        as_of=_newest(rows),
        proposals=tuple(rows.proposals),
        rates=site.rates,
    )
