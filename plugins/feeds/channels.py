"""Turn the typed Site into RSS 2.0 and Atom documents (with feedgen) and an OPML subscription list.

Pure functions of typed objects: nothing here reads settings or writes files. Every date in
a feed comes from the content (never the clock), so two builds of the same content give the
same bytes, and every item's GUID / Atom id is a tag URI (RFC 4151) built from a fixed
naming authority and the item's key, so it survives edits and a move to another domain.

Contributors' text stays text: titles, names and summaries go to feedgen as text (it escapes
them for XML); where a feed carries HTML (RSS <description>, content:encoded, Atom content)
that HTML is made of escaped text and the sanitized body (`Markup`), never of raw text.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from lxml import etree
from markupsafe import Markup, escape

from furusato.catalog import N_, gettext
from furusato.changes import date_note, status_sentence, titled
from furusato.entities import Article, Event, Prefecture, Site
from furusato.regions import REGIONS
from furusato.settings import AUTHORITY_PATTERN
from furusato.urls import ENDONYMS, Urls
from furusato.wording import KIND_NAMES, event_when, long_date, venue_line

Item = Article | Event
RSS_TYPE = "application/rss+xml"
ATOM_TYPE = "application/atom+xml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ATOM_NS = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class FeedContext:
    """What every feed of one build shares: absolute URLs and the GUID authority."""

    urls: Urls  # built on an absolute base (SITEURL, or the dev base URL)
    authority: str  # RFC 4151 taggingEntity, e.g. "furusato.example,2026"
    file_size: Callable[[str], int]  # bytes of a file under content/ (for enclosures)

    def tag(self, specific: str) -> str:
        """Return the tag URI `tag:<authority>:<specific>`."""
        return f"tag:{self.authority}:{specific}"


@dataclass(frozen=True)
class Feed:
    """One feed's channel data and its items, newest first."""

    key: str  # "tottori", or "all" for the national feed: part of the Atom feed id
    title: str
    description: str
    home: str  # the page the feed belongs to (channel <link>, Atom rel=alternate)
    rss_url: str
    atom_url: str
    items: tuple[Item, ...]
    empty_date: datetime  # channel date when there are no items (fixed, never the clock)
    lang: str = "en"  # the edition: its items (never both sides of a translation pair)


def check_authority(authority: str) -> datetime:
    """Return the date an RFC 4151 authority names, or raise ValueError saying what to write."""
    match = AUTHORITY_PATTERN.match(authority)
    if not match:
        raise ValueError(
            f"FURUSATO_TAG_AUTHORITY {authority!r} is not a tag URI authority; write a domain "
            "you own and a year you owned it, such as 'alumni.example.org,2026'"
        )
    year, month, day = (int(g) if g else 1 for g in match.groups())
    return datetime(year, month, day, tzinfo=UTC)


def newest_first(items: Iterable[Item], limit: int) -> tuple[Item, ...]:
    """Return the newest `limit` items; ties are broken by key so the order never wavers."""
    ordered = sorted(items, key=lambda i: (i.published, i.key), reverse=True)
    return tuple(ordered[:limit])


def prefecture_feed(
    site: Site, p: Prefecture, urls: Urls, limit: int, empty_date: datetime
) -> Feed:
    """Return the feed of one prefecture's articles and event posts, in the edition of
    `urls` (its language's items, and items without a translation into it)."""
    lang = urls.lang
    intro = " ".join(getattr(p.introduction, lang).split())
    return Feed(
        key=_key(p.slug, lang),
        title=gettext(lang, N_("%(prefecture)s (%(prefecture_ja)s) JET alumni network"))
        % {"prefecture": p.name.en, "prefecture_ja": p.name.ja},
        description=gettext(
            lang,
            N_(
                "Articles and events by JET Programme alumni of %(prefecture)s "
                "(%(prefecture_ja)s), %(region)s region. %(introduction)s"
            ),
        )
        % {
            "prefecture": p.name.en,
            "prefecture_ja": p.name.ja,
            "region": getattr(p.region, lang),
            "introduction": intro,
        },
        home=urls.prefecture(p),
        rss_url=urls.feed(p),
        atom_url=urls.feed(p, atom=True),
        items=newest_first(
            site.edition([*site.articles_of(p.slug), *site.events_of(p.slug)], lang), limit
        ),
        empty_date=empty_date,
        lang=lang,
    )


def national_feed(
    site: Site, urls: Urls, limit: int, sitename: str, subtitle: str, empty_date: datetime
) -> Feed:
    """Return the feed of every prefecture's articles and event posts, in the edition of
    `urls`."""
    lang = urls.lang
    return Feed(
        key=_key("all", lang),
        title=f"{sitename}: {subtitle}" if subtitle else sitename,
        description=gettext(
            lang,
            N_(
                "Articles and events by JET Programme alumni from every prefecture "
                "of Japan (日本の全47都道府県)."
            ),
        ),
        home=urls.home(),
        rss_url=urls.feed(),
        atom_url=urls.feed(atom=True),
        items=newest_first(site.edition([*site.articles, *site.events], lang), limit),
        empty_date=empty_date,
        lang=lang,
    )


def _key(key: str, lang: str) -> str:
    """Return a feed's key in an edition (part of its Atom id; English keeps today's)."""
    return key if lang == "en" else f"{key}/{lang}"


def render_rss(feed: Feed, ctx: FeedContext) -> bytes:
    """Return the RSS 2.0 document of `feed` (UTF-8, with content:encoded and dc:creator)."""
    fg = _generator(feed, ctx, feed.rss_url, RSS_TYPE)
    root = etree.fromstring(fg.rss_str())
    # The channel <description> is read as HTML too (feedparser does): escape the text. The
    # same text stays plain in Atom's <subtitle>, a text construct.
    root.find("channel/description").text = _for_readers(escape(feed.description))
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)


def render_atom(feed: Feed, ctx: FeedContext) -> bytes:
    """Return the Atom (RFC 4287) document of `feed`, entries tagged with their language."""
    fg = _generator(feed, ctx, feed.atom_url, ATOM_TYPE)
    root = etree.fromstring(fg.atom_str())
    entries = root.findall(f"{{{ATOM_NS}}}entry")
    for element, item in zip(entries, feed.items, strict=True):
        _fix_atom_links(element, item, ctx)
        # feedgen has no per-entry xml:lang; an entry in another language than the feed's
        # (a Japanese article in the English feed, or the reverse) must say which it is.
        lang = item.lang
        if lang != feed.lang:
            element.set(XML_LANG, lang)
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)


def render_opml(title: str, site: Site, editions: dict[str, Urls]) -> bytes:
    """Return an OPML 2.0 list of every prefecture's RSS feed, grouped by region, each in
    every edition (English, then Japanese)."""
    opml = etree.Element("opml", version="2.0")
    head = etree.SubElement(opml, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "docs").text = "http://opml.org/spec2.opml"
    body = etree.SubElement(opml, "body")
    for region in REGIONS:
        members = [p for p in site.prefectures.values() if p.region == region]
        if not members:
            continue
        group = etree.SubElement(body, "outline", text=f"{region.en} ({region.ja})")
        for p in members:
            for lang, urls in editions.items():
                name = f"{p.name.en} ({p.name.ja})" if lang == "en" else p.name.ja
                title = (
                    f"{name} JET alumni network"
                    if lang == "en"
                    else f"{name} JETアラムナイ・ネットワーク"
                )
                etree.SubElement(
                    group,
                    "outline",
                    text=name if lang == "en" else f"{name} ({ENDONYMS[lang]})",
                    title=title,
                    type="rss",
                    version="RSS2",
                    language=lang,
                    xmlUrl=urls.feed(p),
                    htmlUrl=urls.prefecture(p),
                )
    return etree.tostring(opml, encoding="UTF-8", xml_declaration=True, pretty_print=True)


def _fix_atom_links(entry: etree._Element, item: Item, ctx: FeedContext) -> None:
    """Write an entry's links again: feedgen 1.0.0 drops rel, type and length of entry links,
    which would turn an image enclosure into a second rel="alternate" link."""
    links = entry.findall(f"{{{ATOM_NS}}}link")
    position = entry.index(links[0])
    for link in links:
        entry.remove(link)
    wanted = [{"href": _permalink(item, ctx.urls), "rel": "alternate", "type": "text/html"}]
    image = _image(item, ctx)
    if image:
        url, length, kind = image
        wanted.append({"href": url, "rel": "enclosure", "type": kind, "length": length})
    for offset, attrs in enumerate(wanted):
        link = etree.Element(f"{{{ATOM_NS}}}link", attrs)
        link.tail = links[0].tail
        entry.insert(position + offset, link)


# --- building one feedgen document ------------------------------------------------------


def _generator(feed: Feed, ctx: FeedContext, self_url: str, self_type: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)  # RSS <author> must be an e-mail address
    fg.id(ctx.tag(feed.key))
    fg.title(feed.title)
    fg.description(feed.description)  # RSS <description> and Atom <subtitle>
    fg.language(feed.lang)
    # feedgen takes the RSS channel <link> from the last link added: self first, home last.
    fg.link(href=self_url, rel="self", type=self_type)
    fg.link(href=feed.home, rel="alternate", type="text/html")
    # feedgen stamps the clock by default: the channel date is the newest item's instead.
    fg.updated(max((i.updated for i in feed.items), default=feed.empty_date))
    for item in feed.items:
        _add_entry(fg, item, ctx, feed.lang)
    return fg


def _add_entry(fg: FeedGenerator, item: Item, ctx: FeedContext, lang: str) -> None:
    """Add one item; what the feed itself writes about it (labels, dates) is in `lang`."""
    urls = ctx.urls
    person = item.author if isinstance(item, Article) else item.organizer
    fe = fg.add_entry(order="append")  # feedgen prepends by default; items come newest first
    fe.guid(ctx.tag(item.key), permalink=False)
    # A changed event says so first ("Cancelled: …", 「中止：…」), so the list of items shows it.
    fe.title(titled(item, lang) if isinstance(item, Event) else item.title)
    fe.link(href=_permalink(item, urls), rel="alternate", type="text/html")
    fe.published(item.published)
    fe.updated(item.updated)
    fe.author(name=person.name, uri=urls.ambassador(item.prefecture, person))
    fe.dc.dc_creator(person.name)
    fe.dc.dc_language(item.lang)
    for term, scheme, label in _categories(item, ctx, lang):
        fe.category(term=term, scheme=scheme, label=label)
    summary = _summary(item, lang)
    fe.summary(summary)  # Atom <summary>, a text construct
    # RSS <description> is HTML by convention (RSS Best Practices Profile): escape the text,
    # or a reader would show "Furigana with <ruby> tags" as "Furigana with tags".
    fe.description(_for_readers(escape(summary)))
    fe.content(
        _for_readers(_html(item, urls, lang)), type="html"
    )  # Atom content and RSS content:encoded
    image = _image(item, ctx)
    if image:
        fe.enclosure(*image)


def _summary(item: Item, lang: str) -> str:
    """Return an item's summary; a changed event's begins with what changed, and its last
    change note."""
    if not isinstance(item, Event):
        return item.meta.summary
    parts = [status_sentence(item, lang)]
    notes = item.change_notes(lang)
    if notes:
        parts.append(notes[-1][1])
    return " ".join([*(p for p in parts if p), item.meta.summary])


def _changes(event: Event, lang: str) -> Markup:
    """Say what became of a changed event, and list its changes with their dates."""
    sentence = status_sentence(event, lang)
    notes = event.change_notes(lang)
    if sentence is None and not notes:
        return Markup("")
    html = Markup("<p><strong>{}</strong></p>\n").format(sentence) if sentence else Markup("")
    if notes:
        row = Markup('<li lang="{}">{}: {}</li>\n')
        items = Markup("").join(
            row.format(note_lang, long_date(day, lang=lang), note) for day, note, note_lang in notes
        )
        html += Markup("<ul>\n{}</ul>\n").format(items)
    return html


def _permalink(item: Item, urls: Urls) -> str:
    return urls.article(item) if isinstance(item, Article) else urls.event(item)


def _categories(item: Item, ctx: FeedContext, lang: str) -> list[tuple[str, str, str]]:
    p = item.prefecture
    if isinstance(item, Article):
        kind = (item.meta.kind, KIND_NAMES[item.meta.kind])
    else:
        kind = ("event", N_("Event"))
    found = [
        (kind[0], ctx.tag("kind"), gettext(lang, kind[1])),
        (p.region.slug, ctx.tag("region"), getattr(p.region, lang)),
        (p.slug, ctx.tag("prefecture"), getattr(p.name, lang)),
    ]
    found += [(tag, ctx.tag("tags"), tag) for tag in item.meta.tags]
    return found


def _image(item: Item, ctx: FeedContext) -> tuple[str, str, str] | None:
    if not isinstance(item, Article) or not item.meta.image:
        return None
    path = f"{item.prefecture.slug}/{item.meta.image}"
    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return ctx.urls.content_file(path), str(ctx.file_size(path)), kind


def _for_readers(html: Markup) -> str:
    """Return HTML for a feed, with quotes as &quot;: feedparser (behind many readers) decodes
    markupsafe's &#34; inside an attribute and then cuts the value at that quote."""
    return str(html).replace("&#34;", "&quot;")


def _html(item: Item, urls: Urls, lang: str) -> Markup:
    body = urls.expand(item.html)
    if isinstance(item, Article):
        if item.meta.image:
            src = urls.content_file(f"{item.prefecture.slug}/{item.meta.image}")
            picture = Markup('<p><img src="{}" alt="{}"></p>\n').format(
                src, item.meta.image_alt or ""
            )
            return picture + body
        return body
    return _changes(item, lang) + _event_facts(item, lang) + body


def _event_facts(event: Event, lang: str) -> Markup:
    """Say when and where an event is (RSS-to-email readers see only this HTML)."""
    meta = event.meta
    link = Markup('<a href="{0}">{0}</a>')
    when = event_when(event, lang=lang)
    note = date_note(event, lang)
    if event.status == "postponed":
        when = note or when
    elif note:
        when = f"{when} ({note})"
    rows: list[tuple[str, Markup | str]] = [(N_("When"), when)]
    places: list[Markup | str] = []
    if meta.venue:
        places.append(venue_line(meta.venue))
    if meta.online_url:
        online = Markup(gettext(lang, N_("online at %(link)s")))
        places.append(online % {"link": link.format(meta.online_url)})
    rows.append((N_("Where"), Markup("; ").join(places)))
    if meta.cost:
        rows.append((N_("Cost"), meta.cost))
    if meta.registration_url:
        rows.append((N_("Register"), link.format(meta.registration_url)))
    row = Markup(
        "<p><strong>{}：</strong>{}</p>\n" if lang == "ja" else "<p><strong>{}:</strong> {}</p>\n"
    )
    return Markup("").join(row.format(gettext(lang, label), value) for label, value in rows)
