"""Write /sitemap.xml (every HTML page, absolute URLs, with each page's editions in other
languages as hreflang alternates) and /robots.txt pointing to it.

It listens to the engine's `pages_written` signal, sent once every generator has written its
pages, so its place in PLUGINS does not matter.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from pelican import signals

from furusato_engine import Build, require
from furusato_engine import signals as engine_signals


def write_sitemap(build: Build) -> None:
    """List every page of the site in sitemap.xml, and point robots.txt to it."""
    writer = build.writer
    assert writer is not None
    # The editor's page (/admin/) is for contributors, not readers: it says noindex.
    pages = [p for p in writer.paths() if p.endswith("index.html") and not p.startswith("admin/")]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for path in pages:
        url = build.absolute.national(path.removesuffix("index.html"))
        alternates = build.alternates.get(path, {})
        if len(alternates) < 2:
            lines.append(f"  <url><loc>{escape(url)}</loc></url>")
            continue
        # Every edition of the page, itself included, and English as the default.
        lines.append(f"  <url><loc>{escape(url)}</loc>")
        links = sorted(alternates.items())
        if "en" in alternates:
            links.append(("x-default", alternates["en"]))
        for lang, href in links:
            lines.append(
                f'    <xhtml:link rel="alternate" hreflang="{lang}" href="{escape(href)}"/>'
            )
        lines.append("  </url>")
    lines.append("</urlset>\n")
    writer.write_bytes("sitemap.xml", "\n".join(lines).encode("utf-8"))
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {build.absolute.national('sitemap.xml')}\n"
    writer.write_bytes("robots.txt", robots.encode("utf-8"))


def initialized(pelican: Any) -> None:
    require(pelican, "sitemap")


def register() -> None:
    signals.initialized.connect(initialized)
    engine_signals.pages_written.connect(write_sitemap)
