"""Make URL slugs from titles and file names, reading Japanese as Hepburn romaji."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@cache
def _kakasi():  # importing pykakasi loads its dictionaries: only pay for it when needed
    import pykakasi

    return pykakasi.kakasi()


def romaji(text: str) -> str:
    """Read Japanese text as Hepburn romaji; other characters are kept."""
    if text.isascii():
        return text
    return " ".join(part["hepburn"] for part in _kakasi().convert(text))


def slugify(text: str, max_length: int = 60) -> str:
    """Return a lowercase ascii slug such as 'sand-dunes-in-winter' (Japanese as romaji)."""
    folded = unicodedata.normalize("NFKD", romaji(text))
    ascii_text = folded.encode("ascii", "ignore").decode().lower()
    slug = _NON_ALNUM.sub("-", ascii_text).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug


def slug_from_filename(stem: str) -> str:
    """Return the slug a file name implies: '2026-05-01-sand-dunes' gives 'sand-dunes'."""
    return slugify(_DATE_PREFIX.sub("", stem))
