"""How much room a text takes in a fixed-width cell (a slide table, a sheet column), measured
from its characters: a Chinese (wide) character is one em, other characters half of one. Used
to split a slide table by the height its rows really take, and to size a sheet's rows."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

POINTS_PER_INCH = 72.0
LINE_SPACING = 1.2  # a line's height, in ems
CELL_MARGIN_IN = 0.1  # a table cell's inner margin, top and bottom together (inches)


def text_ems(text: str) -> float:
    """The width of a text in ems: wide (CJK) characters 1, others 0.5."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def text_lines(text: str, width_in: float, size_pt: float) -> int:
    """The lines a text wraps to in a cell ``width_in`` inches wide at ``size_pt`` points
    (the cell's own side margins taken off); at least one."""
    usable = max(width_in - CELL_MARGIN_IN * 2, 0.2) * POINTS_PER_INCH / size_pt  # in ems
    return max(1, sum(max(1, math.ceil(text_ems(part) / usable)) for part in text.split("\n")))


def row_height(
    cells: Sequence[str],
    widths: Sequence[float],
    size_pt: float,
    line_spacing: float = LINE_SPACING,
) -> float:
    """The height in inches a table row takes: its tallest cell (``line_spacing``: a line's
    height in ems, as the font that shows it sets it)."""
    lines = max(text_lines(str(c), w, size_pt) for c, w in zip(cells, widths, strict=True))
    return lines * size_pt * line_spacing / POINTS_PER_INCH + CELL_MARGIN_IN


def paginate_rows(
    rows: Sequence[Sequence[str]],
    header: Sequence[str],
    widths: Sequence[float],
    size_pt: float,
    height_in: float,
    line_spacing: float = LINE_SPACING,
) -> list[list[Sequence[str]]]:
    """Rows split into pages whose rows, under the header, fit ``height_in`` inches; a row too
    tall for any page gets a page of its own."""
    room = height_in - row_height(header, widths, size_pt, line_spacing)
    pages: list[list[Sequence[str]]] = [[]]
    used = 0.0
    for row in rows:
        h = row_height(row, widths, size_pt, line_spacing)
        if pages[-1] and used + h > room:
            pages.append([])
            used = 0.0
        pages[-1].append(row)
        used += h
    return pages
