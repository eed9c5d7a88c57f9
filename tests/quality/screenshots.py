"""Save PNG screenshots of each page type of a built site at phone and desktop widths.

Usage: python -m tests.quality.screenshots OUTPUT_DIR DEST_DIR [--full-page]  (make screenshots)
Writes DEST_DIR/<page type>-<phone|desktop>.png (home-phone.png, article-desktop.png, ...),
the national map alone (map-phone.png, map-ja-desktop.png, ...) and, in dark colours,
<page type>-<phone|desktop>-dark.png of the pages in DARK_KINDS.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tests.quality import harness, site_pages

# Wait for web fonts and two frames after "load", so the picture shows the finished page.
SETTLE_JS = """() => document.fonts.ready.then(() => new Promise((done) =>
  requestAnimationFrame(() => requestAnimationFrame(done))))"""


# Pages also captured with prefers-color-scheme: dark.
DARK_KINDS = ("home", "prefecture", "prefecture-empty", "article")
# The national map, captured alone (the first screen of a phone shows only its start).
MAP_KINDS = {"home": "map", "home-ja": "map-ja"}


def take_screenshots(output: Path, dest: Path, full_page: bool = False) -> list[Path]:
    """Screenshot one page of each type of the build at each width; give the files written."""
    from playwright.sync_api import sync_playwright

    pages = site_pages.pick_pages(output)
    missing = site_pages.missing_kinds(pages)
    if missing:
        print(f"warning: the build has no page of type {', '.join(missing)}", file=sys.stderr)
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    with harness.serve(output) as site_url, sync_playwright() as playwright:
        browser = harness.launch_chromium(playwright)
        try:
            runs = [(w, v, "light") for w, v in harness.VIEWPORTS.items()]
            runs += [(w, v, "dark") for w, v in harness.VIEWPORTS.items()]
            for width, viewport, scheme in runs:
                context = browser.new_context(
                    viewport=viewport, reduced_motion="reduce", color_scheme=scheme
                )
                foreign: list[str] = []
                harness.block_other_hosts(context, foreign)
                page = context.new_page()
                for kind, url in pages.items():
                    if scheme == "dark" and kind not in DARK_KINDS:
                        continue
                    page.goto(site_url + url.lstrip("/"), wait_until="load")
                    page.evaluate(SETTLE_JS)
                    suffix = "-dark" if scheme == "dark" else ""
                    target = dest / f"{kind}-{width}{suffix}.png"
                    page.screenshot(path=str(target), full_page=full_page, animations="disabled")
                    written.append(target)
                    print(
                        f"{target}  ({url} at {viewport['width']}x{viewport['height']}, {scheme})"
                    )
                    if kind in MAP_KINDS and scheme == "light" and page.locator("#map").count():
                        target = dest / f"{MAP_KINDS[kind]}-{width}.png"
                        page.locator(".map-section").screenshot(
                            path=str(target), animations="disabled"
                        )
                        written.append(target)
                        print(f"{target}  (the map of {url} at {viewport['width']} px)")
                context.close()
                for url in sorted(set(foreign)):
                    print(f"warning: blocked a request to another host: {url}", file=sys.stderr)
        finally:
            browser.close()
    return written


def email_screenshot(output: Path, dest: Path) -> Path | None:
    """Save the newest digest email of the richest prefecture, whole, at 600 px."""
    from playwright.sync_api import sync_playwright

    pages = site_pages.pick_pages(output)
    issue = pages.get("digest")
    if issue is None:
        return None
    email = output / issue.lstrip("/") / "email.html"
    target = dest / "digest-email.png"
    with sync_playwright() as playwright:
        browser = harness.launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 600, "height": 900})
            page.goto(email.resolve().as_uri(), wait_until="load")
            page.evaluate(SETTLE_JS)
            page.screenshot(path=str(target), full_page=True, animations="disabled")
        finally:
            browser.close()
    print(f"{target}  ({issue}email.html at 600 px)")
    return target


def main(argv: list[str] | None = None) -> int:
    """Run the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="the built site (such as output/)")
    parser.add_argument(
        "dest", type=Path, help="where to save the PNG files (such as docs/screenshots/)"
    )
    parser.add_argument(
        "--full-page", action="store_true", help="capture whole pages, not the first screen"
    )
    args = parser.parse_args(argv)
    if not (args.output / "index.html").is_file():
        parser.error(f"{args.output} has no index.html: build the site first (make html)")
    if not harness.CHROMIUM_PATH.is_file():
        parser.error(
            f"{harness.CHROMIUM_PATH} not found: apt-get install chromium fonts-ipafont-gothic"
        )
    take_screenshots(args.output, args.dest, full_page=args.full_page)
    email_screenshot(args.output, args.dest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
