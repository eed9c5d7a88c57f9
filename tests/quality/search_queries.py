"""Run search queries through the built site's search page in Chromium, as a reader does:
type the query, submit, wait for the count to be announced, open every page of results."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

QUERIES = Path(__file__).resolve().parents[1] / "search_queries.yaml"


def load_queries() -> list[dict[str, Any]]:
    """Return the committed query set: [{query, lang, expect: [paths]}, ...]."""
    return yaml.safe_load(QUERIES.read_text(encoding="utf-8"))["queries"]


def open_search(page: Any, base: str, edition: str = "") -> None:
    """Open the search page of an edition ("" or "ja/") and wait until its index is loaded."""
    page.goto(f"{base}{edition}search/")
    page.wait_for_selector("#search[data-ready]", timeout=30_000)


def run_query(page: Any, query: str, every_page: bool = True) -> list[str]:
    """Search for `query` on the open search page; return the result paths, in order (of
    every page of results, or of the first only)."""
    answered = int(page.get_attribute("#search", "data-answered") or 0)
    page.fill("#search-query", query)
    page.press("#search-query", "Enter")
    page.wait_for_function(
        "n => Number(document.getElementById('search').dataset.answered || 0) > n",
        arg=answered,
        timeout=30_000,
    )
    more = page.locator(".search-more")
    while every_page and more.is_visible():
        count = page.locator("#search-results li").count()
        more.click()
        page.wait_for_function(
            "n => document.querySelectorAll('#search-results li').length > n", arg=count
        )
    hrefs = page.eval_on_selector_all("#search-results li h2 a", "els => els.map(a => a.href)")
    return [urlsplit(href).path for href in hrefs]
