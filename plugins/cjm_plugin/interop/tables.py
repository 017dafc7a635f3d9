"""CSV and XLSX files -> a grid of text cells that remember their row and column.

Cells are text as the reader sees it in the spreadsheet: numbers without a trailing `.0`,
percentages with `%`, dates as `2024-05-01`, merged cells repeated over every cell they
span. XLSX is read with openpyxl (no hand-written parsing of the format).
"""

from __future__ import annotations

import csv
import datetime
import io
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic

MAX_INPUT_BYTES = 20 * 1024 * 1024
MAX_XLSX_UNPACKED = 200 * 1024 * 1024  # a zip bomb stops here, before openpyxl reads it
MAX_CELLS = 500_000


class TableError(Exception):
    """The file cannot be read as a table at all."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


@dataclass
class Table:
    """Rows of text cells (`""` for empty), 1-based positions as the spreadsheet shows them."""

    display: str  # the file name messages use
    rows: list[list[str]]
    row_numbers: list[int]  # the spreadsheet row of each row (CSV: the record number)
    sheet: str | None = None  # XLSX: the sheet read
    several_sheets: bool = False
    notes: list[str] = field(default_factory=list)

    def where(self, row_index: int, column_index: int) -> tuple[int, int, str]:
        """(row, column, how the message names the cell) for 0-based indexes."""
        row, column = self.row_numbers[row_index], column_index + 1
        if self.sheet is None:
            return row, column, ""
        cell = f"{column_letter(column)}{row}"
        if self.several_sheets:
            cell = f"{_sheet_reference(self.sheet)}!{cell}"
        return row, column, f"cell {cell}: "

    def diagnostic(self, row_index: int, column_index: int, message: str) -> Diagnostic:
        row, column, cell = self.where(row_index, column_index)
        return Diagnostic(self.display, row, column, cell + message)


def column_letter(number: int) -> str:
    """1 -> A, 27 -> AA (as spreadsheets name columns)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_reference(name: str) -> str:
    return name if name.replace("_", "").isalnum() else "'" + name.replace("'", "''") + "'"


def _clean(text: str) -> str:
    """Cell text as a person means it: line ends as `\\n`, no spaces around lines."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def _check_size(path: Path, display: str) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise TableError(Diagnostic(display, 1, 1,
                f"the file is {size // (1024 * 1024)} MiB, over the"
                f" {MAX_INPUT_BYTES // (1024 * 1024)} MiB limit for one imported map"))
        return path.read_bytes()
    except OSError as error:
        raise TableError(Diagnostic(display, 1, 1, f"cannot read the file: {error.strerror}")) from None


# --- CSV --------------------------------------------------------------------------------


def read_csv(path: Path, display: str, encoding: str = "utf-8") -> Table:
    raw = _check_size(path, display)
    try:
        text = raw.decode("utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding)
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1:].decode(encoding, "replace")) + 1
        raise TableError(Diagnostic(display, line, column,
            f"the file is not {encoding} (byte 0x{raw[error.start]:02x}); save it as"
            " \"CSV UTF-8\", or pass its encoding, for example --encoding cp1252")) from None
    except LookupError:
        raise TableError(Diagnostic(display, 1, 1, f"unknown encoding `{encoding}`")) from None
    delimiter = _delimiter(text, path)
    rows: list[list[str]] = []
    numbers: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    cells = 0
    try:
        for record in reader:
            cells += len(record)
            if cells > MAX_CELLS:
                raise TableError(Diagnostic(display, reader.line_num, 1,
                    f"more than {MAX_CELLS} cells; one map is far smaller: split the file"))
            rows.append([_clean(cell) for cell in record])
            numbers.append(len(numbers) + 1)
    except csv.Error as error:
        raise TableError(Diagnostic(display, reader.line_num or 1, 1,
            f"unreadable CSV: {error}; check the quotes on this line")) from None
    table = Table(display, rows, numbers)
    if delimiter != ",":
        table.notes.append(f"columns separated by `{'tab' if delimiter == chr(9) else delimiter}`")
    return table


def _delimiter(text: str, path: Path) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


# --- XLSX -------------------------------------------------------------------------------

INSTALL_HINT = "reading .xlsx needs openpyxl: pip install openpyxl (or reinstall cjm)"


def _cell_text(value: object, number_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes" if not value.second else "seconds")
    if isinstance(value, (datetime.date, datetime.time)):
        if isinstance(value, datetime.time):
            return f"{value.hour}:{value.minute:02d}" + (f":{value.second:02d}" if value.second else "")
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    if isinstance(value, (int, float)):
        if number_format.endswith("%"):
            value = value * 100
            return _number(value) + "%"
        return _number(value)
    return _clean(str(value))


def _number(value: float) -> str:
    if isinstance(value, float):
        value = round(value, 10)  # 0.35 * 100 is 35.00000000000001
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def read_xlsx(path: Path, display: str, sheet: str | None = None) -> Table:
    try:
        import openpyxl
    except ImportError:
        raise TableError(Diagnostic(display, 1, 1, INSTALL_HINT)) from None
    raw = _check_size(path, display)
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise TableError(Diagnostic(display, 1, 1,
            "not an .xlsx workbook (an old .xls file? save it as .xlsx or CSV UTF-8)")) from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise TableError(Diagnostic(display, 1, 1,
            f"the workbook unpacks to {unpacked // (1024 * 1024)} MiB, over the"
            f" {MAX_XLSX_UNPACKED // (1024 * 1024)} MiB limit; save the journey's sheet alone"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Data Validation extension is not supported"...
            formulas = openpyxl.load_workbook(io.BytesIO(raw), data_only=False)
            values = openpyxl.load_workbook(io.BytesIO(raw), data_only=True)
    except Exception as error:  # openpyxl raises many kinds for damaged files
        raise TableError(Diagnostic(display, 1, 1,
            f"cannot read the workbook ({type(error).__name__}: {error}); open it in a"
            " spreadsheet program and save it again as .xlsx")) from None
    names = values.sheetnames
    if sheet is None:
        name = names[0]
    elif sheet in names:
        name = sheet
    else:
        raise TableError(Diagnostic(display, 1, 1,
            f"no sheet `{sheet}`; the sheets are: {', '.join(names)}"))
    worksheet, formula_sheet = values[name], formulas[name]
    if worksheet.max_row * worksheet.max_column > MAX_CELLS:
        raise TableError(Diagnostic(display, 1, 1,
            f"sheet `{name}` spans more than {MAX_CELLS} cells; one map is far smaller"))
    grid: list[list[str]] = []
    for row in worksheet.iter_rows():
        texts = []
        for cell in row:
            if cell.value is None and formula_sheet.cell(cell.row, cell.column).data_type == "f":
                raise TableError(Diagnostic(display, cell.row, cell.column,
                    f"cell {cell.coordinate}: a formula with no saved result; open the file in a"
                    " spreadsheet program and save it, so the result is stored"))
            texts.append(_cell_text(cell.value, cell.number_format or ""))
        grid.append(texts)
    # A merged cell's value belongs to every cell it spans (a stage merged over its rows).
    for merged in worksheet.merged_cells.ranges:
        top = grid[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(grid) else ""
        for row in range(merged.min_row, min(merged.max_row, len(grid)) + 1):
            for column in range(merged.min_col, min(merged.max_col, len(grid[row - 1])) + 1):
                grid[row - 1][column - 1] = top
    table = Table(display, grid, list(range(1, len(grid) + 1)), sheet=name,
                  several_sheets=len(names) > 1)
    if len(names) > 1:
        table.notes.append(f"read sheet `{name}` (the workbook has {len(names)}:"
                           f" {', '.join(names)}; choose with --sheet)")
    return table
