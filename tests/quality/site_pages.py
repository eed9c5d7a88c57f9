"""Pick one representative page of each page type of the URL contract from a built site."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

from furusato.schemas import ARTICLE_KINDS
from furusato.urls import DIGEST_FILES

# Page types every full build has (DESIGN.md, "Outputs"), in the order reports list them.
REQUIRED_KINDS = (
    "home",
    "region",
    "prefecture",
    "article-list",
    "article",
    "ambassador-list",
    "ambassador",
    "event-list",
    "event",
    "about",
    "404",
    # Browsing (plugins/browse): national lists, lists by kind, tags, events by country.
    "articles-national",
    "articles-national-kind",
    "article-kind",
    "events-national",
    "events-country",
    "tag-index",
    "tag",
    "tag-index-national",
    "tag-national",
    "regions-index",
    # The Japanese edition of the pages Furusato writes itself (under ja/ inside each site).
    "home-ja",
    "prefecture-ja",
    "article-list-ja",
    "ambassador-ja",
    "event-list-ja",
    "404-ja",
    "articles-national-ja",
    "article-kind-ja",
    "events-national-ja",
    "events-country-ja",
    "tag-ja",
    "tag-national-ja",
    "regions-index-ja",
    # Search (its script and the Pagefind index; one page per edition, also when alone).
    "search",
    "search-ja",
)
# Page types checked when the build has them.
OPTIONAL_KINDS = (
    "article-ja",
    "event-cancelled",  # an event page with its status notice (cancelled)
    "impact",
    "prefecture-impact",
    "impact-ja",
    "national-impact-ja",
    "proposals",
    "proposals-status",
    "proposals-ja",
    "national-proposals",
    "national-proposals-ja",
    "about-ja",
    # A prefecture with no ambassador, article or event: its home invites the first ones.
    "prefecture-empty",
    "prefecture-empty-ja",
    "editor",  # the /admin/ page shell (the editor itself is tests/quality/test_editor.py's)
    "digest",
    "digest-archive",
    "digest-ja",
    "digest-archive-ja",
    # An issue older than FURUSATO_DIGEST_EMAIL_MONTHS: its page without email files.
    "digest-web-only",
    "digest-web-only-ja",
)
ALL_KINDS = REQUIRED_KINDS + OPTIONAL_KINDS

# Top-level folders of the output that are never a prefecture microsite.
NOT_PREFECTURES = frozenset(
    {
        "regions",
        "theme",
        "about",
        "impact",
        "pages",
        "images",
        "static",
        "feeds",
        "tags",
        "ja",
        "admin",
        "proposals",
        "search",
        "pagefind",
    }
)
SECTIONS = ("articles", "events", "ambassadors")


def html_files(output: Path) -> list[Path]:
    """List every HTML file of the built site, sorted."""
    return sorted(p for p in output.rglob("*.html") if p.is_file() and not is_email(p))


def is_email(path: Path) -> bool:
    """Tell whether an HTML file is a digest email (not a site page: no navigation, styles
    inlined for mail programs; tests/quality/test_digest_email.py checks it instead)."""
    return path.name == DIGEST_FILES["html"] and path.parent.parent.name == "digest"


def url_of(output: Path, path: Path) -> str:
    """Give the root-relative URL a file is served at (a folder's index.html at its '/')."""
    rel = path.relative_to(output).as_posix()
    if rel == "index.html":
        return "/"
    if rel.endswith("/index.html"):
        return "/" + rel[: -len("index.html")]
    return "/" + rel


def file_for(output: Path, url_path: str) -> Path | None:
    """Find the file a root-relative URL path is served from, or None when there is none."""
    rel = unquote(url_path).lstrip("/")
    candidate = output / rel
    if url_path.endswith("/") or rel == "":
        candidate = candidate / "index.html"
    try:
        candidate.resolve().relative_to(output.resolve())
    except ValueError:
        return None
    return candidate if candidate.is_file() else None


def parse_html(path: Path) -> lxml.html.HtmlElement:
    """Parse an HTML file of the site as UTF-8."""
    parser = lxml.html.HTMLParser(encoding="utf-8")
    return lxml.html.fromstring(path.read_bytes(), parser=parser)


def site_base(output: Path) -> str | None:
    """Give the absolute URL the site is published at, from FURUSATO_SITEURL or the home page.

    Without FURUSATO_SITEURL, it is the canonical link of the home page, if it has one.
    """
    base = os.environ.get("FURUSATO_SITEURL", "").strip()
    home = output / "index.html"
    if not base and home.is_file():
        for href in parse_html(home).xpath("//head/link[@rel='canonical']/@href"):
            if urlsplit(href).scheme in {"http", "https"}:
                base = href
                break
    if not base:
        return None
    return base if base.endswith("/") else base + "/"


def _children(folder: Path) -> list[Path]:
    """List the sub-folders of folder that hold a page, sorted by name."""
    if not folder.is_dir():
        return []
    return sorted(d for d in folder.iterdir() if (d / "index.html").is_file())


def is_pagination_folder(folder: Path) -> bool:
    """Tell whether a folder under a list is a further page of that list, not an item."""
    return folder.name == "page" or folder.name.isdigit()


def is_kind_folder(folder: Path) -> bool:
    """Tell whether a folder under an article list is the list of one kind (guide...)."""
    return folder.parent.name == "articles" and folder.name in ARTICLE_KINDS


def items(output: Path, slug: str, section: str) -> list[Path]:
    """List the item folders (not pagination pages nor lists by kind) of one section of a
    prefecture."""
    return [
        d
        for d in _children(output / slug / section)
        if not is_pagination_folder(d) and not is_kind_folder(d)
    ]


def _first_kind(folder: Path) -> Path | None:
    """Pick the first list by kind (in schema order) under an article list folder."""
    kinds = [folder / kind for kind in ARTICLE_KINDS if (folder / kind / "index.html").is_file()]
    return kinds[0] if kinds else None


def prefecture_slugs(output: Path) -> list[str]:
    """List the prefecture microsites: top-level folders with a home page and a section or feed."""
    slugs = []
    for folder in _children(output):
        if folder.name in NOT_PREFECTURES:
            continue
        if any((folder / s).is_dir() for s in SECTIONS) or (folder / "feed.xml").is_file():
            slugs.append(folder.name)
    return slugs


def newest_issue(digest: Path) -> Path | None:
    """Pick the newest month's issue of a digest folder (folders named YYYY-MM), if any."""
    months = [d for d in _children(digest) if len(d.name) == 7 and d.name[4] == "-"]
    return max(months, key=lambda d: d.name) if months else None


def oldest_web_only_issue(digest: Path) -> Path | None:
    """Pick the oldest issue of a digest folder that has no email files, if any."""
    months = [d for d in _children(digest) if len(d.name) == 7 and d.name[4] == "-"]
    web_only = [d for d in months if not (d / DIGEST_FILES["html"]).is_file()]
    return min(web_only, key=lambda d: d.name) if web_only else None


def _largest(folders: list[Path]) -> Path | None:
    """Pick the folder whose page is largest (the most to check); ties go to the first name."""
    if not folders:
        return None
    return max(folders, key=lambda d: (d / "index.html").stat().st_size)


def _richest_prefecture(output: Path, slugs: list[str]) -> str | None:
    """Pick the prefecture with articles, events and ambassadors, and the most of them."""

    def score(slug: str) -> tuple[int, int]:
        counts = [len(items(output, slug, s)) for s in SECTIONS]
        return (sum(1 for c in counts if c), sum(counts))

    # max() keeps the first of equals, and slugs are sorted: the choice is reproducible.
    return max(slugs, key=score) if slugs else None


def _links_to(page: Path, url_path: str) -> bool:
    """Tell whether page has a link whose path is url_path."""
    hrefs = parse_html(page).xpath("//a/@href")
    return any(urlsplit(h).path == url_path for h in hrefs)


def _is_japanese(page: Path) -> bool:
    """Tell whether a page (or the article or main content in it) is in Japanese."""
    tree = parse_html(page)
    langs = [tree.get("lang") or "", *tree.xpath("//main/@lang | //article/@lang")]
    return any(lang.lower().startswith("ja") for lang in langs)


def pick_pages(output: Path) -> dict[str, str]:
    """Map each page type found in the build to the root-relative URL of one page of that type."""
    pages: dict[str, str] = {}

    def add(kind: str, folder: Path | None) -> None:
        if folder is not None and (folder / "index.html").is_file():
            pages[kind] = url_of(output, folder / "index.html")

    add("home", output)
    slugs = prefecture_slugs(output)
    slug = _richest_prefecture(output, slugs)

    regions = _children(output / "regions")
    if slug is not None:
        with_slug = [r for r in regions if _links_to(r / "index.html", f"/{slug}/")]
        regions = with_slug or regions
    add("region", regions[0] if regions else None)

    if slug is not None:
        base = output / slug
        add("prefecture", base)
        add("article-list", base / "articles")
        add("article", _largest(items(output, slug, "articles")))
        add("ambassador-list", base / "ambassadors")
        add("ambassador", _largest(items(output, slug, "ambassadors")))
        add("event-list", base / "events")
        add("event", _largest(items(output, slug, "events")))
        add("prefecture-impact", base / "impact")
        add("proposals", base / "proposals")
        add("proposals-status", (_children(base / "proposals") or [None])[0])
        add("proposals-ja", base / "ja" / "proposals")
        others = [s for s in slugs if s != slug]
        for candidate in [slug, *others]:
            japanese = [
                d for d in items(output, candidate, "articles") if _is_japanese(d / "index.html")
            ]
            if japanese:
                add("article-ja", japanese[0])
                break

        for edition, suffix in ((base, ""), (base / "ja", "-ja")):
            add(f"digest-archive{suffix}", edition / "digest")
            add(f"digest{suffix}", newest_issue(edition / "digest"))
            add(f"digest-web-only{suffix}", oldest_web_only_issue(edition / "digest"))

    empty = [s for s in slugs if not any(items(output, s, section) for section in SECTIONS)]
    if empty:
        add("prefecture-empty", output / empty[0])
        add("prefecture-empty-ja", output / empty[0] / "ja")

    add("articles-national", output / "articles")
    add("articles-national-kind", _first_kind(output / "articles"))
    add("events-national", output / "events")
    add("events-country", _largest(_children(output / "events" / "in")))
    add("tag-index-national", output / "tags")
    add("tag-national", _largest(_children(output / "tags")))
    add("regions-index", output / "regions")
    add("articles-national-ja", output / "ja" / "articles")
    add("events-national-ja", output / "ja" / "events")
    add("events-country-ja", _largest(_children(output / "ja" / "events" / "in")))
    add("tag-national-ja", _largest(_children(output / "ja" / "tags")))
    add("regions-index-ja", output / "ja" / "regions")
    if slug is not None:
        add("article-kind", _first_kind(output / slug / "articles"))
        add("article-kind-ja", _first_kind(output / slug / "ja" / "articles"))
        add("tag-index", output / slug / "tags")
        add("tag", _largest(_children(output / slug / "tags")))
        add("tag-ja", _largest(_children(output / slug / "ja" / "tags")))
    cancelled = [
        d
        for candidate in slugs
        for d in items(output, candidate, "events")
        if parse_html(d / "index.html").xpath("//section[contains(@class, 'status-cancelled')]")
    ]
    add("event-cancelled", cancelled[0] if cancelled else None)
    add("about", output / "about")
    add("impact", output / "impact")
    add("national-impact-ja", output / "ja" / "impact")
    add("national-proposals", output / "proposals")
    add("national-proposals-ja", output / "ja" / "proposals")
    if (output / "404.html").is_file():
        pages["404"] = "/404.html"
    add("home-ja", output / "ja")
    if slug is not None:
        base = output / slug / "ja"
        add("prefecture-ja", base)
        add("article-list-ja", base / "articles")
        add("ambassador-ja", _largest(_children(base / "ambassadors")))
        add("event-list-ja", base / "events")
        add("impact-ja", base / "impact")
    add("about-ja", output / "ja" / "about")
    if (output / "ja" / "404.html").is_file():
        pages["404-ja"] = "/ja/404.html"
    add("editor", output / "admin")
    add("search", output / "search")
    add("search-ja", output / "ja" / "search")
    return {kind: pages[kind] for kind in ALL_KINDS if kind in pages}


def missing_kinds(pages: dict[str, str]) -> list[str]:
    """List the required page types that pick_pages did not find."""
    return [kind for kind in REQUIRED_KINDS if kind not in pages]
