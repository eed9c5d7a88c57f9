"""The workbook writer (impact/workbook.py) writes SpreadsheetML itself, without openpyxl: every
part it writes is compared, byte for byte, with what openpyxl's own writer gives for the same
tables (the way the workbooks were written before), and openpyxl reads back the same cells,
types, number formats, fonts, alignment, widths, frozen panes and document properties."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from furusato.reading.loader import Options, load_site
from furusato.urls import Urls
from impact.figures import national_report, report_for
from impact.tables import (
    EMPTY,
    Cell,
    Group,
    Table,
    amount,
    count,
    day,
    national_tables,
    prefecture_tables,
    text,
)
from impact.workbook import (
    DATE_FORMAT,
    EPOCH,
    HEADER_ROWS,
    MAX_WIDTH,
    MIN_WIDTH,
    _money_format,
    _sheet_title,
    _width,
    shown,
    workbook,
)
from tests.sitebuild import SITES, TODAY


def openpyxl_workbook(tables, lang, as_of, title, statuses) -> bytes:
    """Write the tables through openpyxl's workbook model and writer: the reference."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_title(table.sheet, taken))
        sheet.append([table.caption])
        sheet["A1"].font = Font(bold=True)
        sheet["A1"].data_type = "s"
        sheet.append(list(table.columns))
        widths = [_width(c) for c in table.columns]
        for column, _name in enumerate(table.columns, start=1):
            heading = sheet.cell(row=2, column=column)
            heading.data_type = "s"
            heading.font = Font(bold=True)
            heading.alignment = Alignment(wrap_text=True, vertical="top")
        for row_number, row in enumerate(table.rows, start=HEADER_ROWS + 1):
            for column, cell in enumerate(row, start=1):
                target = sheet.cell(row=row_number, column=column)
                if cell.kind in ("count", "amount"):
                    target.value = cell.value
                    target.number_format = _money_format(cell) if cell.kind == "amount" else "#,##0"
                    shown_text = shown(cell, lang)
                elif cell.kind == "day":
                    target.value = cell.value
                    target.number_format = DATE_FORMAT
                    shown_text = shown(cell, lang)
                elif cell.kind == "empty":
                    shown_text = ""
                else:
                    shown_text = shown(cell, lang, statuses)
                    target.value = shown_text
                    target.data_type = "s"
                    if "\n" in shown_text:
                        target.alignment = Alignment(wrap_text=True, vertical="top")
                widths[column - 1] = max(widths[column - 1], _width(shown_text))
        for column, width in enumerate(widths, start=1):
            letter = get_column_letter(column)
            sheet.column_dimensions[letter].width = max(MIN_WIDTH, min(MAX_WIDTH, width + 2))
        sheet.freeze_panes = f"B{HEADER_ROWS + 1}"
    stamp = datetime.combine(as_of, datetime.min.time()) if as_of else EPOCH
    book.properties.created = stamp
    book.properties.modified = stamp
    book.properties.creator = "Furusato"
    book.properties.lastModifiedBy = "Furusato"
    book.properties.title = title
    book.properties.language = lang
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def assert_same_parts(ours: bytes, reference: bytes) -> None:
    """Every part but docProps/app.xml (which names the application) is the same bytes, and
    the parts come in the same order."""
    mine, theirs = zipfile.ZipFile(io.BytesIO(ours)), zipfile.ZipFile(io.BytesIO(reference))
    assert mine.namelist() == theirs.namelist()
    for name in theirs.namelist():
        if name == "docProps/app.xml":
            continue
        got, want = mine.read(name), theirs.read(name)
        if name == "docProps/core.xml":  # openpyxl writes the save time as modified
            want = want.split(b"<dcterms:modified")[0]
            got = got.split(b"<dcterms:modified")[0]
        assert got == want, name
    assert b"<Application>Furusato</Application>" in mine.read("docProps/app.xml")


def read_back(data: bytes) -> list[dict]:
    """Return what a spreadsheet shows of a workbook: per sheet, every cell's value, type,
    format, font and alignment, the widths and the frozen panes; and the properties."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    found = []
    for ws in book.worksheets:
        cells = [
            (
                c.coordinate,
                c.value,
                c.data_type,
                c.number_format,
                c.font.b,
                c.alignment.wrap_text,
                c.alignment.vertical,
            )
            for row in ws.iter_rows()
            for c in row
            if c.value is not None
        ]
        widths = {k: v.width for k, v in ws.column_dimensions.items()}
        found.append(
            {"title": ws.title, "cells": cells, "widths": widths, "panes": ws.freeze_panes}
        )
    props = book.properties
    found.append({"properties": (props.title, props.language, props.creator, props.created)})
    return found


def odd_tables() -> list[Table]:
    """Tables with every kind of cell and the texts that need care in XML and spreadsheets."""
    rows = (
        (text("=1+1"), count(0), amount(Decimal("1250.50"), "GBP"), day(date(2026, 4, 1))),
        (text(" padded "), count(1234567), amount(Decimal("150000"), "JPY"), day(date(1900, 2, 1))),
        (text("a & b < c > d \"q\" 'a'"), EMPTY, amount(Decimal("0.1"), "USD"), EMPTY),
        (text("鳥取県 😀 ｶﾅ"), count(7), EMPTY, day(date(1899, 12, 31))),
        (
            Cell("lines", (amount(Decimal("1"), "JPY"), amount(Decimal("2.5"), "EUR"))),
            Cell("status", "adopted"),
            text("x" * 80),
            text(""),
        ),
        (text("line\r\nbreak\tand tab"), EMPTY, EMPTY, EMPTY),
        (EMPTY, EMPTY),
    )
    foot = (text("Total"), count(1234575), amount(Decimal("1250.60"), "GBP"), EMPTY)
    columns = ("Name", "Count", "Amount", "Day")
    return [
        Table("a", "Sheet: [one]/two?", "Caption & <more>", columns, (Group("g", rows),), foot),
        Table("b", "Sheet: [one]/two?", "=caption", ("Only",), ()),
        Table("c", "A" * 40, " Spaced caption ", ("年度", "記事"), (Group(None, ((count(3),),)),)),
        Table("d", "sheet: [ONE]/two?", "Same name, another case", ("Only",), ()),
    ]


def test_odd_tables_are_written_as_openpyxl_wrote_them():
    tables = odd_tables()
    statuses = {"adopted": "Adopted & done"}
    for as_of in (None, date(2026, 8, 22)):
        for lang in ("en", "ja"):
            ours = workbook(tables, lang, as_of, "Report: <A&B>", statuses)
            reference = openpyxl_workbook(tables, lang, as_of, "Report: <A&B>", statuses)
            assert_same_parts(ours, reference)
            assert read_back(ours) == read_back(reference)


@pytest.fixture(scope="module")
def impact_site():
    return load_site(Options(root=SITES / "impact", today=date.fromisoformat(TODAY)))


def test_report_workbooks_are_written_as_openpyxl_wrote_them(impact_site):
    urls = Urls("https://example.org")
    statuses = {"submitted": "Submitted", "partly-adopted": "一部採用"}
    national = national_report(impact_site)
    books = [
        (national_tables(national, urls.edition(g), g), g, national.as_of) for g in ["en", "ja"]
    ]
    for prefecture in impact_site.prefectures.values():
        report = report_for(impact_site, prefecture)
        for lang in ("en", "ja"):
            books.append((prefecture_tables(report, urls.edition(lang), lang), lang, report.as_of))
    assert len(books) >= 4
    for tables, lang, as_of in books:
        ours = workbook(tables.values(), lang, as_of, "T", statuses)
        reference = openpyxl_workbook(tables.values(), lang, as_of, "T", statuses)
        assert_same_parts(ours, reference)
        assert read_back(ours) == read_back(reference)


def test_the_workbook_is_made_the_same_way_every_time():
    tables = odd_tables()
    first = workbook(tables, "en", date(2026, 8, 22), "T", {})
    assert workbook(tables, "en", date(2026, 8, 22), "T", {}) == first
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr for i in archive.infolist()} == {0o644 << 16}


def test_sheet_names_differ_regardless_of_case():
    book = openpyxl.load_workbook(io.BytesIO(workbook(odd_tables(), "en", None, "T", {})))
    names = [ws.title for ws in book.worksheets]
    assert names == ["Sheet   one  two ", "Sheet   one  two  2", "A" * 31, "sheet   ONE  two  3"]


@pytest.mark.parametrize("odd", ["bell\x07", "lone \ud800 surrogate", "not a \uffff character"])
def test_a_character_xml_cannot_carry_is_refused(odd: str):
    table = Table("t", "T", "Caption", ("Name",), (Group(None, ((text(odd),),)),))
    with pytest.raises(ValueError, match=r"cell A3: .* holds a character XML cannot carry"):
        workbook([table], "en", None, "T", {})


def test_writing_a_workbook_imports_no_spreadsheet_library():
    code = (
        "import sys; from datetime import date; from impact.tables import Table, Group, count;"
        "from impact.workbook import workbook;"
        "t = Table('t', 'T', 'C', ('N',), (Group(None, ((count(1),),)),));"
        "assert workbook([t], 'en', date(2026, 1, 1), 'T', {})[:2] == b'PK';"
        "print(sorted(m for m in sys.modules if m.startswith(('openpyxl', 'lxml'))))"
    )
    env_path = "plugins"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": env_path, "PATH": ""},
    )
    assert done.stdout.strip() == "[]"
