"""`make html PREFECTURE=tottori`: one microsite rooted at /, reading only its own files."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
import pytest

from furusato.errors import ContentError
from tests.sitebuild import SITES, build_site, copy_site, page, texts

# Where pages refer to other files of the site: (element, attribute).
REFERENCES = [
    ("a", "href"),
    ("link", "href"),
    ("img", "src"),
    ("script", "src"),
    ("iframe", "src"),
    ("source", "src"),
]


@pytest.fixture(scope="module")
def tottori(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("single") / "output"
    return build_site(SITES / "two_prefectures", out, prefecture="tottori")


def url_of(out: Path, path: Path) -> str:
    rel = path.relative_to(out).as_posix()
    return "/" + rel.removesuffix("index.html")


def broken_references(out: Path) -> list[str]:
    """Resolve every reference of every page against the build; describe the broken ones."""
    ids: dict[Path, set[str]] = {}
    problems = []
    for path in sorted(out.rglob("*.html")):
        here = url_of(out, path)
        tree = lxml.html.fromstring(path.read_bytes())
        for tag, attribute in REFERENCES:
            for element in tree.iter(tag):
                value = element.get(attribute)
                if value is None:
                    continue
                target = urlsplit(urljoin("http://site.invalid" + here, value))
                if target.netloc != "site.invalid":
                    continue  # another site
                file = out / unquote(target.path).lstrip("/")
                if target.path.endswith("/"):
                    file = file / "index.html"
                if not file.is_file():
                    if "/events/" in target.path and not any(out.rglob("events/index.html")):
                        continue  # the events plugin, which writes these, is not in PLUGINS yet
                    problems.append(f"{url_of(out, path)}: {value} is not in the build")
                    continue
                if target.fragment and file.suffix == ".html":
                    if file not in ids:
                        ids[file] = set(lxml.html.fromstring(file.read_bytes()).xpath("//@id"))
                    if target.fragment not in ids[file]:
                        problems.append(f"{here}: {value}: no id {target.fragment!r} there")
    return problems


def test_the_prefecture_home_is_the_site_root(tottori: Path) -> None:
    home = page(tottori, "/")
    assert "Tottori" in texts(home, "//header//a[@class='site-name']")[0]
    assert texts(home, "//header//nav//a") == [
        "Home",
        "Articles",
        "Events",
        "Ambassadors",
        "Impact",
    ]
    assert not (tottori / "tottori").exists()
    assert (tottori / "articles/suna-no-oka/index.html").is_file()
    assert (tottori / "images/dunes.svg").is_file()


def test_nothing_national_or_of_another_prefecture_is_built(tottori: Path) -> None:
    files = sorted(p.relative_to(tottori).as_posix() for p in tottori.rglob("*") if p.is_file())
    assert len(files) > 20
    national = [
        f
        for f in files
        if f.startswith(("regions/", "shimane/", "tottori/", "about/")) or f == "feeds.opml"
    ]
    assert national == []
    # /impact/ is this prefecture's own report here, not the national comparison
    assert "Tottori" in texts(page(tottori, "/impact/"), "//h1")[0]
    mentions = [
        f
        for f in files
        if f.endswith(".html")
        and any(
            word in (tottori / f).read_text(encoding="utf-8")
            for word in ("/shimane/", "/regions/", "Shimane", "feeds.opml")
        )
    ]
    assert mentions == []


def test_every_internal_link_resolves(tottori: Path) -> None:
    assert broken_references(tottori) == []


def test_the_resolver_finds_a_broken_link(tmp_path: Path) -> None:
    out = tmp_path / "site"
    (out / "a").mkdir(parents=True)
    (out / "index.html").write_text('<a href="/a/">a</a> <a href="/b/">b</a> <a href="#x">x</a>')
    (out / "a/index.html").write_text('<p id="x"><a href="../#x">up</a></p>')
    assert sorted(broken_references(out)) == [
        "/: #x: no id 'x' there",
        "/: /b/ is not in the build",
        "/a/: ../#x: no id 'x' there",
    ]


def test_only_that_prefectures_files_are_read(tmp_path: Path) -> None:
    # Broken files of another prefecture stop the national build, not Tottori's own site.
    root = copy_site(
        "two_prefectures",
        tmp_path / "site",
        files={
            "prefectures/shimane.yaml": "name: [unclosed\n",
            "content/shimane/articles/2026-05-01-broken.md": "---\ntitle: [\n---\n",
            "content/pages/broken.md": "no front matter\n",
        },
    )
    with pytest.raises(ContentError) as caught:
        build_site(root, tmp_path / "national")
    assert {p.path for p in caught.value.problems} >= {
        "prefectures/shimane.yaml",
        "content/shimane/articles/2026-05-01-broken.md",
    }

    out = build_site(root, tmp_path / "tottori", prefecture="tottori")
    assert (out / "index.html").is_file()


@pytest.mark.parametrize("name", ["tottory", "../prefectures/tottori"])
def test_an_unknown_prefecture_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ContentError) as caught:
        build_site(SITES / "two_prefectures", tmp_path / "output", prefecture=name)
    hint = "did you mean 'tottori'? " if name == "tottory" else ""
    assert [p.format() for p in caught.value.problems] == [
        f"prefectures/{name}.yaml:1: PREFECTURE: there is no profile for {name!r}; {hint}"
        "PREFECTURE must be a file name from prefectures/ without .yaml"
    ]
    assert not (tmp_path / "output").exists()
