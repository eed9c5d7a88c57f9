"""Policy proposals' citable numbers (TOT-2026-03): who may use which, and the next free one.

A number is written once by the prefecture's coordinator (`number:` in the proposal's front
matter) and never derived from the order of files, so it never changes once published: a
number derived by sorting (by submission date, then slug) would shift every later proposal of
the year when an older one is added afterwards, and a number cited in a meeting would then
point at another proposal. `make check` validates the number and suggests the next free one.

The number is the prefecture's three letters, the fiscal year the proposal was submitted in
(April to March, furusato.fiscal) and its place in that year from 01.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .entities import Prefecture

# Three letters per prefecture, by JIS number (JP-01 Hokkaido ... JP-47 Okinawa). Many names
# share their first three letters (Tokyo, Tokushima; Fukui, Fukuoka, Fukushima), so each is
# chosen here once, and tests/test_proposals.py checks that no two are the same.
LETTERS: tuple[str, ...] = (
    "HKD", "AOM", "IWT", "MYG", "AKT", "YGT", "FKS", "IBR", "TCG", "GNM",
    "STM", "CHB", "TKY", "KNG", "NGT", "TYM", "ISK", "FKI", "YNS", "NGN",
    "GIF", "SZO", "AIC", "MIE", "SIG", "KYT", "OSK", "HYG", "NAR", "WKY",
    "TOT", "SMN", "OKY", "HRS", "YGC", "TKS", "KGW", "EHM", "KOC", "FKO",
    "SAG", "NGS", "KMM", "OIT", "MYZ", "KGS", "OKN",
)  # fmt: skip

_NUMBER = re.compile(r"^([A-Z]{3})-([0-9]{4})-([0-9]{2,3})$")


def letters(prefecture: Prefecture) -> str:
    """Return a prefecture's three letters (TOT for Tottori)."""
    return LETTERS[prefecture.number - 1]


def parse(number: str) -> tuple[str, int, int]:
    """Split a number such as TOT-2026-03 into ('TOT', 2026, 3)."""
    match = _NUMBER.match(number)
    if match is None:
        raise ValueError(f"{number!r} is not a proposal number such as TOT-2026-03")
    return match.group(1), int(match.group(2)), int(match.group(3))


def make(prefecture: Prefecture, year: int, place: int) -> str:
    """Write the number of a prefecture's proposal: make(tottori, 2026, 3) is TOT-2026-03."""
    return f"{letters(prefecture)}-{year}-{place:02d}"


def highest_places(taken: Iterable[str]) -> dict[tuple[str, int], int]:
    """Return the highest place taken of each (letters, fiscal year) among `taken` numbers
    (those that are not numbers are ignored): read once, asked for every proposal."""
    highest: dict[tuple[str, int], int] = {}
    for number in taken:
        try:
            who, fy, place = parse(number)
        except ValueError:
            continue
        highest[(who, fy)] = max(place, highest.get((who, fy), 0))
    return highest


def next_free(
    prefecture: Prefecture, year: int, taken: Iterable[str] | dict[tuple[str, int], int]
) -> str:
    """Return the number after the highest one taken in that fiscal year (01 when none is).

    `taken` is the numbers taken, or what `highest_places` made of them.
    """
    highest = taken if isinstance(taken, dict) else highest_places(taken)
    return make(prefecture, year, highest.get((letters(prefecture), year), 0) + 1)


def sort_key(number: str) -> tuple[str, int, int]:
    """Order numbers by prefecture letters, fiscal year and place (TOT-2026-10 after -09)."""
    return parse(number)
