"""Web pages (.html, .htm) saved from a government site: tables and running text.

Read with the standard library's :mod:`html.parser`. The page's declared charset (``<meta
charset>`` or ``http-equiv``) is honoured, GB2312 and GBK read as their superset GB18030;
scripts and styles are ignored. A cell spanning rows (``rowspan``) gives its text to every row
it spans; a cell spanning columns (``colspan``) keeps its text in its first column.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from taskstats.io.budget import Budget, budget_or_default
from taskstats.io.grid import Row, Sheet
from taskstats.io.text import decode_bytes

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}
_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article"}
_SNIFF = re.compile(rb"<!doctype\s+html|<html[\s>]|<table[\s>]|<body[\s>]|<meta[\s>]", re.I)


def looks_like_html(data: bytes) -> bool:
    """Whether the bytes are a web page: markup such as ``<html>`` or ``<table>`` near the start."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] == b"<" and _SNIFF.search(head) is not None


def read_html(
    path: str | Path, data: bytes, encoding: str = "auto", budget: Budget | None = None
) -> tuple[list[Sheet], str, str]:
    """The tables and the text of a web page.

    Args:
        path: The file, for messages.
        data: Its bytes.
        encoding: ``auto`` for the declared charset (else UTF-8, then GB18030), or a codec.
        budget: The limits (tables; each table's rows, columns and cells laid out, a cell
            counting rowspan × colspan); default from the environment.

    Returns:
        The tables in page order (sheets named ``table N``, rows numbered within the table),
        the text outside tables one block per line, and the encoding used.

    Raises:
        InputError: The page cannot be decoded, or is over a limit.
    """
    budget = budget_or_default(budget)
    if encoding == "auto":
        declared = _CHARSET.search(data[:4096])
        if declared:
            name = declared.group(1).decode("ascii").lower()
            encoding = _SUPERSETS.get(name, name)
    text, used = decode_bytes(data, path, encoding)
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    budget.check(path, "tables", len(parser.tables), "tables in the page")
    for i, grid in enumerate(parser.tables, 1):
        _check_extent(grid, f"table {i}", path, budget)
    tables = [
        Sheet(f"table {i}", _fill_spans(grid, f"table {i}"))
        for i, grid in enumerate(parser.tables, 1)
    ]
    lines = [ln.strip() for ln in "".join(parser.text).split("\n")]
    return tables, "\n".join(ln for ln in lines if ln), used


class _PageParser(HTMLParser):
    """Collects each table's cells (with their spans) and the text outside tables."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[tuple[str, int, int]]]] = []
        self.text: list[str] = []
        self._stack: list[list[list[tuple[str, int, int]]]] = []
        self._cell: list[str] | None = None
        self._span = (1, 1)
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "noscript", "template"):
            self._skip += 1
        elif tag == "table":
            self._stack.append([])
        elif tag == "tr" and self._stack:
            self._stack[-1].append([])
        elif tag in ("td", "th") and self._stack:
            if not self._stack[-1]:
                self._stack[-1].append([])
            values = dict(attrs)
            self._cell = []
            self._span = (_int(values.get("rowspan")), _int(values.get("colspan")))
        elif tag in _BLOCKS:
            self._write("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript", "template"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag == "table" and self._stack:
            self._end_cell()
            self.tables.append(self._stack.pop())
            self._write("\n")
        elif tag in _BLOCKS:
            self._write("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._write("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._write(re.sub(r"[ \t\r\n]+", " ", data))

    def _write(self, text: str) -> None:
        if self._cell is not None:
            self._cell.append(text)
        elif not self._stack:
            self.text.append(text)

    def _end_cell(self) -> None:
        if self._cell is None or not self._stack:
            return
        text = "\n".join(ln.strip() for ln in "".join(self._cell).split("\n") if ln.strip())
        self._stack[-1][-1].append((text, *self._span))
        self._cell = None


def _int(value: str | None) -> int:
    try:
        return max(1, min(int(str(value).strip()), 1000))
    except ValueError:
        return 1


def _check_extent(
    grid: list[list[tuple[str, int, int]]], name: str, path: str | Path, budget: Budget
) -> None:
    """Refuse a table whose laid-out grid is over the budget, before it is laid out."""
    reach = len(grid)  # the last row a rowspan reaches
    cells = width = 0
    for r, row in enumerate(grid):
        width = max(width, sum(colspan for _, _, colspan in row))
        cells += sum(rowspan * colspan for _, rowspan, colspan in row)
        reach = max([reach, *(r + rowspan for _, rowspan, _ in row)])
    budget.check(path, "rows", reach, f"rows in {name} (rowspans included)")
    budget.check(path, "columns", width, f"columns in a row of {name} (colspans included)")
    budget.check(path, "cells", cells, f"cells laid out in {name} (rowspan × colspan)")


def _fill_spans(grid: list[list[tuple[str, int, int]]], name: str) -> list[Row]:
    """Lay cells with row and column spans out on a grid of rows."""
    pending: dict[tuple[int, int], str] = {}  # (row, column) -> text of a rowspan above
    rows = []
    for r, cells in enumerate(grid):
        out: list[str] = []
        column = 0
        queue = iter(cells)
        left = len(cells)
        while left or (r, column) in pending:
            if (r, column) in pending:
                out.append(pending.pop((r, column)))
                column += 1
                continue
            text, rowspan, colspan = next(queue)
            left -= 1
            for k in range(colspan):
                value = text if k == 0 else ""
                out.append(value)
                for below in range(1, rowspan):
                    pending[(r + below, column + k)] = value
            column += colspan
        # A row short of cells (its last ones missing) still holds the rowspans from above
        # that reach past its end.
        for later in sorted(c for (row, c) in pending if row == r and c >= column):
            out.extend([""] * (later - len(out)))
            out.append(pending.pop((r, later)))
        if any(c.strip() for c in out):
            rows.append(Row(r + 1, out, name))
    return rows
