"""Every internal link, fragment and asset reference of the demo build resolves (none fetched)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.etree
import pytest

from tests.quality import site_pages

# Where HTML refers to other resources: (XPath of the elements, attribute).
HTML_REFERENCES = [
    ("//a[@href]", "href"),
    ("//area[@href]", "href"),
    ("//link[@href]", "href"),
    ("//script[@src]", "src"),
    ("//img[@src]", "src"),
    ("//img[@srcset]", "srcset"),
    ("//source[@src]", "src"),
    ("//source[@srcset]", "srcset"),
    ("//video[@src]", "src"),
    ("//video[@poster]", "poster"),
    ("//audio[@src]", "src"),
    ("//track[@src]", "src"),
    ("//iframe[@src]", "src"),
    ("//embed[@src]", "src"),
    ("//object[@data]", "data"),
    ("//form[@action]", "action"),
    ("//*[@xlink:href]", "xlink:href"),
    ("//use[@href]", "href"),
    ("//image[@href]", "href"),
    ("//meta[@property='og:image' or @property='og:url' or @name='twitter:image']", "content"),
]
# Schemes that never point into the build; they are not followed.
FOREIGN_SCHEMES = {"mailto", "tel", "sms", "geo", "javascript", "data", "blob", "about"}
# The HTML standard scrolls '#top' to the start of the page even without such an id.
IMPLICIT_FRAGMENTS = {"", "top"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")
# Elements of feeds, sitemaps and OPML whose text or attribute is a URL of the site.
XML_URL_TEXT = {"link", "loc", "guid", "id", "uri", "icon", "logo", "url"}
XML_URL_ATTRIBUTES = {"href", "url", "xmlUrl", "htmlUrl", "src"}
MAX_REPORTED = 200


def _xpath(tree: lxml.etree._Element, query: str) -> list:
    return tree.xpath(query, namespaces={"xlink": "http://www.w3.org/1999/xlink"})


def _html_references(tree: lxml.etree._Element) -> Iterator[tuple[str, str, int]]:
    """Yield (attribute, reference, source line) for every URL an HTML page refers to."""
    for query, attribute in HTML_REFERENCES:
        if attribute == "xlink:href":
            elements = [
                e for e in tree.iter() if isinstance(e.tag, str) and "xlink:href" in e.attrib
            ]
        else:
            elements = _xpath(tree, query)
        for element in elements:
            value = element.get(attribute, "")
            if attribute == "srcset":
                for candidate in value.split(","):
                    if candidate.strip():
                        yield attribute, candidate.split()[0], element.sourceline or 0
            else:
                yield attribute, value, element.sourceline or 0
    for element in _xpath(tree, "//meta[@http-equiv]"):
        if element.get("http-equiv", "").lower() == "refresh":
            match = re.search(r"url\s*=\s*['\"]?([^'\"]+)", element.get("content", ""), re.I)
            if match:
                yield "http-equiv", match.group(1), element.sourceline or 0


@functools.cache
def _ids(path: Path) -> frozenset[str]:
    """Give the fragment targets of an HTML or SVG file: its ids and named anchors."""
    if path.suffix == ".svg":
        tree = lxml.etree.parse(str(path), lxml.etree.XMLParser(resolve_entities=False))
        return frozenset(tree.xpath("//@id"))
    tree = site_pages.parse_html(path)
    return frozenset(tree.xpath("//@id") + tree.xpath("//a/@name"))


class Resolver:
    """Resolve references found in the build to files of the build."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.base = site_pages.site_base(output)

    def local_path(self, reference: str, from_url: str) -> tuple[str, str] | None:
        """Give (root-relative path, fragment) of a reference into the build; None if off-site."""
        reference = reference.strip()
        scheme = urlsplit(reference).scheme.lower()
        if scheme in FOREIGN_SCHEMES:
            return None
        if scheme == "webcal":  # a calendar subscription link is an http(s) link in disguise
            reference = "https" + reference[len("webcal") :]
        if self.base:
            for base in {self.base, self.base.replace("https://", "http://", 1)}:
                if reference.startswith(base):
                    reference = "/" + reference[len(base) :]
        absolute = urlsplit(urljoin("http://build.invalid" + from_url, reference))
        if absolute.netloc != "build.invalid":
            return None
        return absolute.path, absolute.fragment

    def problem(self, reference: str, from_url: str) -> str | None:
        """Say what is wrong with a reference, or None when it resolves (or leaves the site)."""
        if not reference.strip():
            return None  # an empty href is the page itself
        local = self.local_path(reference, from_url)
        if local is None:
            return None
        path, fragment = local
        target = site_pages.file_for(self.output, path)
        if target is None:
            folder = self.output / unquote(path).lstrip("/")
            if folder.is_dir() and (folder / "index.html").is_file():
                return f"{path} is a folder: end the URL with '/'"
            return f"{path} is not in the build"
        fragment = unquote(fragment)
        if fragment in IMPLICIT_FRAGMENTS or target.suffix not in {".html", ".svg"}:
            return None
        if fragment not in _ids(target):
            return f"#{fragment} is not an id on {site_pages.url_of(self.output, target)}"
        return None


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
    resolver = Resolver(demo_output)
    problems = []
    pages = site_pages.html_files(demo_output)
    assert pages, f"no .html file in {demo_output}"
    for page in pages:
        url = site_pages.url_of(demo_output, page)
        name = page.relative_to(demo_output).as_posix()
        for attribute, reference, line in _html_references(site_pages.parse_html(page)):
            problem = resolver.problem(reference, url)
            if problem:
                problems.append(f"{name}:{line}: {attribute}={reference!r}: {problem}")
    _report(problems, "broken internal reference(s) in HTML")


def test_css_references_resolve(demo_output: Path) -> None:
    resolver = Resolver(demo_output)
    problems = []
    for sheet in sorted(demo_output.rglob("*.css")):
        url = site_pages.url_of(demo_output, sheet)
        text = sheet.read_text(encoding="utf-8")
        for match in CSS_URL.finditer(text):
            reference = match.group(2) or match.group(4)
            problem = resolver.problem(reference, url)
            if problem:
                line = text.count("\n", 0, match.start()) + 1
                problems.append(
                    f"{sheet.relative_to(demo_output)}:{line}: {reference!r}: {problem}"
                )
    _report(problems, "broken reference(s) in CSS")


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
    for attribute, reference, line in _html_references(site_pages.parse_html(page)):
        parts = urlsplit(reference.strip())
        if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
            continue
        problems.append(
            f"404.html:{line}: {attribute}={reference!r} is relative: start it with '/'"
        )
    _report(problems, "reference(s) in 404.html that break below the top folder")
