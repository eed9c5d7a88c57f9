"""Only regular files inside the repository are read: links, pipes, hidden Markdown files and
files in the wrong place are reported with the fix, never followed and never skipped."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from furusato.errors import ContentError
from furusato.reading.files import name_message, unsafe_name
from furusato.reading.loader import Options, load_site
from tests.sitebuild import GOOD_ARTICLE, build_site, copy_site

LINK_FILE = (
    "file: this is a link; commit the file itself (links are never followed, so nothing it "
    "points to is published)"
)
LINK_FOLDER = (
    "file: this is a link; commit the folder itself (links are never followed, so nothing it "
    "points to is published)"
)
SPECIAL = (
    "file: this is not a regular file (it is a pipe, socket or device); only files and "
    "folders are read, so remove it"
)
HIDDEN = (
    "file name: files and folders whose name starts with a dot are not published; remove "
    "the dot from the name"
)
LOCATION = (
    "location: this file is not in a place the site reads; articles go in "
    "content/<prefecture>/articles/, events in content/<prefecture>/events/, site pages in "
    "content/pages/"
)
NOT_PUBLISHED = (
    "location: this file is not published from here: pictures go in "
    "content/<prefecture>/images/; other files (such as PDFs) cannot be published, so put them "
    "on another site and link to their https:// address, or write the text as an article"
)


def problems(root: Path, single: str | None = None) -> list[str]:
    """Load `root` and return every formatted problem (failing if there are none)."""
    with pytest.raises(ContentError) as info:
        load_site(Options(root=root, single=single))
    return [p.format() for p in info.value.problems]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_site("two_prefectures", tmp_path / "site")


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the repository that a link might try to publish."""
    path = tmp_path / "secret.md"
    path.write_text(GOOD_ARTICLE.replace("Body.", "TOP SECRET"), encoding="utf-8")
    return path


def test_a_linked_article_is_reported_and_never_read_or_published(root, secret, tmp_path):
    (root / "content/tottori/articles/2026-05-01-secret.md").symlink_to(secret)
    assert problems(root) == [f"content/tottori/articles/2026-05-01-secret.md:1: {LINK_FILE}"]
    with pytest.raises(ContentError):
        build_site(root, tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "rel",
    [
        "content/tottori/images/dunes-link.svg",  # to a file inside the repository
        "content/tottori/events/2026-05-01-gone.md",  # dangling
        "content/pages/about-link.md",
    ],
)
def test_every_link_is_reported_wherever_it_points(root, rel):
    target = {
        "content/tottori/images/dunes-link.svg": "dunes.svg",
        "content/tottori/events/2026-05-01-gone.md": "/nonexistent/file.md",
        "content/pages/about-link.md": "about.md",
    }[rel]
    (root / rel).symlink_to(target)
    assert problems(root) == [f"{rel}:1: {LINK_FILE}"]


def test_a_linked_folder_is_reported_and_not_entered(root, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.md").write_text(GOOD_ARTICLE, encoding="utf-8")
    (root / "content/tottori/articles/more").symlink_to(outside, target_is_directory=True)
    assert problems(root) == [f"content/tottori/articles/more:1: {LINK_FOLDER}"]


def test_content_and_prefectures_must_be_real_folders(root, tmp_path):
    real = tmp_path / "elsewhere"
    (root / "content").rename(real)
    (root / "content").symlink_to(real, target_is_directory=True)
    assert problems(root) == [f"content:1: {LINK_FOLDER}"]
    (root / "content").unlink()
    (root / "content").write_text("not a folder", encoding="utf-8")
    assert problems(root) == [
        "content:1: file: this must be a folder; move this file away and create content/"
    ]


def test_a_linked_profile_is_reported(root, tmp_path):
    profile = root / "prefectures/shimane.yaml"
    outside = tmp_path / "shimane.yaml"
    profile.rename(outside)
    profile.symlink_to(outside)
    assert problems(root) == [f"prefectures/shimane.yaml:1: {LINK_FILE}"]
    assert problems(root, single="tottori") == [f"prefectures/shimane.yaml:1: {LINK_FILE}"]


def test_a_named_pipe_is_reported_without_being_opened(root):
    pipe = root / "content/tottori/events/2026-05-01-pipe.md"
    os.mkfifo(pipe)
    found: list[list[str]] = []
    worker = threading.Thread(target=lambda: found.append(problems(root)), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "opening the pipe blocked the check"
    assert found == [[f"content/tottori/events/2026-05-01-pipe.md:1: {SPECIAL}"]]


def test_hidden_markdown_is_reported_and_tool_files_are_ignored(root):
    files = {
        "content/tottori/articles/.2026-05-01-draft.md": GOOD_ARTICLE,
        "content/tottori/.drafts/2026-05-02-x.md": GOOD_ARTICLE,
        "content/tottori/events/.gitkeep": "",
        "content/tottori/images/.DS_Store": "\x00\x01",
        "content/.DS_Store": "",
    }
    copy = copy_site("two_prefectures", root.parent / "hidden", files)
    assert problems(copy) == [
        f"content/tottori/.drafts/2026-05-02-x.md:1: {HIDDEN}",
        f"content/tottori/articles/.2026-05-01-draft.md:1: {HIDDEN}",
    ]


def test_hidden_tool_files_are_never_published(tmp_path):
    files = {"content/tottori/images/.DS_Store": "x", "content/tottori/events/.gitkeep": ""}
    out = build_site(copy_site("two_prefectures", tmp_path / "site", files), tmp_path / "out")
    assert sorted(p.name for p in (out / "tottori/images").iterdir()) == ["dunes.svg"]


def test_files_directly_in_content_are_reported(root):
    (root / "content/2026-05-01-lost.md").write_text(GOOD_ARTICLE, encoding="utf-8")
    (root / "content/notes.txt").write_text("notes", encoding="utf-8")
    assert problems(root) == [
        f"content/2026-05-01-lost.md:1: {LOCATION}",
        f"content/notes.txt:1: {NOT_PUBLISHED}",
    ]


def test_other_files_in_a_prefecture_folder_are_reported(root):
    (root / "content/tottori/files").mkdir()
    (root / "content/tottori/files/flyer.pdf").write_bytes(b"%PDF-1.4")
    (root / "content/pages/sub").mkdir()
    (root / "content/pages/sub/team.md").write_text(GOOD_ARTICLE, encoding="utf-8")
    assert problems(root) == [
        f"content/pages/sub/team.md:1: {LOCATION}",
        f"content/tottori/files/flyer.pdf:1: {NOT_PUBLISHED}",
    ]


def test_a_picture_outside_images_that_nothing_shows_is_reported(root):
    (root / "content/tottori/articles/photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert problems(root) == [f"content/tottori/articles/photo.png:1: {NOT_PUBLISHED}"]


def test_article_file_names_that_need_escaping_are_refused(root):
    (root / "content/tottori/articles/2026-05-01-a&b <c>.md").write_text(
        GOOD_ARTICLE, encoding="utf-8"
    )
    assert problems(root) == [
        "content/tottori/articles/2026-05-01-a&b <c>.md:1: file name: the name "
        "'2026-05-01-a&b <c>.md' has characters that cannot be used in a web address (such as "
        "spaces, quotes, #, ?, %, &, < or >); rename the file using only lowercase letters, "
        "digits, hyphens, dots and underscores, such as '2026-05-01-a-b-c.md' (and change the "
        "links to it)"
    ]


@pytest.mark.parametrize(
    "name,suggestion",
    [
        ("dunes.png", None),
        ("IMG_0001.JPG", None),
        ("砂丘.png", None),  # letters of any script are fine
        ('say "hi".png', "say-hi.png"),
        ("it's.jpg", "it-s.jpg"),
        ("a#b?.svg", "a-b.svg"),
        ("100%.gif", "100.gif"),
        ("back\\slash.png", "back-slash.png"),
        ("tab\there.png", "tab-here.png"),
        ("zero\u200bwidth.png", "zero-width.png"),
        ("full\u3000space.png", "full-space.png"),
        ("<>.png", "file.png"),
    ],
)
def test_unsafe_names_get_a_safe_suggestion(name, suggestion):
    assert unsafe_name(name) == suggestion
    if suggestion:
        assert f"such as '{suggestion}'" in name_message(name, suggestion)
