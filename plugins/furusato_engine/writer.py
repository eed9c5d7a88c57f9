"""The writer every generator uses: stage changed files, then swap them into output/ only when
the whole build succeeded.

The writer renders each page only when the inputs it was given changed (its *render key*),
writes a file only when its bytes changed, and at the end of a successful build moves the
staged files into place and deletes every file the build did not produce. A build that
fails before that point leaves output/ exactly as it was; a commit that fails half-way is
rolled back from its journal (every file it replaced or deleted was set aside first), so
output/ is again exactly the previous build.

Files may also be *produced*: a generator hands the writer the paths, the render key and a
function that makes their bytes, and the writer runs those functions when the pages are
complete, shared among worker processes forked from the build (`FURUSATO_JOBS`). Each
function's bytes are the same in any process, the staged files are named after the job, and
the commit sorts them by path, so the output is byte-identical whatever the number of workers.

One build at a time writes an output folder (a lock beside it); each build stages into a
folder of its own, and the output folder may never be a source folder (a build deletes
every file there that it did not make).
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import hashlib
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from furusato import cachefiles
from furusato.errors import BuildError
from furusato.reading.repository import cache_folder
from furusato.settings import output_settings

log = logging.getLogger(__name__)


class SiteWriter(Protocol):
    """What a generator may ask of the writer (the contract between the engine and the
    output families): keep a current file, write bytes, copy a file, list what is made."""

    def up_to_date(self, path: str, key: str | None) -> bool:
        """Keep output/`path` if it was made from render key `key`; say whether it was kept."""

    def all_up_to_date(self, paths: list[str], key: str) -> bool:
        """Keep a group of files made together only if all are current; say whether kept."""

    def write_bytes(self, path: str, data: bytes, key: str | None = None) -> None:
        """Write `data` to output/`path` (relative, POSIX) when the build commits."""

    def produce(
        self, paths: Sequence[str], key: str | None, make: Callable[[], Mapping[str, bytes]]
    ) -> None:
        """Write the files `paths`, made together from render key `key`, with the bytes
        `make()` returns for each: now, or with other pages in a worker process. `make` may
        read the Site but must change nothing the build reads afterwards."""

    def copy_file(self, source: Path, path: str) -> None:
        """Publish a file as it is."""

    def paths(self) -> list[str]:
        """Return every output path this build has made or kept so far, sorted."""

    def digest(self, path: str) -> str | None:
        """Return the SHA-1 of the bytes this build made or kept for `path`, or None."""

    def read_bytes(self, path: str) -> bytes:
        """Return the bytes this build made or kept for `path` (staged or in output/)."""


def _sha1(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def code_digest(settings: dict[str, Any]) -> str:
    """Hash the theme and the plugins: any change to them re-renders every page."""
    digest = hashlib.sha1(usedforsecurity=False)
    roots = [Path(settings["THEME"]), *(Path(p) for p in settings.get("PLUGIN_PATHS", []))]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass
class Stats:
    """What one build did to output/."""

    written: int = 0
    unchanged: int = 0
    skipped_renders: int = 0
    rendered: int = 0  # pages rendered because their render key changed
    deleted: int = 0


# Produced jobs worth forking worker processes for (when FURUSATO_JOBS is not set), and how
# many jobs a worker takes at a time from the shared counter.
PARALLEL_MIN = 200
CHUNK = 8


@dataclass
class _Job:
    """Files to make together: their paths, render key and the function making their bytes."""

    paths: list[str]
    key: str | None
    make: Callable[[], Mapping[str, bytes]]


class SafeWriter:
    """Pelican writer that stages changed files and commits them atomically per file."""

    def __init__(self, output_path: str, settings: dict[str, Any]):
        self.output = Path(output_path).resolve()
        self.settings = settings
        check_output_location(self.output, settings)
        name = _sha1(str(self.output).encode())[:12]
        self.manifest_path = cache_folder(settings) / f"manifest-{name}.json"
        self._lock_fd = _lock(self.output)
        _RUNNING[id(settings)] = self
        self._out = str(self.output) + os.sep  # string paths: pathlib is slow per page
        # The staging folder belongs to this build alone (a unique name, made under the lock);
        # folders left by a build that was killed are removed.
        for left in self.output.parent.glob(f".{self.output.name}.staging-*"):
            shutil.rmtree(left, ignore_errors=True)
        self.staging = Path(
            tempfile.mkdtemp(prefix=f".{self.output.name}.staging-", dir=self.output.parent)
        )
        self.salt = self._salt()
        self._old_manifest: bytes | None = None
        self.old = self._load_manifest() if settings["FURUSATO_INCREMENTAL"] else {}
        # Files a focused run rewrote since: their new bytes, and no render key (the key
        # recorded was that of the bytes they replaced).
        self.old.update(self._focused_writes())
        self.new: dict[str, dict[str, Any]] = {}
        # Staged files are flat (numbered) rather than mirroring output/'s tree: one folder per
        # page would cost a mkdir and an rmdir per page, slower than the writes themselves.
        self.staged: list[tuple[Path, str]] = []
        self._staged_by_path: dict[str, Path] | None = None
        self.stats = Stats()
        self.jobs = settings.get("FURUSATO_JOBS")  # None: one per CPU, when worth it
        self._pending: list[_Job] = []

    def _purpose(self) -> str:
        return f"manifest:{self.output}"

    def _salt(self) -> str:
        """Digest what every render key depends on: the code and the output settings."""
        settings = self.settings
        return _sha1(
            (
                code_digest(settings)
                + json.dumps(output_settings(settings), sort_keys=True, default=str)
            ).encode()
        )

    def _focused_writes(self) -> dict[str, dict[str, Any]]:
        """Take what focused runs wrote into output/ since the last build (see FocusedWriter)."""
        return _FOCUSED_WRITES.pop(str(self.output), {})

    def _load_manifest(self) -> dict[str, dict[str, Any]]:
        body = cachefiles.read_sealed(self.manifest_path, self._purpose())
        if body is None:
            return {}
        try:
            data = json.loads(body)
            files = data["files"] if data.get("salt") == self.salt else {}
            if not isinstance(files, dict) or not all(
                _is_output_path(path) and _is_entry(entry) for path, entry in files.items()
            ):
                raise ValueError("a path or an entry is not what a build writes")
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            log.info("ignoring the manifest %s (%s)", self.manifest_path, exc)
            return {}
        if not self.output.is_dir():
            return {}
        self._old_manifest = cachefiles.seal(self._purpose(), body)
        return files

    # Pelican's own generators are switched off; anything calling these is a configuration bug.
    def write_file(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError(
            "Furusato writes pages through its own generators; "
            "Pelican's ArticlesGenerator/PagesGenerator must stay empty"
        )

    write_feed = write_file

    def _is_current(self, path: str, key: str | None) -> bool:
        """Say whether output/`path` was made from this render key and is intact (no effect)."""
        if key is None:
            return False
        entry = self.old.get(path)
        full_key = _sha1(f"{self.salt}:{key}".encode())
        return bool(entry and entry.get("key") == full_key and self._intact(path, entry))

    def all_up_to_date(self, paths: list[str], key: str) -> bool:
        """Keep a group of files made together (a report and its exports) only if all of them
        are current; say whether they were kept."""
        if not all(self._is_current(path, key) for path in paths):
            return False
        for path in paths:
            self.up_to_date(path, key)
        return True

    def up_to_date(self, path: str, key: str | None) -> bool:
        """Keep the existing file when its render key is unchanged; say whether it was kept."""
        if self._is_current(path, key):
            self.new[path] = self.old[path]
            self.stats.skipped_renders += 1
            return True
        return False

    def render(self, path: str, template: Any, context: dict[str, Any], key: str | None) -> None:
        """Render `template` into `path` unless an identical render key says it is current."""
        if self.up_to_date(path, key):
            return
        self.write_bytes(path, template.render(context).encode("utf-8"), key)

    def write_bytes(self, path: str, data: bytes, key: str | None = None) -> None:
        """Write `data` to output/`path` at commit time, unless the file already holds it."""
        self._claim(path)
        self._store(path, data, key)

    def _claim(self, path: str) -> None:
        """Refuse a path that another part of the build writes, or a write after the commit."""
        if path in self.new:
            raise RuntimeError(f"two parts of the build write {path}")
        if self._lock_fd is None:
            raise RuntimeError(f"{path} was written after the build committed output/")

    def produce(
        self, paths: Sequence[str], key: str | None, make: Callable[[], Mapping[str, bytes]]
    ) -> None:
        """Write the files `paths` (made together from render key `key`) with the bytes
        `make()` returns for each, when the pages are complete (`flush`), in worker
        processes when there are many. `make` must change nothing the build reads later:
        in a worker, its changes are lost."""
        paths = list(paths)
        for path in paths:
            self._claim(path)
            self.new[path] = _PENDING
        self._pending.append(_Job(paths, key, make))

    def flush(self) -> None:
        """Make every produced file: in worker processes forked from this one when there are
        enough of them and forking is safe, otherwise here, one after the other."""
        jobs, self._pending = self._pending, []
        if not jobs:
            return
        workers = self.jobs or os.cpu_count() or 1
        workers = min(workers, len(jobs))
        wanted = workers > 1 and (self.jobs is not None or len(jobs) >= PARALLEL_MIN)
        # fork copies only the calling thread: with others running (the devserver's HTTP
        # server), a lock one of them holds would stay held in the worker for ever.
        forkable = sys.platform.startswith("linux") and threading.active_count() == 1
        if wanted and forkable:
            self._make_in_workers(jobs, workers)
            return
        for job in jobs:
            files = _made(job)
            for path in job.paths:
                self._store(path, files[path], job.key)

    def _make_in_workers(self, jobs: list[_Job], workers: int) -> None:
        """Make `jobs` in this process and `workers - 1` forked ones, each taking the next
        few jobs from a shared counter, and record what each made."""
        import multiprocessing  # only builds that fork pay for importing it

        counter = multiprocessing.get_context("fork").Value("q", 0)
        results = self.staging / "results"
        results.mkdir()
        # Objects that exist now are never collected in the workers: the collector would
        # otherwise touch, and so copy, every page of memory they share with this process.
        gc.freeze()
        children: list[int] = []
        try:
            for number in range(1, workers):
                pid = os.fork()
                if pid == 0:  # the worker: make its shares, write what it made, and leave
                    status = 1
                    try:
                        made = self._work(jobs, counter)
                        (results / str(number)).write_text(json.dumps(made))
                        status = 0
                    except BaseException as exc:  # reported to the parent
                        _report(results / str(number), exc)
                    finally:
                        sys.stdout.flush()
                        sys.stderr.flush()
                        os._exit(status)
                children.append(pid)
            mine = self._work(jobs, counter)
        except BaseException:
            for pid in children:  # this process failed (or was interrupted): stop the others
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            raise
        finally:
            failed = _reap(children)
            gc.unfreeze()
        made = [mine]
        for number in range(1, workers):
            answer = results / str(number)
            try:
                body = json.loads(answer.read_text())
            except (OSError, ValueError):
                body = {"error": "the worker process ended without saying why"}
            if isinstance(body, dict):
                where = f" ({body['path']})" if body.get("path") else ""
                raise BuildError(f"making the pages failed{where}: {body['error']}")
            made.append(body)
        if failed:
            raise BuildError(f"a worker process making the pages failed ({failed})")
        shutil.rmtree(results)
        entries = sorted(tuple(entry) for share in made for entry in share)
        for index, position, digest, staged in entries:
            job = jobs[index]
            path = job.paths[position]
            if staged is None:
                self._unchanged(path, digest, job.key)
            else:
                self._staged(path, digest, job.key, self.staging / staged)

    def _work(self, jobs: list[_Job], counter: Any) -> list[tuple[int, int, str, str | None]]:
        """Make jobs taken from `counter` until none is left; stage each changed file under a
        name of its job's and return (job, position, SHA-1, staged name or None)."""
        made: list[tuple[int, int, str, str | None]] = []
        while True:
            with counter.get_lock():
                start = counter.value
                counter.value = start + CHUNK
            if start >= len(jobs):
                return made
            for index in range(start, min(start + CHUNK, len(jobs))):
                job = jobs[index]
                try:
                    files = _made(job)
                except Exception as exc:
                    exc.add_note(f"making {', '.join(job.paths)}")
                    raise
                for position, path in enumerate(job.paths):
                    data = files[path]
                    digest = _sha1(data)
                    if self._same(path, digest):
                        made.append((index, position, digest, None))
                        continue
                    name = f"{index}.{position}"
                    _stage(self.staging / name, data, path, self.staging, self.output)
                    made.append((index, position, digest, name))

    def _same(self, path: str, digest: str) -> bool:
        """Say whether output/`path` already holds bytes of SHA-1 `digest` (no effect)."""
        old = self.old.get(path)
        return bool(old and old.get("sha1") == digest and self._intact(path, old))

    def _store(self, path: str, data: bytes, key: str | None) -> None:
        """Record `path`'s bytes: keep the file in output/ that holds them, or stage them."""
        digest = _sha1(data)
        if self._same(path, digest):
            self._unchanged(path, digest, key)
            return
        staged = self.staging / str(len(self.staged))
        _stage(staged, data, path, self.staging, self.output)
        self._staged(path, digest, key, staged)

    def _entry(self, path: str, digest: str, key: str | None) -> dict[str, Any]:
        entry: dict[str, Any] = {"sha1": digest}
        if key is not None:
            entry["key"] = _sha1(f"{self.salt}:{key}".encode())
            self.stats.rendered += 1
        self.new[path] = entry
        return entry

    def _unchanged(self, path: str, digest: str, key: str | None) -> None:
        old = self.old[path]
        self._entry(path, digest, key).update(size=old["size"], mtime_ns=old["mtime_ns"])
        self.stats.unchanged += 1

    def _staged(self, path: str, digest: str, key: str | None, staged: Path) -> None:
        self._entry(path, digest, key)
        self.staged.append((staged, path))
        self.stats.written += 1

    def _intact(self, path: str, entry: dict[str, Any]) -> bool:
        """Say whether output/`path` is still the file the manifest recorded (same size, mtime).

        A file edited by hand, or left half-updated by an interrupted commit, fails this
        check and is written again.
        """
        try:
            st = os.stat(self._out + path)
        except OSError:
            return False
        return entry.get("size") == st.st_size and entry.get("mtime_ns") == st.st_mtime_ns

    def copy_file(self, source: Path, path: str) -> None:
        """Publish a file as it is (theme assets, images)."""
        self.write_bytes(path, source.read_bytes())

    def paths(self) -> list[str]:
        """Return every output path this build has made or kept so far, sorted."""
        return sorted(self.new)

    def digest(self, path: str) -> str | None:
        """Return the SHA-1 of the bytes this build made or kept for `path`, or None."""
        self.flush()
        entry = self.new.get(path)
        return entry["sha1"] if entry else None

    def read_bytes(self, path: str) -> bytes:
        """Return the bytes this build made or kept for `path`: the staged file when it was
        written, else the current one in output/ (families that derive files from pages)."""
        if path not in self.new:
            raise KeyError(f"{path} is not part of this build")
        self.flush()
        if self._staged_by_path is None or len(self._staged_by_path) != len(self.staged):
            self._staged_by_path = {name: staged for staged, name in self.staged}
        staged = self._staged_by_path.get(path)
        return staged.read_bytes() if staged is not None else Path(self._out + path).read_bytes()

    def commit(self) -> Stats:
        """Move staged files into output/ and delete files this build did not produce.

        Every file replaced or deleted is first set aside in a backup folder, so that a
        failure half-way puts everything back (BuildError) and output/ stays the last build.
        """
        self.flush()
        # Without a manifest the next build rewrites everything, so a commit interrupted
        # half-way can never leave a file that the manifest wrongly calls current.
        self.manifest_path.unlink(missing_ok=True)
        try:
            backup = tempfile.mkdtemp(prefix=f".{self.output.name}.backup-", dir=self.output.parent)
        except OSError as exc:
            self.abandon()
            raise BuildError(
                f"could not update {self.output}: {_reason(exc)}; it was left as it was"
            ) from exc
        journal = _Journal(Path(backup))
        try:
            self._apply(journal)
        except Exception as exc:
            try:
                journal.rollback()
                if self._old_manifest is not None:
                    cachefiles.write_atomic(self.manifest_path, self._old_manifest)
            except Exception as again:
                self.abandon()
                raise BuildError(
                    f"could not update {self.output}: {_reason(exc)}; putting the previous "
                    f"site back failed too ({_reason(again)}), and its files are in "
                    f"{journal.backup}. Delete {self.output} and build again"
                ) from exc
            shutil.rmtree(journal.backup, ignore_errors=True)
            self.abandon()
            raise BuildError(
                f"could not update {self.output}: {_reason(exc)}; the previous site was "
                "put back as it was"
            ) from exc
        shutil.rmtree(journal.backup, ignore_errors=True)
        self._release()
        log.info(
            "%s: %d pages rendered, %d not re-rendered; %d files written, %d unchanged, %d deleted",
            self.output,
            self.stats.rendered,
            self.stats.skipped_renders,
            self.stats.written,
            self.stats.unchanged,
            self.stats.deleted,
        )
        return self.stats

    def _apply(self, journal: _Journal) -> None:
        """Do the commit's changes to output/ through `journal`, then write the manifest."""
        if not self.output.is_dir():
            journal.makedirs(self.output)
        # Folders known to be real folders by now: each page's parents are checked once.
        folders: set[str] = {str(self.output)}
        for staged, path in sorted(self.staged, key=lambda item: item[1]):
            target = self._out + path
            _clear_way(self._out, path, folders, journal)  # a page that became a folder, or back
            if os.path.isdir(target) and not os.path.islink(target):
                journal.set_aside(target)
            journal.place(str(staged), target)
        try:
            self.staging.rmdir()  # every staged file has moved: usually empty
        except OSError:
            shutil.rmtree(self.staging, ignore_errors=True)
        self._delete_stale(set(self.new), journal)
        for rel, entry in self.new.items():
            if "mtime_ns" not in entry:
                st = os.stat(self._out + rel)
                entry.update(size=st.st_size, mtime_ns=st.st_mtime_ns)
        body = json.dumps({"salt": self.salt, "files": self.new}, sort_keys=True).encode()
        cachefiles.write_sealed(self.manifest_path, self._purpose(), body)

    def _delete_stale(self, keep: set[str], journal: _Journal) -> None:
        """Set aside every file under output/ that this build did not produce, then empty
        folders."""
        # os.walk, children before parents, with string paths, is several times faster than
        # sorted(rglob()) on a site of ten thousand pages; symlinks count as files.
        emptied: set[str] = set()
        root = str(self.output)
        for top, dirs, files in os.walk(root, topdown=False):
            prefix = "" if top == root else top[len(root) + 1 :].replace(os.sep, "/") + "/"
            left = 0
            for name in files:
                if prefix + name in keep:
                    left += 1
                else:
                    journal.set_aside(os.path.join(top, name))
                    self.stats.deleted += 1
            for name in dirs:
                path = os.path.join(top, name)
                if os.path.islink(path):
                    if prefix + name in keep:
                        left += 1
                    else:
                        journal.set_aside(path)
                        self.stats.deleted += 1
                elif path not in emptied:
                    left += 1
            if top != root and left == 0:
                journal.rmdir(top)
                emptied.add(top)

    def abandon(self) -> None:
        """Drop staged files after a failed build and let other builds write output/."""
        shutil.rmtree(self.staging, ignore_errors=True)
        self._release()

    def _release(self) -> None:
        if _RUNNING.get(id(self.settings)) is self:
            del _RUNNING[id(self.settings)]
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the file releases its flock
            self._lock_fd = None


class FocusedWriter(SafeWriter):
    """The writer of a focused run (the devserver's quick step): it makes only the output
    paths in `wanted` and puts them in place at once, beside the last full build.

    Nothing else in output/ changes: no file is deleted, the manifest is neither read nor
    rewritten, and every other path a generator offers is ignored (`up_to_date` says it is
    kept, so its bytes are never made). Each made file is compared with output/ itself.
    What it wrote is handed to the next full build's writer in this process (see
    `_FOCUSED_WRITES`), so that build keeps those files when it makes the same bytes.
    """

    wanted: set[str]  # set on a subclass by `focused_writer`; filled in as the run goes

    def __init__(self, output_path: str, settings: dict[str, Any]):
        super().__init__(output_path, settings)
        self.jobs = 1  # a few pages: made here, never in forked workers

    def _salt(self) -> str:
        return ""  # no render key is recorded: each made file is compared with output/

    def _load_manifest(self) -> dict[str, dict[str, Any]]:
        return {}

    def _focused_writes(self) -> dict[str, dict[str, Any]]:
        return {}  # left for the next full build

    def up_to_date(self, path: str, key: str | None) -> bool:
        return path not in self.wanted

    def all_up_to_date(self, paths: list[str], key: str) -> bool:
        return not any(path in self.wanted for path in paths)

    def write_bytes(self, path: str, data: bytes, key: str | None = None) -> None:
        if path in self.wanted:
            super().write_bytes(path, data, key)

    def copy_file(self, source: Path, path: str) -> None:
        if path in self.wanted:
            super().copy_file(source, path)

    def produce(
        self, paths: Sequence[str], key: str | None, make: Callable[[], Mapping[str, bytes]]
    ) -> None:
        if any(path in self.wanted for path in paths):
            super().produce(paths, key, make)

    def _same(self, path: str, digest: str) -> bool:
        try:
            with open(self._out + path, "rb") as fh:
                return _sha1(fh.read()) == digest
        except OSError:
            return False

    def _unchanged(self, path: str, digest: str, key: str | None) -> None:
        self.new[path] = {"sha1": digest}
        self.stats.unchanged += 1

    def commit(self) -> Stats:
        """Put each changed file in place (atomically, one by one) and nothing else."""
        self.flush()
        written: dict[str, dict[str, Any]] = {}
        try:
            for staged, path in sorted(self.staged, key=lambda item: item[1]):
                target = self._out + path
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.replace(staged, target)
                st = os.stat(target)
                entry = {"sha1": self.new[path]["sha1"], "size": st.st_size}
                written[path] = {**entry, "mtime_ns": st.st_mtime_ns}
        except OSError as exc:
            raise BuildError(f"could not update {self.output}: {_reason(exc)}") from exc
        finally:
            _FOCUSED_WRITES.setdefault(str(self.output), {}).update(written)
            self.abandon()
        return self.stats


def focused_writer(wanted: set[str]) -> type[FocusedWriter]:
    """Return a writer class making only the output paths in `wanted` (a set the focused run
    fills in as its generators reach the pages; Pelican instantiates the class itself)."""
    return type("BoundFocusedWriter", (FocusedWriter,), {"wanted": wanted})


# Files focused runs wrote in this process, by output folder: path -> manifest entry without
# a render key. The next full build's writer takes them as what output/ holds.
_FOCUSED_WRITES: dict[str, dict[str, dict[str, Any]]] = {}


# The writer of each running build, by id() of its settings: Pelican creates the writer inside
# run(), so when a build fails, abandon() finds that build's own writer here and releases its
# lock at once (the devserver's next rebuild, in this process, needs it).
_RUNNING: dict[int, SafeWriter] = {}


def abandon(settings: Mapping[str, Any]) -> None:
    """Drop the staging folder and lock of the build run with `settings`, if it has a writer."""
    writer = _RUNNING.get(id(settings))
    if writer is not None:
        writer.abandon()


# What a produced path holds in SafeWriter.new until its job has run.
_PENDING: dict[str, Any] = {}


def _made(job: _Job) -> Mapping[str, bytes]:
    """Run a produced job; check that it made exactly its paths, as bytes."""
    files = job.make()
    if set(files) != set(job.paths) or not all(isinstance(b, bytes) for b in files.values()):
        raise RuntimeError(
            f"a job to make {', '.join(job.paths)} returned {', '.join(sorted(files))}"
        )
    return files


def _stage(staged: Path, data: bytes, path: str, staging: Path, output: Path) -> None:
    """Write `data`, the future output/`path`, to the staging file `staged`."""
    try:
        staged.write_bytes(data)
    except OSError as exc:
        raise BuildError(
            f"could not write {path} into the staging folder {staging}: "
            f"{_reason(exc)}; {output} was left as it was"
        ) from exc


def _report(answer: Path, exc: BaseException) -> None:
    """Tell the parent why a worker failed: the error's text, its notes and where it was."""
    notes = getattr(exc, "__notes__", [])
    where = notes[-1].removeprefix("making ") if notes else ""
    text = _reason(exc) if isinstance(exc, BuildError | OSError) else f"{type(exc).__name__}: {exc}"
    log.debug("worker failed:\n%s", "".join(traceback.format_exception(exc)))
    with contextlib.suppress(OSError):  # the parent then says the worker gave no reason
        answer.write_text(json.dumps({"error": text, "path": where}))


def _reap(children: list[int]) -> str:
    """Wait for every worker; return how the first that failed ended ('' when none did)."""
    failed = ""
    for pid in children:
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code and not failed:
            failed = f"exit status {code}" if code > 0 else f"signal {-code}"
    return failed


class _Journal:
    """Changes made to output/ during a commit, each with the way to undo it."""

    def __init__(self, backup: Path):
        self.backup = backup
        self._undo: list[tuple[str, str, str]] = []
        self._count = 0

    def _spare(self) -> str:
        self._count += 1
        return os.path.join(self.backup, str(self._count))

    def set_aside(self, path: str) -> None:
        """Move `path` (a file, link or folder) into the backup folder."""
        spare = self._spare()
        os.replace(path, spare)
        self._undo.append(("restore", path, spare))

    def place(self, staged: str, target: str) -> None:
        """Move a staged file to `target`, keeping a hard link to the file it replaces.

        The replacement stays atomic (a reader never finds the file missing).
        """
        if os.path.isfile(target) and not os.path.islink(target):
            spare = self._spare()
            try:
                os.link(target, spare)
            except OSError:
                self.set_aside(target)
            else:
                self._undo.append(("restore", target, spare))
            os.replace(staged, target)
            return
        if os.path.lexists(target):
            self.set_aside(target)
        os.replace(staged, target)
        self._undo.append(("added", target, ""))

    def mkdir(self, path: str) -> None:
        """Create the folder `path` (its parent exists)."""
        os.mkdir(path)
        self._undo.append(("made", path, ""))

    def makedirs(self, path: Path) -> None:
        """Create `path` and its missing parents."""
        missing: list[Path] = []
        while not path.exists():
            missing.append(path)
            path = path.parent
        for folder in reversed(missing):
            os.mkdir(folder)
            self._undo.append(("made", str(folder), ""))

    def rmdir(self, path: str) -> None:
        """Remove the empty folder `path`."""
        os.rmdir(path)
        self._undo.append(("removed", path, ""))

    def rollback(self) -> None:
        """Undo every change, last first."""
        while self._undo:
            action, path, other = self._undo[-1]
            if action == "restore":
                os.replace(other, path)
            elif action == "added":
                os.unlink(path)
            elif action == "made":
                os.rmdir(path)
            else:
                os.mkdir(path)
            self._undo.pop()


def _reason(exc: BaseException) -> str:
    """Say what went wrong in words (no traceback)."""
    if isinstance(exc, OSError) and exc.strerror:
        where = exc.filename
        return f"{exc.strerror} ({where})" if where else exc.strerror
    return str(exc) or type(exc).__name__


def _is_output_path(path: object) -> bool:
    """Say whether a manifest key is a plain relative path inside output/."""
    return (
        isinstance(path, str)
        and bool(path)
        and "\\" not in path
        and "\0" not in path
        and not path.startswith("/")
        and all(part not in ("", ".", "..") for part in path.split("/"))
    )


def _is_entry(entry: object) -> bool:
    """Say whether a manifest entry has the fields and types a build writes."""
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("sha1"), str)
        and isinstance(entry.get("size", 0), int)
        and isinstance(entry.get("mtime_ns", 0), int)
        and isinstance(entry.get("key", ""), str)
    )


def _clear_way(out: str, path: str, folders: set[str], journal: _Journal) -> None:
    """Make the folders of output/`path`, setting aside a file or link that stands where one
    must be (a page that became a folder, or back). `out` ends with a separator."""
    parts = path.split("/")[:-1]
    folder = out.rstrip(os.sep)
    for part in parts:
        folder = f"{folder}{os.sep}{part}"
        if folder in folders:
            continue
        if os.path.islink(folder) or (os.path.lexists(folder) and not os.path.isdir(folder)):
            journal.set_aside(folder)
        if not os.path.isdir(folder):
            journal.mkdir(folder)
        folders.add(folder)


def _lock(output: Path) -> int:
    """Hold an exclusive lock for writing `output`; refuse a second build into it.

    The lock file sits beside the output folder, so builds with different settings or cache
    folders still exclude each other. flock() belongs to the open file, so a second build
    in the same process (a thread) is refused too; it ends at commit, when the failed
    build is abandoned, or when the process ends.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    path = output.parent / f".{output.name}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise BuildError(
            f"another build is writing {output} right now; wait for it to finish "
            "(a running `make devserver` rebuilds on every change by itself)"
        ) from None
    return fd


# Folders of the repository that a build reads: the output folder may not be one of them,
# hold one, or sit inside one (a build deletes every file of its output folder it did not make).
_SOURCE_FOLDERS = ("content", "prefectures", "theme", "plugins")


def check_output_location(output: Path, settings: Mapping[str, Any]) -> None:
    """Raise BuildError if `output` is, holds or sits inside a source folder or the repository.

    Called before anything is written or deleted.
    """
    output = output.resolve()
    root = Path(settings["PATH"]).parent.resolve()

    def shown(path: Path) -> str:
        try:
            rel = path.relative_to(root).as_posix()
        except ValueError:
            return str(path)
        return "." if rel == "." else rel

    protected = {root / name: f"{name}/" for name in _SOURCE_FOLDERS}
    for key in ("PATH", "THEME"):
        if settings.get(key):
            protected.setdefault(
                Path(settings[key]).resolve(), f"{shown(Path(settings[key]).resolve())}/"
            )
    for folder in settings.get("PLUGIN_PATHS") or ():
        protected.setdefault(Path(folder).resolve(), f"{shown(Path(folder).resolve())}/")
    problem = None
    if output == root:
        problem = "is the repository itself"
    elif output in root.parents:
        problem = "holds the repository"
    elif output == Path.home() or output == Path(output.anchor):
        problem = "is your home folder" if output == Path.home() else "is the top of the disk"
    else:
        for folder, name in protected.items():
            folder = folder.resolve()
            if output == folder:
                problem = f"is the {name} folder"
            elif folder in output.parents:
                problem = f"is inside the {name} folder"
            elif output in folder.parents:
                problem = f"holds the {name} folder"
            if problem:
                break
    if problem is None:
        for marker in (".git", "pelicanconf.py", "pyproject.toml"):
            if (output / marker).exists() or (output / marker).is_symlink():
                problem = f"holds {marker}, so it is a source folder"
                break
    if problem:
        raise BuildError(
            f"refusing to build into {shown(output)}: the output folder {problem}, and a build "
            "deletes every file in its output folder that it did not make. Choose a folder "
            "of its own, such as OUTPUTDIR=output; nothing was changed"
        )
