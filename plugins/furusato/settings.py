"""Declare every Furusato setting once (type, default, meaning, whether it changes output) and
check a whole settings dictionary against the declarations, reporting every mistake at once.

Pelican-free: the engine plugin applies it at start-up and `furusato check` reads the same
settings file through it, so check and build agree on "today", the time zone and the cache.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from . import csp

PREFIX = "FURUSATO_"

Check = Callable[[Any], str | None]  # returns what is wrong with a value, or None


def _whole(minimum: int) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            return f"must be a whole number of at least {minimum}"
        return None

    return check


def _optional(check: Check) -> Check:
    return lambda value: None if value is None else check(value)


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be non-empty text"


def _flag(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be True or False"


def _choice(*values: str) -> Check:
    def check(value: Any) -> str | None:
        if value not in values:
            return "must be one of " + ", ".join(repr(v) for v in values)
        return None

    return check


def _slug(value: Any) -> str | None:
    if isinstance(value, str) and re.fullmatch(r"[a-z]+(-[a-z]+)*", value):
        return None
    return "must be a prefecture's slug, the name of its file in prefectures/ (such as 'tottori')"


def _day(value: Any) -> str | None:
    if isinstance(value, date):
        return None
    if isinstance(value, str):
        try:
            date.fromisoformat(value)
        except ValueError:
            pass
        else:
            return None
    return "must be a date written YYYY-MM-DD"


def _url(value: Any) -> str | None:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts and parts.scheme in ("http", "https") and parts.hostname and not parts.query:
        return None
    return "must be an address such as http://127.0.0.1:8000"


def _str_dict(values: type) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, Mapping) and all(
            isinstance(k, str) and isinstance(v, values) for k, v in value.items()
        ):
            if values is list and not all(
                all(isinstance(s, str) for s in v) for v in value.values()
            ):
                return "must map names to lists of text"
            return None
        return f"must map names to {'lists of text' if values is list else 'text'}"

    return check


# RFC 4151 taggingEntity: a domain name (or e-mail address) and a date the owner held it.
# The feeds read the date from the groups (year, month, day).
AUTHORITY_PATTERN = re.compile(
    r"^(?:[a-z0-9._-]+@)?[a-z0-9.-]+\.[a-z]{2,},(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$"
)


def _tag_authority(value: Any) -> str | None:
    if isinstance(value, str) and AUTHORITY_PATTERN.fullmatch(value):
        return None
    return "must be 'domain,year' as in RFC 4151, such as 'alumni.example.org,2026'"


def _bilingual(value: Any) -> str | None:
    if (
        isinstance(value, Mapping)
        and set(value) == {"en", "ja"}
        and all(isinstance(v, str) and v.strip() for v in value.values())
    ):
        return None
    return "must give the text in both languages: {'en': '...', 'ja': '...'}"


def _contact(value: Any) -> str | None:
    if isinstance(value, str):
        if re.fullmatch(r"mailto:[^@\s]+@[^@\s]+\.[^@\s]+", value):
            return None
        parts = urlsplit(value)
        if parts.scheme == "https" and parts.hostname:
            return None
    return "must be a mailto: address or an https:// page, such as 'mailto:office@example.org'"


def _license(value: Any) -> str | None:
    if isinstance(value, Mapping) and set(value) == {"name", "url"}:
        parts = urlsplit(value["url"]) if isinstance(value["url"], str) else None
        if (
            isinstance(value["name"], str)
            and value["name"].strip()
            and parts
            and (parts.scheme == "https" and parts.hostname)
        ):
            return None
    return (
        "must name the licence and link its text: {'name': 'CC BY 4.0', 'url': "
        "'https://creativecommons.org/licenses/by/4.0/'}"
    )


def _repository(value: Any) -> str | None:
    parts = urlsplit(value) if isinstance(value, str) else None
    if (
        parts
        and parts.scheme == "https"
        and parts.hostname
        and re.fullmatch(r"/[\w.-]+/[\w.-]+", parts.path)
        and not parts.query
        and not parts.fragment
        and not parts.path.endswith(".git")
    ):
        return None
    return (
        "must be the repository's web page, https://<host>/<owner>/<name> (such as "
        "'https://github.com/your-name/furusato'), without .git"
    )


def _mailbox(value: Any) -> str | None:
    if isinstance(value, str) and "\n" not in value and "\r" not in value:
        _, address = parseaddr(value)
        if re.fullmatch(r"[^@\s<>]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", address):
            return None
    return "must be an e-mail address, such as 'Tottori alumni <news@alumni.example.org>'"


def _unsubscribe(value: Any) -> str | None:
    if _contact(value) is None:
        return None
    return (
        "must be a mailto: address or an https:// page where readers unsubscribe, such as "
        "'mailto:news@example.org?subject=unsubscribe'"
    )


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default, one-line meaning, check, and whether it changes pages."""

    name: str
    default: Any
    meaning: str
    check: Check
    changes_output: bool = True


# The digest's From address until a site sets its own: clearly an example (RFC 2606 .example).
DIGEST_EXAMPLE_FROM = "Furusato example digest <digest@furusato.example>"

SETTINGS: tuple[Setting, ...] = (
    # --- what is built -------------------------------------------------------------------
    Setting("FURUSATO_PREFECTURE", None, "build only this prefecture's site, rooted at /",
            _optional(_slug)),
    Setting("FURUSATO_TODAY", None, "the date 'upcoming' is decided against (None: today in "
            "TIMEZONE)", _optional(_day)),
    Setting("FURUSATO_DEV_SITEURL", "http://127.0.0.1:8000", "base of absolute URLs (feeds, "
            "calendars, sitemap) while SITEURL is empty", _url),
    # --- lists ---------------------------------------------------------------------------
    Setting("FURUSATO_ARTICLES_PER_PAGE", 10, "articles on each page of /<slug>/articles/",
            _whole(1)),
    Setting("FURUSATO_HOME_ARTICLES", 8, "latest articles on the national home", _whole(0)),
    Setting("FURUSATO_MICROSITE_ARTICLES", 5, "latest articles on a prefecture's home",
            _whole(0)),
    Setting("FURUSATO_HOME_EVENTS", 6, "upcoming events on the national and prefecture homes",
            _whole(0)),
    # --- pictures ------------------------------------------------------------------------
    Setting("FURUSATO_IMAGE_MAX_MB", 15, "the largest picture file accepted in "
            "content/<prefecture>/images/, in megabytes (a phone photo is 2 to 8)", _whole(1)),
    Setting("FURUSATO_IMAGE_WARN_MB", 4, "pictures larger than this many megabytes publish "
            "with a warning saying how to shrink them", _whole(1)),
    # --- feeds and calendars -------------------------------------------------------------
    Setting("FURUSATO_FEED_ITEMS", 50, "items in each feed, newest first", _whole(1)),
    Setting("FURUSATO_TAG_AUTHORITY", "furusato.example,2026", "the 'domain,year' of feed "
            "entry ids (RFC 4151 tag URIs); set once, never change", _tag_authority),
    Setting("FURUSATO_CALENDAR_REFRESH_HOURS", 24, "how often subscribed calendars re-fetch",
            _whole(1)),
    # --- host configuration --------------------------------------------------------------
    Setting("FURUSATO_CSP", csp.POLICY, "Content-Security-Policy directives of every page",
            _str_dict(list)),
    Setting("FURUSATO_CACHE_ASSETS", "public, max-age=86400, stale-while-revalidate=604800",
            "Cache-Control of theme assets and pictures", _text),
    Setting("FURUSATO_CACHE_FEEDS", "public, max-age=900", "Cache-Control of feeds, calendars "
            "and exports", _text),
    # Only what static hosts get wrong or send without a charset: each entry costs `_headers`
    # rules, and Cloudflare Pages reads at most 100. Hosts already send CSV (ours start with a
    # byte-order mark), JSON and XLSX correctly, with their default caching.
    Setting("FURUSATO_CONTENT_TYPES", {
        "feed.xml": "application/rss+xml; charset=utf-8",
        "atom.xml": "application/atom+xml; charset=utf-8",
        ".ics": "text/calendar; charset=utf-8",
        ".opml": "text/x-opml; charset=utf-8",
        ".xml": "application/xml; charset=utf-8",
        ".txt": "text/plain; charset=utf-8",
        "digest.xml": "application/rss+xml; charset=utf-8",
        ".eml": "message/rfc822",
    }, "Content-Type by file name (first) or suffix", _str_dict(str)),
    # --- the monthly fan-club digest (plugins/digest, `furusato digest`) -----------------
    Setting("FURUSATO_DIGEST", True, "build the monthly digest of each prefecture and the "
            "nation (web pages, emails, digest.xml)", _flag),
    Setting("FURUSATO_DIGEST_FROM", DIGEST_EXAMPLE_FROM, "the From address of the digest "
            "emails (`make publish` requires your own when FURUSATO_DIGEST is on)", _mailbox),
    Setting("FURUSATO_DIGEST_EMAIL_MONTHS", 12, "write the email files of an issue "
            "(email.html, email.txt, digest.eml) only for the month of FURUSATO_TODAY and the "
            "months before it, this many in all (0: every month); every issue keeps its web "
            "page, and `furusato digest` makes an older month's on demand", _whole(0)),
    Setting("FURUSATO_DIGEST_UNSUBSCRIBE", None, "where subscribers unsubscribe when their "
            "row of the subscriber list gives no address: a mailto: address or an https:// "
            "page (only `furusato digest send` uses it)", _optional(_unsubscribe),
            changes_output=False),
    # --- who publishes the site (all required by `make publish`) -------------------------
    Setting("FURUSATO_PUBLISHER", None, "who publishes the site, in both languages: "
            "{'en': ..., 'ja': ...}", _optional(_bilingual)),
    Setting("FURUSATO_CONTACT", None, "how readers reach the publisher: a mailto: address or "
            "an https:// page", _optional(_contact)),
    Setting("FURUSATO_LICENSE", None, "the licence of the content: {'name': ..., 'url': ...}",
            _optional(_license)),
    Setting("FURUSATO_PRIVACY", None, "the privacy note shown on the about page, in both "
            "languages: {'en': ..., 'ja': ...}", _optional(_bilingual)),
    Setting("FURUSATO_REPOSITORY", None, "the repository's web page, "
            "https://<host>/<owner>/<name>, where contributions are proposed",
            _optional(_repository)),
    Setting("FURUSATO_BRANCH", "main", "the branch contributions are proposed against", _text),
    Setting("FURUSATO_REQUIRE_OWNERSHIP", False, "stop the build when a setting of who "
            "publishes the site is missing (publishconf.py sets it)", _flag,
            changes_output=False),
    # --- how the build runs (never changes a byte of output) -----------------------------
    Setting("FURUSATO_CACHE_PATH", ".furusato-cache", "where parsed content and the output "
            "manifest are kept", _text, changes_output=False),
    Setting("FURUSATO_INCREMENTAL", True, "reuse unchanged files of the last build (False: "
            "render every page)", _flag, changes_output=False),
    Setting("FURUSATO_SETTINGS_FILE", None, "the file these settings were read from (set by "
            "`furusato`, named in messages)", _optional(_text), changes_output=False),
    Setting("FURUSATO_SEARCH_INDEX", "pages", "when the search index is rebuilt: 'pages' "
            "(whenever an indexed page changed) or 'keep' (reuse the last index while one "
            "exists; the devserver's mode, so a rebuild never waits for Pagefind)",
            _choice("pages", "keep"), changes_output=False),
    Setting("FURUSATO_JOBS", None, "processes that parse new or changed files and render "
            "pages (None: one per CPU, when there is enough to do; the output is the same "
            "whatever the number)", _optional(_whole(1)), changes_output=False),
)  # fmt: skip

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def with_defaults(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Return `settings` with every undeclared Furusato setting at its default."""
    merged = dict(settings)
    for setting in SETTINGS:
        merged.setdefault(setting.name, setting.default)
    return merged


def problems(settings: Mapping[str, Any], source: str = "the settings file") -> list[str]:
    """Return one message per mistake in `settings`: unknown names, wrong types, bad values."""
    found: list[str] = []
    for name in sorted(settings):
        if not name.startswith(PREFIX):
            continue
        setting = BY_NAME.get(name)
        if setting is None:
            close = difflib.get_close_matches(name, BY_NAME, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            found.append(f"{source}: {name} is not a Furusato setting{hint}")
            continue
        reason = setting.check(settings[name])
        if reason:
            found.append(f"{source}: {name} = {settings[name]!r} {reason} ({setting.meaning})")
    return found


OWNERSHIP = ("FURUSATO_PUBLISHER", "FURUSATO_CONTACT", "FURUSATO_LICENSE", "FURUSATO_PRIVACY",
             "FURUSATO_REPOSITORY")  # fmt: skip


def missing_ownership(settings: Mapping[str, Any], source: str = "the settings file") -> list[str]:
    """Return one message per ownership setting a published site lacks (when required)."""
    if not settings.get("FURUSATO_REQUIRE_OWNERSHIP"):
        return []
    found = [
        f"{source}: {name} is not set; a published site must say {BY_NAME[name].meaning} "
        f"(set it in publishconf.py)"
        for name in OWNERSHIP
        if settings.get(name) is None
    ]
    if settings.get("FURUSATO_DIGEST", True) and settings.get(
        "FURUSATO_DIGEST_FROM", DIGEST_EXAMPLE_FROM
    ) in (None, DIGEST_EXAMPLE_FROM):
        found.append(
            f"{source}: FURUSATO_DIGEST_FROM is still the example address "
            f"{DIGEST_EXAMPLE_FROM!r}; a published digest must come from your own address, "
            "such as 'Tottori alumni <news@alumni.example.org>' (set it in publishconf.py, or "
            "set FURUSATO_DIGEST = False to build no digest)"
        )
    return found


def pin_time_zones() -> None:
    """Take zone offsets from the pinned tzdata package, never from the machine's own files,
    so a build and a check give the same times on every machine."""
    zoneinfo.reset_tzpath(to=())
    zoneinfo.ZoneInfo.clear_cache()


def output_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Pick the settings that can change the bytes of the output (the writer's salt)."""
    pelican = ("SITEURL", "SITENAME", "SITESUBTITLE", "TIMEZONE", "DEFAULT_LANG", "THEME",
               "RELATIVE_URLS")  # fmt: skip
    return {
        name: settings.get(name)
        for name in sorted(settings)
        if name in pelican or (name in BY_NAME and BY_NAME[name].changes_output)
    }
