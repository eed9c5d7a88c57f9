"""Load a Furusato repository (profiles and content) into a validated, cross-checked Site.

Every problem in every file is collected before anything fails, so a contributor sees all of
them at once. Parsed and rendered documents are cached by the hash of their bytes, so a
rebuild only re-reads what changed.
"""

from __future__ import annotations

import difflib
import functools
import gc
import hashlib
import logging
import multiprocessing
import os
import pickle
import posixpath
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from stat import S_ISREG
from time import time_ns
from typing import Any
from zoneinfo import ZoneInfo

import markdown
import nh3
from pydantic import BaseModel, ValidationError

from . import images, yamlsource
from .entities import Article, Event, Page, Prefecture, Site
from .errors import Problem, Problems
from .markup import LOCAL_PREFIX, Renderer
from .messages import field_name, problems_from
from .model import SLUG_PATTERN, ArticleSchema, EventSchema, PageSchema, ProfileSchema
from .regions import BY_SLUG
from .slugs import slug_from_filename

log = logging.getLogger(__name__)


def _code_version() -> str:
    """Digest the modules that decide how a file is parsed, checked and rendered.

    Editing one of them (say, the HTML allow-list) must not leave stale cached results.
    """
    here = Path(__file__).parent
    digest = hashlib.sha1(usedforsecurity=False)
    for name in ("loader", "markup", "safety", "model", "messages", "yamlsource", "slugs"):
        digest.update((here / f"{name}.py").read_bytes())
    return digest.hexdigest()[:12]


_NH3_VERSION = getattr(nh3, "__version__", "")
CACHE_VERSION = f"4:{_code_version()}:{markdown.__version__}:{_NH3_VERSION}"
KINDS = ("articles", "events")
MAX_IMAGE_BYTES = 1_000_000
PAGES_DIR = "pages"
IMAGE_DIR = "images"
# A file whose mtime is this close to when it was last hashed may have changed again within
# the file system's timestamp resolution (git's "racily clean" case): hash it again.
RACY_NS = 2_000_000_000
PARALLEL_MIN = 100  # uncached documents worth starting worker processes for (jobs=None)


@dataclass
class Parsed:
    """One Markdown file after parsing and validation, before cross-checks (cacheable)."""

    kind: str  # "articles", "events" or "pages"
    source: str
    digest: str
    meta: BaseModel | None
    lines: yamlsource.LineMap
    html: str = ""
    images: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    # local pictures it shows (path under content/, line, field): checked on every load,
    # because a picture can appear or change while the Markdown file stays the same
    pictures: tuple[tuple[str, int, str], ...] = ()
    stamp: tuple[int, int, int] = (0, 0, 0)  # mtime_ns, size, and when the bytes were hashed


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


@dataclass(frozen=True)
class Options:
    """Where the repository is and how to read it."""

    root: Path
    only: str | None = None  # build a single prefecture's site
    max_image_bytes: int = MAX_IMAGE_BYTES  # larger pictures are rejected (slow on phones)
    timezone: str = "Asia/Tokyo"  # the zone of article dates written without one
    today: date | None = None  # "upcoming" is decided against this date
    jobs: int | None = None  # processes parsing new or changed files (None: one per CPU)


def sha1(data: bytes) -> str:
    """Return the hex SHA-1 of some bytes (used as a change detector, not for security)."""
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def load_site(options: Options, cache: DocumentCache | None = None) -> Site:
    """Load, validate and cross-check everything; raise ContentError listing every problem."""
    problems = Problems()
    cache = cache or DocumentCache()
    prefectures, invalid_profiles = _load_profiles(options, problems)
    parsed = _parse_documents(options, cache, problems)
    site = _assemble(options, prefectures, parsed, problems, invalid_profiles)
    problems.raise_if_any()
    return site


def load_profiles(options: Options) -> dict[str, Prefecture]:
    """Load and validate the profiles only; raise ContentError listing every problem."""
    problems = Problems()
    prefectures, _ = _load_profiles(options, problems)
    problems.raise_if_any()
    return prefectures


# --- profiles -------------------------------------------------------------------------------


def _profile_files(options: Options, problems: Problems) -> list[Path]:
    folder = options.root / "prefectures"
    if options.only:
        path = folder / f"{options.only}.yaml"
        known = sorted(p.stem for p in folder.glob("*.yaml"))
        if options.only not in known:  # a name, never a path such as ../other/tottori
            guess = difflib.get_close_matches(options.only, known, n=1)
            hint = f"did you mean {guess[0]!r}? " if guess else ""
            problems.add(
                f"prefectures/{options.only}.yaml",
                1,
                "PREFECTURE",
                f"there is no profile for {options.only!r}; {hint}"
                "PREFECTURE must be a file name from prefectures/ without .yaml",
            )
            return []
        return [path]
    files = sorted(folder.glob("*.yaml"))
    for odd in sorted(folder.glob("*.yml")):
        problems.add(
            _rel(options, odd),
            1,
            "file name",
            f"profiles end in .yaml; rename the file to {odd.stem}.yaml",
        )
    return files


def _load_profiles(options: Options, problems: Problems) -> tuple[dict[str, Prefecture], set[str]]:
    """Return valid profiles by slug, and the slugs whose profile exists but is invalid."""
    loaded: list[Prefecture] = []
    invalid: set[str] = set()
    for path in _profile_files(options, problems):
        prefecture = _load_profile(options, path, problems)
        if prefecture is not None:
            loaded.append(prefecture)
        else:
            invalid.add(path.stem)
    _check_profiles_together(loaded, problems, full=options.only is None)
    return {p.slug: p for p in sorted(loaded, key=lambda p: p.code)}, invalid


def _load_profile(options: Options, path: Path, problems: Problems) -> Prefecture | None:
    source = _rel(options, path)
    raw = path.read_bytes()
    slug = path.stem
    if not _is_slug(slug):
        problems.add(
            source,
            1,
            "file name",
            f"{path.name!r} is not a prefecture slug; name the file like 'tottori.yaml' "
            "(lowercase romaji)",
        )
        return None
    data, lines = _read_yaml(raw, source, problems)
    if data is None:
        return None
    if not isinstance(data, dict):
        problems.add(source, 1, "profile", "the file must be a set of fields (code:, name:, ...)")
        return None
    schema = _validate(ProfileSchema, data, source, lines, problems)
    if schema is None:
        return None
    return Prefecture(
        slug=slug,
        code=schema.code,
        name=schema.name,
        region=BY_SLUG[schema.region],
        capital=schema.capital,
        tile=schema.tile,
        introduction=schema.introduction,
        links=schema.links,
        coordinators=schema.coordinators,
        ambassadors=schema.ambassadors,
        source=source,
        digest=sha1(raw),
    )


def _check_profiles_together(loaded: list[Prefecture], problems: Problems, full: bool) -> None:
    by_code: dict[str, list[Prefecture]] = {}
    by_tile: dict[tuple[int, int], list[Prefecture]] = {}
    for p in loaded:
        by_code.setdefault(p.code, []).append(p)
        by_tile.setdefault((p.tile.col, p.tile.row), []).append(p)
    for code, same in by_code.items():
        if len(same) > 1:
            names = ", ".join(p.source for p in same)
            for p in same:
                problems.add(
                    p.source, 1, "code", f"{code} is used by more than one profile ({names})"
                )
    for (col, row), same in by_tile.items():
        if len(same) > 1:
            names = ", ".join(p.slug for p in same)
            for p in same:
                problems.add(
                    p.source,
                    1,
                    "tile",
                    f"col {col}, row {row} is taken by more than one prefecture ({names})",
                )


# --- documents ------------------------------------------------------------------------------


def _content_files(options: Options, problems: Problems) -> list[tuple[str, str, str]]:
    """Find Markdown files: (kind, source relative to the root, file path) for each.

    Files in the wrong place are reported. Plain strings and os.walk rather than pathlib:
    with ten thousand files, pathlib's object overhead costs more than the file system.
    """
    content = options.root / "content"
    found: list[tuple[str, str, str]] = []
    if options.only:
        roots = [options.only]
    elif content.exists():
        roots = sorted(entry.name for entry in os.scandir(content) if entry.is_dir())
    else:
        roots = []
    base = str(content)
    for folder in roots:
        for rel in _walk(base, folder):
            if not rel.lower().endswith((".md", ".markdown")):
                continue
            parts = rel.split("/")
            if parts[0] == PAGES_DIR and len(parts) == 2:
                kind = PAGES_DIR
            elif len(parts) == 3 and parts[1] in KINDS:
                kind = parts[1]
            else:
                problems.add(
                    f"content/{rel}",
                    1,
                    "location",
                    "this file is not in a place the site reads; articles go in "
                    "content/<prefecture>/articles/, events in content/<prefecture>/events/, "
                    "site pages in content/pages/",
                )
                continue
            found.append((kind, f"content/{rel}", os.path.join(base, rel)))
    return found


def _walk(base: str, folder: str) -> list[str]:
    """Return the files under base/folder as sorted paths relative to base ('a/b/c.md')."""
    files: list[str] = []
    for top, dirs, names in os.walk(os.path.join(base, folder)):
        dirs.sort()
        rel = os.path.relpath(top, base).replace(os.sep, "/")
        files.extend(f"{rel}/{name}" for name in names)
    return sorted(files, key=lambda rel: rel.split("/"))


def _parse_documents(options: Options, cache: DocumentCache, problems: Problems) -> list[Parsed]:
    files = _content_files(options, problems)
    parsed: list[Parsed | None] = []
    todo: list[tuple[int, str, str, bytes, str, os.stat_result]] = []
    for kind, source, path in files:
        try:
            stat = os.stat(path)
        except OSError:  # a dangling symbolic link: nothing to read, as before
            continue
        if not S_ISREG(stat.st_mode):
            continue
        entry = cache.unchanged(source, stat)
        if entry is None:
            with open(path, "rb") as fh:
                raw = fh.read()
            digest = sha1(raw)
            entry = cache.get(source, digest)
            if entry is None:
                todo.append((len(parsed), kind, source, raw, digest, stat))
            else:
                cache.put(entry, stat)  # same bytes, new mtime: remember the new stamp
        parsed.append(entry)
    for (index, *_, stat), entry in zip(todo, _parse_many(todo, options), strict=True):
        cache.put(entry, stat)
        parsed[index] = entry
    done: list[Parsed] = [entry for entry in parsed if entry is not None]
    for entry in done:
        problems.extend(entry.problems)
        _check_pictures(entry, options, problems)  # pictures can change without the file
    if options.only is None:
        cache.prune(entry.source for entry in done)
    return done


_worker_renderer: Renderer | None = None


@functools.cache
def _renderer() -> Renderer:
    """Return this process's Renderer (building one costs more than rendering a page)."""
    return Renderer()


def _init_worker() -> None:
    global _worker_renderer
    _worker_renderer = Renderer()
    # A forked worker inherits the build's paused collector. Collect the worker's own garbage,
    # but leave the inherited objects alone: traversing them would copy every shared page.
    gc.freeze()
    gc.enable()


def _parse_in_worker(job: tuple[str, str, bytes, str]) -> Parsed:
    assert _worker_renderer is not None
    return parse_document(*job, _worker_renderer)


def _parse_many(todo: list[tuple], options: Options) -> list[Parsed]:
    """Parse documents, in worker processes when there are enough of them to be worth it."""
    jobs = options.jobs or os.cpu_count() or 1
    jobs = min(jobs, len(todo))
    wanted = jobs > 1 and (options.jobs is not None or len(todo) >= PARALLEL_MIN)
    work = [(kind, source, raw, digest) for _, kind, source, raw, digest, _ in todo]
    if not wanted:
        return [parse_document(*job, _renderer()) for job in work]
    # fork is cheapest (workers inherit the imported modules), but is only safe without threads
    # (the devserver runs an HTTP thread), and on Linux (macOS system libraries object to it).
    forkable = sys.platform.startswith("linux") and threading.active_count() == 1
    method = "fork" if forkable else "spawn"
    context = multiprocessing.get_context(method)
    # This process parses a share itself: one worker fewer to hold in memory, and its results
    # need no pickling.
    share = len(work) * (jobs - 1) // jobs
    chunk = max(1, min(64, share // (jobs * 8)))
    with context.Pool(jobs - 1, initializer=_init_worker) as pool:
        theirs = pool.map_async(_parse_in_worker, work[:share], chunksize=chunk)
        mine = [parse_document(*job, _renderer()) for job in work[share:]]
        return theirs.get() + mine


_SCHEMAS: dict[str, type[BaseModel]] = {
    "articles": ArticleSchema,
    "events": EventSchema,
    PAGES_DIR: PageSchema,
}


def parse_document(kind: str, source: str, raw: bytes, digest: str, renderer: Renderer) -> Parsed:
    """Parse, validate and render one Markdown file; problems are kept on the result.

    The result depends on the file's bytes alone (never on other files), so it can be cached
    by their hash; checks that look at other files run on every build.
    """
    problems = Problems()
    entry = Parsed(kind=kind, source=source, digest=digest, meta=None, lines=yamlsource.LineMap())
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.add(source, line, "encoding", "the file is not UTF-8; save it as UTF-8 text")
        entry.problems = problems.items
        return entry
    try:
        front = yamlsource.split_front_matter(text)
    except yamlsource.FrontMatterError as exc:
        problems.add(source, exc.line, "front matter", exc.message)
        entry.problems = problems.items
        return entry
    data, lines = _read_yaml(front.yaml_text, source, problems, first_line=2)
    entry.lines = lines
    if data is not None and not isinstance(data, dict):
        problems.add(
            source, 2, "front matter", "the front matter must be fields such as 'title: ...'"
        )
        data = None
    if data is not None:
        entry.meta = _validate(_SCHEMAS[kind], data, source, lines, problems)
    if entry.meta is not None:
        if kind == "events":
            _check_event(entry.meta, source, lines, problems)  # type: ignore[arg-type]
        elif kind == "articles":
            _check_article(entry.meta, source, lines, problems)  # type: ignore[arg-type]
    rendered = renderer.render(front.body, source.removeprefix("content/"))
    entry.html = rendered.html
    entry.images = rendered.images
    for finding in rendered.findings:
        problems.add(source, front.body_line + finding.line - 1, finding.field, finding.message)
    pictures = [
        (image, front.body_line - 1 + _line_of_text(front.body, image.rsplit("/", 1)[-1]), "image")
        for image in rendered.images
    ]
    meta: Any = entry.meta
    if kind == "articles" and meta is not None and meta.image:
        image = posixpath.normpath(posixpath.join(Path(source).parts[1], meta.image))
        pictures.insert(0, (image, lines.line_of(("image",)), "image"))
    entry.pictures = tuple(pictures)
    entry.problems = problems.items
    return entry


def _check_pictures(entry: Parsed, options: Options, problems: Problems) -> None:
    """Report pictures that are missing, outside an images/ folder, or too large."""
    for image, line, name in entry.pictures:
        parts = image.split("/")
        path = options.root / "content" / image
        if ".." in parts or len(parts) < 3 or parts[1] != IMAGE_DIR or parts[0] in ("", PAGES_DIR):
            problems.add(
                entry.source,
                line,
                name,
                f"the picture '{posixpath.join('content', image)}' is not in a "
                "prefecture's images folder; put it in content/<prefecture>/images/ "
                "and refer to it from there",
            )
        elif not path.is_file():
            problems.add(
                entry.source,
                line,
                name,
                f"the file 'content/{image}' does not exist; put the picture in "
                f"content/{parts[0]}/images/ or fix the file name (names are "
                "case-sensitive)",
            )
        elif (size := path.stat().st_size) > options.max_image_bytes:
            problems.add(
                entry.source,
                line,
                name,
                f"the picture 'content/{image}' is {size / 1e6:.1f} MB; pictures must "
                f"be at most {options.max_image_bytes / 1e6:g} MB, so make it smaller "
                "(for example 1600 pixels wide, saved as JPEG at quality 80)",
            )


def _check_article(
    meta: ArticleSchema, source: str, lines: yamlsource.LineMap, problems: Problems
) -> None:
    if meta.image and not meta.image_alt:
        problems.add(
            source,
            lines.line_of(("image",)),
            "image_alt",
            "an image needs a description for readers who cannot see it; "
            "add 'image_alt: <what the picture shows>'",
        )
    if meta.image_alt and not meta.image:
        problems.add(
            source,
            lines.line_of(("image_alt",)),
            "image_alt",
            "image_alt describes an image, but there is no 'image:' field",
        )


def _check_event(
    meta: EventSchema, source: str, lines: yamlsource.LineMap, problems: Problems
) -> None:
    def add(name: str, message: str) -> None:
        problems.add(source, lines.line_of((name,)), name, message)

    is_time = [isinstance(v, datetime) for v in (meta.start, meta.end) if v is not None]
    if meta.all_day:
        if any(is_time):
            add(
                "start" if isinstance(meta.start, datetime) else "end",
                "an all-day event takes dates only (2026-12-05); remove the time, "
                "or remove 'all_day: true'",
            )
        elif meta.end is not None and meta.end < meta.start:
            add("end", f"the last day ({meta.end}) is before the first day ({meta.start})")
    else:
        if not isinstance(meta.start, datetime):
            add("start", "give a start time too (2026-12-05 18:30), or add 'all_day: true'")
        if meta.end is None:
            add(
                "end",
                "this field is required for an event with times; add when it ends "
                "(2026-12-05 21:00), in the same local time as start",
            )
        elif not isinstance(meta.end, datetime):
            add("end", "give an end time too (2026-12-05 21:00), or add 'all_day: true'")
        if meta.timezone is None:
            add(
                "timezone",
                "this field is required when times are given; add the IANA time "
                "zone where the event happens, such as 'Europe/London' (times are never "
                "assumed to be Japan time)",
            )
        for name in ("start", "end"):
            value = getattr(meta, name)
            if isinstance(value, datetime) and value.tzinfo is not None:
                add(
                    name,
                    "write the local time without a UTC offset "
                    "(2026-12-05 18:30); the 'timezone' field says which zone",
                )
        if (
            isinstance(meta.start, datetime)
            and isinstance(meta.end, datetime)
            and meta.start.tzinfo is None
            and meta.end.tzinfo is None
            and meta.end <= meta.start
        ):
            add(
                "end",
                f"the end ({meta.end:%Y-%m-%d %H:%M}) is not after the start "
                f"({meta.start:%Y-%m-%d %H:%M})",
            )
        if meta.timezone is not None:
            zone = ZoneInfo(meta.timezone)
            for name in ("start", "end"):
                value = getattr(meta, name)
                if isinstance(value, datetime) and value.tzinfo is None:
                    shown = _wall_clock(value, zone)
                    if shown != value:
                        add(
                            name,
                            f"there is no {value:%H:%M} on {value:%Y-%m-%d} in "
                            f"{meta.timezone}: the clocks go forward that night; the same "
                            f"moment is {shown:%H:%M}, so write that (or another time)",
                        )
    if meta.venue is None and meta.online_url is None:
        problems.add(
            source,
            lines.first_line,
            "venue",
            "say where the event happens: add a 'venue' (name, city, country) "
            "or an 'online_url', or both",
        )


# --- cross-checks and assembly --------------------------------------------------------------


def _assemble(
    options: Options,
    prefectures: dict[str, Prefecture],
    parsed: list[Parsed],
    problems: Problems,
    invalid_profiles: set[str] = frozenset(),
) -> Site:
    site_zone = ZoneInfo(options.timezone)
    today = options.today or datetime.now(site_zone).date()
    articles: list[Article] = []
    events: list[Event] = []
    pages: list[Page] = []
    slugs: dict[tuple[str, str], list[tuple[str, int]]] = {}
    sizes_seen: dict[str, tuple[int, int] | None] = {}
    for entry in parsed:
        if entry.meta is None:
            continue
        if entry.kind == PAGES_DIR:
            meta: Any = entry.meta
            slug = meta.slug or slug_from_filename(_stem(entry.source))
            pages.append(Page(slug, meta, entry.html, entry.source, entry.digest))
            slugs.setdefault((PAGES_DIR, slug), []).append(
                (entry.source, entry.lines.line_of(("slug",)))
            )
            continue
        pref_slug = entry.source.split("/", 2)[1]
        prefecture = prefectures.get(pref_slug)
        if prefecture is None and pref_slug in invalid_profiles:
            continue  # its profile's problems are reported; cross-checks need a valid profile
        if prefecture is None:
            guess = difflib.get_close_matches(pref_slug, list(prefectures), n=1)
            hint = f"did you mean {guess[0]!r}? " if guess else ""
            problems.add(
                entry.source,
                1,
                "prefecture",
                f"the folder 'content/{pref_slug}/' is not a prefecture; {hint}"
                "move the file into the folder named like its profile in prefectures/",
            )
            continue
        meta = entry.meta
        slug = meta.slug or slug_from_filename(_stem(entry.source))
        if not _is_slug(slug):
            problems.add(
                entry.source,
                1,
                "slug",
                "no URL slug could be made from the file name; add 'slug: <ascii-words>'",
            )
            continue
        slugs.setdefault((f"{pref_slug}/{entry.kind}", slug), []).append(
            (entry.source, entry.lines.line_of(("slug",)))
        )
        person_field = "author" if entry.kind == "articles" else "organizer"
        person = prefecture.ambassador(getattr(meta, person_field))
        if person is None:
            known = ", ".join(a.id for a in prefecture.ambassadors) or "none yet"
            problems.add(
                entry.source,
                entry.lines.line_of((person_field,)),
                person_field,
                f"{getattr(meta, person_field)!r} is not an ambassador of {pref_slug} "
                f"(known: {known}); use an id from prefectures/{pref_slug}.yaml or add "
                "yourself there",
            )
            continue
        if entry.kind == "articles":
            published = _aware(meta.date, site_zone)
            updated = _aware(meta.updated, site_zone) if meta.updated else published
            html, digest, sizes = _with_image_sizes(entry, options, sizes_seen)
            hero = posixpath.normpath(posixpath.join(pref_slug, meta.image)) if meta.image else None
            articles.append(
                Article(
                    prefecture,
                    person,
                    slug,
                    meta,
                    html,
                    published,
                    updated,
                    entry.source,
                    digest,
                    entry.images,
                    image_size=sizes.get(hero) if hero else None,
                )
            )
        else:
            if entry.problems:
                continue  # its own problems are reported; its times cannot be placed
            event = _make_event(
                prefecture, person, slug, meta, entry, site_zone, options, sizes_seen
            )
            _check_results(event, today, entry, problems)
            events.append(event)
    for (where, slug), places in slugs.items():
        if len(places) > 1:
            files = ", ".join(source for source, _ in places)
            for source, line in places:
                problems.add(
                    source,
                    line,
                    "slug",
                    f"the URL {where}/{slug}/ is used by more than one file ({files}); "
                    "give one of them a different 'slug:' or file name",
                )
    _check_translations(articles, parsed, problems)
    articles.sort(key=lambda a: (a.published, a.key), reverse=True)
    events.sort(key=lambda e: (_sort_time(e), e.key))
    pages.sort(key=lambda p: (p.meta.order, p.slug))
    return Site(
        prefectures=prefectures,
        articles=articles,
        events=events,
        pages=pages,
        today=today,
        single=options.only,
    )


def _check_translations(articles: list[Article], parsed: list[Parsed], problems: Problems) -> None:
    lines = {e.source: e.lines for e in parsed}
    by_key = {(a.prefecture.slug, a.slug): a for a in articles}
    for article in articles:
        target = article.meta.translation
        if target is None:
            continue
        other = by_key.get((article.prefecture.slug, target))
        line = lines[article.source].line_of(("translation",))
        if other is None:
            problems.add(
                article.source,
                line,
                "translation",
                f"there is no article with slug {target!r} in "
                f"content/{article.prefecture.slug}/articles/",
            )
        elif other.meta.lang == article.meta.lang:
            problems.add(
                article.source,
                line,
                "translation",
                f"{target!r} is also in lang {article.meta.lang!r}; a translation "
                "links articles in different languages",
            )


def _make_event(
    prefecture: Prefecture,
    organizer: Any,
    slug: str,
    meta: EventSchema,
    entry: Parsed,
    site_zone: ZoneInfo,
    options: Options,
    sizes_seen: dict[str, tuple[int, int] | None],
) -> Event:
    html, digest, _sizes = _with_image_sizes(entry, options, sizes_seen)
    if meta.all_day:
        zone = ZoneInfo(meta.timezone) if meta.timezone else None
        start: date | datetime = (
            meta.start if not isinstance(meta.start, datetime) else meta.start.date()
        )
        end: date | datetime = meta.end or start
        if isinstance(end, datetime):
            end = end.date()
        published = datetime.combine(start, time(), site_zone)
    else:
        zone = ZoneInfo(meta.timezone or "UTC")
        start = meta.start.replace(tzinfo=zone)  # type: ignore[union-attr]
        end = meta.end.replace(tzinfo=zone)  # type: ignore[union-attr]
        published = start
    if meta.posted is not None:  # an announcement is news on the day it was posted
        published = _aware(meta.posted, site_zone)
    return Event(
        prefecture,
        organizer,
        slug,
        meta,
        html,
        zone,
        start,
        end,
        published,
        entry.source,
        digest,
        entry.images,
    )


def _with_image_sizes(
    entry: Parsed, options: Options, seen: dict[str, tuple[int, int] | None]
) -> tuple[str, str, dict]:
    """Give the entry's pictures their pixel sizes; fold the sizes into its digest so a
    resized picture re-renders the pages that show it."""
    sizes: dict[str, tuple[int, int]] = {}
    for image, _line, _field in entry.pictures:
        if image not in seen:
            seen[image] = images.dimensions(options.root / "content" / image)
        if seen[image] is not None:
            sizes[image] = seen[image]
    if not sizes:
        return entry.html, entry.digest, sizes
    html = images.add_sizes(entry.html, sizes, LOCAL_PREFIX)
    return html, sha1(f"{entry.digest}:{sorted(sizes.items())}".encode()), sizes


def _wall_clock(value: datetime, zone: ZoneInfo) -> datetime:
    """Return what the clocks in `zone` show at `value` (differs inside a daylight-saving gap)."""
    return (
        value.replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)
    )


def _check_results(event: Event, today: date, entry: Parsed, problems: Problems) -> None:
    """Refuse attendance or funds raised for an event that has not started yet (a wrong date?)."""
    if event.starts_on() <= today:
        return
    for name, what in (("attendance", "an attendance"), ("funds_raised", "funds raised")):
        if getattr(event.meta, name) is not None:
            problems.add(
                event.source,
                entry.lines.line_of((name,)),
                name,
                f"the event starts on {event.starts_on()}, after today ({today}), so "
                f"it cannot have {what} yet; check the date in 'start', or add "
                f"'{name}' once the event has taken place",
            )


def _sort_time(event: Event) -> datetime:
    if isinstance(event.start, datetime):
        return event.start
    return datetime.combine(event.start, time(), ZoneInfo("UTC"))


def _aware(value: date | datetime, zone: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    return datetime.combine(value, time(), zone)


# --- helpers --------------------------------------------------------------------------------


def _read_yaml(raw: bytes | str, source: str, problems: Problems, first_line: int = 1):
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        problems.add(source, 1, "encoding", "the file is not UTF-8; save it as UTF-8 text")
        return None, yamlsource.LineMap()
    try:
        data, lines = yamlsource.load(text, first_line=first_line)
    except yamlsource.YamlSyntaxError as exc:
        problems.add(source, exc.line, "YAML", exc.message)
        return None, yamlsource.LineMap()
    for path, line in lines.duplicates:
        problems.add(source, line, field_name(path), "this field is written twice; keep one")
    if data is None:
        problems.add(
            source,
            first_line,
            "front matter" if first_line > 1 else "profile",
            "the file has no fields",
        )
    return data, lines


def _validate(
    schema: type[BaseModel], data: dict, source: str, lines: yamlsource.LineMap, problems: Problems
) -> Any:
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        problems.extend(problems_from(exc, source, lines, schema))
        return None


def _is_slug(text: str) -> bool:
    import re

    return re.fullmatch(SLUG_PATTERN, text) is not None


def _line_of_text(text: str, needle: str) -> int:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


def _stem(source: str) -> str:
    """Return what Path(source).stem would, without building a Path."""
    name = source.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def _rel(options: Options, path: Path) -> str:
    return path.relative_to(options.root).as_posix()
