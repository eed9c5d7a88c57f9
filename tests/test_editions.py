"""Two editions of every page Furusato writes itself: English at today's URLs, Japanese under
ja/ inside each site; articles and events written once; switches and hreflang that resolve."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import lxml.etree
import lxml.html
import pytest

from tests.sitebuild import REPO, SITES, build_site, page, texts

# Pages that exist once, in the language they are written in (not per edition).
SINGLE_LANGUAGE = ("/articles/", "/events/")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo content (it has translation pairs and Japanese-only articles)."""
    return build_site(REPO, tmp_path_factory.mktemp("editions") / "output")


def _html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("index.html")) + sorted(out.rglob("404.html"))


def _url(out: Path, path: Path) -> str:
    rel = path.relative_to(out).as_posix()
    return "/" + rel.removesuffix("index.html")


def _file(out: Path, url: str) -> Path:
    path = urlsplit(url).path
    return out / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))


def test_every_page_furusato_writes_has_a_japanese_edition(site: Path) -> None:
    english = [p for p in _html_pages(site) if "/ja/" not in f"/{p.relative_to(site)}"]
    own = [
        p
        for p in english
        if not any(part in _url(site, p) for part in ("/articles/", "/events/"))
        or _url(site, p).endswith(("/articles/", "/events/"))
        or "/articles/page/" in _url(site, p)
    ]
    # The editor's page (/admin/, DESIGN.md) is one page in both languages, and the editor
    # itself follows the browser's language.
    own = [
        p
        for p in own
        if not (p.parent.parent == site and p.parent.name in {"about", "contribute", "admin"})
    ]
    assert len(own) > 250
    missing = []
    for path in own:
        rel = path.relative_to(site).as_posix()
        parts = rel.split("/")
        prefecture = parts[0] if (REPO / "prefectures" / f"{parts[0]}.yaml").is_file() else None
        ja = f"{prefecture}/ja/{'/'.join(parts[1:])}" if prefecture else f"ja/{rel}"
        if "articles/page/" in rel:
            continue  # an edition lists fewer articles when pairs are shown once
        if not (site / ja).is_file():
            missing.append(rel)
    assert missing == []


def test_html_lang_is_the_pages_language(site: Path) -> None:
    assert page(site, "/").get("lang") == "en"
    assert page(site, "/ja/").get("lang") == "ja"
    assert page(site, "/tottori/ja/events/").get("lang") == "ja"
    assert page(site, "/kyoto/articles/uji-de-matcha/").get("lang") == "ja"
    assert page(site, "/kyoto/articles/learning-matcha-in-uji/").get("lang") == "en"


def test_hreflang_is_reciprocal_with_an_english_default(site: Path) -> None:
    links: dict[str, dict[str, str]] = {}
    for path in _html_pages(site):
        tree = lxml.html.fromstring(path.read_bytes())
        alternates = {
            link.get("hreflang"): link.get("href")
            for link in tree.xpath("//head/link[@rel='alternate'][@hreflang]")
        }
        if alternates:
            links[_url(site, path)] = alternates
    assert len(links) > 300
    problems = []
    for url, alternates in links.items():
        assert alternates.get("x-default") == alternates.get("en"), url
        if url not in alternates.values():
            problems.append(f"{url}: does not list itself")
        for lang, href in alternates.items():
            if lang == "x-default":
                continue
            back = links.get(urlsplit(href).path, {})
            if url not in back.values():
                problems.append(f"{url} -> {lang} {href}: no link back")
    assert problems == []


def test_the_sitemap_lists_the_same_alternates(site: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    tree = lxml.etree.parse(str(site / "sitemap.xml"))
    entry = tree.xpath("//s:url[s:loc='http://127.0.0.1:8000/tottori/ja/']", namespaces=ns)[0]
    found = {
        link.get("hreflang"): link.get("href") for link in entry.xpath("x:link", namespaces=ns)
    }
    assert found == {
        "en": "http://127.0.0.1:8000/tottori/",
        "ja": "http://127.0.0.1:8000/tottori/ja/",
        "x-default": "http://127.0.0.1:8000/tottori/",
    }


def test_every_language_switch_resolves(site: Path) -> None:
    broken, switches = [], 0
    for path in _html_pages(site):
        tree = lxml.html.fromstring(path.read_bytes())
        lang = tree.get("lang")
        for link in tree.xpath("//nav[@class='language-switch']//a"):
            switches += 1
            target = _file(site, link.get("href"))
            if not target.is_file():
                broken.append(f"{_url(site, path)} -> {link.get('href')}")
            elif lxml.html.fromstring(target.read_bytes()).get("lang") == lang:
                broken.append(f"{_url(site, path)} -> {link.get('href')}: same language")
    assert switches > 300
    assert broken == []


def test_an_article_switches_to_its_translation_or_to_the_other_list(site: Path) -> None:
    pair = page(site, "/kyoto/articles/uji-de-matcha/")
    assert pair.xpath("//nav[@class='language-switch']//a/@href") == [
        "/kyoto/articles/learning-matcha-in-uji/"
    ]
    alone = [
        p
        for p in (site / "hokkaido/articles").glob("*/index.html")
        if lxml.html.fromstring(p.read_bytes()).get("lang") == "ja"
    ]
    assert alone
    tree = lxml.html.fromstring(alone[0].read_bytes())
    assert tree.xpath("//nav[@class='language-switch']//a/@href") == ["/hokkaido/articles/"]


def _titles(out: Path, url: str) -> list[str]:
    return texts(
        page(out, url),
        "//main//li[contains(@class, 'card')]//h2|//main//li[contains(@class, 'card')]//h3",
    )


def test_a_translation_pair_is_listed_once_per_edition(site: Path) -> None:
    english = _titles(site, "/kyoto/articles/")
    japanese = _titles(site, "/kyoto/ja/articles/")
    assert "Learning about matcha in Uji" in english
    assert not any("宇治" in title for title in english)
    assert any("宇治" in title for title in japanese)
    assert "Learning about matcha in Uji" not in japanese
    assert len(english) == len(japanese)


def test_an_untranslated_article_appears_in_both_editions(site: Path) -> None:
    english = _titles(site, "/hokkaido/articles/")
    japanese = _titles(site, "/hokkaido/ja/articles/")
    assert set(english) == set(japanese)


def test_feeds_per_edition_carry_each_pair_once(site: Path) -> None:
    en = feedparser.parse((site / "kyoto/feed.xml").read_bytes())
    ja = feedparser.parse((site / "kyoto/ja/feed.xml").read_bytes())
    assert en.feed.language == "en"
    assert ja.feed.language == "ja"
    en_links = {e.link for e in en.entries}
    ja_links = {e.link for e in ja.entries}
    assert "http://127.0.0.1:8000/kyoto/articles/learning-matcha-in-uji/" in en_links
    assert "http://127.0.0.1:8000/kyoto/articles/uji-de-matcha/" not in en_links
    assert "http://127.0.0.1:8000/kyoto/articles/uji-de-matcha/" in ja_links
    assert "http://127.0.0.1:8000/kyoto/articles/learning-matcha-in-uji/" not in ja_links
    # An item's id is the same in whichever edition's feed carries it.
    en_ids = {e.link: e.id for e in en.entries}
    ja_ids = {e.link: e.id for e in ja.entries}
    for link in en_links & ja_links:
        assert en_ids[link] == ja_ids[link]
    national = feedparser.parse((site / "ja/atom.xml").read_bytes())
    assert national.feed.id != feedparser.parse((site / "atom.xml").read_bytes()).feed.id


def test_opml_offers_both_editions(site: Path) -> None:
    tree = lxml.etree.parse(str(site / "feeds.opml"))
    urls = tree.xpath("//outline[@type='rss']/@xmlUrl")
    assert "http://127.0.0.1:8000/tottori/feed.xml" in urls
    assert "http://127.0.0.1:8000/tottori/ja/feed.xml" in urls
    assert len(urls) == 94


def test_a_single_prefecture_site_has_its_japanese_edition_at_ja(tmp_path: Path) -> None:
    out = build_site(SITES / "two_prefectures", tmp_path / "alone", prefecture="tottori")
    assert page(out, "/ja/").get("lang") == "ja"
    assert (out / "ja/articles/index.html").is_file()
    assert (out / "ja/feed.xml").is_file()
    assert page(out, "/").xpath("//nav[@class='language-switch']//a/@href") == ["/ja/"]


def test_every_japanese_page_reads_in_japanese(site: Path) -> None:
    """No English UI text from the catalog on any page of the Japanese edition (text marked
    as another language, such as an English-only article's title, is excepted)."""
    from tests.test_translations import JA_PO, english_left, load_po

    po = load_po(JA_PO)
    japanese = [
        p for p in _html_pages(site) if lxml.html.fromstring(p.read_bytes()).get("lang") == "ja"
    ]
    assert len(japanese) > 250
    left = {}
    for path in japanese:
        tree = lxml.html.fromstring(path.read_bytes())
        for code in tree.xpath("//code"):  # folder and field names a contributor types
            code.drop_tree()
        found = english_left(lxml.html.tostring(tree, encoding="unicode"), po)
        if found:
            left[_url(site, path)] = found
    assert left == {}


def test_japanese_dates_and_names_on_japanese_pages(site: Path) -> None:
    tottori = page(site, "/tottori/ja/")
    assert texts(tottori, "//h1")[0].startswith("鳥取県")
    assert "鳥取県" in tottori.xpath("string(//p[@class='lead'])")
    events = page(site, "/tottori/ja/events/")
    assert any("年" in t and "月" in t and "日" in t for t in texts(events, "//time"))
    home = page(site, "/ja/")
    assert "鳥取県" in texts(home, "//*[@id='map']//span[@class='tile-name']")
