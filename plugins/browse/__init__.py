"""Write the pages for browsing across the site: national lists of articles and events, lists
by kind, tag pages and their indexes, events by country, and the regions index.

Every page exists in each language edition that has something to list, linked to its other
editions. In a single prefecture's build only that prefecture's lists by kind and tag pages
are written (the national pages belong to the portal).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pelican import signals

from furusato.collation import sort_key
from furusato.entities import Article, Event, Prefecture, count_kinds
from furusato.paging import pagination
from furusato.places import Places
from furusato.regions import REGIONS
from furusato.schemas import ARTICLE_KINDS
from furusato.tagging import Tag, tag_key
from furusato.urls import LANGUAGES, Urls
from furusato_engine import SiteGenerator, SiteWriter, require

Item = Article | Event


class BrowseGenerator(SiteGenerator):
    """/articles/, /events/, /regions/, /tags/ and each prefecture's kind and tag pages."""

    def prepare(self) -> None:
        self.places = Places(self.site.events)
        self.per_page: int = self.settings["FURUSATO_ARTICLES_PER_PAGE"]

    def write(self, writer: SiteWriter) -> None:
        site = self.site
        if site.single is None:
            self.write_article_lists(writer, None, site.articles)
            self.write_national_events(writer)
            self.write_countries(writer)
            self.write_tags(writer, None, [*site.articles, *site.events])
            for lang in LANGUAGES:
                self.write_regions(writer, lang)
        for p in site.prefectures.values():
            # The prefecture's list of all its articles is the microsites plugin's.
            self.write_article_lists(writer, p, site.articles_of(p.slug), kinds_only=True)
            self.write_tags(writer, p, [*site.articles_of(p.slug), *site.events_of(p.slug)])

    # -- lists, paginated -------------------------------------------------------------------

    def write_pages(
        self,
        writer: SiteWriter,
        template: str,
        lang: str,
        items: Sequence[Any],
        url_of: Callable[[Urls, int], str],
        exists_in: set[str],
        fallback: Callable[[Urls], str],
        name: str = "articles",
        **data: Any,
    ) -> None:
        """Write `items` (the template's `name`), FURUSATO_ARTICLES_PER_PAGE to a page, each
        page at url_of(urls, n).

        The first page is linked to its editions in `exists_in`; any other page's language
        switch leads to the other edition's first page, or to `fallback` where there is none.
        """
        urls = self.urls_for(lang)
        pages = max(1, -(-len(items) // self.per_page))
        elsewhere = {
            other: url_of(self.urls_for(other), 1)
            if other in exists_in
            else fallback(self.urls_for(other))
            for other in LANGUAGES
        }
        first_editions = {other: url_of(self.urls_for(other), 1) for other in sorted(exists_in)}
        for number in range(1, pages + 1):
            self.render(
                writer,
                url_of(urls, number),
                template,
                lang=lang,
                alternates=first_editions if number == 1 else None,
                elsewhere=elsewhere,
                **{name: list(items[(number - 1) * self.per_page : number * self.per_page])},
                pagination=pagination(number, pages, lambda n: url_of(urls, n)),
                **data,
            )

    def write_article_lists(
        self,
        writer: SiteWriter,
        p: Prefecture | None,
        articles: list[Article],
        kinds_only: bool = False,
    ) -> None:
        """Write the lists of all `articles` (unless kinds_only) and of each kind they have,
        in every edition: a kind none of them has gets no page (its filter is not a link)."""
        site = self.site
        editions = {lang: site.edition(articles, lang) for lang in LANGUAGES}
        counts = {lang: count_kinds(editions[lang]) for lang in LANGUAGES}
        template = "articles" if p is not None else "articles_national"

        def url_of(kind: str | None) -> Callable[[Urls, int], str]:
            if p is not None:
                return lambda u, n: u.articles(p, n, kind)
            return lambda u, n: u.national_articles(n, kind)

        for lang in LANGUAGES:
            for kind in ([] if kinds_only else [None]) + list(ARTICLE_KINDS):
                listed = [a for a in editions[lang] if kind is None or a.meta.kind == kind]
                if kind is not None and not listed:
                    continue
                exists_in = {other for other in LANGUAGES if kind is None or counts[other][kind]}
                self.write_pages(
                    writer,
                    template,
                    lang,
                    listed,
                    url_of(kind),
                    exists_in,
                    lambda u: url_of(None)(u, 1),
                    prefecture=p,
                    kind=kind,
                    kinds=counts[lang],
                    total=len(editions[lang]),
                )

    # -- events -----------------------------------------------------------------------------

    def place_groups(self, events: list[Event], lang: str) -> list[dict[str, Any]]:
        """Return events grouped by country and city, as the templates take them."""
        return [
            {
                "country": g.country.name(lang) if g.country else None,
                "slug": g.country.slug if g.country else None,
                "cities": [(city, list(events)) for city, events in g.cities],
            }
            for g in self.places.group(events, lang)
        ]

    def country_index(self, events: list[Event], lang: str) -> list[tuple[str, str, int]]:
        """Return every country `events` are held in: (name, slug, how many events), sorted."""
        counts: dict[str, int] = {}
        for event in events:
            country = self.places.country(event)
            if country is not None:
                counts[country.key] = counts.get(country.key, 0) + 1
        countries = [self.places.countries[key] for key in counts]
        rows = [(c.name(lang), c.slug, counts[c.key]) for c in countries]
        return sorted(rows, key=lambda row: sort_key(row[0], lang))

    def write_national_events(self, writer: SiteWriter) -> None:
        """Write /events/: upcoming events by country and city, then past ones, paginated."""
        site = self.site
        for lang in LANGUAGES:
            events = site.edition(site.events, lang)
            upcoming = site.upcoming(events)
            self.write_pages(
                writer,
                "events_national",
                lang,
                site.past(events),
                lambda u, n: u.national_events(n),
                set(LANGUAGES),
                lambda u: u.national_events(),
                name="past",
                groups=self.place_groups(upcoming, lang),
                upcoming_count=len(upcoming),
                countries=self.country_index(events, lang),
                calendar_url=self.absolute.national("events.ics"),
            )

    def write_countries(self, writer: SiteWriter) -> None:
        """Write /events/in/<country>/ for every country with an event, in each edition."""
        site = self.site
        editions = {lang: site.edition(site.events, lang) for lang in LANGUAGES}
        for _, country in sorted(self.places.countries.items()):
            slug = country.slug
            held = {
                lang: [e for e in editions[lang] if self.places.country(e) is country]
                for lang in LANGUAGES
            }
            exists_in = {lang for lang in LANGUAGES if held[lang]}
            for lang in sorted(exists_in):
                self.render(
                    writer,
                    self.urls_for(lang).events_in(slug),
                    "events_in_country",
                    lang=lang,
                    alternates=self.editions_in(exists_in, lambda u, s=slug: u.events_in(s)),
                    elsewhere=self.editions(lambda u: u.national_events()),
                    country=country.name(lang),
                    country_written=country.written,
                    cities=self.place_groups(site.upcoming(held[lang]), lang),
                    past=site.past(held[lang]),
                )

    def editions_in(self, langs: set[str], url_of: Callable[[Urls], str]) -> dict[str, str]:
        """Return one page's URL in each edition of `langs`."""
        return {lang: url_of(self.urls_for(lang)) for lang in sorted(langs)}

    # -- tags -------------------------------------------------------------------------------

    def tagged(self, items: list[Item], lang: str) -> dict[str, list[Item]]:
        """Return the items of the edition in `lang`, by the key of each tag they have."""
        by_tag: dict[str, list[Item]] = {}
        for item in self.site.edition(items, lang):
            for key in dict.fromkeys(tag_key(t) for t in item.meta.tags):
                by_tag.setdefault(key, []).append(item)
        return by_tag

    def write_tags(self, writer: SiteWriter, p: Prefecture | None, items: list[Item]) -> None:
        """Write a tag index and one page per tag, for a prefecture or (p None) every one."""
        site = self.site
        tagged = {lang: self.tagged(items, lang) for lang in LANGUAGES}
        tags: dict[str, Tag] = {}
        for item in items:
            for text in item.meta.tags:
                tags.setdefault(tag_key(text), site.tags(text))
        for lang in LANGUAGES:
            index = sorted(
                ((tags[key], len(listed)) for key, listed in tagged[lang].items()),
                key=lambda row: sort_key(row[0].label, lang),
            )
            self.render(
                writer,
                self.urls_for(lang).tags(p),
                "tag_index",
                lang=lang,
                alternates=self.editions(lambda u: u.tags(p)),
                prefecture=p,
                tags=[(tag.label, tag.slug, count) for tag, count in index],
            )
            for key, listed in sorted(tagged[lang].items()):
                tag = tags[key]
                exists_in = {other for other in LANGUAGES if key in tagged[other]}
                events = [i for i in listed if isinstance(i, Event)]
                self.render(
                    writer,
                    self.urls_for(lang).tag(tag.slug, p),
                    "tagged",  # not "tag": Pelican has a template of that name
                    lang=lang,
                    alternates=self.editions_in(exists_in, lambda u, s=tag.slug: u.tag(s, p)),
                    elsewhere=self.editions(lambda u: u.tags(p)),
                    prefecture=p,
                    tag=tag.label,
                    slug=tag.slug,
                    articles=[i for i in listed if isinstance(i, Article)],
                    events=site.upcoming(events) + site.past(events),
                    national=site.single is None and p is not None,
                )

    # -- regions ----------------------------------------------------------------------------

    def write_regions(self, writer: SiteWriter, lang: str) -> None:
        """Write /regions/: the eight regions, their prefectures and what each has."""
        site = self.site
        rows = []
        for region in REGIONS:
            members = [p for p in site.prefectures.values() if p.region == region]
            counts = [
                (
                    p,
                    len(site.edition(site.articles_of(p.slug), lang)),
                    len(site.edition(site.events_of(p.slug), lang)),
                )
                for p in members
            ]
            rows.append(
                {
                    "region": region,
                    "prefectures": counts,
                    "articles": sum(c[1] for c in counts),
                    "events": sum(c[2] for c in counts),
                }
            )
        self.render(
            writer,
            self.urls_for(lang).regions(),
            "regions",
            lang=lang,
            alternates=self.editions(lambda u: u.regions()),
            rows=rows,
        )


def get_generators(pelican: Any) -> type[SiteGenerator]:
    return BrowseGenerator


def initialized(pelican: Any) -> None:
    require(pelican, "browse")


def register() -> None:
    signals.initialized.connect(initialized)
    signals.get_generators.connect(get_generators)
