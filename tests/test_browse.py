"""Browsing pages (plugins/browse): national lists, lists by kind, tag pages, events by country
and city, the regions index; in both editions, in the national and single-prefecture builds."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest

from furusato.slugs import distinct_slugs
from furusato.tagging import Tagging
from tests.quality.links import broken_html_references
from tests.sitebuild import build_site, copy_site, page, texts

HOSTILE = "<b>&\"'"
SHIMANE_AMBASSADOR = """ambassadors:
  - id: sam-lee
    name: Sam Lee
    role: ALT
    bio: Fixture ambassador.
"""


def _article(title: str, day: str, kind: str, tags: list[str], author: str = "amy-chen") -> str:
    quoted = ", ".join("'" + t.replace("'", "''") + "'" for t in tags)
    return (
        f"---\ntitle: {title}\ndate: {day}\nauthor: {author}\nsummary: About {title}.\n"
        f"kind: {kind}\ntags: [{quoted}]\n---\nBody.\n"
    )


def _event(title: str, start: str, venue: str | None, tags: list[str] = ()) -> str:
    where = f"venue: {venue}\n" if venue else "online_url: https://example.org/live\n"
    return (
        f"---\ntitle: {title}\nstart: {start} 18:00\nend: {start} 20:00\n"
        f"timezone: Europe/London\n{where}organizer: amy-chen\nsummary: About {title}.\n"
        f"tags: [{', '.join(tags)}]\n---\nCome.\n"
    )


FILES = {
    "content/tottori/articles/2026-05-01-onsen-guide.md": _article(
        "Onsen guide", "2026-05-01", "guide", ["温泉", HOSTILE, "Food"]
    ),
    "content/tottori/articles/2026-05-02-bridge-news.md": _article(
        "Bridge news", "2026-05-02", "news", ["橋", "food"]
    ),
    "content/tottori/articles/2026-05-03-chopsticks.md": _article(
        "Chopsticks", "2026-05-03", "guide", ["箸", "hashi"]
    ),
    "content/shimane/articles/2026-05-04-izumo.md": _article(
        "Izumo", "2026-05-04", "story", ["food"], author="sam-lee"
    ),
    "content/tottori/events/2026-12-06-manchester.md": _event(
        "Manchester evening",
        "2026-12-06",
        "{name: Club, city: Manchester, country: united kingdom}",
    ),
    "content/tottori/events/2026-12-07-narnia.md": _event(
        "Narnia evening", "2026-12-07", "{name: Hall, city: Cair Paravel, country: Narnia}"
    ),
    "content/tottori/events/2026-12-08-tokyo.md": _event(
        "Tokyo evening", "2026-12-08", "{name: Hall, city: Tokyo, country: Japan}", ["food"]
    ),
    "content/tottori/events/2026-12-09-online.md": _event("Online quiz", "2026-12-09", None),
}


@pytest.fixture(scope="module")
def site_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_site("two_prefectures", tmp_path_factory.mktemp("browse") / "site", FILES)
    profile = root / "prefectures" / "shimane.yaml"
    profile.write_text(profile.read_text(encoding="utf-8") + SHIMANE_AMBASSADOR, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built(site_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browse-out") / "output"
    return build_site(site_root, out, FURUSATO_ARTICLES_PER_PAGE=4)


@pytest.fixture(scope="module")
def alone(site_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browse-alone") / "output"
    return build_site(site_root, out, prefecture="tottori", FURUSATO_ARTICLES_PER_PAGE=4)


def _paths(tree, xpath: str) -> list[str]:
    return [urlsplit(h).path for h in tree.xpath(xpath)]


def _list_pages(out: Path, first: str) -> list:
    """Parse a paginated list: its first page and every page after it, following each page's
    rel="next" link (a page links only its neighbours, the first and the last)."""
    trees, url = [], first
    while url:
        tree = page(out, url)
        trees.append(tree)
        numbers = _paths(tree, "//nav[@class='pagination']//a[not(@rel)]/@href")
        assert not numbers or numbers[0] == first
        following = _paths(tree, "//nav[@class='pagination']//a[@rel='next']/@href")
        url = following[0] if following else None
        assert len(trees) < 1000, f"the pages of {first} link in a loop"
    return trees


def _listed(out: Path, first: str, xpath: str = "//main//*[@class='card-title']/a/@href"):
    """Return the item URLs of every page of a list, in order."""
    return [p for tree in _list_pages(out, first) for p in _paths(tree, xpath)]


def _card_dates(out: Path, first: str) -> list[str]:
    return [
        d
        for tree in _list_pages(out, first)
        for d in tree.xpath(f"//main//li[{CARD}]//time/@datetime")
    ]


CARD = "contains(concat(' ', @class, ' '), ' card ')"  # a card, whatever its region

# -- national lists ---------------------------------------------------------------------------


@pytest.mark.parametrize("edition", ["", "ja/"])
def test_national_article_list_has_every_article_once_newest_first(
    built: Path, edition: str
) -> None:
    listed = _listed(built, f"/{edition}articles/")
    # The oracle: what each prefecture's own list (the microsites plugin) shows in that edition.
    expected = _listed(built, f"/tottori/{edition}articles/") + _listed(
        built, f"/shimane/{edition}articles/"
    )
    assert len(listed) == len(set(listed))
    assert sorted(listed) == sorted(expected)
    assert len(_list_pages(built, f"/{edition}articles/")) == -(-len(listed) // 4)
    dates = _card_dates(built, f"/{edition}articles/")
    assert dates == sorted(dates, reverse=True)
    first = page(built, f"/{edition}articles/")
    metas = texts(first, f"//main//li[{CARD}]/p[@class='meta']")
    shimane = "島根県" if edition else "Shimane"
    assert any(shimane in m for m in metas)  # the prefecture is named on each card


def test_editions_list_each_side_of_a_translation_pair_once(built: Path) -> None:
    english = _listed(built, "/articles/")
    japanese = _listed(built, "/ja/articles/")
    assert "/tottori/articles/dunes-in-winter/" in english
    assert "/tottori/articles/suna-no-oka/" not in english
    assert "/tottori/articles/suna-no-oka/" in japanese
    assert "/tottori/articles/dunes-in-winter/" not in japanese


def test_national_lists_link_their_editions(built: Path) -> None:
    for url, other in [("/articles/", "/ja/articles/"), ("/events/", "/ja/events/")]:
        tree = page(built, url)
        assert _paths(tree, "//head/link[@hreflang='ja']/@href") == [other]
        assert _paths(tree, "//head/link[@hreflang='x-default']/@href") == [url]


# -- lists by kind ----------------------------------------------------------------------------


def _filter(tree) -> dict[str, tuple[int, str | None, bool]]:
    """Read a filter bar: label -> (count, link or None, is the current page)."""
    bar = {}
    for li in tree.xpath("//nav[@class='kind-filter']//li"):
        text = " ".join(li.text_content().split())
        label, count = re.fullmatch(r"(.+) \((\d+)\)", text).groups()
        links = li.xpath("a")
        current = bool(links) and links[0].get("aria-current") == "page"
        bar[label] = (int(count), urlsplit(links[0].get("href")).path if links else None, current)
    return bar


@pytest.mark.parametrize(
    "first", ["/articles/", "/ja/articles/", "/tottori/articles/", "/tottori/ja/articles/"]
)
def test_kind_pages_list_only_their_kind_and_the_counts_match(built: Path, first: str) -> None:
    bar = _filter(page(built, first))
    everything = _listed(built, first)
    label_all = "すべて" if "/ja/" in first else "All"
    assert bar[label_all] == (len(everything), first, True)
    kinds = {label: row for label, row in bar.items() if label != label_all}
    assert len(kinds) == 4
    assert sum(count for count, _, _ in kinds.values()) == len(everything)
    for label, (count, url, _) in kinds.items():
        if count == 0:
            assert url is None  # shown as text, not linked
            continue
        listed = _listed(built, url)
        assert len(listed) == count
        assert set(listed) <= set(everything)
        for tree in _list_pages(built, url):
            for meta in texts(tree, f"//main//li[{CARD}]/p[@class='meta']"):
                assert f"· {label}" in meta
            assert _filter(tree)[label][2]  # aria-current on its own filter


def test_kinds_without_articles_are_text_and_have_no_page(built: Path) -> None:
    bar = _filter(page(built, "/shimane/articles/"))
    assert bar["Story"] == (1, "/shimane/articles/story/", False)
    for label, kind in [("Guide", "guide"), ("News", "news"), ("Policy proposal", "proposal")]:
        assert bar[label] == (0, None, False)
        assert not (built / "shimane/articles" / kind).exists()


def test_an_article_cannot_take_a_kind_list_url(tmp_path: Path) -> None:
    from furusato.errors import ContentError

    root = copy_site(
        "two_prefectures",
        tmp_path / "site",
        {"content/tottori/articles/2026-05-01-news.md": _article("N", "2026-05-01", "news", [])},
    )
    with pytest.raises(ContentError) as caught:
        build_site(root, tmp_path / "out")
    assert (
        "content/tottori/articles/2026-05-01-news.md:1: slug: the URL /tottori/articles/news/ is "
        "taken by the list of tottori's articles of kind 'news'; give the article another "
        "'slug:' or file name"
    ) in str(caught.value)


# -- tags -------------------------------------------------------------------------------------


def _tag_links(tree) -> list[tuple[str, str]]:
    return [
        (" ".join(a.text_content().split()), urlsplit(a.get("href")).path)
        for a in tree.xpath("//main//a[@class='tag']")
    ]


def test_tags_are_links_on_article_and_event_pages_and_cards(built: Path) -> None:
    article = page(built, "/tottori/articles/onsen-guide/")
    links = dict(_tag_links(article))
    assert set(links) == {"温泉", HOSTILE, "Food"}
    assert links["温泉"] == "/tottori/tags/onsen/"
    for href in links.values():
        assert re.fullmatch(r"/tottori/tags/[a-z0-9-]+/", href)
    event = page(built, "/tottori/events/tokyo/")
    assert dict(_tag_links(event)) == {"food": "/tottori/tags/food/"}
    cards = page(built, "/articles/")
    assert ("Food", "/tottori/tags/food/") in _tag_links(cards)
    assert broken_html_references(built) == []  # every tag link resolves


@pytest.mark.parametrize("edition", ["", "ja/"])
def test_each_tag_page_lists_exactly_the_items_with_that_tag(built: Path, edition: str) -> None:
    items = _listed(built, f"/tottori/{edition}articles/")
    items += _paths(page(built, f"/tottori/{edition}events/"), "//main//h3/a/@href")
    expected: dict[str, set[str]] = {}
    for url in items:
        # An item's own page links the tag pages of its language's edition: same slugs.
        for _, href in _tag_links(page(built, url)):
            slug = href.rstrip("/").rsplit("/", 1)[1]
            expected.setdefault(f"/tottori/{edition}tags/{slug}/", set()).add(url)
    index = page(built, f"/tottori/{edition}tags/")
    tag_pages = _paths(index, "//main//ul[@class='tag-index']//a/@href")
    assert sorted(tag_pages) == sorted(expected)
    for href, urls in expected.items():
        listed = _paths(page(built, href), "//main//*[@class='card-title']/a/@href")
        assert sorted(listed) == sorted(urls), href
        count = texts(index, f"//main//a[@href='{href}']/following-sibling::span")[0]
        assert count == f"({len(urls)})"


def test_national_tag_page_lists_the_tag_in_every_prefecture(built: Path) -> None:
    food = page(built, "/tags/food/")
    listed = _paths(food, "//main//*[@class='card-title']/a/@href")
    assert sorted(listed) == [
        "/shimane/articles/izumo/",
        "/tottori/articles/bridge-news/",
        "/tottori/articles/onsen-guide/",
        "/tottori/events/tokyo/",
    ]
    # 'Food' and 'food' are one tag, named as most items write it.
    assert texts(food, "//h1") == ["Tagged “food”"]
    tottori = page(built, "/tottori/tags/food/")
    assert "/tags/food/" in _paths(tottori, "//main//a/@href")
    index = _paths(page(built, "/tags/"), "//main//ul[@class='tag-index']//a/@href")
    assert "/tags/food/" in index and len(index) == len(set(index))


def test_japanese_and_hostile_tags_make_safe_working_pages(built: Path) -> None:
    onsen = page(built, "/tottori/tags/onsen/")
    assert texts(onsen, "//h1") == ["Tagged “温泉” Tottori"]
    assert texts(page(built, "/tottori/ja/tags/onsen/"), "//h1") == ["タグ「温泉」 鳥取県"]
    hostile = dict(_tag_links(page(built, "/tottori/articles/onsen-guide/")))[HOSTILE]
    assert hostile == "/tottori/tags/b/"
    tree = page(built, hostile)
    assert texts(tree, "//h1") == [f"Tagged “{HOSTILE}” Tottori"]
    assert tree.xpath("//main//b") == []  # the tag is text, not markup
    raw = (built / "tottori/tags/b/index.html").read_text(encoding="utf-8")
    assert HOSTILE not in raw
    assert "&lt;b&gt;&amp;" in raw
    title = tree.xpath("//title")[0].text_content()
    assert title.startswith(f"Tagged “{HOSTILE}”")


def test_tags_that_slug_alike_get_distinct_pages(built: Path) -> None:
    links = {}
    for url in ["bridge-news", "chopsticks"]:
        links.update(_tag_links(page(built, f"/tottori/articles/{url}/")))
    # 'hashi' written out keeps its slug; 橋 and 箸 (both read 'hashi') get one each.
    assert links["hashi"] == "/tottori/tags/hashi/"
    assert re.fullmatch(r"/tottori/tags/hashi-[0-9a-f]{6}/", links["橋"])
    assert re.fullmatch(r"/tottori/tags/hashi-[0-9a-f]{6}/", links["箸"])
    assert len({links["hashi"], links["橋"], links["箸"]}) == 3
    bridge = _paths(page(built, links["橋"]), "//main//*[@class='card-title']/a/@href")
    assert bridge == ["/tottori/articles/bridge-news/"]


def test_distinct_slugs_do_not_depend_on_order() -> None:
    wanted = {"橋": "hashi", "箸": "hashi", "hashi": "hashi", "food": "food"}
    reversed_order = dict(reversed(list(wanted.items())))
    assert distinct_slugs(wanted, "tag") == distinct_slugs(reversed_order, "tag")
    slugs = distinct_slugs(wanted, "tag")
    assert slugs["hashi"] == "hashi" and slugs["food"] == "food"
    assert len(set(slugs.values())) == 4
    assert distinct_slugs({"★": ""}, "tag") == {"★": "tag"}
    tags = Tagging(["Food", "food", "ｆｏｏｄ", "Food"])
    assert tags("food") is tags("ｆｏｏｄ")
    assert (tags("food").slug, tags("food").label) == ("food", "Food")


# -- events by place --------------------------------------------------------------------------


def _upcoming_groups(tree) -> list[tuple[str, list[str]]]:
    section = tree.xpath("//section[@aria-labelledby='upcoming-heading']")[0]
    groups = []
    for place in section.xpath(".//section[@class='place']"):
        heading = " ".join(place.xpath("h3")[0].text_content().split())
        groups.append((heading, [" ".join(h.text_content().split()) for h in place.xpath("h4")]))
    return groups


def test_national_events_are_grouped_by_country_and_city(built: Path) -> None:
    tree = page(built, "/events/")
    assert _upcoming_groups(tree) == [
        ("Japan", ["Tokyo"]),
        ("Narnia", ["Cair Paravel"]),
        ("United Kingdom", ["London", "Manchester"]),  # 'united kingdom' is the same country
        ("Online", []),
    ]
    past = tree.xpath("//section[@aria-labelledby='past-heading']//h3/a/@href")
    assert _paths(tree, "//section[@aria-labelledby='past-heading']//h3/a/@href") == [
        urlsplit(h).path for h in past
    ]
    assert [urlsplit(h).path for h in past] == ["/tottori/events/past-fundraiser/"]
    online = tree.xpath("//section[@class='place'][h3[@class='online']]//a/@href")
    assert [urlsplit(h).path for h in online] == ["/tottori/events/online/"]


def test_japanese_edition_names_and_sorts_countries_in_japanese(built: Path) -> None:
    groups = _upcoming_groups(page(built, "/ja/events/"))
    # Babel's CLDR names; Latin letters before kana, kana in gojūon order (イ before に).
    assert [country for country, _ in groups] == ["Narnia", "イギリス", "日本", "オンライン"]


def test_each_country_has_a_page_of_its_events(built: Path) -> None:
    tree = page(built, "/events/")
    countries = _paths(tree, "//nav[@class='places']//a/@href")
    assert countries == [
        "/events/in/japan/",
        "/events/in/narnia/",
        "/events/in/united-kingdom/",
    ]
    uk = page(built, "/events/in/united-kingdom/")
    assert texts(uk, "//h1") == ["Events in United Kingdom"]
    assert texts(uk, "//main//h3[@class='city']") == ["London", "Manchester"]
    assert sorted(_paths(uk, "//main//*[@class='card-title']/a/@href")) == [
        "/tottori/events/london-evening/",
        "/tottori/events/manchester/",
    ]
    # The Japanese name from CLDR, and the country as the contributor wrote it.
    japanese = page(built, "/ja/events/in/united-kingdom/")
    assert texts(japanese, "//h1") == ["イギリスのイベント United Kingdom"]
    # Linked from the grouped list too.
    assert "/events/in/united-kingdom/" in _paths(tree, "//section[@class='place']/h3/a/@href")


# -- regions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("edition", ["", "ja/"])
def test_regions_index_lists_every_prefecture_once(demo_output: Path, edition: str) -> None:
    tree = page(demo_output, f"/{edition}regions/")
    regions = _paths(tree, "//main//h2/a/@href")
    assert len(regions) == 8
    for href in regions:
        assert (demo_output / href.lstrip("/") / "index.html").is_file()
    prefectures = _paths(tree, "//main//section[@class='region']//li/a/@href")
    assert len(prefectures) == 47 and len(set(prefectures)) == 47
    home = page(demo_output, f"/{edition}")
    assert f"/{edition}regions/" in _paths(home, "//main//a/@href")


# -- single prefecture, sitemap ---------------------------------------------------------------


def test_single_prefecture_build_has_its_own_browsing_pages_only(alone: Path) -> None:
    assert texts(page(alone, "/articles/guide/"), "//h1") == ["Guide: articles from Tottori"]
    assert (alone / "tags/onsen/index.html").is_file()
    assert (alone / "ja/tags/index.html").is_file()
    assert not (alone / "regions").exists()
    assert not (alone / "events/in").exists()
    tag = page(alone, "/tags/food/")
    listed = _paths(tag, "//main//*[@class='card-title']/a/@href")
    assert "/shimane/articles/izumo/" not in listed and listed
    assert texts(tag, "//main//p[@class='browse-more']/a") == ["All tags of Tottori"]
    assert broken_html_references(alone) == []


def test_sitemap_lists_the_browsing_pages_with_their_editions(built: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ElementTree.parse(built / "sitemap.xml").getroot()
    entries = {
        urlsplit(u.find("s:loc", ns).text).path: {
            link.get("hreflang"): urlsplit(link.get("href")).path
            for link in u.findall("x:link", ns)
        }
        for u in root.findall("s:url", ns)
    }
    for path in [
        "/articles/",
        "/articles/page/2/",
        "/articles/guide/",
        "/events/",
        "/events/in/united-kingdom/",
        "/regions/",
        "/tags/",
        "/tags/food/",
        "/tottori/articles/guide/",
        "/tottori/tags/",
        "/tottori/tags/onsen/",
    ]:
        assert path in entries, path
    assert entries["/articles/"] == {
        "en": "/articles/",
        "ja": "/ja/articles/",
        "x-default": "/articles/",
    }
    assert entries["/tottori/tags/onsen/"]["ja"] == "/tottori/ja/tags/onsen/"
