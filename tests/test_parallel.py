"""Pages made in worker processes: the same bytes whatever the number of workers, and a
worker's failure stops the build with the page it was making."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from furusato_engine import writer as writer_mod
from furusato_engine.writer import SafeWriter
from tests.sitebuild import REPO, build_result, copy_site, snapshot, writer_settings


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record how many workers each flush that forked asked for."""
    seen: list[int] = []
    original = SafeWriter._make_in_workers

    def recording(self: SafeWriter, jobs: list, workers: int) -> None:
        seen.append(workers)
        original(self, jobs, workers)

    monkeypatch.setattr(SafeWriter, "_make_in_workers", recording)
    return seen


# Builds in a process of their own: another test of this session may have left a thread
# running (a server, a browser driver), and then the writer rightly declines to fork.
BUILD_BOTH = """
import json, sys
from pathlib import Path
from furusato_engine.writer import SafeWriter
from tests.sitebuild import build_result

root, tmp, first, second = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
forks = []
original = SafeWriter._make_in_workers

def recording(self, jobs, workers):
    forks.append(workers)
    original(self, jobs, workers)

SafeWriter._make_in_workers = recording
rendered = []
for jobs in (first, second):
    out = tmp / f"jobs-{jobs}" / "output"
    result = build_result(root, out, cache=out.parent / "cache", FURUSATO_JOBS=jobs)
    rendered.append(result.stats.rendered)
print(json.dumps({"forks": forks, "rendered": rendered}))
"""


def isolated(script: str, *args: object) -> str:
    """Run `script` with `args` in a fresh Python process; return what it printed."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "plugins"), str(REPO)])}
    done = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def build_both(root: Path, tmp: Path, first: int, second: int) -> tuple[dict, dict, dict]:
    """Build `root` with `first` and with `second` workers in a fresh process; return what it
    said (the forks and pages rendered) and both outputs."""
    said = json.loads(isolated(BUILD_BOTH, root, tmp, first, second).splitlines()[-1])
    outputs = [snapshot(tmp / f"jobs-{jobs}" / "output") for jobs in (first, second)]
    return said, outputs[0], outputs[1]


def test_one_worker_and_three_workers_write_the_same_bytes(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    said, one, three = build_both(root, tmp_path, 1, 3)
    assert said["forks"] == [3]  # the three-worker build forked; the one-worker build did not
    assert said["rendered"][0] == said["rendered"][1] > 100
    assert sorted(one) == sorted(three)
    assert [p for p in one if one[p] != three[p]] == []


def test_the_demo_site_is_the_same_with_one_worker_and_with_two(tmp_path: Path) -> None:
    said, one, two = build_both(REPO, tmp_path, 1, 2)
    assert said["forks"] == [2]
    assert len(one) > 1000
    assert one == two


def test_with_another_thread_running_pages_are_made_in_this_process(
    tmp_path: Path, forks: list[int]
) -> None:
    # The devserver serves from a thread: forking then could leave one of its locks held.
    root = copy_site("two_prefectures", tmp_path / "site")
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        out = tmp_path / "threaded" / "output"
        build_result(root, out, cache=out.parent / "cache", FURUSATO_JOBS=2)
    finally:
        stop.set()
        thread.join()
    assert forks == []
    plain = tmp_path / "plain" / "output"
    build_result(root, plain, cache=plain.parent / "cache", FURUSATO_JOBS=1)
    assert snapshot(out) == snapshot(plain)


def _writer(tmp_path: Path, jobs: int) -> SafeWriter:
    settings = {**writer_settings(tmp_path), "FURUSATO_JOBS": jobs}
    return SafeWriter(str(tmp_path / "output"), settings)


def _page(number: int) -> dict[str, bytes]:
    return {f"pages/{number}/index.html": f"<p>page {number}</p>\n".encode()}


# A worker that fails: every page it takes raises, while this process waits a little on each
# of its own, so the worker surely takes some. Run in a process of its own (see BUILD_BOTH).
FAIL_IN_WORKER = """
import os, sys, threading, time
from pathlib import Path
from furusato.errors import BuildError
from furusato_engine import writer as writer_mod
from furusato_engine.writer import SafeWriter
from tests.sitebuild import writer_settings

tmp, failing = Path(sys.argv[1]), sys.argv[2]
writer_mod.CHUNK = 1
parent = os.getpid()

def make(number):
    here = "parent" if os.getpid() == parent else "worker"
    (tmp / f"{here}-took-a-job").touch()
    if here == failing:
        raise ValueError(f"no template for page {number}")
    # The other side waits until the failing one has taken a job, however busy the machine:
    # otherwise it could make all forty pages before the failing side starts.
    started = tmp / f"{failing}-took-a-job"
    deadline = time.monotonic() + 60
    while not started.exists() and time.monotonic() < deadline:
        threading.Event().wait(0.01)
    return {f"pages/{number}/index.html": b"<p>page</p>"}

writer = SafeWriter(str(tmp / "output"), {**writer_settings(tmp), "FURUSATO_JOBS": 2})
for number in range(40):
    writer.produce([f"pages/{number}/index.html"], "key", lambda n=number: make(n))
try:
    writer.flush()
except BuildError as exc:
    print(exc)
except ValueError as exc:
    print("here:", exc, *exc.__notes__)
try:
    os.waitpid(-1, os.WNOHANG)
    print("a worker is left")
except ChildProcessError:
    pass
writer.abandon()
"""


def fail_in(tmp_path: Path, failing: str) -> str:
    said = isolated(FAIL_IN_WORKER, tmp_path, failing)
    assert not (tmp_path / "output").exists()
    return said


def test_a_worker_that_fails_stops_the_build_and_names_the_page(tmp_path: Path) -> None:
    said = fail_in(tmp_path, "worker")
    assert said.startswith("making the pages failed (pages/")
    assert "ValueError: no template for page" in said
    assert "a worker is left" not in said


def test_when_this_process_fails_the_workers_are_stopped(tmp_path: Path) -> None:
    said = fail_in(tmp_path, "parent")
    assert said.startswith("here: no template for page ")
    assert "making pages/" in said  # the note names the page
    assert "a worker is left" not in said


def test_a_job_must_make_exactly_its_files(tmp_path: Path) -> None:
    writer = _writer(tmp_path, 1)
    writer.produce(["a/index.html", "b/index.html"], None, lambda: _page(1))
    with pytest.raises(RuntimeError, match=r"returned pages/1/index\.html"):
        writer.flush()
    writer.abandon()


def test_a_produced_path_cannot_be_written_twice(tmp_path: Path) -> None:
    writer = _writer(tmp_path, 2)
    writer.produce(["pages/1/index.html"], None, lambda: _page(1))
    with pytest.raises(RuntimeError, match=r"two parts of the build write pages/1/index\.html"):
        writer.write_bytes("pages/1/index.html", b"again")
    writer.abandon()


def test_workers_stage_changed_files_and_keep_unchanged_ones(tmp_path: Path) -> None:
    def build(pages: range, changed: int | None) -> writer_mod.Stats:
        writer = _writer(tmp_path, 2)
        for number in pages:
            made = _page(number)
            if number == changed:
                made = {path: body + b"<p>edited</p>\n" for path, body in made.items()}
            writer.produce(list(made), f"key-{number}-{number == changed}", lambda m=made: m)
        writer.flush()
        return writer.commit()

    first = build(range(300), None)
    assert (first.written, first.unchanged, first.rendered) == (300, 0, 300)
    again = build(range(300), 7)
    assert (again.written, again.unchanged) == (1, 299)
    assert (tmp_path / "output/pages/7/index.html").read_bytes().endswith(b"<p>edited</p>\n")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".output.staging")) == []
