"""`make html PREFECTURE=tottori`: one microsite rooted at /, reading only its own files."""

from __future__ import annotations

from pathlib import Path

import pytest

from furusato.errors import BuildError, ContentError
from tests.quality.links import broken_html_references
from tests.sitebuild import SITES, build_site, copy_site, page, texts


@pytest.fixture(scope="module")
def tottori(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("single") / "output"
    return build_site(SITES / "two_prefectures", out, prefecture="tottori")


def test_the_prefecture_home_is_the_site_root(tottori: Path) -> None:
    home = page(tottori, "/")
    assert "Tottori" in texts(home, "//header//a[@class='site-name']")[0]
    assert texts(home, "//header//nav//a") == [
        "Home",
        "Articles",
        "Events",
        "Ambassadors",
        "Proposals",
        "Impact",
        "Search Tottori",
    ]
    assert not (tottori / "tottori").exists()
    assert (tottori / "articles/suna-no-oka/index.html").is_file()
    assert (tottori / "images/dunes.svg").is_file()


def test_nothing_national_or_of_another_prefecture_is_built(tottori: Path) -> None:
    files = sorted(p.relative_to(tottori).as_posix() for p in tottori.rglob("*") if p.is_file())
    assert len(files) > 20
    national = [
        f
        for f in files
        if f.startswith(("regions/", "shimane/", "tottori/", "about/")) or f == "feeds.opml"
    ]
    assert national == []
    # /impact/ is this prefecture's own report here, not the national comparison
    assert "Tottori" in texts(page(tottori, "/impact/"), "//h1")[0]
    mentions = [
        f
        for f in files
        if f.endswith(".html")
        and any(
            word in (tottori / f).read_text(encoding="utf-8")
            for word in ("/shimane/", "/regions/", "Shimane", "feeds.opml")
        )
    ]
    assert mentions == []


def test_every_internal_link_resolves(tottori: Path) -> None:
    assert broken_html_references(tottori) == []


def test_the_resolver_finds_a_broken_link(tmp_path: Path) -> None:
    out = tmp_path / "site"
    (out / "a").mkdir(parents=True)
    (out / "index.html").write_text('<a href="/a/">a</a> <a href="/b/">b</a> <a href="#x">x</a>')
    (out / "a/index.html").write_text('<p id="x"><a href="../#y">up</a></p>')
    assert sorted(broken_html_references(out)) == [
        "a/index.html:1: href='../#y': #y is not an id on /",
        "index.html:1: href='#x': #x is not an id on /",
        "index.html:1: href='/b/': /b/ is not in the build",
    ]


def test_only_that_prefectures_files_are_read(tmp_path: Path) -> None:
    # Broken files of another prefecture stop the national build, not Tottori's own site.
    root = copy_site(
        "two_prefectures",
        tmp_path / "site",
        files={
            "prefectures/shimane.yaml": "name: [unclosed\n",
            "content/shimane/articles/2026-05-01-broken.md": "---\ntitle: [\n---\n",
            "content/pages/broken.md": "no front matter\n",
        },
    )
    with pytest.raises(ContentError) as caught:
        build_site(root, tmp_path / "national")
    assert {p.path for p in caught.value.problems} >= {
        "prefectures/shimane.yaml",
        "content/shimane/articles/2026-05-01-broken.md",
    }

    out = build_site(root, tmp_path / "tottori", prefecture="tottori")
    assert (out / "index.html").is_file()


def test_an_unknown_prefecture_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as caught:
        build_site(SITES / "two_prefectures", tmp_path / "output", prefecture="tottory")
    assert [p.format() for p in caught.value.problems] == [
        "prefectures/tottory.yaml:1: PREFECTURE: there is no profile for 'tottory'; did you "
        "mean 'tottori'? PREFECTURE must be a file name from prefectures/ without .yaml"
    ]
    assert not (tmp_path / "output").exists()


@pytest.mark.parametrize("name", ["../prefectures/tottori", "Tottori", "tottori.yaml", ""])
def test_a_prefecture_that_is_not_a_slug_is_refused_as_a_setting(tmp_path: Path, name: str) -> None:
    with pytest.raises(BuildError) as caught:
        build_site(SITES / "two_prefectures", tmp_path / "output", prefecture=name)
    assert str(caught.value) == (
        f"pelicanconf.py: FURUSATO_PREFECTURE = {name!r} must be a prefecture's slug, the name "
        "of its file in prefectures/ (such as 'tottori') (build only this prefecture's site, "
        "rooted at /)"
    )
    assert not (tmp_path / "output").exists()
