"""The report's workbook (/<slug>/impact.xlsx, per edition) holds the page's tables cell by cell,
with real numbers and dates, frozen headings and fitted columns, the same bytes on every build;
Tottori's demo report shows what was done in FY2025 and FY2026 beside the support it received."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from impact.workbook import MAX_WIDTH, _width
from tests.sitebuild import SITES, build_site, page, texts


def normal(text: str) -> str:
    return " ".join(text.split())


def page_value(cell) -> object:
    """Read a table cell of the page as the value the workbook should hold."""
    lines = cell.xpath("span[@class='line']")
    if lines:
        return "\n".join(normal(line.text_content()) for line in lines)
    data = cell.xpath(".//data/@value")
    if data:
        return Decimal(data[0])
    when = cell.xpath(".//time/@datetime")
    if when:
        return date.fromisoformat(when[0])
    text = normal(cell.text_content())
    return None if text == "–" else text


def sheet_value(cell) -> object:
    value = cell.value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    return normal(value) if "\n" not in value else value


def page_tables(tree) -> dict[str, tuple[list[str], list[list[object]]]]:
    """Read every table of figures on a page: {caption: (headings, rows of values)}."""
    found = {}
    for table in tree.xpath("//table[contains(@class, 'figures')]"):
        caption = normal(table.xpath("caption")[0].text_content())
        headings = [normal(th.text_content()) for th in table.xpath("thead/tr/th")]
        rows = [
            [page_value(c) for c in tr.xpath("th|td")] for tr in table.xpath("tbody/tr | tfoot/tr")
        ]
        found[caption] = (headings, rows)
    return found


def sheets(path: Path) -> dict[str, openpyxl.worksheet.worksheet.Worksheet]:
    book = openpyxl.load_workbook(path)
    return {ws["A1"].value: ws for ws in book.worksheets}


@pytest.mark.parametrize(
    ("url", "xlsx"),
    [
        ("/tottori/impact/", "tottori/impact.xlsx"),
        ("/tottori/ja/impact/", "tottori/ja/impact.xlsx"),
        ("/impact/", "impact.xlsx"),
        ("/ja/impact/", "ja/impact.xlsx"),
    ],
)
def test_every_table_of_the_page_is_a_sheet_equal_cell_by_cell(demo_output, url, xlsx):
    tables = page_tables(page(demo_output, url))
    book = sheets(demo_output / xlsx)
    assert list(book) == list(tables)  # one sheet per table, in the page's order
    for caption, (headings, rows) in tables.items():
        ws = book[caption]
        got = [[sheet_value(c) for c in row] for row in ws.iter_rows(min_row=2)]
        assert [h for h in got[0] if h is not None] == headings, caption
        body = [row[: len(headings)] for row in got[1:]]
        assert body == rows, caption
        assert ws.freeze_panes == "B3", caption  # caption and headings stay in view


def test_numbers_are_numbers_and_days_are_dates(demo_output):
    book = sheets(demo_output / "tottori/impact.xlsx")
    events = book["Events held, by fiscal year"]
    headings = [c.value for c in events[2]]
    london = next(row for row in events.iter_rows(min_row=3) if "London" in str(row[2].value))
    cells = dict(zip(headings, london, strict=True))
    assert cells["Date"].is_date and cells["Date"].value == datetime(2025, 7, 19)
    assert cells["Attendance"].data_type == "n" and cells["Attendance"].value == 38
    assert cells["Funds raised"].data_type == "n"
    assert Decimal(str(cells["Funds raised"].value)) == Decimal("420.50")
    assert cells["Funds raised"].number_format == '#,##0.00 "GBP"'
    assert cells["Support given"].value == "JPY 150,000\nGBP 120"  # two currencies: text
    years = book["Figures by fiscal year (April to March)"]
    fy2025 = next(row for row in years.iter_rows(min_row=3) if row[0].value == "FY2025")
    assert all(c.data_type == "n" for c in fy2025[1:])


def test_text_is_never_a_formula(tmp_path):
    from impact.tables import Group, Table, text
    from impact.workbook import workbook

    table = Table("t", "T", "Caption", ("Country",), (Group(None, ((text("=1+1"),),)),))
    path = tmp_path / "t.xlsx"
    path.write_bytes(workbook([table], "en", None, "T", {}))
    cell = openpyxl.load_workbook(path)["T"]["A3"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def shown(value: object) -> str:
    """Return a cell's value as a spreadsheet shows it (dates as days, counts grouped)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def test_columns_are_wide_enough_for_their_text(demo_output):
    for ws in sheets(demo_output / "tottori/ja/impact.xlsx").values():
        for column in ws.iter_cols(min_row=2):
            letter = column[0].column_letter
            widest = max(_width(shown(c.value)) for c in column if c.value is not None)
            width = ws.column_dimensions[letter].width
            assert min(widest, MAX_WIDTH) <= width <= MAX_WIDTH + 2, (ws.title, letter)


def test_the_japanese_workbook_has_japanese_headings(demo_output):
    english = sheets(demo_output / "tottori/impact.xlsx")
    japanese = sheets(demo_output / "tottori/ja/impact.xlsx")
    assert "年度別の数値（4月～翌年3月）" in japanese
    years = japanese["年度別の数値（4月～翌年3月）"]
    assert [c.value for c in years[2]][:4] == [
        "年度",
        "活動中のアンバサダー",
        "新規アンバサダー",
        "記事",
    ]
    assert [r[0].value for r in years.iter_rows(min_row=3)][-3:] == [
        "令和7年度",
        "令和8年度",
        "合計",
    ]
    assert openpyxl.load_workbook(demo_output / "tottori/ja/impact.xlsx").worksheets[0].title == (
        "年度別"
    )
    assert not set(english) & set(japanese)


def test_the_workbook_is_the_same_bytes_on_every_build(two_prefectures, tmp_path):
    again = build_site(SITES / "two_prefectures", tmp_path / "output")
    for rel in ("tottori/impact.xlsx", "tottori/ja/impact.xlsx", "impact.xlsx"):
        assert (again / rel).read_bytes() == (two_prefectures / rel).read_bytes(), rel
    archive = zipfile.ZipFile(two_prefectures / "tottori/impact.xlsx")
    assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = archive.read("docProps/core.xml").decode()
    # the newest day the report counts, not the time of the build
    as_of = page(two_prefectures, "/tottori/impact/").xpath("//p[@class='as-recorded']//time")
    assert f">{as_of[0].get('datetime')}T00:00:00Z<" in core


def test_wide_csv_is_the_fiscal_years_table(demo_output):
    data = (demo_output / "tottori/impact-fiscal-years.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    headings, table = page_tables(page(demo_output, "/tottori/impact/"))[
        "Figures by fiscal year (April to March)"
    ]
    assert rows[0] == headings
    assert [r[0] for r in rows[1:]] == [r[0] for r in table]
    for got, want in zip(rows[1:], table, strict=True):
        assert [Decimal(v) if v else None for v in got[1:]] == want[1:]
    japanese = (demo_output / "tottori/ja/impact-fiscal-years.csv").read_text(encoding="utf-8-sig")
    assert japanese.startswith("年度,")


def test_tottori_shows_what_was_done_in_fy2025_and_fy2026_beside_its_support(demo_output):
    tree = page(demo_output, "/tottori/impact/")
    years = {row[0]: row for row in page_tables(tree)["Figures by fiscal year (April to March)"][1]}
    assert {"FY2025", "FY2026"} <= set(years)
    # each headline figure links to the rows it counts
    link = tree.xpath("//table[@id='fiscal-years']//th[.='FY2025']/../td[5]//a/@href")
    assert link == ["#fy2025-events"]
    events = texts(tree, "//tbody[@id='fy2025-events']/tr")
    assert len(events) == 1
    assert "Tottori summer picnic in London" in events[0]
    assert "JPY 150,000" in events[0] and "GBP 120" in events[0]
    assert "Recap: nashi pears and sunshine" in events[0]  # the recap goes with its event
    assert texts(tree, "//tbody[@id='fy2026-events']/tr/th") == ["Tottori quiz night (online)"]
    articles = texts(tree, "//table[@id='articles']//tr/th")
    assert not any(a.startswith("Recap:") for a in articles)  # ... and is not counted again
    pair = [t for t in texts(tree, "//tbody[@id='fy2026-articles']/tr") if "relocation site" in t]
    assert len(pair) == 1 and "English, 日本語" in pair[0]  # a translation pair, once
    support = texts(tree, "//tbody[@id='fy2026-support']/tr")
    assert any("Yearly costs" in row and "JPY 200,000" in row for row in support)
    assert any("Kurayoshi City (example)" in row for row in support)
    london = tree.xpath("//tbody[@id='fy2025-support']/tr[contains(., 'pavilion')]/td")
    # the amount as written, and beside it yen at the coordinator's recorded rate (195)
    assert [normal(c.text_content()) for c in london[-2:]] == ["GBP 120", "JPY 23,400"]
    headings = texts(tree, "//table[@id='fiscal-years']/thead//th")
    assert "Support given (JPY)" in headings and "Support given (GBP) in yen" in headings
    proposal = tree.xpath("//tbody[@id='fy2026-proposals']/tr")[0].xpath("th|td")
    assert [normal(c.text_content()) for c in proposal] == [
        "FY2026",
        "TOT-2026-01",
        "Proposal: an alumni page on the prefecture's relocation site",
        "Partly adopted",
        "15 May 2026",
        "30 September 2026",
        "Response",
    ]


def test_the_japanese_report_labels_fiscal_years_by_era(demo_output):
    tree = page(demo_output, "/tottori/ja/impact/")
    labels = texts(tree, "//table[@id='fiscal-years']/tbody/tr/th")
    assert labels[-2:] == ["令和7年度", "令和8年度"]
    assert texts(tree, "//tbody[@id='fy2026-proposals']//span[contains(@class, 'badge')]") == [
        "一部採用"
    ]
