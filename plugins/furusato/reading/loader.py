"""Load a Furusato repository (profiles and content) into a validated, cross-checked Site.

Every problem in every file is collected before anything fails, so a contributor sees all of
them at once. Parsed and rendered documents are cached by the hash of their bytes, so a
rebuild only re-reads what changed.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

from ..entities import Site
from ..errors import Problem, Problems
from .assemble import assemble_site
from .doccache import CACHE_VERSION, DocumentCache
from .documents import Parsed, parse_document
from .files import read_regular
from .layout import Listing, list_content
from .links import resolve_links
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


def load(options: Options, cache: DocumentCache | None = None) -> Loaded:
    """Load everything and decide which pictures are published; raise ContentError listing
    every problem. `make check` and the build both call this, so they judge alike."""
    problems = Problems()
    cache = cache or DocumentCache()
    prefectures, invalid_profiles = read_profiles(options, problems)
    listing = list_content(options, problems)
    parsed = _parse_documents(options, listing, cache, problems)
    shown = {image for entry in parsed for image, _, _ in entry.pictures}
    published = publishable(
        options, listing.pictures, prefectures, invalid_profiles, shown, problems
    )
    report_stray(listing.stray_pictures, shown, problems)
    parsed = resolve_links(parsed, options, {p.rel for p in published}, problems)
    site = assemble_site(options, prefectures, parsed, problems, invalid_profiles)
    problems.extend(committed_subscriber_lists(options.root))
    site.support = read_support(listing.support, prefectures, problems)
    site.rates = read_rates(listing.rates, problems)
    problems.raise_if_any()
    return Loaded(site, published, sorted(set(problems.warnings)))


def _parse_documents(
    options: Options, listing: Listing, cache: DocumentCache, problems: Problems
) -> list[Parsed]:
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
    return done
