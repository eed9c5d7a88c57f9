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
