"""Cross-check parsed documents against the profiles and each other, and build the Site."""

from __future__ import annotations

import difflib
import logging
import posixpath
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .. import fiscal
from .. import proposals as proposal_numbers
from ..entities import Article, Event, Page, Prefecture, Site
from ..errors import Problems
from ..placeholders import AMBASSADOR_ID
from ..renditions import Plan, responsive_html
from ..schemas import EventSchema
from ..slugs import slug_from_filename
from ..urls import KIND_LIST_NAMES, LIST_NAMES, NATIONAL_NAMES, PREFECTURE_NAMES
from . import images
from .documents import Parsed
from .markup import LOCAL_PREFIX
from .pictures import plan_of
from .repository import (
    PAGES_DIR,
    Options,
    file_stem,
    is_slug,
    sha1,
)

log = logging.getLogger(__name__)


def assemble_site(
    options: Options,
    prefectures: dict[str, Prefecture],
    parsed: list[Parsed],
    problems: Problems,
    invalid_profiles: set[str] = frozenset(),
) -> Site:
    """Cross-check parsed documents against profiles and each other; build the Site."""
    site_zone = ZoneInfo(options.timezone)
    today = today_of(options)
    articles: list[Article] = []
    events: list[Event] = []
    pages: list[Page] = []
    slugs: dict[tuple[str, str], list[tuple[str, int]]] = {}
    sizes_seen: dict[str, images.Inspection | None] = {}
    for entry in parsed:
        if entry.meta is None:
            continue
        if entry.folder == PAGES_DIR:
            meta: Any = entry.meta
            slug = meta.slug or slug_from_filename(file_stem(entry.source))
            taken = _page_slug_taken(slug, set(prefectures) | set(invalid_profiles))
            if taken:
                problems.add(entry.source, entry.lines.lines.get(("slug",), 1), "slug", taken)
                continue
            pages.append(Page(slug, meta, entry.html, entry.source, entry.digest))
            # Two pages may share a slug in different languages: /about/ and /ja/about/.
            slugs.setdefault((f"{PAGES_DIR}/{meta.lang}", slug), []).append(
                (entry.source, entry.lines.line_of(("slug",)))
            )
            continue
        pref_slug = entry.source.split("/", 2)[1]
        prefecture = prefectures.get(pref_slug)
        if prefecture is None and pref_slug in invalid_profiles:
            continue  # its profile's problems are reported; cross-checks need a valid profile
        if prefecture is None:
            guess = difflib.get_close_matches(pref_slug, list(prefectures), n=1)
            hint = f"did you mean {guess[0]!r}? " if guess else ""
            problems.add(
                entry.source,
                1,
                "prefecture",
                f"the folder 'content/{pref_slug}/' is not a prefecture; {hint}"
                "move the file into the folder named like its profile in prefectures/",
            )
            continue
        meta = entry.meta
        slug = meta.slug or slug_from_filename(file_stem(entry.source))
        if not is_slug(slug):
            problems.add(
                entry.source,
                1,
                "slug",
                "no URL slug could be made from the file name; add 'slug: <ascii-words>'",
            )
            continue
        if slug in LIST_NAMES:
            what = "article" if entry.folder == "articles" else "event"
            problems.add(
                entry.source,
                entry.lines.lines.get(("slug",), 1),
                "slug",
                f"the URL /{pref_slug}/{entry.folder}/{slug}/ is taken by the {what} list's "
                f"further pages (/{pref_slug}/{entry.folder}/{slug}/2/); give the {what} "
                "another 'slug:' or file name",
            )
            continue
        if slug in KIND_LIST_NAMES and entry.folder == "articles":
            problems.add(
                entry.source,
                entry.lines.lines.get(("slug",), 1),
                "slug",
                f"the URL /{pref_slug}/articles/{slug}/ is taken by the list of {pref_slug}'s "
                f"articles of kind '{slug}'; give the article another 'slug:' or file name",
            )
            continue
        slugs.setdefault((f"{pref_slug}/{entry.folder}", slug), []).append(
            (entry.source, entry.lines.line_of(("slug",)))
        )
        person_field = "author" if entry.folder == "articles" else "organizer"
        person = prefecture.ambassador(getattr(meta, person_field))
        if person is None and getattr(meta, person_field) == AMBASSADOR_ID:
            continue  # reported as the template's sample, with how to find one's id
        if person is None:
            known = ", ".join(a.id for a in prefecture.ambassadors) or "none yet"
            problems.add(
                entry.source,
                entry.lines.line_of((person_field,)),
                person_field,
                f"{getattr(meta, person_field)!r} is not an ambassador of {pref_slug} "
                f"(known: {known}); use an id from prefectures/{pref_slug}.yaml or add "
                "yourself there",
            )
            continue
        if entry.folder == "articles":
            articles.append(
                _make_article(prefecture, person, slug, meta, entry, site_zone, options, sizes_seen)
            )
        else:
            if entry.problems:
                continue  # its own problems are reported; its times cannot be placed
            event = _make_event(
                prefecture, person, slug, meta, entry, site_zone, options, sizes_seen
            )
            _check_results(event, today, entry, problems)
            _check_changes(event, today, entry, problems)
            events.append(event)
    for (where, slug), places in slugs.items():
        if len(places) > 1:
            files = ", ".join(source for source, _ in places)
            for source, line in places:
                problems.add(
                    source,
                    line,
                    "slug",
                    f"the URL {where}/{slug}/ is used by more than one file ({files}); "
                    "give one of them a different 'slug:' or file name",
                )
    _check_translations(articles, parsed, problems, "articles")
    _check_translations(events, parsed, problems, "events")
    _check_translations(pages, parsed, problems, "pages")
    lines = {e.source: e.lines for e in parsed}
    _check_proposals(articles, today, lines, problems)
    _check_recaps(articles, events, lines, problems)
    articles.sort(key=lambda a: (a.published, a.key), reverse=True)
    events.sort(key=lambda e: (_sort_time(e), e.key))
    pages.sort(key=lambda p: (p.meta.order, p.slug))
    return Site(
        prefectures=prefectures,
        articles=articles,
        events=events,
        pages=pages,
        today=today,
        single=options.single,
    )


def today_of(options: Options) -> date:
    """Return the day "upcoming" is decided against: FURUSATO_TODAY, else today in the
    site's time zone."""
    return options.today or datetime.now(ZoneInfo(options.timezone)).date()


def _page_slug_taken(slug: str, prefecture_slugs: set[str]) -> str | None:
    """Say why a site page may not have this slug (its URL is /<slug>/), or None."""
    fix = "give the page another 'slug:' or file name"
    if not is_slug(slug):
        return "no URL slug could be made from the file name; add 'slug: <ascii-words>'"
    if slug in prefecture_slugs:
        return f"the URL /{slug}/ is the {slug} prefecture's site; {fix}"
    if slug in NATIONAL_NAMES or slug in PREFECTURE_NAMES:
        return (
            f"the URL /{slug}/ is taken by a page Furusato makes itself (the names it uses "
            f"are listed in DESIGN.md under Outputs); {fix}"
        )
    return None


def _check_translations(
    items: list[Any], parsed: list[Parsed], problems: Problems, what: str
) -> None:
    """Check every `translation:` of articles, events or pages: the target exists (in the
    same prefecture), is written in another language, and is the translation of nothing
    else (a pair is two documents; a third claiming one of them would be dropped silently)."""
    lines = {e.source: e.lines for e in parsed}

    def where(item: Any) -> str:
        return getattr(getattr(item, "prefecture", None), "slug", "")

    by_key: dict[tuple[str, str], list[Any]] = {}
    for item in items:
        by_key.setdefault((where(item), item.slug), []).append(item)
    claims: dict[int, list[Any]] = {}  # documents named as a translation, by who names them
    for item in items:
        target = item.meta.translation
        if target is None:
            continue
        others = [o for o in by_key.get((where(item), target), []) if o is not item]
        line = lines[item.source].line_of(("translation",))
        folder = f"content/{where(item)}/{what}/" if where(item) else f"content/{what}/"
        if not others:
            problems.add(
                item.source,
                line,
                "translation",
                f"there is no {what[:-1]} with slug {target!r} in {folder}",
            )
        elif all(other.lang == item.lang for other in others):
            problems.add(
                item.source,
                line,
                "translation",
                f"{target!r} is also in lang {item.lang!r}; a translation "
                f"links {what} in different languages",
            )
        else:
            other = next(o for o in others if o.lang != item.lang)
            back = other.meta.translation
            if back is not None and back != item.slug:
                problems.add(
                    item.source,
                    line,
                    "translation",
                    f"{target!r} names {back!r} as its translation, not {item.slug!r}; a "
                    f"translation pair is two {what} that name each other (or one names the "
                    "other): fix one of the two 'translation:' lines",
                )
            else:
                claims.setdefault(id(other), []).append(item)
    for claimants in claims.values():
        for item in claimants[1:]:
            problems.add(
                item.source,
                lines[item.source].line_of(("translation",)),
                "translation",
                f"{claimants[0].source} already names {item.meta.translation!r} as its "
                "translation; each document has one translation: remove one of the two "
                "'translation:' lines",
            )


def _check_proposals(
    articles: list[Article], today: date, lines: dict[str, Any], problems: Problems
) -> None:
    """Check proposals' numbers and dates across files: a number is the prefecture's, of the
    fiscal year the proposal was submitted in, and used once (both sides of a translation
    pair carry the same number, status and dates); no date is after today."""
    proposals = [a for a in articles if a.meta.kind == "proposal"]
    by_number: dict[tuple[str, str], list[Article]] = {}
    for article in proposals:
        if article.meta.number is not None:
            by_number.setdefault((article.prefecture.slug, article.meta.number), []).append(article)

    def add(article: Article, name: str, message: str) -> None:
        problems.add(article.source, lines[article.source].line_of((name,)), name, message)

    taken = proposal_numbers.highest_places(number for _, number in by_number)
    for article in proposals:
        meta, prefecture = article.meta, article.prefecture
        for name in ("submitted", "decided"):
            day = getattr(meta, name)
            if day is not None and _day(day) > today:
                add(article, name, f"{_day(day)} is after today ({today}); check the date")
        if meta.submitted is None:
            continue  # reported by the proposal's own checks
        year = fiscal.fiscal_year(_day(meta.submitted))
        free = proposal_numbers.next_free(prefecture, year, taken)  # for the messages
        if meta.number is None:
            add(
                article,
                "number",
                f"a policy proposal has a number to cite; the prefecture's coordinator adds "
                f"'number: {free}' (the next free number of FY{year}, the fiscal year of "
                "'submitted'), which never changes once published",
            )
            continue
        who, fy, _place = proposal_numbers.parse(meta.number)
        if who != proposal_numbers.letters(prefecture) or fy != year:
            add(
                article,
                "number",
                f"{meta.number!r} is not a number of {prefecture.slug} in FY{year} (submitted "
                f"{_day(meta.submitted)}); its numbers start with "
                f"{proposal_numbers.letters(prefecture)}-{year}-, such as {free}",
            )
            continue
        others = [o for o in by_number[(prefecture.slug, meta.number)] if o is not article]
        for other in others:
            pair = article.meta.translation == other.slug or other.meta.translation == article.slug
            if not pair:
                add(
                    article,
                    "number",
                    f"{meta.number!r} is also the number of {other.source}; each proposal "
                    f"has its own number (the next free one is {free}), except a proposal's "
                    "translation, which names it in 'translation:'",
                )
                continue
            for name in ("status", "submitted", "decided"):
                if getattr(meta, name) != getattr(other.meta, name) and article.lang == "ja":
                    add(
                        article,
                        name,
                        f"{other.source} (its translation) says {name}: "
                        f"{getattr(other.meta, name) or 'nothing'}; both sides of a "
                        "translation pair tell the same proposal: write the same value",
                    )


def _check_recaps(
    articles: list[Article], events: list[Event], lines: dict[str, Any], problems: Problems
) -> None:
    """Check that `recap_of` names an event of the same prefecture that has begun."""
    by_key = {(e.prefecture.slug, e.slug): e for e in events}
    for article in articles:
        target = article.meta.recap_of
        if target is None:
            continue
        event = by_key.get((article.prefecture.slug, target))
        line = lines[article.source].line_of(("recap_of",))
        if event is None:
            problems.add(
                article.source,
                line,
                "recap_of",
                f"there is no event with slug {target!r} in "
                f"content/{article.prefecture.slug}/events/; write the slug of the event "
                "this article reports on (its URL's last part)",
            )
        elif event.starts_on() > article.published.date():
            problems.add(
                article.source,
                line,
                "recap_of",
                f"the event {target!r} starts on {event.starts_on()}, after this article's "
                f"date ({article.published.date()}); a recap is written after the event",
            )


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def remade(item: Article | Event | Page, entry: Parsed, options: Options) -> Article | Event | Page:
    """Return `item` made again from `entry`, a new parse of its file whose front matter is
    the same (the devserver's quick step after an edit of the text only): the prefecture,
    the author or organizer and the slug are the item's own, the body and its pictures'
    sizes are `entry`'s, made by the same functions a load uses."""
    site_zone = ZoneInfo(options.timezone)
    if isinstance(item, Article):
        return _make_article(
            item.prefecture, item.author, item.slug, item.meta, entry, site_zone, options, {}
        )
    if isinstance(item, Event):
        return _make_event(
            item.prefecture, item.organizer, item.slug, item.meta, entry, site_zone, options, {}
        )
    return Page(item.slug, item.meta, entry.html, entry.source, entry.digest)


def _make_article(
    prefecture: Prefecture,
    author: Any,
    slug: str,
    meta: Any,
    entry: Parsed,
    site_zone: ZoneInfo,
    options: Options,
    sizes_seen: dict[str, images.Inspection | None],
) -> Article:
    published = _aware(meta.date, site_zone)
    updated = _aware(meta.updated, site_zone) if meta.updated else published
    html, digest, plans, sizes = _with_image_sizes(entry, options, sizes_seen)
    pref_slug = prefecture.slug
    hero = posixpath.normpath(posixpath.join(pref_slug, meta.image)) if meta.image else None
    return Article(
        prefecture,
        author,
        slug,
        meta,
        html,
        published,
        updated,
        entry.source,
        digest,
        entry.images,
        image_size=_size_at_address(hero, plans, sizes),
        hero=plans.get(hero) if hero else None,
    )


def _make_event(
    prefecture: Prefecture,
    organizer: Any,
    slug: str,
    meta: EventSchema,
    entry: Parsed,
    site_zone: ZoneInfo,
    options: Options,
    sizes_seen: dict[str, images.Inspection | None],
) -> Event:
    html, digest, _plans, _sizes = _with_image_sizes(entry, options, sizes_seen)
    if meta.all_day:
        zone = ZoneInfo(meta.timezone) if meta.timezone else None
        start: date | datetime = (
            meta.start if not isinstance(meta.start, datetime) else meta.start.date()
        )
        end: date | datetime = meta.end or start
        if isinstance(end, datetime):
            end = end.date()
        published = datetime.combine(start, time(), site_zone)
    else:
        zone = ZoneInfo(meta.timezone or "UTC")
        start = meta.start.replace(tzinfo=zone)  # type: ignore[union-attr]
        end = meta.end.replace(tzinfo=zone)  # type: ignore[union-attr]
        published = start
    if meta.posted is not None:  # an announcement is news on the day it was posted
        published = _aware(meta.posted, site_zone)
    first_start: date | datetime | None = None
    if meta.rescheduled_from is not None:
        first = meta.rescheduled_from
        if meta.all_day:
            first_start = first.date() if isinstance(first, datetime) else first
        elif isinstance(first, datetime):
            first_start = first.replace(tzinfo=zone)
    changed = _aware(meta.changes[-1].date, site_zone) if meta.changes else None
    return Event(
        prefecture,
        organizer,
        slug,
        meta,
        html,
        zone,
        start,
        end,
        published,
        entry.source,
        digest,
        entry.images,
        changed=changed,
        first_start=first_start,
    )


def _size_at_address(
    picture: str | None, plans: dict[str, Plan], sizes: dict[str, tuple[int, int]]
) -> tuple[int, int] | None:
    """Return the pixel size of the file published at a picture's own address: a drawing's
    own size, or a photo's largest web size (what a link, a feed or a share card shows)."""
    if picture is None:
        return None
    if picture in plans:
        return plans[picture].main_size
    return sizes.get(picture)


def _with_image_sizes(
    entry: Parsed, options: Options, seen: dict[str, images.Inspection | None]
) -> tuple[str, str, dict[str, Plan], dict[str, tuple[int, int]]]:
    """Show the entry's pictures at their web sizes (photos) or their pixel sizes (drawings);
    fold the sizes into its digest so a changed picture re-renders the pages that show it.
    Return the HTML, the digest, the plan of every photo and the size of every drawing."""
    plans: dict[str, Plan] = {}
    sizes: dict[str, tuple[int, int]] = {}
    for image, _line, _field in entry.pictures:
        if image not in seen:
            seen[image] = images.inspected(options.root / "content" / image)
        result = seen[image]
        if result is None:
            continue
        plan = plan_of(image, result)
        if plan is not None:
            plans[image] = plan
        elif result.size is not None:
            sizes[image] = result.size
    if not plans and not sizes:
        return entry.html, entry.digest, plans, sizes
    html = responsive_html(entry.html, plans, sizes, LOCAL_PREFIX)
    key = f"{entry.digest}:{sorted(sizes.items())}:{sorted(map(repr, plans.values()))}"
    return html, sha1(key.encode()), plans, sizes


def _check_results(event: Event, today: date, entry: Parsed, problems: Problems) -> None:
    """Refuse attendance or funds raised for an event that has not started yet (a wrong date?)."""
    if event.starts_on() <= today:
        return
    for name, what in (("attendance", "an attendance"), ("funds_raised", "funds raised")):
        if getattr(event.meta, name) is not None:
            problems.add(
                event.source,
                entry.lines.line_of((name,)),
                name,
                f"the event starts on {event.starts_on()}, after today ({today}), so "
                f"it cannot have {what} yet; check the date in 'start', or add "
                f"'{name}' once the event has taken place",
            )


def _check_changes(event: Event, today: date, entry: Parsed, problems: Problems) -> None:
    """Refuse a change dated after today: calendars and feeds would date the event's last
    change in the future. A day's grace lets a contributor in a zone ahead of the site's
    date a change by their own calendar."""
    for index, change in enumerate(event.meta.changes):
        day = change.date.date() if isinstance(change.date, datetime) else change.date
        if day > today + timedelta(days=1):
            problems.add(
                event.source,
                entry.lines.line_of(("changes", index, "date")),
                f"changes[{index}].date",
                f"the change is dated {day}, which is still to come; date each change the "
                "day you publish it (the date of a change tells calendars which news is newer)",
            )


def _sort_time(event: Event) -> datetime:
    if isinstance(event.start, datetime):
        return event.start
    return datetime.combine(event.start, time(), ZoneInfo("UTC"))


def _aware(value: date | datetime, zone: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    return datetime.combine(value, time(), zone)
