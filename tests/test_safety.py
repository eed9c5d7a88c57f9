"""Unsafe raw HTML is reported at its line by make check, and never reaches the output."""

from __future__ import annotations

import lxml.html
import nh3
import pytest

from furusato.errors import ContentError
from furusato.reading import safety
from furusato.reading.markup import Renderer
from tests.sitebuild import build_site, copy_site, page

SOURCE = "tottori/articles/x.md"

# (Markdown, [(body line, field, message)]) for each kind of HTML the sanitizer removes
UNSAFE = [
    (
        "Hi\n\n<script>alert(1)</script>",
        [
            (
                3,
                "html",
                "<script> is not allowed (scripts, styles and plug-ins cannot be "
                "published); remove it",
            )
        ],
    ),
    (
        '<span onclick="steal()">x</span>',
        [
            (
                1,
                "html",
                "the onclick attribute on <span> is not allowed (event handlers run "
                "scripts); remove it",
            )
        ],
    ),
    (
        "One\ntwo [click](javascript:alert(1))",
        [
            (
                2,
                "html",
                "'javascript:alert(1)' is not allowed as the href of <a> (addresses must "
                "start with https://, http:// or mailto:, or name a file in the "
                "repository); remove it",
            )
        ],
    ),
    (
        '<img src="data:image/png;base64,AAAA" alt="dot">',
        [
            (
                1,
                "html",
                "'data:image/png;base64,AAAA' is not allowed as the src of <img> "
                "(addresses must start with https://, http:// or mailto:, or name a file "
                "in the repository); remove it",
            )
        ],
    ),
    (
        '<iframe src="https://evil.example/x" title="x"></iframe>',
        [
            (
                1,
                "html",
                "an <iframe> showing 'https://evil.example/x' is not allowed (only https "
                "videos from player.vimeo.com, www.youtube-nocookie.com, www.youtube.com); "
                "remove it, or write a link instead",
            )
        ],
    ),
    (
        '<iframe src="http://www.youtube.com/embed/x" title="x"></iframe>',
        [
            (
                1,
                "html",
                "an <iframe> showing 'http://www.youtube.com/embed/x' is not allowed "
                "(only https videos from player.vimeo.com, www.youtube-nocookie.com, "
                "www.youtube.com); remove it, or write a link instead",
            )
        ],
    ),
    (
        '<form action="https://example.org/">\n<input name="q">\n</form>',
        [
            (
                1,
                "html",
                "<form> is not allowed (forms cannot be published; link to a "
                "registration page instead); remove it",
            ),
            (
                2,
                "html",
                "<input> is not allowed (forms cannot be published; link to a "
                "registration page instead); remove it",
            ),
        ],
    ),
    (
        '<a href="https://example.org/" target="_blank">x</a>',
        [(1, "html", "the target attribute on <a> is not allowed; remove it")],
    ),
    (
        "Put it in content/<prefecture>/images/",
        [
            (
                1,
                "html",
                "<prefecture> is not allowed (see 'HTML you can use' in CONTRIBUTING.md); "
                "remove it, or, if you meant the text <prefecture>, put it in `backticks`",
            )
        ],
    ),
    (
        'A link{: onmouseover="x()" }\n\nB [a](https://example.org/){: onclick=y}',
        [
            (
                3,
                "html",
                "the onclick attribute on <a> is not allowed (event handlers run "
                "scripts); remove it",
            )
        ],
    ),
    (
        "![](../images/dunes.svg)",
        [
            (
                1,
                "alt",
                "the picture '../images/dunes.svg' has no description for readers who "
                "cannot see it; write one between the brackets: "
                "![what the picture shows](../images/dunes.svg)",
            )
        ],
    ),
    (
        "Text\n\n![Dunes](https://example.org/dunes.jpg)",
        [
            (
                3,
                "image",
                "'https://example.org/dunes.jpg' is a picture on another site; save it "
                "in content/<prefecture>/images/ and write ![what it shows]"
                "(../images/<file name>)",
            )
        ],
    ),
]

UNSAFE.append(
    (
        "![Dunes](/tottori/images/dunes.svg)",
        [
            (
                1,
                "image",
                "'/tottori/images/dunes.svg' starts with '/'; write the path from the "
                "article's folder, such as ../images/<file name>",
            )
        ],
    )
)

UNSAFE.append(
    (
        "Write `<script>` as code:\n\n```html\n<script>x</script>\n```\n\nBut <script>y</script>",
        [
            (
                7,
                "html",
                "<script> is not allowed (scripts, styles and plug-ins cannot be "
                "published); remove it",
            )
        ],
    )
)

UNSAFE.append(
    (
        '<blockquote cite="javascript:alert(1)">Quote</blockquote>',
        [
            (
                1,
                "html",
                "'javascript:alert(1)' is not allowed as the cite of <blockquote> "
                "(addresses must start with https://, http:// or mailto:, or name a file "
                "in the repository); remove it",
            )
        ],
    )
)

# Markdown and HTML that is fine: nothing to report, nothing removed but class/id/comments
SAFE = [
    "Plain **bold** text with a [link](https://example.org/) and <mailto:a@example.org>.",
    "`<script>` in code is text.\n\n    <iframe src=x></iframe>\n\n```\n<form>\n```",
    '<iframe src="https://www.youtube-nocookie.com/embed/abc" title="Video" '
    "allowfullscreen></iframe>",
    '<figure><img src="../images/dunes.svg" alt="Dunes"><figcaption>Dunes</figcaption></figure>',
    "| a | b |\n|:--|--:|\n| 1 | 2 |",
    "Footnote[^1].\n\n[^1]: The note.",
    '<span lang="ja" title="Tottori">鳥取</span> and <abbr title="Japan Exchange">JET</abbr>',
    "A paragraph{: .lead #intro }",
    "<!-- a note for reviewers -->",
]


def render(body: str):
    return Renderer().render(body, SOURCE)


@pytest.mark.parametrize(("body", "expected"), UNSAFE)
def test_each_unsafe_kind_is_reported_on_its_line(body, expected):
    found = [(f.line, f.field, f.message) for f in render(body).findings]
    assert found == expected


@pytest.mark.parametrize("body", SAFE)
def test_safe_markup_is_not_reported(body):
    assert render(body).findings == ()


def _inventory(html: str) -> list[tuple[str, tuple[str, ...]]]:
    """Every element and its attributes, without those Markdown adds and the sanitizer drops."""
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    return [
        (el.tag, tuple(sorted(a for a in el.attrib if a not in safety.QUIETLY_DROPPED)))
        for el in tree.iter()
        if isinstance(el.tag, str) and el is not tree
    ]


@pytest.mark.parametrize("body", [b for b, _ in UNSAFE] + SAFE)
def test_check_reports_exactly_what_the_sanitizer_removes(body):
    """make check and the build agree: a finding if and only if nh3 would remove something."""
    import markdown

    raw = markdown.Markdown(
        extensions=["extra", "sane_lists"],
        extension_configs={"extra": {"tables": {"use_align_attribute": True}}},
    ).convert(body)
    rendered = render(body)
    removed = _inventory(raw) != _inventory(
        rendered.html.replace(' loading="lazy"', "").replace(' rel="noopener"', "")
    )
    reported = any(f.field in ("html", "image") for f in rendered.findings)
    assert reported == removed


def test_sanitizer_output_has_nothing_unsafe():
    html = render("\n\n".join(b for b, _ in UNSAFE)).html
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    for el in tree.iter():
        if el is tree or not isinstance(el.tag, str):
            continue
        assert el.tag in safety.TAGS
        for name, value in el.attrib.items():
            assert not name.startswith("on"), (el.tag, name)
            assert name in safety.ATTRIBUTES.get(el.tag, set()) | safety.GENERIC_ATTRIBUTES | {
                "rel",
                "loading",
            }
            if name in safety.URL_ATTRIBUTES:
                assert value.startswith(("https://", "http://", "mailto:", "furusato:", "#"))
        if el.tag == "iframe" and "src" in el.attrib:
            assert safety.is_allowed_embed(el.get("src"))
        if el.tag == "img":
            assert el.get("src", "furusato:").startswith("furusato:")


def test_generic_attributes_match_the_sanitizer():
    cleaned = nh3.clean('<span lang="ja" title="t" dir="rtl" style="x">a</span>')
    kept = set(lxml.html.fragment_fromstring(cleaned).attrib)
    assert kept == set(safety.GENERIC_ATTRIBUTES)


def test_links_to_other_sites_get_noopener():
    html = render(
        '[a](https://example.org/) <a title="t" href="http://example.org/b">b</a> '
        "[c](#top) [d](mailto:a@example.org)"
    ).html
    links = lxml.html.fragment_fromstring(html, create_parent="div").xpath("//a")
    assert [(a.get("href"), a.get("rel")) for a in links] == [
        ("https://example.org/", "noopener"),
        ("http://example.org/b", "noopener"),
        ("#top", None),
        ("mailto:a@example.org", None),
    ]


ARTICLE = """---
title: Video and table
date: 2026-05-01
author: amy-chen
summary: Allowed HTML.
---
<iframe src="https://www.youtube-nocookie.com/embed/abc" title="A video"></iframe>

| Place | Visitors |
|:------|---------:|
| Dunes | 1000     |

Read [more](https://example.org/more).
"""


def test_unsafe_html_stops_the_build_and_nothing_is_written(tmp_path):
    bad = ARTICLE.replace("Read [more]", "<script>alert(1)</script>\n\nRead [more]")
    root = copy_site(
        "two_prefectures", tmp_path / "site", {"content/tottori/articles/2026-05-01-video.md": bad}
    )
    out = tmp_path / "out"
    with pytest.raises(ContentError) as info:
        build_site(root, out)
    assert [p.format() for p in info.value.problems] == [
        "content/tottori/articles/2026-05-01-video.md:13: html: <script> is not allowed "
        "(scripts, styles and plug-ins cannot be published); remove it"
    ]
    assert not out.exists()


def test_allowed_html_reaches_the_page(tmp_path):
    root = copy_site(
        "two_prefectures",
        tmp_path / "site",
        {"content/tottori/articles/2026-05-01-video.md": ARTICLE},
    )
    out = build_site(root, tmp_path / "out")
    tree = page(out, "/tottori/articles/video/")
    assert tree.xpath("//iframe/@src") == ["https://www.youtube-nocookie.com/embed/abc"]
    assert tree.xpath("//td/@align") == ["left", "right"]
    assert tree.xpath("//a[@href='https://example.org/more']/@rel") == ["noopener"]
    assert not tree.xpath("//script[not(@src) and contains(., 'alert')]")
