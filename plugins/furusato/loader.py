"""Load a Furusato repository (profiles and content) into a validated, cross-checked Site.

Every problem in every file is collected before anything fails, so a contributor sees all of
them at once. Parsed and rendered documents are cached by the hash of their bytes, so a
rebuild only re-reads what changed.
"""

from __future__ import annotations

import difflib
import hashlib
import logging
import pickle
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
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


class DocumentCache:
    """Parsed documents keyed by path and content hash; optionally persisted as a pickle."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self.entries: dict[str, Parsed] = {}
        self.hits = 0
        if path is not None and path.exists():
            try:
                with path.open("rb") as fh:
                    version, entries = pickle.load(fh)
                if version == CACHE_VERSION:
                    self.entries = entries
            except (OSError, pickle.UnpicklingError, EOFError, ValueError, AttributeError):
                log.warning("Ignoring unreadable cache %s", path)

    def get(self, source: str, digest: str) -> Parsed | None:
        """Return the cached parse of `source` if its bytes are unchanged."""
        entry = self.entries.get(source)
        if entry is not None and entry.digest == digest:
            self.hits += 1
            return entry
        return None

    def put(self, entry: Parsed) -> None:
        """Remember a parse."""
        self.entries[entry.source] = entry

    def prune(self, keep: Iterable[str]) -> None:
        """Forget files that no longer exist."""
        wanted = set(keep)
        self.entries = {k: v for k, v in self.entries.items() if k in wanted}

    def save(self) -> None:
        """Write the cache to disk atomically (no-op for in-memory caches)."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump((CACHE_VERSION, self.entries), fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(self.path)


@dataclass(frozen=True)
class Options:
    """Where the repository is and how to read it."""

    root: Path
    only: str | None = None  # build a single prefecture's site
    max_image_bytes: int = MAX_IMAGE_BYTES  # larger pictures are rejected (slow on phones)
    timezone: str = "Asia/Tokyo"  # the zone of article dates written without one
    today: date | None = None  # "upcoming" is decided against this date


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
                f"prefectures/{options.only}.yaml", 1, "PREFECTURE",
                f"there is no profile for {options.only!r}; {hint}"
                "PREFECTURE must be a file name from prefectures/ without .yaml",
            )
            return []
        return [path]
    files = sorted(folder.glob("*.yaml"))
    for odd in sorted(folder.glob("*.yml")):
        problems.add(_rel(options, odd), 1, "file name",
                     "profiles end in .yaml; rename the file to "
                     f"{odd.stem}.yaml")
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
        problems.add(source, 1, "file name",
                     f"{path.name!r} is not a prefecture slug; name the file like 'tottori.yaml' "
                     "(lowercase romaji)")
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
                problems.add(p.source, 1, "code", f"{code} is used by more than one profile ({names})")
    for (col, row), same in by_tile.items():
        if len(same) > 1:
            names = ", ".join(p.slug for p in same)
            for p in same:
                problems.add(p.source, 1, "tile",
                             f"col {col}, row {row} is taken by more than one prefecture ({names})")


# --- documents ------------------------------------------------------------------------------


def _content_files(options: Options, problems: Problems) -> list[tuple[str, Path]]:
    """Find Markdown files and say what kind each is; report the ones in the wrong place."""
    content = options.root / "content"
    found: list[tuple[str, Path]] = []
    if options.only:
        roots = [content / options.only]
    else:
        roots = [p for p in sorted(content.iterdir()) if p.is_dir()] if content.exists() else []
    for folder in roots:
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() not in (".md", ".markdown") or not path.is_file():
                continue
            parts = path.relative_to(content).parts
            if parts[0] == PAGES_DIR and len(parts) == 2:
                found.append((PAGES_DIR, path))
            elif len(parts) == 3 and parts[1] in KINDS:
                found.append((parts[1], path))
            else:
                problems.add(
                    _rel(options, path), 1, "location",
                    "this file is not in a place the site reads; articles go in "
                    "content/<prefecture>/articles/, events in content/<prefecture>/events/, "
                    "site pages in content/pages/",
                )
    return found


def _parse_documents(options: Options, cache: DocumentCache, problems: Problems) -> list[Parsed]:
    renderer: Renderer | None = None
    parsed: list[Parsed] = []
    files = _content_files(options, problems)
    for kind, path in files:
        source = _rel(options, path)
        raw = path.read_bytes()
        digest = sha1(raw)
        entry = cache.get(source, digest)
        if entry is None:
            renderer = renderer or Renderer()
            entry = parse_document(kind, source, raw, digest, renderer, options)
            cache.put(entry)
        problems.extend(entry.problems)
        _check_pictures(entry, options, problems)
        parsed.append(entry)
    if options.only is None:
        cache.prune(s for _, s in ((k, _rel(options, p)) for k, p in files))
    return parsed


_SCHEMAS: dict[str, type[BaseModel]] = {
    "articles": ArticleSchema,
    "events": EventSchema,
    PAGES_DIR: PageSchema,
}


def parse_document(
    kind: str, source: str, raw: bytes, digest: str, renderer: Renderer, options: Options
) -> Parsed:
    """Parse, validate and render one Markdown file; problems are kept on the result."""
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
        problems.add(source, 2, "front matter", "the front matter must be fields such as 'title: ...'")
        data = None
    if data is not None:
        entry.meta = _validate(_SCHEMAS[kind], data, source, lines, problems)
    if entry.meta is not None:
        if kind == "events":
            _check_event(entry.meta, source, lines, problems)  # type: ignore[arg-type]
        elif kind == "articles":
            _check_article(entry.meta, source, lines, problems, options)  # type: ignore[arg-type]
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
        if (".." in parts or len(parts) < 3 or parts[1] != IMAGE_DIR
                or parts[0] in ("", PAGES_DIR)):
            problems.add(entry.source, line, name,
                         f"the picture '{posixpath.join('content', image)}' is not in a "
                         "prefecture's images folder; put it in content/<prefecture>/images/ "
                         "and refer to it from there")
        elif not path.is_file():
            problems.add(entry.source, line, name,
                         f"the file 'content/{image}' does not exist; put the picture in "
                         f"content/{parts[0]}/images/ or fix the file name (names are "
                         "case-sensitive)")
        elif (size := path.stat().st_size) > options.max_image_bytes:
            problems.add(entry.source, line, name,
                         f"the picture 'content/{image}' is {size / 1e6:.1f} MB; pictures must "
                         f"be at most {options.max_image_bytes / 1e6:g} MB, so make it smaller "
                         "(for example 1600 pixels wide, saved as JPEG at quality 80)")


def _check_article(meta: ArticleSchema, source: str, lines: yamlsource.LineMap,
                   problems: Problems, options: Options) -> None:
    if meta.image and not meta.image_alt:
        problems.add(source, lines.line_of(("image",)), "image_alt",
                     "an image needs a description for readers who cannot see it; "
                     "add 'image_alt: <what the picture shows>'")
    if meta.image_alt and not meta.image:
        problems.add(source, lines.line_of(("image_alt",)), "image_alt",
                     "image_alt describes an image, but there is no 'image:' field")


def _check_event(meta: EventSchema, source: str, lines: yamlsource.LineMap,
                 problems: Problems) -> None:
    def add(name: str, message: str) -> None:
        problems.add(source, lines.line_of((name,)), name, message)

    is_time = [isinstance(v, datetime) for v in (meta.start, meta.end) if v is not None]
    if meta.all_day:
        if any(is_time):
            add("start" if isinstance(meta.start, datetime) else "end",
                "an all-day event takes dates only (2026-12-05); remove the time, "
                "or remove 'all_day: true'")
        elif meta.end is not None and meta.end < meta.start:
            add("end", f"the last day ({meta.end}) is before the first day ({meta.start})")
    else:
        if not isinstance(meta.start, datetime):
            add("start", "give a start time too (2026-12-05 18:30), or add 'all_day: true'")
        if meta.end is None:
            add("end", "this field is required for an event with times; add when it ends "
                "(2026-12-05 21:00), in the same local time as start")
        elif not isinstance(meta.end, datetime):
            add("end", "give an end time too (2026-12-05 21:00), or add 'all_day: true'")
        if meta.timezone is None:
            add("timezone", "this field is required when times are given; add the IANA time "
                "zone where the event happens, such as 'Europe/London' (times are never "
                "assumed to be Japan time)")
        for name in ("start", "end"):
            value = getattr(meta, name)
            if isinstance(value, datetime) and value.tzinfo is not None:
                add(name, "write the local time without a UTC offset "
                    "(2026-12-05 18:30); the 'timezone' field says which zone")
        if (isinstance(meta.start, datetime) and isinstance(meta.end, datetime)
                and meta.start.tzinfo is None and meta.end.tzinfo is None
                and meta.end <= meta.start):
            add("end", f"the end ({meta.end:%Y-%m-%d %H:%M}) is not after the start "
                f"({meta.start:%Y-%m-%d %H:%M})")
        if meta.timezone is not None:
            zone = ZoneInfo(meta.timezone)
            for name in ("start", "end"):
                value = getattr(meta, name)
                if isinstance(value, datetime) and value.tzinfo is None:
                    shown = _wall_clock(value, zone)
                    if shown != value:
                        add(name, f"there is no {value:%H:%M} on {value:%Y-%m-%d} in "
                            f"{meta.timezone}: the clocks go forward that night; the same "
                            f"moment is {shown:%H:%M}, so write that (or another time)")
    if meta.venue is None and meta.online_url is None:
        problems.add(source, lines.first_line, "venue",
                     "say where the event happens: add a 'venue' (name, city, country) "
                     "or an 'online_url', or both")


# --- cross-checks and assembly --------------------------------------------------------------


def _assemble(options: Options, prefectures: dict[str, Prefecture], parsed: list[Parsed],
              problems: Problems, invalid_profiles: set[str] = frozenset()) -> Site:
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
            slug = meta.slug or slug_from_filename(Path(entry.source).stem)
            pages.append(Page(slug, meta, entry.html, entry.source, entry.digest))
            slugs.setdefault((PAGES_DIR, slug), []).append((entry.source, entry.lines.line_of(("slug",))))
            continue
        pref_slug = Path(entry.source).parts[1]
        prefecture = prefectures.get(pref_slug)
        if prefecture is None and pref_slug in invalid_profiles:
            continue  # its profile's problems are reported; cross-checks need a valid profile
        if prefecture is None:
            guess = difflib.get_close_matches(pref_slug, list(prefectures), n=1)
            hint = f"did you mean {guess[0]!r}? " if guess else ""
            problems.add(entry.source, 1, "prefecture",
                         f"the folder 'content/{pref_slug}/' is not a prefecture; {hint}"
                         "move the file into the folder named like its profile in prefectures/")
            continue
        meta = entry.meta
        slug = meta.slug or slug_from_filename(Path(entry.source).stem)
        if not _is_slug(slug):
            problems.add(entry.source, 1, "slug",
                         "no URL slug could be made from the file name; add 'slug: <ascii-words>'")
            continue
        slugs.setdefault((f"{pref_slug}/{entry.kind}", slug), []).append(
            (entry.source, entry.lines.line_of(("slug",))))
        person_field = "author" if entry.kind == "articles" else "organizer"
        person = prefecture.ambassador(getattr(meta, person_field))
        if person is None:
            known = ", ".join(a.id for a in prefecture.ambassadors) or "none yet"
            problems.add(entry.source, entry.lines.line_of((person_field,)), person_field,
                         f"{getattr(meta, person_field)!r} is not an ambassador of {pref_slug} "
                         f"(known: {known}); use an id from prefectures/{pref_slug}.yaml or add "
                         "yourself there")
            continue
        if entry.kind == "articles":
            published = _aware(meta.date, site_zone)
            updated = _aware(meta.updated, site_zone) if meta.updated else published
            html, digest, sizes = _with_image_sizes(entry, options, sizes_seen)
            hero = posixpath.normpath(posixpath.join(pref_slug, meta.image)) if meta.image else None
            articles.append(Article(prefecture, person, slug, meta, html, published,
                                    updated, entry.source, digest, entry.images,
                                    image_size=sizes.get(hero) if hero else None))
        else:
            if entry.problems:
                continue  # its own problems are reported; its times cannot be placed
            event = _make_event(prefecture, person, slug, meta, entry, site_zone, options,
                                sizes_seen)
            _check_results(event, today, entry, problems)
            events.append(event)
    for (where, slug), places in slugs.items():
        if len(places) > 1:
            files = ", ".join(source for source, _ in places)
            for source, line in places:
                problems.add(source, line, "slug",
                             f"the URL {where}/{slug}/ is used by more than one file ({files}); "
                             "give one of them a different 'slug:' or file name")
    _check_translations(articles, parsed, problems)
    articles.sort(key=lambda a: (a.published, a.key), reverse=True)
    events.sort(key=lambda e: (_sort_time(e), e.key))
    pages.sort(key=lambda p: (p.meta.order, p.slug))
    return Site(prefectures=prefectures, articles=articles, events=events, pages=pages,
                today=today, single=options.only)


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
            problems.add(article.source, line, "translation",
                         f"there is no article with slug {target!r} in "
                         f"content/{article.prefecture.slug}/articles/")
        elif other.meta.lang == article.meta.lang:
            problems.add(article.source, line, "translation",
                         f"{target!r} is also in lang {article.meta.lang!r}; a translation "
                         "links articles in different languages")


def _make_event(prefecture: Prefecture, organizer: Any, slug: str, meta: EventSchema,
                entry: Parsed, site_zone: ZoneInfo, options: Options,
                sizes_seen: dict[str, tuple[int, int] | None]) -> Event:
    html, digest, _sizes = _with_image_sizes(entry, options, sizes_seen)
    if meta.all_day:
        zone = ZoneInfo(meta.timezone) if meta.timezone else None
        start: date | datetime = meta.start if not isinstance(meta.start, datetime) else meta.start.date()
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
    return Event(prefecture, organizer, slug, meta, html, zone, start, end, published,
                 entry.source, digest, entry.images)


def _with_image_sizes(entry: Parsed, options: Options,
                      seen: dict[str, tuple[int, int] | None]) -> tuple[str, str, dict]:
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
    return value.replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).astimezone(zone).replace(
        tzinfo=None)


def _check_results(event: Event, today: date, entry: Parsed, problems: Problems) -> None:
    """Refuse attendance or funds raised for an event that has not started yet (a wrong date?)."""
    if event.starts_on() <= today:
        return
    for name, what in (("attendance", "an attendance"), ("funds_raised", "funds raised")):
        if getattr(event.meta, name) is not None:
            problems.add(event.source, entry.lines.line_of((name,)), name,
                         f"the event starts on {event.starts_on()}, after today ({today}), so "
                         f"it cannot have {what} yet; check the date in 'start', or add "
                         f"'{name}' once the event has taken place")


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
        problems.add(source, line, field_name(path),
                     "this field is written twice; keep one")
    if data is None:
        problems.add(source, first_line, "front matter" if first_line > 1 else "profile",
                     "the file has no fields")
    return data, lines


def _validate(schema: type[BaseModel], data: dict, source: str, lines: yamlsource.LineMap,
              problems: Problems) -> Any:
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


def _rel(options: Options, path: Path) -> str:
    return path.relative_to(options.root).as_posix()
