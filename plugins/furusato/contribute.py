"""The "Write for <prefecture>" link: the git host's new-file page, in the prefecture's
articles folder, with the article template already filled in.

On GitHub, `https://github.com/<owner>/<name>/new/<branch>/<folder>?filename=...&value=...`
opens the web editor with the file's name and text filled in (the `filename` and `value`
query parameters of GitHub's new-file page; Gitea and Forgejo copied them for `_new/`). Someone
without write access is offered GitHub's own fork-and-propose flow on that page: they commit
to a fork and a pull request is opened for them. Only GitHub is known to read these
parameters, so on another host (and in a build without FURUSATO_REPOSITORY) there is no link,
and CONTRIBUTING.md explains the other ways in.

The text is docs/templates/article.md with today's date: every sample value in it is refused
by `make check` until the contributor replaces it (``furusato.placeholders``).
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

TEMPLATE = Path("docs") / "templates" / "article.md"
FILENAME = "{day}-your-title.md"


def read_template(root: Path) -> str:
    """Return the article template of the repository at `root` ('' if it has none)."""
    try:
        return (root / TEMPLATE).read_text(encoding="utf-8")
    except OSError:
        return ""


def template_digest(text: str) -> str:
    """Return a fingerprint of the template (pages that link to it change with it)."""
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def filled_in(template: str, day: date) -> str:
    """Return the template with its date set to `day`."""
    return re.sub(
        r"^date:[ \t]*\S+", f"date: {day.isoformat()}", template, count=1, flags=re.MULTILINE
    )


def new_article_url(
    repository: str | None, branch: str, template: str, prefecture: str, day: date
) -> str | None:
    """Return the link that opens a new article of `prefecture` on the git host, or None
    when there is no repository, no template, or the host is not GitHub."""
    if not repository or not template:
        return None
    parts = urlsplit(repository)
    if parts.hostname != "github.com":
        return None
    folder = f"content/{prefecture}/articles"
    query = "filename={}&value={}".format(
        quote(FILENAME.format(day=day.isoformat()), safe=""),
        quote(filled_in(template, day), safe=""),
    )
    base = repository.rstrip("/")
    return f"{base}/new/{quote(branch, safe='/')}/{folder}?{query}"


def link_maker(settings: dict[str, Any], root: Path) -> Any:
    """Return `write_for(prefecture_slug, day)` for the templates, from the settings."""
    return partial(
        new_article_url,
        settings.get("FURUSATO_REPOSITORY"),
        settings.get("FURUSATO_BRANCH") or "main",
        read_template(root),
    )
