"""Render contributors' Markdown to HTML that is safe to publish.

Raw HTML is allowed only within a safe subset: ``nh3`` (the Ammonia sanitizer) removes
scripts, event-handler attributes, forms, ``javascript:``/``data:`` URLs and iframes from hosts
other than the allow-listed video players. ``furusato.reading.safety`` holds that allow-list and
reports the same removals as problems, so ``make check`` and the build reject what the
sanitizer would otherwise strip; sanitizing stays as a second line of defence.

Local links and images are written as ``furusato:<path under content/>`` and expanded to real
URLs at render time, so one cached rendering serves every URL layout (national site,
single-prefecture site, any SITEURL).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

import markdown
import nh3

from ..urls import LOCAL_PREFIX
from . import safety
from .safety import is_allowed_embed, is_local

_EXTENSIONS = ["extra", "sane_lists"]
# align="..." (allowed) instead of style="text-align: ..." (removed), so column alignment stays.
_EXTENSION_CONFIGS = {"extra": {"tables": {"use_align_attribute": True}}}


@dataclass(frozen=True)
class Rendered:
    """The safe HTML of one Markdown body, and the local files it refers to."""

    html: str
    images: tuple[str, ...]  # paths under content/ of local images it shows
    findings: tuple[safety.Finding, ...] = ()  # what the sanitizer removed, by body line


class Renderer:
    """A reusable Markdown renderer (building a Markdown instance is the slow part)."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(
            extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIGS, output_format="html"
        )

    def render(self, body: str, source: str) -> Rendered:
        """Render `body`, a Markdown file's text, written at `source` (a path under content/)."""
        self._md.reset()
        raw = self._md.convert(body)
        images: list[str] = []
        base = posixpath.dirname(source)

        def filter_attribute(tag: str, attr: str, value: str) -> str | None:
            if attr in safety.URL_ATTRIBUTES and not safety.scheme_allowed(value):
                return None  # nh3 leaves some (such as cite) unchecked
            if tag == "iframe" and attr == "src":
                return value if is_allowed_embed(value) else None
            if tag == "img" and attr == "src" and not is_local(value):
                return None  # pictures must be files in the repository
            if attr in ("src", "href") and is_local(value):
                path = posixpath.normpath(posixpath.join(base, value.split("#")[0]))
                if tag == "img":
                    images.append(path)
                fragment = "#" + value.split("#", 1)[1] if "#" in value else ""
                return LOCAL_PREFIX + path + fragment
            return value

        html = nh3.clean(
            raw,
            tags=set(safety.TAGS),
            attributes=safety.ATTRIBUTES,
            url_schemes=set(safety.URL_SCHEMES),
            attribute_filter=filter_attribute,
            link_rel=None,
            strip_comments=True,
        )
        return Rendered(
            html=_mark_external_links(html),
            images=tuple(dict.fromkeys(images)),
            findings=tuple(safety.find_unsafe(raw, body)),
        )


_EXTERNAL_LINK = re.compile(r'<a ((?:[^>]*\s)?href="https?://[^>]*)>')


def _mark_external_links(html: str) -> str:
    # nh3 has removed every rel and quoted every attribute with "; links to other sites open
    # with rel="noopener" so the other site cannot script this window.
    html = _EXTERNAL_LINK.sub(r'<a rel="noopener" \1>', html)
    return html.replace("<img ", '<img loading="lazy" ')
