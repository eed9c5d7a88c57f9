"""Find the HTML in a Markdown body that the sanitizer would remove, with the line it is on.

The allow-list below is the one the build's sanitizer (``reading.markup``, via nh3) uses, so
``make check`` rejects exactly what the build would otherwise strip: disallowed tags, event
handler attributes, ``javascript:``/``data:`` addresses, iframes other than allow-listed video
players, and pictures without a description or stored on another site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

from ..csp import EMBED_HOSTS

# --- the allow-list (shared with markup.Renderer) ---------------------------------------------

URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Ammonia's default tags, minus details/summary (the theme has no style for them), plus video
# embeds and figures.
TAGS = frozenset(
    (set(nh3.ALLOWED_TAGS) - {"details", "summary"}) | {"iframe", "figure", "figcaption"}
)
ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "img": {"src", "alt", "title", "width", "height"},
    "a": {"href", "title", "hreflang"},
    "iframe": {"src", "title", "width", "height", "allow", "allowfullscreen"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
}
GENERIC_ATTRIBUTES = frozenset({"lang", "title"})  # allowed on every tag: Ammonia's fixed default
# Markdown itself writes these (footnotes, attribute lists); the sanitizer drops them quietly
# because they only style or anchor text, and reporting them would blame the contributor.
QUIETLY_DROPPED = frozenset({"class", "id"})
# fmt: off
URL_ATTRIBUTES = frozenset({"href", "src", "cite", "action", "formaction", "poster",
                            "background", "longdesc", "srcset", "data", "xlink:href", "ping"})
_SCRIPT_TAGS = frozenset({"script", "noscript", "style", "link", "meta", "base", "object",
                          "embed", "applet", "template", "frame", "frameset"})
_FORM_TAGS = frozenset({"form", "input", "button", "select", "option", "optgroup", "textarea",
                        "label", "fieldset", "legend", "datalist", "output"})
# fmt: on


def is_allowed_embed(url: str) -> bool:
    """Say whether an iframe may show `url` (https on an allow-listed video host)."""
    parts = urlsplit(url.strip())
    return parts.scheme == "https" and parts.hostname in EMBED_HOSTS


def is_local(url: str) -> bool:
    """Say whether `url` is a relative path to a file in the repository."""
    url = url.strip()
    if not url or url.startswith(("#", "/", "furusato:")):
        return False
    return not urlsplit(url).scheme and not url.startswith("//")


def scheme_allowed(url: str) -> bool:
    """Say whether a link or picture address uses a scheme the sanitizer keeps."""
    scheme = urlsplit(url.strip()).scheme.lower()
    return not scheme or scheme in URL_SCHEMES


# --- finding what would be removed ------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One piece of HTML that cannot be published: body line, problem field, message."""

    line: int  # 1-based line in the Markdown body
    field: str  # "html", "alt" or "image"
    message: str


def find_unsafe(html: str, body: str) -> list[Finding]:
    """Compare `html` (Markdown's output before sanitizing) with the allow-list.

    `body` is the Markdown the HTML came from; each finding is placed on the line of `body`
    where its tag, attribute or address is written.
    """
    scanner = _Scanner(_Locator(body))
    scanner.feed(html)
    scanner.close()
    return scanner.findings


_CODE = re.compile(
    r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?^ {0,3}\1[^\n]*$|(`+)[^\n]*?\2", re.MULTILINE | re.DOTALL
)


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


class _Locator:
    """Finds the body line of the n-th occurrence of a tag, attribute or address.

    Code blocks and code spans are blanked first (keeping line breaks): HTML written there
    is shown as text, so it is never the occurrence being looked for.
    """

    def __init__(self, body: str):
        self.body = _CODE.sub(_blank, body)
        self.next_start: dict[str, int] = {}

    def line(self, *patterns: str) -> int:
        for pattern in patterns:
            start = self.next_start.get(pattern, 0)
            match = re.compile(pattern, re.IGNORECASE).search(self.body, start)
            if match:
                self.next_start[pattern] = match.end()
                return self.body.count("\n", 0, match.start()) + 1
        return 1


def _shorten(value: str, limit: int = 50) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


class _Scanner(HTMLParser):
    def __init__(self, locator: _Locator):
        super().__init__(convert_charrefs=True)
        self.locate = locator
        self.findings: list[Finding] = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag_at = rf"<\s*{re.escape(tag)}\b"
        if tag not in TAGS:
            self._add(self.locate.line(tag_at), "html", _tag_message(tag))
            return
        allowed = ATTRIBUTES.get(tag, set()) | GENERIC_ATTRIBUTES
        values = dict(attrs)
        for name, value in attrs:
            value = value or ""
            attr_at = rf"\b{re.escape(name)}\s*="
            if name.startswith("on"):
                self._add(
                    self.locate.line(attr_at, rf"\b{re.escape(name)}\b"),
                    "html",
                    f"the {name} attribute on <{tag}> is not allowed (event handlers run "
                    "scripts); remove it",
                )
            elif name not in allowed:
                if name not in QUIETLY_DROPPED:
                    self._add(
                        self.locate.line(attr_at, rf"\b{re.escape(name)}\b"),
                        "html",
                        f"the {name} attribute on <{tag}> is not allowed; remove it",
                    )
            elif name in URL_ATTRIBUTES and not scheme_allowed(value):
                self._add(
                    self.locate.line(re.escape(value), attr_at),
                    "html",
                    f"{_shorten(value)!r} is not allowed as the {name} of <{tag}> "
                    "(addresses must start with https://, http:// or mailto:, or name "
                    "a file in the repository); remove it",
                )
            elif tag == "iframe" and name == "src" and not is_allowed_embed(value):
                hosts = ", ".join(sorted(EMBED_HOSTS))
                self._add(
                    self.locate.line(re.escape(value), tag_at),
                    "html",
                    f"an <iframe> showing {_shorten(value)!r} is not allowed (only https "
                    f"videos from {hosts}); remove it, or write a link instead",
                )
        if tag == "img":
            self._check_picture(values)

    def _check_picture(self, values: dict[str, str | None]) -> None:
        src = (values.get("src") or "").strip()
        src_at = re.escape(src) if src else r"<\s*img\b|!\["
        if src.startswith("/") and not src.startswith("//"):
            self._add(
                self.locate.line(src_at),
                "image",
                f"{_shorten(src)!r} starts with '/'; write the path from the article's "
                "folder, such as ../images/<file name>",
            )
        elif src and not is_local(src) and scheme_allowed(src):
            self._add(
                self.locate.line(src_at),
                "image",
                f"{_shorten(src)!r} is a picture on another site; save it in "
                "content/<prefecture>/images/ and write ![what it shows]"
                "(../images/<file name>)",
            )
        elif not (values.get("alt") or "").strip():
            self._add(
                self.locate.line(src_at),
                "alt",
                f"the picture {_shorten(src)!r} has no description for readers who cannot "
                f"see it; write one between the brackets: ![what the picture shows]({src})",
            )

    def _add(self, line: int, field: str, message: str) -> None:
        self.findings.append(Finding(line, field, message))


def _tag_message(tag: str) -> str:
    if tag in _SCRIPT_TAGS:
        reason = "scripts, styles and plug-ins cannot be published"
    elif tag in _FORM_TAGS:
        reason = "forms cannot be published; link to a registration page instead"
    else:
        return (
            f"<{tag}> is not allowed (see 'HTML you can use' in CONTRIBUTING.md); remove it, "
            f"or, if you meant the text <{tag}>, put it in `backticks`"
        )
    return f"<{tag}> is not allowed ({reason}); remove it"
