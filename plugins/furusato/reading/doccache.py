"""Remember parsed documents between builds, keyed by path, size, mtime and content hash.

One JSON file per prefecture folder, loaded on first use and saved only when it changed, so a
rebuild re-reads only the files that changed and a single-prefecture build reads only its own.
The cache holds data only (never pickle: nothing under the repository is loaded as code), and
each file is sealed with the user's key (see cachefiles), because the cached HTML is trusted
as sanitized: a cache file someone else made is ignored and the documents parsed again.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import os
import types
import typing
from collections.abc import Iterable
from pathlib import Path
from time import time_ns
from typing import Any, ClassVar

import markdown
import nh3
from pydantic import BaseModel

from .. import cachefiles
from .documents import Parsed

log = logging.getLogger(__name__)


def _code_version() -> str:
    """Digest the modules that decide how a file is parsed, checked, rendered and stored.

    Editing one of them (say, the HTML allow-list) must not leave stale cached results.
    """
    here = Path(__file__).parent
    digest = hashlib.sha1(usedforsecurity=False)
    core = ("schemas", "slugs", "errors", "urls", "cachefiles", "regions", "placeholders")
    for path in [*sorted(here.glob("*.py")), *(here.parent / f"{name}.py" for name in core)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


_NH3_VERSION = getattr(nh3, "__version__", "")


CACHE_VERSION = f"5:{_code_version()}:{markdown.__version__}:{_NH3_VERSION}"


# A file whose mtime is this close to when it was last hashed may have changed again within
# the file system's timestamp resolution (git's "racily clean" case): hash it again.
RACY_NS = 2_000_000_000


class Unstorable(TypeError):
    """A value the cache cannot store and read back exactly (the document is not cached)."""


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


@functools.cache
def _models(base: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """Return the pydantic models of Furusato that a cached `base` field may hold, by name."""
    found: dict[str, type[BaseModel]] = {}
    todo = [base]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("furusato."):
            found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return found


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def encode(value: Any, tp: Any) -> Any:
    """Turn `value`, declared as type `tp`, into JSON data; raise Unstorable if impossible.

    Driven by the declared types, so a field added to Parsed is stored if its type is made
    of the supported ones (and refused, never stored wrongly, if not).
    """
    return _encoder(tp)(value)


def decode(data: Any, tp: Any) -> Any:
    """Turn JSON data made by encode() back into a value of type `tp`; raise on anything else."""
    return _decoder(tp)(data)


Codec = typing.Callable[[Any], Any]
_PLAIN = (str, int, bool, float)


@functools.cache
def _encoder(tp: Any) -> Codec:
    """Return the function that encodes values of type `tp` (built once per type)."""
    origin = typing.get_origin(tp)
    if _is_union(tp):
        args = typing.get_args(tp)
        optional = type(None) in args
        arms = [_encoder(arm) for arm in args if arm is not type(None)]

        def union(value: Any) -> Any:
            if value is None and optional:
                return None
            for arm in arms:
                try:
                    return arm(value)
                except Unstorable:
                    continue
            raise Unstorable(f"{type(value).__name__} is none of {tp}")

        return union
    if tp in _PLAIN:

        def plain(value: Any) -> Any:
            if type(value) is not tp:
                raise Unstorable(f"{type(value).__name__} is not {tp.__name__}")
            return value

        return plain
    if origin is tuple or origin is list:
        args = typing.get_args(tp)
        if origin is list or (len(args) == 2 and args[1] is Ellipsis):
            item = _encoder(args[0])

            def sequence(value: Any) -> Any:
                if type(value) is not origin:
                    raise Unstorable(f"{type(value).__name__} is not {origin.__name__}")
                return [item(v) for v in value]

            return sequence
        items = [_encoder(arm) for arm in args]

        def fixed(value: Any) -> Any:
            if type(value) is not tuple or len(value) != len(items):
                raise Unstorable(f"{value!r} is not {tp}")
            return [code(v) for code, v in zip(items, value, strict=True)]

        return fixed
    if origin is dict:
        key_type, value_type = typing.get_args(tp)
        keys, values = _encoder(key_type), _encoder(value_type)

        def mapping(value: Any) -> Any:
            if type(value) is not dict:
                raise Unstorable(f"{type(value).__name__} is not dict")
            return [[keys(k), values(v)] for k, v in value.items()]

        return mapping
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        hints = _hints(tp)
        fields = [(f.name, _encoder(hints[f.name])) for f in dataclasses.fields(tp)]

        def record(value: Any) -> Any:
            if type(value) is not tp:
                raise Unstorable(f"{type(value).__name__} is not {tp.__name__}")
            return {name: code(getattr(value, name)) for name, code in fields}

        return record
    if isinstance(tp, type) and issubclass(tp, BaseModel):

        def model(value: Any) -> Any:
            cls = type(value)
            name = f"{cls.__module__}.{cls.__qualname__}"
            if _models(tp).get(name) is not cls:
                raise Unstorable(f"{name} is not a Furusato model")
            return {"model": name, "data": value.model_dump(mode="json", by_alias=True)}

        return model

    def unknown(value: Any) -> Any:
        raise Unstorable(f"cannot store {tp}")

    return unknown


@functools.cache
def _decoder(tp: Any) -> Codec:
    """Return the function that decodes data made by _encoder(tp) (built once per type)."""
    origin = typing.get_origin(tp)
    if _is_union(tp):
        args = typing.get_args(tp)
        optional = type(None) in args
        arms = [_decoder(arm) for arm in args if arm is not type(None)]

        def union(data: Any) -> Any:
            if data is None and optional:
                return None
            for arm in arms:
                try:
                    return arm(data)
                except (Unstorable, ValueError, TypeError, KeyError):
                    continue
            raise Unstorable(f"no arm of {tp} fits")

        return union
    if tp in _PLAIN:

        def plain(data: Any) -> Any:
            if type(data) is not tp:
                raise Unstorable(f"{type(data).__name__} is not {tp.__name__}")
            return data

        return plain
    if origin is tuple or origin is list:
        args = typing.get_args(tp)
        if origin is list or (len(args) == 2 and args[1] is Ellipsis):
            item = _decoder(args[0])

            def sequence(data: Any) -> Any:
                if type(data) is not list:
                    raise Unstorable("not a list")
                return origin(item(v) for v in data)

            return sequence
        items = [_decoder(arm) for arm in args]

        def fixed(data: Any) -> Any:
            if type(data) is not list or len(data) != len(items):
                raise Unstorable(f"not {len(items)} items")
            return tuple(code(v) for code, v in zip(items, data, strict=True))

        return fixed
    if origin is dict:
        key_type, value_type = typing.get_args(tp)
        keys, values = _decoder(key_type), _decoder(value_type)

        def mapping(data: Any) -> Any:
            if type(data) is not list:
                raise Unstorable("not a list of pairs")
            return {keys(k): values(v) for k, v in data}

        return mapping
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        hints = _hints(tp)
        fields = [(f.name, _decoder(hints[f.name])) for f in dataclasses.fields(tp)]
        names = sorted(name for name, _ in fields)

        def record(data: Any) -> Any:
            if type(data) is not dict or sorted(data) != names:
                raise Unstorable(f"fields of {tp.__name__} differ")
            return tp(**{name: code(data[name]) for name, code in fields})

        return record
    if isinstance(tp, type) and issubclass(tp, BaseModel):

        def model(data: Any) -> Any:
            cls = _models(tp).get(data["model"])
            if cls is None:
                raise Unstorable(f"{data['model']} is not a Furusato model")
            return cls.model_validate(data["data"])

        return model

    def unknown(data: Any) -> Any:
        raise Unstorable(f"cannot read {tp}")

    return unknown


def read_back(data: Any, tp: Any) -> Any:
    """Turn data made by encode() and sealed by this user's build back into a value of `tp`.

    The fast twin of decode(): it builds the same values but skips checking the type of each
    plain value, which decode() spends most of its time on. That is sound only for what the
    seal vouches for: a file sealed with this user's key, by a build of the same code
    (CACHE_VERSION), and an entry written only after read_back() gave it back exactly (see
    DocumentCache._stored_form). Models are still validated and must be Furusato's.
    """
    reader = _reader(tp)
    return data if reader is None else reader(data)


@functools.cache
def _reader(tp: Any) -> Codec | None:
    """Return the function that reads back data of type `tp`, or None when the JSON value is
    already the Python value (str, int, bool, float and unions of them)."""
    origin = typing.get_origin(tp)
    if tp in _PLAIN:
        return None
    if _is_union(tp):
        args = typing.get_args(tp)
        arms = [arm for arm in args if arm is not type(None)]
        readers = [_reader(arm) for arm in arms]
        if all(reader is None for reader in readers):
            return None
        if len(arms) == 1:  # X | None
            (only,) = readers

            def optional(data: Any) -> Any:
                return None if data is None else only(data)

            return optional
        return _decoder(tp)  # a union of several shapes: decode() tells them apart
    if origin is tuple or origin is list:
        args = typing.get_args(tp)
        if origin is list or (len(args) == 2 and args[1] is Ellipsis):
            item = _reader(args[0])
            if item is None:  # a copy even of a list: an entry never shares what is stored
                return origin
            if origin is list:
                return lambda data: [item(v) for v in data]
            return lambda data: tuple(item(v) for v in data)
        items = [_reader(arm) for arm in args]
        if all(reader is None for reader in items):
            return tuple
        return lambda data: tuple(
            v if read is None else read(v) for read, v in zip(items, data, strict=True)
        )
    if origin is dict:
        key_type, value_type = typing.get_args(tp)
        keys = _reader(key_type) or (lambda k: k)
        values = _reader(value_type) or (lambda v: v)
        return lambda data: {keys(k): values(v) for k, v in data}
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        hints = _hints(tp)
        fields = [(f.name, _reader(hints[f.name])) for f in dataclasses.fields(tp)]

        def record(data: Any) -> Any:
            return tp(
                **{name: data[name] if read is None else read(data[name]) for name, read in fields}
            )

        return record
    return _decoder(tp)  # models (validated, Furusato's only) and anything else


class DocumentCache:
    """Parsed documents keyed by path and content hash; optionally persisted.

    A persisted cache is a folder with one sealed JSON file per top-level content folder (a
    prefecture, or pages), read only when a file of that folder is looked up and written only
    when it changed: a single-prefecture build reads one, a one-file edit rewrites one.
    """

    # One cache object per folder and process (see for_folder).
    _open: ClassVar[dict[Path, DocumentCache]] = {}

    @classmethod
    def for_folder(cls, path: Path) -> DocumentCache:
        """Return this process's cache of the folder `path`, opening it on first use.

        A process that builds again (the devserver, `pelican -r`) keeps what it parsed in
        memory instead of reading it back from disk; every entry is still checked against
        its file's size, time and bytes before it is used.
        """
        key = path.resolve()
        cache = cls._open.get(key)
        if cache is None:
            cache = cls._open[key] = cls(path)
        cache.hits = 0
        return cache

    @classmethod
    def close_all(cls) -> None:
        """Forget every cache this process opened (a one-shot build frees them while it can:
        a process that ends with them alive spends most of a second tearing them down)."""
        cls._open.clear()

    def __init__(self, path: Path | None = None):
        self.path = path
        self.entries: dict[str, Parsed] = {}
        self.hits = 0
        self._loaded: set[str] = set()
        self._dirty: set[str] = set()
        self._stored: dict[str, Any] = {}  # source -> its encoded, read-back-verified form
        # The last successful load made with this cache (the loader's, for the devserver's
        # quick step); kept in memory only, and forgotten with the cache.
        self.remembered: Any = None

    @staticmethod
    def _shard(source: str) -> str:
        return source.split("/", 2)[1]  # content/<shard>/...

    def _file(self, shard: str) -> Path:
        assert self.path is not None
        return self.path / f"{shard}.json"

    def _load(self, shard: str) -> None:
        if shard in self._loaded:
            return
        self._loaded.add(shard)
        if self.path is None:
            return
        body = cachefiles.read_sealed(self._file(shard), f"documents:{shard}")
        if body is None:
            return
        try:
            data = json.loads(body)
            if data["version"] != CACHE_VERSION:
                log.debug("cache %s is from another version; rebuilding it", self._file(shard))
                return
            entries = {}
            for source, stored in data["entries"].items():
                entry = read_back(stored, Parsed)
                if entry.source != source or self._shard(source) != shard:
                    raise ValueError(f"{source} does not belong in {shard}")
                entries[source] = (entry, stored)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            log.info("ignoring cache %s (%s); it will be rebuilt", self._file(shard), exc)
            return
        for source, (entry, stored) in entries.items():
            self.entries[source] = entry
            self._stored[source] = stored

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
        self._stored.pop(entry.source, None)
        self._dirty.add(self._shard(entry.source))

    def prune(self, keep: Iterable[str]) -> None:
        """Forget files that no longer exist (every shard must have been looked up)."""
        wanted = set(keep)
        if self.path is not None and self.path.is_dir():
            for file in self.path.glob("*.json"):
                self._load(file.stem)
        gone = [source for source in self.entries if source not in wanted]
        for source in gone:
            self._dirty.add(self._shard(source))
            del self.entries[source]
            self._stored.pop(source, None)

    def _stored_form(self, entry: Parsed) -> Any | None:
        """Return `entry` encoded, if reading it back gives exactly `entry` (else None)."""
        stored = self._stored.get(entry.source)
        if stored is not None:
            return stored
        try:
            stored = encode(entry, Parsed)  # JSON types only: lists, str keys, str, int, None
            back = read_back(stored, Parsed)  # as _load will read it
            exact = back == entry and encode(back, Parsed) == stored
        except (Unstorable, ValueError, TypeError, KeyError) as exc:
            log.debug("not caching %s: %s", entry.source, exc)
            return None
        if not exact:
            log.debug("not caching %s: it does not read back the same", entry.source)
            return None
        self._stored[entry.source] = stored
        return stored

    def save(self) -> None:
        """Write the changed shards to disk atomically (no-op for in-memory caches)."""
        if self.path is None or not self._dirty:
            return
        shards: dict[str, dict[str, Any]] = {shard: {} for shard in self._dirty}
        for source, entry in self.entries.items():
            shard = self._shard(source)
            if shard in shards:
                stored = self._stored_form(entry)
                if stored is not None:
                    shards[shard][source] = stored
        for shard, entries in shards.items():
            target = self._file(shard)
            if not entries:
                target.unlink(missing_ok=True)
                continue
            body = json.dumps(
                {"version": CACHE_VERSION, "entries": entries},
                ensure_ascii=False,
                separators=(",", ":"),
            ).encode("utf-8")
            if not cachefiles.write_sealed(target, f"documents:{shard}", body):
                log.info("no cache key available; parsed documents are not kept")
                break
        self._dirty.clear()
