"""Write a new article or event file from the templates in docs/templates/, ready to edit.

`make article` and `make event` call this through `python -m furusato new`. The new file
is validated with the same schemas and checks as `make check` before it is written, so what
it writes passes them except for the template's sample values it leaves for the contributor
to write (the summary, a venue, the body: see ``furusato.placeholders``), which `make check`
refuses until they are replaced.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..placeholders import is_placeholder
from ..reading import yamlsource
from ..reading.loader import parse_document, sha1
from ..reading.markup import Renderer
from ..schemas import ProfileSchema
from ..slugs import slug_from_filename, slugify

TEMPLATES = Path("docs") / "templates"
FOLDER_OF = {"article": "articles", "event": "events"}  # a new document's type -> its folder


class ScaffoldError(Exception):
    """The file cannot be written; the message says why and what to type instead."""


@dataclass(frozen=True)
class Request:
    """What the contributor asked for on the command line."""

    kind: str  # "article" or "event"
    prefecture: str
    author: str
    title: str
    slug: str | None = None
    day: date | None = None  # the article's date or the event's first day; today if None
    article_kind: str | None = None  # story, guide, news or proposal (articles only)
    timezone: str | None = None  # IANA zone of the event (events only)


def create(root: Path, request: Request, today: date) -> Path:
    """Write the new file under `root`/content and return its path; raise ScaffoldError."""
    if request.kind not in FOLDER_OF:
        raise ScaffoldError(f"unknown kind {request.kind!r}; use 'article' or 'event'")
    ambassadors = _ambassadors(root, request.prefecture)
    if request.author not in ambassadors:
        raise ScaffoldError(
            f"AUTHOR={request.author!r} is not an ambassador of {request.prefecture}"
            f"{_guess(request.author, ambassadors)}; use one of: {', '.join(ambassadors)}"
            if ambassadors
            else f"{request.prefecture} has no ambassadors yet; add yourself under "
            f"'ambassadors:' in prefectures/{request.prefecture}.yaml first"
        )
    title = request.title.strip()
    if not title:
        raise ScaffoldError('TITLE is empty; add TITLE="Your title" to the command')
    slug = request.slug.strip() if request.slug else slugify(title)
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        raise ScaffoldError(
            f"no URL slug could be made from {title!r}; add SLUG=a-few-words in lowercase "
            "ascii letters, digits and hyphens"
            if not request.slug
            else f"SLUG={slug!r} is not a URL slug; use lowercase ascii letters, digits and "
            "hyphens, such as 'sand-dunes-in-winter'"
        )
    day = request.day or today
    folder = root / "content" / request.prefecture / FOLDER_OF[request.kind]
    path = folder / f"{day.isoformat()}-{slug}.md"
    taken = _taken_slugs(folder)
    if slug in taken:
        raise ScaffoldError(
            f"{taken[slug].relative_to(root).as_posix()} already uses the slug {slug!r}; "
            "choose another title or add SLUG=another-slug"
        )
    text = render(root, request, title, day, today)
    _validate(root, path, text, request.kind)
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def render(root: Path, request: Request, title: str, day: date, today: date | None = None) -> str:
    """Fill the template of `request.kind` with the title, date and author."""
    template = (root / TEMPLATES / f"{request.kind}.md").read_text(encoding="utf-8")
    values = {"title": yaml_text(title)}
    if request.kind == "article":
        values |= {
            "date": day.isoformat(),
            "author": request.author,
            "lang": "en" if title.isascii() else "ja",
            "kind": request.article_kind or "story",
        }
    else:
        values |= {
            "start": f"{day.isoformat()} 18:00",
            "end": f"{day.isoformat()} 20:00",
            "timezone": request.timezone or "Asia/Tokyo",
            "organizer": request.author,
            "posted": (today or day).isoformat(),
        }
    for name, value in values.items():
        template, count = re.subn(
            rf"^{name}:[ \t]*[^#\n]*?([ \t]+#.*)?$",
            lambda m, v=value: f"{m.group(0).split(':', 1)[0]}: {v}{m.group(1) or ''}",
            template,
            count=1,
            flags=re.MULTILINE,
        )
        if count != 1:
            raise ScaffoldError(f"the template {request.kind}.md has no '{name}:' line")
    return template


def yaml_text(text: str) -> str:
    """Write `text` as a YAML value: plain when that reads back the same, else quoted."""
    if re.fullmatch(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#]*", text) and not text.endswith(" "):
        data, _ = yamlsource.load(f"v: {text}\n")
        if data == {"v": text}:
            return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def _ambassadors(root: Path, prefecture: str) -> list[str]:
    profiles = sorted(p.stem for p in (root / "prefectures").glob("*.yaml"))
    if prefecture not in profiles:
        raise ScaffoldError(
            f"PREFECTURE={prefecture!r} is not a prefecture{_guess(prefecture, profiles)}; "
            f"use one of: {', '.join(profiles)}"
        )
    path = root / "prefectures" / f"{prefecture}.yaml"
    try:
        data, _ = yamlsource.load(path.read_text(encoding="utf-8"))
        profile = ProfileSchema.model_validate(data)
    except (yamlsource.YamlSyntaxError, ValueError) as exc:
        raise ScaffoldError(
            f"prefectures/{prefecture}.yaml has problems; run `make check` and fix them first"
        ) from exc
    return [a.id for a in profile.ambassadors]


def _taken_slugs(folder: Path) -> dict[str, Path]:
    """Return the slug of every file in `folder`: its 'slug:' field, else its file name."""
    taken: dict[str, Path] = {}
    for path in sorted(folder.glob("*.md")):
        slug = slug_from_filename(path.stem)
        try:
            front = yamlsource.split_front_matter(path.read_text(encoding="utf-8"))
            data, _ = yamlsource.load(front.yaml_text)
            if isinstance(data, dict) and isinstance(data.get("slug"), str):
                slug = data["slug"]
        except (
            OSError,
            UnicodeDecodeError,
            yamlsource.FrontMatterError,
            yamlsource.YamlSyntaxError,
        ):
            pass  # make check reports that file; its file name still claims a slug
        taken[slug] = path
    return taken


def _guess(word: str, choices: list[str]) -> str:
    guess = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {guess[0]!r}?)" if guess else ""


def left_to_write(path: Path, root: Path, kind: str) -> list[str]:
    """Return the fields of a new file that still hold the template's sample values."""
    raw = path.read_bytes()
    source = path.relative_to(root).as_posix()
    entry = parse_document(FOLDER_OF[kind], source, raw, sha1(raw), Renderer())
    return [f"line {p.line}: {p.field}" for p in entry.problems if is_placeholder(p)]


def _validate(root: Path, path: Path, text: str, kind: str) -> None:
    raw = text.encode("utf-8")
    source = path.relative_to(root).as_posix()
    entry = parse_document(FOLDER_OF[kind], source, raw, sha1(raw), Renderer())
    wrong = [p for p in entry.problems if not is_placeholder(p)]
    if wrong:
        lines = "\n".join(p.format() for p in wrong)
        raise ScaffoldError(f"the new file would not pass `make check`:\n{lines}")
