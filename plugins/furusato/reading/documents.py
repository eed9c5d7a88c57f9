"""Parse, validate and render one Markdown file; the result depends on its bytes alone,
so it can be cached and computed in another process."""

from __future__ import annotations

import logging
import posixpath
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from .. import placeholders
from ..errors import Problem, Problems
from ..schemas import (
    OPEN_STATUSES,
    PROPOSAL_STATUSES,
    ArticleSchema,
    EventSchema,
    PageSchema,
)
from . import yamlsource
from .markup import Renderer
from .messages import comment_cuts, yaml_findings
from .repository import (
    PAGES_DIR,
    line_of_text,
    read_yaml,
    validate,
)

log = logging.getLogger(__name__)


MAX_BODY_BYTES = 1_000_000  # a Markdown body; the longest shipped is 2 KB
MAX_BODY_DEPTH = 20  # lists, quotes and brackets inside each other, in a Markdown body
# A line indented past 4 columns per level of MAX_BODY_DEPTH, or quoted that many times:
# Python-Markdown nests recursively, and a list thousands of levels deep takes minutes and
# then fails with RecursionError.
_DEEP_LINE = re.compile(
    rf"^(?:[ \t]*>){{{MAX_BODY_DEPTH + 1}}}|^[ \t>]{{{4 * MAX_BODY_DEPTH}}}", re.M
)


@dataclass
class Parsed:
    """One Markdown file after parsing and validation, before cross-checks (cacheable)."""

    folder: str  # the folder it was read from: "articles", "events" or "pages"
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


_SCHEMAS: dict[str, type[BaseModel]] = {
    "articles": ArticleSchema,
    "events": EventSchema,
    PAGES_DIR: PageSchema,
}


def parse_document(folder: str, source: str, raw: bytes, digest: str, renderer: Renderer) -> Parsed:
    """Parse, validate and render one Markdown file; problems are kept on the result.

    The result depends on the file's bytes alone (never on other files), so it can be cached
    by their hash; checks that look at other files run on every build.
    """
    problems = Problems()
    entry = Parsed(
        folder=folder, source=source, digest=digest, meta=None, lines=yamlsource.LineMap()
    )
    if len(raw) > MAX_BODY_BYTES + yamlsource.MAX_YAML_BYTES:
        problems.add(source, 1, "file", _too_large(len(raw)))
        entry.problems = problems.items
        return entry
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
    data, lines = read_yaml(front.yaml_text, source, problems, first_line=2)
    entry.lines = lines
    problems.extend(yaml_findings(lines, source))
    if data is not None and not isinstance(data, dict):
        problems.add(
            source, 2, "front matter", "the front matter must be fields such as 'title: ...'"
        )
        data = None
    if data is not None:
        problems.extend(comment_cuts(lines, source, _SCHEMAS[folder]))
        entry.meta = validate(_SCHEMAS[folder], data, source, lines, problems)
    if entry.meta is not None:
        if folder == "events":
            _check_event(entry.meta, source, lines, problems)  # type: ignore[arg-type]
        elif folder == "articles":
            _check_article(entry.meta, source, lines, problems)  # type: ignore[arg-type]
    if data is not None:
        problems.extend(
            placeholders.find(folder, source, data, lines.line_of, front.body, front.body_line)
        )
    if not _body_is_readable(front, source, problems):
        entry.problems = problems.items
        return entry
    rendered = renderer.render(front.body, source.removeprefix("content/"))
    entry.html = rendered.html
    entry.images = rendered.images
    for finding in rendered.findings:
        problems.add(source, front.body_line + finding.line - 1, finding.field, finding.message)
    pictures = [
        (image, front.body_line - 1 + line_of_text(front.body, image.rsplit("/", 1)[-1]), "image")
        for image in rendered.images
    ]
    meta: Any = entry.meta
    if folder == "articles" and meta is not None and meta.image:
        image = posixpath.normpath(posixpath.join(Path(source).parts[1], meta.image))
        pictures.insert(0, (image, lines.line_of(("image",)), "image"))
    entry.pictures = tuple(pictures)
    entry.problems = problems.items
    return entry


def _too_large(size: int) -> str:
    return (
        f"the file is {size / 1e6:.1f} MB; an article, event or page may be at most "
        f"{MAX_BODY_BYTES / 1e6:g} MB of text, so shorten it or split it into several"
    )


def _body_is_readable(front: yamlsource.FrontMatter, source: str, problems: Problems) -> bool:
    """Report what in a Markdown body feeds could not carry or Markdown could not read.

    Characters are reported (with line and column) and the body is still rendered; a body
    too large or too deeply nested is not rendered at all.
    """
    for line, column, char, more in yamlsource.find_bad_characters(front.body, front.body_line):
        problems.add(source, line, "text", yamlsource.character_problem(char, column, more))
    size = len(front.body) if len(front.body) > MAX_BODY_BYTES else len(front.body.encode())
    if size > MAX_BODY_BYTES:
        problems.add(source, front.body_line, "text", _too_large(size))
        return False
    deep = _DEEP_LINE.search(front.body)
    depth = _bracket_depth(front.body) if front.body.count("[") > MAX_BODY_DEPTH else 0
    if deep is not None or depth > MAX_BODY_DEPTH:
        line = front.body_line + (front.body.count("\n", 0, deep.start()) if deep else 0)
        problems.add(
            source,
            line,
            "text",
            f"the text is nested more than {MAX_BODY_DEPTH} levels deep (lists, quotes or "
            "[ ] brackets inside each other, or a line indented very far); Markdown cannot "
            "show that, so flatten it",
        )
        return False
    return True


def _bracket_depth(text: str) -> int:
    """Return how deeply [ ] brackets nest in `text` (Markdown's link parser is quadratic)."""
    depth = deepest = 0
    for match in re.finditer(r"[\[\]]", text):
        depth = depth + 1 if match.group() == "[" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


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
    if meta.kind == "proposal":
        _check_proposal(meta, source, lines, problems)


def _check_proposal(
    meta: ArticleSchema, source: str, lines: yamlsource.LineMap, problems: Problems
) -> None:
    """Check what a proposal's life needs: a status, the day submitted, and the day decided
    once there is an outcome (never before it was submitted). Its number is checked with the
    prefecture's other proposals (reading.assemble)."""

    def add(name: str, message: str) -> None:
        problems.add(source, lines.line_of((name,)), name, message)

    statuses = ", ".join(PROPOSAL_STATUSES)
    if meta.status is None:
        add(
            "status",
            f"a policy proposal has a status; add 'status: submitted' (or one of {statuses})",
        )
    if meta.submitted is None:
        add(
            "submitted",
            "a policy proposal says when it was handed to the prefecture; add "
            "'submitted: YYYY-MM-DD'",
        )
    for name in ("submitted", "decided"):
        if isinstance(getattr(meta, name), datetime):
            add(name, "write the day only (YYYY-MM-DD), without a time")
    if meta.status in OPEN_STATUSES and meta.decided is not None:
        add(
            "decided",
            f"a proposal that is {meta.status!r} has no outcome yet; remove "
            "'decided', or change 'status' to the outcome",
        )
    if meta.status is not None and meta.status not in OPEN_STATUSES and meta.decided is None:
        add(
            "decided",
            f"a proposal that is {meta.status!r} says when that was known; add "
            "'decided: YYYY-MM-DD'",
        )
    if (
        meta.submitted is not None
        and meta.decided is not None
        and _day(meta.decided) < _day(meta.submitted)
    ):
        add(
            "decided",
            f"the decision ({_day(meta.decided)}) is before the proposal was "
            f"submitted ({_day(meta.submitted)}); check both dates",
        )


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


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
    _check_status(meta, add)
    if meta.venue is None and meta.online_url is None:
        problems.add(
            source,
            lines.first_line,
            "venue",
            "say where the event happens: add a 'venue' (name, city, country) "
            "or an 'online_url', or both",
        )


def _wall_clock(value: datetime, zone: ZoneInfo) -> datetime:
    """Return what the clocks in `zone` show at `value` (differs inside a daylight-saving gap)."""
    return (
        value.replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)
    )


def _check_status(meta: EventSchema, add: Any) -> None:
    """Check that a change of status says what readers and calendars need to know."""
    if meta.status != "scheduled" and not meta.changes:
        add(
            "status",
            f"an event marked '{meta.status}' needs a 'changes:' entry saying when and what "
            "changed, such as '- {date: 2026-11-20, note: Cancelled because of the storm.}'",
        )
    if meta.status == "moved-online" and meta.online_url is None:
        add(
            "status",
            "an event that moved online needs 'online_url:', the link to join it; add "
            "'online_url: https://...' (or keep the status 'scheduled')",
        )
    if meta.rescheduled_from is None:
        return
    if meta.status != "postponed":
        add(
            "rescheduled_from",
            "rescheduled_from is the start a postponed event was first planned for; add "
            "'status: postponed' (with 'start:' the new date), or remove rescheduled_from",
        )
    elif meta.rescheduled_from == meta.start:
        add(
            "rescheduled_from",
            "rescheduled_from is the same as start; write the new date in 'start:' and the "
            "first planned one in 'rescheduled_from:', or remove rescheduled_from while the "
            "new date is not known",
        )
    elif isinstance(meta.rescheduled_from, datetime) != isinstance(meta.start, datetime):
        add(
            "rescheduled_from",
            "write rescheduled_from like start: a date and time (2026-12-05 18:30), or a "
            "date only for an all-day event",
        )
