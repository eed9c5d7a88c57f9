"""Load and validate every profile and content file, and give other plugins the typed Site.

Its generator runs first. Any problem in any contributor's file stops the build with a
ContentError listing all of them (never Pelican's log-and-skip). It also provides
`SiteGenerator`, the base class of Furusato's page-writing generators.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import FileSystemBytecodeCache
from pelican import signals
from pelican.generators import Generator

from furusato import cachefiles
from furusato.entities import Site
from furusato.fingerprint import fingerprint
from furusato.reading.loader import DocumentCache, Options, Picture, load
from furusato.urls import Urls
from furusato.wording import FILTERS, template_globals

log = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "FURUSATO_ROOT": ".",  # repository root that holds prefectures/ and content/
    "FURUSATO_PREFECTURE": None,  # slug: build only this prefecture's site, rooted at /
    "FURUSATO_TODAY": None,  # date "upcoming" is decided against (None: today in TIMEZONE)
    "FURUSATO_DOCUMENT_CACHE": None,  # an in-memory DocumentCache (the devserver passes one)
    "FURUSATO_JOBS": None,  # processes that parse new or changed files (None: one per CPU)
    "FURUSATO_DEV_SITEURL": "http://127.0.0.1:8000",  # base of absolute URLs when SITEURL is ""
}


class ContentGenerator(Generator):
    """Reads prefectures/ and content/ into context['furusato_site']; copies the pictures the
    load accepted (context['furusato_pictures'])."""

    def generate_context(self) -> None:
        settings = self.settings
        today = settings["FURUSATO_TODAY"]
        if isinstance(today, str):
            today = date.fromisoformat(today)
        root = Path(settings["FURUSATO_ROOT"])
        options = Options(
            root=root,
            only=settings["FURUSATO_PREFECTURE"],
            timezone=settings.get("TIMEZONE") or "Asia/Tokyo",
            today=today,
            jobs=settings["FURUSATO_JOBS"],
        )
        cache = settings["FURUSATO_DOCUMENT_CACHE"]
        if cache is None:
            cache = DocumentCache(Path(settings["FURUSATO_CACHE_PATH"]) / "documents")
        loaded = load(options, cache)
        site = loaded.site
        cache.save()
        self.context["furusato_site"] = site
        self.context["furusato_pictures"] = loaded.pictures
        self.context["furusato_urls"] = Urls(settings.get("SITEURL", ""), site.single)

    def generate_output(self, writer: Any) -> None:
        # Exactly the pictures the load checked and `make check` accepts: nothing else in
        # images/ (a web page, a link, a script in an SVG) is ever copied.
        pictures: list[Picture] = self.context["furusato_pictures"]
        urls: Urls = self.context["furusato_urls"]
        for picture in pictures:
            writer.copy_file(Path(picture.path), urls.save_as(urls.content_file(picture.rel)))


class SiteGenerator(Generator):
    """Base of generators that write pages from the typed Site.

    `render()` fingerprints the page's own data together with the site-wide data every
    page shows (navigation, today's date), so the writer can skip unchanged pages.
    """

    def generate_context(self) -> None:
        self.site: Site = self.context["furusato_site"]
        self.urls: Urls = self.context["furusato_urls"]
        # Feeds, calendars and the sitemap are read outside the site: their URLs are absolute,
        # from SITEURL, or in development builds from FURUSATO_DEV_SITEURL.
        base = self.settings.get("SITEURL") or self.settings["FURUSATO_DEV_SITEURL"]
        self.absolute = Urls(base, self.site.single)
        self.env.bytecode_cache = _bytecode_cache(
            str(Path(self.settings["FURUSATO_ROOT"]).resolve())
        )
        self.env.globals.update(template_globals(self.site, self.urls, self.settings))
        self.env.filters.update(FILTERS)
        self.site_key = fingerprint(
            [
                self.site.today,
                self.site.single,
                [
                    (p.slug, p.name, p.region, p.tile, p.code)
                    for p in self.site.prefectures.values()
                ],
                [(p.slug, p.title) for p in self.site.pages],
            ]
        )
        self.prepare()

    def prepare(self) -> None:
        """Compute what the generator needs from self.site (override)."""

    def render(self, writer: Any, url: str, template: str, **data: Any) -> None:
        """Render `template` with `data` to the file serving `url`, unless unchanged."""
        path = self.urls.save_as(url)
        key = f"{template}|{url}|{self.site_key}|{fingerprint(data)}"
        if writer.up_to_date(path, key):
            return
        html = self.get_template(template).render({**data, "page_url": url})
        writer.write_bytes(path, html.encode("utf-8"), key)


@functools.cache
def _bytecode_cache(root: str) -> FileSystemBytecodeCache | None:
    """Return the compiled-template cache: compiling the theme costs more than a small rebuild.

    Compiled templates are code (Jinja unmarshals them), so they are kept only in the user's
    own cache folder, one folder per repository, never under the repository where a pull
    request could plant one. Entries are checked against each template's source, so an
    edited template is compiled again; one instance per repository serves every generator
    and every devserver rebuild.
    """
    key = hashlib.sha1(root.encode(), usedforsecurity=False).hexdigest()[:16]
    folder = cachefiles.private_folder("templates", key)
    return FileSystemBytecodeCache(str(folder)) if folder is not None else None


def get_generators(pelican: Any) -> type[Generator]:
    return ContentGenerator


def initialized(pelican: Any) -> None:
    for key, value in DEFAULTS.items():
        pelican.settings.setdefault(key, value)


def register() -> None:
    signals.initialized.connect(initialized)
    signals.get_generators.connect(get_generators)
