"""Write the site safely: stage changed files, then swap them into output/ only on success.

The writer renders each page only when the inputs it was given changed (its *render key*),
writes a file only when its bytes changed, and at the end of a successful build moves the
staged files into place and deletes every file the build did not produce. A build that
fails before that point leaves output/ exactly as it was.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pelican import signals
from pelican.generators import Generator

log = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "FURUSATO_CACHE_PATH": ".furusato-cache",  # where manifests and parsed content are kept
    "FURUSATO_INCREMENTAL": True,  # reuse unchanged files of the last build (False: render all)
}
# Pelican settings that would make Pelican itself write into output/, around the writer.
_WRITER_BYPASSES = ("STATIC_PATHS", "THEME_STATIC_PATHS", "OUTPUT_SOURCES", "TEMPLATE_PAGES")


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
        _refuse_dangerous_output(self.output)
        cache = Path(settings.get("FURUSATO_CACHE_PATH", DEFAULTS["FURUSATO_CACHE_PATH"]))
        name = _sha1(str(self.output).encode())[:12]
        self.manifest_path = cache / f"manifest-{name}.json"
        self._lock = _lock(cache / f"lock-{name}", self.output)
        self._out = str(self.output) + os.sep  # string paths: pathlib is slow per page
        self.staging = self.output.parent / f".{self.output.name}.staging"
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir(parents=True)
        self.salt = _sha1(
            (
                code_digest(settings)
                + json.dumps(_render_settings(settings), sort_keys=True, default=str)
            ).encode()
        )
        incremental = settings.get("FURUSATO_INCREMENTAL", DEFAULTS["FURUSATO_INCREMENTAL"])
        self.old = self._load_manifest() if incremental else {}
        self.new: dict[str, dict[str, Any]] = {}
        # Staged files are flat (numbered) rather than mirroring output/'s tree: one folder per
        # page would cost a mkdir and an rmdir per page, slower than the writes themselves.
        self.staged: list[tuple[Path, str]] = []
        self.stats = Stats()

    def _load_manifest(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.manifest_path.read_text())
        except (OSError, ValueError):
            return {}
        if data.get("salt") != self.salt or not self.output.is_dir():
            return {}
        return data.get("files", {})

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
        staged.write_bytes(data)
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

    def commit(self) -> Stats:
        """Move staged files into output/ and delete files this build did not produce."""
        self.output.mkdir(parents=True, exist_ok=True)
        # Without a manifest the next build rewrites everything, so a commit interrupted
        # half-way can never leave a file that the manifest wrongly calls current.
        self.manifest_path.unlink(missing_ok=True)
        folders: set[Path] = set()
        for staged, path in sorted(self.staged, key=lambda item: item[1]):
            target = self.output / path
            if target.parent not in folders:
                _clear_way(self.output, target)  # a page that became a folder, or back
                folders.add(target.parent)
            elif target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            os.replace(staged, target)
        try:
            self.staging.rmdir()  # every staged file has moved: usually empty
        except OSError:
            shutil.rmtree(self.staging, ignore_errors=True)
        self._delete_stale(set(self.new))
        for rel, entry in self.new.items():
            if "mtime_ns" not in entry:
                st = os.stat(self._out + rel)
                entry.update(size=st.st_size, mtime_ns=st.st_mtime_ns)
        self.manifest_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.manifest_path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"salt": self.salt, "files": self.new}, sort_keys=True))
        tmp.replace(self.manifest_path)
        self._lock.close()
        log.info(
            "%s: %d pages rendered, %d not re-rendered; %d files written, %d unchanged, %d deleted",
            self.output,
            self.stats.rendered,
            self.stats.skipped_renders,
            self.stats.written,
            self.stats.unchanged,
            self.stats.deleted,
            extra={"furusato_stats": self.stats},
        )
        return self.stats

    def _delete_stale(self, keep: set[str]) -> None:
        """Delete every file under output/ that this build did not produce, then empty folders."""
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
                    os.unlink(os.path.join(top, name))
                    self.stats.deleted += 1
            for name in dirs:
                path = os.path.join(top, name)
                if os.path.islink(path):
                    if prefix + name in keep:
                        left += 1
                    else:
                        os.unlink(path)
                        self.stats.deleted += 1
                elif path not in emptied:
                    left += 1
            if top != root and left == 0:
                os.rmdir(top)
                emptied.add(top)

    def abandon(self) -> None:
        """Drop staged files after a failed build."""
        shutil.rmtree(self.staging, ignore_errors=True)
        self._lock.close()


def _render_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Pick the settings that can change rendered bytes."""
    plain = (str, int, float, bool, type(None), list, tuple, dict)
    return {
        k: v
        for k, v in settings.items()
        if (k.startswith(("FURUSATO_", "SITE")) or k in ("TIMEZONE", "DEFAULT_LANG", "THEME"))
        and isinstance(v, plain)
    }


def _clear_way(output: Path, target: Path) -> None:
    """Remove what stands where `target` must go: a directory in its place, or a file
    where one of its parent directories must be (a page that became a folder, or back)."""
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    for parent in reversed(target.relative_to(output).parents[:-1]):
        blocker = output / parent
        if blocker.is_file() or blocker.is_symlink():
            blocker.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)


def _lock(path: Path, output: Path) -> IO[bytes]:
    """Hold an exclusive lock for writing `output`; refuse a second process building into it.

    A POSIX record lock belongs to the process, so the devserver can rebuild after a failed
    build whose writer still holds it. It ends at commit, or when the process ends.
    """
    from furusato.build import BuildError

    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("wb")
    try:
        fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise BuildError(
            f"another build is writing {output} right now; wait for it to finish "
            "(a running `make devserver` rebuilds on every change by itself)"
        ) from None
    return handle


def _refuse_dangerous_output(output: Path) -> None:
    # The commit step deletes every file it did not write: never point it at a source tree.
    markers = ("pelicanconf.py", "pyproject.toml", ".git")
    if output == Path.home() or output == Path("/") or any((output / m).exists() for m in markers):
        raise RuntimeError(f"refusing to use {output} as the output directory: it holds sources")


class CommitGenerator(Generator):
    """Runs last among Furusato's generators: copies assets and commits output/."""

    def generate_context(self) -> None:
        pass

    def generate_output(self, writer: SafeWriter) -> None:
        theme_static = Path(self.theme) / "static"
        for path in sorted(theme_static.rglob("*")):
            if path.is_file():
                writer.copy_file(path, "theme/" + path.relative_to(theme_static).as_posix())
        self.context["furusato_stats"] = writer.commit()


def get_writer(pelican: Any) -> type[SafeWriter]:
    return SafeWriter


def get_generators(pelican: Any) -> type[Generator]:
    return CommitGenerator


def initialized(pelican: Any) -> None:
    for key, value in DEFAULTS.items():
        pelican.settings.setdefault(key, value)
    _check_settings(pelican.settings)


def _check_settings(settings: dict[str, Any]) -> None:
    """Refuse settings under which some files would reach output/ without the SafeWriter."""
    from furusato.build import BuildError

    plugins = [getattr(p, "__name__", p) for p in settings.get("PLUGINS") or []]
    names = [str(p).rsplit(".", 1)[-1] for p in plugins]
    if names and names[-1] != "safe_output":
        raise BuildError(
            "safe_output must be the last entry of PLUGINS in the settings file: "
            "files written after it commits would never reach output/ safely"
        )
    bypassing = [key for key in _WRITER_BYPASSES if settings.get(key)]
    if bypassing:
        raise BuildError(
            f"{', '.join(bypassing)} must stay empty: Pelican would write those "
            "files into output/ directly, and safe_output would delete them"
        )


def register() -> None:
    signals.initialized.connect(initialized)
    signals.get_writer.connect(get_writer)
    signals.get_generators.connect(get_generators)
