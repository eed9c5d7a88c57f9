"""Search: the search page of each edition (/search/, /ja/search/, also in a single-prefecture
build) and the Pagefind index of every article and event page, under /pagefind/.

The index is made from the pages this build wrote, once every page is written (the engine's
`pages_written` signal, so its place in PLUGINS does not matter): Pagefind (the npm package
pinned in package-lock.json, whose platform binary is run directly, as a service: see
search/pagefind.py) is given each article and event page, reduced to the part it reads
(search/documents.py), and its files are written through the build's writer like every other
file, so a failed build publishes none of them.

Pagefind reads only what the templates mark with `data-pagefind-body` (title, summary, body,
author or organiser), its filters (`data-pagefind-filter`: prefecture, kind, language, year) and
meta, and it indexes each page in the language of its <html lang> (Japanese by character
pairs, so compounds such as 鳥取砂丘 are found by 砂丘).

The index is keyed on the bytes of the indexed pages (their SHA-1, which the writer already
knows), Pagefind's version and the way it is run: when no indexed page changed, the previous
index is kept without running Pagefind. FURUSATO_SEARCH_INDEX = "keep" (the devserver's mode)
keeps the last index even when pages changed, so a rebuild never waits for Pagefind;
`make html` brings it up to date.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pelican import signals

from furusato import cachefiles
from furusato.fingerprint import fingerprint
from furusato.reading.repository import cache_folder
from furusato.schemas import ARTICLE_KINDS
from furusato.urls import LANGUAGES
from furusato_engine import Build, SiteGenerator, SiteWriter, require
from furusato_engine import signals as engine_signals
from search.pagefind import METHOD, Pagefind, index_pages

log = logging.getLogger(__name__)

BUNDLE = "pagefind/"  # the index's folder in output/
SEARCH = "search/"  # the search page's folder in each edition
KINDS = (*ARTICLE_KINDS, "event")  # the kind filter's values
# Pagefind's files that the search page does not use (its own UIs); never published.
UNUSED = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")


class SearchGenerator(SiteGenerator):
    """The search page of each edition, with its filters' choices and the links a reader
    without JavaScript can follow instead."""

    def write(self, writer: SiteWriter) -> None:
        site = self.site
        years = sorted(
            {a.published.year for a in site.articles} | {e.starts_on().year for e in site.events},
            reverse=True,
        )
        single = site.prefectures.get(site.single) if site.single else None
        for lang in LANGUAGES:
            urls = self.urls_for(lang)
            self.render(
                writer,
                urls.edition_national(SEARCH),
                "search",
                lang=lang,
                alternates=self.editions(lambda u: u.edition_national(SEARCH)),
                prefectures=list(site.prefectures.values()),
                single=single,
                kinds=KINDS,
                years=years,
                bundle=urls.national(BUNDLE),
                base=urls.national(""),
            )


def indexed_pages(build: Build) -> list[str]:
    """Return the output paths of the pages the index holds: every article and event page."""
    urls = build.urls
    site = build.site
    pages = [urls.save_as(urls.article(a)) for a in site.articles]
    pages += [urls.save_as(urls.event(e)) for e in site.events]
    return sorted(pages)


def _purpose(build: Build) -> str:
    return f"search:{Path(build.settings['OUTPUT_PATH']).resolve()}"


def _cache_path(build: Build) -> Path:
    name = fingerprint(_purpose(build))[:12]
    return cache_folder(build.settings) / f"search-{name}.json"


def _last_index(build: Build) -> tuple[str, list[str]] | None:
    """Return the key and files of the last index of this output folder, if recorded."""
    body = cachefiles.read_sealed(_cache_path(build), _purpose(build))
    if body is None:
        return None
    try:
        data = json.loads(body)
        key, files = data["key"], data["files"]
        if not isinstance(key, str) or not all(
            isinstance(f, str) and f.startswith(BUNDLE) and ".." not in f for f in files
        ):
            raise ValueError("not a list of index files")
    except (ValueError, TypeError, KeyError) as exc:
        log.info("ignoring the search cache %s (%s)", _cache_path(build), exc)
        return None
    return key, files


def run_pagefind(
    pagefind: Pagefind, pages: list[str], read: Callable[[str], bytes]
) -> dict[str, bytes]:
    """Index `pages` (output paths; `read` gives their HTML) with Pagefind; return the files
    of its bundle that the site publishes, by output path."""
    files = index_pages(pagefind, pages, read)
    return {BUNDLE + path: data for path, data in files.items() if not path.startswith(UNUSED)}


def write_index(build: Build) -> None:
    """Index the article and event pages with Pagefind, unless the last index still holds."""
    started = time.perf_counter()
    writer = build.writer
    assert writer is not None
    pages = [p for p in indexed_pages(build) if writer.digest(p) is not None]
    pagefind = Pagefind.find()
    key = fingerprint([pagefind.version, METHOD, [(p, writer.digest(p)) for p in pages]])
    last = _last_index(build)
    if last is not None:
        last_key, files = last
        keep = last_key == key or build.settings["FURUSATO_SEARCH_INDEX"] == "keep"
        if keep and writer.all_up_to_date(files, last_key):
            build.timings["search"] = time.perf_counter() - started
            return
    files = run_pagefind(pagefind, pages, writer.read_bytes)
    for path, data in files.items():
        writer.write_bytes(path, data, key)
    body = json.dumps({"key": key, "files": sorted(files)}, sort_keys=True).encode()
    cachefiles.write_sealed(_cache_path(build), _purpose(build), body)
    build.timings["search"] = time.perf_counter() - started


def get_generators(pelican: Any) -> type[SiteGenerator]:
    return SearchGenerator


def initialized(pelican: Any) -> None:
    require(pelican, "search")


def register() -> None:
    signals.initialized.connect(initialized)
    signals.get_generators.connect(get_generators)
    engine_signals.pages_written.connect(write_index)
