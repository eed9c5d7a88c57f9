"""Pagination links: a fixed number per page however long the list, gaps marked."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html

from furusato.paging import pagination


def url(n: int) -> str:
    return "/articles/" if n == 1 else f"/articles/page/{n}/"


@pytest.mark.parametrize(
    ("number", "pages", "shown"),
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (1, 800, [1, 2, 3, None, 800]),
        (5, 800, [1, None, 3, 4, 5, 6, 7, None, 800]),
        (4, 800, [1, 2, 3, 4, 5, 6, None, 800]),
        (800, 800, [1, None, 798, 799, 800]),
        (797, 800, [1, None, 795, 796, 797, 798, 799, 800]),
    ],
)
def test_pages_shown(number: int, pages: int, shown: list[int | None]) -> None:
    got = pagination(number, pages, url)
    assert [link and link[0] for link in got["links"]] == shown
    assert all(link is None or link[1] == url(link[0]) for link in got["links"])
    assert got["previous"] == (url(number - 1) if number > 1 else None)
    assert got["next"] == (url(number + 1) if number < pages else None)


def test_a_long_list_links_few_pages_each() -> None:
    sizes = {len(pagination(n, 10_000, url)["links"]) for n in range(1, 10_001)}
    assert max(sizes) == 9


def test_built_pagination_links_neighbours_and_marks_gaps(demo_output: Path) -> None:
    nav = None
    for path in sorted(demo_output.glob("**/page/2/index.html")):
        found = html.fromstring(path.read_bytes()).xpath("//nav[contains(@class, 'pagination')]")
        if found:
            nav = found[0]
            break
    assert nav is not None, "no list of the demo has a second page with pagination"
    assert [a.text for a in nav.xpath(".//a[@aria-current='page']")] == ["2"]
    assert nav.xpath(".//a[@rel='prev']")
    numbers = [int(a.text) for a in nav.xpath(".//a[not(@rel)]")]
    assert numbers[0] == 1 and numbers == sorted(numbers) and len(numbers) <= 9
    assert all(gap.get("aria-hidden") == "true" for gap in nav.xpath(".//li[@class='gap']"))
