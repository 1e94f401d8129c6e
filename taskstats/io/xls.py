"""Legacy Excel workbooks (.xls, BIFF8) read with python-calamine, merged ranges filled.

A merged range's value fills the first column of the range down its rows and the rest of a wide
merge stays empty, exactly as :func:`taskstats.io.grid.read_workbook` does for .xlsx, so both
kinds of workbook give the table interpreter the same rows.
"""

from __future__ import annotations

import io
from pathlib import Path

from taskstats.errors import InputError
from taskstats.io.grid import Row, Sheet, cell_text


def read_xls(path: str | Path, data: bytes) -> list[Sheet]:
    """The sheets of an .xls workbook, in workbook order, merged ranges filled.

    Raises:
        InputError: The workbook cannot be read (damaged, encrypted, or not a workbook).
    """
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            grid = [list(r) for r in sheet.to_python(skip_empty_area=False)]
            _fill_merges(grid, sheet.merged_cell_ranges or [])
            rows = []
            for i, cells in enumerate(grid, 1):
                values = [cell_text(v) for v in cells]
                if any(v.strip() for v in values):
                    rows.append(Row(i, values, name))
            sheets.append(Sheet(name, rows))
    except Exception as exc:  # calamine raises its own error types for every bad workbook
        raise InputError(
            f"an old binary Office file (.xls/.doc) that cannot be read as a workbook "
            f"({type(exc).__name__}: {exc}); it may be damaged or password-protected: remove the "
            "password and save it as .xlsx",
            path=path,
        ) from exc
    return sheets


def _fill_merges(grid: list[list], ranges) -> None:
    """Fill each merged range ``((row0, col0), (row1, col1))``, 0-based, like the .xlsx reader."""
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= len(grid) or c0 >= len(grid[r0]):
            continue
        value = grid[r0][c0]
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            row = grid[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                row[c] = value if c == c0 else ""
