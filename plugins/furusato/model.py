"""Schemas of everything contributors write: profiles, ambassadors, articles, events, pages.

These pydantic models are the single source of truth for validation: the build, `make check`
and the scaffolding commands all validate through them. Messages are turned into
contributor-facing text by ``furusato.messages``.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from .regions import REGION_SLUGS

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
RegionSlug = Literal[REGION_SLUGS]  # type: ignore[valid-type]
LinkKind = Literal["official", "linkedin", "fan-club", "international-office", "other"]
Role = Literal["CIR", "ALT", "SEA", "alumnus"]
ArticleKind = Literal["story", "guide", "news", "proposal"]
Language = Literal["en", "ja"]
ProposalStatus = Literal["submitted", "adopted", "declined"]


_NOT_IN_URLS = frozenset('<>"{}|\\^`')


def _check_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise ValueError(
            f"{value!r} is not a web address; write the full URL starting with https://"
        )
    host = parts.hostname or ""
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when asked
    except ValueError:
        host = ""
    if "." not in host and ":" not in host and host != "localhost":
        raise ValueError(
            f"{value!r} is not a web address: {parts.netloc!r} is not a domain name; "
            "copy the full address from your browser, such as https://example.org/page"
        )
    odd = sorted({c for c in value if c in _NOT_IN_URLS or c.isspace() or ord(c) < 32})
    if odd:
        shown = " ".join(repr(c) for c in odd)
        raise ValueError(
            f"{value!r} is not a web address: it contains {shown}, which a web address "
            "cannot; copy the full address from your browser"
        )
    return value


def _check_handle(value: str) -> str:
    if not re.fullmatch(r"@?[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9_.-]+)?", value):
        raise ValueError(
            f"{value!r} is not a git-host handle; write a user name such as 'octocat' "
            "or a team such as 'my-org/tottori-coordinators'"
        )
    return value.lstrip("@")


def _check_timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{value!r} is not a time zone; use an IANA name such as 'Asia/Tokyo', "
            "'Europe/London' or 'America/New_York'"
        ) from None
    return value


def _parse_when(value: object) -> object:
    """Accept YAML dates and datetimes, and strings like '2026-05-01 18:30'."""
    if isinstance(value, date):  # datetime is a date too
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return date.fromisoformat(text)
            return datetime.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(
        f"{value!r} is not a date; write a date as YYYY-MM-DD (2026-05-01) "
        "or a date and time as YYYY-MM-DD HH:MM (2026-05-01 18:30)"
    )


Url = Annotated[str, AfterValidator(_check_url)]
Handle = Annotated[str, AfterValidator(_check_handle)]
TimeZoneName = Annotated[str, AfterValidator(_check_timezone)]
When = Annotated[date | datetime, BeforeValidator(_parse_when)]


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Names(_Schema):
    """A name in English and in Japanese."""

    en: Text
    ja: Text


class Link(_Schema):
    """A labelled link to somewhere outside the site."""

    label: Text
    url: Url
    kind: LinkKind = "other"


class JetYears(_Schema):
    """The years someone spent on the JET Programme."""

    model_config = ConfigDict(populate_by_name=True)

    start: int = Field(alias="from", ge=1987, le=2100)  # JET began in 1987
    end: int | None = Field(default=None, alias="to", ge=1987, le=2100)

    @field_validator("end")
    @classmethod
    def _end_not_before_start(cls, end: int | None, info: ValidationInfo) -> int | None:
        start = info.data.get("start")
        if end is not None and start is not None and end < start:
            raise ValueError(f"'to' ({end}) is before 'from' ({start})")
        return end


class Ambassador(_Schema):
    """A Hometown Ambassador: a CIR, ALT or alumnus who writes and organises for a prefecture."""

    id: Slug
    name: Text
    name_ja: Text | None = None
    role: Role
    jet_years: JetYears | None = None
    lives_in: Text | None = None
    bio: Text
    links: tuple[Link, ...] = ()
    example: bool = False


class Tile(_Schema):
    """The square a prefecture occupies on the national tile-grid map."""

    col: int = Field(ge=0, le=15)
    row: int = Field(ge=0, le=15)


class ProfileSchema(_Schema):
    """What `prefectures/<slug>.yaml` holds."""

    code: Annotated[str, StringConstraints(pattern=r"^JP-(0[1-9]|[1-3][0-9]|4[0-7])$")]
    name: Names
    region: RegionSlug
    capital: Names
    tile: Tile
    introduction: Text
    links: tuple[Link, ...] = ()
    coordinators: tuple[Handle, ...] = ()
    ambassadors: tuple[Ambassador, ...] = ()

    @field_validator("ambassadors")
    @classmethod
    def _unique_ids(cls, ambassadors: tuple[Ambassador, ...]) -> tuple[Ambassador, ...]:
        seen: set[str] = set()
        for ambassador in ambassadors:
            if ambassador.id in seen:
                raise ValueError(f"two ambassadors have the id {ambassador.id!r}; ids must differ")
            seen.add(ambassador.id)
        return ambassadors


class ArticleSchema(_Schema):
    """The front matter of `content/<slug>/articles/*.md`."""

    title: Text
    date: When
    author: Slug
    summary: Text
    updated: When | None = None
    kind: ArticleKind = "story"
    lang: Language = "en"
    tags: tuple[Text, ...] = ()
    slug: Slug | None = None
    image: Text | None = None
    image_alt: Text | None = None
    translation: Slug | None = None
    status: ProposalStatus | None = None
    example: bool = False

    @field_validator("status")
    @classmethod
    def _status_only_for_proposals(cls, status: str | None, info: ValidationInfo) -> str | None:
        if status is not None and info.data.get("kind") != "proposal":
            raise ValueError(
                "only policy proposals have a status; add 'kind: proposal' or remove it"
            )
        return status


class Venue(_Schema):
    """Where an event takes place."""

    name: Text
    address: Text | None = None
    city: Text
    country: Text


class Money(_Schema):
    """An amount in one currency (ISO 4217 code); amounts in different currencies never add up."""

    amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class EventSchema(_Schema):
    """The front matter of `content/<slug>/events/*.md`."""

    title: Text
    start: When
    end: When | None = None
    all_day: bool = False
    timezone: TimeZoneName | None = None
    venue: Venue | None = None
    online_url: Url | None = None
    organizer: Slug
    posted: When | None = None  # when the announcement was published; feeds date it so
    registration_url: Url | None = None
    cost: Text | None = None
    summary: Text
    tags: tuple[Text, ...] = ()
    slug: Slug | None = None
    attendance: int | None = Field(default=None, ge=0)
    funds_raised: Money | None = None
    example: bool = False


class PageSchema(_Schema):
    """The front matter of `content/pages/*.md`."""

    title: Text
    summary: Text | None = None
    slug: Slug | None = None
    order: int = 0
