"""Check that every link in a body to a file of the repository leads to something published.

Rendered Markdown marks links to repository files as ``furusato:<path under content/>``
(``furusato.reading.markup``). Here each one is checked against what the build publishes:

- a link to an article's, event's or page's source file (``2026-05-01-dunes.md``,
  ``../events/x.md#where``) is rewritten to that document's own address
  (``furusato:tottori/articles/dunes/``, or ``furusato:<page>/`` for a site page), which
  ``Urls.content_file`` turns into its URL in either site layout;
- a link to a published picture is kept;
- anything else (a missing file, a PDF, a folder, a picture that is refused) is reported with
  the file, the line and the fix.

Files other than pictures (PDFs, spreadsheets...) are never published: a repository is for
text and pictures that reviewers can read in a pull request, and a PDF is neither checked nor
escaped. Contributors link such files where they are hosted, or write them as an article.

The rewritten document carries a new digest (its own, plus the addresses it now links to), so
a page is rendered again when a page it links to changes its address.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Collection
from dataclasses import dataclass

from ..errors import Problems
from ..slugs import slug_from_filename
from .documents import Parsed
from .files import MARKDOWN_SUFFIXES, read_regular
from .markup import LOCAL_PREFIX
from .repository import (
    DOCUMENT_FOLDERS,
    IMAGE_DIR,
    PAGES_DIR,
    Options,
    file_stem,
    line_of_text,
    sha1,
)

_LINK = re.compile(r'href="' + re.escape(LOCAL_PREFIX) + r'([^"#]*)(#[^"]*)?"')

NOT_PUBLISHED = (
    "only articles, events and site pages (link to their .md file) and pictures in "
    "content/<prefecture>/images/ are published; put other files (such as PDFs) on another "
    "site and link to their https:// address"
)


@dataclass(frozen=True)
class Targets:
    """What a link to a Markdown file may lead to: the address of every loaded document
    whose front matter is valid, by source, and the sources of every loaded document."""

    addresses: dict[str, str]
    sources: frozenset[str]


def targets_of(entries: list[Parsed]) -> Targets:
    """Return the documents that links among `entries` may lead to."""
    return Targets(
        {e.source: _address(e) for e in entries if e.meta is not None},
        frozenset(e.source for e in entries),
    )


def resolve_links(
    entries: list[Parsed],
    options: Options,
    pictures: Collection[str],
    problems: Problems,
    targets: Targets | None = None,
) -> list[Parsed]:
    """Return `entries` with links to documents pointing at their pages; report bad links.

    `pictures` holds the published pictures (paths under content/). `targets` are the
    documents links may lead to: by default `entries` themselves (every loaded document);
    the devserver's quick step passes those of its last load.
    """
    targets = targets or targets_of(entries)
    addresses, sources = targets.addresses, targets.sources
    out: list[Parsed] = []
    for entry in entries:
        if LOCAL_PREFIX not in entry.html or 'href="' + LOCAL_PREFIX not in entry.html:
            out.append(entry)
            continue
        bad: list[tuple[str, str]] = []
        rewritten: list[str] = []
        pieces: list[str] = []
        last = 0
        for match in _LINK.finditer(entry.html):
            path, fragment = match.group(1), match.group(2) or ""
            address = _target(path, options, addresses, sources, pictures, bad)
            pieces.append(entry.html[last : match.start()])
            last = match.end()
            if address is None or address == path:
                pieces.append(match.group(0))
                continue
            rewritten.append(f"{path}>{address}")
            pieces.append(f'href="{LOCAL_PREFIX}{address}{fragment}"')
        pieces.append(entry.html[last:])
        html = "".join(pieces)
        if bad:
            _report(entry, options, bad, problems)
        if rewritten:
            digest = sha1(f"{entry.digest}:links:{sorted(rewritten)}".encode())
            entry = dataclasses.replace(entry, html=html, digest=digest)
        out.append(entry)
    return out


def _address(entry: Parsed) -> str:
    """Return the placeholder path that Urls.content_file turns into the document's URL."""
    slug = getattr(entry.meta, "slug", None) or slug_from_filename(file_stem(entry.source))
    if entry.folder == PAGES_DIR:
        return f"{slug}/"
    prefecture = entry.source.split("/")[1]
    return f"{prefecture}/{entry.folder}/{slug}/"


def _target(
    path: str,
    options: Options,
    addresses: dict[str, str],
    sources: Collection[str],
    pictures: Collection[str],
    bad: list[tuple[str, str]],
) -> str | None:
    """Return what a link to content/<path> becomes, or None (recording why in `bad`)."""
    parts = path.split("/")
    if path.startswith("..") or path in ("", "."):
        bad.append((path, "outside"))
        return None
    if path.lower().endswith(MARKDOWN_SUFFIXES):
        source = f"content/{path}"
        if source in addresses:
            return addresses[source]
        if source in sources:
            return path  # the document has problems of its own, reported with it
        if (
            options.single is not None
            and _is_document(parts)
            and parts[0] != options.single
            and (options.root / source).is_file()
            and not (options.root / source).is_symlink()
        ):  # a page or another prefecture's document, not loaded in a single build
            slug = slug_from_filename(file_stem(source))
            return f"{slug}/" if parts[0] == PAGES_DIR else f"{parts[0]}/{parts[1]}/{slug}/"
        bad.append((path, "missing document"))
        return None
    if len(parts) >= 3 and parts[1] == IMAGE_DIR:
        if path in pictures:
            return path
        if not (options.root / "content" / path).exists():
            bad.append((path, "missing picture"))
        return None  # a picture that is refused: reported where it is
    bad.append((path, "not published"))
    return None


def _is_document(parts: list[str]) -> bool:
    return (len(parts) == 2 and parts[0] == PAGES_DIR) or (
        len(parts) == 3 and parts[1] in DOCUMENT_FOLDERS
    )


def _report(entry: Parsed, options: Options, bad: list[tuple[str, str]], problems: Problems):
    try:
        text = read_regular(str(options.root / entry.source)).decode("utf-8", "replace")
    except OSError:
        text = ""
    for path, why in bad:
        line = line_of_text(text, path.rsplit("/", 1)[-1]) if text else 1
        shown = posixpath.join("content", path)
        if why == "outside":
            message = (
                f"the link to {path!r} points outside content/; link to an article's or "
                "event's .md file, or write the full https:// address"
            )
        elif why == "missing document":
            message = (
                f"the link to '{shown}' points to a file that does not exist; link to an "
                "article's, event's or page's .md file (names are case-sensitive), or write "
                "the full https:// address"
            )
        elif why == "missing picture":
            message = (
                f"the link to '{shown}' points to a picture that does not exist; put it in "
                f"content/{path.split('/')[0]}/images/ or fix the file name (names are "
                "case-sensitive)"
            )
        else:
            message = f"the link to '{shown}' points to a file the site does not publish; " + (
                NOT_PUBLISHED
            )
        problems.add(entry.source, line, "link", message)
