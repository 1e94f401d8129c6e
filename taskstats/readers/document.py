"""Documents holding several tables (Word, PDF, web pages): which one is the task table.

A document may hold a notice, the task table (附件1) and a progress template (附件2); a table may
also be split into several consecutive tables that repeat its header (after a page break, or
one table per page of a PDF). The tables are grouped into such runs, each run is classified by
its header, and the first run with a task header is read unless the caller names another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from taskstats.errors import InputError
from taskstats.io.grid import Row, Sheet
from taskstats.readers.header import match_header
from taskstats.tidy.normalize import fold
from taskstats.tidy.vocabulary import TEMPLATE_HEADER

_HEADER_WITHIN = 40


# Why a table of a document was not read as the tasks, by code (the CLI says it in Chinese:
# ``taskstats.report.wording.cli.SKIP_REASONS``).
SKIP_REASONS = {
    "task": "another task table; pass table=N to read it",
    "template": "a progress template (完成标准, 证明材料 …), not tasks",
    "none": "no header row naming 序号, 目标任务, 牵头单位, 责任单位 or 分管领导",
    "not_asked": "not the table asked for",
}


@dataclass
class TableChoice:
    """The task table picked from a document, and what became of the others.

    Attributes:
        rows: The rows of the table read (of every part of a split table), in order.
        read: The names of the parts read (``table 2``, ``page 3`` …).
        skipped: Each table not read, with the reason's code (a key of ``SKIP_REASONS``).
    """

    rows: list[Row] = field(default_factory=list)
    read: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def choose_table(sheets: list[Sheet], path: str | Path, table: int | None = None) -> TableChoice:
    """The task table of a document: the first run of tables with a task header, or ``table``.

    Args:
        sheets: The document's tables in order.
        path: The file, for messages.
        table: The 1-based number of a table to read instead (any part of a split table).

    Returns:
        The rows to interpret; ``rows`` is empty when the document has no task table.

    Raises:
        InputError: ``table`` is not a table of the document.
    """
    if table is not None and not 1 <= table <= len(sheets):
        raise InputError(
            f"there is no table {table}: the document has {len(sheets)} table(s)", path=path
        )
    runs = _runs(sheets)
    choice = TableChoice()
    picked = None
    first = 1  # the number of the run's first table: runs are consecutive
    for run in runs:
        numbers = range(first, first + len(run))
        first += len(run)
        kind = _kind(run[0])
        wanted = table in numbers if table is not None else kind == "task" and picked is None
        if wanted:
            picked = run
            continue
        reason = "not_asked" if kind == "task" and table is not None else kind
        choice.skipped.extend((s.name, reason) for s in run)
    if picked is not None:
        choice.read = [s.name for s in picked]
        choice.rows = [r for s in picked for r in s.rows]
    return choice


def _header(sheet: Sheet) -> tuple[str, ...] | None:
    for row in sheet.rows[:_HEADER_WITHIN]:
        if match_header([c for c in row.cells]):
            return tuple(fold(c) for c in row.cells)
    return None


def _kind(sheet: Sheet) -> str:
    header = _header(sheet)
    if header is None:
        return "none"
    return "template" if TEMPLATE_HEADER.search("".join(header)) else "task"


def _width(sheet: Sheet) -> int:
    return max((len(r.cells) for r in sheet.rows), default=0)


def _runs(sheets: list[Sheet]) -> list[list[Sheet]]:
    """Consecutive tables that are one: the same header, or no header and the same width."""
    runs: list[list[Sheet]] = []
    head: tuple[str, ...] | None = None  # the header of the last run's first table
    for sheet in sheets:
        if runs and sheet.rows:
            first = runs[-1][0]
            own = _header(sheet)
            same = own is not None and own == head
            headless = own is None and head is not None and _width(sheet) == _width(first)
            if same or headless:
                runs[-1].append(sheet)
                continue
        runs.append([sheet])
        head = _header(sheet)
    return runs
