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
import itertools
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


# What each front-matter field is for, in English and Japanese: the web editor shows these as
# the fields' hints (furusato.cms reads them from the models' `description`).
_HINTS = {
    "title": "The headline readers see. / 読者に表示される見出しです。",
    "date": "The day the article is published, as YYYY-MM-DD. / 記事の公開日（YYYY-MM-DD）。",
    "author": "You: your id in your prefecture's profile. Not listed? Ask your coordinator "
    "to add you to the prefecture's profile in prefectures/. / 筆者（都道府県プロフィールに"
    "登録されたアンバサダー）。一覧にない場合はコーディネーターに登録を依頼してください。",
    "summary": "One or two sentences of your own, shown in lists and feeds. / 一覧やフィードに"
    "表示される一、二文の紹介文です。",
    "updated": "The day you changed the article after publishing it (optional). / 公開後に"
    "内容を更新した日（任意）。",
    "kind": "Story, guide, news or policy proposal. / ストーリー、ガイド、ニュース、政策提言"
    "のいずれか。",
    "lang": "The language you write in. / 本文の言語。",
    "tags": "A few words readers can browse by (optional). / 分類のためのタグ（任意）。",
    "image": "A photo for the top of the article (optional); JPEG, PNG or WebP. / 記事の先頭に"
    "表示する写真（任意、JPEG・PNG・WebP）。",
    "image_alt": "What the photo shows, for readers who cannot see it (needed with a photo). / "
    "写真が見えない読者のための説明（写真がある場合は必須）。",
    "translation": "The address name (slug) of the same text in the other language, such as "
    "sand-dunes-in-winter (optional). / もう一方の言語で書かれた同じ記事のスラッグ（任意）。",
    "status": "Policy proposals only: submitted, adopted or declined. / 政策提言のみ：提出済み、"
    "採択、不採択。",
    "event_title": "The event's name. / イベントの名前です。",
    "start": "When it starts, as YYYY-MM-DD HH:MM in the event's own time zone. / 開始日時"
    "（現地時間、YYYY-MM-DD HH:MM）。",
    "end": "When it ends (optional). / 終了日時（任意）。",
    "all_day": "Tick for an event without times. / 時刻のないイベントの場合はオンにします。",
    "timezone": "Where the clock times are, as an IANA name such as Europe/London; leave empty "
    "for Japan. / 時刻のタイムゾーン（例：Europe/London）。日本の場合は空欄。",
    "venue": "Where it takes place (or give an online link). / 開催場所（オンラインの場合は"
    "リンクを記入）。",
    "online_url": "The link to join online (optional). / オンライン参加用のリンク（任意）。",
    "organizer": "The ambassador who organises it. / 主催するアンバサダー。",
    "posted": "When the announcement was published (optional). / 告知を公開した日（任意）。",
    "registration_url": "Where people sign up (optional). / 参加申込みのページ（任意）。",
    "cost": "What it costs, as you would say it (optional). / 参加費（任意）。",
    "event_summary": "One or two sentences about the event. / イベントの一、二文の紹介です。",
    "attendance": "After the event: how many came (optional). / 終了後：参加者数（任意）。",
    "funds_raised": "After the event: money raised, in one currency (optional). / 終了後："
    "集まった寄付（任意）。",
    "venue_name": "The venue's name. / 会場の名前。",
    "address": "Street address (optional). / 住所（任意）。",
    "city": "City. / 都市。",
    "country": "Country. / 国。",
    "amount": "The amount, such as 1200.50. / 金額（例：1200.50）。",
    "currency": "Three-letter currency code, such as JPY, GBP or USD. / 通貨コード（例：JPY）。",
    "event_status": "Leave 'scheduled' unless the event was cancelled, postponed or moved "
    "online; then also add a change below. / 予定どおりなら scheduled のまま。中止・延期・"
    "オンライン開催への変更のときは、下の「変更のお知らせ」にも一件追加してください。",
    "rescheduled_from": "Postponed to a new date: the start first announced, with the new "
    "date in Starts (optional). / 延期して日程が決まった場合：当初の開始日時（新しい日時は"
    "「開始」に）。",
    "changes": "One entry per published change, oldest first: the day and a short note. "
    "Never edit an old entry; add a new one. / 公表した変更ごとに一件（古い順）：日付と短い"
    "説明。過去の記録は書き換えず、新しく追加してください。",
    "number": "Proposals only: the number your coordinator gives it, such as TOT-2026-01; "
    "`make check` suggests the next free one. It never changes once published. / 提言のみ："
    "コーディネーターが付ける番号（例：TOT-2026-01）。公開後は変えません。",
    "submitted": "Proposals only: the day it was handed to the prefecture. / 提言のみ："
    "県に提出した日。",
    "decided": "Proposals only: the day of the outcome (not while it is open). / 提言のみ："
    "結果が出た日（検討中は空欄）。",
    "response_url": "Proposals only: the address of the prefecture's published answer "
    "(optional). / 提言のみ：県が公表した回答のアドレス（任意）。",
    "recap_of": "An article reporting on an event: the event's address name (slug), same "
    "prefecture (optional). / イベントの報告記事なら、そのイベントのスラッグ（任意）。",
    "support": "Money a prefecture, a municipality or another body gave towards this event: "
    "amount, purpose, source (optional). / 県・市町村などから受けた支援：金額・目的・出所"
    "（任意）。",
    "page_title": "The page's title. / ページのタイトル。",
    "order": "Where the page comes in the menu: lower first. / メニューでの順番（小さいほど先）。",
}


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

    title: Text = Field(title="Title / タイトル", description=_HINTS["title"])
    date: When = Field(title="Date / 日付", description=_HINTS["date"])
    author: Slug = Field(title="Author / 筆者", description=_HINTS["author"])
    summary: Summary = Field(title="Summary / 概要", description=_HINTS["summary"])
    updated: When | None = Field(None, title="Updated / 更新日", description=_HINTS["updated"])
    kind: ArticleKind = Field("story", title="Kind / 種類", description=_HINTS["kind"])
    lang: Language = Field("en", title="Language / 言語", description=_HINTS["lang"])
    tags: tuple[Tag, ...] = Field(
        default=(), max_length=MAX_TAGS, title="Tags / タグ", description=_HINTS["tags"]
    )
    slug: Slug | None = None
    image: FilePath | None = Field(None, title="Picture / 写真", description=_HINTS["image"])
    image_alt: Alt | None = Field(
        None, title="Picture description / 写真の説明", description=_HINTS["image_alt"]
    )
    translation: Slug | None = Field(
        None, title="Translation / 翻訳", description=_HINTS["translation"]
    )
    status: ProposalStatus | None = Field(
        None, title="Proposal status / 提言の状況", description=_HINTS["status"]
    )
    number: ProposalNumber | None = Field(
        None, title="Proposal number / 提言番号", description=_HINTS["number"]
    )
    submitted: When | None = Field(
        None, title="Submitted / 提出日", description=_HINTS["submitted"]
    )
    decided: When | None = Field(None, title="Decided / 結果の日", description=_HINTS["decided"])
    response_url: Url | None = Field(
        None, title="Prefecture's response / 県の回答", description=_HINTS["response_url"]
    )
    recap_of: Slug | None = Field(
        None, title="Report on event / 報告するイベント", description=_HINTS["recap_of"]
    )
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

    name: Text = Field(title="Venue name / 会場名", description=_HINTS["venue_name"])
    address: Text | None = Field(None, title="Address / 住所", description=_HINTS["address"])
    city: Text = Field(title="City / 都市", description=_HINTS["city"])
    country: Text = Field(title="Country / 国", description=_HINTS["country"])


class Money(_Schema):
    """An amount in one currency (ISO 4217 code); amounts in different currencies never add up."""

    amount: Decimal = Field(
        ge=0, max_digits=14, decimal_places=2, title="Amount / 金額", description=_HINTS["amount"]
    )
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = Field(
        title="Currency / 通貨", description=_HINTS["currency"]
    )


EventStatus = Literal["scheduled", "cancelled", "postponed", "moved-online"]
MAX_CHANGES = 20


class ChangeNote(_Schema):
    """What a published change says, in English, in Japanese, or both."""

    en: Summary | None = None
    ja: Summary | None = None

    @model_validator(mode="after")
    def _one_language_at_least(self) -> ChangeNote:
        if self.en is None and self.ja is None:
            raise ValueError(
                "write the note as text after 'note:', or give it in both languages on "
                "indented lines 'en: <English text>' and 'ja: <Japanese text>'"
            )
        return self


class Change(_Schema):
    """One published change to an event (cancelled, postponed, a new date, moved online...).

    Calendar programs update a subscribed event when its SEQUENCE rises: the number of
    changes is that SEQUENCE, so each change is a new entry, never an edit of an old one.
    """

    date: When
    note: Annotated[ChangeNote, FREE_TEXT]


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

    title: Text = Field(title="Title / タイトル", description=_HINTS["event_title"])
    start: When = Field(title="Starts / 開始", description=_HINTS["start"])
    end: When | None = Field(None, title="Ends / 終了", description=_HINTS["end"])
    all_day: bool = Field(False, title="All day / 終日", description=_HINTS["all_day"])
    timezone: TimeZoneName | None = Field(
        None, title="Time zone / タイムゾーン", description=_HINTS["timezone"]
    )
    venue: Venue | None = Field(None, title="Venue / 会場", description=_HINTS["venue"])
    online_url: Url | None = Field(
        None, title="Online link / オンライン参加のリンク", description=_HINTS["online_url"]
    )
    organizer: Slug = Field(title="Organiser / 主催者", description=_HINTS["organizer"])
    # when the announcement was published; feeds date it so
    posted: When | None = Field(None, title="Announced / 告知日", description=_HINTS["posted"])
    registration_url: Url | None = Field(
        None, title="Registration link / 申込みリンク", description=_HINTS["registration_url"]
    )
    cost: Text | None = Field(None, title="Cost / 参加費", description=_HINTS["cost"])
    summary: Summary = Field(title="Summary / 概要", description=_HINTS["event_summary"])
    tags: tuple[Tag, ...] = Field(
        default=(), max_length=MAX_TAGS, title="Tags / タグ", description=_HINTS["tags"]
    )
    slug: Slug | None = None
    attendance: int | None = Field(
        default=None, ge=0, le=MAX_ATTENDANCE, title="Attendance / 参加者数",
        description=_HINTS["attendance"],
    )  # fmt: skip
    funds_raised: Money | None = Field(
        None, title="Funds raised / 集まった寄付", description=_HINTS["funds_raised"]
    )
    support: tuple[Support, ...] = Field(
        default=(), max_length=MAX_SUPPORT, title="Support received / 受けた支援",
        description=_HINTS["support"],
    )  # fmt: skip
    lang: Language = Field("en", title="Language / 言語", description=_HINTS["lang"])
    # the slug of the same event's post in the other language
    translation: Slug | None = Field(
        None, title="Translation / 翻訳", description=_HINTS["translation"]
    )
    status: EventStatus = Field(
        "scheduled", title="Status / 状況", description=_HINTS["event_status"]
    )
    # a postponed event's first planned start
    rescheduled_from: When | None = Field(
        None, title="First planned start / 当初の開始日時", description=_HINTS["rescheduled_from"]
    )
    changes: tuple[Change, ...] = Field(
        default=(), max_length=MAX_CHANGES, title="Changes / 変更のお知らせ",
        description=_HINTS["changes"],
    )  # fmt: skip
    example: bool = False

    @model_validator(mode="before")
    @classmethod
    def _notes_in_the_event_language(cls, data: Any) -> Any:
        """Read a change note written as text as a note in the event's language."""
        if not isinstance(data, dict) or not isinstance(data.get("changes"), list | tuple):
            return data
        lang = data.get("lang") if data.get("lang") in ("en", "ja") else "en"
        changes = [
            {**change, "note": {lang: change["note"]}}
            if isinstance(change, dict) and isinstance(change.get("note"), str)
            else change
            for change in data["changes"]
        ]
        return {**data, "changes": changes}

    @field_validator("changes")
    @classmethod
    def _changes_in_order(cls, changes: tuple[Change, ...]) -> tuple[Change, ...]:
        for before, after in itertools.pairwise(changes):
            if _day_of(after.date) < _day_of(before.date):
                raise ValueError(
                    f"the change dated {_day_of(after.date)} comes after one dated "
                    f"{_day_of(before.date)}; list changes oldest first and add each new "
                    "change at the end"
                )
        return changes


def _day_of(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


class PageSchema(_Schema):
    """The front matter of `content/pages/*.md`."""

    title: Text = Field(title="Title / タイトル", description=_HINTS["page_title"])
    summary: Summary | None = Field(None, title="Summary / 概要", description=_HINTS["summary"])
    slug: Slug | None = None
    order: int = Field(
        default=0, ge=-1000, le=1000, title="Order / 並び順", description=_HINTS["order"]
    )
    lang: Language = Field("en", title="Language / 言語", description=_HINTS["lang"])
    # the slug of the same page in the other language
    translation: Slug | None = Field(
        None, title="Translation / 翻訳", description=_HINTS["translation"]
    )
