"""Every text a contributor writes is text wherever it lands: pages, attributes, feeds, calendars,
JSON and CSV. The fields come from the schemas themselves (every string field of every model in
furusato.schemas, nested ones and lists included), so a field added later is covered without
anyone remembering to add it here.

Each field that can hold free text gets hostile and honest text at once, between markers unique
to the field; web-address fields get an address with the characters a URL may carry that HTML
must escape. One build of tests/sites/two_prefectures with all of them set; then every output
file is parsed as its reader would parse it, and (1) wherever a marker appears, the whole value
follows it exactly as written, (2) every free-text field appears somewhere, and (3) no element
or attribute appears that the theme, the charts and the Markdown sanitizer do not produce.
"""

from __future__ import annotations

import csv
import email.policy
import gzip
import inspect
import io
import json
import re
import types
import typing
from collections.abc import Iterator
from email.parser import BytesParser
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import unquote_plus

import feedparser
import icalendar
import lxml.etree
import lxml.html
import openpyxl
import pytest
import yaml
from markupsafe import Markup
from pydantic import BaseModel, TypeAdapter, ValidationError

from furusato import schemas as model
from furusato.reading import safety
from furusato.slugs import slugify
from furusato.tagging import tag_key
from furusato.urls import DIGEST_FILES, Urls
from tests.quality.site_pages import is_email
from tests.sitebuild import REPO, build_site, copy_site
from tests.test_host_config import (
    EXPECTED_CSP,
    csp_directives,
    csp_violations,
    is_data_block,
    meta_csp_problems,
)

# Hostile and honest text in one value: each part must come out exactly as written.
PAYLOAD = (
    '<script>alert(1)</script> "><img src=x onerror=alert(1)> Furigana with <ruby> tags, '
    "a & b, 'single' \"double\" ]]>"
)
# The same for fields with a short length limit (tags): the dangerous characters, fewer words.
SHORT_PAYLOAD = "<b>x</b> a & b 'q' \"d\" ]]>"
# What a web address may carry that HTML and XML must still escape (" < > are refused).
URL_TAIL = "it's?a=1&b='x'&c=%3C%22]]"
# Schemas that are whole documents, and the fixture files that hold one (under the site root).
DOCUMENTS: dict[type[BaseModel], tuple[str, ...]] = {
    model.ProfileSchema: ("prefectures/tottori.yaml",),
    model.ArticleSchema: ("content/tottori/articles/2026-04-02-dunes-in-winter.md",),
    # One upcoming event (event page, registration) and one held (impact tables and exports).
    model.EventSchema: (
        "content/tottori/events/2026-12-05-london-evening.md",
        "content/tottori/events/2026-03-01-past-fundraiser.md",
    ),
    model.PageSchema: ("content/pages/about.md",),
    model.SupportFileSchema: ("content/tottori/support/fy2025.yaml",),
    model.ExchangeRatesSchema: ("content/exchange-rates.yaml",),
}
# Text fields whose value names a file in the repository: they get a file that exists (file
# names are the pictures' rules to judge, not the escaping's).
FILE_FIELDS = {"ArticleSchema.image": "images/dunes.svg"}
SITEURL = "https://jet.example.net"


# --- the fields, from the schemas ------------------------------------------------------------


def models() -> list[type[BaseModel]]:
    """Return every public pydantic model defined in furusato.schemas."""
    return [
        cls
        for name, cls in inspect.getmembers(model, inspect.isclass)
        if issubclass(cls, BaseModel) and cls.__module__ == model.__name__ and name[0] != "_"
    ]


def _leaf(annotation: Any) -> tuple[list[str], Any]:
    """Strip Optional and tuples from a field's type: (list markers, the element type)."""
    steps: list[str] = []
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            rest = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(rest) != 1:
                return steps, annotation
            annotation = rest[0]
        elif origin in (tuple, list):
            steps.append("[]")
            annotation = typing.get_args(annotation)[0]
        elif origin is Annotated and _is_container(typing.get_args(annotation)[0]):
            annotation = typing.get_args(annotation)[0]  # a length limit on a list of models
        else:
            return steps, annotation


def _is_container(annotation: Any) -> bool:
    if typing.get_origin(annotation) in (tuple, list, typing.Union, types.UnionType):
        return True
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _is_text(annotation: Any) -> bool:
    """Say whether values of this type are strings (free text, patterns, enums)."""
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) is Literal:
        return all(isinstance(a, str) for a in typing.get_args(annotation))
    return annotation is str


def string_fields(
    cls: type[BaseModel], path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Yield (YAML path, leaf type) of every string field reachable from `cls`; lists as '[]'."""
    for name, info in cls.model_fields.items():
        key = info.alias or name
        annotation = info.annotation
        if info.metadata:
            annotation = Annotated[(annotation, *info.metadata)]
        steps, leaf = _leaf(annotation)
        here = (*path, key, *steps)
        if isinstance(leaf, type) and issubclass(leaf, BaseModel):
            yield from string_fields(leaf, here)
        elif _is_text(leaf):
            yield here, leaf


def classify(leaf: Any, url: str) -> str:
    """Say what a string field can hold: 'text', 'url', or 'constrained' (slugs, enums...)."""
    adapter = TypeAdapter(leaf)
    for kind, value in (("text", PAYLOAD), ("text", SHORT_PAYLOAD), ("url", url)):
        try:
            adapter.validate_python(value)
        except ValidationError:
            continue
        return kind
    return "constrained"


def reachable(cls: type[BaseModel]) -> set[type[BaseModel]]:
    """Return `cls` and every model its fields hold, however deep."""
    found = {cls}
    for info in cls.model_fields.values():
        _, leaf = _leaf(info.annotation)
        if isinstance(leaf, type) and issubclass(leaf, BaseModel):
            found |= reachable(leaf)
    return found


# --- writing the values into the fixture ----------------------------------------------------


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # contributors' files never use aliases
        return True


def _read(path: Path) -> tuple[dict[str, Any], str | None]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        _, front, body = text.split("---\n", 2)
        return yaml.safe_load(front), body
    return yaml.safe_load(text), None


def _write(path: Path, data: dict[str, Any], body: str | None) -> None:
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
    path.write_text(text if body is None else f"---\n{text}---\n{body}", encoding="utf-8")


def _set(data: dict[str, Any], path: tuple[str, ...], value: str) -> None:
    """Set `value` at `path`, creating what is missing; in a list, its first element."""
    node: Any = data
    for step, after in zip(path, (*path[1:], None), strict=True):
        if after is None:
            if step == "[]":
                node[:1] = [value]
            else:
                node[step] = value
            return
        if step == "[]":
            if not node:
                node.append({} if after != "[]" else [])
            node = node[0]
        else:
            if node.get(step) is None:
                node[step] = [] if after == "[]" else {}
            node = node[step]


def text_value(leaf: Any, marker: str, number: int) -> str:
    """Return the longest hostile value the field accepts, between its unique markers."""
    adapter = TypeAdapter(leaf)
    for payload in (PAYLOAD, SHORT_PAYLOAD):
        value = f"{marker} {payload} {number:03d}qz"
        try:
            adapter.validate_python(value)
        except ValidationError:
            continue
        return value
    raise AssertionError(f"{marker}: the field refuses every test value")


def plant(root: Path) -> dict[str, str]:
    """Write a marked value into every free-text and web-address field; return marker: value."""
    planted: dict[str, str] = {}
    number = 0
    for schema, files in DOCUMENTS.items():
        for file in files:
            data, body = _read(root / file)
            if schema is model.EventSchema:  # a change is valid with its date (not text)
                data.setdefault("changes", [{"date": "2026-11-01"}])
            for path, leaf in string_fields(schema):
                name = f"{schema.__name__}.{'.'.join(path).replace('.[]', '[]')}"
                number += 1
                marker = f"zq{number:03d}"
                url = f"https://example.org/{marker}/{URL_TAIL}"
                kind = classify(leaf, url)
                if name in FILE_FIELDS:
                    _set(data, path, FILE_FIELDS[name])
                elif kind == "text":
                    planted[marker] = value = text_value(leaf, marker, number)
                    _set(data, path, value)
                elif kind == "url":
                    planted[marker] = url
                    _set(data, path, url)
            _write(root / file, data, body)
    return planted


# --- reading every output file as its reader would ------------------------------------------


def html_strings(tree: Any, where: str) -> Iterator[tuple[str, str, bool]]:
    """Yield (where, string, is_url) for every text node and attribute value of an HTML tree;
    a JSON-LD block's strings as a JSON parser reads them."""
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if is_data_block(element):
            yield from json_strings(json.loads(element.text), f"{where} JSON-LD")
            continue
        for text in (element.text, element.tail):
            if text:
                yield where, text, False
        for name, value in element.attrib.items():
            # A page's own address is also a <meta content> (og:url, og:image): a URL too.
            is_url = name in ("href", "src") or (
                name == "content" and value.startswith(("https://", "http://"))
            )
            yield f"{where} @{name}", value, is_url


def _html_fragment(text: str) -> Any:
    return lxml.html.fragment_fromstring(text, create_parent="div")


CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"


def carries_html(element: Any) -> bool:
    """Say whether an XML element's text is HTML: an RSS description (readers take it as HTML),
    content:encoded, or an Atom text construct of type="html"."""
    rss_description = element.tag == "description" and element.getparent().tag in (
        "item",
        "channel",
    )
    return rss_description or element.tag == CONTENT_ENCODED or element.get("type") == "html"


def xml_strings(root: Any, where: str) -> Iterator[tuple[str, str, bool]]:
    """Yield the strings of an XML document; HTML carried inside it is parsed as HTML."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.text and carries_html(element):
            yield from html_strings(_html_fragment(element.text), f"{where} <{element.tag}>")
        elif element.text:
            yield where, element.text, element.tag.endswith("}loc")  # a sitemap's URL
        if element.tail and element.tail.strip():
            yield where, element.tail, False
        for name, value in element.attrib.items():
            yield f"{where} @{name}", value, name in ("href", "url", "xmlUrl", "htmlUrl")


def feedparser_strings(data: bytes, where: str) -> Iterator[tuple[str, str, bool]]:
    """Yield what a feed reader (feedparser) shows: titles, summaries, content, names, tags."""
    parsed = feedparser.parse(data)
    assert not parsed.bozo, f"{where}: {parsed.get('bozo_exception')}"

    def shown(detail: Any, label: str) -> Iterator[tuple[str, str, bool]]:
        if detail is None:
            return
        if detail.get("type") == "text/html":
            yield from html_strings(_html_fragment(detail.value), f"{where} {label}")
        else:
            yield f"{where} {label}", detail.value, False

    yield from shown(parsed.feed.get("title_detail"), "feed title")
    yield from shown(parsed.feed.get("subtitle_detail"), "feed subtitle")
    for entry in parsed.entries:
        yield from shown(entry.get("title_detail"), "title")
        yield from shown(entry.get("summary_detail"), "summary")
        for content in entry.get("content", []):
            yield from shown(content, "content")
        for author in entry.get("authors", []):
            yield f"{where} author", author.get("name", ""), False
        for tag in entry.get("tags", []):
            yield f"{where} tag", tag.get("term", ""), False
            yield f"{where} tag", tag.get("label") or "", False


def ics_strings(data: bytes, where: str) -> Iterator[tuple[str, str, bool]]:
    """Yield every property value of a calendar as a calendar program reads it."""
    for component in icalendar.Calendar.from_ical(data).walk():
        for name, value in component.items():
            values = value if isinstance(value, list) else [value]
            for one in values:
                cats = getattr(one, "cats", None)
                for text in cats if cats is not None else [one]:
                    if name.startswith("X-"):  # TEXT by default (RFC 5545 3.8.8.2): unescape
                        text = re.sub(r"\\([\\,;nN])", _ics_unescape, str(text))
                    yield f"{where} {name}", str(text), name in ("URL", "SOURCE")


def _ics_unescape(match: re.Match[str]) -> str:
    return "\n" if match.group(1) in "nN" else match.group(1)


def unwrapped(text: str) -> str:
    """Return a digest's plain text with its line wrapping undone (it wraps contributors' text
    at 72 columns, between words: whitespace, never the words themselves, changes)."""
    return re.sub(r"[ \t]*\r?\n[ \t]*", " ", text)


def eml_strings(data: bytes, where: str) -> Iterator[tuple[str, str, bool]]:
    """Yield the headers and the text of each part of a message, as a mail program reads it."""
    msg = BytesParser(policy=email.policy.default).parsebytes(data)
    for name, value in msg.items():
        yield f"{where} {name}", str(value), False
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            yield f"{where} text/plain", unwrapped(part.get_content()), False
        elif part.get_content_type() == "text/html":
            yield from html_strings(lxml.html.fromstring(part.get_content()), f"{where} html")


def json_strings(value: Any, where: str) -> Iterator[tuple[str, str, bool]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from json_strings(item, f"{where} .{key}")
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item, where)
    elif isinstance(value, str):
        # Schema.org properties whose values are addresses (a breadcrumb's item, a node's @id).
        yield where, value, where.endswith((".url", ".item", ".@id", ".sameAs"))


def output_strings(out: Path) -> Iterator[tuple[str, str, bool]]:
    """Yield (where, string, is_url) for every string of every file in output/."""
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        name = path.relative_to(out).as_posix()
        data = path.read_bytes()
        if path.suffix == ".html":
            yield from html_strings(lxml.html.fromstring(data), name)
        elif path.suffix in (".xml", ".opml"):
            yield from xml_strings(lxml.etree.fromstring(data), name)
            if path.name in ("feed.xml", "atom.xml", "digest.xml"):
                yield from feedparser_strings(data, name)
        elif path.suffix == ".ics":
            yield from ics_strings(data, name)
        elif path.suffix == ".eml":
            yield from eml_strings(data, name)
        elif path.suffix == ".json":
            yield from json_strings(json.loads(data), name)
        elif path.suffix == ".csv":
            for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")):
                yield from ((name, cell, False) for cell in row)
        elif path.name == DIGEST_FILES["text"]:
            yield name, unwrapped(data.decode("utf-8")), False
        elif path.suffix == ".xlsx":  # as a spreadsheet program reads it: every cell's value
            book = openpyxl.load_workbook(io.BytesIO(data))
            for sheet in book.worksheets:
                for row in sheet.iter_rows(values_only=True):
                    yield from ((name, v, False) for v in row if isinstance(v, str))
        elif path.suffix == ".pf_fragment":  # a page as the search shows it (plugins/search)
            fragment = gzip.decompress(data).removeprefix(b"pagefind_dcd")
            # Pagefind marks the word boundaries it found in Japanese with U+200B.
            for where, text, is_url in json_strings(json.loads(fragment), name):
                yield where, text.replace("\u200b", ""), is_url
        elif path.suffix in (".pf_index", ".pf_filter", ".pf_meta", ".pagefind", ".js"):
            continue  # compressed word indexes and code: no text a reader is shown
        elif path.suffix in (".txt", "") or path.name == "_headers":
            yield name, data.decode("utf-8"), False
        elif path.suffix not in (".css", ".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif"):
            raise AssertionError(f"{name}: no reader for this kind of file; add one here")


MARKER = re.compile(r"zq\d{3}")


def mangled(text: str, planted: dict[str, str]) -> list[str]:
    """Return the planted values that `text` carries other than exactly as written."""
    bad = []
    for match in MARKER.finditer(text):
        value = planted.get(match.group(0))
        if value is None:
            continue
        start = match.start() - value.index(match.group(0))
        if text[max(start, 0) : start + len(value)] != value:
            bad.append(text[max(start, 0) : start + len(value) + 20])
    return bad


# --- what the theme, the charts and the sanitizer may produce -------------------------------


def allowed_markup() -> tuple[set[str], set[str]]:
    """Return the element and attribute names the site's own HTML and SVG may contain."""
    # Not the editor's page shell (admin.html), the one page with <script>: test_editor.py's.
    sources = [
        p.read_text(encoding="utf-8")
        for p in (REPO / "theme/templates").rglob("*.html")
        if p.name != "admin.html"
    ]
    sources.append((REPO / "plugins/impact/charts.py").read_text(encoding="utf-8"))
    tags = {"html", "head", "body"} | set(safety.TAGS)
    attributes = set(safety.GENERIC_ATTRIBUTES) | {"loading", "rel"}  # markup.py adds these two
    for attrs in safety.ATTRIBUTES.values():
        attributes |= attrs
    for source in sources:
        for match in re.finditer(r"<([a-zA-Z][\w-]*)((?:[^>{]|\{[^}]*\})*)>", source):
            if match.group(0) == '<script type="application/ld+json">':
                continue  # a data block, never run: allowed as such (is_data_block), no more
            tags.add(match.group(1).lower())
            inside = re.sub(r'"[^"]*"|\{[{%].*?[}%]\}', " ", match.group(2))
            attributes |= {a.lower() for a in re.findall(r"(?<![\w:-])([a-zA-Z][\w:-]*)", inside)}
    return tags, attributes


def markup_problems(out: Path, baseline: Path) -> list[str]:
    """List elements and attributes outside the allowlist, and pictures that are not files."""
    tags, attributes = allowed_markup()
    xml_names = _xml_names(baseline)
    problems = []

    def check_html(tree: Any, where: str, email: bool = False) -> None:
        # A digest email's styles are inlined (css-inline): style attributes and one <style>.
        extra = {"style"} if email else set()
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            tag = element.tag.lower()
            if is_data_block(element):
                continue
            if tag == "script" and not (
                where in ("search/index.html", "ja/search/index.html")
                and element.get("src", "").endswith("/theme/js/search.js")
            ):
                problems.append(f"{where}: <script>")  # the search page's own script alone
            elif tag not in tags | extra:
                problems.append(f"{where}: <{tag}>")
            problems.extend(
                f"{where}: <{tag} {a}>" for a in element.attrib if a not in attributes | extra
            )
            if tag == "img" and not element.get("src", "").endswith((".svg", ".png", ".jpg")):
                problems.append(f"{where}: <img src={element.get('src')!r}>")

    for path in sorted(out.rglob("*")):
        name = path.relative_to(out).as_posix()
        if path.suffix == ".html":
            check_html(lxml.html.fromstring(path.read_bytes()), name, email=is_email(path))
        elif path.suffix in (".xml", ".opml"):
            root = lxml.etree.fromstring(path.read_bytes())
            for element in root.iter():
                if not isinstance(element.tag, str):
                    continue
                for item in (element.tag, *(f"{element.tag} @{a}" for a in element.attrib)):
                    if item not in xml_names:
                        problems.append(f"{name}: {item}")
                if element.text and carries_html(element):
                    check_html(_html_fragment(element.text), f"{name} <{element.tag}>")
    return problems


def _xml_names(out: Path) -> set[str]:
    """Return the XML elements and attributes a build of clean content writes."""
    names: set[str] = set()
    for path in out.rglob("*"):
        if path.suffix in (".xml", ".opml"):
            for element in lxml.etree.fromstring(path.read_bytes()).iter():
                if isinstance(element.tag, str):
                    names.add(element.tag)
                    names |= {f"{element.tag} @{a}" for a in element.attrib}
    return names


# --- the tests ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """two_prefectures with every free-text and web-address field marked and set; its build."""
    base = tmp_path_factory.mktemp("escaping")
    root = copy_site("two_prefectures", base / "site")
    planted = plant(root)
    return build_site(root, base / "output", siteurl=SITEURL), planted


def test_every_model_is_reached_from_a_document() -> None:
    held = set().union(*(reachable(schema) for schema in DOCUMENTS))
    missing = sorted(cls.__name__ for cls in models() if cls not in held)
    assert missing == [], "add a fixture document for these schemas to DOCUMENTS"


def test_the_schemas_have_the_fields_this_test_expects() -> None:
    """The introspection finds nested and listed fields, and sorts them by what they hold."""
    kinds: dict[str, str] = {}
    for schema in DOCUMENTS:
        for path, leaf in string_fields(schema):
            name = f"{schema.__name__}.{'.'.join(path).replace('.[]', '[]')}"
            kinds[name] = classify(leaf, f"https://example.org/zq000/{URL_TAIL}")
    assert set(FILE_FIELDS) <= set(kinds)
    for name in (
        "ProfileSchema.name.en",
        "ProfileSchema.introduction.en",
        "ProfileSchema.introduction.ja",
        "ProfileSchema.links[].label",
        "ProfileSchema.ambassadors[].bio.en",
        "ProfileSchema.ambassadors[].bio.ja",
        "ProfileSchema.ambassadors[].links[].label",
        "ArticleSchema.tags[]",
        "ArticleSchema.image_alt",
        "EventSchema.venue.name",
        "EventSchema.cost",
        "PageSchema.summary",
    ):
        assert kinds[name] == "text", name
    for name in ("ProfileSchema.links[].url", "EventSchema.online_url"):
        assert kinds[name] == "url", name
    for name in ("ArticleSchema.slug", "ArticleSchema.kind", "ProfileSchema.coordinators[]"):
        assert kinds[name] == "constrained", name


def test_every_text_appears_exactly_as_written_everywhere(
    hostile: tuple[Path, dict[str, str]],
) -> None:
    out, planted = hostile
    seen: set[str] = set()
    problems = []
    for where, text, is_url in output_strings(out):
        found = {m.group(0) for m in MARKER.finditer(text)} & set(planted)
        if not found:
            continue
        seen |= found
        bad = mangled(text, planted)
        if bad and is_url:  # a value may be a URL's query, percent-encoded (a map search)
            bad = mangled(unquote_plus(text), planted)
        if bad and is_url:  # or a tag's or a country's page, whose slug is made from the text
            for marker in found:
                text = text.replace(slugify(tag_key(planted[marker])), "")
                text = text.replace(slugify(planted[marker]), "")
            bad = mangled(text, planted)
        problems += [f"{where}: {b!r}" for b in bad]
    assert problems == []
    shown_nowhere = sorted(planted[m] for m in set(planted) - seen)
    assert shown_nowhere == [], "every field a contributor fills in is published somewhere"


def test_no_markup_comes_from_text(
    hostile: tuple[Path, dict[str, str]], two_prefectures: Path
) -> None:
    out, _ = hostile
    assert markup_problems(out, two_prefectures) == []
    assert csp_violations(out, csp_directives(EXPECTED_CSP)) == []
    assert meta_csp_problems(out) == []


def test_the_markup_check_finds_injected_markup(tmp_path: Path, two_prefectures: Path) -> None:
    (tmp_path / "index.html").write_text(
        '<p>a<img src=x onerror="alert(1)"><script>alert(1)</script><ruby>x</ruby></p>'
    )
    (tmp_path / "feed.xml").write_text(
        "<rss><channel><item><title>x<b/></title>"
        "<description>&lt;img src=x onerror=alert(1)&gt;</description></item></channel></rss>"
    )
    assert markup_problems(tmp_path, two_prefectures) == [
        "feed.xml: b",
        "feed.xml <description>: <img onerror>",
        "feed.xml <description>: <img src='x'>",
        "index.html: <img onerror>",
        "index.html: <img src='x'>",
        "index.html: <script>",
    ]


def test_the_text_check_finds_lost_and_doubled_escapes() -> None:
    value = f"zq001 {PAYLOAD} 001qz"
    planted = {"zq001": value}
    assert mangled(f"x {value} y", planted) == []
    assert mangled("zq001 Furigana with  tags", planted) != []
    assert mangled(value.replace("&", "&amp;"), planted) != []


def test_only_placeholders_in_links_and_pictures_become_urls() -> None:
    urls = Urls("https://jet.example.net")
    body = Markup(
        '<p>furusato: 故郷 <a href="furusato:tottori/x.pdf#p2">flyer</a>'
        '<img loading="lazy" src="furusato:tottori/images/a.svg" alt="furusato:"></p>'
    )
    assert urls.expand(body) == Markup(
        '<p>furusato: 故郷 <a href="https://jet.example.net/tottori/x.pdf#p2">flyer</a>'
        '<img loading="lazy" src="https://jet.example.net/tottori/images/a.svg" alt="furusato:">'
        "</p>"
    )
    assert urls.expand("<b>text</b>") == Markup("&lt;b&gt;text&lt;/b&gt;")  # text stays text
