"""Describe a page to what shares and indexes it: Open Graph and Twitter card tags, and
schema.org JSON-LD (BlogPosting, Event, Organization, BreadcrumbList).

Built in Python from the typed objects and absolute URLs, and serialised with json.dumps for
a `<script type="application/ld+json">` data block, with `<`, `>` and `&` written as \\u
escapes so that no text a contributor wrote can end the block. Browsers never run a data
block, so the Content-Security-Policy's script-src does not apply to it.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from markupsafe import Markup

from .catalog import N_, gettext
from .entities import Article, Event, Page, Prefecture, Site
from .regions import BY_SLUG
from .urls import Urls

CARD = "img/card.png"  # the default share card (theme/static/img/, made by `make share-card`)
CARD_SIZE = (1200, 630)
LOGO = "img/card-square.png"  # the publisher's logo in structured data
LOGO_SIZE = (512, 512)
CARD_ALT = N_("Furusato: JET Programme alumni in all 47 prefectures of Japan")
LOCALES = {"en": "en_US", "ja": "ja_JP"}
# Pictures social networks show: they do not render SVG, which gets the default card.
SHARED_PICTURES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
SECTION_NAMES = {
    "articles": N_("Articles"),
    "events": N_("Events"),
    "ambassadors": N_("Ambassadors"),
    "regions": N_("Regions"),
}
EVENT_STATUS = {
    "scheduled": "https://schema.org/EventScheduled",
    "cancelled": "https://schema.org/EventCancelled",
    "postponed": "https://schema.org/EventPostponed",
    "rescheduled": "https://schema.org/EventRescheduled",
    "moved-online": "https://schema.org/EventMovedOnline",
}
ATTENDANCE = {
    "offline": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "mixed": "https://schema.org/MixedEventAttendanceMode",
}


@dataclass(frozen=True)
class ShareContext:
    """What every page of one edition shares: absolute URLs, the site's name, its publisher."""

    urls: Urls  # absolute (SITEURL, or the development server's address), in one edition
    sitename: str
    publisher: Mapping[str, str] | None = None  # FURUSATO_PUBLISHER: {'en': ..., 'ja': ...}
    site: Site | None = None

    @property
    def lang(self) -> str:
        return self.urls.lang


@dataclass(frozen=True)
class Image:
    """A picture for a share card: absolute URL, pixel size (when known) and description."""

    url: str
    alt: str
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class ShareMeta:
    """The head of one page as sharers read it: Open Graph, Twitter card and JSON-LD."""

    title: str
    description: str
    url: str
    kind: str  # og:type: "article" or "website"
    locale: str
    alternate_locales: tuple[str, ...]
    image: Image
    sitename: str
    graph: list[dict[str, Any]] = field(default_factory=list)

    @property
    def json_ld(self) -> Markup:
        """Return the JSON-LD, safe inside a <script type="application/ld+json"> element."""
        context = {"@context": "https://schema.org"}
        if len(self.graph) == 1:
            return script_json({**context, **self.graph[0]})
        return script_json({**context, "@graph": self.graph})


def script_json(data: Any) -> Markup:
    """Serialise `data` as JSON that cannot close or confuse the script element holding it."""
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(",", ":"))
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escaped)
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def describe(
    share: ShareContext,
    *,
    page_url: str,
    title: str,
    description: str,
    alternates: Mapping[str, str] | None = None,
    article: Article | None = None,
    event: Event | None = None,
    page: Page | None = None,
    prefecture: Prefecture | None = None,
) -> ShareMeta:
    """Describe one page: `page_url` is its URL as pages link it (root-relative in a
    development build), `title` and `description` what its <title> and meta description say."""
    urls, lang = share.urls, share.lang
    url = absolute(urls, page_url)
    item = article or event or page
    image = _image(share, article)
    others = tuple(LOCALES[code] for code in sorted(alternates or {}) if code != lang)
    graph: list[dict[str, Any]] = []
    kind = "website"
    if article is not None:
        kind = "article"
        graph.append(blog_posting(share, article, url, image))
    elif event is not None:
        kind = "article"
        graph.append(event_data(share, event, url, image))
    crumbs = breadcrumbs(share, url, item, prefecture, title)
    if url.endswith("404.html"):
        pass  # a page that is not there has no place in the site to describe
    elif crumbs is None:
        graph.append(organization(share))
    elif len(crumbs["itemListElement"]) > 1:
        graph.append(crumbs)
    return ShareMeta(
        title=item.title if item is not None else title,
        description=description,
        url=url,
        kind=kind,
        locale=LOCALES[lang],
        alternate_locales=others,
        image=image,
        sitename=share.sitename,
        graph=graph,
    )


def absolute(urls: Urls, url: str) -> str:
    """Return `url` (root-relative or already absolute) as an absolute URL."""
    if url.startswith(("http://", "https://")):
        return url
    return urls.national(url.lstrip("/"))


def _image(share: ShareContext, article: Article | None) -> Image:
    urls = share.urls
    picture = article.meta.image if article is not None else None
    if picture and posixpath.splitext(picture)[1].lower() in SHARED_PICTURES:
        path = posixpath.normpath(posixpath.join(article.prefecture.slug, picture))
        size = article.image_size or (None, None)
        return Image(urls.content_file(path), article.meta.image_alt or "", size[0], size[1])
    return Image(urls.asset(CARD), gettext(share.lang, CARD_ALT), *CARD_SIZE)


def _when(value: date | datetime) -> str:
    """Return an ISO 8601 date, or date and time with its UTC offset."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def publisher(share: ShareContext) -> dict[str, Any]:
    """Return the Organization that publishes the site (FURUSATO_PUBLISHER, else its name)."""
    name = share.publisher[share.lang] if share.publisher else share.sitename
    return {
        "@type": "Organization",
        "name": name,
        "url": share.urls.home(),
        "logo": {
            "@type": "ImageObject",
            "url": share.urls.asset(LOGO),
            "width": LOGO_SIZE[0],
            "height": LOGO_SIZE[1],
        },
    }


def organization(share: ShareContext) -> dict[str, Any]:
    """Return the home page's Organization."""
    return publisher(share)


def _person(share: ShareContext, prefecture: Prefecture, person: Any) -> dict[str, Any]:
    return {
        "@type": "Person",
        "name": person.name,
        "url": share.urls.edition(share.lang).ambassador(prefecture, person),
    }


def _image_object(image: Image) -> dict[str, Any] | str:
    if image.width is None:
        return image.url
    return {"@type": "ImageObject", "url": image.url, "width": image.width, "height": image.height}


def blog_posting(share: ShareContext, article: Article, url: str, image: Image) -> dict[str, Any]:
    """Return an article's BlogPosting."""
    meta = article.meta
    data: dict[str, Any] = {
        "@type": "BlogPosting",
        "headline": article.title,
        "description": meta.summary,
        "datePublished": _when(article.published),
        "dateModified": _when(article.updated),
        "author": _person(share, article.prefecture, article.author),
        "publisher": publisher(share),
        "image": _image_object(image),
        "inLanguage": article.lang,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
    }
    if meta.tags:
        data["keywords"] = list(meta.tags)
    return data


def event_data(share: ShareContext, event: Event, url: str, image: Image) -> dict[str, Any]:
    """Return an event's Event: status, attendance mode, place or online location."""
    meta = event.meta
    online = meta.online_url is not None and (meta.venue is None or event.status == "moved-online")
    mode = "online" if online else ("mixed" if meta.online_url else "offline")
    data: dict[str, Any] = {
        "@type": "Event",
        "name": event.title,
        "description": meta.summary,
        "startDate": _when(event.start),
        "endDate": _when(event.end),
        "eventStatus": EVENT_STATUS[event.status],
        "eventAttendanceMode": ATTENDANCE[mode],
        "location": _locations(event, mode),
        "organizer": {
            **_person(share, event.prefecture, event.organizer),
            "memberOf": {
                "@type": "Organization",
                "name": gettext(share.lang, N_("%(prefecture)s JET alumni network"))
                % {"prefecture": getattr(event.prefecture.name, share.lang)},
                "url": share.urls.prefecture(event.prefecture),
            },
        },
        "image": _image_object(image),
        "inLanguage": event.lang,
        "url": url,
    }
    if event.first_start is not None:
        data["previousStartDate"] = _when(event.first_start)
    return data


def _locations(event: Event, mode: str) -> list[dict[str, Any]] | dict[str, Any]:
    meta = event.meta
    found: list[dict[str, Any]] = []
    if meta.venue is not None and mode != "online":
        address: dict[str, Any] = {
            "@type": "PostalAddress",
            "addressLocality": meta.venue.city,
            "addressCountry": meta.venue.country,
        }
        if meta.venue.address:
            address["streetAddress"] = meta.venue.address
        found.append({"@type": "Place", "name": meta.venue.name, "address": address})
    if meta.online_url is not None:
        found.append({"@type": "VirtualLocation", "url": meta.online_url})
    return found[0] if len(found) == 1 else found


def breadcrumbs(
    share: ShareContext,
    url: str,
    item: Article | Event | Page | None,
    prefecture: Prefecture | None,
    title: str,
) -> dict[str, Any] | None:
    """Return the BreadcrumbList from the home page to this page, or None on the home page.

    The trail follows the URL: the prefecture's site, then the section (articles, events,
    ambassadors, regions) when it has a page, then the page itself.
    """
    urls, lang = share.urls, share.lang
    home = urls.home()
    if url == home:
        return None
    trail: list[tuple[str, str]] = [(gettext(lang, N_("Home")), home)]
    site = share.site
    single = site.single if site is not None else None
    if prefecture is not None and prefecture.slug != single:
        trail.append((getattr(prefecture.name, lang), urls.prefecture(prefecture)))
    rest = url[len(urls.national("")) :].split("/")
    section = next((s for s in rest if s in SECTION_NAMES), None)
    if section and prefecture is not None and section != "regions":
        section_url = {
            "articles": urls.articles,
            "events": urls.events,
            "ambassadors": urls.ambassadors,
        }[section](prefecture)
        trail.append((gettext(lang, SECTION_NAMES[section]), section_url))
    if section == "regions":
        region = next((BY_SLUG[s] for s in rest if s in BY_SLUG), None)
        if region is not None:
            trail.append((getattr(region, lang), urls.region(region)))
    if trail[-1][1] != url:
        name = item.title if item is not None else title
        trail.append((name, url))
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": link}
            for n, (name, link) in enumerate(trail, start=1)
        ],
    }
