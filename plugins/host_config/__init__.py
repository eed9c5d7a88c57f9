"""Write the static hosts' configuration files: `_headers` (Netlify, Cloudflare Pages) and
`.nojekyll` (GitHub Pages), derived from the files the build has written so far.

Its generator must run after every generator that writes files (like sitemap, it reads the
list of written paths) and before safe_output commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import jinja2
from pelican import signals

from content_loader import SiteGenerator
from furusato import csp

DEFAULTS: dict[str, Any] = {
    # Content-Security-Policy directives; the pages must satisfy them (tests/test_host_config.py).
    # Every page carries the same policy in a <meta> (base.html), for hosts without _headers.
    "FURUSATO_CSP": dict(csp.POLICY),
    # Cache-Control of theme assets and images; their names carry no content hash, so a day
    # (served stale for a week while revalidating) rather than a year and "immutable".
    "FURUSATO_CACHE_ASSETS": "public, max-age=86400, stale-while-revalidate=604800",
    # Cache-Control of feeds, calendars, OPML, sitemap and robots.txt: readers poll them.
    "FURUSATO_CACHE_FEEDS": "public, max-age=900",
    # Content-Type by file name (first) or suffix, for files hosts would label too vaguely.
    "FURUSATO_CONTENT_TYPES": {
        "feed.xml": "application/rss+xml; charset=utf-8",
        "atom.xml": "application/atom+xml; charset=utf-8",
        ".ics": "text/calendar; charset=utf-8",
        ".opml": "text/x-opml; charset=utf-8",
        ".xml": "application/xml; charset=utf-8",
        ".txt": "text/plain; charset=utf-8",
        ".csv": "text/csv; charset=utf-8",  # impact exports: data, refreshed like feeds
        ".json": "application/json; charset=utf-8",
    },
}
# Headers every response gets besides the Content-Security-Policy.
SECURITY_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
]
PAGE_SUFFIXES = (".html",)
PLACEHOLDER = ":prefecture"
_TEMPLATE = Path(__file__).with_name("_headers.j2")


@dataclass(frozen=True, order=True)
class Rule:
    """One `_headers` block: a URL pattern and the caching of what it matches."""

    path: str
    cache: str
    content_type: str | None = None


def content_type(path: str, types: dict[str, str]) -> str | None:
    """Return the Content-Type the host must send for `path`, if Furusato sets it."""
    name = PurePosixPath(path).name
    return types.get(name) or types.get(PurePosixPath(path).suffix)


def header_rules(paths: list[str], prefectures: set[str], settings: dict[str, Any]) -> list[Rule]:
    """Group written files into URL patterns, one rule per pattern, sorted.

    A leading prefecture folder becomes the `:prefecture` placeholder (one rule for 47
    feeds); assets are matched by their top folder with a splat. Patterns are URL paths,
    percent-encoded, so no file name can start a line or a header of its own in `_headers`.
    """
    types = settings["FURUSATO_CONTENT_TYPES"]
    rules: set[Rule] = set()
    for path in paths:
        if path.endswith(PAGE_SUFFIXES) or path.startswith((".", "_")):
            continue
        parts = quote(path, safe="/").split("/")
        if len(parts) > 1 and parts[0] in prefectures:
            parts[0] = PLACEHOLDER
        kind = content_type(path, types)
        if kind is not None:
            rules.add(Rule("/" + "/".join(parts), settings["FURUSATO_CACHE_FEEDS"], kind))
            continue
        depth = 2 if parts[0] == PLACEHOLDER else 1
        pattern = "/".join(parts[:depth]) + "/*" if len(parts) > depth else "/".join(parts)
        rules.add(Rule("/" + pattern, settings["FURUSATO_CACHE_ASSETS"]))
    return sorted(rules)


class HostConfigGenerator(SiteGenerator):
    """Writes `_headers` and `.nojekyll` next to the site."""

    def generate_output(self, writer: Any) -> None:
        settings = self.settings
        national = self.site.single is None
        prefectures = set(self.site.prefectures) if national else set()
        # Theme assets are copied by safe_output when it commits, after this generator.
        static = Path(self.theme) / "static"
        assets = [
            self.urls.save_as(self.urls.asset(p.relative_to(static).as_posix()))
            for p in static.rglob("*")
            if p.is_file()
        ]
        rules = header_rules(sorted({*writer.new, *assets}), prefectures, settings)
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(_TEMPLATE.parent),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            autoescape=False,  # a plain-text file for the host, not HTML
        )
        text = env.get_template(_TEMPLATE.name).render(
            csp=csp.header(settings["FURUSATO_CSP"]), security=SECURITY_HEADERS, rules=rules
        )
        writer.write_bytes("_headers", text.encode("utf-8"))
        # GitHub Pages runs Jekyll on branch deploys unless told not to; Jekyll would hide
        # files starting with "_" and slow every deploy down.
        writer.write_bytes(".nojekyll", b"")


def get_generators(pelican: Any) -> type[SiteGenerator]:
    return HostConfigGenerator


def initialized(pelican: Any) -> None:
    for key, value in DEFAULTS.items():
        pelican.settings.setdefault(key, value)


def register() -> None:
    signals.initialized.connect(initialized)
    signals.get_generators.connect(get_generators)
