"""An incremental build must give exactly the bytes of a clean build, and do less work.

Each test builds a copy of the two_prefectures fixture, changes it, rebuilds into the same
output with the same caches, builds the changed copy again from nothing, and compares the two
outputs file by file. The clean builds parse in two worker processes, the incremental ones in
this process, so the parallel parse is checked against the serial one too.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from furusato.errors import ContentError
from furusato.reading.loader import DocumentCache, Options, load_site
from tests.sitebuild import REPO, build_result, build_site, copy_site, page, snapshot, texts

ARTICLES = "content/tottori/articles"
EDITED = f"{ARTICLES}/2026-01-29-article-04.md"


class Project:
    """A fixture copy with its own theme copy, built incrementally into one output."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.root = copy_site("two_prefectures", tmp / "site")
        self.theme = tmp / "theme"
        shutil.copytree(REPO / "theme", self.theme)
        self.out = tmp / "incremental" / "output"
        self.cache = tmp / "incremental" / "cache"
        self.clean_runs = 0

    def build(self):
        """Rebuild incrementally; return the writer's stats for this build."""
        result = build_result(
            self.root, self.out, cache=self.cache, THEME=str(self.theme), FURUSATO_JOBS=1
        )
        return result.stats

    def clean(self) -> Path:
        """Build the current sources from nothing into a fresh folder."""
        self.clean_runs += 1
        out = self.tmp / f"clean-{self.clean_runs}" / "output"
        return build_site(
            self.root, out, cache=out.parent / "cache", THEME=str(self.theme), FURUSATO_JOBS=2
        )

    def write(self, rel: str, text: str) -> None:
        (self.root / rel).write_text(text, encoding="utf-8")

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project(tmp_path)
    p.build()
    return p


def assert_same_as_clean(project: Project) -> dict[str, bytes]:
    incremental = snapshot(project.out)
    clean = snapshot(project.clean())
    assert sorted(incremental) == sorted(clean)
    different = [path for path in clean if clean[path] != incremental[path]]
    assert different == []
    return incremental


def _edit(p: Project) -> None:
    p.write(EDITED, p.read(EDITED) + "\nA paragraph added later.\n")


def _add(p: Project) -> None:
    p.write(
        f"{ARTICLES}/2026-05-01-new-arrival.md",
        "---\ntitle: A new arrival\ndate: 2026-05-01\nauthor: ken-sato\n"
        "summary: Newest of all.\n---\nHello.\n",
    )


def _translate(p: Project) -> None:
    # a Japanese translation of an English article, declared on the new side only: the
    # Japanese edition now lists it in the English article's place
    p.write(
        f"{ARTICLES}/2026-01-30-kiji-04.md",
        "---\ntitle: 記事 04\ndate: 2026-01-30\nauthor: ken-sato\nlang: ja\n"
        "translation: article-04\nsummary: 記事04の翻訳です。\n---\nこんにちは。\n",
    )


def _rename(p: Project) -> None:
    (p.root / EDITED).rename(p.root / ARTICLES / "2026-01-29-renamed-story.md")


def _delete(p: Project) -> None:
    (p.root / EDITED).unlink()


def _site_page(p: Project) -> None:
    # a new top-level page: new paths, so new rules in _headers (kept only when the site's
    # paths are unchanged)
    p.write(
        "content/pages/visiting.md",
        "---\ntitle: Visiting\nsummary: How to visit.\n---\nCome and see.\n",
    )


def _profile(p: Project) -> None:
    rel = "prefectures/tottori.yaml"
    p.write(rel, p.read(rel).replace("Fixture ambassador.", "Writes about the dunes.", 1))


def _template(p: Project) -> None:
    template = p.theme / "templates" / "article.html"
    text = template.read_text("utf-8")
    template.write_text(text.replace('<div class="body"', '<div class="body prose"'), "utf-8")


CHANGES: dict[str, Callable[[Project], None]] = {
    "edit": _edit,
    "add": _add,
    "translate": _translate,
    "rename": _rename,
    "delete": _delete,
    "site page": _site_page,
    "profile": _profile,
    "template": _template,
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_incremental_build_equals_clean_build(project: Project, change: str) -> None:
    before = snapshot(project.out)
    CHANGES[change](project)
    project.build()
    after = assert_same_as_clean(project)
    assert after != before  # the change reached the output


# What may be rendered again when one untranslated English article changes. The article has
# one page; it is listed in both editions (it has no translation), so each edition's listings
# that show it: its prefecture's home and article list page, its author's page, the national
# home and its region; each edition's RSS and Atom of its prefecture and of the nation; each
# edition's impact page of its prefecture and of the nation; the shared CSV and JSON of both.
MAY_RENDER = {
    "tottori/articles/article-04/index.html",
    *(
        f"{site}{edition}{path}"
        for site in ("", "tottori/")
        for edition in ("", "ja/")
        for path in ("index.html", "feed.xml", "atom.xml", "impact/index.html")
    ),
    *(
        f"tottori/{edition}{path}"
        for edition in ("", "ja/")
        for path in ("articles/index.html", "ambassadors/amy-chen/index.html")
    ),
    *(f"{edition}regions/chugoku/index.html" for edition in ("", "ja/")),
    # plugins/browse: the lists of all and of its kind (story), pages its tags (fixture, n4)
    *(
        f"{site}{edition}articles/{kind}{page}index.html"
        for site in ("", "tottori/")
        for edition in ("", "ja/")
        for kind in ("", "story/")
        for page in ("", "page/2/")
        if site == "" or kind
    ),
    *(
        f"{site}{edition}tags/{tag}/index.html"
        for site in ("", "tottori/")
        for edition in ("", "ja/")
        for tag in ("fixture", "n4")
    ),
    *(f"{site}impact.{kind}" for site in ("", "tottori/") for kind in ("csv", "json")),
    # the workbooks and wide CSVs list every article (the proposals pages only proposals)
    *(
        f"{site}{edition}impact{name}"
        for site in ("", "tottori/")
        for edition in ("", "ja/")
        for name in (".xlsx", "-fiscal-years.csv", "-calendar-years.csv")
    ),
    *(f"{edition}impact-by-prefecture.csv" for edition in ("", "ja/")),
    *(
        f"tottori/{edition}impact-{name}.csv"
        for edition in ("", "ja/")
        for name in ("articles-by-kind", "proposals-by-status")
    ),
}


def test_editing_one_article_renders_only_the_pages_that_show_it(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from furusato_engine.writer import SafeWriter

    rendered: list[str] = []
    entry = SafeWriter._entry  # every file made (written or produced) is recorded here

    def recording(self, path: str, digest: str, key: str | None) -> dict:
        if key is not None:  # what Stats.rendered counts
            rendered.append(path)
        return entry(self, path, digest, key)

    before = snapshot(project.out)
    _edit(project)
    monkeypatch.setattr(SafeWriter, "_entry", recording)
    stats = project.build()
    monkeypatch.undo()
    after = assert_same_as_clean(project)
    changed = sorted(path for path in after if after[path] != before.get(path))
    assert [p for p in changed if p.endswith(".html")] == ["tottori/articles/article-04/index.html"]
    # The search index holds the article's words: its changed files replace the old ones.
    index = [p for p in changed if p.startswith("pagefind/")]
    gone = [p for p in before if p not in after]
    assert index and all(p.startswith("pagefind/") for p in gone)
    assert stats.written == len(changed) and stats.deleted == len(gone)
    assert stats.rendered == len(rendered) == len(set(rendered))
    rendered_pages = set(rendered) - {p for p in rendered if p.startswith("pagefind/")}
    assert rendered_pages <= MAY_RENDER, sorted(rendered_pages - MAY_RENDER)
    assert len(MAY_RENDER) == 65
    # the article's page, and both editions' feeds that carry it
    assert {
        "tottori/articles/article-04/index.html",
        "tottori/feed.xml",
        "tottori/ja/feed.xml",
        "feed.xml",
        "ja/feed.xml",
    } <= set(rendered)
    # Pages and feeds skipped; the index's files (made together by one Pagefind run) aside.
    renders = stats.rendered - len(rendered) + len(rendered_pages)
    assert stats.skipped_renders > (renders + stats.skipped_renders) * 0.75


def test_a_rebuild_without_changes_renders_and_writes_nothing(project: Project) -> None:
    before = snapshot(project.out)
    pages = sum(1 for path in before if path.endswith(".html"))
    stats = project.build()
    assert (stats.rendered, stats.written, stats.deleted) == (0, 0, 0)
    # every HTML page goes through a render key (so do calendars and impact exports)
    assert stats.skipped_renders >= pages
    assert snapshot(project.out) == before


def test_a_same_size_edit_within_the_timestamp_resolution_is_not_missed(project: Project) -> None:
    path = project.root / EDITED
    text = project.read(EDITED)
    assert "Article number 04" in text
    # The file's mtime is in the future of the cache's last hash: too close to trust, so the
    # next build must read the bytes even though size and mtime look the same.
    future = time.time_ns() + 30_000_000_000
    os.utime(path, ns=(future, future))
    project.build()
    project.write(EDITED, text.replace("number 04", "number XY"))
    os.utime(path, ns=(future, future))
    project.build()
    tree = page(project.out, "/tottori/articles/article-04/")
    assert texts(tree, "//h1") == ["Article number XY"]
    assert_same_as_clean(project)


def test_a_deleted_image_fails_the_incremental_build_like_a_clean_one(project: Project) -> None:
    (project.root / "content/tottori/images/dunes.svg").unlink()
    with pytest.raises(ContentError) as incremental:
        project.build()
    with pytest.raises(ContentError) as clean:
        project.clean()
    assert incremental.value.report() == clean.value.report()
    assert "content/tottori/images/dunes.svg' does not exist" in incremental.value.report()


def test_a_failed_incremental_build_keeps_the_last_good_output(project: Project) -> None:
    before = snapshot(project.out)
    project.write(EDITED, project.read(EDITED).replace("author: ", "author: nobody-"))
    with pytest.raises(ContentError):
        project.build()
    assert snapshot(project.out) == before


def test_single_prefecture_cache_reads_and_writes_only_that_prefecture(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    folder = tmp_path / "cache"
    cache = DocumentCache(folder)
    load_site(Options(root=root), cache)
    cache.save()
    assert sorted(p.name for p in folder.iterdir()) == ["pages.json", "tottori.json"]
    (folder / "pages.json").write_bytes(b"not a cache")  # must not even be opened
    single = DocumentCache(folder)
    site = load_site(Options(root=root, single="tottori"), single)
    assert single.hits == 16 and len(site.articles) == 14
    single.save()
    assert (folder / "pages.json").read_bytes() == b"not a cache"


def test_parallel_parse_gives_the_same_documents_as_serial(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    serial = load_site(Options(root=root, jobs=1), DocumentCache())
    parallel = load_site(Options(root=root, jobs=2), DocumentCache())
    assert [(a.source, a.html, a.meta) for a in serial.articles] == [
        (a.source, a.html, a.meta) for a in parallel.articles
    ]
    assert [(e.source, e.html, e.meta) for e in serial.events] == [
        (e.source, e.html, e.meta) for e in parallel.events
    ]
