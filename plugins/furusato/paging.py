"""Pagination links of a long list: the first and last pages, the pages around the current
one, and gaps between them, as GitHub and Hugo's paginators show them.

A page links a fixed number of other pages, however long the list, so the pages of a list of
ten thousand articles do not each carry a thousand links (and building them does not grow
with the square of the list).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

AROUND = 2  # pages linked on each side of the current one


def pagination(number: int, pages: int, url_of: Callable[[int], str]) -> dict[str, Any]:
    """Return what the pagination partial shows for page `number` of `pages`.

    `links` holds (page number, URL) pairs in order, with None where pages are left out;
    `previous` and `next` are the neighbouring pages' URLs (None at either end).
    """
    shown = sorted({1, pages, *range(max(1, number - AROUND), min(pages, number + AROUND) + 1)})
    links: list[tuple[int, str] | None] = []
    last = 0
    for n in shown:
        if n - last > 1:
            links.append(None)
        links.append((n, url_of(n)))
        last = n
    return {
        "number": number,
        "pages": pages,
        "links": links,
        "previous": url_of(number - 1) if number > 1 else None,
        "next": url_of(number + 1) if number < pages else None,
    }
