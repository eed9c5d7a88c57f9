"""Live reload in Chromium: a page open on `furusato devserver` reloads itself after an edit,
shows a notice (in the page's language) when the edit breaks the build, keeps its content
until the build is fixed, and nothing of it is refused by the pages' Content-Security-Policy."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from tests.quality import harness
from tests.sitebuild import REPO, TODAY, copy_site, own_settings

ARTICLE = "content/tottori/articles/2026-04-02-dunes-in-winter.md"
ARTICLE_URL = "/tottori/articles/dunes-in-winter/"
JAPANESE_URL = "/tottori/ja/"
TIMEOUT_MS = 60_000  # generous: a rebuild on a busy machine; no timing is asserted
# Reported to the console by the page itself (an init script, which the CSP does not govern).
VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP violation: " + event.violatedDirective + " " + event.blockedURI);
});
"""


@dataclass
class Devserver:
    """`python -m furusato devserver --port 0` running on a copy of a fixture site."""

    process: subprocess.Popen
    root: Path
    base: str = ""
    lines: list[str] = field(default_factory=list)

    def said(self, text: str) -> int:
        """Count the lines of its output that start with `text`."""
        return sum(line.startswith(text) for line in list(self.lines))

    def wait_for(self, text: str, count: int) -> None:
        """Wait (a minute at most: no timing is asserted) until `count` lines start with `text`."""
        pause = threading.Event()
        for _ in range(600):
            if self.said(text) >= count:
                return
            pause.wait(0.1)
        raise AssertionError(f"never said {text!r} {count} times:\n" + "".join(self.lines))


@pytest.fixture
def devserver(tmp_path: Path) -> Iterator[Devserver]:
    root = copy_site("two_prefectures", tmp_path / "site")
    own_settings(root)
    env = {**os.environ, "PYTHONPATH": str(REPO / "plugins"), "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "furusato", "devserver", "--settings", "custom.py"]
    command += ["--output", str(tmp_path / "out"), "--port", "0", "--today", TODAY]
    process = subprocess.Popen(
        command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    server = Devserver(process, root)
    for line in process.stdout:
        server.lines.append(line)
        if line.startswith("Serving at "):
            server.base = line.split()[2].rstrip("/")
            break
    assert server.base, "".join(server.lines)
    reader = threading.Thread(target=lambda: server.lines.extend(process.stdout), daemon=True)
    reader.start()
    try:
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # Ctrl-C
            try:
                code = process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                raise
            assert code == 0, "".join(server.lines)
        reader.join(timeout=10)


@pytest.fixture
def browser_context(chromium_browser: Any) -> Iterator[Any]:
    context = chromium_browser.new_context(viewport={"width": 390, "height": 300})
    context.set_default_timeout(TIMEOUT_MS)
    foreign: list[str] = []
    harness.block_other_hosts(context, foreign)
    context.add_init_script(VIOLATIONS)
    yield context
    context.close()
    assert foreign == []


def watch(page: Any, errors: list[str]) -> Any:
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page


def heading(page: Any) -> str:
    return " ".join(page.locator("h1").first.inner_text().split())


def settle(page: Any, server: Devserver, rebuilds: int) -> None:
    """Wait until the full rebuild after an edit is done (`rebuilds` in all) and the page
    shows what is served now: an edit of an article reloads the page twice, once for the
    quick step that rewrites the article's page and once for the full rebuild."""
    server.wait_for("Rebuilt in ", rebuilds)
    with urllib.request.urlopen(server.base + ARTICLE_URL) as response:
        served = lxml.html.fromstring(response.read())
    generation = served.xpath("//script[@src='/__furusato/livereload.js']/@data-generation")[0]
    page.wait_for_selector(f"script[data-generation='{generation}']", state="attached")
    page.wait_for_load_state("load")


def edit(server: Devserver, old: str, new: str) -> None:
    path = server.root / ARTICLE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_open_page_follows_edits_and_failed_builds(
    devserver: Devserver, browser_context: Any
) -> None:
    errors: list[str] = []
    page = watch(browser_context.new_page(), errors)
    japanese = watch(browser_context.new_page(), errors)
    page.goto(devserver.base + ARTICLE_URL, wait_until="load")
    japanese.goto(devserver.base + JAPANESE_URL, wait_until="load")
    assert heading(page) == "Dunes in winter"
    assert page.locator("script[src='/__furusato/livereload.js']").count() == 1
    # The scroll position survives the reload.
    page.evaluate("window.scrollTo(0, 200); window.notReloaded = true;")

    # An edit: the page reloads by itself and shows it (the quick step's page at once).
    rebuilds = devserver.said("Rebuilt in ")
    with page.expect_navigation(timeout=TIMEOUT_MS):
        edit(devserver, "title: Dunes in winter", "title: Dunes, edited")
    page.wait_for_load_state("load")
    settle(page, devserver, rebuilds + 1)
    assert devserver.said("Rewrote the edited page in ") == 1
    assert heading(page) == "Dunes, edited"
    assert page.evaluate("window.notReloaded") is None
    page.wait_for_function("() => window.scrollY === 200")

    # A broken edit: a notice, in each page's language; the pages keep what they show.
    page.evaluate("window.notReloaded = true")
    rebuilds = devserver.said("Rebuilt in ")
    edit(devserver, "date: 2026-04-02", "date: nonsense")
    notice = page.locator(".furusato-livereload[role='alert']")
    notice.wait_for(state="visible")
    assert notice.locator("p").inner_text() == "Build failed — see the terminal"
    japanese_notice = japanese.locator(".furusato-livereload[role='alert']")
    japanese_notice.wait_for(state="visible")
    assert japanese_notice.locator("p").inner_text() == (
        "ビルドに失敗しました。ターミナルを確認してください"
    )
    assert japanese_notice.locator("button").inner_text() == "閉じる"
    assert page.evaluate("window.notReloaded") is True
    assert heading(page) == "Dunes, edited"
    assert devserver.said("Still serving the last good build.") == 1
    assert devserver.said("Rebuilt in ") == rebuilds
    # Styled by the served stylesheet (no inline style): fixed in a corner of the window.
    assert notice.evaluate("(el) => getComputedStyle(el).position") == "fixed"
    assert notice.get_attribute("style") is None
    # Dismissed with its button.
    notice.locator("button", has_text="Dismiss").click()
    notice.wait_for(state="detached")

    # The fix: the page reloads with the new text.
    with page.expect_navigation(timeout=TIMEOUT_MS):
        path = devserver.root / ARTICLE
        text = path.read_text(encoding="utf-8").replace("date: nonsense", "date: 2026-04-02")
        path.write_text(text.replace("title: Dunes, edited", "title: Dunes, fixed"), "utf-8")
    page.wait_for_load_state("load")
    settle(page, devserver, rebuilds + 1)
    assert heading(page) == "Dunes, fixed"
    assert page.locator(".furusato-livereload").count() == 0
    # Every open page reloads after a build that wrote files: the notice went with the old page.
    japanese_notice.wait_for(state="detached")

    assert [e for e in errors if "Refused to" in e or "CSP violation" in e] == []
    assert errors == []


def test_a_fix_that_restores_the_last_good_build_removes_the_notice(
    devserver: Devserver, browser_context: Any
) -> None:
    """Undoing a broken edit writes no file (output/ still holds that build): the page does
    not reload, and its notice goes away."""
    errors: list[str] = []
    page = watch(browser_context.new_page(), errors)
    page.goto(devserver.base + ARTICLE_URL, wait_until="load")
    page.evaluate("window.notReloaded = true")
    path = devserver.root / ARTICLE
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("date: 2026-04-02", "date: nonsense"), encoding="utf-8")
    notice = page.locator(".furusato-livereload")
    notice.wait_for(state="visible")
    path.write_text(good, encoding="utf-8")
    notice.wait_for(state="detached")
    assert page.evaluate("window.notReloaded") is True
    assert errors == []


HIDE = """(hidden) => {
  Object.defineProperty(document, "hidden", { value: hidden, configurable: true });
  document.dispatchEvent(new Event("visibilitychange"));
}"""


def test_a_page_in_the_background_stops_listening_and_catches_up_when_shown(
    devserver: Devserver, browser_context: Any
) -> None:
    """A background tab gives its connection back (a browser opens at most six to one
    server); shown again, it reloads at once if the site was rebuilt meanwhile."""
    errors: list[str] = []
    page = watch(browser_context.new_page(), errors)
    page.goto(devserver.base + ARTICLE_URL, wait_until="load")
    page.evaluate("window.notReloaded = true")
    page.evaluate(HIDE, True)
    rebuilds = devserver.said("Rebuilt in ")
    edit(devserver, "title: Dunes in winter", "title: Dunes, while away")
    devserver.wait_for("Rebuilt in ", rebuilds + 1)  # printed once the stream has been told
    # The rebuild is there to see (a round trip after the stream was told of it).
    assert "Dunes, while away" in page.evaluate(f"fetch('{ARTICLE_URL}').then(r => r.text())")
    assert page.evaluate("window.notReloaded") is True
    assert heading(page) == "Dunes in winter"
    with page.expect_navigation(timeout=TIMEOUT_MS):
        page.evaluate(HIDE, False)
    page.wait_for_load_state("load")
    assert heading(page) == "Dunes, while away"
    assert errors == []
