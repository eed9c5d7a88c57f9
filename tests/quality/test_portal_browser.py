"""The portal's look in Chromium: the whole map fits a 390 px phone with readable labels and
44 px targets, in both editions; the skip-the-map link saves the keyboard user the map; dark
colours pass axe's contrast check; print hides the navigation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.quality import harness

pytestmark = pytest.mark.browser

# Geometry and type of every map link, and how wide the document is.
MAP_JS = """() => {
  const links = [...document.querySelectorAll("#map a[href]")];
  return {
    scrollWidth: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    links: links.map((a) => {
      const r = a.getBoundingClientRect();
      const label = a.querySelector(".tile-name") || a;
      return {
        name: a.getAttribute("aria-label") || a.textContent.trim(),
        tile: a.classList.contains("tile"),
        left: r.left, right: r.right, width: r.width, height: r.height,
        font: parseFloat(getComputedStyle(label).fontSize),
        clipped: label.scrollWidth > label.clientWidth + 1 || a.scrollWidth > a.clientWidth + 1,
        visible: a.checkVisibility({visibilityProperty: true}),
      };
    }),
  };
}"""


CONTRAST_ONLY = {"runOnly": ["color-contrast"], "resultTypes": ["violations"]}


def _map(page: Any) -> dict[str, Any]:
    return page.evaluate(MAP_JS)


@pytest.mark.parametrize("url", ["/", "/ja/"])
def test_whole_map_fits_a_phone_with_readable_labels_and_large_targets(
    url: str, open_page: Callable
) -> None:
    found = _map(open_page(url, "phone").page)
    assert found["viewport"] == harness.PHONE["width"]
    assert found["scrollWidth"] <= found["viewport"], "the page scrolls sideways"
    tiles = [link for link in found["links"] if link["tile"]]
    assert len(tiles) == 47
    problems = []
    for link in found["links"]:
        where = f"{link['name']}: "
        if not link["visible"]:
            problems.append(where + "hidden")
        if link["left"] < 0 or link["right"] > found["viewport"]:
            problems.append(where + f"off screen ({link['left']:.0f}–{link['right']:.0f} px)")
        if link["font"] < 12:
            problems.append(where + f"label {link['font']} px")
        if link["clipped"]:
            problems.append(where + "label does not fit its tile")
        if link["tile"] and (link["width"] < 44 or link["height"] < 44):
            problems.append(where + f"target {link['width']:.0f}x{link['height']:.0f} px")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("url", ["/", "/ja/"])
def test_desktop_map_labels_are_readable_and_fit(url: str, open_page: Callable) -> None:
    found = _map(open_page(url, "desktop").page)
    assert found["scrollWidth"] <= found["viewport"]
    bad = [
        link["name"]
        for link in found["links"]
        if link["font"] < 12 or link["clipped"] or link["right"] > found["viewport"]
    ]
    assert not bad, bad
    tiles = [link for link in found["links"] if link["tile"]]
    assert min(t["height"] for t in tiles) >= 44
    # The desktop map is laid out as Japan: Hokkaido's tile is right of and above Okinawa's.
    lefts = {t["name"].split(" ")[0].split(":")[0]: t["left"] for t in tiles}
    if url == "/":
        assert lefts["Hokkaido"] > lefts["Okinawa"]


# The page of the link the keyboard focus is on, and the focused element's id.
ACTIVE_JS = """() => ({href: document.activeElement.getAttribute("href"),
  id: document.activeElement.id,
  inLatest: !!document.activeElement.closest("#latest")})"""


@pytest.mark.parametrize("url", ["/", "/ja/"])
def test_keyboard_reaches_latest_articles_in_few_tabs(url: str, open_page: Callable) -> None:
    page = open_page(url, "desktop").page
    tabs = 0
    while tabs < 20:
        page.keyboard.press("Tab")
        tabs += 1
        if page.evaluate(ACTIVE_JS)["href"] == "#latest":
            break
    else:
        pytest.fail("no 'Skip the map' link among the first 20 Tab stops", pytrace=False)
    page.keyboard.press("Enter")
    assert page.evaluate(ACTIVE_JS)["id"] == "latest"
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE_JS)["inLatest"], "the Tab after the skip does not land in it"
    assert tabs + 2 <= 15, f"{tabs + 2} key presses to reach the latest articles"


@pytest.mark.parametrize(
    "kind", ["home", "home-ja", "prefecture", "prefecture-empty", "article", "impact"]
)
def test_dark_colours_pass_axe_contrast(
    kind: str,
    representative_pages: dict[str, str],
    chromium_browser: Any,
    site_url: str,
    axe_source: str,
) -> None:
    url = representative_pages.get(kind)
    if url is None:
        pytest.skip(f"the build has no {kind} page")
    for viewport in harness.VIEWPORTS.values():
        context = chromium_browser.new_context(
            viewport=viewport, color_scheme="dark", bypass_csp=True
        )
        try:
            page = context.new_page()
            page.goto(site_url + url.lstrip("/"), wait_until="load")
            background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
            assert background == "rgb(22, 22, 26)", "the dark palette is not applied"
            page.add_script_tag(content=axe_source)
            result = page.evaluate("options => axe.run(document, options)", CONTRAST_ONLY)
            nodes = [
                f"{' '.join(map(str, n['target']))}: {n.get('failureSummary', '')}"
                for v in result["violations"]
                for n in v["nodes"]
            ]
            assert not nodes, f"{kind} {url} in dark colours:\n" + "\n".join(nodes[:10])
        finally:
            context.close()


@pytest.mark.parametrize("kind", ["article", "impact"])
def test_print_hides_navigation_and_shows_link_addresses(
    kind: str, representative_pages: dict[str, str], chromium_browser: Any, site_url: str
) -> None:
    url = representative_pages.get(kind)
    if url is None:
        pytest.skip(f"the build has no {kind} page")
    context = chromium_browser.new_context(viewport=harness.DESKTOP)
    try:
        page = context.new_page()
        page.goto(site_url + url.lstrip("/"), wait_until="load")
        assert page.locator("header nav").first.is_visible()
        page.emulate_media(media="print")
        for selector in ("header nav", ".skip-link", ".language-switch"):
            for element in page.locator(selector).all():
                assert not element.is_visible(), f"{selector} is printed"
        assert page.locator("main h1").first.is_visible()
        background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        assert background in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
        external = page.locator("main a[href^='http']")
        if external.count():
            after = external.first.evaluate("(a) => getComputedStyle(a, '::after').content")
            assert "attr(href)" in after or a_href_in(after, external.first)
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
    finally:
        context.close()


def a_href_in(content: str, link: Any) -> bool:
    """Tell whether a computed ::after content shows the link's address."""
    return (link.get_attribute("href") or "\0") in content
