"""Where a Furusato repository is and how its files are read: options, paths, YAML with
every problem collected, schema validation."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Problems
from ..schemas import SLUG_PATTERN
from . import yamlsource
from .messages import field_name, problems_from

log = logging.getLogger(__name__)


DOCUMENT_FOLDERS = ("articles", "events")  # the folders of a prefecture that hold Markdown


MAX_IMAGE_MB = 15  # a photo straight from a phone passes (FURUSATO_IMAGE_MAX_MB)
WARN_IMAGE_MB = 4  # larger originals publish, with a warning on how to shrink them


PAGES_DIR = "pages"


IMAGE_DIR = "images"


@dataclass(frozen=True)
class Options:
    """Where the repository is and how to read it."""

    root: Path
    single: str | None = None  # build one prefecture's site alone, rooted at /
    max_image_bytes: int = MAX_IMAGE_MB * 1_000_000  # larger pictures are refused
    warn_image_bytes: int = WARN_IMAGE_MB * 1_000_000  # larger ones publish with a warning
    timezone: str = "Asia/Tokyo"  # the zone of article dates written without one
    today: date | None = None  # "upcoming" is decided against this date
    jobs: int | None = None  # processes parsing new or changed files (None: one per CPU)


def options_from(settings: Mapping[str, Any]) -> Options:
    """Return how to read the repository that Pelican-style `settings` describe.

    PATH is the content folder (Pelican makes it absolute), so the repository root is its
    parent; `make check` and the build both read their options here, so they agree on the
    time zone, "today" and the prefecture built alone.
    """
    today = settings.get("FURUSATO_TODAY")
    return Options(
        root=Path(settings["PATH"]).parent,
        single=settings.get("FURUSATO_PREFECTURE"),
        timezone=settings.get("TIMEZONE") or "Asia/Tokyo",
        today=date.fromisoformat(today) if isinstance(today, str) else today,
        jobs=settings.get("FURUSATO_JOBS"),
        max_image_bytes=round(settings.get("FURUSATO_IMAGE_MAX_MB", MAX_IMAGE_MB) * 1_000_000),
        warn_image_bytes=round(settings.get("FURUSATO_IMAGE_WARN_MB", WARN_IMAGE_MB) * 1_000_000),
    )


def cache_folder(settings: Mapping[str, Any]) -> Path:
    """Return the build cache folder (FURUSATO_CACHE_PATH, relative to the repository root)."""
    return Path(settings["PATH"]).parent / settings.get("FURUSATO_CACHE_PATH", ".furusato-cache")


def sha1(data: bytes) -> str:
    """Return the hex SHA-1 of some bytes (used as a change detector, not for security)."""
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def read_yaml(raw: bytes | str, source: str, problems: Problems, first_line: int = 1):
    """Parse YAML text, recording syntax errors and duplicate keys; return (data, line map)."""
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


def validate(
    schema: type[BaseModel], data: dict, source: str, lines: yamlsource.LineMap, problems: Problems
) -> Any:
    """Return `data` validated by `schema`, or None after recording every error as a Problem."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        problems.extend(problems_from(exc, source, lines, schema))
        return None


def is_slug(text: str) -> bool:
    """Say whether `text` is a URL slug (lowercase ascii words joined by hyphens)."""
    return re.fullmatch(SLUG_PATTERN, text) is not None


def line_of_text(text: str, needle: str) -> int:
    """Return the 1-based line on which `needle` first appears in `text` (1 if absent)."""
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


def file_stem(source: str) -> str:
    """Return what Path(source).stem would, without building a Path."""
    name = source.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def relative(options: Options, path: Path) -> str:
    """Return `path` relative to the repository root, as a POSIX string."""
    return path.relative_to(options.root).as_posix()
