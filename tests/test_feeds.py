"""The feeds: per-prefecture and national RSS and Atom, parsed and checked against the content."""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import pytest
from lxml import etree
from pelican.settings import DEFAULT_CONFIG

from furusato.commands.build import load_settings
from furusato.errors import BuildError
from furusato.reading.loader import DocumentCache, Options, load_site
from tests.sitebuild import REPO, SITES, build_site, copy_site, page, texts

DEV = "http://127.0.0.1:8000"
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC = "{http://purl.org/dc/elements/1.1/}"
TAG = "tag:furusato.example,2026:"


def _site(root: Path = SITES / "two_prefectures"):
    return load_site(Options(root=root), DocumentCache())


def _rss(out: Path, rel: str) -> etree._Element:
    return etree.fromstring((out / rel).read_bytes()).find("channel")


def _atom(out: Path, rel: str) -> etree._Element:
    return etree.fromstring((out / rel).read_bytes())


def _guids(out: Path, rel: str = "tottori/feed.xml") -> dict[str, str]:
    """Map each item's title to its GUID."""
    return {i.findtext("title"): i.findtext("guid") for i in _rss(out, rel).findall("item")}


# Each edition has its feeds inside its site: English at today's URLs, Japanese under ja/.
EDITIONS = {"en": "", "ja": "ja/"}
PAIR = {  # the fixture's one translation pair, by the language each side is written in
    "en": ("Dunes in winter", f"{TAG}tottori/articles/dunes-in-winter"),
    "ja": ("砂丘の冬", f"{TAG}tottori/articles/suna-no-oka"),
}


def _expected(items) -> list[tuple[str, str]]:
    ordered = sorted(items, key=lambda i: (i.published, i.key), reverse=True)
    return [(i.title, f"{TAG}{i.key}") for i in ordered]


def _edition(items, lang: str) -> list:
    """What an edition in `lang` carries, worked out from the front matter alone: the items
    written in `lang`, and the others unless a `translation:` (on either side) pairs them
    with one written in `lang`."""
    items = list(items)
    by_slug = {(type(i), i.prefecture.slug, i.slug): i for i in items}
    pairs = set()
    for item in items:
        other = by_slug.get((type(item), item.prefecture.slug, item.meta.translation))
        if other is not None and other.lang != item.lang:
            pairs |= {(id(item), id(other)), (id(other), id(item))}
    translated = {a for a, b in pairs if next(i for i in items if id(i) == b).lang == lang}
    return [i for i in items if i.lang == lang or id(i) not in translated]


@pytest.mark.parametrize("lang", EDITIONS)
def test_prefecture_feeds_hold_its_articles_and_events_newest_first(two_prefectures, lang):
    site = _site()
    everything = _expected([*site.articles_of("tottori"), *site.events_of("tottori")])
    assert len(everything) == 16  # 14 articles (one translation pair) and 2 event posts
    expected = _expected(_edition([*site.articles_of("tottori"), *site.events_of("tottori")], lang))
    # one side of the pair: the edition's own; every untranslated item in either edition
    other = "ja" if lang == "en" else "en"
    assert expected == [i for i in everything if i != PAIR[other]]
    folder = f"tottori/{EDITIONS[lang]}"
    rss = [
        (i.findtext("title"), i.findtext("guid"))
        for i in _rss(two_prefectures, f"{folder}feed.xml").findall("item")
    ]
    atom = [
        (e.findtext(f"{ATOM}title"), e.findtext(f"{ATOM}id"))
        for e in _atom(two_prefectures, f"{folder}atom.xml").findall(f"{ATOM}entry")
    ]
    assert rss == expected
    assert atom == expected
    assert rss[0] == ("Tottori evening in London", f"{TAG}tottori/events/london-evening")
    assert PAIR[lang] in rss and PAIR[other] not in rss


@pytest.mark.parametrize("lang", EDITIONS)
def test_national_feeds_hold_every_prefecture(two_prefectures, lang):
    site = _site()
    expected = _expected(_edition([*site.articles, *site.events], lang))
    assert len(expected) == 15
    other = "ja" if lang == "en" else "en"
    assert PAIR[lang] in expected and PAIR[other] not in expected
    for name in ("feed.xml", "atom.xml"):
        parsed = feedparser.parse((two_prefectures / EDITIONS[lang] / name).read_bytes())
        assert not parsed.bozo
        assert parsed.feed.language == lang
        assert [(e.title, e.id) for e in parsed.entries] == expected


def test_feeds_are_capped_by_the_setting(tmp_path):
    out = build_site(SITES / "two_prefectures", tmp_path / "out", FURUSATO_FEED_ITEMS=5)
    site = _site()
    for lang, folder in EDITIONS.items():
        items = [*site.articles_of("tottori"), *site.events_of("tottori")]
        expected = _expected(_edition(items, lang))[:5]
        assert PAIR[lang] in expected  # the cap counts the edition's items, not both sides
        for rel in (f"tottori/{folder}feed.xml", f"{folder}feed.xml"):
            assert [
                (i.findtext("title"), i.findtext("guid")) for i in _rss(out, rel).findall("item")
            ] == expected
        entries = _atom(out, f"tottori/{folder}atom.xml").findall(f"{ATOM}entry")
        assert [e.findtext(f"{ATOM}id") for e in entries] == [g for _, g in expected]


def test_a_prefecture_without_posts_has_a_valid_empty_feed(two_prefectures):
    rss = feedparser.parse((two_prefectures / "shimane/feed.xml").read_bytes())
    atom = feedparser.parse((two_prefectures / "shimane/atom.xml").read_bytes())
    for parsed in (rss, atom):
        assert not parsed.bozo
        assert parsed.entries == []
        assert parsed.feed.title == "Shimane (島根県) JET alumni network"
        assert parsed.feed.subtitle.startswith(
            "Articles and events by JET Programme alumni of Shimane (島根県), Chugoku region."
        )
        assert parsed.feed.link == f"{DEV}/shimane/"
    # With no item to date it, the channel carries the tag authority's date, not the clock.
    channel = _rss(two_prefectures, "shimane/feed.xml")
    assert channel.findtext("lastBuildDate") == "Thu, 01 Jan 2026 00:00:00 +0000"
    assert (
        _atom(two_prefectures, "shimane/atom.xml").findtext(f"{ATOM}updated")
        == "2026-01-01T00:00:00+00:00"
    )


def test_channel_title_link_language_and_self(two_prefectures):
    channel = _rss(two_prefectures, "tottori/feed.xml")
    assert channel.findtext("title") == "Tottori (鳥取県) JET alumni network"
    assert channel.findtext("link") == f"{DEV}/tottori/"
    assert channel.findtext("language") == "en"
    self_link = channel.find(f"{ATOM}link")
    assert (self_link.get("rel"), self_link.get("href"), self_link.get("type")) == (
        "self",
        f"{DEV}/tottori/feed.xml",
        "application/rss+xml",
    )
    feed = _atom(two_prefectures, "tottori/atom.xml")
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    links = {
        (link.get("rel"), link.get("href"), link.get("type"))
        for link in feed.findall(f"{ATOM}link")
    }
    assert links == {
        ("self", f"{DEV}/tottori/atom.xml", "application/atom+xml"),
        ("alternate", f"{DEV}/tottori/", "text/html"),
    }
    assert feed.findtext(f"{ATOM}id") == f"{TAG}tottori"


@pytest.mark.parametrize("where", ["tottori/", ""])
def test_japanese_channel_link_language_self_and_id(two_prefectures, where):
    channel = _rss(two_prefectures, f"{where}ja/feed.xml")
    assert channel.findtext("link") == f"{DEV}/{where}ja/"
    assert channel.findtext("language") == "ja"
    self_link = channel.find(f"{ATOM}link")
    assert (self_link.get("rel"), self_link.get("href"), self_link.get("type")) == (
        "self",
        f"{DEV}/{where}ja/feed.xml",
        "application/rss+xml",
    )
    feed = _atom(two_prefectures, f"{where}ja/atom.xml")
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "ja"
    links = {
        (link.get("rel"), link.get("href"), link.get("type"))
        for link in feed.findall(f"{ATOM}link")
    }
    assert links == {
        ("self", f"{DEV}/{where}ja/atom.xml", "application/atom+xml"),
        ("alternate", f"{DEV}/{where}ja/", "text/html"),
    }
    # the English feed's id and "/ja": a feed of its own, never mistaken for the English one
    english = _atom(two_prefectures, f"{where}atom.xml").findtext(f"{ATOM}id")
    assert english == f"{TAG}{'tottori' if where else 'all'}"
    assert feed.findtext(f"{ATOM}id") == f"{english}/ja"
    if where:  # the prefecture's name in the channel title (the words are the catalog's)
        assert "鳥取県" in channel.findtext("title") == feed.findtext(f"{ATOM}title")


def test_channel_date_is_the_newest_item_date(two_prefectures):
    for rel in ("tottori/feed.xml", "feed.xml", "tottori/ja/feed.xml", "ja/feed.xml"):
        channel = _rss(two_prefectures, rel)
        dates = [parsedate_to_datetime(i.findtext("pubDate")) for i in channel.findall("item")]
        assert parsedate_to_datetime(channel.findtext("lastBuildDate")) == max(dates)
    for rel in ("tottori/atom.xml", "tottori/ja/atom.xml"):
        feed = _atom(two_prefectures, rel)
        updated = [
            datetime.fromisoformat(e.findtext(f"{ATOM}updated"))
            for e in feed.findall(f"{ATOM}entry")
        ]
        assert datetime.fromisoformat(feed.findtext(f"{ATOM}updated")) == max(updated)


def test_dates_keep_their_time_zone(two_prefectures):
    items = {i.findtext("title"): i for i in _rss(two_prefectures, "tottori/feed.xml")}
    assert items["Dunes in winter"].findtext("pubDate") == "Thu, 02 Apr 2026 00:00:00 +0900"
    assert (
        items["Tottori evening in London"].findtext("pubDate") == "Sat, 05 Dec 2026 18:30:00 +0000"
    )
    entries = {
        e.findtext(f"{ATOM}title"): e
        for e in _atom(two_prefectures, "tottori/atom.xml").findall(f"{ATOM}entry")
    }
    entry = entries["Dunes in winter"]
    assert entry.findtext(f"{ATOM}published") == "2026-04-02T00:00:00+09:00"
    assert entry.findtext(f"{ATOM}updated") == "2026-04-02T00:00:00+09:00"


def test_every_url_in_a_feed_is_absolute(two_prefectures):
    for rel in (
        *(
            f"{where}{folder}{name}"
            for where in ("", "tottori/")
            for folder in EDITIONS.values()
            for name in ("feed.xml", "atom.xml")
        ),
        "shimane/feed.xml",
        "shimane/ja/feed.xml",
    ):
        root = etree.fromstring((two_prefectures / rel).read_bytes())
        urls = [
            u
            for u in root.xpath("//link/text() | //@href | //@url | //*[local-name()='uri']/text()")
        ]
        html = " ".join(root.xpath("//*[local-name()='encoded' or local-name()='content']/text()"))
        urls += re.findall(r'(?:src|href)="([^"]*)"', html)
        assert urls
        for url in urls:
            assert url.startswith((f"{DEV}/", "https://example.org/")), (rel, url)


def test_an_item_carries_author_categories_content_and_image(two_prefectures):
    items = {i.findtext("title"): i for i in _rss(two_prefectures, "tottori/feed.xml")}
    item = items["Article number 11"]
    assert item.findtext("link") == f"{DEV}/tottori/articles/article-11/"
    assert item.findtext("description") == "Summary of article 11."
    assert item.findtext(f"{DC}creator") == "Ken Sato"
    assert [(c.get("domain"), c.text) for c in item.findall("category")] == [
        (f"{TAG}kind", "Story"),
        (f"{TAG}region", "Chugoku"),
        (f"{TAG}prefecture", "Tottori"),
        (f"{TAG}tags", "fixture"),
        (f"{TAG}tags", "n11"),
    ]
    image = SITES / "two_prefectures/content/tottori/images/dunes.svg"
    enclosure = item.find("enclosure")
    assert enclosure.attrib == {
        "url": f"{DEV}/tottori/images/dunes.svg",
        "length": str(image.stat().st_size),
        "type": "image/svg+xml",
    }
    html = lxml_fragment(item.findtext(CONTENT))
    assert html.xpath("//img/@src") == [f"{DEV}/tottori/images/dunes.svg"]
    assert html.xpath("//a/@href") == ["https://example.org/11"]
    entry = next(
        e
        for e in _atom(two_prefectures, "tottori/atom.xml").findall(f"{ATOM}entry")
        if e.findtext(f"{ATOM}title") == "Article number 11"
    )
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Ken Sato"
    assert entry.findtext(f"{ATOM}author/{ATOM}uri") == f"{DEV}/tottori/ambassadors/ken-sato/"
    assert [
        (link.get("rel"), link.get("type"), link.get("length"))
        for link in entry.findall(f"{ATOM}link")
    ] == [
        ("alternate", "text/html", None),
        ("enclosure", "image/svg+xml", str(image.stat().st_size)),
    ]
    assert entry.find(f"{ATOM}content").get("type") == "html"
    assert {c.get("term") for c in entry.findall(f"{ATOM}category")} == {
        "story",
        "chugoku",
        "tottori",
        "fixture",
        "n11",
    }


def lxml_fragment(html: str):
    import lxml.html

    return lxml.html.fragment_fromstring(html, create_parent="div")


def test_an_event_post_links_to_its_page_and_says_when_and_where(two_prefectures):
    items = {i.findtext("title"): i for i in _rss(two_prefectures, "tottori/feed.xml")}
    item = items["Tottori evening in London"]
    assert item.findtext("link") == f"{DEV}/tottori/events/london-evening/"
    assert item.findtext("guid") == f"{TAG}tottori/events/london-evening"
    assert item.findtext(f"{DC}creator") == "Amy Chen"
    text = " ".join(lxml_fragment(item.findtext(CONTENT)).text_content().split())
    when = "Sat 5 December 2026, 18:30–21:00 GMT (UTC+00:00), Europe/London"
    assert text == f"When: {when} Where: Riverside hall, London, United Kingdom Come along."
    # One formatter per fact: the event page says it in the same words.
    page_text = texts(page(two_prefectures, "/tottori/events/london-evening/"), "//dd/time")
    assert when in page_text
    online = items["Past fundraiser"]
    text = " ".join(lxml_fragment(online.findtext(CONTENT)).text_content().split())
    assert text == (
        "When: Sun 1 March 2026 (all day) Where: online at https://example.org/stream Thank you."
    )


def test_japanese_text_comes_through_intact(two_prefectures):
    # The Japanese side of the pair is in the Japanese edition's feeds (and not the English)
    data = (two_prefectures / "tottori/ja/feed.xml").read_bytes()
    assert "<title>砂丘の冬</title>".encode() in data  # UTF-8, not character references
    assert "砂丘の冬".encode() not in (two_prefectures / "tottori/feed.xml").read_bytes()
    parsed = feedparser.parse((two_prefectures / "tottori/ja/atom.xml").read_bytes())
    entry = next(e for e in parsed.entries if e.id == f"{TAG}tottori/articles/suna-no-oka")
    assert entry.title == "砂丘の冬"
    assert entry.summary == "冬の砂丘について。"
    assert entry.content[0].value == "<p>冬の鳥取砂丘。</p>"
    assert entry.content[0].language == "ja"
    items = {i.findtext("guid"): i for i in _rss(two_prefectures, "tottori/ja/feed.xml")}
    assert items[f"{TAG}tottori/articles/suna-no-oka"].findtext(f"{DC}language") == "ja"
    # an English item without a translation is in the Japanese feed too, still said English
    assert items[f"{TAG}tottori/articles/article-11"].findtext(f"{DC}language") == "en"


@pytest.mark.parametrize("where", ["tottori/", ""])
def test_an_english_entry_in_a_japanese_atom_feed_says_it_is_english(two_prefectures, where):
    # The feed says xml:lang="ja"; an entry in another language must say its own, or it
    # inherits Japanese (as an English feed's Japanese entry would inherit English).
    parsed = feedparser.parse((two_prefectures / f"{where}ja/atom.xml").read_bytes())
    assert parsed.feed.language == "ja"
    entries = {e.id: e for e in parsed.entries}
    assert entries[f"{TAG}tottori/articles/suna-no-oka"].content[0].language == "ja"
    assert entries[f"{TAG}tottori/articles/article-11"].content[0].language == "en"
    assert entries[f"{TAG}tottori/events/london-evening"].content[0].language == "en"


def test_an_item_has_the_same_guid_and_link_in_both_editions(two_prefectures):
    def items(rel):
        return {
            i.findtext("guid"): i.findtext("link")
            for i in _rss(two_prefectures, rel).findall("item")
        }

    for where in ("tottori/", ""):
        english, japanese = items(f"{where}feed.xml"), items(f"{where}ja/feed.xml")
        shared = set(english) & set(japanese)
        assert set(english) - shared == {PAIR["en"][1]}
        assert set(japanese) - shared == {PAIR["ja"][1]}
        assert {g: english[g] for g in shared} == {g: japanese[g] for g in shared}


ARTICLE = "content/tottori/articles/2026-04-02-dunes-in-winter.md"


def test_guids_survive_edits_and_a_new_domain(tmp_path):
    root = copy_site("two_prefectures", tmp_path / "site")
    before = build_site(root, tmp_path / "before")
    path = root / ARTICLE
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("title: Dunes in winter", "title: The dunes in winter")
        .replace("The dunes in winter.", "The dunes in winter, revised.")
        .replace("date: 2026-04-02", "date: 2026-04-02\nupdated: 2026-05-01"),
        encoding="utf-8",
    )
    edited = build_site(root, tmp_path / "edited")
    moved = build_site(root, tmp_path / "moved", siteurl="https://alumni.example.org")
    old, new = _guids(before), _guids(edited)
    assert (
        new["The dunes in winter"]
        == old["Dunes in winter"]
        == f"{TAG}tottori/articles/dunes-in-winter"
    )
    assert _guids(moved) == new
    assert _rss(moved, "tottori/feed.xml").findtext("link") == "https://alumni.example.org/tottori/"
    entries = _atom(edited, "tottori/atom.xml").findall(f"{ATOM}entry")
    entry = next(e for e in entries if e.findtext(f"{ATOM}title") == "The dunes in winter")
    assert entry.findtext(f"{ATOM}updated") == "2026-05-01T00:00:00+09:00"
    assert entry.findtext(f"{ATOM}published") == "2026-04-02T00:00:00+09:00"


def _feed_bytes(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.suffix in (".xml", ".opml")
    }


def test_two_builds_give_identical_bytes(two_prefectures, tmp_path):
    again = build_site(SITES / "two_prefectures", tmp_path / "again")
    first, second = _feed_bytes(two_prefectures), _feed_bytes(again)
    assert {
        "feed.xml",
        "atom.xml",
        "feeds.opml",
        "tottori/feed.xml",
        "ja/feed.xml",
        "tottori/ja/atom.xml",
    } <= set(first)
    assert first == second


def feed_links(tree) -> list[tuple[str, str]]:
    """A page's feed alternates (its hreflang alternates name pages, not feeds)."""
    links = tree.xpath("//head/link[@rel='alternate'][not(@hreflang)]")
    return [(link.get("type"), link.get("href")) for link in links]


def test_pages_point_feed_readers_to_their_feeds(two_prefectures):
    def alternates(url):
        return feed_links(page(two_prefectures, url))

    def feeds(folder):
        return [
            ("application/rss+xml", f"{folder}feed.xml"),
            ("application/atom+xml", f"{folder}atom.xml"),
        ]

    # a page points to its edition's feeds; an article or event page to those of its language
    for url in (
        "/tottori/",
        "/tottori/articles/",
        "/tottori/articles/dunes-in-winter/",
        "/tottori/articles/article-11/",
        "/tottori/ambassadors/amy-chen/",
    ):
        assert alternates(url) == feeds("/tottori/"), url
    for url in (
        "/tottori/ja/",
        "/tottori/ja/articles/",
        "/tottori/articles/suna-no-oka/",
        "/tottori/ja/ambassadors/amy-chen/",
    ):
        assert alternates(url) == feeds("/tottori/ja/"), url
    for url in ("/", "/regions/chugoku/", "/about/"):
        assert alternates(url) == feeds("/"), url
    for url in ("/ja/", "/ja/regions/chugoku/"):
        assert alternates(url) == feeds("/ja/"), url


def test_a_microsite_home_explains_how_to_subscribe(two_prefectures):
    tree = page(two_prefectures, "/shimane/")
    block = tree.xpath("//section[@aria-labelledby='subscribe-heading']")[0]
    assert block.xpath("string(h2)") == "Subscribe"
    assert "RSS" in block.xpath("string(p[1])")
    field = block.xpath(".//input[@id='feed-url']")[0]
    assert field.get("value") == "/shimane/feed.xml"
    assert field.get("readonly") is not None
    assert block.xpath(".//label[@for='feed-url']")
    assert block.xpath(".//a/@href") == [
        "/shimane/feed.xml",
        "/shimane/atom.xml",
        "/feeds.opml",
        "/shimane/events.ics",
        "/shimane/events/",
    ]


def test_pelican_writes_no_feed_of_its_own(two_prefectures):
    settings = load_settings(
        REPO / "pelicanconf.py", PATH=str(SITES / "two_prefectures" / "content")
    )
    # Pelican's feed settings; those it turns on by default must be None in pelicanconf.py.
    pelican_feeds = [
        f"{prefix}FEED_{kind}"
        for prefix in ("", "ALL_", "CATEGORY_", "AUTHOR_", "TAG_", "TRANSLATION_")
        for kind in ("ATOM", "RSS")
    ]
    pelican_feeds = [k.replace("ALL_FEED", "FEED_ALL") for k in pelican_feeds]
    assert {k for k in pelican_feeds if DEFAULT_CONFIG.get(k)} == {
        "FEED_ALL_ATOM",
        "CATEGORY_FEED_ATOM",
        "AUTHOR_FEED_ATOM",
        "AUTHOR_FEED_RSS",
        "TRANSLATION_FEED_ATOM",
    }
    assert {k: settings.get(k) for k in pelican_feeds} == dict.fromkeys(pelican_feeds)
    written = {
        p.relative_to(two_prefectures).as_posix()
        for p in two_prefectures.rglob("*")
        if p.suffix in (".xml", ".atom", ".rss", ".opml")
    }
    assert written == {
        "feed.xml",
        "atom.xml",
        "feeds.opml",
        "sitemap.xml",
        "tottori/feed.xml",
        "tottori/atom.xml",
        "shimane/feed.xml",
        "shimane/atom.xml",
        "ja/feed.xml",
        "ja/atom.xml",
        "tottori/ja/feed.xml",
        "tottori/ja/atom.xml",
        "shimane/ja/feed.xml",
        "shimane/ja/atom.xml",
        # the monthly digest's own feeds (plugins/digest), one item per month
        *(
            f"{site}{edition}digest.xml"
            for site in ("", "tottori/", "shimane/")
            for edition in ("", "ja/")
        ),
    }


def test_publishconf_feeds_use_siteurl(tmp_path, monkeypatch):
    monkeypatch.setenv("SITEURL", "https://alumni.example.org/")
    out = build_site(SITES / "two_prefectures", tmp_path / "out", settings_file="publishconf.py")
    channel = _rss(out, "tottori/feed.xml")
    assert channel.find(f"{ATOM}link").get("href") == "https://alumni.example.org/tottori/feed.xml"
    assert {i.findtext("link")[:27] for i in channel.findall("item")} == {
        "https://alumni.example.org/"
    }
    tree = page(out, "/tottori/")
    assert tree.xpath("//head/link[@type='application/rss+xml']/@href") == [
        "https://alumni.example.org/tottori/feed.xml"
    ]
    assert tree.xpath("//input[@id='feed-url']/@value") == [
        "https://alumni.example.org/tottori/feed.xml"
    ]


def test_a_single_prefecture_site_has_its_feed_at_the_root(two_prefectures, tmp_path):
    out = build_site(SITES / "two_prefectures", tmp_path / "one", prefecture="tottori")
    channel = _rss(out, "feed.xml")
    assert channel.findtext("title") == "Tottori (鳥取県) JET alumni network"
    assert channel.findtext("link") == f"{DEV}/"
    assert channel.find(f"{ATOM}link").get("href") == f"{DEV}/feed.xml"
    assert _guids(out, "feed.xml") == _guids(two_prefectures)  # moving home keeps the GUIDs
    assert _atom(out, "atom.xml").findtext(f"{ATOM}id") == f"{TAG}tottori"
    # the Japanese edition at /ja/, as a prefecture's is at /<slug>/ja/
    channel = _rss(out, "ja/feed.xml")
    assert channel.findtext("language") == "ja"
    assert channel.findtext("link") == f"{DEV}/ja/"
    assert channel.find(f"{ATOM}link").get("href") == f"{DEV}/ja/feed.xml"
    assert _guids(out, "ja/feed.xml") == _guids(two_prefectures, "tottori/ja/feed.xml")
    assert _atom(out, "ja/atom.xml").findtext(f"{ATOM}id") == f"{TAG}tottori/ja"
    assert not (out / "tottori").exists()
    assert feed_links(page(out, "/")) == [
        ("application/rss+xml", "/feed.xml"),
        ("application/atom+xml", "/atom.xml"),
    ]
    assert feed_links(page(out, "/ja/")) == [
        ("application/rss+xml", "/ja/feed.xml"),
        ("application/atom+xml", "/ja/atom.xml"),
    ]


@pytest.mark.parametrize("authority", ["furusato", "furusato.example", "Furusato.example,26"])
def test_a_malformed_tag_authority_stops_the_build(tmp_path, authority):
    with pytest.raises(BuildError) as error:
        build_site(SITES / "two_prefectures", tmp_path / "out", FURUSATO_TAG_AUTHORITY=authority)
    assert str(error.value) == (
        f"pelicanconf.py: FURUSATO_TAG_AUTHORITY = {authority!r} must be 'domain,year' as in "
        "RFC 4151, such as 'alumni.example.org,2026' (the 'domain,year' of feed entry ids "
        "(RFC 4151 tag URIs); set once, never change)"
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("lang", EDITIONS)
def test_item_links_lead_to_built_pages(two_prefectures, lang):
    rss = _rss(two_prefectures, f"{EDITIONS[lang]}feed.xml")
    links = [i.findtext("link") for i in rss.findall("item")]
    articles = [u for u in links if "/articles/" in u]
    assert len(articles) == 13  # 14 articles, one pair of them shown once
    # an article has one page, in its language, at its usual URL, whichever feed links it
    other = "suna-no-oka" if lang == "en" else "dunes-in-winter"
    assert f"{DEV}/tottori/articles/{other}/" not in articles
    for url in articles:
        assert re.fullmatch(rf"{DEV}/tottori/articles/[a-z0-9-]+/", url), url
        assert (two_prefectures / url.removeprefix(f"{DEV}/") / "index.html").is_file(), url
    # Event pages are written by the events plugin, at the URL the contract gives them.
    assert sorted(u for u in links if "/events/" in u) == [
        f"{DEV}/tottori/events/london-evening/",
        f"{DEV}/tottori/events/past-fundraiser/",
    ]


@pytest.mark.parametrize(
    ("authority", "year_start"),
    [
        ("furusato.example,2026", "2026-01-01"),
        ("alumni.example.org,2027-04", "2027-04-01"),
        ("feeds@alumni.example.org,2027-04-15", "2027-04-15"),
    ],
)
def test_the_tag_authority_dates_empty_feeds(tmp_path, authority, year_start):
    out = build_site(SITES / "two_prefectures", tmp_path / "out", FURUSATO_TAG_AUTHORITY=authority)
    feed = _atom(out, "shimane/atom.xml")
    assert feed.findtext(f"{ATOM}id") == f"tag:{authority}:shimane"
    assert feed.findtext(f"{ATOM}updated") == f"{year_start}T00:00:00+00:00"
    feed = _atom(out, "shimane/ja/atom.xml")
    assert feed.findtext(f"{ATOM}id") == f"tag:{authority}:shimane/ja"
    assert feed.findtext(f"{ATOM}updated") == f"{year_start}T00:00:00+00:00"
    guids = [*_guids(out).values(), *_guids(out, "tottori/ja/feed.xml").values()]
    assert len(guids) == 30  # 15 per edition
    assert len(set(guids)) == 16  # every article and event of Tottori, each with one GUID
    assert all(g.startswith(f"tag:{authority}:tottori/") for g in guids)


@pytest.mark.parametrize("limit", [0, -5, "50", True])
def test_a_bad_item_cap_stops_the_build(tmp_path, limit):
    with pytest.raises(BuildError) as error:
        build_site(SITES / "two_prefectures", tmp_path / "out", FURUSATO_FEED_ITEMS=limit)
    assert str(error.value) == (
        f"pelicanconf.py: FURUSATO_FEED_ITEMS = {limit!r} must be a whole number of at least 1 "
        "(items in each feed, newest first)"
    )
    assert not (tmp_path / "out").exists()
