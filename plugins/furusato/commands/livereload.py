"""Live reload for `make devserver`: the page open in the browser reloads itself after a rebuild.

Nothing here is ever written into output/: the devserver's HTTP handler adds one
`<script src="/__furusato/livereload.js">` to each HTML page as it serves it, so a site built by
`make html` or `make publish` cannot carry it, and `make serve` (a preview of exactly what
would be published) does not add it either.

The script listens to `/__furusato/events`, a Server-Sent Events stream. Each rebuild that
wrote or deleted a file moves the server to a new generation, which the stream sends; the
script reloads when it differs from the generation its page was served with (given in the
script tag), so a page served during a rebuild, or a reconnect to a restarted server (whose
generations start from another run), reloads too. A failed rebuild sends `failed`, which the
script shows as a small notice in the page until the next good build.

The script, its stylesheet and the stream are same-origin, so the pages' Content-Security-
Policy (script-src, style-src and, through default-src, connect-src 'self') allows them
without a change.
"""

from __future__ import annotations

import html
import io
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .serve import Handler

PREFIX = "/__furusato/"
SCRIPT_URL = PREFIX + "livereload.js"
EVENTS_URL = PREFIX + "events"
# The files the handler serves under PREFIX, from this folder.
ASSETS = {
    PREFIX + "livereload.js": ("livereload.js", "text/javascript; charset=utf-8"),
    PREFIX + "livereload.css": ("livereload.css", "text/css; charset=utf-8"),
}
HERE = Path(__file__).resolve().parent
# Seconds between comments on an idle stream: a page that went away is noticed (and its
# thread ends) when writing to it fails.
KEEPALIVE = 10.0


@dataclass(frozen=True)
class State:
    """What the stream tells a page: the current generation, and whether the last build failed."""

    generation: str
    failed: bool = False
    closed: bool = False


class Reloader:
    """The devserver's build generations, shared by the watch loop and every open page's stream."""

    def __init__(self, run: str | None = None) -> None:
        # A run id, so that the generations of a restarted server never match an old page's.
        self._run = run or format(time.time_ns(), "x")
        self._count = 0
        self._failed = False
        self._closed = False
        self._streams = 0
        self._condition = threading.Condition()

    @property
    def state(self) -> State:
        """Return the current state."""
        with self._condition:
            return self._state()

    def _state(self) -> State:
        return State(f"{self._run}-{self._count}", self._failed, self._closed)

    @property
    def streams(self) -> int:
        """Return how many pages are listening now."""
        with self._condition:
            return self._streams

    def changed(self) -> None:
        """Record a good build that changed output/: every open page reloads."""
        self._update(count=1, failed=False)

    def unchanged(self) -> None:
        """Record a good build that changed nothing (a failure notice goes away)."""
        self._update(count=0, failed=False)

    def failed(self) -> None:
        """Record a failed build: every open page shows the notice and keeps its content."""
        self._update(count=0, failed=True)

    def close(self) -> None:
        """End every stream (the server is stopping)."""
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def _update(self, *, count: int, failed: bool) -> None:
        with self._condition:
            self._count += count
            self._failed = failed
            self._condition.notify_all()

    def wait(self, seen: State | None, timeout: float) -> State:
        """Return the state once it differs from `seen`, or after `timeout` seconds."""
        with self._condition:
            self._condition.wait_for(lambda: self._state() != seen, timeout)
            return self._state()

    def listening(self) -> _Listening:
        """Count a stream while it is open (`with reloader.listening(): ...`)."""
        return _Listening(self)

    def _add(self, amount: int) -> None:
        with self._condition:
            self._streams += amount


class _Listening:
    def __init__(self, reloader: Reloader) -> None:
        self._reloader = reloader

    def __enter__(self) -> None:
        self._reloader._add(1)

    def __exit__(self, *exc: object) -> None:
        self._reloader._add(-1)


def script_tag(generation: str) -> bytes:
    """Return the tag added to every served page, carrying the generation it was served at."""
    value = html.escape(generation, quote=True)
    return f'<script src="{SCRIPT_URL}" data-generation="{value}" defer></script>'.encode()


def inject(page: bytes, generation: str) -> bytes:
    """Return `page` with the live-reload script tag before its `</head>` (else before its
    last `</body>`, else at its end)."""
    tag = script_tag(generation)
    lower = page.lower()
    at = lower.find(b"</head>")
    if at < 0:
        at = lower.rfind(b"</body>")
    if at < 0:
        return page + tag
    return page[:at] + tag + page[at:]


def events(state: State, previous: State | None) -> bytes:
    """Return the Server-Sent Events that move a page from `previous` to `state` (all of them
    for a page that just connected)."""
    out = []
    if previous is None:
        out.append("retry: 1000\n\n")  # reconnect soon after the server restarts
    if previous is None or state.generation != previous.generation:
        out.append(f"event: generation\ndata: {state.generation}\n\n")
    if previous is None or state.failed != previous.failed:
        out.append("event: failed\ndata: \n\n" if state.failed else "event: ok\ndata: \n\n")
    return "".join(out).encode()


class LiveHandler(Handler):
    """The devserver's handler: the site's files, each HTML page with the live-reload script,
    and the script, its stylesheet and the event stream under /__furusato/."""

    reloader: Reloader  # set on a subclass by make_live_server, with keepalive
    keepalive: float

    def do_GET(self) -> None:
        route = self.path.split("?", 1)[0]
        if route == EVENTS_URL:
            self._stream()
        elif route in ASSETS:
            self._asset(*ASSETS[route])
        else:
            super().do_GET()

    def do_HEAD(self) -> None:
        route = self.path.split("?", 1)[0]
        if route == EVENTS_URL:
            self.send_error(405)
        elif route in ASSETS:
            self._asset(*ASSETS[route])
        else:
            super().do_HEAD()

    def page_body(self, path: Path) -> bytes:
        return inject(path.read_bytes(), self.reloader.state.generation)

    def send_head(self) -> BinaryIO | None:
        """Serve an HTML page with the script (and never from the browser's cache); anything
        else as SimpleHTTPRequestHandler does, to be revalidated on every load."""
        route = self.path.split("?", 1)[0].split("#", 1)[0]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not route.endswith("/"):
                return super().send_head()  # the redirect to the folder's URL
            path = path / "index.html"
        if path.suffix != ".html" or not path.is_file():
            return super().send_head()
        try:
            body = self.page_body(path)
        except OSError:  # deleted by a rebuild since
            self.send_error(404, "File not found")
            return None
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() == "content-type":
            self._content_type = value
        super().send_header(keyword, value)

    def end_headers(self) -> None:
        # HTML and the stream are never kept; the rest (CSS, pictures) is revalidated, so that
        # a reload after a theme change shows the new stylesheet.
        sent = getattr(self, "_content_type", "")
        fresh = sent.startswith(("text/html", "text/event-stream"))
        self.send_header("Cache-Control", "no-store" if fresh else "no-cache")
        self._content_type = ""
        super().end_headers()

    def _asset(self, name: str, content_type: str) -> None:
        body = (HERE / name).read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _stream(self) -> None:
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.end_headers()
        seen: State | None = None
        with self.reloader.listening():
            try:
                while True:
                    state = self.reloader.wait(seen, self.keepalive)
                    if state.closed:
                        return
                    chunk = events(state, seen) if state != seen else b": idle\n\n"
                    self.wfile.write(chunk)
                    self.wfile.flush()
                    seen = state
            except OSError:  # the page was closed or reloaded
                return


def make_live_server(
    output: Path, port: int, reloader: Reloader, *, keepalive: float = KEEPALIVE
) -> Any:
    """Create (but do not start) the devserver's server for `output` on 127.0.0.1:`port`,
    its pages following `reloader`."""
    from .serve import make_server

    handler = type(
        "BoundLiveHandler", (LiveHandler,), {"reloader": reloader, "keepalive": keepalive}
    )
    return make_server(output, port, handler)
