"""Search (plugins/search): the pages of both editions, what the index holds, the per-page
Content-Security-Policy in <meta> and `_headers`, and the index kept, rebuilt and reproduced."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest

import search
import search.pagefind
from furusato import csp
from furusato.schemas import ARTICLE_KINDS
from furusato.settings import with_defaults
from host_config import csp_rules
from tests.quality.site_pages import is_email
from tests.sitebuild import SITES, build_result, build_site, copy_site
from tests.test_host_config import headers_for, matches, parse_headers

WASM = "'wasm-unsafe-eval'"
SEARCH_PAGES = {"search/index.html", "ja/search/index.html"}


def parse(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes(), parser=lxml.html.HTMLParser(encoding="utf-8"))


def bundle(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted((out / "pagefind").rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the runs of Pagefind during a test."""
    runs: list[int] = []
    real = search.run_pagefind

    def run(pagefind, pages, read):
        runs.append(len(pages))
        return real(pagefind, pages, read)

    monkeypatch.setattr(search, "run_pagefind", run)
    return runs


def test_each_edition_has_a_search_page_and_only_it_loads_a_script(demo_output: Path) -> None:
    for path, lang in (("search/index.html", "en"), ("ja/search/index.html", "ja")):
        page = parse(demo_output / path)
        assert page.get("lang") == lang
        scripts = "//script[not(@type='application/ld+json')]"  # JSON-LD is data, never run
        assert page.xpath(f"{scripts}/@src") == ["/theme/js/search.js"]
        assert page.xpath(f"{scripts}/@type") == ["module"]
        field = page.xpath("//input[@type='search']")[0]
        assert page.xpath(f"//label[@for='{field.get('id')}']/text()")
        assert page.xpath("//*[@id='search-status']/@role") == ["status"]
        assert page.xpath("//search[@id='search-form']/@hidden") == [""]  # shown by the script
        assert page.xpath("//*[@id='search']/@data-bundle") == ["/pagefind/"]
        assert len(page.xpath("//select[@id='search-prefecture']/option")) == 48
        kinds = page.xpath("//select[@id='search-kind']/option/@value")
        assert kinds == ["", "story", "guide", "news", "proposal", "event"]
    ja = parse(demo_output / "ja/search/index.html")
    assert ja.xpath("//h1/text()") == ["検索"]
    assert "鳥取県" in ja.xpath("//select[@id='search-prefecture']/option/text()")
    scripted = [
        p.relative_to(demo_output).as_posix()
        for p in demo_output.rglob("*.html")
        if parse(p).xpath("//script[not(@type='application/ld+json')]")
    ]
    assert sorted(scripted) == sorted(SEARCH_PAGES)


def test_every_header_links_to_search_and_microsites_narrow_it(demo_output: Path) -> None:
    home = parse(demo_output / "index.html")
    assert "/search/" in home.xpath("//header//a/@href")
    assert "/ja/search/" in parse(demo_output / "ja/index.html").xpath("//header//a/@href")
    tottori = parse(demo_output / "tottori/articles/index.html")
    assert "/search/?prefecture=tottori" in tottori.xpath("//header//a/@href")
    ja = parse(demo_output / "tottori/ja/events/index.html")
    assert "/ja/search/?prefecture=tottori" in ja.xpath("//header//a/@href")


def test_only_article_and_event_content_is_marked_for_the_index(demo_output: Path) -> None:
    marked = []
    for path in sorted(demo_output.rglob("*.html")):
        body = parse(path).xpath("//*[@data-pagefind-body]")
        if body:
            marked.append(path.relative_to(demo_output).parts)
            assert [b.tag for b in body] == ["article"], path
            # Navigation, header, footer and the language switch are outside it.
            assert not body[0].xpath(".//nav | .//footer"), path
    assert marked
    assert all(parts[1] in ("articles", "events") and len(parts) == 4 for parts in marked)
    page = parse(demo_output / "tottori/articles/suna-no-oka/index.html")
    filters = page.xpath("//@data-pagefind-filter")
    assert filters == ["prefecture:tottori", "kind:story", "language:ja", "year:2024"]
    assert page.get("lang") == "ja"


def test_the_index_is_published_without_pagefinds_own_ui(demo_output: Path) -> None:
    files = bundle(demo_output)
    entry = json.loads(files["pagefind/pagefind-entry.json"])
    assert entry["version"] == "1.6.0"
    assert sorted(entry["languages"]) == ["en", "ja"]
    assert "pagefind/pagefind.js" in files
    assert not [f for f in files if "-ui." in f or "highlight" in f]


def test_wasm_is_allowed_on_the_search_pages_and_nowhere_else(demo_output: Path) -> None:
    for path in sorted(p for p in demo_output.rglob("*.html") if not is_email(p)):
        name = path.relative_to(demo_output).as_posix()
        metas = parse(path).xpath("//head/meta[@http-equiv='Content-Security-Policy']/@content")
        assert len(metas) == 1, name
        assert (WASM in metas[0]) == (name in SEARCH_PAGES), name
    rules = parse_headers((demo_output / "_headers").read_text(encoding="utf-8"))
    assert len(rules) <= 100  # Cloudflare Pages' limit
    for path in sorted(demo_output.rglob("*.html")):
        name = path.relative_to(demo_output).as_posix()
        urls = ["/" + name]
        if name.endswith("index.html"):
            urls.append("/" + name.removesuffix("index.html"))
        for url in urls:
            policies = headers_for(rules, url).get("Content-Security-Policy", [])
            assert len(policies) == 1, (url, policies)  # never two policies joined
            assert (WASM in policies[0]) == (name in SEARCH_PAGES), url
            assert policies[0].endswith("frame-ancestors 'none'")
    assert sum(WASM in line for line in (demo_output / "_headers").read_text().splitlines()) == 2


def test_policy_rules_never_overlap_whatever_the_folders() -> None:
    base = with_defaults({})["FURUSATO_CSP"]
    paths = [
        "index.html",
        "404.html",
        "search/index.html",
        "searching/index.html",
        "ja/index.html",
        "ja/search/index.html",
        "ja/about/index.html",
        "tottori/index.html",
        "tottori/ja/index.html",
        "tottori/articles/x/index.html",
        "a*b/index.html",
        "theme/css/base.css",
    ]
    rules = csp_rules(paths, base)
    assert "/a%2Ab/*" in [r.path for r in rules]  # a name cannot become a splat
    for path in paths:
        if not path.endswith(".html"):
            continue
        url = "/" + path.replace("*", "%2A")
        found = [r for r in rules if matches(r.path, url)]
        assert len(found) == 1, (path, found)
        assert (WASM in found[0].policy) == path.startswith(("search/", "ja/search/"))


def test_a_page_gets_its_own_policy_from_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    base = with_defaults({})["FURUSATO_CSP"]
    monkeypatch.setitem(csp.PAGE_POLICIES, "admin/", {"connect-src": ["https://api.github.com"]})
    admin = csp.policy_for("admin/index.html", base)
    assert admin["connect-src"] == ["'self'", "https://api.github.com"]  # from default-src
    assert "connect-src" not in csp.policy_for("index.html", base)
    assert WASM not in csp.meta_for("admin/index.html", base)
    rules = csp_rules(["index.html", "admin/index.html", "about/index.html"], base)
    assert [r.path for r in rules] == ["/", "/about/*", "/admin/*", "/index.html"]


def test_the_setting_is_the_base_of_every_pages_policy(tmp_path: Path) -> None:
    policy = {"default-src": ["'none'"], "script-src": ["'self'"], "style-src": ["'self'"]}
    out = build_site(SITES / "two_prefectures", tmp_path / "out", FURUSATO_CSP=policy)
    home = parse(out / "index.html").xpath("//meta[@http-equiv]/@content")
    assert home == ["default-src 'none'; script-src 'self'; style-src 'self'"]
    found = parse(out / "search/index.html").xpath("//meta[@http-equiv]/@content")
    assert found == [f"default-src 'none'; script-src 'self' {WASM}; style-src 'self'"]


def test_the_index_is_reproducible_and_kept_while_no_indexed_page_changes(
    tmp_path: Path, counted: list[int]
) -> None:
    site = copy_site("two_prefectures", tmp_path / "site")
    one = build_site(site, tmp_path / "one")
    two = build_site(site, tmp_path / "two")
    assert len(counted) == 2 and counted[0] > 10
    assert bundle(one) == bundle(two)  # same inputs, same bytes
    build_site(site, tmp_path / "one")
    assert len(counted) == 2  # nothing changed: Pagefind did not run
    # A site page is not indexed: editing it changes a page but not the index.
    about = site / "content/pages/about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    result = build_result(site, tmp_path / "one")
    assert len(counted) == 2
    assert result.stats.written >= 1
    # An article edit re-indexes, and the new word is found in the new index only.
    article = next((site / "content/tottori/articles").glob("*dunes-in-winter.md"))
    article.write_text(article.read_text(encoding="utf-8") + "\nZyzzyva.\n", encoding="utf-8")
    build_site(site, tmp_path / "one")
    assert len(counted) == 3
    assert bundle(tmp_path / "one") != bundle(two)


def test_keep_mode_reuses_the_last_index_after_an_edit(tmp_path: Path, counted: list[int]) -> None:
    site = copy_site("two_prefectures", tmp_path / "site")
    build_site(site, tmp_path / "out")
    before = bundle(tmp_path / "out")
    article = next((site / "content/tottori/articles").glob("*dunes-in-winter.md"))
    article.write_text(article.read_text(encoding="utf-8") + "\nZyzzyva.\n", encoding="utf-8")
    build_site(site, tmp_path / "out", FURUSATO_SEARCH_INDEX="keep")
    assert len(counted) == 1
    assert bundle(tmp_path / "out") == before
    build_site(site, tmp_path / "out")
    assert len(counted) == 2


def test_a_single_prefecture_build_searches_that_prefecture(tmp_path: Path) -> None:
    out = build_site(SITES / "two_prefectures", tmp_path / "out", prefecture="tottori")
    page = parse(out / "search/index.html")
    assert not page.xpath("//select[@id='search-prefecture']")
    assert page.xpath("//*[@id='search-fallback']//a/@href") == ["/articles/", "/events/"]
    assert (out / "ja/search/index.html").is_file()
    assert "/search/" in parse(out / "articles/index.html").xpath("//header//a/@href")
    entry = json.loads((out / "pagefind/pagefind-entry.json").read_bytes())
    indexed = sum(language["page_count"] for language in entry["languages"].values())
    lists = {*ARTICLE_KINDS, "page"}  # /articles/guide/, /articles/page/2/: lists, not pages
    pages = [
        p
        for p in [*(out / "articles").glob("*/index.html"), *(out / "events").glob("*/index.html")]
        if p.parent.name not in lists
    ]
    assert indexed == len(pages) > 0


def test_a_missing_pagefind_stops_the_build_saying_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from furusato.errors import BuildError

    monkeypatch.setattr(search.pagefind, "NODE_MODULES", tmp_path / "node_modules")
    with pytest.raises(BuildError, match="npm ci --ignore-scripts"):
        build_site(SITES / "two_prefectures", tmp_path / "out")
    assert not (tmp_path / "out" / "index.html").exists()  # nothing published
