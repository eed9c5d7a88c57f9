"""publishconf.py: SITEURL from the environment, absolute URLs everywhere, same bytes twice."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
import pytest

from furusato.errors import BuildError
from furusato.settings import OWNERSHIP as OWNERSHIP_NAMES
from furusato.settings import problems
from tests.quality.links import Resolver
from tests.sitebuild import OWNERSHIP, REPO, SITES, build_site

SITEURL = "https://jet.example.net/furusato"
# Attributes that hold URLs in the pages Furusato writes.
URL_ATTRIBUTES = ("href", "src", "srcset", "action", "poster", "data")
# Elements of sitemaps and feeds whose text is a URL.
XML_URL_ELEMENTS = {"loc", "link", "guid", "id", "url", "uri", "icon", "logo"}


def publish(
    out: Path, monkeypatch: pytest.MonkeyPatch, siteurl: str | None = SITEURL, **options
) -> Path:
    """Build tests/sites/two_prefectures with publishconf.py and SITEURL in the environment."""
    if siteurl is None:
        monkeypatch.delenv("SITEURL", raising=False)
    else:
        monkeypatch.setenv("SITEURL", siteurl)
    return build_site(SITES / "two_prefectures", out, settings_file="publishconf.py", **options)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as monkeypatch:
        return publish(tmp_path_factory.mktemp("publish") / "output", monkeypatch)


def html_urls(out: Path) -> list[tuple[str, str]]:
    """Return (file, URL) for every URL-valued attribute of every HTML file."""
    found = []
    for path in sorted(out.rglob("*.html")):
        tree = lxml.html.fromstring(path.read_bytes())
        for element in tree.iter():
            for name in URL_ATTRIBUTES:
                value = element.get(name) if isinstance(element.tag, str) else None
                if value is None:
                    continue
                values = (
                    [c.split()[0] for c in value.split(",") if c.strip()]
                    if name == "srcset"
                    else [value]
                )
                found += [(path.relative_to(out).as_posix(), v) for v in values]
    return found


def test_publish_without_siteurl_stops_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SystemExit) as stopped:
        publish(tmp_path / "output", monkeypatch, siteurl=None)
    assert str(stopped.value) == (
        "publishconf.py: SITEURL is not set. Set it to the address the site will live at, "
        "for example\n  SITEURL=https://your-name.github.io/furusato make publish"
    )
    assert not (tmp_path / "output").exists()


@pytest.mark.parametrize(
    "value",
    ["jet.example.net", "ftp://jet.example.net", "https://", "https://jet.example.net/?x=1"],
)
def test_publish_with_a_malformed_siteurl_stops_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        publish(tmp_path / "output", monkeypatch, siteurl=value)
    assert str(stopped.value).startswith(
        f"publishconf.py: SITEURL={value.rstrip('/')!r} is not a site address; write it as "
        "https://host[/path] with no query or #fragment"
    )


def test_publish_without_ownership_names_every_missing_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    unset = {name: None for name in OWNERSHIP_NAMES}
    with pytest.raises(BuildError) as stopped:
        publish(tmp_path / "output", monkeypatch, **unset)
    message = str(stopped.value)
    for name in OWNERSHIP_NAMES:
        assert f"{name} is not set; a published site must say" in message
        assert "(set it in publishconf.py)" in message
    assert not (tmp_path / "output").exists()


def test_publishconf_takes_the_repository_from_github_actions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "example-owner/furusato")
    monkeypatch.setenv("SITEURL", SITEURL)
    import runpy

    values = runpy.run_path(str(Path(__file__).parents[1] / "publishconf.py"))
    assert values["FURUSATO_REPOSITORY"] == "https://github.com/example-owner/furusato"
    assert values["FURUSATO_REQUIRE_OWNERSHIP"] is True


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("FURUSATO_PUBLISHER", {"en": "Only English"}),
        ("FURUSATO_PRIVACY", "one language"),
        ("FURUSATO_CONTACT", "office@example.org"),
        ("FURUSATO_CONTACT", "http://example.org/contact"),
        ("FURUSATO_LICENSE", {"name": "CC BY 4.0"}),
        ("FURUSATO_REPOSITORY", "https://github.com/owner/name.git"),
        ("FURUSATO_REPOSITORY", "git@github.com:owner/name"),
    ],
)
def test_malformed_ownership_settings_are_refused(name: str, value: object) -> None:
    [message] = problems({**OWNERSHIP, name: value})
    assert message.startswith(f"the settings file: {name} = {value!r} must ")


def test_the_example_ownership_settings_are_valid() -> None:
    assert problems(OWNERSHIP) == []


def test_every_internal_url_is_absolute_under_siteurl_and_resolves(published: Path) -> None:
    problems = []
    resolver = Resolver(published)  # resolves URLs under the home page's canonical SITEURL
    assert resolver.problem(f"{SITEURL}/no-such-page/", "/")  # it does check absolute URLs
    urls = html_urls(published)
    assert len(urls) > 200, "too few links found; the walk is broken"
    for name, url in urls:
        if url.startswith("webcal://"):  # calendar subscription: the https URL, other scheme
            url = "https://" + url.removeprefix("webcal://")
        parts = urlsplit(url)
        if url.startswith("#") or (
            parts.scheme in ("https", "mailto") and parts.netloc != urlsplit(SITEURL).netloc
        ):
            continue  # a fragment of the same page, or another site
        if not url.startswith(SITEURL + "/"):
            problems.append(f"{name}: {url!r} is not an absolute URL under {SITEURL}")
        elif problem := resolver.problem(url, "/"):
            problems.append(f"{name}: {url!r}: {problem}")
    assert problems == []


def test_no_development_address_anywhere(published: Path) -> None:
    # The editor's files are the pinned npm package's, byte for byte (its bundle names its
    # own development server); everything Furusato writes is checked.
    package = REPO / "node_modules" / "@sveltia" / "cms"
    vendored = {"admin/sveltia-cms.js": package / "dist" / "sveltia-cms.js"}
    vendored |= {f"admin/locales/{p.name}": p for p in (package / "locales").glob("*.json")}
    leaks = []
    for p in published.rglob("*"):
        name = p.relative_to(published).as_posix()
        if name in vendored:
            assert p.read_bytes() == vendored[name].read_bytes(), name
        elif p.is_file() and (b"127.0.0.1" in p.read_bytes() or b"localhost" in p.read_bytes()):
            leaks.append(name)
    assert (published / "admin" / "sveltia-cms.js").is_file()
    assert leaks == []


def test_every_page_has_its_own_canonical_url(published: Path) -> None:
    pages = sorted(published.rglob("index.html"))
    assert len(pages) > 30
    for path in pages:
        own = f"{SITEURL}/{path.parent.relative_to(published).as_posix()}/".replace("/./", "/")
        canonical = lxml.html.fromstring(path.read_bytes()).xpath("//link[@rel='canonical']/@href")
        assert canonical == [own], path


def test_sitemap_feeds_and_robots_use_absolute_urls(published: Path) -> None:
    checked = 0
    resolver = Resolver(published)
    for path in sorted(published.rglob("*.xml")) + sorted(published.rglob("*.opml")):
        tree = lxml.etree.parse(str(path))
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            local = lxml.etree.QName(element).localname
            values = [element.text.strip()] if local in XML_URL_ELEMENTS and element.text else []
            values += [v for k, v in element.attrib.items() if k in ("href", "xmlUrl", "htmlUrl")]
            for url in values:
                if urlsplit(url).netloc == urlsplit(SITEURL).netloc:
                    assert url.startswith(SITEURL + "/"), (path, url)
                    assert resolver.problem(url, "/") is None, (path, url)
                    checked += 1
                elif not url.startswith(("https://", "http://", "tag:", "urn:")):
                    pytest.fail(f"{path.name}: {url!r} is not an absolute URL")
    assert checked >= 30
    robots = (published / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {SITEURL}/sitemap.xml\n" in robots


def test_two_builds_of_the_same_sources_are_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, published: Path
) -> None:
    again = publish(tmp_path / "elsewhere" / "site", monkeypatch)

    def files(out: Path) -> dict[str, bytes]:
        return {
            p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*"))
            if p.is_file()
        }

    first, second = files(published), files(again)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_a_single_prefecture_publishes_at_the_root_of_its_own_domain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    siteurl = "https://tottori-jet.example.net"
    out = publish(tmp_path / "output", monkeypatch, siteurl=siteurl, prefecture="tottori")
    home = lxml.html.fromstring((out / "index.html").read_bytes())
    assert home.xpath("//link[@rel='canonical']/@href") == [f"{siteurl}/"]
    assert f"{siteurl}/articles/" in home.xpath("//a/@href")
    internal = [(n, u) for n, u in html_urls(out) if u.startswith(siteurl)]
    assert internal
    resolver = Resolver(out)
    assert [(n, u) for n, u in internal if resolver.problem(u, "/")] == []
