"""Mark the phrase boundaries of Japanese text with <wbr>, so headings wrap between phrases.

Japanese is written without spaces, and browsers break it between any two characters, so a
heading can wrap in the middle of a word (鳥取県は日本海に面し、… ending a line on 鳥). Two
things fix that, and the theme uses both:

- CSS `word-break: auto-phrase` finds phrase boundaries itself, but only Chromium-based browsers
  support it (Chrome and Edge 119+); Safari and Firefox ignore it.
- `<wbr>` between phrases works in every browser, with `word-break: keep-all` (base.css) so that
  the browser breaks Japanese only there. The boundaries come from BudouX's Japanese model.

BudouX's own HTML output is not used: it wraps the text in a span with inline styles, which the
site's Content-Security-Policy forbids, and it would put HTML into contributors' text. Here
BudouX only splits the plain text; each phrase is escaped, and the only markup added is <wbr>.
"""

from __future__ import annotations

import functools
import re

import budoux
from markupsafe import Markup, escape

# Hiragana, katakana and kanji (CJK unified ideographs and extension A, compatibility ideographs).
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WBR = Markup("<wbr>")


@functools.cache
def _parser() -> budoux.Parser:
    return budoux.load_default_japanese_parser()


def break_phrases(text: str) -> Markup:
    """Return `text` escaped, with <wbr> between its Japanese phrases (unchanged without any).

    `text` is plain text. Markup is read as the text it shows (its entities decoded, then
    escaped again), so that a phrase boundary never falls inside an entity such as &amp;.
    """
    if isinstance(text, Markup):
        text = text.unescape()
    if not _JAPANESE.search(text):
        return escape(text)
    return _WBR.join(escape(phrase) for phrase in _parser().parse(text))
