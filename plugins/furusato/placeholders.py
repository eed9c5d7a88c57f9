"""The sample values of the templates (docs/templates/*.md, which `make article` and
`make event` fill in), refused wherever they are left unedited.

One list, read by the check (``reading.documents``) and by the scaffold, and held to the
templates by tests/test_placeholders.py: every `field: value` line of every template is
either a placeholder here or a field in WORKING_FIELDS, so a new sample value cannot slip
into a template without being refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import Problem

AMBASSADOR_ID = "your-ambassador-id"  # in both templates: no real person's id, ever
_OTHER_LANGUAGE = "slug-of-the-other-language-version"

# field (dotted for nested ones) -> the template's sample value
PLACEHOLDERS: dict[str, dict[str, str]] = {
    "articles": {
        "title": "Your title here",
        "author": AMBASSADOR_ID,
        "summary": "One or two sentences about the article.",
        "slug": "your-title-in-a-few-words",
        "image": "images/your-picture.jpg",
        "image_alt": "What the picture shows",
        "translation": _OTHER_LANGUAGE,
        "recap_of": "slug-of-the-event-it-reports-on",
        "response_url": "https://example.org/your-prefectures-response",
    },
    "events": {
        "title": "Your event's name",
        "organizer": AMBASSADOR_ID,
        "summary": "One or two sentences about the event.",
        "venue.name": "Example Hall",
        "venue.address": "1 Example Street",
        "venue.city": "Your city",
        "venue.country": "Your country",
        "online_url": "https://example.org/your-stream",
        "registration_url": "https://example.org/your-registration",
        "slug": "your-event-in-a-few-words",
        "translation": _OTHER_LANGUAGE,
    },
}
# The first sentence of each template's body.
BODIES: dict[str, str] = {
    "articles": "Write your article here in Markdown.",
    "events": "Describe the event here in Markdown",
}
# Fields whose template value is a working value, not a sample: a date the scaffold
# replaces, a default choice (kind, lang), a real time zone, an empty list of tags...
WORKING_FIELDS = frozenset(
    {
        "date", "updated", "kind", "lang", "tags", "status", "example",
        "submitted", "decided", "number", "support",
        "start", "end", "timezone", "posted", "all_day", "cost", "attendance",
        "funds_raised", "funds_raised.amount", "funds_raised.currency", "rescheduled_from",
        "changes", "changes.date", "changes.note",
    }
)  # fmt: skip
MARK = "this is the template's sample"  # every message starts so (the scaffold leaves these)


def _value(data: Mapping[str, Any], dotted: str) -> Any:
    value: Any = data
    for part in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _same(value: Any, sample: str) -> bool:
    return isinstance(value, str) and value.strip().rstrip("/").casefold() == sample.casefold()


def find(
    folder: str,
    source: str,
    data: Mapping[str, Any],
    line_of: Any,
    body: str,
    body_line: int,
) -> list[Problem]:
    """Return a problem for every template sample left in a document's front matter (`data`,
    with `line_of(path)` giving a field's line) or in its `body` (starting at `body_line`)."""
    found: list[Problem] = []
    prefecture = source.split("/")[1] if source.count("/") >= 2 else "<prefecture>"
    for field, sample in PLACEHOLDERS.get(folder, {}).items():
        if not _same(_value(data, field), sample):
            continue
        line = line_of(tuple(field.split(".")))
        if sample == AMBASSADOR_ID:
            fix = (
                f"replace it with your ambassador id: it is the 'id:' next to your name under "
                f"'ambassadors:' in prefectures/{prefecture}.yaml (if you are not there yet, "
                "add yourself first, or ask your prefecture's coordinator)"
            )
        elif field in ("slug", "translation", "image", "image_alt", "online_url",
                       "registration_url"):  # fmt: skip
            fix = "write your own value, or delete the line (the field is optional)"
        else:
            fix = "write your own"
        found.append(Problem(source, line, field, f"{MARK} {sample!r}; {fix}"))
    sentence = BODIES.get(folder)
    if sentence and sentence in body:
        line = body_line + body[: body.index(sentence)].count("\n")
        found.append(
            Problem(
                source,
                line,
                "body",
                f"{MARK} {sentence!r}; replace the template's text below the front matter "
                "with your own",
            )
        )
    return found


def is_placeholder(problem: Problem) -> bool:
    """Say whether `problem` is about a sample value left in (the scaffold leaves those)."""
    return problem.message.startswith(MARK)
