"""Draw the default share card (1200×630) and the square publisher logo (512×512) as PNG files in
theme/static/img/, from an HTML design with the 47 prefectures' map tiles, in headless Chromium.

Usage: python theme/cards/make_cards.py  (make share-card). The PNGs are committed: social
networks do not render SVG, so pages name these files in og:image and in their JSON-LD.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "theme" / "static" / "img"
CHROMIUM = "/usr/bin/chromium"
TILE, GAP = 30, 4  # px of one prefecture's square on the card's map, and the gap between

STYLE = """
* { margin: 0; box-sizing: border-box; }
body { width: %(w)dpx; height: %(h)dpx; overflow: hidden; background: #9b1c2c; color: #fff;
  font-family: "DejaVu Sans", "IPAGothic", sans-serif; }
.card { position: relative; width: 100%%; height: 100%%; display: flex; }
.words { flex: 1; padding: 64px 0 56px 72px; display: flex; flex-direction: column;
  justify-content: space-between; }
.name { font-size: 92px; font-weight: 700; letter-spacing: -1px; line-height: 1; }
.name span { display: block; font-family: "IPAGothic", sans-serif; font-size: 56px;
  font-weight: 400; margin-top: 18px; letter-spacing: 4px; }
.lead { font-size: 30px; line-height: 1.35; max-width: 560px; }
.lead span { display: block; font-family: "IPAGothic", sans-serif; font-size: 26px;
  margin-top: 10px; opacity: 0.92; }
.map { position: relative; width: %(map_w)dpx; margin: 56px 56px 0 0; }
.tile { position: absolute; width: %(tile)dpx; height: %(tile)dpx; border-radius: 5px;
  background: #fff; opacity: 0.9; }
.tile.sea { background: #f5d0d6; }
.logo { width: 512px; height: 512px; display: flex; flex-direction: column; align-items: center;
  justify-content: center; gap: 28px; }
.logo .map { margin: 0; }
.logo .kana { font-family: "IPAGothic", sans-serif; font-size: 64px; letter-spacing: 6px; }
"""


def tiles() -> list[tuple[int, int]]:
    """Return each prefecture's (column, row) on the national tile map, from its profile."""
    found = []
    for path in sorted((REPO / "prefectures").glob("*.yaml")):
        tile = yaml.safe_load(path.read_text(encoding="utf-8"))["tile"]
        found.append((int(tile["col"]), int(tile["row"])))
    return found


def map_html(scale: float = 1.0) -> tuple[str, int, int]:
    """Return the tile map as absolutely placed squares, and its width and height in px."""
    squares = tiles()
    step = (TILE + GAP) * scale
    size = TILE * scale
    cols = max(c for c, _ in squares) + 1
    rows = max(r for _, r in squares) + 1
    cells = "".join(
        f'<div class="tile" style="left:{c * step:.0f}px;top:{r * step:.0f}px;'
        f'width:{size:.0f}px;height:{size:.0f}px"></div>'
        for c, r in squares
    )
    return cells, round(cols * step), round(rows * step)


def card_html() -> str:
    cells, width, height = map_html()
    css = STYLE % {"w": 1200, "h": 630, "map_w": width, "tile": TILE}
    name = "Furusato<span>ふるさと</span>"
    lead = (
        "JET Programme alumni in all 47 prefectures of Japan"
        f"<span>{html.escape('全47都道府県のJETプログラム元参加者')}</span>"
    )
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{css}</style></head><body>"
        f"<div class='card'><div class='words'><p class='name'>{name}</p>"
        f"<p class='lead'>{lead}</p></div>"
        f"<div class='map' style='height:{height}px'>{cells}</div></div></body></html>"
    )


def logo_html() -> str:
    cells, width, height = map_html(scale=0.62)
    css = STYLE % {"w": 512, "h": 512, "map_w": width, "tile": TILE}
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{css}</style></head><body>"
        f"<div class='logo'><div class='map' style='width:{width}px;height:{height}px'>"
        f"{cells}</div><p class='kana'>ふるさと</p></div></body></html>"
    )


def main() -> int:
    """Write card.png and card-square.png."""
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            for name, markup, (width, height) in (
                ("card.png", card_html(), (1200, 630)),
                ("card-square.png", logo_html(), (512, 512)),
            ):
                page = browser.new_page(viewport={"width": width, "height": height})
                page.set_content(markup, wait_until="load")
                page.screenshot(path=str(OUT / name), animations="disabled")
                page.close()
                print(f"{OUT / name} ({width}x{height})")
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
