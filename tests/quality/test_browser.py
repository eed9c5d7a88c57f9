"""The demo build works in Chromium as a person uses it.

Keyboard, pagination, feed links; no console errors, nothing asked of another host.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import lxml.etree
import pytest

from tests.quality import site_pages

pytestmark = pytest.mark.browser

# Every element the Tab key can reach, counted to bound the walk through a page.
FOCUSABLE = (
    "a[href], area[href], button, input, select, textarea, summary, iframe, "
    "[tabindex], [contenteditable]"
)
# How a "next page" link says so when it has no rel="next".
NEXT_TEXT = re.compile(r"next|older|次|›|»|→", re.I)
# Absolute addresses of links, HTML or SVG (whose .href is not a string).
HREF_OF_JS = """(a) => new URL(
  a.getAttribute("href") ?? a.getAttributeNS("http://www.w3.org/1999/xlink", "href"),
  document.baseURI).href"""
HREFS_JS = "links => links.map(" + HREF_OF_JS + ")"
LINKS = "a[href], a[*|href], area[href]"
PAGINATION_NAV = "nav[aria-label*='agination' i], nav[aria-label*='ページ'], .pagination"
FEED_SUFFIXES = (".xml", ".ics", ".opml")
FEED_ROOTS = {"rss", "feed", "opml", "urlset", "RDF"}
# After "load": wait for web fonts and two frames, so late requests and errors are seen
# (quicker than Playwright's "networkidle", which always waits 500 ms).
SETTLE_JS = """() => document.fonts.ready.then(() => new Promise((done) =>
  requestAnimationFrame(() => requestAnimationFrame(done))))"""


def _fail(problems: list[str], what: str) -> None:
    if problems:
        pytest.fail(f"{len(problems)} {what}:\n" + "\n".join(problems), pytrace=False)


def _site_path(url: str, site_url: str, base: str | None) -> str | None:
    """Give the root-relative path of a URL of the site (served, published or webcal), else None."""
    if url.startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    for prefix in filter(None, [site_url, base]):
        if url.startswith(prefix):
            return "/" + url[len(prefix) :].split("#")[0]
    return None


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("kind", site_pages.ALL_KINDS)
def test_page_loads_without_errors_or_other_hosts(
    kind: str, viewport: str, representative_pages: dict[str, str], open_page: Callable
) -> None:
    url = representative_pages.get(kind)
    if url is None:
        if kind in site_pages.REQUIRED_KINDS:
            pytest.fail(f"the build has no {kind} page to open", pytrace=False)
        pytest.skip(f"the build has no {kind} page (an optional page type)")
    visit = open_page(url, viewport)
    visit.page.evaluate(SETTLE_JS)
    if kind.startswith("search"):
        # Its script loads the index after `load`: wait for it, so that no request is still
        # running (and aborted, in the next test's visit) when the tab moves on.
        visit.page.wait_for_selector("#search[data-ready]")
        visit.page.wait_for_load_state("networkidle")
    problems = visit.problems()
    assert visit.response is not None and visit.response.status == 200, (
        f"{url}: HTTP {visit.response.status}"
    )
    _fail(problems, f"problem(s) while loading the {kind} page {url} at {viewport} width")


def test_missing_url_shows_the_404_page_with_its_styles_and_links(
    demo_output: Path, open_page: Callable, site_url: str
) -> None:
    missing = "no-such-page/at/some/depth/"
    visit = open_page(missing)
    visit.page.evaluate(SETTLE_JS)
    assert visit.response.status == 404, f"/{missing} answered HTTP {visit.response.status}"
    expected = site_pages.parse_html(demo_output / "404.html").findtext(".//title")
    assert visit.page.title() == " ".join((expected or "").split()), "the 404 page was not shown"
    address = site_url + missing
    # The page itself answers 404, as it should; anything else failing is a problem.
    expected_404 = {f"request failed: {address} (HTTP 404)"}
    problems = [
        p
        for p in visit.problems()
        if p not in expected_404
        and not (p.startswith("console error:") and p.endswith(f"({address})"))
    ]
    for href in visit.page.eval_on_selector_all(LINKS, HREFS_JS):
        if href.startswith(site_url) and href.split("#")[0] != address:
            status = visit.page.request.get(href.split("#")[0]).status
            if status != 200:
                problems.append(f"link {href} from the 404 page answers HTTP {status}")
    _fail(problems, f"problem(s) with the 404 page shown at /{missing}")


def _focus_walk(page: Any) -> list[str]:
    """Press Tab through the whole page; give the address of each link that took focus, in order."""
    page.evaluate(
        """() => { window.__focused = [];
        const hrefOf = """
        + HREF_OF_JS
        + """;
        document.addEventListener("focusin", (e) => {
          const link = e.target.closest("a[href], a[*|href], area[href]");
          window.__focused.push(link ? hrefOf(link) : "");
        }); }"""
    )
    count = page.locator(FOCUSABLE).count()
    for _ in range(count + 2):
        page.keyboard.press("Tab")
    return page.evaluate("() => window.__focused")


def test_map_links_are_reachable_by_keyboard_and_open_the_microsite(
    demo_output: Path, representative_pages: dict[str, str], open_page: Callable, site_url: str
) -> None:
    slugs = site_pages.prefecture_slugs(demo_output)
    assert slugs, "the build has no prefecture microsite"
    homes = {f"{site_url}{slug}/": slug for slug in slugs}
    visit = open_page("/")
    page = visit.page
    linked = set(page.eval_on_selector_all(LINKS, HREFS_JS)) & set(homes)
    not_linked = sorted(homes[h] for h in set(homes) - linked)
    _fail(not_linked, "microsite(s) the national home page does not link to")
    focused = _focus_walk(page)
    unreachable = sorted(homes[h] for h in set(homes) - set(focused))
    _fail(unreachable, "microsite link(s) on the national home page that Tab never reaches")

    # Go to one prefecture as a keyboard user: Tab to its link, look at it, press Enter.
    slug = urlsplit(representative_pages.get("prefecture", f"/{slugs[0]}/")).path.strip("/")
    target = f"{site_url}{slug}/"
    visit = open_page("/")
    page = visit.page
    for _ in range(focused.index(target) + 1):
        page.keyboard.press("Tab")
    assert page.evaluate(f"() => ({HREF_OF_JS})(document.activeElement)") == target
    box = page.evaluate(
        """() => { const r = document.activeElement.getBoundingClientRect();
        return {x: r.x, y: r.y, width: r.width, height: r.height}; }"""
    )
    clip = {
        "x": max(box["x"] - 6, 0),
        "y": max(box["y"] - 6, 0),
        "width": box["width"] + 12,
        "height": box["height"] + 12,
    }
    focused_look = page.screenshot(clip=clip, animations="disabled")
    page.evaluate("() => { window.__link = document.activeElement; window.__link.blur(); }")
    blurred_look = page.screenshot(clip=clip, animations="disabled")
    if focused_look == blurred_look:
        pytest.fail(
            f"the link to {target} looks the same with and without keyboard focus", pytrace=False
        )
    page.evaluate("() => window.__link.focus()")
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    response = navigation.value
    assert page.url == target, f"Enter on the {slug} link opened {page.url}"
    assert response is not None and response.status == 200
    expected = site_pages.parse_html(demo_output / slug / "index.html").findtext(".//title")
    assert page.title() == " ".join((expected or "").split())
    _fail(visit.problems(), "problem(s) while going from the map to a microsite")


# Where each edition's lists are inside a prefecture's site.
EDITIONS = {"en": "", "ja": "ja/"}


def _paginated_list(
    output: Path, representative_pages: dict[str, str], edition: str = ""
) -> str | None:
    """Find an article list whose first page links to a second: the chosen prefecture's first."""
    first = urlsplit(representative_pages.get("prefecture", "/")).path.strip("/")
    slugs = site_pages.prefecture_slugs(output)
    for slug in sorted(slugs, key=lambda s: s != first):
        folder = output / slug / edition / "articles"
        if any(site_pages.is_pagination_folder(d) for d in folder.glob("*") if d.is_dir()):
            return f"/{slug}/{edition}articles/"
    return None


def _in_edition(article: Path, lang: str) -> bool:
    """Tell from an article's page whether an edition in `lang` lists it: written in `lang`,
    or with no translation into `lang` (its page has no hreflang alternate in `lang`)."""
    tree = site_pages.parse_html(article / "index.html")
    alternates = tree.xpath("//head/link[@rel='alternate'][@hreflang]/@hreflang")
    return tree.get("lang") == lang or lang not in alternates


def _next_link(page: Any) -> Any | None:
    """Find the link to the next page of a list: rel="next", or a "next" link in the pagination."""
    rel = page.locator("a[rel~='next']")
    if rel.count():
        return rel.first
    for link in page.locator(f":is({PAGINATION_NAV}) :is(a[href], a[*|href])").all():
        if NEXT_TEXT.search(link.inner_text() + " " + (link.get_attribute("aria-label") or "")):
            return link
    return None


@pytest.mark.parametrize("lang", EDITIONS)
def test_pagination_reaches_every_article_once(
    demo_output: Path,
    representative_pages: dict[str, str],
    open_page: Callable,
    site_url: str,
    lang: str,
) -> None:
    start = _paginated_list(demo_output, representative_pages, EDITIONS[lang])
    if start is None:
        pytest.fail(
            f"no article list of the {lang} edition has a second page, so pagination cannot be "
            "checked: the demo content needs one prefecture with more articles than a list "
            "page holds",
            pytrace=False,
        )
    slug = start.strip("/").split("/")[0]
    # Articles have one page each, at the same URL whichever edition lists them; an edition
    # lists each of a translation pair's sides never both.
    every = {
        f"{site_url}{slug}/articles/{d.name}/": d
        for d in site_pages.items(demo_output, slug, "articles")
    }
    articles = {url for url, folder in every.items() if _in_edition(folder, lang)}
    assert len(articles) < len(every), f"the demo's {slug} has no translated article"
    visit = open_page(start)
    page = visit.page
    seen: dict[str, str] = {}
    pages: list[str] = []
    problems = []
    while True:
        pages.append(page.url)
        assert len(pages) <= len(articles) + 1, f"pagination loops: {pages}"
        links = set(page.eval_on_selector_all(LINKS, HREFS_JS))
        for article in sorted(links & (set(every) - articles)):
            problems.append(f"{page.url} lists {article}, whose translation it lists too")
        for article in sorted(links & articles):
            if article in seen:
                problems.append(f"{article} is listed on {seen[article]} and again on {page.url}")
            seen.setdefault(article, page.url)
        if len(pages) > 1 and pages[-2] not in links:
            problems.append(f"{page.url} has no link back to the page before, {pages[-2]}")
        link = _next_link(page)
        if link is None:
            break
        with page.expect_navigation() as navigation:
            link.click()
        if navigation.value is None or navigation.value.status != 200:
            problems.append(
                f"the next-page link on {pages[-1]} leads to {page.url}, which does not load"
            )
            break
    if len(pages) < 2:
        problems.append(
            f'{start} has further pages in the build but no next-page link (rel="next") on it'
        )
    missing = sorted(articles - set(seen))
    if missing:
        problems.append(f"not reached through the pages of {start}: {missing}")
    problems += visit.problems()
    _fail(problems, f"pagination problem(s) in {start} ({len(pages)} page(s) walked)")


def _feed_kind(body: bytes, path: str) -> str | None:
    """Say what a feed-like file is (by what it holds, not its name), or None when it is not one."""
    if path.endswith(".ics"):
        return "iCalendar" if body.lstrip().startswith(b"BEGIN:VCALENDAR") else None
    try:
        root = lxml.etree.fromstring(body, lxml.etree.XMLParser(resolve_entities=False))
    except lxml.etree.XMLSyntaxError:
        return None
    name = lxml.etree.QName(root).localname
    return name if name in FEED_ROOTS else None


def test_feed_and_calendar_links_resolve(
    demo_output: Path, representative_pages: dict[str, str], open_page: Callable, site_url: str
) -> None:
    base = site_pages.site_base(demo_output)
    slug = urlsplit(representative_pages.get("prefecture", "/")).path.strip("/")
    required = {f"/{slug}/feed.xml", f"/{slug}/atom.xml", f"/{slug}/events.ics"}
    problems = []
    found_on_prefecture: set[str] = set()
    checked: dict[str, str | None] = {}
    for kind, url in representative_pages.items():
        visit = open_page(url)
        hrefs = visit.page.eval_on_selector_all(f"{LINKS}, link[rel~='alternate'][href]", HREFS_JS)
        for href in hrefs:
            path = _site_path(href, site_url, base)
            if path is None or not path.endswith(FEED_SUFFIXES):
                continue
            if kind == "prefecture":
                found_on_prefecture.add(path)
            if path not in checked:
                response = visit.page.request.get(site_url + path.lstrip("/"))
                checked[path] = _feed_kind(response.body(), path) if response.ok else None
                if not response.ok:
                    problems.append(f"{href} (linked from {url}) answers HTTP {response.status}")
                elif checked[path] is None:
                    problems.append(
                        f"{href} (linked from {url}) is not an RSS, Atom, OPML or iCalendar file"
                    )
    for path in sorted(required - found_on_prefecture):
        problems.append(f"the {slug} home page has no link to {path}")
    _fail(problems, "feed or calendar link problem(s)")
