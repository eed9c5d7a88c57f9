"""The impact report prints on A4 in both languages: Chromium prints it to PDF (page.pdf), and
the PDF read back with pypdf has A4 pages, a sensible page count, every table row whole on one
page, and a table's headings again on each page the table continues on."""

from __future__ import annotations

import io
import unicodedata
from typing import Any

import pytest

A4_POINTS = (595.3, 841.9)  # 210 x 297 mm
MAX_PAGES = 10  # Tottori's report takes 4 (English) to 6 (Japanese) pages


def squash(text: str) -> str:
    """Remove whitespace and undo ligatures (ﬁ), so text compares however a PDF breaks it; a
    Japanese font draws the full-width tilde and the wave dash alike, so they read back alike."""
    return "".join(unicodedata.normalize("NFKC", text).replace("\u301c", "~").split())


def rows_of(page: Any) -> list[dict[str, Any]]:
    """Read each table row of the page: its table, its cells' texts, and the table's headings."""
    return page.evaluate(
        """() => [...document.querySelectorAll('table.figures tr')].map((tr) => ({
            table: tr.closest('table').id,
            caption: tr.closest('table').caption.innerText,
            head: tr.parentElement.tagName === 'THEAD',
            cells: [...tr.cells].map((c) => c.innerText),
        }))"""
    )


@pytest.mark.parametrize("url", ["tottori/impact/", "tottori/ja/impact/"])
def test_the_report_prints_on_a4_without_splitting_a_row(chromium_browser, site_url, url):
    from pypdf import PdfReader

    context = chromium_browser.new_context()
    try:
        page = context.new_page()
        page.goto(site_url + url, wait_until="load")
        page.emulate_media(media="print")
        rows = rows_of(page)
        pdf = page.pdf(format="A4", print_background=False)
    finally:
        context.close()
    reader = PdfReader(io.BytesIO(pdf))
    assert 2 <= len(reader.pages) <= MAX_PAGES
    for sheet in reader.pages:
        box = sheet.mediabox
        assert float(box.width) == pytest.approx(A4_POINTS[0], abs=1)
        assert float(box.height) == pytest.approx(A4_POINTS[1], abs=1)
    pages = [squash(p.extract_text()) for p in reader.pages]

    def found(text: str) -> set[int]:
        return {i for i, p in enumerate(pages) if squash(text) in p}

    tables: dict[str, dict[str, Any]] = {}
    body_rows = 0
    cursor = 0  # rows come in document order, so each is on the page of the last or after it
    for row in rows:
        cells = [c for c in row["cells"] if squash(c) not in ("", "–")]
        if row["table"] not in tables:  # a table starts on the page of its caption
            starts = {p for p in found(row["caption"]) if p >= cursor}
            assert starts, f"{url}: the caption of #{row['table']} is split across pages"
            cursor = min(starts)
        table = tables.setdefault(row["table"], {"head": [], "pages": set()})
        if row["head"]:
            table["head"] = cells
            continue
        # a row split across two pages leaves a cell of it on neither page whole
        common = {p for p in set.intersection(*(found(c) for c in cells)) if p >= cursor}
        assert common, f"{url}: a row of #{row['table']} is split across pages: {cells}"
        cursor = min(common)
        table["pages"].add(cursor)
        body_rows += 1
    assert body_rows > 20
    for name, table in tables.items():
        for number in table["pages"]:  # the headings repeat wherever the table goes on
            for heading in table["head"]:
                assert squash(heading) in pages[number], (url, name, number, heading)
