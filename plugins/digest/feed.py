"""Write a digest feed: RSS 2.0 with one item per monthly issue and its full HTML, the form
that RSS-to-email services (Mailchimp's RSS campaigns and the like) send from.

Like plugins/feeds, built with feedgen from content dates only, with tag URI GUIDs (RFC 4151)
that never change; the HTML of each item is the issue's own rendering, with absolute links.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from feedgen.feed import FeedGenerator
from lxml import etree
from markupsafe import Markup, escape

RSS_TYPE = "application/rss+xml"


@dataclass(frozen=True)
class DigestItem:
    """One issue as a feed item."""

    key: str  # "tottori/2026-11": with the edition, the item's tag URI
    title: str
    link: str  # the web page
    summary: str  # the figures line (plain text)
    html: Markup  # the sections, absolute links
    dated: datetime


@dataclass(frozen=True)
class DigestFeed:
    """A digest feed's channel and its items, newest first."""

    key: str  # "tottori" or "all", with the edition
    lang: str
    title: str
    description: str
    home: str  # the archive page
    url: str  # where the feed is served (atom:link rel=self)
    items: tuple[DigestItem, ...]
    empty_date: datetime  # channel date without items: the tag authority's, never the clock


def render(feed: DigestFeed, authority: str) -> bytes:
    """Return the RSS 2.0 document of a digest feed."""
    fg = FeedGenerator()
    fg.id(f"tag:{authority}:digest/{feed.key}")
    fg.title(feed.title)
    fg.description(feed.description)
    fg.language(feed.lang)
    fg.link(href=feed.url, rel="self", type=RSS_TYPE)
    fg.link(href=feed.home, rel="alternate", type="text/html")
    fg.updated(max((i.dated for i in feed.items), default=feed.empty_date))
    for item in feed.items:
        fe = fg.add_entry(order="append")
        fe.guid(f"tag:{authority}:digest/{item.key}/{feed.lang}", permalink=False)
        fe.title(item.title)
        fe.link(href=item.link, rel="alternate", type="text/html")
        fe.published(item.dated)
        fe.updated(item.dated)
        fe.description(_quoted(escape(item.summary)))
        fe.content(_quoted(item.html), type="html")
    root = etree.fromstring(fg.rss_str())
    root.find("channel/description").text = _quoted(escape(feed.description))
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)


def _quoted(html: Markup) -> str:
    """Write quotes as &quot; (feedparser misreads markupsafe's &#34; inside attributes)."""
    return str(html).replace("&#34;", "&quot;")
