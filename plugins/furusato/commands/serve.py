"""Local preview servers: `make serve` (output/ as it is) and `make devserver` (rebuild on change).

Both bind 127.0.0.1 only: a preview is for the person at this computer, not the network.
`make serve` serves exactly what would be published; `make devserver` also makes the open
page reload itself after each rebuild (livereload.py, added as pages are served, never
written into output/).

A save that changes only Markdown documents is shown in two steps: first a focused run
(`build(focus=...)`) rewrites the edited documents' own pages, and the page reloads; then
the full rebuild updates the lists, feeds and digests (and the page reloads again if it
changed files). The focused run reads only the saved documents again when their text alone
changed (nothing the loader's cross-checks look at); otherwise it loads and judges the
whole site, as any build does.
"""

from __future__ import annotations

import functools
import http.server
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
WATCHED = ("content", "prefectures", "theme", "pelicanconf.py")
# watchfiles groups the events of one save: it waits STEP_MS for more after each one (an
# editor's write and rename arrive within a few milliseconds), and at most DEBOUNCE_MS in all.
STEP_MS = 30
DEBOUNCE_MS = 400
READY_MS = 200  # how long the watcher waits before saying "nothing yet" (an empty batch)


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves files, with the site's 404.html for missing ones and correct feed types."""

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".ics": "text/calendar; charset=utf-8",
        ".xml": "application/xml; charset=utf-8",
        ".opml": "text/x-opml; charset=utf-8",
        ".html": "text/html; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".svg": "image/svg+xml",
        ".csv": "text/csv; charset=utf-8",
        ".json": "application/json",
    }

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = self.page_body(page)
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def page_body(self, path: Path) -> bytes:
        """Return the bytes of the HTML page at `path` as this server sends them."""
        return path.read_bytes()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def make_server(
    output: Path, port: int, handler: type[Handler] = Handler
) -> http.server.ThreadingHTTPServer:
    """Create (but do not start) a server for `output` on 127.0.0.1:`port`."""
    bound = functools.partial(handler, directory=str(output.resolve()))
    return http.server.ThreadingHTTPServer((HOST, port), bound)


def dev_siteurl(port: int) -> str:
    """Return the base of a development build's absolute URLs served on `port`."""
    return f"http://{HOST}:{port}"


def built_for(output: Path) -> str | None:
    """Return the base URL a built site's feeds, calendars and sitemap point at (from the
    Sitemap line of its robots.txt), or None if it does not say."""
    robots = output / "robots.txt"
    if not robots.is_file():
        return None
    for line in robots.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.lower().startswith("sitemap:"):
            return line.split(":", 1)[1].strip().removesuffix("/sitemap.xml")
    return None


def port_mismatch(output: Path, port: int) -> str | None:
    """Say how to rebuild when `output` is a development build for another local port (its
    feed and calendar links would lead nowhere); None when they match or it is published."""
    base = built_for(output)
    if base is None or not base.startswith(f"http://{HOST}:") or base == dev_siteurl(port):
        return None
    return (
        f"note: {output}/ was built for {base}/, so its feeds, calendars and sitemap link "
        f"there; rebuild it for this port with `make html PORT={port}` (or use "
        f"`make devserver PORT={port}`, which builds for its own port)"
    )


def serve_forever(output: Path, port: int) -> None:
    """Serve `output` until interrupted."""
    server = make_server(output, port)
    print(f"Serving {output}/ at http://{HOST}:{server.server_address[1]}/ (Ctrl-C to stop)")
    warning = port_mismatch(output, server.server_address[1])
    if warning:
        print(warning, file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


class Changes:
    """Tell a save that needs a rebuild from the echo of one already rebuilt for.

    An editor's save can reach the watcher as two batches of events (the write, then the
    rename or the change of its time stamp); a file whose size and modification time are
    what the last rebuild saw needs no second rebuild.
    """

    def __init__(self) -> None:
        self._seen: dict[str, tuple[int, int] | None] = {}
        # When the newest file of the last new batch was written (ns since the epoch), or None.
        self.saved_at: int | None = None

    def new(self, paths: Iterable[str]) -> bool:
        """Record the files' current state; tell whether any differs from the last seen."""
        differs = False
        self.saved_at = None
        for path in paths:
            try:
                info = os.stat(path)
                now: tuple[int, int] | None = (info.st_mtime_ns, info.st_size)
            except OSError:
                now = None
            if path not in self._seen or self._seen[path] != now:
                differs = True
                if now is not None:
                    self.saved_at = max(self.saved_at or 0, now[0])
            self._seen[path] = now
        return differs


def saved_documents(paths: Iterable[str], root: Path) -> list[str] | None:
    """Return the documents (as sources: content/...) among the saved `paths`, when every one
    of them is a Markdown article, event or site page that exists; None otherwise (a profile,
    a picture, the theme, the settings or a deleted file need the full rebuild alone)."""
    from ..reading.files import MARKDOWN_SUFFIXES
    from ..reading.repository import DOCUMENT_FOLDERS, PAGES_DIR

    root = root.resolve()
    sources = set()
    for path in paths:
        try:
            rel = Path(path).resolve().relative_to(root).as_posix()
        except ValueError:
            return None
        parts = rel.split("/")
        document = (len(parts) == 3 and parts[1] == PAGES_DIR) or (
            len(parts) == 4 and parts[1] != PAGES_DIR and parts[2] in DOCUMENT_FOLDERS
        )
        if not (
            document
            and parts[0] == "content"
            and rel.lower().endswith(MARKDOWN_SUFFIXES)
            and os.path.isfile(path)
        ):
            return None
        sources.add(rel)
    return sorted(sources) or None


def devserver(
    args: Any,
    make_settings: Callable[..., dict],
    report: Callable,
    *,
    stop: threading.Event | None = None,
) -> int:
    """Build once, serve, and rebuild whenever content, profiles, theme or settings change;
    the page open in the browser reloads itself after a rebuild that changed a file.

    Parsed documents stay in memory between rebuilds, and unchanged pages are neither
    rendered nor written. After a save of Markdown documents only, their own pages are
    rewritten (and the page reloaded) before the full rebuild runs.
    A failed rebuild prints its problems, shows a notice in the open page and keeps serving
    the last good site. `stop` (for tests) ends the watch as Ctrl-C does.
    """
    from watchfiles import watch

    from ..errors import BuildError, ContentError
    from .build import build, check_output
    from .livereload import Reloader, make_live_server

    output = Path(args.output)
    try:  # never serve (or rebuild into) a source folder
        check_output(make_settings(args))
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 2
    # Bound before the first build, so feeds, calendars and the sitemap link to the address
    # this server really listens on (the port the system chose, for --port 0).
    output.mkdir(exist_ok=True)
    reloader = Reloader()
    server = make_live_server(output, args.port, reloader)
    base = dev_siteurl(server.server_address[1])

    def settings_now() -> dict:
        # The search index is kept while one exists (plugins/search): a rebuild never waits
        # for Pagefind; `make html` brings the index up to date.
        return make_settings(args, FURUSATO_DEV_SITEURL=base, FURUSATO_SEARCH_INDEX="keep")

    def quick(sources: list[str], saved_at: int | None) -> None:
        """Rewrite the saved documents' own pages; on any failure say nothing (the full
        rebuild that follows reports it)."""
        started = time.perf_counter()
        try:
            result = build(settings_now(), keep_documents=True, focus=sources)
        except Exception as exc:  # whatever it is, the full rebuild judges and reports it
            log.debug("the quick step failed; the full rebuild follows", exc_info=exc)
            return
        if result.stats.written:
            reloader.changed()
        after = (
            ""
            if saved_at is None
            else f", {(time.time_ns() - saved_at) / 1e9:.2f} s after the save"
        )
        print(
            f"Rewrote the edited page{'s' if len(sources) > 1 else ''} in "
            f"{time.perf_counter() - started:.2f} s: {result.stats.written} written{after}",
            flush=True,
        )

    def rebuild(saved_at: int | None = None) -> None:
        started = time.perf_counter()
        try:
            # One process: parsed documents stay in memory between rebuilds.
            result = build(settings_now(), keep_documents=True)
        except ContentError as exc:
            report(exc.problems)
            reloader.failed()
            print("Still serving the last good build.", flush=True)
            return
        except BuildError as exc:
            reloader.failed()
            print(f"build failed: {exc}", flush=True)
            return
        stats = result.stats
        if stats.written or stats.deleted:
            reloader.changed()
        else:
            reloader.unchanged()
        stages = ", ".join(
            f"{name} {seconds:.2f}" for name, seconds in result.timings.items() if name != "total"
        )
        # From the save on the file's own clock: what the person who saved waited for.
        after = (
            ""
            if saved_at is None
            else f", {(time.time_ns() - saved_at) / 1e9:.2f} s after the save"
        )
        print(
            f"Rebuilt in {time.perf_counter() - started:.2f} s ({stages}): "
            f"{stats.written} written, {stats.deleted} deleted{after}",
            flush=True,
        )

    thread = threading.Thread(target=server.serve_forever, name="devserver", daemon=True)
    changes = Changes()
    watched = [p for p in WATCHED if Path(p).exists()]
    # The watcher starts before the first build and keeps what happens while a build runs,
    # so a save made during the first build, or just after it, is not missed. Its first
    # (usually empty) batch, after READY_MS, says it is watching; so do the later empty ones,
    # which change nothing.
    batches = watch(
        *watched,
        debounce=DEBOUNCE_MS,
        step=STEP_MS,
        stop_event=stop,
        rust_timeout=READY_MS,
        yield_on_timeout=True,
    )
    try:
        changes.new(path for _change, path in next(batches, ()))
        rebuild()
        thread.start()
        print(
            f"Serving at http://{HOST}:{server.server_address[1]}/ ; watching "
            f"{', '.join(WATCHED)} (Ctrl-C to stop; restart after editing plugins/)",
            flush=True,
        )
        root = Path(settings_now()["PATH"]).parent
        for batch in batches:
            paths = [path for _change, path in batch]
            if batch and changes.new(paths):
                sources = saved_documents(paths, root)
                if sources is not None:
                    quick(sources, changes.saved_at)
                rebuild(changes.saved_at)
    except KeyboardInterrupt:
        pass
    finally:
        close = getattr(batches, "close", None)
        if close is not None:  # the watcher's thread ends now, not when collected
            close()
        reloader.close()  # the pages' streams end, and their threads with them
        if thread.is_alive():
            server.shutdown()
            thread.join()
        server.server_close()
    return 0
