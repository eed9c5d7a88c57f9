"""Production settings: pelicanconf.py plus the differences for a published site.

SITEURL comes from the environment (`SITEURL=https://example.github.io/furusato make publish`)
so that a fork never publishes links to someone else's domain. With it set, every link,
feed entry, canonical link and sitemap entry is an absolute URL under SITEURL.
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

# Pelican executes this file by path; make its sibling pelicanconf.py importable from any cwd.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from pelicanconf import *  # noqa: F403

_example = "  SITEURL=https://your-name.github.io/furusato make publish"


def _siteurl(value: str) -> str:
    """Return SITEURL without a trailing slash, or stop with a message saying how to set it."""
    value = value.strip().rstrip("/")
    if not value:
        raise SystemExit(
            "publishconf.py: SITEURL is not set. Set it to the address the site will live "
            f"at, for example\n{_example}"
        )
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment:
        raise SystemExit(
            f"publishconf.py: SITEURL={value!r} is not a site address; write it as "
            f"https://host[/path] with no query or #fragment, for example\n{_example}"
        )
    return value


SITEURL = _siteurl(os.environ.get("SITEURL", ""))
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
FURUSATO_INCREMENTAL = False  # render every page: what is published is exactly a clean build

# --- Who publishes this site ------------------------------------------------------------------
# A published site must say who runs it, how to reach them, the licence of its content, how it
# treats readers' data, and where its source is: fill these in for your deployment (the build
# stops and names each one still missing). The examples show the shape, not real details.
FURUSATO_REQUIRE_OWNERSHIP = True
FURUSATO_PUBLISHER = None  # {"en": "Tottori JET Alumni Network", "ja": "鳥取県JET同窓会"}
FURUSATO_CONTACT = None  # "mailto:office@example.org" or "https://example.org/contact/"
FURUSATO_LICENSE = (
    None  # {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
)
FURUSATO_PRIVACY = None  # {"en": "This site sets no cookies ...", "ja": "このサイトは..."}
# The repository's web page; on GitHub Actions it is known from the run's environment.
FURUSATO_REPOSITORY = (
    f"{os.environ['GITHUB_SERVER_URL']}/{os.environ['GITHUB_REPOSITORY']}"
    if os.environ.get("GITHUB_SERVER_URL") and os.environ.get("GITHUB_REPOSITORY")
    else None
)
