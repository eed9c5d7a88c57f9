"""Serve a built site on 127.0.0.1 and open it in Debian's Chromium, as every browser check does."""

from __future__ import annotations

import contextlib
import functools
import http.server
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

CHROMIUM_PATH = Path("/usr/bin/chromium")
# The flags the issue fixes: no sandbox (CI runs as root) and no traffic of Chromium's own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
LOCAL_HOSTS = frozenset({"127.0.0.1"})


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files like a static host: 404.html for a missing path, no request log."""

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".ics": "text/calendar",
        ".xml": "application/xml",
        ".opml": "text/x-opml",
        ".svg": "image/svg+xml",
        ".webmanifest": "application/manifest+json",
    }

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file() or self.command != "GET":
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve directory on 127.0.0.1 at a free port; yield its base URL, ending in '/'."""
    handler = functools.partial(_SiteHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def launch_chromium(playwright: Any) -> Any:
    """Launch Debian's Chromium through Playwright (never a browser Playwright downloads)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS)


def is_local(url: str) -> bool:
    """Tell whether a request URL stays on this machine's loopback server (data: and blob: do)."""
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True
    return parts.hostname in LOCAL_HOSTS


def block_other_hosts(context: Any, foreign: list[str]) -> None:
    """Abort every request of context that leaves 127.0.0.1, recording its URL in foreign."""

    def handle(route: Any) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            foreign.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", handle)
