"""Every internal link, fragment and asset reference of the demo build resolves (none fetched)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import lxml.etree
import pytest

from tests.quality import site_pages
from tests.quality.links import Resolver, broken_html_references, html_references

CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")
# Elements of feeds, sitemaps and OPML whose text or attribute is a URL of the site.
XML_URL_TEXT = {"link", "loc", "guid", "id", "uri", "icon", "logo", "url"}
XML_URL_ATTRIBUTES = {"href", "url", "xmlUrl", "htmlUrl", "src"}
MAX_REPORTED = 200


def _report(problems: list[str], what: str) -> None:
    if problems:
        shown = problems[:MAX_REPORTED]
        more = (
            f"\n... and {len(problems) - MAX_REPORTED} more" if len(problems) > MAX_REPORTED else ""
        )
        pytest.fail(f"{len(problems)} {what}:\n" + "\n".join(shown) + more, pytrace=False)


def test_every_page_type_is_built(demo_output: Path) -> None:
    pages = site_pages.pick_pages(demo_output)
    missing = site_pages.missing_kinds(pages)
    assert not missing, f"the build has no page of type {missing} (found: {pages})"


def test_html_links_and_fragments_resolve(demo_output: Path) -> None:
    assert site_pages.html_files(demo_output), f"no .html file in {demo_output}"
    _report(broken_html_references(demo_output), "broken internal reference(s) in HTML")


def css_problems(out: Path) -> list[str]:
    """Return every url() or @import of the site's stylesheets that names no file."""
    resolver = Resolver(out)
    problems = []
    for sheet in sorted(out.rglob("*.css")):
        url = site_pages.url_of(out, sheet)
        text = sheet.read_text(encoding="utf-8")
        for match in CSS_URL.finditer(text):
            reference = match.group(2) or match.group(4)
            problem = resolver.problem(reference, url)
            if problem:
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{sheet.relative_to(out)}:{line}: {reference!r}: {problem}")
    return problems


def test_css_references_resolve(demo_output: Path) -> None:
    assert list(demo_output.rglob("*.css")), "the build has no stylesheet"
    _report(css_problems(demo_output), "broken reference(s) in CSS")


def test_the_css_check_finds_a_broken_reference(tmp_path: Path) -> None:
    (tmp_path / "theme/css").mkdir(parents=True)
    (tmp_path / "theme/css/a.css").write_text(
        '@import "b.css";\n'
        ".x { background: url(../img/dot.png) }\n"
        '.y { background: url("no.png") }\n'
    )
    (tmp_path / "theme/css/b.css").write_text("")
    (tmp_path / "theme/img").mkdir()
    (tmp_path / "theme/img/dot.png").write_bytes(b"")
    problems = css_problems(tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith("theme/css/a.css:3: 'no.png'")


def _xml_urls(path: Path, base: str | None) -> Iterator[str]:
    """Yield the URLs of the site that a feed, sitemap, OPML, calendar or robots.txt names."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ics":
        text = re.sub(r"\r?\n[ \t]", "", text)  # unfold RFC 5545 continuation lines
    if base:
        for match in re.finditer(re.escape(base) + r"""[^\s"'<>\\)&]*""", text):
            yield match.group(0).rstrip(".,;:")
    if path.suffix in {".xml", ".opml"}:
        tree = lxml.etree.fromstring(
            path.read_bytes(), lxml.etree.XMLParser(resolve_entities=False)
        )
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            values = [
                v
                for k, v in element.attrib.items()
                if lxml.etree.QName(k).localname in XML_URL_ATTRIBUTES
            ]
            if lxml.etree.QName(element).localname in XML_URL_TEXT and element.text:
                values.append(element.text.strip())
            yield from (v for v in values if v.startswith("/") and not v.startswith("//"))


def test_feed_calendar_and_sitemap_links_resolve(demo_output: Path) -> None:
    resolver = Resolver(demo_output)
    files = sorted(
        p
        for p in demo_output.rglob("*")
        if p.suffix in {".xml", ".opml", ".ics"} or p.name == "robots.txt"
    )
    problems = []
    for path in files:
        url = site_pages.url_of(demo_output, path)
        try:
            references = sorted(set(_xml_urls(path, resolver.base)))
        except lxml.etree.XMLSyntaxError as error:
            problems.append(f"{path.relative_to(demo_output)}: not well-formed XML: {error}")
            continue
        for reference in references:
            problem = resolver.problem(reference, url)
            if problem:
                problems.append(f"{path.relative_to(demo_output)}: {reference!r}: {problem}")
    _report(problems, "broken link(s) in feeds, calendars, OPML, sitemap or robots.txt")


def test_404_page_works_at_any_depth(demo_output: Path) -> None:
    """A host serves 404.html at the missing URL itself, so a relative reference there breaks."""
    page = demo_output / "404.html"
    assert page.is_file(), "the build has no 404.html"
    problems = []
    for attribute, reference, line in html_references(site_pages.parse_html(page)):
        parts = urlsplit(reference.strip())
        if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
            continue
        problems.append(
            f"404.html:{line}: {attribute}={reference!r} is relative: start it with '/'"
        )
    _report(problems, "reference(s) in 404.html that break below the top folder")
