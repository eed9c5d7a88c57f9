"""Pages of the national portal and the microsites, built from tests/sites/two_prefectures."""

from __future__ import annotations

import re

import pytest

from tests.sitebuild import page, texts

# The fixture's one translation pair: each edition lists its own side, never both.
PAIR = {"en": "Dunes in winter", "ja": "砂丘の冬"}
OTHER = {"en": "ja", "ja": "en"}


def test_national_home_has_a_map_link_for_every_prefecture(two_prefectures):
    tree = page(two_prefectures, "/")
    links = tree.xpath("//*[@id='map']//a[contains(@class, 'tile')]/@href")
    assert links == ["/tottori/", "/shimane/"]  # JIS order
    labels = tree.xpath("//*[@id='map']//a[contains(@class, 'tile')]/@aria-label")
    assert labels == [
        "Tottori (鳥取県): 13 articles, 2 events, 2 ambassadors",
        "Shimane (島根県): no content yet, open to new ambassadors",
    ]
    assert texts(tree, "//*[@id='map']//span[@class='tile-name']") == ["Tottori", "Shimane"]


def test_national_home_lists_regions_and_latest_articles(two_prefectures):
    tree = page(two_prefectures, "/")
    assert texts(tree, "//*[@id='map']//h3")[5] == "Chugoku"
    assert tree.xpath("//*[@id='map']//h3/a/@href")[5] == "/regions/chugoku/"


@pytest.mark.parametrize(("lang", "url"), [("en", "/"), ("ja", "/ja/")])
def test_national_home_lists_latest_articles_one_side_of_a_pair(two_prefectures, lang, url):
    tree = page(two_prefectures, url)
    latest = texts(tree, "//section[@aria-labelledby='latest-heading']//h3")
    assert latest[:3] == [PAIR[lang], "Article number 11", "Article number 10"]
    assert PAIR[OTHER[lang]] not in latest
    assert len(latest) == 8


def test_page_shell_is_accessible(two_prefectures):
    tree = page(two_prefectures, "/tottori/")
    assert tree.get("lang") == "en"
    skip = tree.xpath("//a[@class='skip-link']")[0]
    assert skip.get("href") == "#main-content"
    assert tree.xpath("//main/@id") == ["main-content"]
    assert tree.xpath("//a[@aria-current='page']/text()") == ["Home"]
    assert tree.xpath("//span[@lang='ja']/text()")[0] == "鳥取県"


def test_prefecture_home_shows_profile_and_ambassadors(two_prefectures):
    tree = page(two_prefectures, "/tottori/")
    assert texts(tree, "//h1") == ["Tottori 鳥取県"]
    assert "Matsue" not in tree.text_content()
    assert texts(tree, "//dl[@class='facts']//dd") == ["Chugoku", "Tottori 鳥取市", "JP-31"]
    ambassadors = tree.xpath("//section[@aria-labelledby='ambassadors-heading']//h3/a/@href")
    assert ambassadors == ["/tottori/ambassadors/amy-chen/", "/tottori/ambassadors/ken-sato/"]
    assert tree.xpath("//a[text()='Fixture link']/@href") == ["https://example.org/tottori"]


def test_empty_prefecture_still_has_a_home(two_prefectures):
    tree = page(two_prefectures, "/shimane/")
    assert texts(tree, "//h2[@id='join-heading']") == ["Be the first ambassador of Shimane"]
    assert "The feed of Shimane is empty for now" in tree.text_content()


@pytest.mark.parametrize(("lang", "folder"), [("en", "/tottori/"), ("ja", "/tottori/ja/")])
def test_article_list_is_paginated_newest_first(two_prefectures, lang, folder):
    first = page(two_prefectures, f"{folder}articles/")
    second = page(two_prefectures, f"{folder}articles/page/2/")
    titles = texts(first, "//main//h2") + texts(second, "//main//h2")
    assert len(texts(first, "//main//h2")) == 10
    assert titles[0] == PAIR[lang]
    assert titles[-1] == "Article number 00"
    # 14 articles, a translation pair among them: 13, the edition's side of the pair only
    assert len(titles) == len(set(titles)) == 13
    assert PAIR[OTHER[lang]] not in titles
    assert [f"Article number {n:02}" for n in range(11, -1, -1)] == titles[1:]
    nav = first.xpath("//nav[@class='pagination']")[0]
    if lang == "en":
        assert nav.get("aria-label") == "Pages"
    assert nav.xpath(".//a[@aria-current='page']/text()") == ["1"]
    assert nav.xpath(".//a[@rel='next']/@href") == [f"{folder}articles/page/2/"]


def test_article_page_shows_author_date_tags_language(two_prefectures):
    tree = page(two_prefectures, "/tottori/articles/article-11/")
    assert texts(tree, "//h1") == ["Article number 11"]
    meta = texts(tree, "//article//p[@class='meta']")[0]
    assert meta.startswith("By Ken Sato · 19 March 2026 · Story · English")
    assert tree.xpath("//article//p[@class='meta']/a/@href") == ["/tottori/ambassadors/ken-sato/"]
    assert texts(tree, "//a[@class='tag']") == ["fixture", "n11"]
    img = tree.xpath("//img[@class='hero']")[0]
    assert img.get("src") == "/tottori/images/dunes.svg"
    assert img.get("alt") == "Wind ripples on sand"
    link = tree.xpath("//div[@class='body']//a")[0]
    assert (link.get("href"), link.get("rel")) == ("https://example.org/11", "noopener")


def test_japanese_article_has_lang_and_translation_link(two_prefectures):
    tree = page(two_prefectures, "/tottori/articles/suna-no-oka/")
    # The article's one page is in its language, chrome and all: the whole page says ja
    assert tree.get("lang") == "ja"
    assert tree.xpath("//article/ancestor-or-self::*[@lang][1]/@lang") == ["ja"]
    assert page(two_prefectures, "/tottori/articles/dunes-in-winter/").get("lang") == "en"
    link = tree.xpath("//p[@class='translation']/a")[0]
    assert link.get("href") == "/tottori/articles/dunes-in-winter/"
    assert link.get("hreflang") == "en"
    proposal = page(two_prefectures, "/tottori/articles/dunes-in-winter/")
    assert "Policy proposal (TOT-2026-01: Adopted)" in texts(proposal, "//p[@class='meta']")[0]


@pytest.mark.parametrize(("lang", "folder"), [("en", "/tottori/"), ("ja", "/tottori/ja/")])
def test_ambassador_pages_list_their_articles(two_prefectures, lang, folder):
    tree = page(two_prefectures, f"{folder}ambassadors/ken-sato/")
    assert texts(tree, "//h1") == ["Ken Sato"]
    assert len(tree.xpath("//main//ul[@class='cards']")[0]) == 6
    # Amy wrote 8 files, a translation pair among them: 7 articles in either edition
    amy = page(two_prefectures, f"{folder}ambassadors/amy-chen/")
    titles = texts(amy, "(//main//ul[@class='cards'])[1]//h2 | (//main//ul[@class='cards'])[1]//h3")
    assert len(titles) == 7 and titles[0] == PAIR[lang] and PAIR[OTHER[lang]] not in titles
    listing = page(two_prefectures, f"{folder}ambassadors/")
    cards = texts(listing, "//li[@class='card']")
    assert [re.findall(r"\d+", card)[-1] for card in cards] == ["7", "6"]
    if lang == "en":
        assert cards[0].endswith("· 7 articles") and cards[1].endswith("· 6 articles")


def test_region_page_lists_its_prefectures(two_prefectures):
    tree = page(two_prefectures, "/regions/chugoku/")
    assert texts(tree, "//h1") == ["Chugoku 中国地方"]
    assert tree.xpath("(//main//ul)[1]/li/h3/a/@href") == ["/tottori/", "/shimane/"]


def test_site_pages_404_sitemap_robots(two_prefectures):
    assert texts(page(two_prefectures, "/about/"), "//h1") == ["About"]
    assert texts(page(two_prefectures, "/404.html"), "//h1") == ["Page not found"]
    sitemap = (two_prefectures / "sitemap.xml").read_text()
    assert "<loc>http://127.0.0.1:8000/tottori/articles/article-00/</loc>" in sitemap
    assert "404" not in sitemap
    robots = (two_prefectures / "robots.txt").read_text()
    assert robots.endswith("Sitemap: http://127.0.0.1:8000/sitemap.xml\n")


def test_single_prefecture_site_is_rooted_at_slash(tmp_path):
    from tests.sitebuild import SITES, build_site

    out = build_site(SITES / "two_prefectures", tmp_path / "out", prefecture="tottori")
    tree = page(out, "/")
    assert texts(tree, "//h1") == ["Tottori 鳥取県"]
    assert "/tottori/" not in (out / "index.html").read_text()
    assert not (out / "shimane").exists() and not (out / "regions").exists()
    assert (out / "articles" / "suna-no-oka" / "index.html").is_file()


def test_single_prefecture_404_uses_the_microsite_header(tmp_path):
    from tests.sitebuild import SITES, build_site

    out = build_site(SITES / "two_prefectures", tmp_path / "out", prefecture="tottori")
    tree = page(out, "/404.html")
    assert texts(tree, "//a[@class='site-name']") == ["Tottori 鳥取県"]
    assert "All prefectures" not in tree.text_content()
    assert texts(tree, "//title") == ["Page not found · Tottori"]


def test_404_has_no_canonical_link(tmp_path):
    from tests.sitebuild import SITES, build_site

    out = build_site(SITES / "two_prefectures", tmp_path / "out", siteurl="https://example.org")
    assert page(out, "/404.html").xpath("//link[@rel='canonical']") == []
    assert page(out, "/tottori/").xpath("//link[@rel='canonical']/@href") == [
        "https://example.org/tottori/"
    ]
