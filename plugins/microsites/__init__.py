"""Write the portal's pages: national home, regions, prefecture microsites, articles,
ambassadors, site pages and the 404 page (events, feeds and reports have their own plugins)."""

from __future__ import annotations

from typing import Any

from pelican import signals

from furusato.entities import Article, Prefecture
from furusato.regions import REGIONS
from furusato_engine import SiteGenerator, SiteWriter, require


class MicrositesGenerator(SiteGenerator):
    """National portal and one microsite per prefecture."""

    def write(self, writer: SiteWriter) -> None:
        site, urls, s = self.site, self.urls, self.settings
        if site.single is None:
            self.render(
                writer,
                urls.home(),
                "index",
                articles=site.articles[: s["FURUSATO_HOME_ARTICLES"]],
                events=site.upcoming(site.events)[: s["FURUSATO_HOME_EVENTS"]],
                prefectures=list(site.prefectures.values()),
            )
            for region in REGIONS:
                members = [p for p in site.prefectures.values() if p.region == region]
                latest = [a for a in site.articles if a.prefecture.region == region][:6]
                self.render(
                    writer,
                    urls.region(region),
                    "region",
                    region=region,
                    prefectures=members,
                    articles=latest,
                )
            for page in site.pages:
                self.render(writer, urls.page(page), "page", page=page)
        single = site.prefectures.get(site.single) if site.single else None
        self.render(writer, urls.national("404.html"), "404", prefecture=single)
        for prefecture in site.prefectures.values():
            self.write_microsite(writer, prefecture)

    def write_microsite(self, writer: Any, p: Prefecture) -> None:
        site, urls, s = self.site, self.urls, self.settings
        articles = site.articles_of(p.slug)
        events = site.events_of(p.slug)
        self.render(
            writer,
            urls.prefecture(p),
            "prefecture",
            prefecture=p,
            articles=articles[: s["FURUSATO_MICROSITE_ARTICLES"]],
            article_count=len(articles),
            events=site.upcoming(events)[: s["FURUSATO_HOME_EVENTS"]],
        )
        per_page = s["FURUSATO_ARTICLES_PER_PAGE"]
        pages = max(1, -(-len(articles) // per_page))
        for number in range(1, pages + 1):
            chunk = articles[(number - 1) * per_page : number * per_page]
            self.render(
                writer,
                urls.articles(p, number),
                "articles",
                prefecture=p,
                articles=chunk,
                pagination=_pagination(urls, p, number, pages),
            )
        for article in articles:
            self.render(
                writer,
                urls.article(article),
                "article",
                prefecture=p,
                article=article,
                translation=_translation(article, articles),
            )
        self.render(
            writer,
            urls.ambassadors(p),
            "ambassadors",
            prefecture=p,
            counts={a.id: sum(1 for x in articles if x.author.id == a.id) for a in p.ambassadors},
        )
        for ambassador in p.ambassadors:
            self.render(
                writer,
                urls.ambassador(p, ambassador),
                "ambassador",
                prefecture=p,
                ambassador=ambassador,
                articles=[a for a in articles if a.author.id == ambassador.id],
                events=[e for e in events if e.organizer.id == ambassador.id],
            )


def _translation(article: Article, articles: list[Article]) -> Article | None:
    target = article.meta.translation
    return next((a for a in articles if a.slug == target), None) if target else None


def _pagination(urls: Any, p: Prefecture, number: int, pages: int) -> dict[str, Any]:
    return {
        "number": number,
        "pages": pages,
        "urls": [urls.articles(p, n) for n in range(1, pages + 1)],
    }


def get_generators(pelican: Any) -> type[SiteGenerator]:
    return MicrositesGenerator


def initialized(pelican: Any) -> None:
    require(pelican, "microsites")


def register() -> None:
    signals.initialized.connect(initialized)
    signals.get_generators.connect(get_generators)
