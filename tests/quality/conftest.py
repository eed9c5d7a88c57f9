"""Fixtures of the quality gates: the demo build served on 127.0.0.1, Chromium, Java, axe-core."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.quality import harness, site_pages

REPO = Path(__file__).resolve().parents[2]
VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
NPM_HINT = "run `npm ci --ignore-scripts` at the repository root (or `bash .ci/run.quality.sh`)"
APT_HINT = (
    "install it with `apt-get install --no-install-recommends chromium fonts-ipafont-gothic "
    "default-jre-headless` (or run `bash .ci/run.quality.sh`)"
)


def in_ci() -> bool:
    """Tell whether this run is CI's (CI=true), where a missing tool is a failure, not a skip."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def require_tool(name: str, available: bool, hint: str) -> None:
    """Go on when the tool is there; else skip with the way to get it, or fail under CI=true."""
    if available:
        return
    message = f"{name} is not available: {hint}"
    if in_ci():
        pytest.fail(f"{message} (CI=true: the quality gates never skip in CI)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(name="require_tool", scope="session")
def require_tool_fixture() -> Callable[[str, bool, str], None]:
    """Give tests the require_tool helper."""
    return require_tool


@pytest.fixture(scope="session")
def representative_pages(demo_output: Path) -> dict[str, str]:
    """Map each page type of the demo build to one root-relative URL."""
    return site_pages.pick_pages(demo_output)


@pytest.fixture(scope="session")
def site_url(demo_output: Path) -> Iterator[str]:
    """Serve the demo build on 127.0.0.1 at a free port; give its base URL (ending in '/')."""
    with harness.serve(demo_output) as url:
        yield url


@pytest.fixture(scope="session")
def vnu_jar() -> Path:
    """Give the Nu Html Checker's jar, once Java and the npm package are there."""
    require_tool("java", shutil.which("java") is not None, APT_HINT)
    require_tool("vnu-jar (npm)", VNU_JAR.is_file(), NPM_HINT)
    return VNU_JAR


@pytest.fixture(scope="session")
def axe_source() -> str:
    """Give the source of axe-core from node_modules."""
    require_tool("axe-core (npm)", AXE_JS.is_file(), NPM_HINT)
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """Launch one headless Debian Chromium for the whole session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_tool("playwright (Python package)", False, "pip install the test requirements")
    require_tool("chromium", harness.CHROMIUM_PATH.is_file(), APT_HINT)
    playwright = sync_playwright().start()
    try:
        browser = harness.launch_chromium(playwright)
    except Exception as error:
        playwright.stop()
        require_tool("chromium", False, f"{harness.CHROMIUM_PATH} did not start: {error}")
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@dataclass
class Visit:
    """One page opened in Chromium, with what went wrong while it loaded."""

    page: Any
    response: Any
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """List every console error, script error, failed and off-site request, one line each."""
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"script error: {m}" for m in self.page_errors]
            + [f"request failed: {m}" for m in self.failed_requests]
            + [f"request to another host (blocked): {m}" for m in self.foreign_requests]
        )


class _Tab:
    """One page per viewport and JavaScript setting, reused: a new page costs more than a visit."""

    def __init__(self, browser: Any, viewport: str, javascript: bool) -> None:
        self.context = browser.new_context(
            viewport=harness.VIEWPORTS[viewport],
            java_script_enabled=javascript,
            bypass_csp=True,  # axe is injected as an inline script
            reduced_motion="reduce",
        )
        self.context.set_default_timeout(15_000)
        self.foreign: list[str] = []
        harness.block_other_hosts(self.context, self.foreign)
        self.page = self.context.new_page()
        self.visit = Visit(page=self.page, response=None)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.visit.page_errors.append(str(error)))
        self.page.on("requestfailed", self._request_failed)
        self.page.on("response", self._response)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            self.visit.console_errors.append(f"{message.text} ({where})" if where else message.text)

    def _request_failed(self, request: Any) -> None:
        if harness.is_local(request.url):  # blocked foreign requests are reported on their own
            self.visit.failed_requests.append(f"{request.url} ({request.failure})")

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.visit.failed_requests.append(f"{response.url} (HTTP {response.status})")

    def open(self, url: str) -> Visit:
        # Leave the last page first: requests its script still had running (the search page
        # loads its index after `load`) are aborted now, and counted against that visit.
        self.page.goto("about:blank")
        self.foreign.clear()
        self.visit = Visit(page=self.page, response=None, foreign_requests=self.foreign)
        self.visit.response = self.page.goto(url, wait_until="load")
        return self.visit


@pytest.fixture(scope="session")
def open_page(chromium_browser: Any, site_url: str) -> Iterator[Callable[..., Visit]]:
    """Give a function that opens a site URL in Chromium, recording errors and requests.

    A visit lasts until the next one with the same viewport and JavaScript setting, which
    reuses its page.
    """
    tabs: dict[tuple[str, bool], _Tab] = {}

    def open_(url_path: str, viewport: str = "desktop", javascript: bool = True) -> Visit:
        key = (viewport, javascript)
        if key not in tabs:
            tabs[key] = _Tab(chromium_browser, viewport, javascript)
        return tabs[key].open(site_url + url_path.lstrip("/"))

    yield open_
    for tab in tabs.values():
        tab.context.close()
