"""The URL contract in one place: every page's URL, and the file that serves it.

Two layouts share it: the national site (`/tottori/articles/x/`) and a single prefecture's
site rooted at `/` (`/articles/x/`). Everything that writes or links a page asks this class.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from .entities import Article, Event, Page, Prefecture
from .regions import Region
from .renditions import Plan, picture_html
from .schemas import ARTICLE_KINDS, Ambassador

# Local links and pictures in rendered Markdown are written `furusato:<path under content/>`
# and expanded to real URLs at render time, so one cached rendering serves every layout.
LOCAL_PREFIX = "furusato:"
_PLACEHOLDER = re.compile(r'(\s(?:href|src)=")' + re.escape(LOCAL_PREFIX) + r'([^"#]*)')
# srcset holds several addresses, each followed by its width ("a.webp 480w, b.webp 960w").
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)"')
_IN_SRCSET = re.compile(r"(^|,\s*)" + re.escape(LOCAL_PREFIX) + r"([^\s,]+)")
# Names Furusato itself writes (the URL contract in DESIGN.md, "Outputs"), the one list that
# contributors' slugs are checked against. A site page is written at /<slug>/ beside them,
# and a prefecture's site at /<prefecture>/; tests/test_values.py checks that a build writes
# no name missing here.
NATIONAL_NAMES = frozenset(
    {
        "index.html", "404.html", "404", "_headers", ".nojekyll", "robots.txt", "sitemap.xml",
        "feed.xml", "atom.xml", "feeds.opml", "events.ics",
        "articles", "events", "regions", "tags", "search", "pagefind", "admin", "theme", "ja",
        "impact", "impact.csv", "impact.json", "impact.xlsx", "digest", "digest.xml", "proposals",
        "impact-by-prefecture.csv", "impact-fiscal-years.csv", "impact-calendar-years.csv",
    }
)  # fmt: skip
# What each prefecture's site holds at its top (/<prefecture>/...; at / when built alone).
PREFECTURE_NAMES = frozenset(
    {
        "index.html", "feed.xml", "atom.xml", "events.ics",
        "articles", "events", "ambassadors", "images", "tags", "proposals", "ja", "search",
        "digest", "digest.xml", "impact", "impact.csv", "impact.json", "impact.xlsx",
        "impact-fiscal-years.csv", "impact-calendar-years.csv", "impact-articles-by-kind.csv",
        "impact-proposals-by-status.csv",
    }
)  # fmt: skip
# Names inside a list folder (/<prefecture>/articles/page/2/), which an article or event
# slug may not take.
LIST_NAMES = frozenset({"page", "index.html"})
# Names inside an article list folder for its lists by kind (/<prefecture>/articles/guide/),
# which an article slug may not take either.
KIND_LIST_NAMES = frozenset(ARTICLE_KINDS)


# The files of one month's digest beside its web page (/<slug>/digest/<yyyy-mm>/).
DIGEST_FILES = {"html": "email.html", "text": "email.txt", "eml": "digest.eml"}

LANGUAGES = ("en", "ja")  # English is the default edition (x-default); Japanese under ja/
DEFAULT_LANG = "en"
ENDONYMS = {"en": "English", "ja": "日本語"}  # each language's name for itself: the switch's text


class Urls:
    """Build URLs for the national site or for one prefecture's site alone, in one edition.

    Pages Furusato writes itself exist in each language: the English edition at today's
    URLs, the Japanese one under `ja/` inside each site (`/ja/`, `/tottori/ja/articles/`).
    An article or event has one page, in the language it was written in, whichever edition
    links to it; assets, pictures, calendars and exports are shared too.
    """

    def __init__(self, siteurl: str = "", single: str | None = None, lang: str = DEFAULT_LANG):
        self.siteurl = siteurl.rstrip("/")
        self.single = single
        self.lang = lang
        self._edition = "" if lang == DEFAULT_LANG else f"{lang}/"

    def edition(self, lang: str) -> Urls:
        """Return the same URLs for the edition in `lang`."""
        return self if lang == self.lang else Urls(self.siteurl, self.single, lang)

    def _pref_base(self, slug: str) -> str:
        return "" if self.single == slug else f"{slug}/"

    def _full(self, path: str) -> str:
        return f"{self.siteurl}/{path}"

    def _in(self, slug: str, path: str) -> str:
        """Return a page of this edition inside a prefecture's site."""
        return self._full(self._pref_base(slug) + self._edition + path)

    def home(self) -> str:
        """Return the site's front page (national portal, or the one prefecture's home)."""
        return self._full(self._edition)

    def prefecture(self, p: Prefecture | str) -> str:
        return self._in(p if isinstance(p, str) else p.slug, "")

    def articles(self, p: Prefecture, page: int = 1, kind: str | None = None) -> str:
        """Return a page of a prefecture's articles, or of those of one kind (guide...)."""
        return self._in(p.slug, _listing("articles/", page, kind))

    def national_articles(self, page: int = 1, kind: str | None = None) -> str:
        """Return a page of every prefecture's articles, or of those of one kind."""
        return self._full(self._edition + _listing("articles/", page, kind))

    def national_events(self, page: int = 1) -> str:
        """Return a page of every prefecture's events (upcoming; past ones page on)."""
        return self._full(self._edition + _listing("events/", page))

    def events_in(self, country_slug: str) -> str:
        """Return the page of events held in one country (/events/in/united-kingdom/)."""
        return self._full(f"{self._edition}events/in/{country_slug}/")

    def tags(self, p: Prefecture | None = None) -> str:
        """Return the index of a prefecture's tags, or of every tag (p None)."""
        return self._in(p.slug, "tags/") if p is not None else self._full(f"{self._edition}tags/")

    def tag(self, slug: str, p: Prefecture | None = None) -> str:
        """Return a tag's page: its items in a prefecture, or in every prefecture (p None)."""
        return self.tags(p) + f"{slug}/"

    def regions(self) -> str:
        """Return the index of the eight regions."""
        return self._full(f"{self._edition}regions/")

    def article(self, a: Article) -> str:
        """Return an article's one page (in its own language, whichever edition links it)."""
        return self._full(f"{self._pref_base(a.prefecture.slug)}articles/{a.slug}/")

    def events(self, p: Prefecture) -> str:
        return self._in(p.slug, "events/")

    def event(self, e: Event) -> str:
        """Return an event's one page (in its own language, whichever edition links it)."""
        return self._full(f"{self._pref_base(e.prefecture.slug)}events/{e.slug}/")

    def event_ics(self, e: Event) -> str:
        """Return the one-event iCalendar file behind an event page's "Add to calendar"."""
        return self.event(e) + "event.ics"

    def calendar(self, p: Prefecture) -> str:
        """Return a prefecture's iCalendar feed of all its events (/events.ics when alone)."""
        return self.in_prefecture(p, "events.ics")

    def ambassadors(self, p: Prefecture) -> str:
        return self._in(p.slug, "ambassadors/")

    def ambassador(self, p: Prefecture, a: Ambassador) -> str:
        return self._in(p.slug, f"ambassadors/{a.id}/")

    def region(self, r: Region) -> str:
        return self._full(f"{self._edition}regions/{r.slug}/")

    def page(self, page: Page) -> str:
        """Return a site page: /<slug>/ in English, /ja/<slug>/ in Japanese (its language)."""
        edition = "" if page.lang == DEFAULT_LANG else f"{page.lang}/"
        return self._full(f"{edition}{page.slug}/")

    def in_prefecture(self, p: Prefecture | str, path: str) -> str:
        """Return the URL of a shared file inside a prefecture's site (events.ics, exports)."""
        slug = p if isinstance(p, str) else p.slug
        return self._full(self._pref_base(slug) + path)

    def edition_in_prefecture(self, p: Prefecture | str, path: str) -> str:
        """Return the URL of a page of this edition inside a prefecture's site (impact/)."""
        return self._in(p if isinstance(p, str) else p.slug, path)

    def proposals(self, p: Prefecture | str | None = None, status: str | None = None) -> str:
        """Return a prefecture's policy proposals page (/<slug>/proposals/), or the national
        one (/proposals/); with a status, the page of the proposals that have it."""
        path = "proposals/" + (f"{status}/" if status else "")
        if p is None:
            return self.edition_national(path)
        return self._in(p if isinstance(p, str) else p.slug, path)

    def national(self, path: str) -> str:
        """Return the URL of a shared national file (feeds.opml, sitemap.xml, events.ics)."""
        return self._full(path)

    def edition_national(self, path: str) -> str:
        """Return the URL of a national page of this edition (impact/, 404.html)."""
        return self._full(self._edition + path)

    def feed(self, p: Prefecture | str | None = None, atom: bool = False) -> str:
        """Return this edition's feed of a prefecture, or the national one (RSS, or Atom)."""
        name = "atom.xml" if atom else "feed.xml"
        if p is None:
            return self.edition_national(name)
        return self._in(p if isinstance(p, str) else p.slug, name)

    def digest(self, p: Prefecture | str | None = None) -> str:
        """Return this edition's digest archive of a prefecture, or the national one."""
        if p is None:
            return self.edition_national("digest/")
        return self._in(p if isinstance(p, str) else p.slug, "digest/")

    def digest_issue(self, p: Prefecture | str | None, month: str) -> str:
        """Return the web page of one month's digest (`month` is YYYY-MM)."""
        return f"{self.digest(p)}{month}/"

    def digest_file(self, p: Prefecture | str | None, month: str, kind: str) -> str:
        """Return one month's digest as an email: kind "html", "text" or "eml"."""
        return self.digest_issue(p, month) + DIGEST_FILES[kind]

    def digest_feed(self, p: Prefecture | str | None = None) -> str:
        """Return this edition's digest feed (RSS, one item per month)."""
        if p is None:
            return self.edition_national("digest.xml")
        return self._in(p if isinstance(p, str) else p.slug, "digest.xml")

    def asset(self, path: str) -> str:
        """Return the URL of a theme asset such as css/base.css."""
        return self._full(f"theme/{path}")

    def content_file(self, path: str) -> str:
        """Return the URL of a file under content/ (tottori/images/x.svg)."""
        slug, _, rest = path.partition("/")
        return self._full(self._pref_base(slug) + rest) if rest else self._full(path)

    def expand(self, html: Markup) -> Markup:
        """Replace `furusato:<path>` placeholders in sanitized HTML with real URLs.

        Only Markup is expanded (a plain string is text, and comes back escaped), and only in
        href and src attributes, where furusato.reading.markup writes them: a body that says
        "furusato: 故郷" keeps its words. The path is attribute text the sanitizer escaped; the
        base URL put before it is SITEURL, which publishconf.py checks.
        """
        if not isinstance(html, Markup):
            return escape(html)
        if LOCAL_PREFIX not in html:
            return html
        text = _PLACEHOLDER.sub(lambda m: m.group(1) + self.content_file(m.group(2)), str(html))
        if "srcset=" in text:
            text = _SRCSET.sub(
                lambda m: (
                    m.group(1)
                    + _IN_SRCSET.sub(
                        lambda n: n.group(1) + self.content_file(n.group(2)), m.group(2)
                    )
                    + '"'
                ),
                text,
            )
        return Markup(text)

    def picture(self, plan: Plan, alt: str, css_class: str | None = None) -> Markup:
        """Return the <picture> showing a photo's web sizes (`alt` is escaped)."""
        return self.expand(picture_html(plan, alt, LOCAL_PREFIX, css_class=css_class))

    def save_as(self, url: str) -> str:
        """Return the output file (relative to output/) that serves `url`."""
        path = url[len(self.siteurl) :] if url.startswith(self.siteurl) else url
        path = path.lstrip("/")
        return path + "index.html" if path.endswith("/") or not path else path


def _listing(folder: str, page: int, kind: str | None = None) -> str:
    """Return a list's path: its folder, its kind's folder, then page/<n>/ after the first."""
    kind_part = f"{kind}/" if kind else ""
    return f"{folder}{kind_part}" + ("" if page == 1 else f"page/{page}/")


_ROOTED = re.compile(r'(\s(?:href|src)=")/(?!/)([^"]*)"')
_ROOTED_IN_SRCSET = re.compile(r"(^|,\s*)/(?!/)([^\s,]*)")


def relativize(html: str, page: str) -> str:
    """Rewrite a page's root-relative links (`/tottori/`) relative to the page's own file,
    naming `index.html` explicitly, so the site browses from a folder on disk (`file://`),
    as a downloaded pull-request preview is opened.

    `page` is the page's path in output/ (`tottori/articles/x/index.html`).
    """
    depth = page.count("/")
    up = "../" * depth

    def local(match: re.Match[str]) -> str:
        path, _, fragment = match.group(2).partition("#")
        path, _, query = path.partition("?")
        if path == "" or path.endswith("/"):
            path += "index.html"
        target = (up + path) or "index.html"
        tail = (f"?{query}" if query else "") + (f"#{fragment}" if fragment else "")
        return f'{match.group(1)}{target}{tail}"'

    html = _ROOTED.sub(local, html)
    if "srcset=" not in html:
        return html
    return _SRCSET.sub(
        lambda m: (
            m.group(1)
            + _ROOTED_IN_SRCSET.sub(
                lambda n: n.group(1) + (up + n.group(2) if n.group(2) else "index.html"), m.group(2)
            )
            + '"'
        ),
        html,
    )
