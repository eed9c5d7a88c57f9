"""The digest email in real Chromium, as a mail program's web view shows it: one column that
fits 600 px and 320 px screens without sideways scrolling, text of 14 px or more, readable in
dark mode; every email of the demo build checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

MIN_TEXT_PX = 14  # the smallest text the email may show (meta lines, footer)
WIDTHS = (600, 320)

# Every visible element that holds text directly: its font size and whether it overflows.
MEASURE_JS = """() => {
  const small = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const style = getComputedStyle(el);
    if (!own || style.display === 'none' || el.closest('.preheader')) continue;
    const size = parseFloat(style.fontSize);
    if (size < MIN_TEXT_PX) small.push(`${el.tagName.toLowerCase()}.${el.className}: ${size}px`);
  }
  return {scroll: document.documentElement.scrollWidth, width: window.innerWidth, small};
}""".replace("MIN_TEXT_PX", str(MIN_TEXT_PX))

# Relative luminance contrast (WCAG) of an element's text on its table cell's background.
CONTRAST_JS = """(selector) => {
  const lum = (c) => {
    const [r, g, b] = c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number).map(v => {
      v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const el = document.querySelector(selector);
  let bg = el;
  while (bg && getComputedStyle(bg).backgroundColor === 'rgba(0, 0, 0, 0)') bg = bg.parentElement;
  const a = lum(getComputedStyle(el).color), b = lum(getComputedStyle(bg).backgroundColor);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def _emails(demo_output: Path) -> list[Path]:
    found = sorted(demo_output.rglob("digest/*/email.html"))
    assert found, "the demo build wrote no digest email"
    return found


def test_every_digest_email_fits_narrow_screens_with_readable_text(
    demo_output: Path, chromium_browser: Any
) -> None:
    problems = []
    for width in WIDTHS:
        context = chromium_browser.new_context(viewport={"width": width, "height": 800})
        context.route(
            "**/*",
            lambda route: (
                route.abort() if not route.request.url.startswith("file:") else route.continue_()
            ),
        )
        page = context.new_page()
        for email in _emails(demo_output):
            page.goto(email.resolve().as_uri(), wait_until="load")
            found = page.evaluate(MEASURE_JS)
            name = email.relative_to(demo_output).as_posix()
            if found["scroll"] > found["width"]:
                problems.append(f"{name} at {width}px: {found['scroll']}px wide")
            problems += [f"{name} at {width}px: {s}" for s in found["small"]]
        context.close()
    assert problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_digest_email_reads_in_light_and_dark_mode(
    demo_output: Path, chromium_browser: Any, scheme: str
) -> None:
    email = demo_output / "tottori" / "digest" / "2026-11" / "email.html"
    context = chromium_browser.new_context(
        viewport={"width": 600, "height": 800}, color_scheme=scheme
    )
    page = context.new_page()
    page.goto(email.resolve().as_uri(), wait_until="load")
    for selector in (".summary", ".meta", ".item-title a", ".title", ".note"):
        ratio = page.evaluate(CONTRAST_JS, selector)
        assert ratio >= 4.5, f"{selector} in {scheme} mode: contrast {ratio:.2f}"
    context.close()
