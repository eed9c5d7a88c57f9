"""The typed objects that templates, feeds and calendars receive.

Every text field is plain text, escaped wherever it is shown. The one exception is `html`,
the body that `reading.markup` rendered and sanitized: it becomes `Markup` here, where it is
handed to templates and feeds, so a template prints it as it is and nothing else.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from markupsafe import Markup

from .regions import Region
from .renditions import Plan
from .schemas import (
    ARTICLE_KINDS,
    Ambassador,
    ArticleSchema,
    EventSchema,
    ExchangeRate,
    Introduction,
    Link,
    Names,
    PageSchema,
    Support,
    Tile,
)
from .tagging import Tagging


class _HasBody:
    """Mark a document's rendered body as trusted HTML (it went through the sanitizer), and
    say which language it is written in."""

    html: Markup
    meta: ArticleSchema | EventSchema | PageSchema

    def __post_init__(self) -> None:
        object.__setattr__(self, "html", Markup(self.html))

    @property
    def lang(self) -> str:
        """Return the language the document is written in ("en" or "ja")."""
        return self.meta.lang


@dataclass(frozen=True, eq=False)
class Prefecture:
    """One prefecture's profile, as loaded from `prefectures/<slug>.yaml`."""

    slug: str
    code: str
    name: Names
    region: Region
    capital: Names
    tile: Tile
    introduction: Introduction  # en and ja: a template writes prefecture.introduction[lang]
    links: tuple[Link, ...]
    coordinators: tuple[str, ...]
    ambassadors: tuple[Ambassador, ...]
    source: str
    digest: str  # sha1 of the profile file: any edit changes every page that shows it

    @property
    def number(self) -> int:
        """Return the JIS number (1 for Hokkaido … 47 for Okinawa)."""
        return int(self.code[3:])

    def ambassador(self, ambassador_id: str) -> Ambassador | None:
        """Return the ambassador with this id, or None."""
        return next((a for a in self.ambassadors if a.id == ambassador_id), None)


@dataclass(frozen=True, eq=False)
class Article(_HasBody):
    """An ambassador's article, validated and rendered."""

    prefecture: Prefecture
    author: Ambassador
    slug: str
    meta: ArticleSchema
    html: Markup  # sanitized by furusato.reading.markup
    published: datetime  # aware; a plain date means midnight in the site's time zone
    updated: datetime
    source: str
    digest: str
    images: tuple[str, ...] = ()
    image_size: tuple[int, int] | None = None  # pixel size of meta.image, when readable
    hero: Plan | None = None  # the web sizes of meta.image, when it is a photo

    kind_name = "article"

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def key(self) -> str:
        """Return a stable identity: prefecture, kind and slug (used by GUIDs and caches)."""
        return f"{self.prefecture.slug}/articles/{self.slug}"


@dataclass(frozen=True, eq=False)
class Event(_HasBody):
    """An event post, validated and rendered, with its times in the event's own zone."""

    prefecture: Prefecture
    organizer: Ambassador
    slug: str
    meta: EventSchema
    html: Markup  # sanitized by furusato.reading.markup
    zone: ZoneInfo | None  # None for all-day events
    start: datetime | date  # aware datetime, or a date for all-day events
    end: datetime | date  # aware datetime (exclusive) or the last day (inclusive)
    published: datetime  # for feeds: `posted`, else the event's start
    source: str
    digest: str
    images: tuple[str, ...] = ()
    changed: datetime | None = None  # the last published change (`changes:`), if any
    first_start: datetime | date | None = None  # a rescheduled event's first planned start

    kind_name = "event"

    @property
    def status(self) -> str:
        """Return what readers are told: scheduled, cancelled, postponed (new date to be
        announced), rescheduled (postponed to a new date) or moved-online."""
        if self.meta.status == "postponed" and self.first_start is not None:
            return "rescheduled"
        return self.meta.status

    @property
    def sequence(self) -> int:
        """Return the iCalendar SEQUENCE: how many changes have been published."""
        return len(self.meta.changes)

    @property
    def takes_place(self) -> bool:
        """Tell whether the event happens at its start and end (not cancelled or postponed
        to a date still to be announced)."""
        return self.status not in ("cancelled", "postponed")

    def change_notes(self, lang: str) -> list[tuple[date, str, str]]:
        """Return each change as (day, note, language of the note), oldest first: the note
        in `lang` when it is written in `lang`, else in the language it is written in."""
        notes = []
        for change in self.meta.changes:
            day = change.date.date() if isinstance(change.date, datetime) else change.date
            other = "ja" if lang == "en" else "en"
            shown = lang if getattr(change.note, lang) is not None else other
            notes.append((day, getattr(change.note, shown), shown))
        return notes

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def all_day(self) -> bool:
        return self.meta.all_day

    @property
    def key(self) -> str:
        return f"{self.prefecture.slug}/events/{self.slug}"

    @property
    def updated(self) -> datetime:
        """Return when the post last changed: its last published change, else when posted
        (feeds' <updated>, calendars' DTSTAMP and LAST-MODIFIED)."""
        return max(self.published, self.changed) if self.changed else self.published

    def starts_on(self) -> date:
        """Return the local date the event starts."""
        return self.start if not isinstance(self.start, datetime) else self.start.date()

    def ends_on(self) -> date:
        """Return the local date the event ends."""
        return self.end if not isinstance(self.end, datetime) else self.end.date()


@dataclass(frozen=True, eq=False)
class Page(_HasBody):
    """A site page from `content/pages/`."""

    slug: str
    meta: PageSchema
    html: Markup  # sanitized by furusato.reading.markup
    source: str
    digest: str

    @property
    def title(self) -> str:
        return self.meta.title


@dataclass(frozen=True, eq=False)
class SupportYear:
    """A prefecture's support for one fiscal year not tied to an event
    (`content/<slug>/support/fy<year>.yaml`)."""

    prefecture: Prefecture
    fiscal_year: int
    support: tuple[Support, ...]
    example: bool
    lang: str  # the language its purposes and names are written in
    source: str
    digest: str


@dataclass(frozen=True, eq=False)
class ExchangeRates:
    """The yen rates a coordinator recorded (`content/exchange-rates.yaml`), never guessed."""

    rates: tuple[ExchangeRate, ...]
    lang: str  # the language its sources are written in
    source: str
    digest: str

    def rate(self, currency: str, fiscal_year: int) -> ExchangeRate | None:
        """Return the rate recorded for a currency in a fiscal year, or None."""
        return next(
            (r for r in self.rates if r.currency == currency and r.fiscal_year == fiscal_year),
            None,
        )


_Item = TypeVar("_Item", "Article", "Event", "Page")


@dataclass(eq=False)
class Site:
    """Everything the site is made from, validated and cross-checked."""

    prefectures: dict[str, Prefecture]  # in JIS order
    articles: list[Article]  # newest first
    events: list[Event]  # by start time
    pages: list[Page]
    today: date
    single: str | None = None  # slug when building one prefecture's site alone
    support: list[SupportYear] = field(default_factory=list)  # by prefecture, then year
    rates: ExchangeRates | None = None
    # True while any ambassador, article or event is marked `example: true` (demo content):
    # every page's footer says so then, and only then.
    has_examples: bool = field(default=False, init=False)
    _by_pref_articles: dict[str, list[Article]] = field(default_factory=dict, repr=False)
    _by_pref_events: dict[str, list[Event]] = field(default_factory=dict, repr=False)
    _counterparts: dict[int, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.has_examples = any(
            a.example for p in self.prefectures.values() for a in p.ambassadors
        ) or any(i.meta.example for i in (*self.articles, *self.events))
        for slug in self.prefectures:
            self._by_pref_articles[slug] = []
            self._by_pref_events[slug] = []
        for article in self.articles:
            self._by_pref_articles[article.prefecture.slug].append(article)
        for event in self.events:
            self._by_pref_events[event.prefecture.slug].append(event)
        # Translation pairs, declared on one side or both (reading/assemble.py checks them).
        for group in (self.articles, self.events):
            by_key = {(i.prefecture.slug, i.slug): i for i in group}
            for item in group:
                target = item.meta.translation
                other = by_key.get((item.prefecture.slug, target)) if target else None
                if other is not None and other.lang != item.lang:
                    self._counterparts[id(item)] = other
                    self._counterparts[id(other)] = item
        pages = {(p.lang, p.slug): p for p in self.pages}
        for page in self.pages:
            target = page.meta.translation
            for lang in ("en", "ja"):
                other = pages.get((lang, target)) if target and lang != page.lang else None
                if other is not None:
                    self._counterparts[id(page)] = other
                    self._counterparts[id(other)] = page

    def replaced(self, swaps: Iterable[tuple[Article | Event | Page, Any]]) -> Site:
        """Return a copy of this Site in which each `old` item of `swaps` is its `new` one.

        Each new item is the same document made again after an edit of its text only (the
        devserver's quick step): same front matter, so the order of every list, the
        translation pairs, the tags and `has_examples` stay what they were, and only the
        items themselves are exchanged. This Site is left as it was.
        """
        swap = {id(old): new for old, new in swaps}

        def swapped(items: list[Any]) -> list[Any]:
            return [swap.get(id(item), item) for item in items]

        site = copy.copy(self)  # the fields, and the tags if they were worked out
        site.articles = swapped(self.articles)
        site.events = swapped(self.events)
        site.pages = swapped(self.pages)
        site._by_pref_articles = {k: swapped(v) for k, v in self._by_pref_articles.items()}
        site._by_pref_events = {k: swapped(v) for k, v in self._by_pref_events.items()}
        site._counterparts = {
            (id(swap[key]) if key in swap else key): swap.get(id(other), other)
            for key, other in self._counterparts.items()
        }
        return site

    @cached_property
    def tags(self) -> Tagging:
        """Return the tags of every article and event, each with its own URL slug."""
        return Tagging(t for item in [*self.articles, *self.events] for t in item.meta.tags)

    def articles_of(self, slug: str) -> list[Article]:
        """Return a prefecture's articles, newest first."""
        return self._by_pref_articles.get(slug, [])

    def events_of(self, slug: str) -> list[Event]:
        """Return a prefecture's events, by start time."""
        return self._by_pref_events.get(slug, [])

    def support_of(self, slug: str) -> list[SupportYear]:
        """Return a prefecture's yearly support files, oldest year first."""
        return [s for s in self.support if s.prefecture.slug == slug]

    def upcoming(self, events: list[Event]) -> list[Event]:
        """Return events that have not ended before today, soonest first."""
        return [e for e in events if e.ends_on() >= self.today]

    def past(self, events: list[Event]) -> list[Event]:
        """Return events that ended before today, newest first."""
        return [e for e in reversed(events) if e.ends_on() < self.today]

    def counterpart(self, item: Article | Event | Page) -> Article | Event | Page | None:
        """Return the translation of an article, event or page (the other side of its pair)."""
        return self._counterparts.get(id(item))

    def edition(self, items: Iterable[_Item], lang: str) -> list[_Item]:
        """Return what an edition in `lang` lists: the items written in `lang`, and those
        written in another language that have no translation into `lang`; never both sides
        of a pair. The order of `items` is kept."""
        shown = []
        for item in items:
            if item.lang == lang:
                shown.append(item)
            else:
                other = self._counterparts.get(id(item))
                if other is None or other.lang != lang:
                    shown.append(item)
        return shown


def count_kinds(articles: Iterable[Article]) -> dict[str, int]:
    """Return how many of `articles` are of each kind, every kind included, in schema order."""
    counts = dict.fromkeys(ARTICLE_KINDS, 0)
    for article in articles:
        counts[article.meta.kind] += 1
    return counts
