"""Write a report's tables as an Excel workbook (one sheet per table) and as wide CSV files,
the same bytes for the same content.

Each sheet holds its table's caption, then the column headings (both rows frozen, with the
row headings' column), then the rows: counts and amounts as numbers (an amount's currency in
its number format), days as dates, text always as text (never a formula, whatever it starts
with). The workbook's parts are written here as SpreadsheetML text, with no spreadsheet
library: the same parts, elements and attributes openpyxl wrote for these tables
(tests/test_workbook_writer.py compares them), ten times faster. The document's dates are the
report's own date and the zip entries carry a fixed time, so two builds of the same content
give the same bytes.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from .tables import Cell, Table, amount_text
from .theme import THEME

EPOCH = datetime(2000, 1, 1)  # the workbook's date when nothing is recorded
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
MIN_WIDTH, MAX_WIDTH = 6, 60
HEADER_ROWS = 2  # the caption and the column headings
DATE_FORMAT = "yyyy-mm-dd"


def _width(text: str) -> int:
    """Return how many columns a text takes in a spreadsheet: wide (CJK) characters two."""
    longest = max(text.split("\n"), key=len, default="") if "\n" in text else text
    if longest.isascii():  # no wide characters
        return len(longest)
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
    """Return a sheet's name: without the characters Excel forbids, at most 31 long, and
    unlike the names in `taken` (compared regardless of case, as Excel does)."""
    title = "".join(" " if c in "[]:*?/\\" else c for c in name)[:31]
    base, n = title, 2
    while title.casefold() in taken:
        suffix = f" {n}"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.casefold())
    return title


def workbook(
    tables: Iterable[Table], lang: str, as_of: date | None, title: str, statuses: dict[str, str]
) -> bytes:
    """Return the tables as an .xlsx workbook, one sheet each; `statuses` names each status
    in `lang`."""
    styles = _Styles()
    taken: set[str] = set()
    sheets = [(_sheet_title(t.sheet, taken), _sheet(t, lang, statuses, styles)) for t in tables]
    if not sheets:
        raise ValueError("a workbook needs at least one table")
    stamp = datetime.combine(as_of, datetime.min.time()) if as_of else EPOCH
    count = len(sheets)
    parts = [
        ("docProps/app.xml", _APP),
        ("docProps/core.xml", _core(title, lang, stamp)),
        ("xl/theme/theme1.xml", THEME.encode()),
        *((f"xl/worksheets/sheet{n}.xml", xml) for n, (_, xml) in enumerate(sheets, start=1)),
        ("xl/styles.xml", styles.xml()),
        ("_rels/.rels", _RELS),
        ("xl/workbook.xml", _workbook_xml([name for name, _ in sheets])),
        ("xl/_rels/workbook.xml.rels", _workbook_rels(count)),
        ("[Content_Types].xml", _content_types(count)),
    ]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts:
            entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 0
            archive.writestr(entry, content, compresslevel=9)
    return out.getvalue()


# The workbook's parts are written here directly, as SpreadsheetML (ECMA-376), in the form
# openpyxl gave them before (the same parts, elements and attributes; test_workbook_writer.py
# compares both): a report's 20 sheets are written ten times faster, and a build imports no
# spreadsheet library.
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_APP = (
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    b"<Application>Furusato</Application></Properties>"
)
_RELS = (
    f'<Relationships xmlns="{_PACKAGE_RELS}">'
    f'<Relationship Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml" Id="rId1"/>'
    f'<Relationship Type="{_PACKAGE_RELS}/metadata/core-properties" Target="docProps/core.xml"'
    ' Id="rId2"/>'
    f'<Relationship Type="{_DOC_RELS}/extended-properties" Target="docProps/app.xml" Id="rId3"/>'
    "</Relationships>"
).encode()
_SHEET_TOP = (
    f'<worksheet xmlns="{_MAIN}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1"/>'
    '<pageSetUpPr/></sheetPr><dimension ref="{dimension}"/><sheetViews>'
    '<sheetView workbookViewId="0"><pane xSplit="1" ySplit="{frozen}" topLeftCell="B{first}"'
    ' activePane="bottomRight" state="frozen"/><selection pane="topRight"/>'
    '<selection pane="bottomLeft"/><selection pane="bottomRight" activeCell="A1" sqref="A1"/>'
    '</sheetView></sheetViews><sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
)
_SHEET_TAIL = (
    '</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5"'
    ' footer="0.5"/></worksheet>'
)
# Characters XML 1.0 cannot carry: a cell holding one is refused, as openpyxl refused it (the
# loader already refuses them in what contributors write; this is the last guard).
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037\ud800-\udfff\ufffe\uffff]")
_WINDOWS_EPOCH = date(1899, 12, 30)  # Excel's day 0 (day 60 is its imaginary 29 Feb 1900)
_TEXT = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord("\r"): "&#13;"}
_ATTRIBUTE = {
    **_TEXT,
    ord('"'): "&quot;",
    ord("\t"): "&#9;",
    ord("\n"): "&#10;",
}

# The legacy palette (indexed colours 0-63) that openpyxl writes in every styles part.
_PALETTE = (
    "000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF 00FFFF 000000 FFFFFF FF0000 00FF00 "
    "0000FF FFFF00 FF00FF 00FFFF 800000 008000 000080 808000 800080 008080 C0C0C0 808080 "
    "9999FF 993366 FFFFCC CCFFFF 660066 FF8080 0066CC CCCCFF 000080 FF00FF FFFF00 00FFFF "
    "800080 800000 008080 0000FF 00CCFF CCFFFF CCFFCC FFFF99 99CCFF FF99CC CC99FF FFCC99 "
    "3366FF 33CCCC 99CC00 FFCC00 FF9900 FF6600 666699 969696 003366 339966 003300 333300 "
    "993300 993366 333399 333333"
)
_COLORS = (
    "<colors><indexedColors>"
    + "".join(f'<rgbColor rgb="00{c}"/>' for c in _PALETTE.split())
    + "</indexedColors></colors>"
)


def _ascii_text(text: str) -> str:
    """Return text as a worksheet holds it: escaped, and ASCII (others as &#N;)."""
    escaped = text.translate(_TEXT)
    if escaped.isascii():
        return escaped
    return escaped.encode("ascii", "xmlcharrefreplace").decode("ascii")


@functools.cache
def _column(number: int) -> str:
    """Return a column's letters: 1 is A, 27 is AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _number(value: int | Decimal) -> str:
    """Return a number as a cell's value: at most 16 significant digits, as Excel keeps."""
    return f"{float(value):.16g}"


def _serial(day: date) -> int:
    """Return a day as Excel's serial number (1900 date system)."""
    days = (day - _WINDOWS_EPOCH).days
    return days - 1 if 0 < days <= 60 else days


class _Styles:
    """The cell formats a workbook uses, numbered in the order cells first use them."""

    PLAIN, BOLD = 0, 1  # fonts: the theme's, and the same in bold
    BUILTIN: ClassVar[dict[str, int]] = {
        "General": 0,
        "#,##0": 3,
    }  # number formats Excel knows by number

    def __init__(self) -> None:
        self.formats: dict[str, int] = {}  # custom number formats, numbered from 164
        self.cells: dict[tuple[int, int, bool], int] = {(0, self.PLAIN, False): 0}

    def number_format(self, code: str) -> int:
        if code in self.BUILTIN:
            return self.BUILTIN[code]
        return self.formats.setdefault(code, 164 + len(self.formats))

    def cell(self, number_format: int = 0, font: int = PLAIN, wrap: bool = False) -> int:
        return self.cells.setdefault((number_format, font, wrap), len(self.cells))

    def xml(self) -> bytes:
        formats = "".join(
            f'<numFmt numFmtId="{n}" formatCode="{code.translate(_ATTRIBUTE)}"/>'
            for code, n in self.formats.items()
        )
        count = len(self.formats)
        numbers = (
            f'<numFmts count="{count}">{formats}</numFmts>' if count else '<numFmts count="0"/>'
        )
        xfs = "".join(
            f'<xf numFmtId="{number_format}" fontId="{font}" fillId="0" borderId="0"'
            + (' applyAlignment="1"' if wrap else "")
            + ' pivotButton="0" quotePrefix="0" xfId="0"'
            + ('><alignment vertical="top" wrapText="1"/></xf>' if wrap else "/>")
            for number_format, font, wrap in self.cells
        )
        return (
            f'<styleSheet xmlns="{_MAIN}">{numbers}<fonts count="2"><font><name val="Calibri"/>'
            '<family val="2"/><color theme="1"/><sz val="11"/><scheme val="minor"/></font>'
            '<font><b val="1"/></font></fonts><fills count="2"><fill><patternFill/></fill><fill>'
            '<patternFill patternType="gray125"/></fill></fills><borders count="1"><border>'
            "<left/><right/><top/><bottom/><diagonal/></border></borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            f'</cellStyleXfs><cellXfs count="{len(self.cells)}">{xfs}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0" hidden="0"/>'
            '</cellStyles><tableStyles count="0" defaultTableStyle="TableStyleMedium9"'
            f' defaultPivotStyle="PivotStyleLight16"/>{_COLORS}</styleSheet>'
        ).encode()


def _sheet(table: Table, lang: str, statuses: dict[str, str], styles: _Styles) -> bytes:
    """Return a table as a worksheet: its caption, its headings, its rows; widths fitted."""
    bold = styles.cell(font=_Styles.BOLD)
    heading = styles.cell(font=_Styles.BOLD, wrap=True)
    rows = [f'<row r="1">{_text_cell("A1", table.caption, bold)}</row>']
    rows.append(
        '<row r="2">'
        + "".join(
            _text_cell(f"{_column(n)}2", name, heading)
            for n, name in enumerate(table.columns, start=1)
        )
        + "</row>"
    )
    widths = [_width(c) for c in table.columns]
    last_column, last_row = len(table.columns), HEADER_ROWS
    for row_number, row in enumerate(table.rows, start=HEADER_ROWS + 1):
        cells = []
        for column, cell in enumerate(row, start=1):
            where = f"{_column(column)}{row_number}"
            if cell.kind in ("count", "amount"):
                code = _money_format(cell) if cell.kind == "amount" else "#,##0"
                style = styles.cell(styles.number_format(code))
                cells.append(f'<c r="{where}" s="{style}" t="n"><v>{_number(cell.value)}</v></c>')  # type: ignore[arg-type]
                text = shown(cell, lang)
            elif cell.kind == "day":
                style = styles.cell(styles.number_format(DATE_FORMAT))
                cells.append(f'<c r="{where}" s="{style}" t="n"><v>{_serial(cell.value)}</v></c>')  # type: ignore[arg-type]
                text = shown(cell, lang)
            elif cell.kind == "empty":
                text = ""
            else:
                text = shown(cell, lang, statuses)
                # text, even when it starts with '=': never a formula
                cells.append(_text_cell(where, text, styles.cell(wrap=True) if "\n" in text else 0))
            widths[column - 1] = max(widths[column - 1], _width(text))
            last_column = max(last_column, column)
        if row:
            rows.append(f'<row r="{row_number}">{"".join(cells)}</row>')
            last_row = row_number
    columns = "".join(
        f'<col width="{max(MIN_WIDTH, min(MAX_WIDTH, width + 2))}" customWidth="1"'
        f' min="{n}" max="{n}"/>'
        for n, width in enumerate(widths, start=1)
    )
    top = (
        _SHEET_TOP.replace("{dimension}", f"A1:{_column(last_column)}{last_row}")
        .replace("{frozen}", str(HEADER_ROWS))
        .replace("{first}", str(HEADER_ROWS + 1))
    )
    cols = f"<cols>{columns}</cols>" if columns else ""
    return f"{top}{cols}<sheetData>{''.join(rows)}{_SHEET_TAIL}".encode("ascii")


def _text_cell(where: str, text: str, style: int) -> str:
    """Return a cell holding text (inline, never a formula; spaces at its ends kept)."""
    text = text[:32767]  # the longest text a cell holds
    if _ILLEGAL.search(text):
        raise ValueError(f"cell {where}: {text!r} holds a character XML cannot carry")
    styled = f' s="{style}"' if style else ""
    if not text:
        return f'<c r="{where}"{styled} t="inlineStr"></c>'
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{where}"{styled} t="inlineStr"><is><t{space}>{_ascii_text(text)}</t></is></c>'


def _core(title: str, lang: str, stamp: datetime) -> bytes:
    """Return the document's properties: its title, language, author and dates."""
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    dc = 'xmlns:dc="http://purl.org/dc/elements/1.1/"'
    dcterms = (
        'xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="dcterms:W3CDTF"'
    )
    return (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        f'core-properties"><dc:creator {dc}>Furusato</dc:creator>'
        f"<dc:title {dc}>{title.translate(_TEXT)}</dc:title>"
        f"<dc:language {dc}>{lang.translate(_TEXT)}</dc:language>"
        f"<dcterms:created {dcterms}>{when}</dcterms:created>"
        f"<dcterms:modified {dcterms}>{when}</dcterms:modified>"
        "<cp:lastModifiedBy>Furusato</cp:lastModifiedBy></cp:coreProperties>"
    ).encode()


def _workbook_xml(names: list[str]) -> bytes:
    sheets = "".join(
        f'<sheet xmlns:r="{_DOC_RELS}" name="{name.translate(_ATTRIBUTE)}" sheetId="{n}"'
        f' state="visible" r:id="rId{n}"/>'
        for n, name in enumerate(names, start=1)
    )
    return (
        f'<workbook xmlns="{_MAIN}"><workbookPr/><workbookProtection/><bookViews>'
        '<workbookView visibility="visible" minimized="0" showHorizontalScroll="1"'
        ' showVerticalScroll="1" showSheetTabs="1" tabRatio="600" firstSheet="0" activeTab="0"'
        f' autoFilterDateGrouping="1"/></bookViews><sheets>{sheets}</sheets><definedNames/>'
        '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    ).encode()


def _workbook_rels(count: int) -> bytes:
    sheets = "".join(
        f'<Relationship Type="{_DOC_RELS}/worksheet" Target="/xl/worksheets/sheet{n}.xml"'
        f' Id="rId{n}"/>'
        for n in range(1, count + 1)
    )
    return (
        f'<Relationships xmlns="{_PACKAGE_RELS}">{sheets}'
        f'<Relationship Type="{_DOC_RELS}/styles" Target="styles.xml" Id="rId{count + 1}"/>'
        f'<Relationship Type="{_DOC_RELS}/theme" Target="theme/theme1.xml" Id="rId{count + 2}"/>'
        "</Relationships>"
    ).encode()


def _content_types(count: int) -> bytes:
    office = "application/vnd.openxmlformats-officedocument"
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_SHEET_TYPE}"/>'
        for n in range(1, count + 1)
    )
    return (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{office}.spreadsheetml.styles+xml"/>'
        f'<Override PartName="/xl/theme/theme1.xml" ContentType="{office}.theme+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
        'package.core-properties+xml"/><Override PartName="/docProps/app.xml"'
        f' ContentType="{office}.extended-properties+xml"/>{sheets}'
        '<Override PartName="/xl/workbook.xml"'
        f' ContentType="{office}.spreadsheetml.sheet.main+xml"/></Types>'
    ).encode()


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
