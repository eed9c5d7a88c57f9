"""Load a Furusato repository (profiles and content) into a validated, cross-checked Site.

Every problem in every file is collected before anything fails, so a contributor sees all of
them at once. Parsed and rendered documents are cached by the hash of their bytes, so a
rebuild only re-reads what changed.
"""

from __future__ import annotations

import logging
import os
import posixpath
from stat import S_ISREG

from .assemble import assemble_site
from .doccache import CACHE_VERSION, DocumentCache
from .documents import Parsed, parse_document
from .entities import Site
from .errors import Problems
from .parallel import parse_many
from .profiles import load_profiles, read_profiles
from .repository import (
    IMAGE_DIR,
    KINDS,
    PAGES_DIR,
    Options,
    sha1,
)

log = logging.getLogger(__name__)

PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg")

__all__ = [  # the loader's public face; the work is done in the modules imported above
    "CACHE_VERSION",
    "DocumentCache",
    "Options",
    "Parsed",
    "load_profiles",
    "load_site",
    "parse_document",
    "sha1",
]


def load_site(options: Options, cache: DocumentCache | None = None) -> Site:
    """Load, validate and cross-check everything; raise ContentError listing every problem."""
    problems = Problems()
    cache = cache or DocumentCache()
    prefectures, invalid_profiles = read_profiles(options, problems)
    parsed = _parse_documents(options, cache, problems)
    site = assemble_site(options, prefectures, parsed, problems, invalid_profiles)
    problems.raise_if_any()
    return site


def _content_files(options: Options, problems: Problems) -> list[tuple[str, str, str]]:
    """Find Markdown files: (kind, source relative to the root, file path) for each.

    Files in the wrong place are reported. Plain strings and os.walk rather than pathlib:
    with ten thousand files, pathlib's object overhead costs more than the file system.
    """
    content = options.root / "content"
    found: list[tuple[str, str, str]] = []
    if options.only:
        roots = [options.only]
    elif content.exists():
        roots = sorted(entry.name for entry in os.scandir(content) if entry.is_dir())
    else:
        roots = []
    base = str(content)
    for folder in roots:
        for rel in _walk(base, folder):
            parts = rel.split("/")
            if not rel.lower().endswith((".md", ".markdown")):
                name = parts[-1].lower()
                if (
                    _in_text_folder(parts)
                    and not name.startswith(".")
                    and not name.endswith(PICTURE_SUFFIXES)  # reported where an article uses it
                ):
                    problems.add(
                        f"content/{rel}",
                        1,
                        "file name",
                        "only Markdown files are published from this folder; if this is an "
                        "article or event, rename it to end in .md (pictures go in "
                        f"content/{parts[0]}/images/)",
                    )
                continue
            if parts[0] == PAGES_DIR and len(parts) == 2:
                kind = PAGES_DIR
            elif len(parts) == 3 and parts[1] in KINDS:
                kind = parts[1]
            else:
                problems.add(
                    f"content/{rel}",
                    1,
                    "location",
                    "this file is not in a place the site reads; articles go in "
                    "content/<prefecture>/articles/, events in content/<prefecture>/events/, "
                    "site pages in content/pages/",
                )
                continue
            found.append((kind, f"content/{rel}", os.path.join(base, rel)))
    return found


def _in_text_folder(parts: list[str]) -> bool:
    """Say whether a path under content/ is in a folder that holds only Markdown files."""
    return (parts[0] == PAGES_DIR and len(parts) == 2) or (len(parts) >= 3 and parts[1] in KINDS)


def _walk(base: str, folder: str) -> list[str]:
    """Return the files under base/folder as sorted paths relative to base ('a/b/c.md')."""
    files: list[str] = []
    for top, dirs, names in os.walk(os.path.join(base, folder)):
        dirs.sort()
        rel = os.path.relpath(top, base).replace(os.sep, "/")
        files.extend(f"{rel}/{name}" for name in names)
    return sorted(files, key=lambda rel: rel.split("/"))


def _parse_documents(options: Options, cache: DocumentCache, problems: Problems) -> list[Parsed]:
    files = _content_files(options, problems)
    parsed: list[Parsed | None] = []
    todo: list[tuple[int, str, str, bytes, str, os.stat_result]] = []
    for kind, source, path in files:
        try:
            stat = os.stat(path)
        except OSError:  # a dangling symbolic link: nothing to read, as before
            continue
        if not S_ISREG(stat.st_mode):
            continue
        entry = cache.unchanged(source, stat)
        if entry is None:
            with open(path, "rb") as fh:
                raw = fh.read()
            digest = sha1(raw)
            entry = cache.get(source, digest)
            if entry is None:
                todo.append((len(parsed), kind, source, raw, digest, stat))
            else:
                cache.put(entry, stat)  # same bytes, new mtime: remember the new stamp
        parsed.append(entry)
    for (index, *_, stat), entry in zip(todo, parse_many(todo, options), strict=True):
        cache.put(entry, stat)
        parsed[index] = entry
    done: list[Parsed] = [entry for entry in parsed if entry is not None]
    picture_sizes: dict[str, int | None] = {}
    for entry in done:
        problems.extend(entry.problems)
        _check_pictures(entry, options, problems, picture_sizes)  # they change on their own
    if options.only is None:
        cache.prune(entry.source for entry in done)
    return done


def _check_pictures(
    entry: Parsed, options: Options, problems: Problems, sizes: dict[str, int | None]
) -> None:
    """Report pictures that are missing, outside an images/ folder, or too large.

    `sizes` remembers each picture's byte size (None: no such file) for the whole load.
    """
    content = str(options.root / "content") + os.sep
    for image, line, name in entry.pictures:
        parts = image.split("/")
        if image not in sizes:
            try:
                st = os.stat(content + image)
                sizes[image] = st.st_size if S_ISREG(st.st_mode) else None
            except OSError:
                sizes[image] = None
        if ".." in parts or len(parts) < 3 or parts[1] != IMAGE_DIR or parts[0] in ("", PAGES_DIR):
            problems.add(
                entry.source,
                line,
                name,
                f"the picture '{posixpath.join('content', image)}' is not in a "
                "prefecture's images folder; put it in content/<prefecture>/images/ "
                "and refer to it from there",
            )
        elif sizes[image] is None:
            problems.add(
                entry.source,
                line,
                name,
                f"the file 'content/{image}' does not exist; put the picture in "
                f"content/{parts[0]}/images/ or fix the file name (names are "
                "case-sensitive)",
            )
        elif (size := sizes[image] or 0) > options.max_image_bytes:
            problems.add(
                entry.source,
                line,
                name,
                f"the picture 'content/{image}' is {size / 1e6:.1f} MB; pictures must "
                f"be at most {options.max_image_bytes / 1e6:g} MB, so make it smaller "
                "(for example 1600 pixels wide, saved as JPEG at quality 80)",
            )
