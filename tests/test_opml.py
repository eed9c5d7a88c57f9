"""/feeds.opml: every prefecture's feed in one OPML 2.0 file, grouped by region."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from lxml import etree

from furusato.regions import REGIONS
from tests.sitebuild import SITES, build_site

DEV = "http://127.0.0.1:8000"


def _opml(out: Path) -> etree._Element:
    return etree.fromstring((out / "feeds.opml").read_bytes())


def _problems(root: etree._Element, out: Path) -> list[str]:
    """Check the OPML 2.0 rules (opml.org/spec2) a subscription list must follow."""
    problems = []
    if root.tag != "opml" or root.get("version") != "2.0":
        problems.append('root is not <opml version="2.0">')
    if [c.tag for c in root] != ["head", "body"]:
        problems.append("opml must hold <head> then <body>")
    if not (root.findtext("head/title") or "").strip():
        problems.append("head has no title")
    for name in ("dateCreated", "dateModified"):
        if root.find(f"head/{name}") is not None:
            problems.append(f"head/{name} would change with the build time")
    outlines = root.findall(".//outline")
    if not outlines:
        problems.append("body has no outline")
    for outline in outlines:
        if not (outline.get("text") or "").strip():
            problems.append(f"outline without text: {outline.attrib}")
        if outline.get("type") == "rss":
            url = outline.get("xmlUrl") or ""
            if not url.startswith(f"{DEV}/"):
                problems.append(f"xmlUrl is not absolute: {url!r}")
            elif not (out / url.removeprefix(f"{DEV}/")).is_file():
                problems.append(f"xmlUrl names no feed of the build: {url!r}")
            if not (outline.get("htmlUrl") or "").startswith(f"{DEV}/"):
                problems.append(f"htmlUrl is not absolute: {outline.get('htmlUrl')!r}")
            if len(outline):
                problems.append("a feed outline has children")
    return problems


def test_opml_is_valid_opml_2(two_prefectures):
    assert _problems(_opml(two_prefectures), two_prefectures) == []


def test_opml_problems_are_found(two_prefectures):
    root = _opml(two_prefectures)
    feed = root.find(".//outline[@type='rss']")
    feed.set("xmlUrl", f"{DEV}/kyoto/feed.xml")
    del feed.attrib["text"]
    assert _problems(root, two_prefectures) == [
        f"outline without text: {dict(feed.attrib)}",
        f"xmlUrl names no feed of the build: '{DEV}/kyoto/feed.xml'",
    ]


EDITION = {"en": "", "ja": "ja/"}  # where each edition lives inside a prefecture's site


def test_opml_lists_every_prefecture_feed_by_region_in_both_editions(two_prefectures):
    root = _opml(two_prefectures)
    profiles = {}
    for path in sorted((SITES / "two_prefectures/prefectures").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        profiles[path.stem] = data
    groups = root.findall("body/outline")
    by_slug = {r.slug: r for r in REGIONS}
    expected_groups = [
        f"{r.en} ({r.ja})" for r in REGIONS if any(p["region"] == r.slug for p in profiles.values())
    ]
    assert [g.get("text") for g in groups] == expected_groups == ["Chugoku (中国地方)"]
    listed: dict[tuple[str, str], etree._Element] = {}
    for group in groups:
        for outline in group:
            match = re.fullmatch(rf"{DEV}/([a-z-]+)/(ja/)?feed\.xml", outline.get("xmlUrl"))
            slug, lang = match.group(1), "ja" if match.group(2) else "en"
            assert group.get("text").startswith(by_slug[profiles[slug]["region"]].en)
            assert (slug, lang) not in listed
            listed[(slug, lang)] = outline
        # each prefecture's English feed, then its Japanese one, side by side
        langs = [o.get("language") for o in group]
        assert langs == ["en", "ja"] * (len(group) // 2)
    assert set(listed) == {(slug, lang) for slug in profiles for lang in EDITION}
    for (slug, lang), outline in listed.items():
        name = profiles[slug]["name"]
        assert outline.get("type") == "rss"
        assert outline.get("language") == lang
        assert outline.get("htmlUrl") == f"{DEV}/{slug}/{EDITION[lang]}"
        if lang == "en":
            assert outline.get("text") == f"{name['en']} ({name['ja']})"
        else:
            assert name["ja"] in outline.get("text") and name["en"] not in outline.get("text")
        # the outline says the language the feed's channel declares
        feed = etree.parse(two_prefectures / slug / EDITION[lang] / "feed.xml")
        assert feed.findtext("channel/language") == lang
    # Subscribing to the whole file gives each prefecture once per edition: the national
    # feeds and the Atom copies, which hold the same items, are not listed.
    urls = [o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")]
    assert len(urls) == len(set(urls)) == len(profiles) * len(EDITION)


def test_opml_follows_siteurl(tmp_path):
    out = build_site(
        SITES / "two_prefectures", tmp_path / "out", siteurl="https://alumni.example.org"
    )
    urls = sorted(o.get("xmlUrl") for o in _opml(out).iter("outline") if o.get("xmlUrl"))
    assert urls == [
        "https://alumni.example.org/shimane/feed.xml",
        "https://alumni.example.org/shimane/ja/feed.xml",
        "https://alumni.example.org/tottori/feed.xml",
        "https://alumni.example.org/tottori/ja/feed.xml",
    ]
