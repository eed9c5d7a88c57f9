"""The writer every generator uses: stage changed files, then swap them into output/ only when
the whole build succeeded.

The writer renders each page only when the inputs it was given changed (its *render key*),
writes a file only when its bytes changed, and at the end of a successful build moves the
staged files into place and deletes every file the build did not produce. A build that
fails before that point leaves output/ exactly as it was; a commit that fails half-way is
rolled back from its journal (every file it replaced or deleted was set aside first), so
output/ is again exactly the previous build.

One build at a time writes an output folder (a lock beside it); each build stages into a
folder of its own, and the output folder may never be a source folder (a build deletes
every file there that it did not make).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Mapping
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
        self.salt = _sha1(
            (
                code_digest(settings)
                + json.dumps(output_settings(settings), sort_keys=True, default=str)
            ).encode()
        )
        self._old_manifest: bytes | None = None
        self.old = self._load_manifest() if settings["FURUSATO_INCREMENTAL"] else {}
        self.new: dict[str, dict[str, Any]] = {}
        # Staged files are flat (numbered) rather than mirroring output/'s tree: one folder per
        # page would cost a mkdir and an rmdir per page, slower than the writes themselves.
        self.staged: list[tuple[Path, str]] = []
        self._staged_by_path: dict[str, Path] | None = None
        self.stats = Stats()

    def _purpose(self) -> str:
        return f"manifest:{self.output}"

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
        if path in self.new:
            raise RuntimeError(f"two parts of the build write {path}")
        if self._lock_fd is None:
            raise RuntimeError(f"{path} was written after the build committed output/")
        digest = _sha1(data)
        entry: dict[str, Any] = {"sha1": digest}
        if key is not None:
            entry["key"] = _sha1(f"{self.salt}:{key}".encode())
            self.stats.rendered += 1
        self.new[path] = entry
        old = self.old.get(path)
        if old and old.get("sha1") == digest and self._intact(path, old):
            entry.update(size=old["size"], mtime_ns=old["mtime_ns"])
            self.stats.unchanged += 1
            return
        staged = self.staging / str(len(self.staged))
        try:
            staged.write_bytes(data)
        except OSError as exc:
            raise BuildError(
                f"could not write {path} into the staging folder {self.staging}: "
                f"{_reason(exc)}; {self.output} was left as it was"
            ) from exc
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
        entry = self.new.get(path)
        return entry["sha1"] if entry else None

    def read_bytes(self, path: str) -> bytes:
        """Return the bytes this build made or kept for `path`: the staged file when it was
        written, else the current one in output/ (families that derive files from pages)."""
        if path not in self.new:
            raise KeyError(f"{path} is not part of this build")
        if self._staged_by_path is None or len(self._staged_by_path) != len(self.staged):
            self._staged_by_path = {name: staged for staged, name in self.staged}
        staged = self._staged_by_path.get(path)
        return staged.read_bytes() if staged is not None else Path(self._out + path).read_bytes()

    def commit(self) -> Stats:
        """Move staged files into output/ and delete files this build did not produce.

        Every file replaced or deleted is first set aside in a backup folder, so that a
        failure half-way puts everything back (BuildError) and output/ stays the last build.
        """
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


# The writer of each running build, by id() of its settings: Pelican creates the writer inside
# run(), so when a build fails, abandon() finds that build's own writer here and releases its
# lock at once (the devserver's next rebuild, in this process, needs it).
_RUNNING: dict[int, SafeWriter] = {}


def abandon(settings: Mapping[str, Any]) -> None:
    """Drop the staging folder and lock of the build run with `settings`, if it has a writer."""
    writer = _RUNNING.get(id(settings))
    if writer is not None:
        writer.abandon()


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
