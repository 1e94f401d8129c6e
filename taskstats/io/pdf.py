"""PDF files read with pdfplumber: ruled tables page by page, or the text layer.

Each ruled table is a sheet named after its page (``page 3``, or ``page 3 table 2`` when a page
holds several), its rows numbered within the page, so an anomaly says "page 3, row 5". Cells are
rebuilt from the characters inside each cell's box, wrapped lines joined and line breaks kept
(:mod:`taskstats.io.pdf_lines`). A cell spanning several rows gives its text to each of them. A
table continued on the next page goes on as the same table: a row split by the page break (the
page's first row has no number) is joined to the row it continues, each cell's two parts joined
as one wrapped or broken line; and a cell merged down across the break (its part on the new page
empty, spanning rows there, or the cell above it spanning rows to the page's foot) gives the
text printed above the break to the rows it covers below it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from taskstats.errors import InputError
from taskstats.io.budget import Budget, budget_or_default
from taskstats.io.grid import Row, Sheet
from taskstats.io.pdf_budget import check_streams, lay_out, quiet_pdfminer
from taskstats.io.pdf_lines import cell_text, running_text, table_padding


class NoTextLayer(InputError):
    """The PDF's pages are images only (a scan): read it by OCR (:mod:`taskstats.io.ocr`)."""


def read_pdf(
    path: str | Path, data: bytes, budget: Budget | None = None
) -> tuple[list[Sheet], str]:
    """The ruled tables and the text of a PDF.

    Its streams, its pages and each page's operators and characters are checked against the
    budget (:mod:`taskstats.io.pdf_budget`) before they are parsed or laid out.

    Returns:
        The tables (sheets named by page), and the text of the pages without ruled tables, its
        wrapped lines joined and columns laid out without rules tab-separated (empty when
        every page with text holds a table).

    Raises:
        InputError: The PDF is encrypted, damaged, over a limit, or has no text layer (a scan).
    """
    import pdfplumber

    budget = budget_or_default(budget)
    quiet_pdfminer()
    check_streams(path, data, budget)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages
    except Exception as exc:  # pdfminer's errors (password, syntax) come wrapped variously
        if b"/Encrypt" in data or "password" in repr(exc).lower():
            raise InputError(
                "the PDF is encrypted (password-protected); open it with its password and save "
                "or print it to a PDF without one, or ask the sender for the .docx",
                path=path,
            ) from exc
        raise InputError(
            f"not a readable PDF ({type(exc).__name__}); it may be damaged: ask for the .docx, "
            "or open it and save it again",
            path=path,
        ) from exc
    with pdf:
        try:
            budget.check(path, "pages", len(pages), "pages")
            return _read_pages(pages, path, budget)
        except InputError:
            raise
        except Exception as exc:  # pdfminer decodes streams lazily, so damage shows up here
            raise InputError(
                f"not a readable PDF: a page is damaged ({type(exc).__name__}: {exc}); ask for "
                "the .docx, or open it and save it again",
                path=path,
            ) from exc


def _read_pages(pages, path: str | Path, budget: Budget) -> tuple[list[Sheet], str]:
    """The ruled tables of every page and the running text of the pages without one."""
    sheets: list[Sheet] = []
    text: list[list[dict]] = []  # the characters of each page without tables
    any_chars = False
    carry: _Carry | None = None
    for number, page in enumerate(pages, 1):
        lay_out(page, budget, path, f"page {number}")
        chars = page.chars
        any_chars = any_chars or any(c.get("text", "").strip() for c in chars)
        found = page.find_tables()
        if not found:
            carry = None
            text.append(chars)
            continue
        for k, found_table in enumerate(found, 1):
            name = f"page {number}" if len(found) == 1 else f"page {number} table {k}"
            table = _table(found_table, chars)
            if k == 1 and carry is not None and table.grid and table.width == carry.width:
                _continue(table, carry)
            rows = [Row(i, c, name) for i, c in enumerate(table.grid, 1) if any(x for x in c)]
            sheets.append(Sheet(name, rows))
            carry = _Carry.of(table, rows)
    if not any_chars:
        raise NoTextLayer(
            "the PDF has no text layer (a scanned image); it is read by OCR, which needs the "
            "optional extra: `pip install taskstats[ocr]`",
            path=path,
        )
    return sheets, running_text(text)


@dataclass
class _Table:
    """A ruled table's cells: texts, whether each belongs to a box spanning several rows, the
    box it belongs to, the characters in each box, and the table's cell padding."""

    grid: list[list[str]]
    spans: list[list[bool]]
    owners: list[list[tuple | None]]
    chars: dict[tuple, list[dict]]
    padding: float

    @property
    def width(self) -> int:
        return max((len(r) for r in self.grid), default=0)


@dataclass
class _Carry:
    """The last row of a page's table, for the table continued on the next page."""

    table: _Table
    row: Row | None

    @classmethod
    def of(cls, table: _Table, rows: list[Row]) -> _Carry | None:
        if not table.grid:
            return None
        last = rows[-1] if rows and rows[-1].line == len(table.grid) else None
        return cls(table, last)

    @property
    def width(self) -> int:
        return self.table.width


def _continue(table: _Table, carry: _Carry) -> None:
    """Join a table's first row to the previous page's last row, and carry merged cells over."""
    grid, first = table.grid, table.grid[0]
    above = carry.table
    values = list(above.grid[-1])
    split = not first[0] and any(first) and carry.row is not None
    if split:
        # A row split by the page break: its cells continue those of the row above.
        for c, (a, b) in enumerate(zip(values, first, strict=False)):
            if a and b:
                values[c] = _join_parts(above, table, c)
                _fill(table, c, values[c], lambda r, c=c, b=b: grid[r][c] == b)
            else:
                values[c] = a or b
        carry.row.cells = values + carry.row.cells[len(values) :]
    for c, value in enumerate(values):
        if c < len(first) and not first[c] and value and (above.spans[-1][c] or table.spans[0][c]):
            _fill(table, c, value, lambda r, c=c: not grid[r][c])
    if split:
        grid[0] = [""] * len(first)


def _fill(table: _Table, c: int, value: str, empty) -> None:
    """Give ``value`` to the rows of column ``c`` in the first row's box (while ``empty``)."""
    box = table.owners[0][c]
    for r in range(len(table.grid)):
        if (r and (box is None or table.owners[r][c] is not box)) or not empty(r):
            break
        table.grid[r][c] = value


def _join_parts(above: _Table, below: _Table, c: int) -> str:
    """A cell's text before and after a page break, joined as the lines of one cell."""
    top, bottom = above.owners[-1][c], below.owners[0][c]
    if top is None or bottom is None or not above.chars.get(top) or not below.chars.get(bottom):
        return above.grid[-1][c] + below.grid[0][c]
    upper = above.chars[top]
    lower = below.chars[bottom]
    dy = max(ch["bottom"] for ch in upper) + 1 - min(ch["top"] for ch in lower)
    dx = top[0] - bottom[0]
    moved = [
        {
            **ch,
            "top": ch["top"] + dy,
            "bottom": ch["bottom"] + dy,
            "x0": ch["x0"] + dx,
            "x1": ch["x1"] + dx,
        }
        for ch in lower
    ]
    return cell_text(upper + moved, top[0], top[2], above.padding)


def _table(table, chars: list[dict]) -> _Table:
    """A table's cells; a box taller than its row spans the rows below it."""
    rows = table.rows
    boxes = [list(r.cells) for r in rows]
    inside = _chars_inside([b for row in boxes for b in row if b is not None], chars)
    padding = table_padding(inside)
    texts = {b: cell_text(cs, b[0], b[2], padding) for b, cs in inside.items()}
    grid: list[list[str]] = []
    spans: list[list[bool]] = []
    owners: list[list[tuple | None]] = []
    open_above: dict[int, tuple] = {}  # column -> box still open
    for r, row in enumerate(boxes):
        top = rows[r].bbox[1]
        if r + 1 < len(rows):
            bottom = rows[r + 1].bbox[1]
        else:
            bottom = min((b[3] for b in row if b is not None), default=rows[r].bbox[3])
        cells, spanned, owner = [], [], []
        for c, box in enumerate(row):
            if box is None and c in open_above and open_above[c][3] > top + 1:
                box, tall = open_above[c], True
            elif box is not None:
                tall = box[3] > bottom + 1
                if tall:
                    open_above[c] = box
                else:
                    open_above.pop(c, None)
            else:
                tall = False
            cells.append(texts.get(box, "") if box is not None else "")
            spanned.append(tall)
            owner.append(box)
        grid.append(cells)
        spans.append(spanned)
        owners.append(owner)
    return _Table(grid, spans, owners, inside, padding)


def _chars_inside(boxes: list[tuple], chars: list[dict]) -> dict[tuple, list[dict]]:
    """The characters in each cell box (by their centre)."""
    inside: dict[tuple, list[dict]] = {b: [] for b in boxes}
    bands: dict[int, list[tuple]] = {}  # 10-point horizontal bands -> boxes crossing them
    for b in boxes:
        for band in range(int(b[1] // 10), int(b[3] // 10) + 1):
            bands.setdefault(band, []).append(b)
    for ch in chars:
        x = (ch["x0"] + ch["x1"]) / 2
        y = (ch["top"] + ch["bottom"]) / 2
        for b in bands.get(int(y // 10), ()):
            if b[0] <= x <= b[2] and b[1] <= y <= b[3]:
                inside[b].append(ch)
                break
    return inside
