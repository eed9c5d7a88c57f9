"""Every link in a body to a repository file leads to something the build publishes: a link
to a document's .md file becomes its URL; anything else unpublished is reported with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from furusato.errors import ContentError
from furusato.reading.loader import Options, load_site
from tests.sitebuild import build_site, copy_site, page

A = "content/tottori/articles/2026-01-01-article-00.md"
LINKS = (
    "\n[next](2026-01-08-article-01.md#top), [event](../events/2026-03-01-past-fundraiser.md), "
    "[about](../../pages/about.md) and [the dunes](../images/dunes.svg).\n"
)


def with_body(tmp_path: Path, extra: str) -> Path:
    root = copy_site("two_prefectures", tmp_path / "site")
    path = root / A
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return root


def link_targets(tree) -> dict[str, str]:
    return {a.text_content(): a.get("href") for a in tree.xpath("//div[@class='body']//a")}


def test_links_to_source_files_become_the_documents_urls(tmp_path):
    root = with_body(tmp_path, LINKS)
    out = build_site(root, tmp_path / "out")
    links = link_targets(page(out, "/tottori/articles/article-00/"))
    assert {k: links[k] for k in ("next", "event", "about", "the dunes")} == {
        "next": "/tottori/articles/article-01/#top",
        "event": "/tottori/events/past-fundraiser/",
        "about": "/about/",
        "the dunes": "/tottori/images/dunes.svg",
    }
    for url in ("/tottori/articles/article-01/", "/tottori/events/past-fundraiser/", "/about/"):
        assert (out / url.lstrip("/") / "index.html").is_file()


def test_in_a_single_prefecture_site_too(tmp_path):
    root = with_body(tmp_path, LINKS)
    out = build_site(root, tmp_path / "out", prefecture="tottori")
    links = link_targets(page(out, "/articles/article-00/"))
    assert links["next"] == "/articles/article-01/#top"
    assert links["event"] == "/events/past-fundraiser/"


def test_a_link_follows_the_slug_the_target_chose(tmp_path):
    root = with_body(tmp_path, LINKS)
    target = root / "content/tottori/articles/2026-01-08-article-01.md"
    target.write_text(
        target.read_text(encoding="utf-8").replace("---\n", "---\nslug: renamed\n", 1),
        encoding="utf-8",
    )
    out = build_site(root, tmp_path / "out")
    assert link_targets(page(out, "/tottori/articles/article-00/"))["next"] == (
        "/tottori/articles/renamed/#top"
    )


def test_the_linking_page_is_rendered_again_when_the_target_moves(tmp_path):
    root = with_body(tmp_path, LINKS)
    before = {a.source: a.digest for a in load_site(Options(root=root)).articles}
    target = root / "content/tottori/articles/2026-01-08-article-01.md"
    target.write_text(
        target.read_text(encoding="utf-8").replace("---\n", "---\nslug: renamed\n", 1),
        encoding="utf-8",
    )
    after = {a.source: a.digest for a in load_site(Options(root=root)).articles}
    assert before[A] != after[A]


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_site(Options(root=root))
    return [p.format() for p in info.value.problems]


NOT_PUBLISHED = (
    "only articles, events and site pages (link to their .md file) and pictures in "
    "content/<prefecture>/images/ are published; put other files (such as PDFs) on another "
    "site and link to their https:// address"
)


@pytest.mark.parametrize(
    "body,expected",
    [
        (
            "[flyer](../files/flyer.pdf)",
            "link: the link to 'content/tottori/files/flyer.pdf' points to a file the site does "
            f"not publish; {NOT_PUBLISHED}",
        ),
        (
            "[next](2026-01-08-article-1.md)",
            "link: the link to 'content/tottori/articles/2026-01-08-article-1.md' points to a "
            "file that does not exist; link to an article's, event's or page's .md file (names "
            "are case-sensitive), or write the full https:// address",
        ),
        (
            "[map](../images/map.png#zoom)",
            "link: the link to 'content/tottori/images/map.png' points to a picture that does "
            "not exist; put it in content/tottori/images/ or fix the file name (names are "
            "case-sensitive)",
        ),
        (
            "[secret](../../../../etc/passwd.md)",
            "link: the link to '../../etc/passwd.md' points outside content/; link to an "
            "article's or event's .md file, or write the full https:// address",
        ),
        (
            "[events](../events/)",
            "link: the link to 'content/tottori/events' points to a file the site does not "
            f"publish; {NOT_PUBLISHED}",
        ),
    ],
)
def test_links_to_what_is_not_published_are_reported_with_their_line(tmp_path, body, expected):
    root = with_body(tmp_path, f"\nSome text.\n\nSee {body}.\n")
    assert problems(root) == [f"{A}:12: {expected}"]
    with pytest.raises(ContentError):
        build_site(root, tmp_path / "out")
