"""Every page is small (HTML plus its CSS within 14 KB gzip), shows its content without JavaScript,
and sizes and lazy-loads its images."""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from tests.quality import site_pages

# What fits in a first TCP round trip (10 segments); HTML and CSS are compressed apart, as served.
BUDGET = 14 * 1024
# zlib's default level, what a web server's on-the-fly gzip uses.
GZIP_LEVEL = 6
CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?['"]?([^'")\s;]+)""")
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))


def _local_file(output: Path, reference: str, from_url: str) -> Path | None:
    """Give the build's file for a same-site reference, or None for another site."""
    base = site_pages.site_base(output)
    if base and reference.startswith(base):
        reference = "/" + reference[len(base) :]
    absolute = urlsplit(urljoin("http://build.invalid" + from_url, reference))
    if absolute.netloc != "build.invalid":
        return None
    return site_pages.file_for(output, absolute.path)


def _stylesheets(output: Path, page: Path) -> list[Path]:
    """List the CSS files a page loads: linked stylesheets and what they @import, once each."""
    url = site_pages.url_of(output, page)
    hrefs = [
        link.get("href", "")
        for link in site_pages.parse_html(page).xpath("//link[@href]")
        if "stylesheet" in (link.get("rel") or "").lower().split()
    ]
    pending = [(href, url) for href in hrefs]
    sheets: list[Path] = []
    while pending:
        href, from_url = pending.pop(0)
        sheet = _local_file(output, href, from_url)
        if sheet is None or sheet in sheets:
            continue
        sheets.append(sheet)
        text = sheet.read_text(encoding="utf-8")
        pending += [
            (m.group(1), site_pages.url_of(output, sheet)) for m in CSS_IMPORT.finditer(text)
        ]
    return sheets


def _fail(problems: list[str], what: str) -> None:
    if problems:
        pytest.fail(f"{len(problems)} {what}:\n" + "\n".join(problems), pytrace=False)


def test_every_page_with_its_css_fits_14_kb_gzipped(demo_output: Path) -> None:
    pages = site_pages.html_files(demo_output)
    assert pages, f"no .html file in {demo_output}"
    sizes: dict[Path, int] = {}
    problems = []
    for page in pages:
        parts = [page, *_stylesheets(demo_output, page)]
        for part in parts:
            if part not in sizes:
                sizes[part] = _gzip_size(part.read_bytes())
        total = sum(sizes[p] for p in parts)
        if total > BUDGET:
            detail = " + ".join(f"{p.relative_to(demo_output)} {sizes[p]} B" for p in parts)
            problems.append(f"{page.relative_to(demo_output)}: {total} B > {BUDGET} B ({detail})")
    _fail(problems, f"page(s) over the {BUDGET} B gzip budget")


def test_every_image_has_size_and_lazy_loading(demo_output: Path) -> None:
    problems = []
    for page in site_pages.html_files(demo_output):
        for img in site_pages.parse_html(page).xpath("//img"):
            wrong = [
                f"{name}={img.get(name)!r}"
                for name in ("width", "height")
                if not (img.get(name) or "").strip().isdigit() or int(img.get(name)) == 0
            ]
            if (img.get("loading") or "").strip().lower() != "lazy":
                wrong.append(f"loading={img.get('loading')!r}")
            if wrong:
                where = f"{page.relative_to(demo_output)}:{img.sourceline}"
                problems.append(
                    f"{where}: <img src={img.get('src')!r}> needs {', '.join(wrong)} fixed "
                    '(width and height in pixels, loading="lazy")'
                )
    _fail(problems, 'image(s) without width, height or loading="lazy"')


def test_every_page_has_its_content_in_the_static_html(demo_output: Path) -> None:
    problems = []
    for page in site_pages.html_files(demo_output):
        name = page.relative_to(demo_output).as_posix()
        tree = site_pages.parse_html(page)
        mains = tree.xpath("//main | //*[@role='main']")
        if len(mains) != 1:
            problems.append(f"{name}: has {len(mains)} <main> elements, not one")
            continue
        main = mains[0]
        if not " ".join(main.text_content().split()):
            problems.append(
                f"{name}: <main> has no text in the HTML (is it filled in by JavaScript?)"
            )
        if not tree.xpath("//h1[normalize-space()]"):
            problems.append(f"{name}: no <h1> with text")
        for noscript in tree.xpath("//body//noscript"):
            problems.append(
                f"{name}:{noscript.sourceline}: <noscript> means the page needs JavaScript"
            )
        for element in [main, *main.iterancestors()]:
            if element.get("hidden") is not None or HIDDEN_STYLE.search(element.get("style") or ""):
                problems.append(
                    f"{name}:{element.sourceline}: <{element.tag}> hides the main content"
                )
    _fail(problems, "page(s) whose content is not plain in the HTML")


# Pages that are their script (DESIGN.md: "search and the editor excepted, each on its own
# page"): without JavaScript they say what to do instead, which test_search.py checks.
SCRIPTED_KINDS = frozenset({"search", "search-ja"})

# Visible text of <main> and of its headings, read in one round trip.
MAIN_TEXT_JS = """() => {
  const main = document.querySelector("main, [role=main]");
  const shown = main && main.checkVisibility({visibilityProperty: true, opacityProperty: true});
  if (!shown) return ["", []];
  const squash = (s) => s.split(/\\s+/).filter(Boolean).join(" ");
  const headings = [...main.querySelectorAll("h1, h2, h3")].map((h) => squash(h.innerText));
  return [squash(main.innerText), headings];
}"""


def _main_text(page: Any) -> tuple[str, list[str]]:
    """Give the visible text of <main> and of its headings."""
    text, headings = page.evaluate(MAIN_TEXT_JS)
    return text, headings


@pytest.mark.browser
def test_representative_pages_show_the_same_content_without_javascript(
    representative_pages: dict[str, str], open_page: Callable
) -> None:
    problems = []
    for kind, url in representative_pages.items():
        if kind in SCRIPTED_KINDS:
            continue  # checked by tests/quality/test_search.py: form with, lists without
        with_js, js_headings = _main_text(open_page(url).page)
        without_js, headings = _main_text(open_page(url, javascript=False).page)
        if not without_js:
            problems.append(f"{kind} {url}: <main> is empty or hidden with JavaScript off")
            continue
        lost = [h for h in js_headings if h not in headings]
        if lost:
            problems.append(f"{kind} {url}: with JavaScript off these headings are missing: {lost}")
        if len(without_js) < 0.9 * len(with_js):
            problems.append(
                f"{kind} {url}: with JavaScript off <main> shows {len(without_js)} characters, "
                f"with it on {len(with_js)}"
            )
    _fail(problems, "page(s) that need JavaScript to show their content")
