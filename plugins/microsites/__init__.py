"""Write the portal's pages: national home, regions, prefecture microsites, articles,
ambassadors, site pages and the 404 page (events, feeds and reports have their own plugins).

Every page Furusato writes itself exists in each language edition; an article or a site page
has one page, in the language it is written in, linked to its translation when it has one.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from pelican import signals

from furusato.entities import Article, Page, Prefecture, count_kinds
from furusato.paging import pagination
from furusato.regions import REGIONS
from furusato.urls import LANGUAGES
from furusato_engine import SiteGenerator, SiteWriter, require


class Activity(NamedTuple):
    """What a prefecture's site holds in one edition: the map marks a prefecture with any
    of it as active and says the counts in its link's name (a tuple: pages fingerprint it)."""

    articles: int
    events: int
    ambassadors: int

    @property
    def active(self) -> bool:
        return bool(self.articles or self.events or self.ambassadors)


class MicrositesGenerator(SiteGenerator):
    """National portal and one microsite per prefecture, in every edition."""

    renders_documents = True

    def write(self, writer: SiteWriter) -> None:
        site = self.site
        if not self.focused:  # the lists: a focused run makes none of them
            for lang in LANGUAGES:
                self.write_edition(writer, lang)
        if site.single is None:
            for page in site.pages:
                self.write_page(writer, page)
        for prefecture in site.prefectures.values():
            for article in site.articles_of(prefecture.slug):
                self.write_article(writer, prefecture, article)

    def write_edition(self, writer: SiteWriter, lang: str) -> None:
        """Write the pages of one language edition (everything but articles and pages)."""
        site, s, urls = self.site, self.settings, self.urls_for(lang)
        if site.single is None:
            self.render(
                writer,
                urls.home(),
                "index",
                lang=lang,
                alternates=self.editions(lambda u: u.home()),
                articles=site.edition(site.articles, lang)[: s["FURUSATO_HOME_ARTICLES"]],
                events=site.edition(site.upcoming(site.events), lang)[: s["FURUSATO_HOME_EVENTS"]],
                prefectures=list(site.prefectures.values()),
                activity=self.activity(lang),
            )
            for region in REGIONS:
                members = [p for p in site.prefectures.values() if p.region == region]
                in_region = [a for a in site.articles if a.prefecture.region == region]
                self.render(
                    writer,
                    urls.region(region),
                    "region",
                    lang=lang,
                    alternates=self.editions(lambda u, r=region: u.region(r)),
                    region=region,
                    prefectures=members,
                    articles=site.edition(in_region, lang)[:6],
                )
        single = site.prefectures.get(site.single) if site.single else None
        self.render(
            writer,
            urls.edition_national("404.html"),
            "404",
            lang=lang,
            alternates=self.editions(lambda u: u.edition_national("404.html")),
            prefecture=single,
        )
        for prefecture in site.prefectures.values():
            self.write_microsite(writer, prefecture, lang)

    def activity(self, lang: str) -> dict[str, Activity]:
        """Count what each prefecture's site shows in the edition in `lang`, by slug."""
        site = self.site
        return {
            slug: Activity(
                articles=len(site.edition(site.articles_of(slug), lang)),
                events=len(site.edition(site.events_of(slug), lang)),
                ambassadors=len(p.ambassadors),
            )
            for slug, p in site.prefectures.items()
        }

    def write_microsite(self, writer: SiteWriter, p: Prefecture, lang: str) -> None:
        site, s, urls = self.site, self.settings, self.urls_for(lang)
        articles = site.edition(site.articles_of(p.slug), lang)
        events = site.edition(site.events_of(p.slug), lang)
        self.render(
            writer,
            urls.prefecture(p),
            "prefecture",
            lang=lang,
            alternates=self.editions(lambda u: u.prefecture(p)),
            prefecture=p,
            articles=articles[: s["FURUSATO_MICROSITE_ARTICLES"]],
            article_count=len(articles),
            event_count=len(events),
            events=site.upcoming(events)[: s["FURUSATO_HOME_EVENTS"]],
        )
        per_page = s["FURUSATO_ARTICLES_PER_PAGE"]
        pages = max(1, -(-len(articles) // per_page))
        for number in range(1, pages + 1):
            chunk = articles[(number - 1) * per_page : number * per_page]
            # Another edition may have fewer pages: a later page's switch leads to the first.
            first = number == 1
            self.render(
                writer,
                urls.articles(p, number),
                "articles",
                lang=lang,
                alternates=self.editions(lambda u: u.articles(p)) if first else None,
                elsewhere=self.editions(lambda u: u.articles(p)),
                prefecture=p,
                articles=chunk,
                pagination=_pagination(urls, p, number, pages),
                kind=None,
                kinds=count_kinds(articles),  # the filter by kind (plugins/browse writes them)
                total=len(articles),
            )
        self.render(
            writer,
            urls.ambassadors(p),
            "ambassadors",
            lang=lang,
            alternates=self.editions(lambda u: u.ambassadors(p)),
            prefecture=p,
            counts={a.id: sum(1 for x in articles if x.author.id == a.id) for a in p.ambassadors},
        )
        for ambassador in p.ambassadors:
            self.render(
                writer,
                urls.ambassador(p, ambassador),
                "ambassador",
                lang=lang,
                alternates=self.editions(lambda u, a=ambassador: u.ambassador(p, a)),
                prefecture=p,
                ambassador=ambassador,
                articles=[a for a in articles if a.author.id == ambassador.id],
                events=[e for e in events if e.organizer.id == ambassador.id],
            )

    def write_article(self, writer: SiteWriter, p: Prefecture, article: Article) -> None:
        """Write an article's one page, in its language, linked to its translation."""
        self.render_document(
            writer,
            article,
            self.urls.article,
            "article",
            lambda u: u.articles(p),
            prefecture=p,
            article=article,
        )

    def write_page(self, writer: SiteWriter, page: Page) -> None:
        """Write a site page, in its language, linked to its translation."""
        self.render_document(writer, page, self.urls.page, "page", lambda u: u.home(), page=page)


def _pagination(urls: Any, p: Prefecture, number: int, pages: int) -> dict[str, Any]:
    return pagination(number, pages, lambda n: urls.articles(p, n))


def get_generators(pelican: Any) -> type[SiteGenerator]:
    return MicrositesGenerator


def initialized(pelican: Any) -> None:
    require(pelican, "microsites")


def register() -> None:
    signals.initialized.connect(initialized)
    signals.get_generators.connect(get_generators)
