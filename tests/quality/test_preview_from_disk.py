"""A build with RELATIVE_URLS (`make html RELATIVE=1`, the pull-request preview) browses from
a folder on disk in Chromium: styles load and links lead to pages, over file://."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.sitebuild import SITES, build_site


def test_a_relative_build_browses_from_disk(chromium_browser: Any, tmp_path: Path) -> None:
    out = build_site(SITES / "two_prefectures", tmp_path / "preview", RELATIVE_URLS=True)
    context = chromium_browser.new_context()
    failed: list[str] = []
    try:
        page = context.new_page()
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto((out / "index.html").as_uri(), wait_until="load")
        # base.css hides the skip link off screen: the stylesheet was found and applied.
        position = page.eval_on_selector(".skip-link", "e => getComputedStyle(e).position")
        assert position == "absolute"
        page.click("a[href='tottori/index.html']")
        page.wait_for_load_state("load")
        assert page.url == (out / "tottori" / "index.html").as_uri()
        assert "Tottori" in page.inner_text("h1")
        page.click("main a[href*='/articles/'][href$='/index.html']")
        page.wait_for_load_state("load")
        assert page.url.startswith((out / "tottori" / "articles").as_uri())
        assert page.url.endswith("index.html")
        assert page.eval_on_selector(".skip-link", "e => getComputedStyle(e).position") == (
            "absolute"
        )
        assert failed == []
    finally:
        context.close()
