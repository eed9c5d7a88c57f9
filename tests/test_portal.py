"""The portal's look as built pages show it: the map's active and empty tiles with counts in
their names, the skip-the-map link, an empty prefecture's invitation, ownership from settings,
the demo notice only with example content, logo and favicon, region accents, dark and print CSS."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sitebuild import OWNERSHIP, REPO, SITES, build_site, copy_site, page, texts

# Site pages in both languages beside the fixture's English about page.
PAGES = {
    "content/pages/about-ja.md": "---\ntitle: このサイトについて\nlang: ja\nslug: about\n"
    "translation: about\n---\nテスト用の説明です。\n",
    "content/pages/contribute.md": "---\ntitle: Contribute\ntranslation: contribute\n---\n"
    "How to contribute.\n",
    "content/pages/contribute-ja.md": "---\ntitle: 投稿のしかた\nlang: ja\nslug: contribute\n"
    "translation: contribute\n---\n投稿のしかたです。\n",
}
MAP_TILES = "//*[@id='map']//a[contains(concat(' ', @class, ' '), ' tile ')]"


@pytest.fixture(scope="module")
def owned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """two_prefectures built with every ownership setting, Shimane given alumni links and
    coordinators in its profile."""
    root = tmp_path_factory.mktemp("owned")
    site = copy_site("two_prefectures", root / "site", PAGES)
    profile = site / "prefectures" / "shimane.yaml"
    profile.write_text(
        profile.read_text(encoding="utf-8")
        + "links:\n  - label: Shimane alumni on LinkedIn\n    url: https://example.org/shimane-group\n"
        "    kind: linkedin\ncoordinators: [shimane-reviewer]\n",
        encoding="utf-8",
    )
    return build_site(site, root / "out", **OWNERSHIP)


@pytest.fixture(scope="module")
def no_examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """two_prefectures with every `example: true` flag removed."""
    root = tmp_path_factory.mktemp("plain")
    site = copy_site("two_prefectures", root / "site")
    for path in [*site.rglob("*.yaml"), *site.rglob("*.md")]:
        text = path.read_text(encoding="utf-8")
        if "example: true" in text:
            path.write_text(text.replace("    example: true\n", "").replace("example: true\n", ""))
    assert not any(
        "example: true" in p.read_text() for p in site.rglob("*.*") if p.suffix in (".md", ".yaml")
    )
    return build_site(site, root / "out")


@pytest.mark.parametrize(
    ("url", "active", "empty"),
    [
        (
            "/",
            "Tottori (鳥取県): 13 articles, 2 events, 2 ambassadors",
            "Shimane (島根県): no content yet, open to new ambassadors",
        ),
        (
            "/ja/",
            "鳥取県：記事13件、イベント2件、アンバサダー2人",
            "島根県：まだ記事はありません。最初のアンバサダーを募集中です",
        ),
    ],
)
def test_map_marks_active_and_empty_prefectures_with_counts_in_their_names(
    two_prefectures: Path, url: str, active: str, empty: str
) -> None:
    tree = page(two_prefectures, url)
    tottori, shimane = tree.xpath(MAP_TILES)
    assert tottori.get("aria-label") == active
    assert shimane.get("aria-label") == empty
    # Not by colour alone: a class the CSS draws solid and bold (empty: dashed), and the
    # visible number of articles on the active tile only.
    assert "active" in tottori.get("class").split()
    assert "empty" in shimane.get("class").split()
    assert tottori.get("data-count") == "13"  # drawn by map.css (::after)
    assert shimane.get("data-count") is None
    assert texts(tottori, ".") == ["Tottori" if url == "/" else "鳥取県"]
    css = (REPO / "theme/static/css/map.css").read_text(encoding="utf-8")
    assert "dashed" in css and ".tile.active" in css and "attr(data-count)" in css


@pytest.mark.parametrize("url", ["/", "/ja/"])
def test_map_lists_each_prefecture_once_and_can_be_skipped(two_prefectures: Path, url: str) -> None:
    tree = page(two_prefectures, url)
    hrefs = tree.xpath("//main//a/@href")
    assert hrefs.count(url.replace("ja/", "") + "tottori/" if url == "/" else "/tottori/ja/") == 1
    skip = tree.xpath("//a[@href='#latest']")
    assert len(skip) == 1
    target = tree.xpath("//*[@id='latest']")[0]
    # The skip link comes before the map, and its target is the section right after the map.
    assert target.xpath("preceding-sibling::section[1]//*[@id='map']")
    assert target.xpath(".//h2/@id") == ["latest-heading"]
    assert target.get("tabindex") == "-1"
    following = skip[0].xpath("following::*[@id='map'] | following::*[@id='latest']")
    assert [e.get("id") for e in following][:1] == ["map"]


def test_empty_prefecture_invites_with_only_what_its_profile_holds(owned: Path) -> None:
    tree = page(owned, "/shimane/")
    invitation = tree.xpath("//section[contains(@class, 'invitation')]")[0]
    hrefs = invitation.xpath(".//a/@href")
    assert hrefs == [
        "/contribute/",
        OWNERSHIP["FURUSATO_REPOSITORY"],
        "https://example.org/shimane-group",
    ]
    assert texts(invitation, ".//code") == ["@shimane-reviewer"]
    assert not invitation.xpath(".//a[starts-with(@href, 'mailto:')]")
    assert "The feed of Shimane is empty for now" in " ".join(texts(tree, "//p"))
    assert tree.xpath("//input[@id='feed-url']/@value") == ["/shimane/feed.xml"]
    assert texts(tree, "//h2[@id='ambassadors-heading']") == []  # no empty sections
    ja = page(owned, "/shimane/ja/")
    assert texts(ja, "//h2[@id='join-heading']") == ["島根県の最初のアンバサダーになりませんか"]
    assert ja.xpath("//section[contains(@class, 'invitation')]//a/@href")[0] == "/ja/contribute/"


def test_invitation_links_nothing_the_profile_does_not_hold(two_prefectures: Path) -> None:
    invitation = page(two_prefectures, "/shimane/").xpath(
        "//section[contains(@class, 'invitation')]"
    )[0]
    # No contribute page, no repository setting, no coordinators, no alumni links: no link.
    assert invitation.xpath(".//a/@href") == []
    assert invitation.xpath(".//code") == []


def test_busy_prefecture_has_no_invitation(two_prefectures: Path) -> None:
    tree = page(two_prefectures, "/tottori/")
    assert not tree.xpath("//section[contains(@class, 'invitation')]")
    assert not tree.xpath("//*[contains(@class, 'feed-starts-empty')]")


@pytest.mark.parametrize(("url", "lang"), [("/", "en"), ("/ja/", "ja")])
def test_footer_shows_ownership_when_set(owned: Path, url: str, lang: str) -> None:
    footer = page(owned, url).xpath("//footer")[0]
    text = " ".join(footer.text_content().split())
    assert OWNERSHIP["FURUSATO_PUBLISHER"][lang] in text
    assert "office@example.org" in text
    hrefs = footer.xpath(".//a/@href")
    assert "mailto:office@example.org" in hrefs
    assert OWNERSHIP["FURUSATO_LICENSE"]["url"] in hrefs
    assert footer.xpath(".//a[@rel='license']/text()") == ["CC BY 4.0"]
    assert OWNERSHIP["FURUSATO_REPOSITORY"] in hrefs
    about = "/about/" if lang == "en" else "/ja/about/"
    assert f"{about}#privacy" in hrefs and f"{about}#accessibility" in hrefs


@pytest.mark.parametrize(("url", "lang"), [("/about/", "en"), ("/ja/about/", "ja")])
def test_about_page_says_who_publishes_privacy_and_accessibility(
    owned: Path, url: str, lang: str
) -> None:
    tree = page(owned, url)
    assert tree.get("lang") == lang
    main = " ".join(tree.xpath("//main")[0].text_content().split())
    assert OWNERSHIP["FURUSATO_PUBLISHER"][lang] in main
    assert OWNERSHIP["FURUSATO_PRIVACY"][lang] in texts(tree, "//section[h2[@id='privacy']]/p")
    statement = " ".join(texts(tree, "//section[h2[@id='accessibility']]/p"))
    assert "WCAG" in statement and "2.2" in statement and "AA" in statement
    assert "axe" in statement and "Nu Html Checker" in statement
    assert tree.xpath("//section[h2[@id='accessibility']]//a/@href") == [
        "mailto:office@example.org"
    ]


def test_contribute_page_links_the_repository_when_set(owned: Path, two_prefectures: Path) -> None:
    for url in ("/contribute/", "/ja/contribute/"):
        tree = page(owned, url)
        assert OWNERSHIP["FURUSATO_REPOSITORY"] in tree.xpath("//main//a/@href")
        assert "main" in texts(tree, "//main//code")


def test_nothing_of_ownership_is_invented_when_unset(two_prefectures: Path) -> None:
    for url in ("/", "/ja/", "/tottori/"):
        footer = page(two_prefectures, url).xpath("//footer")[0]
        hrefs = footer.xpath(".//a/@href")
        assert not [h for h in hrefs if h.startswith(("mailto:", "http"))], hrefs
        assert not footer.xpath(".//a[@rel='license']")
        assert "Published by" not in footer.text_content()
    about = page(two_prefectures, "/about/")
    assert about.xpath("//h2[@id='privacy']") == []
    assert about.xpath("//section[h2[@id='accessibility']]//a") == []
    assert not [h for h in about.xpath("//main//section//a/@href") if h.startswith("mailto:")]


def test_example_notice_only_while_example_content_exists(
    two_prefectures: Path, no_examples: Path
) -> None:
    assert page(two_prefectures, "/").xpath("//footer//*[@class='example-notice']")
    assert page(two_prefectures, "/ja/").xpath("//footer//*[@class='example-notice']")
    for url in ("/", "/ja/", "/tottori/", "/about/"):
        assert not page(no_examples, url).xpath("//*[@class='example-notice']"), url
        assert "fictional" not in page(no_examples, url).text_content()


def test_logo_favicon_and_region_accent(two_prefectures: Path) -> None:
    home = page(two_prefectures, "/")
    icon = home.xpath("//link[@rel='icon']")[0]
    assert icon.get("type") == "image/svg+xml"
    assert (two_prefectures / icon.get("href").lstrip("/")).is_file()
    logo = home.xpath("//header//img")[0]
    assert (two_prefectures / logo.get("src").lstrip("/")).is_file()
    assert logo.get("alt") == ""  # the link's text names it
    tottori = page(two_prefectures, "/tottori/")
    assert tottori.xpath("//body/@class") == ["microsite region-chugoku"]
    css = (REPO / "theme/static/css/base.css").read_text(encoding="utf-8")
    for region in (
        "hokkaido",
        "tohoku",
        "kanto",
        "chubu",
        "kansai",
        "chugoku",
        "shikoku",
        "kyushu",
    ):
        assert css.count(f".region-{region} {{ --region:") == 2, region  # light and dark
    assert "@media (prefers-color-scheme: dark)" in css and "@media print" in css


def test_cards_show_the_articles_picture(two_prefectures: Path) -> None:
    tree = page(two_prefectures, "/tottori/articles/")
    pictures = tree.xpath("//li[contains(@class, 'card')]//img[@class='card-picture']")
    sources = list(SITES.joinpath("two_prefectures/content/tottori/articles").glob("*.md"))
    with_image = [p for p in sources if "\nimage:" in p.read_text(encoding="utf-8")]
    if not with_image:
        pytest.skip("the fixture has no article with a picture")
    assert pictures
    for img in pictures:
        assert img.get("loading") == "lazy" and img.get("alt")
