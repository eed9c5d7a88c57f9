"""Load a Furusato repository (profiles and content) into a validated, cross-checked Site.

Every problem in every file is collected before anything fails, so a contributor sees all of
them at once. Parsed and rendered documents are cached by the hash of their bytes, so a
rebuild only re-reads what changed.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Collection
from dataclasses import dataclass, field

from ..entities import Site
from ..errors import Problem, Problems
from .assemble import assemble_site, remade, today_of
from .doccache import CACHE_VERSION, DocumentCache
from .documents import Parsed, parse_document
from .files import Found, read_regular
from .layout import Listing, list_content
from .links import Targets, resolve_links, targets_of
from .parallel import parse_many
from .pictures import Picture, check_shown, publishable, report_stray
from .profiles import load_profiles, read_profiles
from .repository import Options, sha1
from .subscribers import committed_subscriber_lists
from .support import read_rates, read_support

log = logging.getLogger(__name__)

__all__ = [  # the loader's public face; the work is done in the modules imported above
    "CACHE_VERSION",
    "DocumentCache",
    "Loaded",
    "Options",
    "Parsed",
    "Picture",
    "load",
    "load_profiles",
    "load_site",
    "parse_document",
    "sha1",
]


@dataclass(frozen=True)
class Loaded:
    """What a load produced: the Site, and the pictures the build publishes."""

    site: Site
    pictures: list[Picture]
    warnings: list[Problem] = field(default_factory=list)  # said, but publishing goes on


def load_site(options: Options, cache: DocumentCache | None = None) -> Site:
    """Load, validate and cross-check everything; raise ContentError listing every problem."""
    return load(options, cache).site


@dataclass
class _Remembered:
    """The last load made with a DocumentCache, for the devserver's quick step: its options,
    its result, what it checked links and pictures against, each document's entry (links
    resolved) by source, and the folders it listed."""

    options: Options
    loaded: Loaded
    targets: Targets
    published: frozenset[str]  # published pictures, paths under content/
    listed: dict[str, Found]  # pictures anywhere under content/, by path under content/
    entries: dict[str, Parsed]
    folders: dict[str, int]  # the folders under content/ it listed: modification times


def load(
    options: Options,
    cache: DocumentCache | None = None,
    changed: Collection[str] | None = None,
) -> Loaded:
    """Load everything and decide which pictures are published; raise ContentError listing
    every problem. `make check` and the build both call this, so they judge alike.

    `changed` (the devserver's quick step) names the documents (content/...) saved since
    the last load made with `cache`. When nothing a cross-check looks at has changed (the
    profiles are the same, no file was added, removed or renamed under content/) and each
    of them keeps its front matter and the pictures it shows, with a text that has no
    problem, only they are read again: the result is the last load with their new bodies,
    which is what a whole load would make. Otherwise, or with no load to start from,
    everything is loaded and judged. Files edited in place are the caller's to name (the
    devserver's watcher names every file saved).
    """
    cache = cache or DocumentCache()
    if changed:
        quick = _reload(options, cache, changed)
        if quick is not None:
            return quick
    problems = Problems()
    prefectures, invalid_profiles = read_profiles(options, problems)
    listing = list_content(options, problems)
    parsed, listed = _parse_documents(options, listing, cache, problems)
    shown = {image for entry in parsed for image, _, _ in entry.pictures}
    published = publishable(
        options, listing.pictures, prefectures, invalid_profiles, shown, problems
    )
    report_stray(listing.stray_pictures, shown, problems)
    targets = targets_of(parsed)
    published_paths = frozenset(p.rel for p in published)
    parsed = resolve_links(parsed, options, published_paths, problems, targets)
    site = assemble_site(options, prefectures, parsed, problems, invalid_profiles)
    problems.extend(committed_subscriber_lists(options.root))
    site.support = read_support(listing.support, prefectures, problems)
    site.rates = read_rates(listing.rates, problems)
    cache.remembered = None
    problems.raise_if_any()
    loaded = Loaded(site, published, sorted(set(problems.warnings)))
    entries = {entry.source: entry for entry in parsed}
    cache.remembered = _Remembered(
        options, loaded, targets, published_paths, listed, entries, listing.folders
    )
    return loaded


def _reload(options: Options, cache: DocumentCache, changed: Collection[str]) -> Loaded | None:
    """Return the last load with the `changed` documents read again, or None when a whole
    load is needed (see `load`)."""
    last = cache.remembered
    if not isinstance(last, _Remembered) or last.options != options:
        return None
    site = last.loaded.site
    if site.today != today_of(options):  # past midnight: what is upcoming may have changed
        return None
    # What would change the cross-checks is checked, not taken on trust: a profile edited
    # (profiles are remembered by their bytes: the same bytes give the same object), or a
    # file added, removed or renamed anywhere under content/ (its folder's time changes).
    prefectures, _invalid = read_profiles(options, Problems())
    if prefectures.keys() != site.prefectures.keys() or any(
        prefecture is not site.prefectures[slug] for slug, prefecture in prefectures.items()
    ):
        return None
    try:
        if any(
            os.lstat(os.path.join(options.root, folder)).st_mtime_ns != time
            for folder, time in last.folders.items()
        ):
            return None
    except OSError:
        return None
    items = {item.source: item for item in (*site.articles, *site.events, *site.pages)}
    warned = {warning.path for warning in last.loaded.warnings}
    swaps = []
    for source in sorted(set(changed)):
        before, item = last.entries.get(source), items.get(source)
        if before is None or item is None or source in warned:
            return None  # a new file, or one that was not published, or was warned about
        path = os.path.join(options.root, source)
        try:
            stat = os.lstat(path)
            entry = cache.unchanged(source, stat)
            if entry is None:
                raw = read_regular(path)
                digest = sha1(raw)
                entry = cache.get(source, digest)
                if entry is None:
                    [entry] = parse_many([(0, before.folder, source, raw, digest, stat)], options)
                cache.put(entry, stat)  # as a whole load would: the next one finds it
        except OSError:
            return None  # gone, or no longer a regular file: the whole load reports it
        problems = Problems()
        if (
            entry.problems
            or entry.meta != before.meta
            or entry.pictures != before.pictures
            or entry.images != before.images
        ):
            return None
        check_shown(entry, options, last.listed, problems)
        [entry] = resolve_links([entry], options, last.published, problems, last.targets)
        if problems:
            return None
        swaps.append((item, entry))
    site = site.replaced([(item, remade(item, entry, options)) for item, entry in swaps])
    loaded = Loaded(site, last.loaded.pictures, last.loaded.warnings)
    entries = {**last.entries, **{entry.source: entry for _, entry in swaps}}
    cache.remembered = dataclasses.replace(last, loaded=loaded, entries=entries)
    return loaded


def _parse_documents(
    options: Options, listing: Listing, cache: DocumentCache, problems: Problems
) -> tuple[list[Parsed], dict[str, Found]]:
    parsed: list[Parsed | None] = []
    todo: list[tuple[int, str, str, bytes, str, os.stat_result]] = []
    for folder, found in listing.documents:
        source, stat = found.rel, found.stat
        entry = cache.unchanged(source, stat)
        if entry is None:
            try:
                raw = read_regular(found.path)
            except OSError as exc:  # replaced by a link or a pipe while we looked
                message = f"this file cannot be read ({exc}); commit it again"
                problems.add(source, 1, "file", message)
                continue
            digest = sha1(raw)
            entry = cache.get(source, digest)
            if entry is None:
                todo.append((len(parsed), folder, source, raw, digest, stat))
            else:
                cache.put(entry, stat)  # same bytes, new mtime: remember the new stamp
        parsed.append(entry)
    for (index, *_, stat), entry in zip(todo, parse_many(todo, options), strict=True):
        cache.put(entry, stat)
        parsed[index] = entry
    done: list[Parsed] = [entry for entry in parsed if entry is not None]
    listed = {f.rel.removeprefix("content/"): f for f in listing.pictures}
    listed.update((f.rel.removeprefix("content/"), f) for f in listing.stray_pictures)
    for entry in done:
        problems.extend(entry.problems)
        check_shown(entry, options, listed, problems)  # pictures change on their own
    if options.single is None:
        cache.prune(entry.source for entry in done)
    return done, listed
