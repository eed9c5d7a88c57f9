"""Render contributors' Markdown to HTML that is safe to publish.

Raw HTML is allowed only within a safe subset: ``nh3`` (the Ammonia sanitizer) removes
scripts, event-handler attributes, forms, ``javascript:``/``data:`` URLs and iframes from hosts
other than the allow-listed video players. ``furusato.safety`` reports the same removals as
problems so that ``make check`` rejects what the build would otherwise strip.

Local links and images are written as ``furusato:<path under content/>`` and expanded to real
URLs at render time, so one cached rendering serves every URL layout (national site,
single-prefecture site, any SITEURL).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import urlsplit

import markdown
import nh3

LOCAL_PREFIX = "furusato:"
EMBED_HOSTS = frozenset(
    {"www.youtube-nocookie.com", "www.youtube.com", "player.vimeo.com"}
)
_EXTENSIONS = ["extra", "sane_lists"]
_TAGS = (set(nh3.ALLOWED_TAGS) - {"details", "summary"}) | {"iframe", "figure", "figcaption"}
_ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "img": {"src", "alt", "title", "width", "height"},
    "a": {"href", "title", "hreflang"},
    "iframe": {"src", "title", "width", "height", "allow", "allowfullscreen"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
}
_SCHEMES = {"http", "https", "mailto"}


@dataclass(frozen=True)
class Rendered:
    """The safe HTML of one Markdown body, and the local files it refers to."""

    html: str
    images: tuple[str, ...]  # paths under content/ of local images it shows


def is_allowed_embed(url: str) -> bool:
    """Say whether an iframe may show `url` (https on an allow-listed video host)."""
    parts = urlsplit(url)
    return parts.scheme == "https" and parts.hostname in EMBED_HOSTS


class Renderer:
    """A reusable Markdown renderer (building a Markdown instance is the slow part)."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=_EXTENSIONS, output_format="html")

    def render(self, body: str, source: str) -> Rendered:
        """Render `body`, a Markdown file's text, written at `source` (a path under content/)."""
        self._md.reset()
        raw = self._md.convert(body)
        images: list[str] = []
        base = posixpath.dirname(source)

        def filter_attribute(tag: str, attr: str, value: str) -> str | None:
            if tag == "iframe" and attr == "src":
                return value if is_allowed_embed(value) else None
            if attr in ("src", "href") and _is_local(value):
                path = posixpath.normpath(posixpath.join(base, value.split("#")[0]))
                if tag == "img":
                    images.append(path)
                fragment = "#" + value.split("#", 1)[1] if "#" in value else ""
                return LOCAL_PREFIX + path + fragment
            return value

        html = nh3.clean(
            raw,
            tags=_TAGS,
            attributes=_ATTRIBUTES,
            url_schemes=_SCHEMES,
            attribute_filter=filter_attribute,
            link_rel=None,
            strip_comments=True,
        )
        return Rendered(html=_mark_external_links(html), images=tuple(dict.fromkeys(images)))


def _is_local(url: str) -> bool:
    if not url or url.startswith(("#", "/", LOCAL_PREFIX)):
        return False
    return not urlsplit(url).scheme and not url.startswith("//")


def _mark_external_links(html: str) -> str:
    # nh3 has already normalised every <a> to `<a href="...">`; external ones open with
    # rel="noopener" so the other site cannot script this window.
    html = html.replace('<a href="http', '<a rel="noopener" href="http')
    return html.replace("<img ", '<img loading="lazy" ')
