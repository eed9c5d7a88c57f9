"""Decide which files of content/<prefecture>/images/ are published, and check the pictures
that articles and events show.

``publishable()`` is the one judge: ``make check`` reports what it refuses, and the build copies
exactly the files it returns, nothing else from ``images/``. A file is published only if it is a
regular file (see ``reading.files``), its name needs no escaping, it ends in a picture suffix,
it is no larger than the size limit, and its bytes are the picture its suffix names (see
``furusato.reading.images``; an SVG must pass the allow-list there).
"""

from __future__ import annotations

import difflib
import os
import posixpath
from collections.abc import Collection
from dataclasses import dataclass
from stat import S_ISREG

from ..errors import Problems
from .documents import Parsed
from .files import Found, name_message, unsafe_name
from .images import PICTURE_SUFFIXES, inspect_file
from .layout import NOT_PUBLISHED_MESSAGE
from .repository import IMAGE_DIR, PAGES_DIR, Options


@dataclass(frozen=True)
class Picture:
    """A picture that may be published: its path under content/ and the file to copy."""

    rel: str  # such as tottori/images/dunes.svg
    path: str


def _suffixes() -> str:
    return ", ".join(PICTURE_SUFFIXES)


def publishable(
    options: Options,
    candidates: list[Found],
    prefectures: Collection[str],
    invalid_profiles: Collection[str],
    shown: Collection[str],
    problems: Problems,
) -> list[Picture]:
    """Return the files of images/ folders that may be published; report every other one.

    `shown` holds the pictures (paths under content/) that documents show: a picture that is
    too large is reported there, on the document's line, instead of here.
    """
    published: list[Picture] = []
    for found in candidates:
        rel = found.rel.removeprefix("content/")
        prefecture, name = rel.split("/", 1)[0], rel.rsplit("/", 1)[-1]
        if prefecture not in prefectures:
            if prefecture not in invalid_profiles:
                guess = difflib.get_close_matches(prefecture, list(prefectures), n=1)
                hint = f"did you mean {guess[0]!r}? " if guess else ""
                problems.add(
                    found.rel,
                    1,
                    "prefecture",
                    f"the folder 'content/{prefecture}/' is not a prefecture; {hint}"
                    "move the file into the folder named like its profile in prefectures/",
                )
            continue
        suggestion = unsafe_name(name)
        if suggestion is not None:
            problems.add(found.rel, 1, "file name", name_message(name, suggestion))
            continue
        if not name.lower().endswith(PICTURE_SUFFIXES):
            problems.add(
                found.rel,
                1,
                "file name",
                f"only pictures ({_suffixes()}) are published from content/{prefecture}/images/; "
                "put other files (such as PDFs or web pages) on another site and link to their "
                "https:// address, or write the text as an article",
            )
            continue
        size = found.stat.st_size
        if size > options.max_image_bytes:
            if rel not in shown:
                problems.add(found.rel, 1, "picture", too_large(rel, size, options))
            continue
        result = inspect_file(found.path, found.stat)
        if result.problem is not None:
            problems.add(found.rel, result.line, "picture", result.problem)
            continue
        published.append(Picture(rel, found.path))
    return published


def report_stray(stray: list[Found], shown: Collection[str], problems: Problems) -> None:
    """Report pictures outside images/ folders that no document shows (those it shows are
    reported on the document's line)."""
    for found in stray:
        if found.rel.removeprefix("content/") not in shown:
            problems.add(found.rel, 1, "location", NOT_PUBLISHED_MESSAGE)


def too_large(rel: str, size: int, options: Options) -> str:
    """Return the message for a picture larger than the limit."""
    return (
        f"the picture 'content/{rel}' is {size / 1e6:.1f} MB; pictures must "
        f"be at most {options.max_image_bytes / 1e6:g} MB, so make it smaller "
        "(for example 1600 pixels wide, saved as JPEG at quality 80)"
    )


def check_shown(
    entry: Parsed,
    options: Options,
    listed: dict[str, Found],
    problems: Problems,
) -> None:
    """Report pictures a document shows that are missing, outside an images/ folder, or too
    large. `listed` holds the regular files found under content/ by path under content/.

    A picture that is a link or not a regular file is reported where it is, as such.
    """
    for image, line, name in entry.pictures:
        parts = image.split("/")
        if ".." in parts or len(parts) < 3 or parts[1] != IMAGE_DIR or parts[0] in ("", PAGES_DIR):
            problems.add(
                entry.source,
                line,
                name,
                f"the picture '{posixpath.join('content', image)}' is not in a "
                "prefecture's images folder; put it in content/<prefecture>/images/ "
                "and refer to it from there",
            )
            continue
        found = listed.get(image)
        size = found.stat.st_size if found else _size_elsewhere(options, image)
        if size is False:
            continue  # a link or a pipe: reported where it is
        if size is None:
            problems.add(
                entry.source,
                line,
                name,
                f"the file 'content/{image}' does not exist; put the picture in "
                f"content/{parts[0]}/images/ or fix the file name (names are "
                "case-sensitive)",
            )
        elif size > options.max_image_bytes:
            problems.add(entry.source, line, name, too_large(image, size, options))


def _size_elsewhere(options: Options, image: str) -> int | bool | None:
    """Return the size of a picture that was not listed: None if there is no such file,
    False if it is a link or special file that the listing has reported.

    In a single prefecture's build another prefecture's pictures are not listed."""
    try:
        st = os.lstat(options.root / "content" / image)
    except OSError:
        return None
    if options.single is None:
        return None if S_ISREG(st.st_mode) else False  # regular but not listed: hidden
    return st.st_size if S_ISREG(st.st_mode) else None
