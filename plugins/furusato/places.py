"""Where events happen, grouped as a reader looks for them: by country, then city; online
events apart.

A venue's country is free text. A name that is a country's English name in Babel's CLDR data
('United Kingdom', 'Japan', any case) is known by its ISO 3166 code, and shown in Japanese by
CLDR's Japanese name (イギリス); any other is shown as written, in every edition. Cities are
always as written.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

from babel import Locale

from .collation import sort_key
from .entities import Event
from .slugs import distinct_slugs, slugify

# CLDR codes that name no country a venue is in (groupings, placeholders, pseudo-locales).
_NOT_COUNTRIES = frozenset({"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"})
FALLBACK_SLUG = "country"  # for a country written with nothing to spell in a URL


@functools.cache
def _codes() -> dict[str, str]:
    """Map each country's English CLDR name, folded, to its ISO 3166 code."""
    names = Locale("en").territories
    return {
        _fold(name): code
        for code, name in names.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    }


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def country_code(text: str) -> str | None:
    """Return the ISO 3166 code of a country written by its English name, or None."""
    return _codes().get(_fold(text))


@dataclass(frozen=True)
class Country:
    """A country events happen in: its ISO code when known, and how a contributor wrote it."""

    key: str  # the ISO code, or the folded text of a name that is not known
    code: str | None
    written: str
    slug: str = ""

    def name(self, lang: str) -> str:
        """Return the country's name in `lang`: CLDR's for a known country, else as written."""
        if self.code is None:
            return self.written
        return Locale(lang).territories[self.code]


def country_of(text: str) -> Country:
    """Return the country a venue's `country:` names (without its slug)."""
    code = country_code(text)
    return Country(code or _fold(text), code, text)


@dataclass(frozen=True)
class PlaceGroup:
    """The events of one country, by city (each city's events in the order given)."""

    country: Country | None  # None for events held online only
    cities: tuple[tuple[str, tuple[Event, ...]], ...]

    @property
    def events(self) -> list[Event]:
        return [e for _, events in self.cities for e in events]


class Places:
    """The countries of a whole site's events, each with a slug no other country has."""

    def __init__(self, events: list[Event]) -> None:
        found: dict[str, Country] = {}
        for event in events:
            if event.meta.venue is not None:
                country = country_of(event.meta.venue.country)
                # The first spelling (in the site's order) names a country not known to CLDR.
                found.setdefault(country.key, country)
        wanted = {key: slugify(c.name("en") if c.code else c.written) for key, c in found.items()}
        slugs = distinct_slugs(wanted, FALLBACK_SLUG)
        self.countries = {
            key: Country(c.key, c.code, c.written, slugs[key]) for key, c in found.items()
        }

    def country(self, event: Event) -> Country | None:
        """Return the country an event is held in, or None for an online-only event."""
        venue = event.meta.venue
        return None if venue is None else self.countries[country_of(venue.country).key]

    def group(self, events: list[Event], lang: str) -> list[PlaceGroup]:
        """Group events by country, then city, both sorted for the edition in `lang`; events
        held online only come last, in their own group. Each city keeps the events' order."""
        by_country: dict[str, dict[str, list[Event]]] = {}
        cities: dict[str, dict[str, str]] = {}  # the first spelling of each city, by fold
        online: list[Event] = []
        for event in events:
            country = self.country(event)
            if country is None:
                online.append(event)
                continue
            city = event.meta.venue.city  # type: ignore[union-attr]
            spelled = cities.setdefault(country.key, {}).setdefault(_fold(city), city)
            by_country.setdefault(country.key, {}).setdefault(spelled, []).append(event)
        groups = []
        for key in sorted(by_country, key=lambda k: sort_key(self.countries[k].name(lang), lang)):
            in_cities = by_country[key]
            ordered = sorted(in_cities, key=lambda c: sort_key(c, lang))
            groups.append(
                PlaceGroup(self.countries[key], tuple((c, tuple(in_cities[c])) for c in ordered))
            )
        if online:
            groups.append(PlaceGroup(None, (("", tuple(online)),)))
        return groups
