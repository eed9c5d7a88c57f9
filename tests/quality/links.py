"""Resolve the references of a built site to its own files (nothing is fetched).

Shared by the link checks of the demo build (test_links.py) and of single-prefecture and
published builds.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.etree

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


def _xpath(tree: lxml.etree._Element, query: str) -> list:
    return tree.xpath(query, namespaces={"xlink": "http://www.w3.org/1999/xlink"})


def html_references(tree: lxml.etree._Element) -> Iterator[tuple[str, str, int]]:
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


def broken_html_references(output: Path) -> list[str]:
    """Resolve every reference of every HTML page of `output`; describe the broken ones."""
    resolver = Resolver(output)
    problems = []
    for page in site_pages.html_files(output):
        url = site_pages.url_of(output, page)
        name = page.relative_to(output).as_posix()
        for attribute, reference, line in html_references(site_pages.parse_html(page)):
            problem = resolver.problem(reference, url)
            if problem:
                problems.append(f"{name}:{line}: {attribute}={reference!r}: {problem}")
    return problems
