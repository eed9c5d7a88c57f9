"""Decide what each month's digest holds, from the content alone (pure functions of the Site).

The rules, which README's "Fan-club digest" section repeats for coordinators:

- the months run from the first month with any content (an article or an event) of the
  prefecture (or of any prefecture, nationally) to the month of the site's today; never later;
- a month's news: the articles dated in it (policy proposals are listed apart), the events
  that took place in it (started in it; with their attendance and funds when recorded), the
  ambassadors who are new in it, and the policy proposals whose status changed in it;
- an ambassador is new in the month of their first contribution (first article, or first
  event they organise, dated by its post); profiles carry JET years, not the day someone
  joined the network, and an ambassador with nothing published is not announced yet;
- a proposal's status changes when it is submitted (the article's date) and when it is
  decided (`decided:`, once profiles carry it; until then the status as written is shown
  with the submission);
- upcoming: the events that start in the two months after the month (relative to the month,
  never to the build day, so an old issue never changes);
- a month with no news has no issue, even if events are announced for later: the archive says
  that nothing new happened;
- the month's figures are those of the local-return report (plugins/impact) for the articles
  of the month and the events held in it;
- every issue has its web page, but its email files (email.html, email.txt, digest.eml) are
  written only for the latest FURUSATO_DIGEST_EMAIL_MONTHS months up to the month of the
  site's today (`email_kept`); `furusato digest` makes an older month's on demand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from furusato.entities import Article, Event, Prefecture, Site
from furusato.schemas import Ambassador
from impact.figures import YearFigures, span_figures

UPCOMING_MONTHS = 2  # how many months after the issue's month "Coming up" covers


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month, written YYYY-MM."""

    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> Month:
        """Read YYYY-MM; raise ValueError saying how to write it."""
        try:
            parsed = datetime.strptime(text.strip(), "%Y-%m")
        except ValueError:
            raise ValueError(
                f"{text!r} is not a month; write it as YYYY-MM, such as 2026-11"
            ) from None
        return cls(parsed.year, parsed.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    def plus(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def holds(self, day: date) -> bool:
        return (day.year, day.month) == (self.year, self.month)

    @property
    def index(self) -> int:
        """Return the month's number since year 0 (months apart is a subtraction)."""
        return self.year * 12 + self.month - 1


def email_kept(month: Month, today: date, months: int) -> bool:
    """Say whether the issue of `month` gets its email files: the issues of the month of
    `today` (the site's today, FURUSATO_TODAY) and of the `months - 1` months before it do;
    with `months` 0, every issue does. Decided from months alone, never from the build day."""
    return months == 0 or Month.of(today).index - month.index < months


@dataclass(frozen=True)
class NewAmbassador:
    """An ambassador announced in a month: first contribution on `since`."""

    prefecture: Prefecture
    ambassador: Ambassador
    since: date


@dataclass(frozen=True)
class StatusChange:
    """A policy proposal whose status changed in a month, to `status`, on `on`."""

    proposal: Article
    status: str  # submitted, adopted, declined
    on: date


@dataclass(frozen=True)
class Issue:
    """One month's digest of a prefecture (or of the nation, prefecture None) in one edition."""

    prefecture: Prefecture | None
    month: Month
    lang: str
    articles: tuple[Article, ...]  # dated in the month, proposals apart; oldest first
    events: tuple[Event, ...]  # took place in the month, by start
    ambassadors: tuple[NewAmbassador, ...]
    proposals: tuple[StatusChange, ...]
    upcoming: tuple[Event, ...]  # starting in the next UPCOMING_MONTHS months, by start
    figures: YearFigures  # the month's local-return figures
    dated: datetime  # the newest news item's moment: the email's Date, the feed item's date

    @property
    def key(self) -> str:
        """Return the issue's identity: "tottori/2026-11" or "all/2026-11"."""
        return f"{self.prefecture.slug if self.prefecture else 'all'}/{self.month}"


@dataclass(frozen=True)
class Archive:
    """Every month of one digest, newest first: the month and its issue (None: nothing new)."""

    prefecture: Prefecture | None
    lang: str
    months: tuple[tuple[Month, Issue | None], ...]

    @property
    def issues(self) -> tuple[Issue, ...]:
        return tuple(issue for _, issue in self.months if issue is not None)


def _moment(day: date | datetime, zone: ZoneInfo) -> datetime:
    return day if isinstance(day, datetime) else datetime.combine(day, time(0), tzinfo=zone)


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def status_changes(proposal: Article) -> list[tuple[str, date]]:
    """Return when a proposal's status changed, from its front matter: submitted on its
    `submitted:` day (its article's date when that is missing), and its outcome (adopted,
    partly adopted, declined, withdrawn) on its `decided:` day. A status with no day of its
    own (under review) is no dated change, so an old issue never changes."""
    meta = proposal.meta
    changes = [("submitted", _day(meta.submitted or proposal.published))]
    if meta.decided is not None and meta.status not in (None, "submitted", "under-review"):
        changes.append((meta.status, _day(meta.decided)))
    return changes


def first_contributions(site: Site, prefectures: Iterable[Prefecture]) -> list[NewAmbassador]:
    """Return each ambassador who contributed anything, with the day of their first item."""
    found = []
    for p in prefectures:
        first: dict[str, date] = {}
        for a in site.articles_of(p.slug):
            day = a.published.date()
            first[a.author.id] = min(first.get(a.author.id, day), day)
        for e in site.events_of(p.slug):
            day = e.published.date()
            first[e.organizer.id] = min(first.get(e.organizer.id, day), day)
        found += [NewAmbassador(p, a, first[a.id]) for a in p.ambassadors if a.id in first]
    return found


class Digests:
    """Compute the archives and issues of one digest (a prefecture's, or the nation's)."""

    def __init__(self, site: Site, prefecture: Prefecture | None, zone: ZoneInfo):
        self.site = site
        self.prefecture = prefecture
        self.zone = zone
        members = [prefecture] if prefecture else list(site.prefectures.values())
        if prefecture is None:
            self.articles, self.events = list(site.articles), list(site.events)
        else:
            self.articles = list(site.articles_of(prefecture.slug))
            self.events = list(site.events_of(prefecture.slug))
        self.newcomers = first_contributions(site, members)
        # A month's figures are the same in both editions (the report counts a translated
        # pair once): counted once, for the first edition that asks.
        self._figures: dict[tuple[int, int], YearFigures] = {}
        # Each month's articles, events (by start), proposal decisions and newcomers, in the
        # order of the lists above: an issue reads its months' buckets, not every item.
        self._articles = _by_month(self.articles, lambda a: [a.published.date()])
        self._events = _by_month(self.events, lambda e: [e.starts_on()])
        self._changes = _by_month(
            [
                StatusChange(a, status, on)
                for a in self.articles
                if a.meta.kind == "proposal"
                for status, on in status_changes(a)
            ],
            lambda c: [c.on],
        )
        self._newcomers = _by_month(self.newcomers, lambda n: [n.since])
        self._event_index = {id(e): i for i, e in enumerate(self.events)}

    def _event_order(self, event: Event) -> int:
        """Return an event's place in self.events (upcoming events keep that order)."""
        return self._event_index[id(event)]

    def months(self) -> list[Month]:
        """Return the digest's months, oldest first: from its first content to today's."""
        days = [a.published.date() for a in self.articles]
        days += [e.starts_on() for e in self.events] + [e.published.date() for e in self.events]
        last = Month.of(self.site.today)
        first = min((Month.of(d) for d in days), default=None)
        if first is None or first > last:
            return []
        found, month = [], first
        while month <= last:
            found.append(month)
            month = month.plus(1)
        return found

    def archive(self, lang: str) -> Archive:
        """Return every month with its issue in `lang` (None when nothing new), newest first."""
        return Archive(
            self.prefecture,
            lang,
            tuple((m, self.issue(m, lang)) for m in reversed(self.months())),
        )

    def issue(self, month: Month, lang: str) -> Issue | None:
        """Return the issue of `month` in `lang`, or None when the month has no news."""
        site = self.site
        key = (month.year, month.month)
        in_month = self._articles.get(key, [])
        articles = [a for a in in_month if a.meta.kind != "proposal"]
        events = self._events.get(key, [])
        proposals = self._changes.get(key, [])
        newcomers = self._newcomers.get(key, [])
        shown_proposals = set(site.edition([c.proposal for c in proposals], lang))
        proposals = [c for c in proposals if c.proposal in shown_proposals]
        articles = site.edition(sorted(articles, key=lambda a: (a.published, a.key)), lang)
        events = site.edition(events, lang)
        if not (articles or events or proposals or newcomers):
            return None
        upcoming = sorted(
            (
                e
                for ahead in range(1, 1 + UPCOMING_MONTHS)
                for e in self._events.get(_key(month.plus(ahead)), [])
            ),
            key=self._event_order,
        )
        # Held: ended before the next month began, and before today (the current month's
        # issue counts only what has happened). The report counts a translated pair once.
        cutoff = min(month.plus(1).first, site.today)
        held = [e for e in self._events.get(key, []) if e.ends_on() < cutoff]
        moments = [a.published for a in in_month] + [_moment(e.start, self.zone) for e in events]
        moments += [_moment(c.on, self.zone) for c in proposals]
        moments += [_moment(n.since, self.zone) for n in newcomers]
        return Issue(
            prefecture=self.prefecture,
            month=month,
            lang=lang,
            articles=tuple(articles),
            events=tuple(events),
            ambassadors=tuple(newcomers),
            proposals=tuple(proposals),
            upcoming=tuple(site.edition(upcoming, lang)),
            figures=self._month_figures(key, in_month, held),
            dated=max(moments),
        )

    def _month_figures(
        self, key: tuple[int, int], in_month: list[Article], held: list[Event]
    ) -> YearFigures:
        figures = self._figures.get(key)
        if figures is None:
            figures = self._figures[key] = span_figures(self.site, in_month, held)
        return figures


def _key(month: Month) -> tuple[int, int]:
    return (month.year, month.month)


def _by_month(items: list[Any], days: Callable[[Any], list[date]]) -> dict[tuple[int, int], list]:
    """Return `items` grouped by the (year, month) of each of their days, in their order."""
    found: dict[tuple[int, int], list] = {}
    for item in items:
        for day in days(item):
            found.setdefault((day.year, day.month), []).append(item)
    return found
