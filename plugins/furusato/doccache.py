"""Remember parsed documents between builds, keyed by path, size, mtime and content hash.

One pickle per prefecture folder, loaded on first use and saved only when it changed, so a
rebuild re-reads only the files that changed and a single-prefecture build reads only its own.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from collections.abc import Iterable
from pathlib import Path
from time import time_ns

import markdown
import nh3

from .documents import Parsed

log = logging.getLogger(__name__)


def _code_version() -> str:
    """Digest the modules that decide how a file is parsed, checked and rendered.

    Editing one of them (say, the HTML allow-list) must not leave stale cached results.
    """
    here = Path(__file__).parent
    digest = hashlib.sha1(usedforsecurity=False)
    for name in (
        "documents",
        "repository",
        "markup",
        "safety",
        "model",
        "messages",
        "yamlsource",
        "slugs",
    ):
        digest.update((here / f"{name}.py").read_bytes())
    return digest.hexdigest()[:12]


_NH3_VERSION = getattr(nh3, "__version__", "")


CACHE_VERSION = f"4:{_code_version()}:{markdown.__version__}:{_NH3_VERSION}"


# A file whose mtime is this close to when it was last hashed may have changed again within
# the file system's timestamp resolution (git's "racily clean" case): hash it again.
RACY_NS = 2_000_000_000


class DocumentCache:
    """Parsed documents keyed by path and content hash; optionally persisted.

    A persisted cache is a folder with one pickle per top-level content folder (a prefecture,
    or pages), read only when a file of that folder is looked up and written only when it
    changed: a single-prefecture build reads one, a one-file edit rewrites one.
    """

    def __init__(self, path: Path | None = None):
        self.path = path
        self.entries: dict[str, Parsed] = {}
        self.hits = 0
        self._loaded: set[str] = set()
        self._dirty: set[str] = set()

    @staticmethod
    def _shard(source: str) -> str:
        return source.split("/", 2)[1]  # content/<shard>/...

    def _load(self, shard: str) -> None:
        if shard in self._loaded:
            return
        self._loaded.add(shard)
        if self.path is None:
            return
        try:
            with (self.path / f"{shard}.pickle").open("rb") as fh:
                version, entries = pickle.load(fh)
        except FileNotFoundError:
            return
        except (
            OSError,
            pickle.UnpicklingError,
            EOFError,
            ValueError,
            AttributeError,
            ImportError,
            TypeError,
        ):
            log.warning("Ignoring unreadable cache %s", self.path / f"{shard}.pickle")
            return
        if version == CACHE_VERSION:
            self.entries.update(entries)

    def unchanged(self, source: str, stat: os.stat_result) -> Parsed | None:
        """Return the cached parse of `source` if its size and mtime prove it unchanged."""
        self._load(self._shard(source))
        entry = self.entries.get(source)
        if entry is None:
            return None
        mtime, size, hashed = entry.stamp
        if mtime == stat.st_mtime_ns and size == stat.st_size and mtime < hashed - RACY_NS:
            self.hits += 1
            return entry
        return None

    def get(self, source: str, digest: str) -> Parsed | None:
        """Return the cached parse of `source` if its bytes are unchanged."""
        self._load(self._shard(source))
        entry = self.entries.get(source)
        if entry is not None and entry.digest == digest:
            self.hits += 1
            return entry
        return None

    def put(self, entry: Parsed, stat: os.stat_result | None = None) -> None:
        """Remember a parse (and the file's stat when its bytes were hashed)."""
        if stat is not None:
            entry.stamp = (stat.st_mtime_ns, stat.st_size, time_ns())
        self.entries[entry.source] = entry
        self._dirty.add(self._shard(entry.source))

    def prune(self, keep: Iterable[str]) -> None:
        """Forget files that no longer exist (every shard must have been looked up)."""
        wanted = set(keep)
        if self.path is not None and self.path.is_dir():
            for file in self.path.glob("*.pickle"):
                self._load(file.stem)
        gone = [source for source in self.entries if source not in wanted]
        for source in gone:
            self._dirty.add(self._shard(source))
            del self.entries[source]

    def save(self) -> None:
        """Write the changed shards to disk atomically (no-op for in-memory caches)."""
        if self.path is None or not self._dirty:
            return
        self.path.mkdir(parents=True, exist_ok=True)
        shards: dict[str, dict[str, Parsed]] = {shard: {} for shard in self._dirty}
        for source, entry in self.entries.items():
            shard = self._shard(source)
            if shard in shards:
                shards[shard][source] = entry
        for shard, entries in shards.items():
            target = self.path / f"{shard}.pickle"
            if not entries:
                target.unlink(missing_ok=True)
                continue
            tmp = target.with_suffix(".tmp")
            with tmp.open("wb") as fh:
                pickle.dump((CACHE_VERSION, entries), fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(target)
        self._dirty.clear()
