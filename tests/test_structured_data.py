"""Sharing tags and structured data in every page's head: Open Graph and Twitter card tags
(absolute, escaped), and JSON-LD (BlogPosting, Event, Organization, BreadcrumbList) parsed
back with json, including text written to break out of the script element."""

from __future__ import annotations

import io
import json
from pathlib import Path

import lxml.html
import pytest
from PIL import Image

from furusato.sharing import script_json
from tests.quality.site_pages import is_email
from tests.sitebuild import build_site, copy_site

SITEURL = "https://alumni.example.org"
HOSTILE = "</script><script>alert(1)</script> <!-- & \"quotes\" 'and' </SCRIPT"
PUBLISHER = {"en": "Example Alumni Network", "ja": "例示同窓会"}
ARTICLE = f"""---
title: '{HOSTILE.replace("'", "''")}'
date: 2026-05-02
updated: 2026-05-09
author: amy-chen
summary: A photo of the dunes & sea.
tags: [dunes]
image: images/dunes-photo.png
image_alt: Dunes at dusk
---
Body.
"""
CANCELLED = """---
title: Cancelled picnic
start: 2026-12-12
all_day: true
venue: {name: Example Park, address: 1 Park Road, city: Leeds, country: United Kingdom}
online_url: https://example.org/stream/picnic
organizer: amy-chen
summary: A picnic, also streamed.
posted: 2026-10-01
status: cancelled
changes:
  - {date: 2026-11-20, note: Cancelled because of the weather.}
---
Picnic.
"""
ONLINE = """---
title: Online tea
start: 2026-12-13 10:00
end: 2026-12-13 11:00
timezone: Asia/Tokyo
online_url: https://example.org/stream/tea
organizer: ken-sato
summary: Tea online.
---
Tea.
"""
MOVED = """---
title: Moved talk
start: 2026-12-14 10:00
end: 2026-12-14 11:00
timezone: Europe/Paris
venue: {name: Riverside Hall, city: Paris, country: France}
online_url: https://example.org/stream/talk
organizer: ken-sato
summary: A talk.
status: moved-online
changes:
  - {date: 2026-11-21, note: Online only now.}
---
Talk.
"""
POSTPONED = """---
title: Postponed walk
start: 2026-12-15 10:00
end: 2026-12-15 12:00
timezone: Asia/Tokyo
venue: {name: Example Trail, city: Tottori, country: Japan}
organizer: ken-sato
summary: A walk.
status: postponed
changes:
  - {date: 2026-11-21, note: Postponed.}
---
Walk.
"""
RESCHEDULED = POSTPONED.replace("Postponed walk", "Rescheduled walk").replace(
    "status: postponed", "status: postponed\nrescheduled_from: 2026-12-01 10:00"
)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 420), (200, 170, 120)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("structured")
    root = copy_site(
        "two_prefectures",
        base / "site",
        {
            "content/tottori/articles/2026-05-02-hostile.md": ARTICLE,
            "content/tottori/events/2026-12-12-cancelled-picnic.md": CANCELLED,
            "content/tottori/events/2026-12-13-online-tea.md": ONLINE,
            "content/tottori/events/2026-12-14-moved-talk.md": MOVED,
            "content/tottori/events/2026-12-15-postponed-walk.md": POSTPONED,
            "content/tottori/events/2026-12-16-rescheduled-walk.md": RESCHEDULED,
        },
    )
    (root / "content/tottori/images/dunes-photo.png").write_bytes(png())
    return build_site(root, base / "out", siteurl=SITEURL, FURUSATO_PUBLISHER=PUBLISHER)


def pages(out: Path) -> list[Path]:
    """Every page readers share: not the 404 page, the editor at /admin/ (noindex) or a
    digest's email HTML (a letter, not a page)."""
    return sorted(
        p
        for p in out.rglob("*.html")
        if p.name != "404.html" and p.relative_to(out).parts[0] != "admin" and not is_email(p)
    )


def head(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes()).find("head")


def meta(tree: lxml.html.HtmlElement) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name")
        if key and (key.startswith(("og:", "twitter:"))):
            found.setdefault(key, []).append(element.get("content"))
    return found


def json_ld(tree: lxml.html.HtmlElement) -> list[dict]:
    """Return the JSON-LD nodes of a page's head (a @graph is unfolded)."""
    blocks = tree.xpath("//script[@type='application/ld+json']")
    nodes = []
    for block in blocks:
        data = json.loads(block.text)
        assert data["@context"] == "https://schema.org"
        nodes += data.get("@graph", [data])
    return nodes


def of_type(nodes: list[dict], kind: str) -> dict:
    found = [n for n in nodes if n["@type"] == kind]
    assert len(found) == 1, (kind, nodes)
    return found[0]


def url_of(out: Path, path: Path) -> str:
    rel = path.relative_to(out).as_posix().removesuffix("index.html")
    return f"{SITEURL}/{rel}"


REQUIRED = (
    "og:type",
    "og:site_name",
    "og:title",
    "og:description",
    "og:url",
    "og:locale",
    "og:image",
    "og:image:alt",
    "twitter:card",
    "twitter:title",
    "twitter:description",
    "twitter:image",
    "twitter:image:alt",
)


def test_every_page_has_open_graph_and_twitter_tags_with_absolute_urls(site: Path) -> None:
    checked = 0
    for path in pages(site):
        tree = head(path)
        tags = meta(tree)
        where = path.relative_to(site).as_posix()
        assert [k for k in REQUIRED if len(tags.get(k, [])) != 1] == [], where
        assert all(v.strip() for k in REQUIRED for v in tags[k]), where
        assert tags["og:url"] == [url_of(site, path)], where
        assert tree.xpath("link[@rel='canonical']/@href") == tags["og:url"], where
        assert tags["og:image"][0].startswith(SITEURL + "/"), where
        assert tags["twitter:image"] == tags["og:image"], where
        assert tags["twitter:card"] == ["summary_large_image"], where
        assert tags["og:type"][0] in ("article", "website"), where
        lang = lxml.html.fromstring(path.read_bytes()).get("lang")
        assert tags["og:locale"] == [{"en": "en_US", "ja": "ja_JP"}[lang]], where
        hreflangs = set(tree.xpath("link[@rel='alternate'][@hreflang]/@hreflang")) - {
            "x-default",
            lang,
        }
        expected = sorted({"en": "en_US", "ja": "ja_JP"}[code] for code in hreflangs)
        assert sorted(tags.get("og:locale:alternate", [])) == expected, where
        if tags["og:image"][0].endswith("/theme/img/card.png"):
            assert (tags["og:image:width"], tags["og:image:height"]) == (["1200"], ["630"])
        checked += 1
    assert checked > 50


def test_the_default_card_is_a_1200_by_630_png(site: Path) -> None:
    for name, size in (("card.png", (1200, 630)), ("card-square.png", (512, 512))):
        with Image.open(site / "theme/img" / name) as picture:
            assert (picture.format, picture.size) == ("PNG", size)


def test_an_article_shares_its_own_picture_unless_it_is_svg(site: Path) -> None:
    own = meta(head(site / "tottori/articles/hostile/index.html"))
    assert own["og:image"] == [f"{SITEURL}/tottori/images/dunes-photo.png"]
    assert (own["og:image:width"], own["og:image:height"]) == (["800"], ["420"])
    assert own["og:image:alt"] == ["Dunes at dusk"]
    svg = meta(head(site / "tottori/articles/article-11/index.html"))
    assert svg["og:image"] == [f"{SITEURL}/theme/img/card.png"]
    assert svg["og:type"] == ["article"]


def test_hostile_text_stays_inside_the_json_ld_block(site: Path) -> None:
    raw = (site / "tottori/articles/hostile/index.html").read_text(encoding="utf-8")
    tree = lxml.html.fromstring(raw)
    scripts = tree.xpath("//script")
    assert [s.get("type") for s in scripts] == ["application/ld+json"]
    head_html = raw.split("</head>", 1)[0]
    assert head_html.count("<script") == 1 and head_html.lower().count("</script") == 1
    nodes = json_ld(tree.find("head"))
    posting = of_type(nodes, "BlogPosting")
    assert posting["headline"] == HOSTILE  # parses back to the exact text
    assert of_type(nodes, "BreadcrumbList")["itemListElement"][-1]["name"] == HOSTILE
    assert meta(tree.find("head"))["og:title"] == [HOSTILE]
    block = scripts[0].text
    assert "<" not in block and ">" not in block and "&" not in block


def test_script_json_escapes_what_could_end_the_element() -> None:
    text = str(script_json({"a": "</script><!-- & \u2028"}))
    assert text == '{"a":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028"}'
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_article_pages_describe_a_blog_posting(site: Path) -> None:
    nodes = json_ld(head(site / "tottori/articles/hostile/index.html"))
    posting = of_type(nodes, "BlogPosting")
    url = f"{SITEURL}/tottori/articles/hostile/"
    assert posting["datePublished"] == "2026-05-02T00:00:00+09:00"
    assert posting["dateModified"] == "2026-05-09T00:00:00+09:00"
    assert posting["author"] == {
        "@type": "Person",
        "name": "Amy Chen",
        "url": f"{SITEURL}/tottori/ambassadors/amy-chen/",
    }
    assert posting["publisher"]["@type"] == "Organization"
    assert posting["publisher"]["name"] == PUBLISHER["en"]
    assert posting["publisher"]["logo"]["url"] == f"{SITEURL}/theme/img/card-square.png"
    assert posting["image"]["url"] == f"{SITEURL}/tottori/images/dunes-photo.png"
    assert posting["inLanguage"] == "en"
    assert posting["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert posting["description"] == "A photo of the dunes & sea."
    japanese = json_ld(head(site / "tottori/articles/suna-no-oka/index.html"))
    assert of_type(japanese, "BlogPosting")["inLanguage"] == "ja"
    assert of_type(japanese, "BlogPosting")["publisher"]["name"] == PUBLISHER["ja"]


def event(site: Path, slug: str) -> dict:
    return of_type(json_ld(head(site / f"tottori/events/{slug}/index.html")), "Event")


def test_event_pages_describe_an_event_with_its_status(site: Path) -> None:
    london = event(site, "london-evening")
    assert london["name"] == "Tottori evening in London"
    assert london["startDate"] == "2026-12-05T18:30:00+00:00"
    assert london["endDate"] == "2026-12-05T21:00:00+00:00"
    assert london["eventStatus"] == "https://schema.org/EventScheduled"
    assert london["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert london["location"] == {
        "@type": "Place",
        "name": "Riverside hall",
        "address": {
            "@type": "PostalAddress",
            "addressLocality": "London",
            "addressCountry": "United Kingdom",
        },
    }
    assert london["organizer"]["name"] == "Amy Chen"
    assert london["organizer"]["url"] == f"{SITEURL}/tottori/ambassadors/amy-chen/"
    assert london["description"] == "An evening in London."
    assert london["image"]["url"] == f"{SITEURL}/theme/img/card.png"
    assert "offers" not in london  # the cost is free text: no price is invented

    picnic = event(site, "cancelled-picnic")
    assert picnic["eventStatus"] == "https://schema.org/EventCancelled"
    assert picnic["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert picnic["startDate"] == picnic["endDate"] == "2026-12-12"
    assert [place["@type"] for place in picnic["location"]] == ["Place", "VirtualLocation"]
    assert picnic["location"][0]["address"]["streetAddress"] == "1 Park Road"
    assert picnic["location"][1]["url"] == "https://example.org/stream/picnic"

    tea = event(site, "online-tea")
    assert tea["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert tea["location"] == {"@type": "VirtualLocation", "url": "https://example.org/stream/tea"}

    moved = event(site, "moved-talk")
    assert moved["eventStatus"] == "https://schema.org/EventMovedOnline"
    assert moved["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert moved["location"] == {
        "@type": "VirtualLocation",
        "url": "https://example.org/stream/talk",
    }
    assert event(site, "postponed-walk")["eventStatus"] == "https://schema.org/EventPostponed"
    rescheduled = event(site, "rescheduled-walk")
    assert rescheduled["eventStatus"] == "https://schema.org/EventRescheduled"
    assert rescheduled["previousStartDate"] == "2026-12-01T10:00:00+09:00"
    assert rescheduled["startDate"] == "2026-12-15T10:00:00+09:00"


def test_the_portal_home_describes_the_publisher(site: Path) -> None:
    for path, name in (("index.html", PUBLISHER["en"]), ("ja/index.html", PUBLISHER["ja"])):
        nodes = json_ld(head(site / path))
        assert [n["@type"] for n in nodes] == ["Organization"]
        organization = nodes[0]
        assert organization["name"] == name
        assert organization["url"] == url_of(site, site / path)
        assert organization["logo"]["url"] == f"{SITEURL}/theme/img/card-square.png"
        assert "sameAs" not in organization  # no setting names other profiles


def test_every_page_below_home_has_a_breadcrumb_trail(site: Path) -> None:
    for path in pages(site):
        if path.relative_to(site).as_posix() in ("index.html", "ja/index.html"):
            continue
        where = path.relative_to(site).as_posix()
        trail = of_type(json_ld(head(path)), "BreadcrumbList")["itemListElement"]
        assert [item["position"] for item in trail] == list(range(1, len(trail) + 1)), where
        assert trail[0]["item"] in (f"{SITEURL}/", f"{SITEURL}/ja/"), where
        assert trail[-1]["item"] == url_of(site, path), where
        assert all(item["name"] and item["item"].startswith(SITEURL) for item in trail), where
    trail = of_type(json_ld(head(site / "tottori/ja/events/index.html")), "BreadcrumbList")
    assert [(i["name"], i["item"]) for i in trail["itemListElement"]] == [
        ("ホーム", f"{SITEURL}/ja/"),
        ("鳥取県", f"{SITEURL}/tottori/ja/"),
        ("イベント", f"{SITEURL}/tottori/ja/events/"),
    ]


def test_a_development_build_shares_the_dev_server_address(tmp_path: Path) -> None:
    out = build_site(copy_site("two_prefectures", tmp_path / "site"), tmp_path / "out")
    tags = meta(head(out / "tottori/index.html"))
    assert tags["og:url"] == ["http://127.0.0.1:8000/tottori/"]
    assert tags["og:image"] == ["http://127.0.0.1:8000/theme/img/card.png"]
    organization = of_type(json_ld(head(out / "index.html")), "Organization")
    assert organization["name"] == "Furusato"  # no publisher set: the site's name
