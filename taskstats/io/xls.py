"""Legacy Excel workbooks (.xls, BIFF8), read by python-calamine in a child process.

The reading, the merged ranges and the containment of calamine's crashes are shared with every
workbook calamine reads (:mod:`taskstats.io.calamine`).
"""

from __future__ import annotations

from pathlib import Path

from taskstats.io.budget import Budget
from taskstats.io.calamine import read_calamine
from taskstats.io.grid import Sheet


def read_xls(path: str | Path, data: bytes, budget: Budget | None = None) -> list[Sheet]:
    """The sheets of an .xls workbook, in workbook order, merged ranges filled.

    Raises:
        InputError: The workbook cannot be read (damaged, encrypted, over a limit, or not a
            workbook).
    """
    return read_calamine(path, data, budget, "an old binary Office file (.xls/.doc)", "xls")
