"""Make URL slugs from titles, file names and tags, reading Japanese as Hepburn romaji."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
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


def reading(text: str) -> str:
    """Return how Japanese text reads, in hiragana, to sort it in the order of the kana
    (gojūon), as Japanese indexes are; other characters are kept."""
    if text.isascii():
        return text
    return "".join(part["hira"] for part in _kakasi().convert(text))


def slug_from_filename(stem: str) -> str:
    """Return the slug a file name implies: '2026-05-01-sand-dunes' gives 'sand-dunes'."""
    return slugify(_DATE_PREFIX.sub("", stem))


def distinct_slugs(wanted: Mapping[str, str], fallback: str) -> dict[str, str]:
    """Give every key a slug of its own: the one it wants (`fallback` when it wants none).

    Keys that want the same slug are told apart, the same way on every build: the key that is
    that slug, written out, keeps it; each other one gets a suffix from a digest of its own
    text ('hashi-3f2a9c'), so its URL depends on its text, never on file order.
    """
    groups: dict[str, list[str]] = {}
    for key in sorted(wanted):
        groups.setdefault(wanted[key] or fallback, []).append(key)
    taken = {base for base, keys in groups.items() if len(keys) == 1 or base in keys}
    slugs: dict[str, str] = {}
    for base, keys in groups.items():
        if len(keys) == 1:
            slugs[keys[0]] = base
            continue
        for key in keys:
            if key == base:
                slugs[key] = base
                continue
            digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()
            length = 6
            while f"{base}-{digest[:length]}" in taken:  # a key written like another's suffix
                length += 2
            slugs[key] = f"{base}-{digest[:length]}"
            taken.add(slugs[key])
    return slugs
