"""host_config: `_headers` (CSP the pages satisfy, caching, content types) and `.nojekyll`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import lxml.html
import pytest

from furusato import csp
from furusato.settings import with_defaults
from host_config import Rule, header_rules, too_many_rules
from tests.quality.site_pages import is_email
from tests.sitebuild import REPO, build_site, copy_site

DEFAULTS = with_defaults({})  # every Furusato setting at its declared default

EXPECTED_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-src https://player.vimeo.com https://www.youtube-nocookie.com https://www.youtube.com; "
    "object-src 'none'; base-uri 'self'; form-action 'none'; frame-ancestors 'none'"
)
# What a <meta http-equiv> can carry: the header's policy without frame-ancestors.
EXPECTED_META_CSP = EXPECTED_CSP.removesuffix("; frame-ancestors 'none'")
EMBED_ARTICLE = """---
title: Dunes on video
date: 2026-04-10
author: ken-sato
summary: A film of the dunes, and a table.
---
<iframe src="https://www.youtube-nocookie.com/embed/abc123" title="The dunes"></iframe>

| Month | Visitors |
|:------|---------:|
| May   | 10       |
"""
SITEURL = "https://jet.example.net"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """two_prefectures plus an article with a video embed and an aligned table."""
    base = tmp_path_factory.mktemp("host")
    root = copy_site(
        "two_prefectures",
        base / "site",
        files={"content/tottori/articles/2026-04-10-dunes-on-video.md": EMBED_ARTICLE},
    )
    return build_site(root, base / "output", siteurl=SITEURL)


def parse_headers(text: str) -> list[tuple[str, dict[str, list[str]]]]:
    """Parse a `_headers` file into (path pattern, {header: [values]}) rules."""
    rules: list[tuple[str, dict[str, list[str]]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), {}))
            continue
        name, _, value = line.strip().partition(":")
        rules[-1][1].setdefault(name.strip(), []).append(value.strip())
    return rules


def matches(pattern: str, path: str) -> bool:
    """Match a URL path as Netlify and Cloudflare Pages do: `*` any text, `:name` a segment."""
    regex = "".join(
        ".*" if part == "*" else "[^/]+" if part.startswith(":") else re.escape(part)
        for part in re.split(r"(\*|:[a-z]+)", pattern)
    )
    return re.fullmatch(regex, path) is not None


def headers_for(rules, path: str) -> dict[str, list[str]]:
    """Combine every matching rule's headers, as both hosts do."""
    combined: dict[str, list[str]] = {}
    for pattern, headers in rules:
        if matches(pattern, path):
            for name, values in headers.items():
                combined.setdefault(name, []).extend(values)
    return combined


def csp_directives(value: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in value.split(";") if d.strip()}


def test_headers_file_sets_the_csp_on_every_page(built: Path) -> None:
    rules = parse_headers((built / "_headers").read_text(encoding="utf-8"))
    for path in ["/", "/tottori/articles/dunes-on-video/", "/404.html", "/ja/", "/ja/index.html"]:
        headers = headers_for(rules, path)
        assert headers["Content-Security-Policy"] == [EXPECTED_CSP], path
        assert headers["X-Content-Type-Options"] == ["nosniff"]
    # Every response gets the other security headers; a policy is for documents (pages).
    assert headers_for(rules, "/theme/css/base.css")["X-Content-Type-Options"] == ["nosniff"]


def test_every_file_gets_one_cache_policy_and_pages_the_hosts_short_default(built: Path) -> None:
    rules = parse_headers((built / "_headers").read_text(encoding="utf-8"))
    assets = DEFAULTS["FURUSATO_CACHE_ASSETS"]
    feeds = DEFAULTS["FURUSATO_CACHE_FEEDS"]
    for file in sorted(built.rglob("*")):
        if not file.is_file() or file.name in ("_headers", ".nojekyll"):
            continue
        url = "/" + file.relative_to(built).as_posix()
        cache = headers_for(rules, url).get("Cache-Control", [])
        if file.suffix == ".html":
            assert cache == [], url
            assert headers_for(rules, url.removesuffix("index.html")).get("Cache-Control") is None
        elif file.suffix in (".css", ".svg", ".png", ".jpg", ".webp", ".js") or url.startswith(
            "/pagefind/"  # the search index: content-hashed names, its entry fetched uncached
        ):
            assert cache == [assets], url
        elif file.suffix in (".csv", ".json", ".xlsx"):
            # exports at a site's root: no rule of their own (Cloudflare reads 100 rules);
            # the host sends them with its own short default
            assert cache == [], url
        else:
            assert cache == [feeds], url


def test_too_many_rules_for_cloudflare_is_said_with_what_to_do() -> None:
    assert too_many_rules(100) is None
    message = too_many_rules(101)
    assert message is not None
    assert message.startswith("_headers has 101 rules; Cloudflare Pages reads only the first 100")
    assert "content/pages/" in message


def test_headers_file_stays_within_cloudflare_limits(built: Path) -> None:
    text = (built / "_headers").read_text(encoding="utf-8")
    assert len(parse_headers(text)) <= 100
    assert max(len(line) for line in text.splitlines()) <= 2000


def test_feed_and_calendar_rules_cover_every_prefecture_with_one_pattern() -> None:
    # favicon.ico: an untyped file at the site's root gets no rule (the host's default)
    paths = [
        "index.html",
        "feed.xml",
        "atom.xml",
        "feeds.opml",
        "sitemap.xml",
        "robots.txt",
        "tottori/feed.xml",
        "tottori/atom.xml",
        "tottori/events.ics",
        "shimane/events.ics",
        "tottori/images/dunes.svg",
        "tottori/articles/x/index.html",
        "theme/css/base.css",
        "favicon.ico",
    ]
    feeds, assets = DEFAULTS["FURUSATO_CACHE_FEEDS"], DEFAULTS["FURUSATO_CACHE_ASSETS"]
    assert header_rules(paths, {"tottori", "shimane"}, DEFAULTS) == [
        Rule("/:prefecture/atom.xml", feeds, "application/atom+xml; charset=utf-8"),
        Rule("/:prefecture/events.ics", feeds, "text/calendar; charset=utf-8"),
        Rule("/:prefecture/feed.xml", feeds, "application/rss+xml; charset=utf-8"),
        Rule("/:prefecture/images/*", assets),
        Rule("/atom.xml", feeds, "application/atom+xml; charset=utf-8"),
        Rule("/feed.xml", feeds, "application/rss+xml; charset=utf-8"),
        Rule("/feeds.opml", feeds, "text/x-opml; charset=utf-8"),
        Rule("/robots.txt", feeds, "text/plain; charset=utf-8"),
        Rule("/sitemap.xml", feeds, "application/xml; charset=utf-8"),
        Rule("/theme/*", assets),
    ]


def test_each_editions_feeds_match_one_rule() -> None:
    # /ja/feed.xml (the national Japanese feed) has the shape of /:prefecture/feed.xml: a host
    # applying both rules would send Cache-Control and Content-Type twice, joined by a comma.
    paths = [
        f"{site}{edition}{name}"
        for site in ("", "tottori/", "shimane/")
        for edition in ("", "ja/")
        for name in ("feed.xml", "atom.xml")
    ]
    rules = header_rules(paths, {"tottori", "shimane"}, DEFAULTS)
    for path in paths:
        matching = [rule for rule in rules if matches(rule.path, "/" + path)]
        assert len(matching) == 1, (path, matching)
        assert matching[0].cache == DEFAULTS["FURUSATO_CACHE_FEEDS"]


def test_a_file_name_cannot_add_a_header() -> None:
    name = "notes\n  Access-Control-Allow-Origin: *.txt"
    assert header_rules([name], set(), DEFAULTS) == [
        Rule(
            "/notes%0A%20%20Access-Control-Allow-Origin%3A%20%2A.txt",
            DEFAULTS["FURUSATO_CACHE_FEEDS"],
            "text/plain; charset=utf-8",
        )
    ]


def test_nojekyll_is_written_for_github_pages(built: Path) -> None:
    assert (built / ".nojekyll").read_bytes() == b""


def is_data_block(element: Any) -> bool:
    """Say whether a <script> is a JSON-LD data block: browsers never run one, so script-src
    does not apply to it; it must hold JSON and nothing else."""
    if element.tag != "script" or element.get("type") != "application/ld+json":
        return False
    if element.get("src") or any(a.startswith("on") for a in element.attrib):
        return False
    json.loads(element.text or "")
    return True


def csp_violations(out: Path, csp: dict[str, list[str]]) -> list[str]:
    """Check every page against the policy: what a browser would block, listed."""
    own = urlsplit(SITEURL)
    frames = [s for s in csp["frame-src"] if s.startswith("https://")]

    def allowed(url: str, sources: list[str]) -> bool:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return "data:" in sources
        if not parts.netloc or (parts.scheme, parts.netloc) == (own.scheme, own.netloc):
            return "'self'" in sources
        return any(url.startswith(s + "/") for s in sources)

    problems = []
    for path in sorted(out.rglob("*.html")):
        name = path.relative_to(out).as_posix()
        if is_email(path):  # a digest email is for mail programs, not a page of the site
            continue
        tree = lxml.html.fromstring(path.read_bytes())
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            inline = [a for a in element.attrib if a == "style" or a.startswith("on")]
            problems += [f"{name}: <{element.tag} {a}=...> is inline code" for a in inline]
            tag = element.tag
            inline_code = tag == "style" or (tag == "script" and not element.get("src"))
            if inline_code and not is_data_block(element):
                problems.append(f"{name}: inline <{tag}> element")
            checks = {
                "script": ("src", "script-src"),
                "img": ("src", "img-src"),
                "iframe": ("src", "frame-src"),
                "object": ("data", "object-src"),
                "embed": ("src", "object-src"),
                "form": ("action", "form-action"),
            }
            if tag == "link" and "stylesheet" in (element.get("rel") or ""):
                checks["link"] = ("href", "style-src")
            if tag in checks:
                attribute, directive = checks[tag]
                url = element.get(attribute, "")
                if not allowed(url, frames if directive == "frame-src" else csp[directive]):
                    problems.append(f"{name}: <{tag} {attribute}={url!r}> breaks {directive}")
            for attribute in ("href", "src"):
                if (element.get(attribute) or "").strip().lower().startswith("javascript:"):
                    problems.append(f"{name}: javascript: URL")
            if tag == "base":
                problems.append(f"{name}: <base> breaks base-uri")
    return problems


def test_every_page_satisfies_the_csp(built: Path) -> None:
    rules = parse_headers((built / "_headers").read_text(encoding="utf-8"))
    csp = csp_directives(headers_for(rules, "/")["Content-Security-Policy"][0])
    video = lxml.html.fromstring(
        (built / "tottori/articles/dunes-on-video/index.html").read_bytes()
    )
    assert video.xpath("//iframe/@src") == ["https://www.youtube-nocookie.com/embed/abc123"]
    assert video.xpath("//table")  # the aligned table is there, and must not use style=
    assert csp_violations(built, csp) == []


def test_the_csp_check_finds_inline_code(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        '<p style="color:red" onclick="x()">x</p><script>alert(1)</script><style>p{}</style>'
        '<img src="https://tracker.example.org/p.gif"><iframe src="https://example.org/"></iframe>'
    )
    csp = csp_directives(EXPECTED_CSP)
    assert csp_violations(tmp_path, csp) == [
        "index.html: <p style=...> is inline code",
        "index.html: <p onclick=...> is inline code",
        "index.html: inline <script> element",
        "index.html: inline <style> element",
        "index.html: <img src='https://tracker.example.org/p.gif'> breaks img-src",
        "index.html: <iframe src='https://example.org/'> breaks frame-src",
    ]


def test_templates_have_no_inline_styles_or_scripts() -> None:
    found = []
    for template in sorted((REPO / "theme/templates").rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern in (
            r"\sstyle\s*=",
            r"<style[\s>]",
            # a script without src, except a JSON-LD data block (never run: see is_data_block)
            r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/ld\+json\")[^>]*>",
            r"\son[a-z]+\s*=",
        ):
            found += [f"{template.name}: {m.group(0)!r}" for m in re.finditer(pattern, text)]
    assert found == []


def test_the_demo_site_satisfies_the_csp(demo_output: Path) -> None:
    csp = csp_directives(EXPECTED_CSP)
    assert (demo_output / "_headers").is_file()
    assert csp_violations(demo_output, csp) == []


# The search pages' own policy (furusato.csp.PAGE_POLICIES): WebAssembly for Pagefind.
SEARCH_META_CSP = EXPECTED_META_CSP.replace(
    "script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"
)
SEARCH_PAGES = frozenset({"search/index.html", "ja/search/index.html"})


def meta_csp_problems(out: Path) -> list[str]:
    """Check that every page carries its policy in a <meta>, early in <head>, exactly once."""
    problems = []
    for path in sorted(out.rglob("*.html")):
        name = path.relative_to(out).as_posix()
        if is_email(path):  # a digest email is for mail programs, not a page of the site
            continue
        head = lxml.html.fromstring(path.read_bytes()).find("head")
        metas = head.xpath("meta[@http-equiv='Content-Security-Policy']")
        expected = SEARCH_META_CSP if name in SEARCH_PAGES else EXPECTED_META_CSP
        if [m.get("content") for m in metas] != [expected]:
            problems.append(f"{name}: {[m.get('content') for m in metas]}")
        elif head.index(metas[0]) > 1:  # a policy applies only to what follows it
            problems.append(f"{name}: the policy comes after <{head[1].tag}>")
    return problems


def test_every_page_carries_the_policy_for_hosts_without_headers(built: Path) -> None:
    assert csp.meta(DEFAULTS["FURUSATO_CSP"]) == EXPECTED_META_CSP
    assert meta_csp_problems(built) == []


def test_the_meta_policy_follows_the_setting(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    policy = {**DEFAULTS["FURUSATO_CSP"], "img-src": ["'self'"], "sandbox": []}
    out = build_site(root, tmp_path / "output", FURUSATO_CSP=policy)
    meta = lxml.html.fromstring((out / "index.html").read_bytes()).xpath(
        "//meta[@http-equiv='Content-Security-Policy']/@content"
    )
    assert meta == [EXPECTED_META_CSP.replace("img-src 'self' data:", "img-src 'self'")]
    headers = parse_headers((out / "_headers").read_text(encoding="utf-8"))
    assert headers_for(headers, "/")["Content-Security-Policy"][0].endswith(
        "frame-ancestors 'none'; sandbox"
    )


def test_the_meta_check_finds_a_missing_or_late_policy(tmp_path: Path) -> None:
    good = f'<meta http-equiv="Content-Security-Policy" content="{EXPECTED_META_CSP}">'
    pages = {
        "none.html": "<html><head><meta charset=utf-8><title>x</title></head></html>",
        "late.html": f"<html><head><meta charset=utf-8><title>x</title>{good}</head></html>",
        "ok.html": f"<html><head><meta charset=utf-8>{good}<title>x</title></head></html>",
    }
    for name, text in pages.items():
        (tmp_path / name).write_text(text)
    assert meta_csp_problems(tmp_path) == [
        "late.html: the policy comes after <title>",
        "none.html: []",
    ]


def test_the_demo_site_carries_the_policy_in_every_page(demo_output: Path) -> None:
    assert meta_csp_problems(demo_output) == []
