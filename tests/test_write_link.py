"""Every microsite has a "Write for <prefecture>" link to GitHub's new-file page with the
article template filled in; the file it makes passes `make check` only once edited."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from furusato import placeholders
from furusato.commands import cli
from tests.sitebuild import REPO, TODAY, build_site, copy_site, page
from tests.test_scaffold import write_over_samples

REPOSITORY = "https://github.com/example-org/furusato"
PAGES = ["/tottori/", "/tottori/articles/", "/tottori/ja/", "/tottori/ja/articles/"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("write")
    root = copy_site("two_prefectures", tmp / "site")
    (root / "docs").symlink_to(REPO / "docs")
    return build_site(root, tmp / "out", FURUSATO_REPOSITORY=REPOSITORY, FURUSATO_BRANCH="main")


def links(out: Path, url: str) -> list[tuple[str, str]]:
    tree = page(out, url)
    return [
        (" ".join(a.text_content().split()), a.get("href"))
        for a in tree.xpath("//p[@class='write-link']/a")
    ]


@pytest.mark.parametrize("url", PAGES)
def test_every_microsite_page_links_to_a_filled_in_new_article(built, url):
    ((text, href),) = links(built, url)
    assert text == ("鳥取県に記事を書く" if "/ja/" in url else "Write for Tottori")
    parts = urlsplit(href)
    assert (parts.scheme, parts.netloc) == ("https", "github.com")
    assert parts.path == "/example-org/furusato/new/main/content/tottori/articles"
    query = parse_qs(parts.query, strict_parsing=True)
    assert sorted(query) == ["filename", "value"]
    assert query["filename"] == [f"{TODAY}-your-title.md"]
    template = (REPO / "docs/templates/article.md").read_text(encoding="utf-8")
    expected = template.replace("\ndate: 2026-05-01 ", f"\ndate: {TODAY} ", 1)
    assert expected != template
    assert query["value"] == [expected]


def test_the_link_is_the_same_on_every_page_of_a_prefecture(built):
    assert len({links(built, url)[0][1] for url in PAGES}) == 1


def test_the_filled_in_file_passes_check_only_once_its_samples_are_replaced(
    built, tmp_path, capsys
):
    href = links(built, "/tottori/")[0][1]
    query = parse_qs(urlsplit(href).query)
    folder = urlsplit(href).path.split("/new/main/", 1)[1]
    root = copy_site("two_prefectures", tmp_path / "site")
    path = root / folder / query["filename"][0]
    path.write_text(query["value"][0], encoding="utf-8")
    assert cli.main(["check", "--root", str(root)]) == 1
    refused = capsys.readouterr().err.splitlines()[:-1]
    assert {line.split(": ", 2)[1] for line in refused} == {"title", "author", "summary", "body"}
    assert all(placeholders.MARK in line for line in refused)
    text = path.read_text(encoding="utf-8")
    text = text.replace("title: Your title here", "title: My first article")
    text = text.replace(f"author: {placeholders.AMBASSADOR_ID}", "author: amy-chen")
    path.write_text(text, encoding="utf-8")
    write_over_samples(root)
    assert cli.main(["check", "--root", str(root)]) == 0, capsys.readouterr().err


@pytest.mark.parametrize(
    "repository", [None, "https://git.example.org/alumni/furusato"], ids=["unset", "not-github"]
)
def test_without_a_github_repository_there_is_no_link(tmp_path, repository):
    root = copy_site("two_prefectures", tmp_path / "site")
    (root / "docs").symlink_to(REPO / "docs")
    out = build_site(root, tmp_path / "out", FURUSATO_REPOSITORY=repository)
    for url in PAGES:
        assert links(out, url) == []
        assert page(out, url).xpath("//main")  # the page itself is there


def test_a_prefecture_built_alone_links_to_the_same_folder(tmp_path):
    root = copy_site("two_prefectures", tmp_path / "site")
    (root / "docs").symlink_to(REPO / "docs")
    out = build_site(root, tmp_path / "out", prefecture="tottori", FURUSATO_REPOSITORY=REPOSITORY)
    ((_, href),) = links(out, "/")
    assert urlsplit(href).path.endswith("/new/main/content/tottori/articles")
