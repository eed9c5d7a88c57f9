"""Search in real Chromium, with the site's own Content-Security-Policy (not bypassed): the
committed query set's recall and precision, the filters, the results read by axe, and the
page without JavaScript."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.quality import harness
from tests.quality.search_queries import load_queries, open_search, run_query
from tests.quality.test_accessibility import AXE_OPTIONS, _describe

PRECISION_FLOOR = 0.85  # mean over the query set; tests/search_queries.yaml says why
EDITIONS = {"en": "", "ja": "ja/"}


@pytest.fixture(scope="module")
def search_tab(chromium_browser: Any, site_url: str) -> Iterator[tuple[Any, list[str], str]]:
    """A page of its own, enforcing the site's CSP, with the errors it logs."""
    context = chromium_browser.new_context(viewport=harness.DESKTOP)
    foreign: list[str] = []
    harness.block_other_hosts(context, foreign)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.url}: {r.status}"))
    yield page, errors, site_url
    context.close()
    assert foreign == []


@pytest.mark.browser
def test_the_query_set_finds_every_expected_page(search_tab) -> None:
    page, errors, base = search_tab
    queries = load_queries()
    assert sum(1 for q in queries if any(ord(c) > 0x3000 for c in q["query"])) >= 20
    assert sum(1 for q in queries if q["query"].isascii()) >= 20
    missing, top, precisions = [], [], []
    for edition in EDITIONS:
        open_search(page, base, EDITIONS[edition])
        for q in (q for q in queries if q["edition"] == edition):
            found = run_query(page, q["query"])
            lost = [p for p in q["expect"] if p not in found]
            if lost:
                missing.append(f"{q['query']!r} ({edition}): not found {lost}; got {found}")
            if found and found[0] not in q["expect"]:
                top.append(f"{q['query']!r} ({edition}): first result {found[0]}")
            relevant = set(q["expect"]) | set(q.get("also", []))
            precisions.append(sum(1 for p in found if p in relevant) / max(len(found), 1))
    assert errors == []
    assert missing == []
    assert top == []
    mean = sum(precisions) / len(precisions)
    assert mean >= PRECISION_FLOOR, f"mean precision {mean:.2f}"


@pytest.mark.browser
def test_filters_narrow_the_results_and_are_kept_in_the_address(search_tab) -> None:
    page, errors, base = search_tab
    page.goto(f"{base}search/?q=castle&prefecture=okinawa&kind=event")
    page.wait_for_selector("#search[data-answered]")
    hrefs = page.eval_on_selector_all("#search-results h2 a", "a => a.map(e => e.pathname)")
    assert hrefs == ["/okinawa/events/new-york-shuri-castle-benefit/"]
    assert page.input_value("#search-prefecture") == "okinawa"
    meta = page.inner_text("#search-results .meta")
    assert meta.startswith("Okinawa · Event · ")
    page.select_option("#search-language", "ja")
    page.wait_for_function("() => document.getElementById('search').dataset.answered === '2'")
    assert page.locator("#search-results li").count() == 0
    assert "No results" in page.inner_text("#search-status")
    assert "language=ja" in page.url
    # A Japanese page found from the English search page says its language.
    page.goto(f"{base}search/?q=砂丘")
    page.wait_for_selector("#search[data-answered]")
    first = page.locator("#search-results li").first
    assert first.locator("h2 a").get_attribute("lang") == "ja"
    assert first.locator("mark").first.inner_text() in "鳥取砂丘"
    # The Japanese page speaks Japanese.
    page.goto(f"{base}ja/search/?q=dunes&year=2024")
    page.wait_for_selector("#search[data-answered]")
    assert page.inner_text("#search-status") == "「dunes」の検索結果：1件"
    assert "鳥取県 · ストーリー · 2024年2月10日" in page.inner_text("#search-results .meta")
    assert errors == []


@pytest.mark.browser
def test_the_search_works_from_the_keyboard_alone(search_tab) -> None:
    page, errors, base = search_tab
    page.goto(f"{base}search/")
    page.wait_for_selector("#search[data-ready]")
    page.keyboard.press("Tab")  # skip link
    for _ in range(12):
        if page.evaluate("() => document.activeElement.id") == "search-query":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "search-query"
    page.keyboard.type("lavender")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search[data-answered]")
    assert page.get_attribute("#search-status", "role") == "status"
    assert page.inner_text("#search-status") == "1 result for “lavender”."
    page.keyboard.press("Tab")  # the button, then the filters, then the result
    for _ in range(8):
        if page.evaluate("() => document.activeElement.closest('#search-results') !== null"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/hokkaido/articles/furano-lavender-season/")
    assert errors == []


@pytest.mark.browser
@pytest.mark.parametrize("edition", ["", "ja/"])
def test_the_search_page_with_results_has_no_wcag_violation(
    edition: str, open_page: Callable, axe_source: str
) -> None:
    visit = open_page(f"/{edition}search/?q=castle")
    visit.page.wait_for_selector("#search[data-answered]")
    assert visit.page.locator("#search-results li").count() > 0
    visit.page.add_script_tag(content=axe_source)
    result = visit.page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    assert [_describe(v) for v in result["violations"]] == []
    assert visit.problems() == []


@pytest.mark.browser
def test_without_javascript_the_search_page_links_to_the_lists(
    open_page: Callable, demo_output: Path
) -> None:
    page = open_page("/ja/search/", javascript=False).page
    assert not page.locator("#search-form").is_visible()
    links = page.eval_on_selector_all("#search-fallback a", "a => a.map(e => e.pathname)")
    assert links[0] == "/ja/"
    assert len(links) == 9 and all(link.startswith("/ja/regions/") for link in links[1:])
    assert page.locator("#search-fallback").is_visible()
