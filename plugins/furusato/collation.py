"""Sort names as readers of each edition expect: English by letters, ignoring case; Japanese
in the order of the kana (gojūon), read through pykakasi, as Japanese indexes are."""

from __future__ import annotations

import unicodedata

from .slugs import reading


def sort_key(text: str, lang: str) -> tuple[str, str]:
    """Return the key that sorts `text` for the edition in `lang` (ties broken by the text)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    if lang == "ja":
        return (reading(folded), text)
    return (folded, text)
