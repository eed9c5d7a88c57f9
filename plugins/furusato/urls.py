"""The URL contract in one place: every page's URL, and the file that serves it.

Two layouts share it: the national site (`/tottori/articles/x/`) and a single prefecture's
site rooted at `/` (`/articles/x/`). Everything that writes or links a page asks this class.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from .entities import Article, Event, Page, Prefecture
from .regions import Region
from .schemas import Ambassador

# Local links and pictures in rendered Markdown are written `furusato:<path under content/>`
# and expanded to real URLs at render time, so one cached rendering serves every layout.
LOCAL_PREFIX = "furusato:"
_PLACEHOLDER = re.compile(r'(\s(?:href|src)=")' + re.escape(LOCAL_PREFIX) + r'([^"#]*)')
# Names Furusato itself writes (the URL contract in DESIGN.md, "Outputs"), the one list that
# contributors' slugs are checked against. A site page is written at /<slug>/ beside them,
# and a prefecture's site at /<prefecture>/; tests/test_values.py checks that a build writes
# no name missing here.
NATIONAL_NAMES = frozenset(
    {
        "index.html", "404.html", "404", "_headers", ".nojekyll", "robots.txt", "sitemap.xml",
        "feed.xml", "atom.xml", "feeds.opml", "events.ics",
        "articles", "events", "regions", "search", "pagefind", "admin", "theme", "ja",
        "impact", "impact.csv", "impact.json", "impact.xlsx",
    }
)  # fmt: skip
# What each prefecture's site holds at its top (/<prefecture>/...; at / when built alone).
PREFECTURE_NAMES = frozenset(
    {
        "index.html", "feed.xml", "atom.xml", "events.ics",
        "articles", "events", "ambassadors", "images", "tags", "proposals", "ja", "search",
        "digest", "digest.xml", "impact", "impact.csv", "impact.json", "impact.xlsx",
    }
)  # fmt: skip
# Names inside a list folder (/<prefecture>/articles/page/2/), which an article or event
# slug may not take.
LIST_NAMES = frozenset({"page", "index.html"})


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

    def articles(self, p: Prefecture, page: int = 1) -> str:
        suffix = "" if page == 1 else f"page/{page}/"
        return self._in(p.slug, f"articles/{suffix}")

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
        return Markup(
            _PLACEHOLDER.sub(lambda m: m.group(1) + self.content_file(m.group(2)), str(html))
        )

    def save_as(self, url: str) -> str:
        """Return the output file (relative to output/) that serves `url`."""
        path = url[len(self.siteurl) :] if url.startswith(self.siteurl) else url
        path = path.lstrip("/")
        return path + "index.html" if path.endswith("/") or not path else path


_ROOTED = re.compile(r'(\s(?:href|src)=")/(?!/)([^"]*)"')


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

    return _ROOTED.sub(local, html)
