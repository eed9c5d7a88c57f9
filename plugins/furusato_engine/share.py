"""Give templates what the head's sharing tags and the event pages' calendar links need:
`share_meta()` (Open Graph, Twitter card, JSON-LD of the page being rendered), the event
status names and the "Add to Google Calendar" link."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from furusato.changes import STATUS_NAMES, STATUS_SENTENCES, date_note, google_calendar_url
from furusato.entities import Article, Event, Page, Prefecture
from furusato.sharing import ShareContext, ShareMeta, describe


@pass_context
def share_meta(context: Context, title: str, description: str) -> ShareMeta:
    """Describe the page being rendered, from its data (article, event, site page,
    prefecture) and the `title` and `description` its head shows."""

    def typed(name: str, kind: type) -> Any:
        value = context.get(name)
        return value if isinstance(value, kind) else None

    share: ShareContext = context["share"]
    alternates = context.get("alternates")
    return describe(
        share,
        page_url=context["page_url"],
        title=_text(title),
        description=_text(description),
        alternates=alternates if isinstance(alternates, Mapping) else None,
        article=typed("article", Article),
        event=typed("event", Event),
        page=typed("page", Page),
        prefecture=typed("prefecture", Prefecture),
    )


def _text(value: Any) -> str:
    """Return a rendered block (escaped Markup) as the plain text it shows, on one line."""
    text = value.striptags() if isinstance(value, Markup) else str(value)
    return " ".join(text.split())


def share_globals() -> dict[str, Any]:
    """Return the template globals of this module."""
    return {
        "share_meta": share_meta,
        "EVENT_STATUS_NAMES": STATUS_NAMES,
        "STATUS_SENTENCES": STATUS_SENTENCES,
        "date_note": date_note,
        "google_calendar_url": google_calendar_url,
    }
