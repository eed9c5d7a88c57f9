"""Feeds obey the rules the W3C Feed Validation Service applies to RSS 2.0 and Atom.

No installable copy of that service exists, so the rules of it that can apply to Furusato's
feeds are written out below, each named after the message the service gives
(SelfDoesntMatchLocation, InvalidRFC2822Date...), and Atom is also validated against the
RELAX NG schema of RFC 4287 (tests/schemas/atom.rng). Each checker returns a list of
"Rule: detail" strings ([] is valid); the tests run them on every generated feed, and on
broken copies to prove that each rule can fail.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from lxml import etree

from furusato.schemas import ARTICLE_KINDS

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
A = f"{{{ATOM}}}"
SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).parent / "schemas" / "atom.rng")))

RFC822 = re.compile(
    r"^(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|"
    r"Nov|Dec) (\d{2,4}) \d\d:\d\d(?::\d\d)? (?:[+-]\d{4}|UT|GMT|[ECMP][SD]T|[A-IK-Z])$"
)
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$")
# RFC 4151 tag URI, as the service matches it.
TAG = re.compile(
    r"^tag:(?:[a-z0-9._-]+@)?[a-z0-9.-]+,\d{4}(?:-\d{2}(?:-\d{2})?)?:"
    r"[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,#]+$"
)
FULL_URI = re.compile(r"^[a-zA-Z][0-9a-zA-Z+\-.]*:(//)?[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,#]+$")
MIME = re.compile(r'^[^\s()<>,;:\\"/\[\]?=]+/[^\s()<>,;:\\"/\[\]?=]+$')
LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
EMAIL = re.compile(r"^[\w.+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}$")
# Link relations of the IANA registry that a feed may use (the service warns on others).
ATOM_RELS = {
    "alternate",
    "self",
    "enclosure",
    "related",
    "via",
    "first",
    "last",
    "next",
    "previous",
    "prev",
    "replies",
    "license",
    "edit",
    "hub",
    "search",
}
RSS_CHANNEL = {
    "title",
    "link",
    "description",
    "language",
    "copyright",
    "managingEditor",
    "webMaster",
    "pubDate",
    "lastBuildDate",
    "category",
    "generator",
    "docs",
    "cloud",
    "ttl",
    "image",
    "rating",
    "textInput",
    "skipHours",
    "skipDays",
    "item",
}
RSS_ITEM = {
    "title",
    "link",
    "description",
    "author",
    "category",
    "comments",
    "enclosure",
    "guid",
    "pubDate",
    "source",
}
RSS_CHANNEL_ONCE = RSS_CHANNEL - {"category", "item"}
RSS_ITEM_ONCE = RSS_ITEM - {"category"}
EVIL_TAGS = {"script", "meta", "embed", "object"}


class _HtmlScan(HTMLParser):
    """Collect what the service flags in escaped HTML: unsafe tags and relative URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in EVIL_TAGS:
            self.found.append(f"SecurityRisk: <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"SecurityRiskAttr: {name} on <{tag}>")
            if (
                name in ("href", "src")
                and value
                and not FULL_URI.match(value)
                and not value.startswith("#")
            ):
                self.found.append(f"ContainsRelRef: {name}={value!r}")


def html_problems(html: str, where: str) -> list[str]:
    """Return the unsafe markup and relative references in an escaped-HTML element."""
    scan = _HtmlScan()
    scan.feed(html)
    scan.close()
    return [f"{problem} in {where}" for problem in scan.found]


def rfc822_problems(value: str, where: str) -> list[str]:
    """Check an RSS date: RFC 822 syntax, 4-digit year, right weekday, not before 1970."""
    match = RFC822.match(value or "")
    if not match:
        return [f"InvalidRFC2822Date: {where} {value!r}"]
    problems = []
    weekday, _, _, year = match.groups()
    if len(year) != 4:
        problems.append(f"ProblematicalRFC822Date: {where} {value!r} has a 2-digit year")
    parsed = parsedate_to_datetime(value)
    if weekday and parsed.strftime("%a") != weekday:
        problems.append(f"IncorrectDOW: {where} {value!r} is a {parsed:%A}")
    if parsed.year < 1970:
        problems.append(f"ImplausibleDate: {where} {value!r}")
    return problems


def rfc3339_problems(value: str, where: str) -> list[str]:
    """Check an Atom date: RFC 3339 with a time zone, not before 1970."""
    if not RFC3339.match(value or ""):
        return [f"InvalidRFC3339Date: {where} {value!r}"]
    if datetime.fromisoformat(value.replace("Z", "+00:00")).year < 1970:
        return [f"ImplausibleDate: {where} {value!r}"]
    return []


def _future(parsed: datetime, today: date | None, where: str, value: str) -> list[str]:
    # The service flags dates more than a day after the moment it validates.
    if today is None:
        return []
    limit = datetime.combine(today, datetime.min.time(), UTC) + timedelta(days=2)
    return [f"ImplausibleDate: {where} {value!r} is in the future"] if parsed > limit else []


def _duplicates(parent: etree._Element, once: set[str], where: str) -> list[str]:
    seen: dict[str, int] = {}
    for child in parent:
        if isinstance(child.tag, str):
            seen[child.tag] = seen.get(child.tag, 0) + 1
    return [
        f"DuplicateElement: {tag} in {where}" for tag, n in seen.items() if n > 1 and tag in once
    ]


def _full_uri(value: str | None, rule: str, where: str) -> list[str]:
    if value and value.startswith("tag:"):
        return [] if TAG.match(value) else [f"InvalidTAG: {where} {value!r}"]
    if (
        not value
        or not FULL_URI.match(value)
        or (value.startswith("http") and not re.match(r"^https?://[^/]", value))
    ):
        return [f"{rule}: {where} {value!r}"]
    return []


def _text(element: etree._Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def rss_problems(
    data: bytes, location: str, *, dated_items: set[str] = frozenset(), today: date | None = None
) -> list[str]:
    """Return every rule an RSS 2.0 document served at `location` breaks.

    Items whose link is in `dated_items` (articles) must not be dated in the future of
    `today`; event posts are dated at their start, which may be ahead.
    """
    problems: list[str] = []
    if not data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>") and not data.startswith(
        b'<?xml version="1.0" encoding="UTF-8"?>'
    ):
        problems.append("ObscureEncoding: no UTF-8 XML declaration")
    data.decode("utf-8")
    root = etree.fromstring(data)
    if root.tag != "rss" or root.get("version") != "2.0":
        return [*problems, f"UnsupportedRSSVersion: <{root.tag} version={root.get('version')!r}>"]
    channels = root.findall("channel")
    if len(channels) != 1:
        return [*problems, f"DuplicateElement/MissingElement: {len(channels)} channels"]
    channel = channels[0]
    for name in ("title", "link", "description"):
        if channel.find(name) is None:
            problems.append(f"MissingElement: channel has no <{name}>")
    if not _text(channel.find("title")):
        problems.append("NotBlank: channel <title> is blank")
    if re.search(r"</\w+>", _text(channel.find("title"))):
        problems.append("ContainsHTML: channel <title>")
    problems += _full_uri(_text(channel.find("link")), "InvalidFullLink", "channel <link>")
    language = _text(channel.find("language"))
    if not language:
        problems.append("MissingDCLanguage: channel has no <language>")
    elif not LANGUAGE.match(language):
        problems.append(f"InvalidLanguage: {language!r}")
    problems += _duplicates(channel, RSS_CHANNEL_ONCE, "channel")
    for child in channel:
        if (
            isinstance(child.tag, str)
            and not child.tag.startswith("{")
            and child.tag not in RSS_CHANNEL
        ):
            problems.append(f"UndefinedElement: <{child.tag}> in channel")
    for name in ("lastBuildDate", "pubDate"):
        if channel.find(name) is not None:
            problems += rfc822_problems(_text(channel.find(name)), f"channel <{name}>")
    selfs = [link for link in channel.findall(f"{A}link") if link.get("rel") == "self"]
    if not selfs:
        problems.append("MissingAtomSelfLink")
    for link in selfs:
        if link.get("href") != location:
            problems.append(f"SelfDoesntMatchLocation: {link.get('href')!r} != {location!r}")
        if link.get("type") != "application/rss+xml":
            problems.append(f"InvalidMIMEAttribute: self link type {link.get('type')!r}")
    guids: set[str] = set()
    for index, item in enumerate(channel.findall("item")):
        where = f"item {index + 1}"
        problems += _duplicates(item, RSS_ITEM_ONCE | {f"{{{CONTENT}}}encoded"}, where)
        for child in item:
            if (
                isinstance(child.tag, str)
                and not child.tag.startswith("{")
                and child.tag not in RSS_ITEM
            ):
                problems.append(f"UndefinedElement: <{child.tag}> in {where}")
        if item.find("title") is None and item.find("description") is None:
            problems.append(f"ItemMustContainTitleOrDescription: {where}")
        if item.find("link") is None:
            problems.append(f"MissingItemLink: {where}")
        else:
            problems += _full_uri(_text(item.find("link")), "InvalidFullLink", f"{where} <link>")
        if re.search(r"</\w+>", _text(item.find("title"))):
            problems.append(f"ContainsHTML: {where} <title>")
        guid = item.find("guid")
        if guid is not None:
            value = _text(guid)
            permalink = guid.get("isPermaLink", "true")
            if permalink not in ("true", "false"):
                problems.append(f"InvalidBooleanAttribute: {where} isPermaLink={permalink!r}")
            if permalink == "true" or value.startswith("tag:"):
                problems += _full_uri(value, "InvalidHttpGUID", f"{where} <guid>")
            elif len(value) < 9 and value.isdigit():
                problems.append(f"NotSufficientlyUnique: {where} <guid> {value!r}")
            if value in guids:
                problems.append(f"DuplicateValue: guid {value!r}")
            guids.add(value)
        if item.find("pubDate") is not None:
            value = _text(item.find("pubDate"))
            problems += rfc822_problems(value, f"{where} <pubDate>")
            if _text(item.find("link")) in dated_items and RFC822.match(value):
                problems += _future(parsedate_to_datetime(value), today, where, value)
        author = item.find("author")
        if author is not None:
            if not EMAIL.match(_text(author).split(" ")[0]):
                problems.append(f"InvalidContact: {where} <author> {_text(author)!r}")
            if item.find(f"{{{DC}}}creator") is not None:
                problems.append(f"DuplicateItemSemantics: {where} author and dc:creator")
        for category in item.findall("category"):
            if not _text(category):
                problems.append(f"NotBlank: {where} <category>")
        enclosure = item.find("enclosure")
        if enclosure is not None:
            length = enclosure.get("length", "")
            if not length.isdigit() or int(length) <= 0:
                problems.append(f"InvalidIntegerAttribute: {where} enclosure length {length!r}")
            if not MIME.match(enclosure.get("type", "")):
                problems.append(f"InvalidMIMEAttribute: {where} enclosure type")
            if not re.match(r"^https?://", enclosure.get("url", "")):
                problems.append(f"InvalidURLAttribute: {where} enclosure url")
        for name in ("description", f"{{{CONTENT}}}encoded"):
            element = item.find(name)
            if element is not None:
                problems += html_problems(element.text or "", f"{where} <{name}>")
    return problems


def atom_problems(
    data: bytes, location: str, *, dated_items: set[str] = frozenset(), today: date | None = None
) -> list[str]:
    """Return every rule an Atom document served at `location` breaks (RFC 4287 + service)."""
    problems: list[str] = []
    data.decode("utf-8")
    root = etree.fromstring(data)
    if not SCHEMA.validate(etree.ElementTree(root)):
        problems += [f"RFC4287Schema: line {e.line}: {e.message}" for e in SCHEMA.error_log]
    if root.tag != f"{A}feed":
        return [*problems, f"NotAtomFeed: <{root.tag}>"]
    entries = root.findall(f"{A}entry")
    # RFC 4287 Schematron rules (annotations the RELAX NG schema cannot enforce).
    if root.find(f"{A}author") is None and any(e.find(f"{A}author") is None for e in entries):
        problems.append("MissingAuthor: an entry has no author and the feed has none")
    problems += _full_uri(_text(root.find(f"{A}id")), "InvalidFullLink", "feed <id>")
    problems += _atom_links(root, "feed")
    selfs = [link for link in root.findall(f"{A}link") if link.get("rel") == "self"]
    if not selfs:
        problems.append("MissingSelf: feed has no rel=self link")
    for link in selfs:
        if link.get("href") != location:
            problems.append(f"SelfDoesntMatchLocation: {link.get('href')!r} != {location!r}")
        if link.get("type") != "application/atom+xml":
            problems.append(f"InvalidMIMEAttribute: self link type {link.get('type')!r}")
    if not _text(root.find(f"{A}title")):
        problems.append("NotBlank: feed <title>")
    problems += rfc3339_problems(_text(root.find(f"{A}updated")), "feed <updated>")
    ids: set[str] = set()
    for index, entry in enumerate(entries):
        where = f"entry {index + 1}"
        entry_id = _text(entry.find(f"{A}id"))
        problems += _full_uri(entry_id, "InvalidFullLink", f"{where} <id>")
        if entry_id in ids:
            problems.append(f"DuplicateEntries: id {entry_id!r}")
        ids.add(entry_id)
        links = entry.findall(f"{A}link")
        if entry.find(f"{A}content") is None and not any(
            link.get("rel", "alternate") == "alternate" for link in links
        ):
            problems.append(f"MissingAlternateLink: {where} has neither content nor alternate")
        problems += _atom_links(entry, where)
        alternate = next(
            (link.get("href") for link in links if link.get("rel", "alternate") == "alternate"),
            None,
        )
        for name in ("updated", "published"):
            element = entry.find(f"{A}{name}")
            if element is None:
                continue
            value = _text(element)
            problems += rfc3339_problems(value, f"{where} <{name}>")
            if alternate in dated_items and RFC3339.match(value):
                parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
                problems += _future(parsed, today, where, value)
        for name in ("title", "summary"):
            element = entry.find(f"{A}{name}")
            if (
                element is not None
                and element.get("type", "text") == "text"
                and re.search(r"</\w+>", element.text or "")
            ):
                problems.append(f"ContainsUndeclaredHTML: {where} <{name}>")
        content = entry.find(f"{A}content")
        if content is not None and content.get("type") == "html":
            problems += html_problems(content.text or "", f"{where} <content>")
    return problems


def _atom_links(parent: etree._Element, where: str) -> list[str]:
    problems = []
    alternates: set[tuple[str | None, str | None]] = set()
    for link in parent.findall(f"{A}link"):
        rel = link.get("rel", "alternate")
        if rel not in ATOM_RELS and not FULL_URI.match(rel):
            problems.append(f"UnregisteredAtomLinkRel: {where} rel={rel!r}")
        problems += _full_uri(link.get("href"), "InvalidFullLink", f"{where} link href")
        if rel == "alternate":
            key = (link.get("type"), link.get("hreflang"))
            if key in alternates:
                problems.append(f"DuplicateAtomLink: {where} two alternates with {key}")
            alternates.add(key)
        if rel == "enclosure" and not (link.get("length") or "").isdigit():
            problems.append(f"MissingAttribute: {where} enclosure link has no length")
    return problems


# --- the tests ---------------------------------------------------------------------------

DEV = "http://127.0.0.1:8000"


def _feeds(out: Path) -> list[tuple[str, str]]:
    """Return (kind, path relative to out) of every feed a build wrote."""
    found = []
    for path in sorted(out.rglob("*.xml")):
        rel = path.relative_to(out).as_posix()
        if path.name == "feed.xml":
            found.append(("rss", rel))
        elif path.name == "atom.xml":
            found.append(("atom", rel))
    return found


def _article_links(out: Path) -> set[str]:
    return {
        f"{DEV}/{p.parent.relative_to(out).as_posix()}/"
        for p in out.glob("*/articles/*/index.html")
        if p.parent.name not in ("page", *ARTICLE_KINDS)  # not a list's further pages
    }


def test_every_generated_feed_passes_every_rule(two_prefectures: Path) -> None:
    feeds = _feeds(two_prefectures)
    # Tottori, Shimane and national, each in both editions, each in RSS and Atom
    assert feeds == [
        (kind, f"{site}{edition}{name}")
        for site in ("", "shimane/", "tottori/")
        for edition in ("", "ja/")
        for kind, name in (("atom", "atom.xml"), ("rss", "feed.xml"))
    ]
    articles = _article_links(two_prefectures)
    assert len(articles) == 14
    for kind, rel in feeds:
        check = rss_problems if kind == "rss" else atom_problems
        data = (two_prefectures / rel).read_bytes()
        assert check(data, f"{DEV}/{rel}", dated_items=articles, today=date(2026, 11, 24)) == []


def _tottori(two_prefectures: Path, kind: str) -> tuple[bytes, str]:
    name = "feed.xml" if kind == "rss" else "atom.xml"
    return (two_prefectures / "tottori" / name).read_bytes(), f"{DEV}/tottori/{name}"


RSS_BREAKS = [
    # (rule the checker must report, text to replace, replacement)
    (
        "SelfDoesntMatchLocation",
        b'href="http://127.0.0.1:8000/tottori/feed.xml" rel="self"',
        b'href="http://127.0.0.1:8000/shimane/feed.xml" rel="self"',
    ),
    ("MissingAtomSelfLink", b'rel="self"', b'rel="hub"'),
    (
        "InvalidRFC2822Date",
        b"<pubDate>Thu, 02 Apr 2026 00:00:00 +0900",
        b"<pubDate>2026-04-02T00:00:00+09:00",
    ),
    ("IncorrectDOW", b"<pubDate>Thu, 02 Apr 2026", b"<pubDate>Fri, 02 Apr 2026"),
    ("ProblematicalRFC822Date", b"<pubDate>Thu, 02 Apr 2026", b"<pubDate>Thu, 02 Apr 26"),
    (
        "InvalidTAG",
        b'<guid isPermaLink="false">tag:furusato.example,2026:tottori/articles/d',
        b'<guid isPermaLink="false">tag:furusato.example:tottori/articles/d',
    ),
    (
        "DuplicateValue",
        b"tottori/articles/article-11</guid>",
        b"tottori/articles/dunes-in-winter</guid>",
    ),
    (
        "InvalidFullLink",
        b"<link>http://127.0.0.1:8000/tottori/articles/dunes-in-winter/",
        b"<link>/tottori/articles/dunes-in-winter/",
    ),
    (
        "ContainsRelRef",
        b'src="http://127.0.0.1:8000/tottori/images/dunes.svg"',
        b'src="/tottori/images/dunes.svg"',
    ),
    ("SecurityRisk", b"&lt;p&gt;The dunes in winter.", b"&lt;script&gt;x()&lt;/script&gt;"),
    ("SecurityRiskAttr", b"&lt;p&gt;The dunes in winter.", b"&lt;p onclick='x()'&gt;Hi"),
    ("InvalidIntegerAttribute", b'length="158"', b'length="0"'),
    ("InvalidContact", b"<dc:creator>Amy Chen</dc:creator>", b"<author>Amy Chen</author>"),
    ("MissingDCLanguage", b"<language>en</language>", b""),
    ("UndefinedElement", b"<dc:language>en</dc:language>", b"<language>en</language>"),
    (
        "ImplausibleDate",
        b"<pubDate>Thu, 02 Apr 2026",
        b"<pubDate>Thu, 02 Apr 2026".replace(b"2026", b"2027").replace(b"Thu", b"Fri"),
    ),
]


@pytest.mark.parametrize(("rule", "old", "new"), RSS_BREAKS, ids=[r[0] for r in RSS_BREAKS])
def test_rss_checker_catches_each_rule(
    two_prefectures: Path, rule: str, old: bytes, new: bytes
) -> None:
    data, location = _tottori(two_prefectures, "rss")
    assert old in data
    broken = data.replace(old, new, 1)
    problems = rss_problems(
        broken, location, dated_items=_article_links(two_prefectures), today=date(2026, 11, 24)
    )
    assert rule in {p.split(":")[0] for p in problems}, problems


ATOM_BREAKS = [
    (
        "SelfDoesntMatchLocation",
        b'href="http://127.0.0.1:8000/tottori/atom.xml" rel="self"',
        b'href="http://127.0.0.1:8000/atom.xml" rel="self"',
    ),
    ("MissingSelf", b'rel="self"', b'rel="related"'),
    (
        "InvalidRFC3339Date",
        b"<updated>2026-04-02T00:00:00+09:00</updated>",
        b"<updated>2026-04-02 00:00:00+09:00</updated>",
    ),
    (
        "RFC4287Schema",
        b"<updated>2026-04-02T00:00:00+09:00</updated>",
        b"<updated>2 April 2026</updated>",
    ),
    ("RFC4287Schema", b"<id>tag:furusato.example,2026:tottori/articles/dunes-in-winter</id>", b""),
    (
        "DuplicateEntries",
        b"<id>tag:furusato.example,2026:tottori/articles/article-11</id>",
        b"<id>tag:furusato.example,2026:tottori/articles/dunes-in-winter</id>",
    ),
    (
        "DuplicateAtomLink",
        b'rel="enclosure" type="image/svg+xml"',
        b'rel="alternate" type="text/html"',
    ),
    ("MissingAttribute", b' length="158"', b""),
    ("UnregisteredAtomLinkRel", b'rel="enclosure"', b'rel="picture"'),
    (
        "ContainsRelRef",
        b'src="http://127.0.0.1:8000/tottori/images/dunes.svg"',
        b'src="images/dunes.svg"',
    ),
    (
        "ContainsUndeclaredHTML",
        b"<summary>About the dunes in winter.</summary>",
        b"<summary>About &lt;b&gt;dunes&lt;/b&gt;</summary>",
    ),
    ("MissingAuthor", b"<name>Amy Chen</name>", b"<name>Amy Chen</name>"),
    (
        "ImplausibleDate",
        b"<published>2026-04-02T00:00:00+09:00</published>",
        b"<published>1969-04-02T00:00:00+09:00</published>",
    ),
]


def _drop_first_author(data: bytes) -> bytes:
    root = etree.fromstring(data)
    entry = root.find(f"{A}entry")
    entry.remove(entry.find(f"{A}author"))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize(("rule", "old", "new"), ATOM_BREAKS, ids=[r[0] for r in ATOM_BREAKS])
def test_atom_checker_catches_each_rule(
    two_prefectures: Path, rule: str, old: bytes, new: bytes
) -> None:
    data, location = _tottori(two_prefectures, "atom")
    assert old in data
    broken = data.replace(old, new, 1)
    if rule == "MissingAuthor":
        broken = _drop_first_author(data)
    problems = atom_problems(broken, location)
    assert rule in {p.split(":")[0] for p in problems}, problems


def test_event_posts_may_be_dated_at_their_future_start(two_prefectures: Path) -> None:
    # The London evening (5 December) is after the build's today: allowed for an event post,
    # reported for an article.
    data, location = _tottori(two_prefectures, "rss")
    event = f"{DEV}/tottori/events/london-evening/"
    assert rss_problems(data, location, today=date(2026, 11, 24)) == []
    problems = rss_problems(data, location, dated_items={event}, today=date(2026, 11, 24))
    assert [p.split(":")[0] for p in problems] == ["ImplausibleDate"]
