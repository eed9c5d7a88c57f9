"""The engine's writer: a failed build leaves output/ as it was; a good one leaves no stale file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from furusato.errors import BuildError, ContentError
from furusato_engine.writer import SafeWriter
from tests.sitebuild import (
    REPO,
    build_site,
    copy_site,
    page,
    probed_theme,
    snapshot,
    texts,
    writer_settings,
)

ARTICLE = "content/tottori/articles/2026-03-19-article-11.md"
ARTICLE_URL = "/tottori/articles/article-11/"


def leftovers(out: Path) -> list[str]:
    """Staging and backup folders a build left beside `out` (each build makes its own)."""
    return sorted(
        p.name for p in out.parent.glob(f".{out.name}.*") if p.name != f".{out.name}.lock"
    )


def test_content_error_leaves_previous_output_untouched(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    out = build_site(root, tmp_path / "output")
    before = snapshot(out)
    article = root / ARTICLE
    article.write_text(article.read_text(encoding="utf-8").replace("date: 2026-03-19\n", ""))

    with pytest.raises(ContentError) as caught:
        build_site(root, out)

    assert [(p.path, p.field) for p in caught.value.problems] == [(ARTICLE, "date")]
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_failure_inside_a_generator_leaves_output_untouched(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    out = build_site(root, tmp_path / "output")
    before = snapshot(out)
    # A valid edit, so the next build really re-renders pages (the home page lists the
    # article, the article page shows it) before the broken template is reached.
    article = root / ARTICLE
    article.write_text(article.read_text(encoding="utf-8").replace("Article number 11", "Eleven"))
    staged_when_failing: list[str] = []

    def broken() -> str:  # rendering an article page fails, half-way through the build
        for staging in out.parent.glob(f".{out.name}.staging-*"):
            staged_when_failing.extend(p.name for p in staging.rglob("*") if p.is_file())
        return str(1 // 0)

    theme = probed_theme(tmp_path / "theme", "article.html")
    with pytest.raises(ZeroDivisionError) as caught:  # keeps the failed writer alive
        build_site(root, out, THEME=str(theme), JINJA_GLOBALS={"probe": broken})

    assert staged_when_failing, "the failure came before anything was staged; test is too weak"
    assert snapshot(out) == before
    assert leftovers(out) == []
    # The same process (a devserver) can build again at once, and the change arrives.
    build_site(root, out)
    assert caught.value is not None
    assert texts(page(out, ARTICLE_URL), "//h1") == ["Eleven"]


def test_removed_article_disappears_from_output(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    out = build_site(root, tmp_path / "output")
    assert (out / ARTICLE_URL.strip("/") / "index.html").is_file()

    (root / ARTICLE).unlink()
    build_site(root, out)

    assert not (out / ARTICLE_URL.strip("/")).exists()  # the page and its empty folder
    listed = [a.get("href") for a in page(out, "/tottori/articles/").iter("a")]
    assert ARTICLE_URL not in listed
    assert ARTICLE_URL not in (out / "sitemap.xml").read_text(encoding="utf-8")
    assert leftovers(out) == []


def test_renamed_article_moves(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    out = build_site(root, tmp_path / "output")
    text = (root / ARTICLE).read_text(encoding="utf-8")
    (root / ARTICLE).write_text(text.replace("title:", "slug: eleven\ntitle:", 1))

    build_site(root, out)

    assert not (out / "tottori/articles/article-11").exists()
    assert texts(page(out, "/tottori/articles/eleven/"), "//h1") == ["Article number 11"]


def test_incremental_rebuild_equals_a_clean_build(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    out = tmp_path / "output"
    original = (root / ARTICLE).read_text(encoding="utf-8")
    (root / ARTICLE).write_text(original.replace("Article number 11", "Eleven"))
    build_site(root, out)
    (root / ARTICLE).write_text(original)
    build_site(root, out)  # reuses every page whose inputs did not change

    clean = build_site(root, tmp_path / "clean")

    assert snapshot(out) == snapshot(clean)


def test_a_hand_edited_output_file_is_rewritten(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    out = build_site(root, tmp_path / "output")
    home = out / "tottori/index.html"
    built = home.read_bytes()
    home.write_bytes(built.replace(b"Tottori", b"Tottoro"))

    build_site(root, out)

    assert home.read_bytes() == built


def test_a_page_can_become_a_folder_and_back(tmp_path: Path) -> None:
    settings = writer_settings(tmp_path)
    out = tmp_path / "output"

    def commit(files: dict[str, bytes]) -> None:
        writer = SafeWriter(str(out), settings)
        for path, data in files.items():
            writer.write_bytes(path, data)
        writer.commit()

    commit({"news": b"a file", "index.html": b"home"})
    commit({"news/index.html": b"now a folder"})
    assert snapshot(out) == {"news/index.html": b"now a folder"}
    commit({"news": b"a file again"})
    assert snapshot(out) == {"news": b"a file again"}


def test_refuses_to_use_a_source_tree_as_output(tmp_path: Path) -> None:
    out = tmp_path / "project"
    out.mkdir()
    (out / "pyproject.toml").write_text("")
    settings = {**writer_settings(tmp_path), "PLUGIN_PATHS": []}
    with pytest.raises(BuildError) as caught:
        SafeWriter(str(out), settings)
    assert str(caught.value) == (
        f"refusing to build into {out}: the output folder holds pyproject.toml, so it is "
        "a source folder, and a build deletes every file in its output folder that it did not "
        "make. Choose a folder of its own, such as OUTPUTDIR=output; nothing was changed"
    )


def test_a_build_without_any_plugin_is_refused_and_touches_nothing(tmp_path: Path) -> None:
    # Without the engine, Pelican's own generators and writer would write output/.
    out = tmp_path / "output"
    out.mkdir()
    (out / "index.html").write_text("the previous site")
    with pytest.raises(BuildError) as caught:
        build_site(REPO / "tests/sites/two_prefectures", out, PLUGINS=[])
    assert str(caught.value) == (
        "PLUGINS does not list 'furusato_engine', which loads the content and writes the "
        "output; add it to PLUGINS in the settings file"
    )
    assert snapshot(out) == {"index.html": b"the previous site"}
    assert leftovers(out) == []


def test_settings_that_bypass_the_writer_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BuildError) as caught:
        build_site(
            REPO / "tests/sites/two_prefectures", tmp_path / "output", STATIC_PATHS=["images"]
        )
    assert str(caught.value) == (
        "pelicanconf.py: STATIC_PATHS must stay empty: Pelican would write those files into "
        "the output folder directly, and the engine would delete them"
    )
    assert not (tmp_path / "output").exists()


def test_another_process_cannot_build_into_output_while_a_build_runs(tmp_path: Path) -> None:
    settings = writer_settings(tmp_path)
    other_process = [
        sys.executable,
        "-c",
        "import sys; from furusato_engine.writer import SafeWriter; "
        f"SafeWriter(sys.argv[1], {settings!r}).commit()",
        str(tmp_path / "output"),
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO / "plugins")}
    first = SafeWriter(str(tmp_path / "output"), settings)
    first.write_bytes("index.html", b"first")

    refused = subprocess.run(other_process, capture_output=True, text=True, env=env, check=False)

    assert "BuildError: another build is writing" in refused.stderr
    staged = [p.read_bytes() for p in first.staging.iterdir()]
    assert staged == [b"first"]  # the running build's staged file is untouched
    first.commit()
    assert subprocess.run(other_process, env=env, check=False).returncode == 0
    assert not (tmp_path / "output/index.html").exists()  # the second build wrote nothing
