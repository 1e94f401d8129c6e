"""Grids of cells: the rows of a CSV file or of a workbook's sheets, one reader for every caller.

Task tables (:mod:`taskstats.readers`) and progress sheets (:mod:`taskstats.progress.sheets`)
both read their cells here, so a delimiter, a merged range or a date cell is understood the
same way everywhere. A row keeps its 1-based line (or spreadsheet row) for error messages.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import DefusedXmlException

from taskstats.errors import InputError
from taskstats.io.budget import Budget
from taskstats.io.xlsxscan import scan_workbook

CSV_DELIMITERS = (",", "\t", ";", "，")
MAX_CELL_CHARS = 1_000_000  # the longest cell (and text line) read


@dataclass
class Row:
    """One row of cells, with its 1-based line (or spreadsheet row) and sheet."""

    line: int
    cells: list[str]
    sheet: str | None = None


@dataclass
class Sheet:
    """A sheet's (or a document table's) non-empty rows, in order, merged cells resolved.

    Every format's engine (:mod:`taskstats.io.engines`) returns its content as sheets. A
    document's running text outside its tables comes as one more sheet with no rows and
    ``text`` set.

    Attributes:
        name: The sheet's name, or the table's place (``table 2``, ``page 3``).
        rows: The non-empty rows, each with its 1-based row within the sheet or table.
        unsaved_formulas: Formula cells with no saved value (``B5``).
        source: Where it came from: the engine that read it (``xlsx``, ``docx``, ``pdf`` …).
        text: A document's running text, one paragraph per line (a text sheet only).
        encoding: The text encoding the engine decoded (web pages), if any.
    """

    name: str
    rows: list[Row] = field(default_factory=list)
    unsaved_formulas: list[str] = field(default_factory=list)  # cells like "B5"
    source: str = ""
    text: str | None = None
    encoding: str | None = None


def cell_text(value: object) -> str:
    """A cell's value as text: dates as ISO dates, whole floats without ``.0``, None as ''."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def csv_rows(text: str, path: str | Path | None = None, name: str | None = None) -> list[Row]:
    """The non-empty rows of CSV text; the delimiter (comma, tab, semicolon) is sniffed.

    Raises:
        InputError: The CSV is malformed (with the line).
    """
    sample = text[:20000]
    counts = {d: sample.count(d) for d in CSV_DELIMITERS}
    delimiter = max(counts, key=lambda d: counts[d])
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = []
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(MAX_CELL_CHARS)  # a quoted cell may span lines
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append(Row(reader.line_num, cells, name))
    except csv.Error as exc:
        raise InputError(
            f"malformed CSV: {exc} (cells may hold up to {MAX_CELL_CHARS:,} characters)",
            path=path,
            line=reader.line_num,
        ) from exc
    finally:
        csv.field_size_limit(limit)
    return rows


def read_workbook(
    path: str | Path, data: bytes, *, skip: tuple[str, ...] = (), budget: Budget | None = None
) -> tuple[list[Sheet], dict[str, list[list[str]]]]:
    """The sheets of an .xlsx workbook, merged ranges filled.

    A merged range's value fills the first column of the range down its rows; the rest of a
    wide merge stays empty (a section row merged across the table keeps one cell).

    Args:
        path: The file, for messages.
        data: Its bytes.
        skip: Sheets returned apart, as raw cell texts (instructions, metadata), not as rows.
        budget: The limits (:mod:`taskstats.io.budget`); default from the environment.

    Returns:
        The sheets in workbook order, and the skipped sheets' cells by name.

    Raises:
        InputError: The workbook cannot be opened.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    scans = scan_workbook(path, data, budget)  # limits checked before openpyxl builds a cell
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        sheets, skipped = [], {}
        for ws in wb.worksheets:
            grid = [list(row) for row in ws.iter_rows(values_only=True)]
            if ws.title in skip:
                skipped[ws.title] = [[cell_text(v) for v in row] for row in grid]
                continue
            fill_merges(
                grid,
                [
                    (r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1)
                    for r in ws.merged_cells.ranges
                ],
            )
            rows = []
            for i, cells in enumerate(grid, 1):
                values = [cell_text(v) for v in cells]
                if any(v.strip() for v in values):
                    rows.append(Row(i, values, ws.title))
            unsaved = scans[ws.title].unsaved_formulas if ws.title in scans else []
            sheets.append(Sheet(ws.title, rows, list(unsaved)))
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except (
        zipfile.BadZipFile,
        InvalidFileException,
        DefusedXmlException,
        SyntaxError,  # xml.etree's ParseError and lxml's XMLSyntaxError
        KeyError,
        IndexError,  # a shared-string index out of range
        OSError,
        ValueError,
        TypeError,
        AttributeError,
        BaseException,  # any other library error (a recursion, memory) is the file's
    ) as exc:
        raise InputError(
            f"not a readable .xlsx workbook ({type(exc).__name__}: {exc}); it may be damaged, "
            "password-protected, or another file renamed",
            path=path,
        ) from exc
    return sheets, skipped


def fill_merges(grid: list[list], ranges) -> None:
    """Fill merged ranges in place: the first column of each takes its top-left value down its
    rows, the rest of a wide merge becomes empty (a section row merged across the table keeps
    one cell), within the cells that exist.

    Args:
        grid: Rows of cell values.
        ranges: Each merged range as 0-based inclusive ``(row0, col0, row1, col1)``.
    """
    for r0, c0, r1, c1 in ranges:
        if r0 >= len(grid) or c0 >= len(grid[r0]):
            continue
        value = grid[r0][c0]
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            row = grid[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                row[c] = value if c == c0 else None
