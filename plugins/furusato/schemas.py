"""Schemas of everything contributors write: profiles, ambassadors, articles, events, pages.

These pydantic models are the single source of truth for validation: the build, `make check`
and the scaffolding commands all validate through them. Messages are turned into
contributor-facing text by ``furusato.reading.messages``.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import importlib.resources
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
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
    model_validator,
)

from .regions import REGION_SLUGS

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]


class FreeText:
    """Marks a field of free text (a title, a bio), as opposed to an id, a code or an address.

    Only free text is checked for a value cut short by ` #`: YAML reads the rest of the line
    as a comment, which after a number or an id is a note, but inside a title loses words.
    """


FREE_TEXT = FreeText()


def _text(max_length: int) -> Any:
    limits = StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)
    return Annotated[str, limits, FREE_TEXT]


# Lengths are generous (several times the longest in the demo content) and keep one field
# from filling a page, a feed item or a calendar line.
Text = _text(200)  # names, labels, places, titles
Summary = _text(600)
BIO_LIMIT = 1500
Bio = _text(BIO_LIMIT)
IntroductionText = _text(3000)
Tag = _text(50)
Alt = _text(500)
FilePath = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
MAX_TAGS = 20
MAX_LINKS = 20
MAX_AMBASSADORS = 300
MAX_ATTENDANCE = 1_000_000

# Dates feeds and calendars carry: from the Unix epoch, before which many feed readers and
# calendar programs reject or misplace a date, to 2099 (four-digit years, and far from the
# limits of Python's datetime, which overflows near 9999).
EARLIEST_YEAR = 1970
LATEST_YEAR = 2099
JET_FIRST_YEAR = 1987  # the JET Programme began in 1987
RegionSlug = Literal[REGION_SLUGS]  # type: ignore[valid-type]
LinkKind = Literal["official", "linkedin", "fan-club", "international-office", "other"]
Role = Literal["CIR", "ALT", "SEA", "alumnus"]
ArticleKind = Literal["story", "guide", "news", "proposal"]
ARTICLE_KINDS: tuple[str, ...] = ArticleKind.__args__  # an article's kind; the only "kind"
Language = Literal["en", "ja"]
ProposalStatus = Literal[
    "submitted", "under-review", "adopted", "partly-adopted", "declined", "withdrawn"
]
PROPOSAL_STATUSES: tuple[str, ...] = ProposalStatus.__args__
OPEN_STATUSES = ("submitted", "under-review")  # no outcome yet: no 'decided' date
# A proposal's citable number: its prefecture's three letters, the fiscal year it was
# submitted in, and its place in that year, given by the coordinator (furusato.proposals).
ProposalNumber = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}-[0-9]{4}-[0-9]{2,3}$")]
SupportSource = Literal["prefecture", "municipality", "other"]
MAX_SUPPORT = 20  # support entries on one event
MAX_SUPPORT_FILE = 300  # entries in one prefecture's yearly support file


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


@functools.cache
def iana_zones() -> frozenset[str]:
    """Return the IANA time zone names, from the pinned tzdata package.

    Never the build machine's /usr/share/zoneinfo, whose files include names that are not
    zones (localtime, posixrules) or differ between machines; 'Factory' is a placeholder.
    """
    text = importlib.resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    return frozenset(name for name in text.split() if name != "Factory")


def _zone_guess(value: str) -> str | None:
    zones = iana_zones()
    wanted = value.strip().replace(" ", "_").lower()
    for name in sorted(zones):
        if name.lower() == wanted or name.lower().rsplit("/", 1)[-1] == wanted:
            return name
    close = difflib.get_close_matches(value, sorted(zones), n=1)
    return close[0] if close else None


def _check_timezone(value: str) -> str:
    if value not in iana_zones():
        guess = _zone_guess(value)
        hint = f" (did you mean {guess!r}?)" if guess else ""
        raise ValueError(
            f"{value[:60]!r} is not a time zone{hint}; use an IANA name such as 'Asia/Tokyo', "
            "'Europe/London' or 'America/New_York' (find yours in the 'TZ identifier' column "
            "of https://en.wikipedia.org/wiki/List_of_tz_database_time_zones)"
        )
    return value


def _parse_when(value: object) -> object:
    """Accept YAML dates and datetimes, and strings like '2026-05-01 18:30'."""
    parsed: date | None = None
    if isinstance(value, date):  # datetime is a date too
        parsed = value
    elif isinstance(value, str) and len(value) <= 40:
        text = value.strip()
        with contextlib.suppress(ValueError):
            parsed = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    if parsed is None:
        long = isinstance(value, str) and len(value) > 40
        shown = repr(value[:30] + "…") if long else repr(value)  # type: ignore[index]
        raise ValueError(
            f"{shown} is not a date; write a date as YYYY-MM-DD (2026-05-01) "
            "or a date and time as YYYY-MM-DD HH:MM (2026-05-01 18:30)"
        )
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        raise ValueError(
            f"{str(value).strip()!r} is out of range; write a date in the years "
            f"{EARLIEST_YEAR} to {LATEST_YEAR}, which feeds and calendars can carry "
            "(check the year)"
        )
    return parsed


Url = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_check_url)]
Handle = Annotated[str, AfterValidator(_check_handle)]
TimeZoneName = Annotated[str, AfterValidator(_check_timezone)]
When = Annotated[date | datetime, BeforeValidator(_parse_when)]


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Names(_Schema):
    """A name in English and in Japanese."""

    en: Text
    ja: Text


LANGUAGE_NAMES = {"en": "English", "ja": "Japanese"}  # as contributors' messages name them


def _introduction_in_both(value: object) -> object:
    """Refuse an introduction in one language, saying how to write both."""
    if isinstance(value, str):
        raise ValueError(
            "the introduction is written in English and in Japanese: put each on an indented "
            "line below 'introduction:', as 'en: <English text>' and 'ja: <Japanese text>' "
            "(see prefectures/tottori.yaml)"
        )
    if isinstance(value, dict):
        for lang, other in (("en", "ja"), ("ja", "en")):
            if lang not in value:
                raise ValueError(
                    f"the {LANGUAGE_NAMES[lang]} introduction is missing; add an indented line "
                    f"'{lang}: <{LANGUAGE_NAMES[lang]} text>' below 'introduction:', "
                    f"beside '{other}:'"
                )
    return value


def _bio_text_or_both(value: object) -> object:
    """Read a bio written as text (English) as {'en': text}; a mapping needs both languages."""
    if isinstance(value, str):
        # Checked here, not in BioText, so that the message names 'bio', the field written.
        text = value.strip()
        if not text:
            raise ValueError("must not be empty")
        if len(text) > BIO_LIMIT:
            raise ValueError(f"is too long ({len(text)} characters); use at most {BIO_LIMIT}")
        return {"en": text}
    if isinstance(value, dict):
        for lang in ("en", "ja"):
            if lang not in value:
                raise ValueError(
                    f"a bio in two languages has 'en:' and 'ja:'; add an indented line "
                    f"'{lang}: <{LANGUAGE_NAMES[lang]} text>' below 'bio:', or write the "
                    "bio as English text after 'bio:' (with no 'en:' or 'ja:')"
                )
    return value


class Introduction(_Schema):
    """A prefecture's introduction, in English and in Japanese."""

    en: IntroductionText
    ja: IntroductionText


class BioText(_Schema):
    """An ambassador's bio: in English, and in Japanese when the ambassador wrote one."""

    en: Bio
    ja: Bio | None = None


class Link(_Schema):
    """A labelled link to somewhere outside the site."""

    label: Text
    url: Url
    kind: LinkKind = "other"


class JetYears(_Schema):
    """The years someone spent on the JET Programme."""

    model_config = ConfigDict(populate_by_name=True)

    start: int = Field(alias="from", ge=JET_FIRST_YEAR, le=LATEST_YEAR)
    end: int | None = Field(default=None, alias="to", ge=JET_FIRST_YEAR, le=LATEST_YEAR)

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
    bio: Annotated[BioText, BeforeValidator(_bio_text_or_both), FREE_TEXT]
    links: tuple[Link, ...] = Field(default=(), max_length=MAX_LINKS)
    example: bool = False

    def bio_in(self, lang: str) -> tuple[str, str]:
        """Return the bio in `lang` and the language it is in: English when none is written."""
        if lang == "ja" and self.bio.ja:
            return self.bio.ja, "ja"
        return self.bio.en, "en"


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
    introduction: Annotated[Introduction, BeforeValidator(_introduction_in_both)]
    links: tuple[Link, ...] = Field(default=(), max_length=MAX_LINKS)
    coordinators: tuple[Handle, ...] = Field(default=(), max_length=MAX_LINKS)
    ambassadors: tuple[Ambassador, ...] = Field(default=(), max_length=MAX_AMBASSADORS)

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
    summary: Summary
    updated: When | None = None
    kind: ArticleKind = "story"
    lang: Language = "en"
    tags: tuple[Tag, ...] = Field(default=(), max_length=MAX_TAGS)
    slug: Slug | None = None
    image: FilePath | None = None
    image_alt: Alt | None = None
    translation: Slug | None = None
    status: ProposalStatus | None = None
    number: ProposalNumber | None = None  # the citable number, such as TOT-2026-03
    submitted: When | None = None  # the day the proposal was handed to the prefecture
    decided: When | None = None  # the day its outcome was known (a decision or withdrawal)
    response_url: Url | None = None  # the prefecture's published response
    recap_of: Slug | None = None  # the slug of the event (same prefecture) this article recaps
    example: bool = False

    @field_validator("status", "number", "submitted", "decided", "response_url")
    @classmethod
    def _only_for_proposals(cls, value: Any, info: ValidationInfo) -> Any:
        if value is not None and info.data.get("kind") != "proposal":
            raise ValueError(
                f"only policy proposals have '{info.field_name}'; add 'kind: proposal' or remove it"
            )
        return value


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


class Support(_Schema):
    """Money a prefecture, a municipality or another body gave towards alumni activity."""

    amount: Money
    purpose: Text
    source: SupportSource
    name: Text | None = None  # who gave it (required unless the source is the prefecture)

    @model_validator(mode="after")
    def _named(self) -> Support:
        if self.name is None and self.source != "prefecture":
            raise ValueError(
                f"support from a {self.source} names who gave it; add 'name: <who gave it>'"
            )
        return self


class SupportFileSchema(_Schema):
    """`content/<slug>/support/fy<year>.yaml`: support for one fiscal year not tied to an event."""

    support: tuple[Support, ...] = Field(max_length=MAX_SUPPORT_FILE)
    lang: Language = "en"  # the language purposes and names are written in
    example: bool = False


class ExchangeRate(_Schema):
    """How many yen one unit of a currency was worth for a fiscal year, and who says so."""

    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    fiscal_year: int = Field(ge=EARLIEST_YEAR, le=LATEST_YEAR)
    yen: Decimal = Field(gt=0, max_digits=12, decimal_places=4)
    date: When
    source: Text


class ExchangeRatesSchema(_Schema):
    """`content/exchange-rates.yaml`: the rates a coordinator recorded to show yen equivalents."""

    rates: tuple[ExchangeRate, ...] = Field(max_length=1000)
    lang: Language = "en"  # the language the sources are written in
    example: bool = False

    @field_validator("rates")
    @classmethod
    def _one_rate_per_year(cls, rates: tuple[ExchangeRate, ...]) -> tuple[ExchangeRate, ...]:
        seen: set[tuple[str, int]] = set()
        for rate in rates:
            if rate.currency == "JPY":
                raise ValueError("JPY needs no rate to yen; remove its entry")
            key = (rate.currency, rate.fiscal_year)
            if key in seen:
                raise ValueError(
                    f"{rate.currency} has two rates for FY{rate.fiscal_year}; keep one"
                )
            seen.add(key)
        return rates


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
    summary: Summary
    tags: tuple[Tag, ...] = Field(default=(), max_length=MAX_TAGS)
    slug: Slug | None = None
    attendance: int | None = Field(default=None, ge=0, le=MAX_ATTENDANCE)
    funds_raised: Money | None = None
    support: tuple[Support, ...] = Field(default=(), max_length=MAX_SUPPORT)
    lang: Language = "en"
    translation: Slug | None = None  # the slug of the same event's post in the other language
    example: bool = False


class PageSchema(_Schema):
    """The front matter of `content/pages/*.md`."""

    title: Text
    summary: Summary | None = None
    slug: Slug | None = None
    order: int = Field(default=0, ge=-1000, le=1000)
    lang: Language = "en"
    translation: Slug | None = None  # the slug of the same page in the other language
