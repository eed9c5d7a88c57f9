"""Decide which files of content/<prefecture>/images/ are published, and check the pictures
that articles and events show.

``publishable()`` is the one judge: ``make check`` reports what it refuses, and the build
publishes exactly the files it returns, nothing else from ``images/``. A file is published only
if it is a regular file (see ``reading.files``), its name needs no escaping, it ends in a
picture suffix, it is no larger than the size limit (FURUSATO_IMAGE_MAX_MB), and its bytes are
the picture its suffix names and decode completely (see ``furusato.reading.images``; an SVG
must pass the allow-list there). An SVG is published as it is; a photo as the web sizes of its
``renditions.Plan``, never as the committed original. A photo larger than
FURUSATO_IMAGE_WARN_MB is published with a warning, and a web size that would take the name
of another committed file is refused.
"""

from __future__ import annotations

import difflib
import os
import posixpath
from collections.abc import Collection
from dataclasses import dataclass
from stat import S_ISREG

from ..errors import Problems
from ..renditions import Plan
from .documents import Parsed
from .files import Found, name_message, unsafe_name
from .images import HEIC_MESSAGE, HEIF_SUFFIXES, PICTURE_SUFFIXES, Inspection, inspect_file
from .layout import NOT_PUBLISHED_MESSAGE
from .repository import IMAGE_DIR, PAGES_DIR, Options


@dataclass(frozen=True)
class Picture:
    """A picture that may be published: its path under content/, the committed file, and
    the web sizes it is published as (None: an SVG, published as it is)."""

    rel: str  # such as tottori/images/dunes.svg
    path: str
    plan: Plan | None = None
    digest: str = ""  # SHA-256 of the committed bytes (photos)

    def files(self) -> list[str]:
        """Return the paths under content/ this picture is published as."""
        return self.plan.files() if self.plan else [self.rel]


def plan_of(rel: str, result: Inspection) -> Plan | None:
    """Return the web sizes of a checked picture (None for an SVG or an unknown size)."""
    if result.kind in (None, "SVG") or result.size is None:
        return None
    return Plan(rel, result.kind, result.size, result.alpha, result.animated)


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
        if name.lower().endswith(HEIF_SUFFIXES):
            problems.add(found.rel, 1, "picture", HEIC_MESSAGE)
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
        if size > options.warn_image_bytes and result.kind != "SVG":
            problems.warn(found.rel, 1, "picture", big_original(rel, size, options))
        published.append(Picture(rel, found.path, plan_of(rel, result), result.digest))
    return _without_clashes(published, problems)


def _without_clashes(published: list[Picture], problems: Problems) -> list[Picture]:
    """Refuse a picture whose published file would take a name another one publishes."""
    owner: dict[str, str] = {}
    for picture in sorted(published, key=lambda p: (p.plan is not None, p.rel)):
        for name in picture.files():
            owner.setdefault(name, picture.rel)
    kept = []
    for picture in published:
        clash = next((n for n in picture.files() if owner[n] != picture.rel), None)
        if clash is None:
            kept.append(picture)
            continue
        problems.add(
            f"content/{picture.rel}",
            1,
            "file name",
            f"this picture would be published as 'content/{clash}', the name of "
            f"'content/{owner[clash]}' (the build makes smaller copies of photos named "
            "<name>-<width>w); rename one of the two files (and change the links to it)",
        )
    return kept


def big_original(rel: str, size: int, options: Options) -> str:
    """Return the warning for a picture that publishes but is larger than it needs to be."""
    return (
        f"the picture 'content/{rel}' is {size / 1e6:.1f} MB; it will be published (the "
        "build makes web sizes of it), but every clone of the repository carries the "
        f"original, so pictures over {options.warn_image_bytes / 1e6:g} MB are better made "
        "smaller first: for example 2400 pixels wide, saved as JPEG at quality 85 (on a "
        "phone, share it with a smaller size; on a computer, export it from Photos, Preview "
        "or GIMP)"
    )


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
        "(for example 2400 pixels wide, saved as JPEG at quality 85)"
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
