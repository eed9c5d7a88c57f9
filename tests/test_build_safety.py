"""Build safety: no source folder as output, one build at a time, a failed commit rolled back."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from furusato import cachefiles
from furusato.commands import cli
from furusato.errors import BuildError
from furusato_engine.writer import SafeWriter
from tests.sitebuild import REPO, build_site, copy_site, probed_theme, writer_settings

ARTICLE = "content/tottori/articles/2026-03-19-article-11.md"
GONE = "content/tottori/articles/2026-01-01-article-00.md"


def tree(root: Path) -> dict[str, bytes | None]:
    """Every file and folder under `root` (folders as None), with its bytes."""
    return {
        p.relative_to(root).as_posix(): (None if p.is_dir() else p.read_bytes())
        for p in sorted(root.rglob("*"))
    }


def refusal(shown: str, problem: str) -> str:
    return (
        f"refusing to build into {shown}: the output folder {problem}, and a build deletes "
        "every file in its output folder that it did not make. Choose a folder of its own, "
        "such as OUTPUTDIR=output; nothing was changed"
    )


CASES = [
    ("content", "content", "is the content/ folder"),
    ("content/x", "content/x", "is inside the content/ folder"),
    ("content/tottori/articles", "content/tottori/articles", "is inside the content/ folder"),
    ("prefectures", "prefectures", "is the prefectures/ folder"),
    ("theme", "theme", "is the theme/ folder"),
    ("plugins/x", "plugins/x", "is inside the plugins/ folder"),
    (".", ".", "is the repository itself"),
    ("..", None, "holds the repository"),
]


@pytest.mark.parametrize(("output", "shown", "problem"), CASES, ids=[c[0] for c in CASES])
def test_a_source_folder_is_refused_as_output_and_nothing_is_touched(
    tmp_path: Path, output: str, shown: str | None, problem: str
) -> None:
    root = copy_site("two_prefectures", tmp_path / "repo" / "site")
    (root / "theme").mkdir()
    (root / "theme" / "keep.css").write_text("kept")
    before = tree(tmp_path)
    target = (root / output).resolve()

    with pytest.raises(BuildError) as caught:
        build_site(root, target, cache=tmp_path / "cache")

    assert str(caught.value) == refusal(shown or str(target), problem)
    assert tree(tmp_path) == before


def test_an_output_folder_holding_a_git_repository_is_refused(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    (tmp_path / "out" / ".git").mkdir(parents=True)
    with pytest.raises(BuildError) as caught:
        build_site(root, tmp_path / "out")
    problem = "holds .git, so it is a source folder"
    assert str(caught.value) == refusal(str(tmp_path / "out"), problem)
    assert tree(tmp_path / "out") == {".git": None}


def test_an_output_folder_that_links_to_content_is_refused(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    (tmp_path / "out").symlink_to(root / "content")
    with pytest.raises(BuildError) as caught:
        build_site(root, tmp_path / "out")
    assert str(caught.value) == refusal("content", "is the content/ folder")


@pytest.mark.parametrize(
    ("output", "shown", "problem"),
    [
        ("content", "content", "is the content/ folder"),
        ("content/x", "content/x", "is inside the content/ folder"),
        (".", ".", "is the repository itself"),
    ],
)
def test_the_cli_refuses_a_source_folder_as_output(
    tmp_path: Path, output: str, shown: str, problem: str
) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    for name in ("plugins", "theme", "pelicanconf.py"):
        (root / name).symlink_to(REPO / name)
    before = tree(root / "content")
    done = subprocess.run(
        [sys.executable, "-m", "furusato", "build", "--output", output],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(REPO / "plugins")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (2, f"build failed: {refusal(shown, problem)}\n")
    assert tree(root / "content") == before


def test_the_cli_refuses_the_parent_of_the_repository(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    for name in ("plugins", "theme", "pelicanconf.py"):
        (root / name).symlink_to(REPO / name)
    done = subprocess.run(
        [sys.executable, "-m", "furusato", "build", "--output", ".."],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(REPO / "plugins")},
        capture_output=True,
        text=True,
        check=False,
    )
    expected = refusal(str(tmp_path), "holds the repository")
    assert (done.returncode, done.stderr) == (2, f"build failed: {expected}\n")


def test_pelicans_delete_output_directory_is_refused(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    with pytest.raises(BuildError) as caught:
        build_site(root, tmp_path / "output", DELETE_OUTPUT_DIRECTORY=True)
    assert str(caught.value) == (
        "pelicanconf.py: DELETE_OUTPUT_DIRECTORY must stay False (do not pass -d to pelican): "
        "it empties the output folder before the build, so a failed build would leave no "
        "site; the engine removes stale files itself, after a successful build"
    )
    assert not (tmp_path / "output").exists()


# ---- a failed commit is rolled back -------------------------------------------------------


def edited_site(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes | None]]:
    """A built site, then edits whose commit replaces, adds and deletes files."""
    root = copy_site("two_prefectures", tmp_path / "site")
    out = build_site(root, tmp_path / "output")
    before = tree(out)
    profile = root / "prefectures/tottori.yaml"
    profile.write_text(profile.read_text().replace("en: Tottori", "en: Tottori-ken", 1))
    (root / GONE).unlink()  # its page and folder are deleted
    text = (root / ARTICLE).read_text()
    (root / ARTICLE).write_text(text.replace("title:", "slug: eleven\ntitle:", 1))  # moved
    return root, out, before


def failing_on(monkeypatch: pytest.MonkeyPatch, name: str, n: int, out: Path) -> list[int]:
    """Make os.<name> fail on its n-th call on a path in `out`; return the call counter."""
    original = getattr(os, name)
    calls = [0]

    def fake(*args, **kwargs):
        if any(str(arg).startswith(f"{out}/") for arg in args):
            calls[0] += 1
            if calls[0] == n:
                raise OSError(errno.ENOSPC, "No space left on device", str(args[-1]))
        return original(*args, **kwargs)

    monkeypatch.setattr(os, name, fake)
    return calls


@pytest.mark.parametrize(("name", "n"), [("replace", 1), ("replace", 7), ("replace", 25),
                                        ("replace", 42), ("rmdir", 1), ("rmdir", 2), ("mkdir", 1),
                                        ("link", 3)])  # fmt: skip
def test_a_commit_failing_half_way_leaves_the_previous_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, n: int
) -> None:
    root, out, before = edited_site(tmp_path)
    reached = []

    def start_failing(writer: SafeWriter) -> None:  # only the commit's own calls count
        reached.append(failing_on(monkeypatch, name, n, out))
        original_commit(writer)

    original_commit = SafeWriter.commit
    monkeypatch.setattr(SafeWriter, "commit", start_failing)

    if name == "link":  # a file system without hard links: files are moved aside instead
        build_site(root, out)
        monkeypatch.undo()
        assert tree(out) == tree(build_site(root, tmp_path / "clean"))
        return
    with pytest.raises(BuildError) as caught:
        build_site(root, out)

    assert reached and reached[0][0] >= n, "the failure was never injected"
    message = str(caught.value)
    assert message.startswith(f"could not update {out}: No space left on device (")
    assert message.endswith("); the previous site was put back as it was")
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".output.lock",
        "output",
        "output-cache",
        "site",
    ]
    # The next build (the failure gone) commits normally and equals a clean build.
    monkeypatch.undo()
    build_site(root, out)
    assert tree(out) == tree(build_site(root, tmp_path / "clean"))


def test_a_failure_writing_the_manifest_rolls_back_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, out, before = edited_site(tmp_path)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    original_commit = SafeWriter.commit

    def commit(writer: SafeWriter):
        monkeypatch.setattr(cachefiles, "write_sealed", full)
        return original_commit(writer)

    monkeypatch.setattr(SafeWriter, "commit", commit)
    with pytest.raises(BuildError) as caught:
        build_site(root, out)
    assert str(caught.value) == (
        f"could not update {out}: No space left on device; the previous site was put back as it was"
    )
    assert tree(out) == before
    monkeypatch.undo()
    # The old manifest is back, so the next build still only touches what changed.
    build_site(root, out)
    assert tree(out) == tree(build_site(root, tmp_path / "clean"))


def test_a_failing_rollback_says_where_the_previous_files_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, out, _before = edited_site(tmp_path)
    original = os.replace
    calls = [0]

    def fake(src, dst):
        calls[0] += 1
        if calls[0] >= 5:  # from the fifth file on, and while putting things back
            raise OSError(errno.EROFS, "Read-only file system", str(dst))
        return original(src, dst)

    original_commit = SafeWriter.commit

    def commit(writer: SafeWriter):
        monkeypatch.setattr(os, "replace", fake)
        return original_commit(writer)

    monkeypatch.setattr(SafeWriter, "commit", commit)
    with pytest.raises(BuildError) as caught:
        build_site(root, out)
    pattern = (
        re.escape(f"could not update {out}: Read-only file system (")
        + r".*"
        + re.escape("); putting the previous site back failed too (Read-only file system (")
        + r".*"
        + re.escape("), and its files are in ")
        + re.escape(str(tmp_path / ".output.backup-"))
        + r"\w+"
        + re.escape(f". Delete {out} and build again")
    )
    assert re.fullmatch(pattern, str(caught.value)), str(caught.value)


def test_a_full_disk_while_staging_leaves_output_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, out, before = edited_site(tmp_path)
    original = Path.write_bytes

    def full(self: Path, data: bytes) -> int:
        if ".output.staging-" in str(self):
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(BuildError) as caught:
        build_site(root, out)
    assert re.fullmatch(
        r"could not write \S+ into the staging folder (\S+): No space left on device "
        + re.escape(r"(")
        + r"\1/0"
        + re.escape(f"); {out} was left as it was"),
        str(caught.value),
    ), str(caught.value)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".output.lock",
        "output",
        "output-cache",
        "site",
    ]


# ---- one build at a time ------------------------------------------------------------------


def test_a_second_build_at_the_same_time_is_refused_and_the_first_is_unharmed(
    tmp_path: Path,
) -> None:
    root, out, _before = edited_site(tmp_path)
    inside = threading.Event()
    go_on = threading.Event()

    def pause() -> str:  # called while the first build renders an article page
        if not inside.is_set():
            inside.set()  # the first build is writing: it holds the lock and has staged files
            go_on.wait(60)
        return ""

    theme = probed_theme(tmp_path / "theme", "article.html")
    failures: list[BaseException] = []

    def first() -> None:
        try:
            build_site(root, out, THEME=str(theme), JINJA_GLOBALS={"probe": pause})
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=first, name="first")
    thread.start()
    assert inside.wait(60)
    try:
        with pytest.raises(BuildError) as caught:
            build_site(root, out, cache=tmp_path / "other-cache")  # other settings, same output
    finally:
        go_on.set()
        thread.join(60)

    assert str(caught.value) == (
        f"another build is writing {out} right now; wait for it to finish "
        "(a running `make devserver` rebuilds on every change by itself)"
    )
    assert failures == []
    assert tree(out) == tree(build_site(root, tmp_path / "clean"))


def test_each_build_stages_into_a_folder_of_its_own(tmp_path: Path) -> None:
    settings = writer_settings(tmp_path)
    first = SafeWriter(str(tmp_path / "a"), settings)
    second = SafeWriter(str(tmp_path / "b"), dict(settings))
    assert first.staging != second.staging
    assert first.staging.name.startswith(".a.staging-")
    first.abandon()
    second.abandon()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".a.lock", ".b.lock"]


def test_a_manifest_naming_paths_outside_output_is_ignored(tmp_path: Path) -> None:
    settings = writer_settings(tmp_path)
    out = tmp_path / "output"
    writer = SafeWriter(str(out), settings)
    writer.write_bytes("index.html", b"home")
    writer.commit()
    reader = SafeWriter(str(out), settings)
    assert reader.old.keys() == {"index.html"}
    reader.abandon()
    for bad in ("../escape", "/etc/passwd", "a/../../b", "a//b", ""):
        entry = {"sha1": "0" * 40, "size": 1, "mtime_ns": 1}
        body = json.dumps({"salt": writer.salt, "files": {bad: entry}}).encode()
        cachefiles.write_sealed(writer.manifest_path, f"manifest:{out.resolve()}", body)
        reader = SafeWriter(str(out), settings)
        assert reader.old == {}, bad
        reader.abandon()


def test_an_unsealed_manifest_is_ignored(tmp_path: Path) -> None:
    settings = writer_settings(tmp_path)
    out = tmp_path / "output"
    writer = SafeWriter(str(out), settings)
    writer.write_bytes("index.html", b"home")
    writer.commit()
    blob = writer.manifest_path.read_bytes()
    writer.manifest_path.write_bytes(blob.split(b"\n", 2)[2])  # the JSON without its seal
    assert SafeWriter(str(out), settings).old == {}


# ---- check reads the build's settings ------------------------------------------------------


def test_check_reads_the_settings_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    settings = tmp_path / "conf.py"
    settings.write_text(
        (REPO / "pelicanconf.py").read_text()
        + f"\nTHEME = {str(REPO / 'theme')!r}\nPATH = {str(root / 'content')!r}\n"
        "TIMEZONE = 'Europe/London'\n"
        "FURUSATO_TODAY = '2026-11-24'\nFURUSATO_CACHE_PATH = 'elsewhere'\n"
    )
    seen = []
    import furusato.reading.loader

    original = furusato.reading.loader.load

    def spy(options, cache=None):
        seen.append(options)
        return original(options, cache)

    monkeypatch.setattr(furusato.reading.loader, "load", spy)
    assert cli.main(["check", "--root", str(root), "--settings", str(settings)]) == 0
    assert (seen[0].timezone, str(seen[0].today)) == ("Europe/London", "2026-11-24")
    assert (root / "elsewhere/documents/tottori.json").is_file()
    assert not (root / ".furusato-cache").exists()


def test_check_without_its_settings_file_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    missing = tmp_path / "nowhere.py"
    assert cli.main(["check", "--root", str(root), "--settings", str(missing)]) == 2
    assert capsys.readouterr().err == (
        f"the settings file {missing} does not exist; run `make check` in the folder that "
        "holds it, or give --settings <file>\n"
    )


def test_a_broken_settings_file_is_reported_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    broken = tmp_path / "broken.py"
    broken.write_text("THEME = '/no/such/theme'\n")
    assert cli.main(["check", "--root", str(root), "--settings", str(broken)]) == 2
    assert capsys.readouterr().err == (
        f"cannot read the settings file {broken}: Could not find the theme /no/such/theme\n"
    )
    out = tmp_path / "out"
    assert cli.main(["build", "--settings", str(broken), "--output", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"cannot read the settings file {broken}: Could not find the theme /no/such/theme\n"
    )


def test_the_devserver_refuses_a_source_folder_before_serving_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    for name in ("plugins", "theme", "pelicanconf.py"):
        (root / name).symlink_to(REPO / name)
    before = tree(root / "content")
    monkeypatch.chdir(root)
    assert cli.main(["devserver", "--output", "content", "--port", "0"]) == 2
    assert capsys.readouterr().err == (
        f"build failed: {refusal('content', 'is the content/ folder')}\n"
    )
    assert tree(root / "content") == before
