"""Production settings: pelicanconf.py plus the differences for a published site.

SITEURL comes from the environment (`SITEURL=https://example.github.io/furusato make publish`)
so that a fork never publishes links to someone else's domain.
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("SITEURL", "").rstrip("/")
if not SITEURL.startswith(("https://", "http://")):
    raise SystemExit(
        "publishconf.py: set SITEURL to the address the site will live at, for example\n"
        "  SITEURL=https://your-name.github.io/furusato make publish"
    )
RELATIVE_URLS = False
