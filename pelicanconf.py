"""Pelican settings for developing Furusato locally (`make html`, `make devserver`).

Furusato reads prefectures/ and content/ itself (typed, validated, never skipping a file),
so Pelican's own article/page readers, feeds and static copying are switched off and the
plugins below do that work. publishconf.py adds the production differences. Every
FURUSATO_* setting, with its default and meaning, is declared in plugins/furusato/settings.py;
an unknown or impossible one stops the build with a message.
"""

import sys
from pathlib import Path

# Pelican loads the plugins by name from PLUGIN_PATHS; the core package they share
# (plugins/furusato) must be importable too, so `pelican content` works without PYTHONPATH.
_PLUGINS = str(Path(__file__).resolve().parent / "plugins")
if _PLUGINS not in sys.path:
    sys.path.insert(0, _PLUGINS)

AUTHOR = "Furusato contributors"
SITENAME = "Furusato"
SITESUBTITLE = "JET Programme alumni networks of Japan's 47 prefectures"
SITEURL = ""
PATH = "content"
TIMEZONE = "Asia/Tokyo"
DEFAULT_LANG = "en"
THEME = "theme"

# The engine loads the content and writes output/; each other plugin is one output family.
# The order does not matter (tests/test_engine.py builds with them shuffled).
PLUGIN_PATHS = ["plugins"]
PLUGINS = [
    "furusato_engine",  # settings, prefectures/ + content/ -> typed Site, safe writer, commit
    "microsites",  # national portal, regions, prefecture microsites, articles, ambassadors
    "events",  # /<slug>/events/ (upcoming and past) and one page per event
    "calendars",  # iCalendar: /<slug>/events.ics, one event.ics per event, national /events.ics
    "feeds",  # RSS and Atom per prefecture and national, feeds.opml (feedgen)
    "browse",  # /articles/, /events/, /regions/, tag pages, lists by kind, events by country
    "impact",  # local return reports: /<slug>/impact/, /impact/ and their CSV and JSON
    "admin",  # /admin/: the web editor (Sveltia CMS) and its configuration
    "digest",  # monthly fan-club digest: /<slug>/digest/ pages, emails (.eml) and digest.xml
    "search",  # /search/ in each edition, and the Pagefind index of articles and events
    "sitemap",  # sitemap.xml and robots.txt, once every page is written
    "host_config",  # _headers (CSP, caching) and .nojekyll, once every file is made
]

# Pelican's own readers, generators and feed writer stay idle: Furusato's plugins do the work.
ARTICLE_PATHS: list[str] = []
PAGE_PATHS: list[str] = []
STATIC_PATHS: list[str] = []
THEME_STATIC_PATHS: list[str] = []
DIRECT_TEMPLATES: list[str] = []
PAGINATED_TEMPLATES: dict[str, int] = {}
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DELETE_OUTPUT_DIRECTORY = False  # the engine removes stale files itself, after success
CACHE_CONTENT = False

# autoescape on for every template, HTML and XML alike: contributors' text is always text, and
# the only HTML printed as it is comes as Markup (sanitized Markdown, the project's own charts).
# auto_reload off: templates cannot change during a build, so skip a stat per template use.
JINJA_ENVIRONMENT = {
    "autoescape": True,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": ["jinja2.ext.i18n"],  # {% trans %} and _(): theme/translations/
    "auto_reload": False,
}

FURUSATO_CACHE_PATH = ".furusato-cache"
