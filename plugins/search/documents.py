"""What Pagefind is given of a page: its <html> tag (Pagefind indexes a page in the language
of its `lang`) and the one element marked `data-pagefind-body`, the only part it reads.

The rest of a page (head, header, navigation, footer) is about half its bytes, and Pagefind
parses all of it only to skip it. Cutting it changes nothing Pagefind makes: the reduced page
gives the same words, excerpt, filters and meta (tests/test_search.py compares the index of
the reduced pages with the index Pagefind's own command line makes of the whole pages).

A page is given whole whenever the cut could change what Pagefind reads: no `lang` or no
single marked element, or a `data-pagefind-*` attribute outside that element (Pagefind
reads filters and meta anywhere in a page).
"""

from __future__ import annotations

import re

HTML_TAG = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
LANG = re.compile(rb"""\slang\s*=\s*["']?([A-Za-z0-9-]+)""", re.IGNORECASE)
BODY = re.compile(rb"<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*\sdata-pagefind-body[\s>=/]")
MARK = b"data-pagefind-"


def language(html: bytes) -> str | None:
    """Return the `lang` of the page's <html> tag (lower case), or None without one."""
    tag = HTML_TAG.search(html)
    if tag is None:
        return None
    found = LANG.search(tag.group(0))
    return found.group(1).decode("ascii").lower() if found else None


def indexed_part(html: bytes) -> bytes:
    """Return the page reduced to its <html> tag and its `data-pagefind-body` element, or
    the page itself when it has no such single element, or marks anything outside it."""
    tag = HTML_TAG.search(html)
    body = BODY.search(html)
    if tag is None or body is None or BODY.search(html, body.end()) is not None:
        return html
    end = _closing(html, body.group(1), body.start())
    if end is None:
        return html
    part = html[body.start() : end]
    if html.count(MARK) != part.count(MARK):
        return html
    return b"%s<body>%s</body></html>" % (tag.group(0), part)


def _closing(html: bytes, name: bytes, start: int) -> int | None:
    """Return the end of the element `name` opened at `start` (nested ones counted), or None."""
    tags = re.compile(rb"<(/?)%s\b[^>]*>" % re.escape(name), re.IGNORECASE)
    depth = 0
    for found in tags.finditer(html, start):
        if found.group(0).endswith(b"/>"):
            continue
        depth += -1 if found.group(1) else 1
        if depth == 0:
            return found.end()
    return None
