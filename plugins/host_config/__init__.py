"""Write the static hosts' configuration files: `_headers` (Netlify, Cloudflare Pages) and
`.nojekyll` (GitHub Pages), derived from the files the build has written so far.

It listens to the engine's `output_complete` signal, sent once every file of the site is
made, so its place in PLUGINS does not matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import jinja2
from pelican import signals

from furusato import csp
from furusato_engine import Build, require
from furusato_engine import signals as engine_signals

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
    # `:prefecture` matches any top folder, the national Japanese edition's `ja/` too: a rule
    # for /ja/feed.xml beside /:prefecture/feed.xml would give that file two rules, which hosts
    # join into one invalid header. Keep the placeholder's rule alone.
    shared = {
        (rule.path.removeprefix(f"/{PLACEHOLDER}/"), rule.cache, rule.content_type)
        for rule in rules
        if rule.path.startswith(f"/{PLACEHOLDER}/")
    }
    return sorted(
        rule
        for rule in rules
        if rule.path.count("/") < 2
        or (rule.path.split("/", 2)[2], rule.cache, rule.content_type) not in shared
        or rule.path.startswith(f"/{PLACEHOLDER}/")
    )


def write_host_config(build: Build) -> None:
    """Write `_headers` and `.nojekyll` beside the site, once every file of it is made."""
    settings, writer = build.settings, build.writer
    assert writer is not None
    prefectures = set(build.site.prefectures) if build.site.single is None else set()
    rules = header_rules(writer.paths(), prefectures, settings)
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


def initialized(pelican: Any) -> None:
    require(pelican, "host_config")


def register() -> None:
    signals.initialized.connect(initialized)
    engine_signals.output_complete.connect(write_host_config)
