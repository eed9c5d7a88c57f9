"""Write every feed: RSS 2.0 and Atom per prefecture and for the nation, and /feeds.opml.

The documents are built by `feeds.channels` from the typed Site; this plugin only picks the
settings and writes the bytes. Pelican's own feed writer stays off (pelicanconf.py sets its
FEED_* settings to None), so there is one feed stack.
"""

from __future__ import annotations

import functools
import posixpath
from typing import Any

from pelican import signals

from furusato.entities import Article
from furusato.fingerprint import fingerprint
from furusato.urls import LANGUAGES
from furusato_engine import SiteGenerator, SiteWriter, require

from . import channels as feeds


class FeedsGenerator(SiteGenerator):
    """RSS and Atom for each prefecture and for the nation, and one OPML file."""

    def prepare(self) -> None:
        s = self.settings
        sizes = self.build.picture_sizes  # of the published file, not the committed original
        self.ctx = feeds.FeedContext(
            urls=self.absolute,
            authority=s["FURUSATO_TAG_AUTHORITY"],
            file_size=lambda path: sizes[posixpath.normpath(path)],
        )
        self.empty_date = feeds.check_authority(s["FURUSATO_TAG_AUTHORITY"])

    def write(self, writer: SiteWriter) -> None:
        site, limit = self.site, self.settings["FURUSATO_FEED_ITEMS"]
        editions = {lang: self.absolute.edition(lang) for lang in LANGUAGES}
        all_feeds = []
        for urls in editions.values():
            all_feeds += [
                feeds.prefecture_feed(site, p, urls, limit, self.empty_date)
                for p in site.prefectures.values()
            ]
            if site.single is None:  # a one-prefecture site's own feed is at /feed.xml
                all_feeds.append(
                    feeds.national_feed(
                        site,
                        urls,
                        limit,
                        self.settings.get("SITENAME", "Furusato"),
                        self.settings.get("SITESUBTITLE", ""),
                        self.empty_date,
                    )
                )
        for feed in all_feeds:
            key = self.render_key(feed)
            for url, render in (
                (feed.rss_url, feeds.render_rss),
                (feed.atom_url, feeds.render_atom),
            ):
                path = self.absolute.save_as(url)
                if not writer.up_to_date(path, key):  # unchanged items: keep the file as it is
                    writer.produce(
                        [path], key, functools.partial(_feed_file, path, render, feed, self.ctx)
                    )
        if site.single is None:  # a single prefecture's site has no national feed list
            title = f"{self.settings.get('SITENAME', 'Furusato')}: feeds of every prefecture"
            opml_url = self.absolute.national("feeds.opml")
            writer.write_bytes(
                self.absolute.save_as(opml_url), feeds.render_opml(title, site, editions)
            )

    def render_key(self, feed: feeds.Feed) -> str:
        """Fingerprint everything a feed shows, including the byte size of enclosed pictures."""
        sizes = [
            self.ctx.file_size(f"{item.prefecture.slug}/{item.meta.image}")
            for item in feed.items
            if isinstance(item, Article) and item.meta.image
        ]
        channel = [
            feed.key,
            feed.lang,
            feed.title,
            feed.description,
            feed.home,
            feed.rss_url,
            feed.atom_url,
        ]
        return f"feed|{fingerprint([channel, feed.empty_date, list(feed.items), sizes])}"


def get_generators(pelican: Any) -> type[SiteGenerator]:
    return FeedsGenerator


def initialized(pelican: Any) -> None:
    require(pelican, "feeds")


def register() -> None:
    signals.initialized.connect(initialized)
    signals.get_generators.connect(get_generators)


def _feed_file(
    path: str, render: Any, feed: feeds.Feed, ctx: feeds.FeedContext
) -> dict[str, bytes]:
    """Return {path: the feed rendered as RSS or Atom by `render`} (a job for the writer)."""
    return {path: render(feed, ctx)}
