"""Sort the files under content/ into documents, pictures and files in the wrong place.

Where a file may be: ``content/<prefecture>/articles/*.md``, ``content/<prefecture>/events/*.md``,
``content/pages/*.md`` (documents), ``content/<prefecture>/images/**`` (pictures, checked by
``reading.pictures``), and the figures a coordinator records for the impact report:
``content/<prefecture>/support/fy<year>.yaml`` and ``content/exchange-rates.yaml``
(read by ``reading.support``). Every other file is reported, including a file directly in
``content/``;
nothing is skipped silently (hidden tool files such as ``.gitkeep`` excepted, see
``furusato.reading.files``).
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass, field
from stat import S_ISREG

from ..errors import Problems
from .files import MARKDOWN_SUFFIXES, Found, check_folder, name_message, unsafe_name, walk
from .images import PICTURE_SUFFIXES
from .repository import DOCUMENT_FOLDERS, IMAGE_DIR, PAGES_DIR, Options

CONTENT = "content"
SUPPORT_DIR = "support"
RATES_FILE = "exchange-rates.yaml"
SUPPORT_MESSAGE = (
    "content/<prefecture>/support/ holds one file per fiscal year, named fy<year>.yaml "
    "(fy2026.yaml for April 2026 to March 2027); rename or move this file"
)

LOCATION_MESSAGE = (
    "this file is not in a place the site reads; articles go in "
    "content/<prefecture>/articles/, events in content/<prefecture>/events/, site pages in "
    "content/pages/"
)
NOT_PUBLISHED_MESSAGE = (
    "this file is not published from here: pictures go in content/<prefecture>/images/; other "
    "files (such as PDFs) cannot be published, so put them on another site and link to their "
    "https:// address, or write the text as an article"
)


def not_markdown_message(prefecture: str) -> str:
    """Return the message for a file in articles/, events/ or pages/ that is not Markdown."""
    return (
        "only Markdown files are published from this folder; if this is an article or event, "
        f"rename it to end in .md (pictures go in content/{prefecture}/images/)"
    )


@dataclass
class Listing:
    """The files under content/, sorted by where they are."""

    documents: list[tuple[str, Found]] = field(default_factory=list)  # (kind, file)
    pictures: list[Found] = field(default_factory=list)  # everything under <pref>/images/
    # pictures outside images/: reported unless an article shows one (reported there instead)
    stray_pictures: list[Found] = field(default_factory=list)
    support: list[Found] = field(default_factory=list)  # <pref>/support/fy<year>.yaml
    rates: Found | None = None  # exchange-rates.yaml
    folders: dict[str, int] = field(default_factory=dict)  # modification times, by path


def list_content(options: Options, problems: Problems) -> Listing:
    """Find every file under content/ (one prefecture's folder only, for a single build)."""
    listing = Listing()
    root = str(options.root)
    if not check_folder(root, CONTENT, problems):
        return listing
    if options.single:
        if check_folder(root, f"{CONTENT}/{options.single}", problems):
            for found in walk(root, f"{CONTENT}/{options.single}", problems, listing.folders):
                _sort(found, listing, problems)
        path = os.path.join(root, CONTENT, RATES_FILE)  # the rates serve every site
        with contextlib.suppress(OSError):
            stat = os.lstat(path)
            if S_ISREG(stat.st_mode):
                listing.rates = Found(f"{CONTENT}/{RATES_FILE}", path, stat)
        return listing
    for found in walk(root, CONTENT, problems, listing.folders):
        _sort(found, listing, problems)
    return listing


def _sort(found: Found, listing: Listing, problems: Problems) -> None:
    parts = found.rel.split("/")[1:]  # without "content"
    name = parts[-1]
    lower = name.lower()
    if parts == [RATES_FILE]:
        listing.rates = found
        return
    if len(parts) >= 2 and parts[0] != PAGES_DIR and parts[1] == SUPPORT_DIR:
        if len(parts) == 3 and re.fullmatch(r"fy[0-9]{4}\.yaml", name):
            listing.support.append(found)
        else:
            problems.add(found.rel, 1, "location", SUPPORT_MESSAGE)
        return
    is_markdown = lower.endswith(MARKDOWN_SUFFIXES)
    if len(parts) >= 3 and parts[1] == IMAGE_DIR and parts[0] != PAGES_DIR:
        listing.pictures.append(found)
        return
    in_text_folder = (parts[0] == PAGES_DIR and len(parts) == 2) or (
        len(parts) >= 3 and parts[1] in DOCUMENT_FOLDERS
    )
    if is_markdown and len(parts) == 2 and parts[0] == PAGES_DIR:
        kind = PAGES_DIR
    elif is_markdown and len(parts) == 3 and parts[1] in DOCUMENT_FOLDERS:
        kind = parts[1]
    elif is_markdown:
        problems.add(found.rel, 1, "location", LOCATION_MESSAGE)
        return
    elif lower.endswith(PICTURE_SUFFIXES):
        listing.stray_pictures.append(found)
        return
    elif in_text_folder:
        where = "<prefecture>" if parts[0] == PAGES_DIR else parts[0]
        problems.add(found.rel, 1, "file name", not_markdown_message(where))
        return
    else:
        problems.add(found.rel, 1, "location", NOT_PUBLISHED_MESSAGE)
        return
    suggestion = unsafe_name(name)
    if suggestion is not None:
        problems.add(found.rel, 1, "file name", name_message(name, suggestion))
    listing.documents.append((kind, found))
