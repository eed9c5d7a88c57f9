"""A build with RELATIVE_URLS (`make html RELATIVE=1`, the pull-request preview) browses from
a folder on disk in Chromium: styles load, every navigation link leads to a real file (an
`index.html`, never a folder), and photos load from their srcset, over file://."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from PIL import Image

from tests.sitebuild import SITES, build_site, copy_site

ARTICLE = """---
title: A photo
date: 2026-05-01
author: amy-chen
summary: A photo from disk.
image: images/photo.jpg
image_alt: A gradient
---
Text.
"""
START = ["index.html", "ja/index.html", "tottori/index.html", "tottori/ja/index.html"]
# base.css hides the skip link off screen: the stylesheet was found and applied.
STYLED = "e => getComputedStyle(e).position"


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("preview")
    root = copy_site(
        "two_prefectures", tmp / "site", {"content/tottori/articles/photo.md": ARTICLE}
    )
    photo = io.BytesIO()
    Image.linear_gradient("L").resize((1200, 800)).convert("RGB").save(photo, "JPEG")
    (root / "content/tottori/images/photo.jpg").write_bytes(photo.getvalue())
    return build_site(root, tmp / "preview", RELATIVE_URLS=True)


def _file(url: str) -> Path:
    return Path(unquote(urlsplit(url).path))


def test_a_relative_build_browses_from_disk(chromium_browser: Any, tmp_path: Path) -> None:
    out = build_site(SITES / "two_prefectures", tmp_path / "preview", RELATIVE_URLS=True)
    context = chromium_browser.new_context()
    failed: list[str] = []
    try:
        page = context.new_page()
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto((out / "index.html").as_uri(), wait_until="load")
        assert page.eval_on_selector(".skip-link", STYLED) == "absolute"
        page.click("a[href='tottori/index.html']")
        page.wait_for_load_state("load")
        assert page.url == (out / "tottori" / "index.html").as_uri()
        assert "Tottori" in page.inner_text("h1")
        page.click("main a[href*='/articles/'][href$='/index.html']")
        page.wait_for_load_state("load")
        assert page.url.startswith((out / "tottori" / "articles").as_uri())
        assert page.url.endswith("index.html")
        assert page.eval_on_selector(".skip-link", STYLED) == "absolute"
        assert failed == []
    finally:
        context.close()


@pytest.mark.parametrize("start", START)
def test_every_navigation_link_opens_a_styled_page_from_disk(
    chromium_browser: Any, preview: Path, start: str
) -> None:
    context = chromium_browser.new_context()
    failed: list[str] = []
    try:
        page = context.new_page()
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto((preview / start).as_uri(), wait_until="load")
        assert page.eval_on_selector(".skip-link", STYLED) == "absolute"
        targets = page.eval_on_selector_all(
            "header a[href], nav a[href], footer a[href]", "links => links.map(a => a.href)"
        )
        local = sorted({t.split("#")[0] for t in targets if t.startswith("file:")})
        assert len(local) >= 3, targets  # the site's own navigation, not only outside links
        for target in local:
            file = target.split("?")[0]  # a search narrowed to a prefecture: ?prefecture=
            assert file.endswith(".html") or file.endswith((".xml", ".ics", ".opml")), target
            assert _file(file).is_file(), f"{start} links to {target}, which is not a file"
            if file.endswith(".html"):
                page.goto(target, wait_until="load")
                assert page.eval_on_selector(".skip-link", STYLED) == "absolute", target
            if file.endswith("/search/index.html"):
                # Browsers run no module script from file://: the search page keeps its
                # links to the lists, which is what a preview from disk offers instead.
                assert page.locator("#search-fallback a").count() > 0
        search_js = [url for url in failed if url.endswith("/theme/js/search.js")]
        assert [url for url in failed if url not in search_js] == []
    finally:
        context.close()


def test_photos_load_from_their_srcset_on_disk(chromium_browser: Any, preview: Path) -> None:
    context = chromium_browser.new_context(viewport={"width": 390, "height": 844})
    failed: list[str] = []
    try:
        page = context.new_page()
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto((preview / "tottori/articles/photo/index.html").as_uri(), wait_until="load")
        page.eval_on_selector("picture img", "img => img.scrollIntoView()")
        page.wait_for_function("() => document.querySelector('picture img').complete")
        chosen = page.eval_on_selector("picture img", "img => img.currentSrc")
        shown = page.eval_on_selector("picture img", "img => img.naturalWidth")
        assert chosen.startswith(preview.as_uri()) and chosen.endswith(".webp"), chosen
        with Image.open(_file(chosen)) as im:  # a phone-wide screen: a small size is picked
            assert im.size[0] in (480, 960) and shown > 0
        assert failed == []
    finally:
        context.close()
