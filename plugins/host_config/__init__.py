"""Write the static hosts' configuration files: `_headers` (Netlify, Cloudflare Pages) and
`.nojekyll` (GitHub Pages), derived from the files the build has written so far.

Both hosts apply every rule whose path matches and join the values of a header given twice,
and a browser enforces every Content-Security-Policy it receives. So `_headers` has no
catch-all policy: each HTML page matches exactly one policy rule (`csp_rules`), a folder whose
pages share a policy gets one rule, and the search pages their own looser one
(furusato.csp.PAGE_POLICIES). The `:prefecture` placeholder is never used for a policy, since
it matches every top folder (/search/ and /ja/ too).

It listens to the engine's `output_complete` signal, sent once every file of the site is
made, so its place in PLUGINS does not matter.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import jinja2
from pelican import signals

from furusato import csp
from furusato_engine import Build, require
from furusato_engine import signals as engine_signals

log = logging.getLogger(__name__)
# Cloudflare Pages reads at most this many rules of `_headers` (Netlify has no such limit).
CLOUDFLARE_RULES = 100

# Headers every response gets besides the Content-Security-Policy.
SECURITY_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
]
PAGE_SUFFIXES = (".html",)
PLACEHOLDER = ":prefecture"
MONTH_PLACEHOLDER = ":month"
MONTH = re.compile(r"\d{4}-\d{2}")  # a digest issue's folder
EVENT_PLACEHOLDER = ":event"
_TEMPLATE = Path(__file__).with_name("_headers.j2")


@dataclass(frozen=True, order=True)
class Rule:
    """One `_headers` block: a URL pattern and the caching of what it matches."""

    path: str
    cache: str
    content_type: str | None = None


@dataclass(frozen=True, order=True)
class PolicyRule:
    """One `_headers` block giving the pages a URL pattern matches their CSP."""

    path: str
    policy: str


def csp_rules(
    paths: list[str],
    base: dict[str, list[str]],
    policies: Mapping[str, Mapping[str, list[str]]] = csp.PAGE_POLICIES,
) -> list[PolicyRule]:
    """Return one Content-Security-Policy rule per folder whose pages share a policy, so that
    every HTML page among `paths` matches exactly one rule, sorted.

    A folder holding pages of different policies (the site's root, `ja/`) is split into its
    own pages (`/ja/` and `/ja/index.html`) and its subfolders, recursively.
    """
    pages = [p for p in paths if p.endswith(PAGE_SUFFIXES) and not p.startswith((".", "_"))]
    found: list[tuple[str, str | None]] = []

    def split(prefix: str, group: list[str]) -> None:
        folders = {csp.folder_of(page, policies) for page in group}
        if prefix and len(folders) == 1:
            found.append((quote(prefix) + "*", folders.pop()))
            return
        children: dict[str, list[str]] = {}
        for page in group:
            head, sep, _ = page[len(prefix) :].partition("/")
            if sep:
                children.setdefault(head, []).append(page)
                continue
            found.append((quote(page), csp.folder_of(page, policies)))
            if head == "index.html":  # the folder's own URL serves it
                found.append((quote(prefix), csp.folder_of(page, policies)))
        for head, sub in sorted(children.items()):
            split(f"{prefix}{head}/", sub)

    split("", pages)
    return sorted(
        PolicyRule(
            "/" + pattern,
            csp.header(csp.policy_for(folder or "", base, policies)),
        )
        for pattern, folder in found
    )


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
        if parts[0] == PLACEHOLDER and parts[1:2] == ["events"] and len(parts) == 4:
            parts[2] = EVENT_PLACEHOLDER  # one rule for every event's event.ics
        # one rule for every month's digest files (/:prefecture/digest/:month/digest.eml)
        parts = [
            MONTH_PLACEHOLDER if i and parts[i - 1] == "digest" and MONTH.fullmatch(part) else part
            for i, part in enumerate(parts)
        ]
        if kind is not None:
            rules.add(Rule("/" + "/".join(parts), settings["FURUSATO_CACHE_FEEDS"], kind))
            continue
        depth = 2 if parts[0] == PLACEHOLDER else 1
        if len(parts) > depth and parts[depth - 1] == "ja":
            depth += 1  # the Japanese edition's root is a site root too
        if len(parts) <= depth:
            continue  # a site's own export (impact.csv, .xlsx): the host's default caching
        rules.add(Rule("/" + "/".join(parts[:depth]) + "/*", settings["FURUSATO_CACHE_ASSETS"]))
    # `:prefecture` matches any top folder, the national Japanese edition's `ja/` too: a rule
    # for /ja/feed.xml beside /:prefecture/feed.xml would give that file two rules, which hosts
    # join into one invalid header. Keep the placeholder's rule alone.
    shared = {
        (rule.path.removeprefix(f"/{PLACEHOLDER}/"), rule.cache, rule.content_type)
        for rule in rules
        if rule.path.startswith(f"/{PLACEHOLDER}/")
    }
    # A file in a folder of assets (/theme/*, /pagefind/*) takes that folder's rule alone.
    splats = {rule.path.removesuffix("*") for rule in rules if rule.path.endswith("/*")}
    rules = {
        rule
        for rule in rules
        if rule.path.endswith("/*") or not any(rule.path.startswith(s) for s in splats)
    }
    return sorted(
        rule
        for rule in rules
        if rule.path.count("/") < 2
        or (rule.path.split("/", 2)[2], rule.cache, rule.content_type) not in shared
        or rule.path.startswith(f"/{PLACEHOLDER}/")
    )


def too_many_rules(count: int) -> str | None:
    """Say what to do when `_headers` has more rules than Cloudflare Pages reads."""
    if count <= CLOUDFLARE_RULES:
        return None
    return (
        f"_headers has {count} rules; Cloudflare Pages reads only the first "
        f"{CLOUDFLARE_RULES}, so some pages there would lose their Content-Security-Policy or "
        "caching. Every top-level page in content/pages/ adds rules: on Cloudflare Pages keep "
        "them few, or deploy to Netlify or GitHub Pages, which have no such limit"
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
    policies = csp_rules(
        writer.paths(),
        settings["FURUSATO_CSP"],
        csp.page_policies(settings.get("FURUSATO_REPOSITORY")),
    )
    warning = too_many_rules(1 + len(policies) + len(rules))
    if warning:
        log.warning(warning)
    text = env.get_template(_TEMPLATE.name).render(
        policies=policies, security=SECURITY_HEADERS, rules=rules
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
