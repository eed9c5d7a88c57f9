"""Tags as the site knows them: which spellings are one tag, and each tag's URL slug.

Tags are contributors' free text. Spellings that differ only in case, width or spacing
('Food', 'food', 'ｆｏｏｄ') are one tag with one page; any other difference makes another
tag, even when two read alike in romaji ('橋' and '箸' are both 'hashi'): those get distinct
slugs (furusato.slugs.distinct_slugs), decided from the tags' text alone.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .slugs import distinct_slugs, slugify

FALLBACK_SLUG = "tag"  # for a tag with nothing to spell in a URL ('!!!', '★')


def tag_key(text: str) -> str:
    """Return what identifies a tag: its text folded for case and width, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass(frozen=True)
class Tag:
    """One tag: its identity, its slug in URLs, and the spelling its pages show."""

    key: str
    slug: str
    label: str


class Tagging:
    """The tags of a whole site, each with a slug no other tag has."""

    def __init__(self, texts: Iterable[str]) -> None:
        spellings: dict[str, Counter[str]] = {}
        for text in texts:
            spellings.setdefault(tag_key(text), Counter())[text] += 1
        slugs = distinct_slugs({key: slugify(key) for key in spellings}, FALLBACK_SLUG)
        # The spelling most items use names the tag; among equals, the first in code order.
        self._tags = {
            key: Tag(key, slugs[key], min(counts, key=lambda s: (-counts[s], s)))
            for key, counts in spellings.items()
        }

    def __call__(self, text: str) -> Tag:
        """Return the tag written `text`."""
        return self._tags[tag_key(text)]

    def slug(self, text: str) -> str:
        """Return the slug of the tag written `text` (a template's link to its page)."""
        return self(text).slug

    def told_apart(self) -> list[tuple[str, str]]:
        """Return the tags whose slug was changed to tell them from another, with their slugs
        (pages that link tags change when this does)."""
        return sorted(
            (t.key, t.slug)
            for t in self._tags.values()
            if t.slug != (slugify(t.key) or FALLBACK_SLUG)
        )
