"""Write a report's tables as an Excel workbook (one sheet per table) and as wide CSV files,
the same bytes for the same content.

Each sheet holds its table's caption, then the column headings (both rows frozen, with the
row headings' column), then the rows: counts and amounts as numbers (an amount's currency in
its number format), days as dates, text always as text (never a formula, whatever it starts
with). openpyxl stamps the workbook with the time it was saved and zips its parts with the
current time; both are replaced here by the report's own date, so two builds of the same
content give the same bytes.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from datetime import date, datetime

from .tables import Cell, Table, amount_text

EPOCH = datetime(2000, 1, 1)  # the workbook's date when nothing is recorded
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
MIN_WIDTH, MAX_WIDTH = 6, 60
HEADER_ROWS = 2  # the caption and the column headings
DATE_FORMAT = "yyyy-mm-dd"


def _width(text: str) -> int:
    """Return how many columns a text takes in a spreadsheet: wide (CJK) characters two."""
    longest = max(text.split("\n"), key=len, default="")
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in longest)


def _money_format(cell: Cell) -> str:
    whole = cell.value == cell.value.to_integral_value()  # type: ignore[union-attr]
    return ("#,##0" if whole else "#,##0.00") + f' "{cell.currency}"'


def shown(cell: Cell, lang: str, statuses: dict[str, str] | None = None) -> str:
    """Return a cell as the workbook shows it, for column widths and text cells; `statuses`
    names each proposal status in `lang`."""
    if cell.kind == "amount":
        return amount_text(cell, lang)
    if cell.kind == "day":
        return cell.value.isoformat()  # type: ignore[union-attr]
    if cell.kind == "count":
        return f"{cell.value:,}"
    if cell.kind == "lines":
        return "\n".join(shown(c, lang) for c in cell.value)  # type: ignore[union-attr]
    if cell.kind == "status":
        return (statuses or {}).get(str(cell.value), str(cell.value))
    return cell.text


def _sheet_title(name: str, taken: set[str]) -> str:
    title = "".join(" " if c in "[]:*?/\\" else c for c in name)[:31]
    base, n = title, 2
    while title in taken:
        suffix = f" {n}"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def workbook(
    tables: Iterable[Table], lang: str, as_of: date | None, title: str, statuses: dict[str, str]
) -> bytes:
    """Return the tables as an .xlsx workbook, one sheet each; `statuses` names each status
    in `lang`."""
    # openpyxl takes a twentieth of a second to import: paid only by a build that writes a
    # workbook, not by one whose reports are all up to date.
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
                    if cell.kind == "amount":
                        target.number_format = _money_format(cell)
                    else:
                        target.number_format = "#,##0"
                    text = shown(cell, lang)
                elif cell.kind == "day":
                    target.value = cell.value
                    target.number_format = DATE_FORMAT
                    text = shown(cell, lang)
                elif cell.kind == "empty":
                    text = ""
                else:
                    text = shown(cell, lang, statuses)
                    target.value = text
                    target.data_type = "s"  # text, even when it starts with '=': never a formula
                    if "\n" in text:
                        target.alignment = Alignment(wrap_text=True, vertical="top")
                widths[column - 1] = max(widths[column - 1], _width(text))
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
    return _fixed_zip(buffer.getvalue(), stamp)


def _fixed_zip(data: bytes, stamp: datetime) -> bytes:
    """Rewrite a zip with fixed entry times and attributes, keeping its entries' order.

    openpyxl writes the modified time into docProps/core.xml from the save time, whatever
    the properties say; it is set back to `stamp` here too.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _core_dates(content, stamp)
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            fixed.create_system = 0
            target.writestr(fixed, content, compresslevel=9)
    return out.getvalue()


def _core_dates(xml: bytes, stamp: datetime) -> bytes:
    text = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(
        rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
        lambda m: m.group(1) + text + m.group(2),
        xml,
    )


def wide_csv(table: Table) -> bytes:
    """Return a table of figures as a wide CSV: its headings, then one line per row, numbers
    plain (1250.50), days ISO (2026-04-01); UTF-8 with a BOM and CRLF, as impact.csv."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_csv_text(c) for c in row])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_text(cell: Cell) -> str:
    text = cell.text
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
