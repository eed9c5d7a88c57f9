"""Write /sitemap.xml (every HTML page, absolute URLs) and /robots.txt pointing to it.

Its generator must run after every generator that writes pages (it lists what the writer
has written so far), and before safe_output commits.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from pelican import signals

from content_loader import SiteGenerator


class SitemapGenerator(SiteGenerator):
    """Lists the pages the other generators wrote."""

    def generate_output(self, writer: Any) -> None:
        pages = sorted(p for p in writer.new if p.endswith("index.html"))
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        ]
        for path in pages:
            url = self.absolute.national(path.removesuffix("index.html"))
            lines.append(f"  <url><loc>{escape(url)}</loc></url>")
        lines.append("</urlset>\n")
        writer.write_bytes("sitemap.xml", "\n".join(lines).encode("utf-8"))
        robots = f"User-agent: *\nAllow: /\n\nSitemap: {self.absolute.national('sitemap.xml')}\n"
        writer.write_bytes("robots.txt", robots.encode("utf-8"))


def get_generators(pelican: Any) -> type[SiteGenerator]:
    return SitemapGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
