"""Spreadsheets as rows of text, both ways: .xlsx (openpyxl) and .csv. No ORM here.

Reading never evaluates anything: a formula cell of an .xlsx file is read as its formula text
(``=SUM(A1:A3)``), never as the value Excel cached for it, and every cell becomes a string.
CSV bytes are decoded by trying UTF-8 (with or without BOM), then GB18030 (a superset of GBK
and GB2312, what Excel on Chinese Windows writes); a file that is neither is read as UTF-8 with
the bad bytes replaced and the rows that hold them flagged, so the import can name them.

Writing makes every text cell safe against spreadsheet formula injection (OWASP "CSV
injection"): a cell that starts with = + - @, a tab or a carriage return gets a leading
apostrophe, so that Excel, LibreOffice and WPS show it as text instead of running it. Reading
removes exactly that apostrophe again, so an exported file imports back to the same text.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

XLSX = "xlsx"
CSV = "csv"
FORMATS = (XLSX, CSV)
# Characters that make a spreadsheet treat a cell as a formula (OWASP), and the escape.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
REPLACEMENT = "\ufffd"
MAX_ROWS = 50_000
# csv refuses fields over 128 KiB by default and stops the whole file; a higher ceiling turns an
# over-long cell into a row-level problem that the import reports.
csv.field_size_limit(max(csv.field_size_limit(), 4 * 1024 * 1024))


class SpreadsheetError(DomainError):
    """The file as a whole cannot be read (not a workbook, empty, not text)."""

    code = "bad_file"


@dataclass
class SheetRow:
    number: int                      # the row number a person sees in the spreadsheet (header = 1)
    cells: list[str]
    formulas: set[int] = field(default_factory=set)   # columns whose cell was an .xlsx formula
    undecodable: bool = False        # bytes that no encoding could read were replaced


@dataclass
class Sheet:
    headers: list[str]
    rows: list[SheetRow]
    header_row: int = 1
    encoding: str = ""               # CSV only: the encoding that was detected


def format_of(filename: str) -> str:
    """'xlsx' or 'csv' from a file name, or raise SpreadsheetError."""
    name = (filename or "").lower().rstrip()
    for fmt in FORMATS:
        if name.endswith("." + fmt):
            return fmt
    raise SpreadsheetError(_("Upload an .xlsx workbook or a .csv file."))


# --- reading ----------------------------------------------------------------------------------

def unescape(text: str) -> str:
    """Undo `escape`: drop the apostrophe that an export put before a formula trigger."""
    if len(text) > 1 and text[0] == ESCAPE and text[1] in FORMULA_TRIGGERS:
        return text[1:]
    return text


def cell_text(value: object) -> str:
    """One cell as the text a person sees in it (formulas as their formula text)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int | Decimal):
        return str(value)
    text = getattr(value, "text", None)  # openpyxl ArrayFormula / DataTableFormula
    if isinstance(text, str):
        return text
    return str(value)


def _decode(data: bytes) -> tuple[str, str, bool]:
    """(text, encoding name, whether bytes had to be replaced)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig", False
        except UnicodeDecodeError:
            return data[3:].decode("utf-8", errors="replace"), "utf-8-sig", True
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", False
        except UnicodeDecodeError:
            return data.decode("utf-16", errors="replace"), "utf-16", True
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding, False
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace"), "utf-8", True


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _trim(cells: list[str]) -> list[str]:
    while cells and not cells[-1].strip():
        cells.pop()
    return cells


def read_csv(data: bytes) -> tuple[list[SheetRow], str]:
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SpreadsheetError(_("This is not a text file: a .csv file must be text (UTF-8 or GB18030)."))
    text, encoding, replaced = _decode(data)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise SpreadsheetError(_("The file is empty."))
    delimiter = _delimiter(text.split("\n", 1)[0])
    rows: list[SheetRow] = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            if number > MAX_ROWS + 1:
                raise SpreadsheetError(_("The file has more than %(n)d rows; split it.") % {"n": MAX_ROWS})
            cells = _trim([unescape(c) for c in cells])
            if cells:
                rows.append(SheetRow(number=number, cells=cells,
                                     undecodable=replaced and any(REPLACEMENT in c for c in cells)))
    except csv.Error as exc:
        raise SpreadsheetError(_("The CSV file cannot be read: %(error)s") % {"error": exc})
    return rows, encoding


def read_xlsx(data: bytes) -> list[SheetRow]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if not data:
        raise SpreadsheetError(_("The file is empty."))
    try:
        # data_only=False: formula cells come back as their formula text, never a cached result
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, TypeError) as exc:
        raise SpreadsheetError(_("This is not a readable .xlsx workbook (%(error)s).")
                               % {"error": type(exc).__name__})
    try:
        sheets = [ws for ws in workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
        if not sheets:
            raise SpreadsheetError(_("The workbook has no visible sheet."))
        rows: list[SheetRow] = []
        for number, row in enumerate(sheets[0].iter_rows(), start=1):
            if number > MAX_ROWS + 1:
                raise SpreadsheetError(_("The file has more than %(n)d rows; split it.") % {"n": MAX_ROWS})
            cells, formulas = [], set()
            for i, cell in enumerate(row):
                value = getattr(cell, "value", None)
                if getattr(cell, "data_type", None) == "f":
                    formulas.add(i)
                cells.append(unescape(cell_text(value)))
            cells = _trim(cells)
            if cells:
                rows.append(SheetRow(number=number, cells=cells, formulas={i for i in formulas if i < len(cells)}))
    except SpreadsheetError:
        raise
    except Exception as exc:  # a damaged workbook can fail anywhere inside openpyxl
        raise SpreadsheetError(_("This is not a readable .xlsx workbook (%(error)s).")
                               % {"error": type(exc).__name__})
    finally:
        workbook.close()
    return rows


def sheet_read(*, data: bytes, filename: str, header_row: int | None = None,
               is_header=None) -> Sheet:
    """Read a whole file. The header row is `header_row` when given; otherwise the first of the
    first ten non-empty rows for which `is_header(cells)` is true (published lists often carry a
    title line above the header), or the first non-empty row."""
    fmt = format_of(filename)
    if not data:
        raise SpreadsheetError(_("The file is empty."))
    encoding = ""
    if fmt == CSV:
        rows, encoding = read_csv(data)
    else:
        rows = read_xlsx(data)
    if not rows:
        raise SpreadsheetError(_("The file is empty."))
    head_index = 0
    if header_row is not None:
        head_index = next((i for i, r in enumerate(rows) if r.number == header_row), 0)
    elif is_header is not None:
        head_index = next((i for i, r in enumerate(rows[:10]) if is_header(r.cells)), 0)
    head = rows[head_index]
    return Sheet(headers=[c.strip() for c in head.cells], rows=rows[head_index + 1:], header_row=head.number,
                 encoding=encoding)


# --- writing ----------------------------------------------------------------------------------

def escape(text: str) -> str:
    """A text cell made safe to open in a spreadsheet (see the module docstring)."""
    if text and text.startswith(FORMULA_TRIGGERS):
        return ESCAPE + text
    return text


def _safe(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, dt.date):
        return value
    return escape(str(value))


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with a BOM, so that Excel opens Chinese text correctly; every cell quoted."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([escape(str(h)) for h in headers])
    for row in rows:
        writer.writerow([cell_text(v) if isinstance(v, dt.date | dt.datetime) else v
                         for v in (_safe(c) for c in row)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[object]], *, title: str = "Sheet1",
               widths: Sequence[int] | None = None, created: dt.datetime | None = None,
               preamble: Sequence[Sequence[object]] = ()) -> bytes:
    """One sheet, a bold frozen header row (after the `preamble` rows, e.g. a list's title line);
    text cells are stored as text, never as formulas."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook(write_only=True)
    if created is not None:
        workbook.properties.created = workbook.properties.modified = created
    ws = workbook.create_sheet(title=title[:31] or "Sheet1")
    ws.freeze_panes = f"A{len(preamble) + 2}"
    for i, width in enumerate(widths or [], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    bold = Font(bold=True)

    def cell(value: object, *, header: bool = False) -> WriteOnlyCell:
        value = _safe(value)
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        c = WriteOnlyCell(ws, value=value)
        if isinstance(value, str) and value:
            c.data_type = "s"  # even after escaping, never let openpyxl write a formula
        if header:
            c.font = bold
        return c

    for row in preamble:
        ws.append([cell(v, header=True) for v in row])
    ws.append([cell(h, header=True) for h in headers])
    for row in rows:
        ws.append([cell(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write(fmt: str, headers: Sequence[str], rows: Iterable[Sequence[object]], **xlsx_options) -> bytes:
    if fmt == XLSX:
        return write_xlsx(headers, rows, **xlsx_options)
    if fmt == CSV:
        return write_csv(headers, rows)
    raise SpreadsheetError(_("Unknown file format."))


CONTENT_TYPES = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv; charset=utf-8",
}
