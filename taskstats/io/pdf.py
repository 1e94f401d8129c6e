"""PDF files read with pdfplumber: ruled tables page by page, or the text layer.

Each ruled table is a sheet named after its page (``page 3``, or ``page 3 table 2`` when a page
holds several), its rows numbered within the page, so an anomaly says "page 3, row 5". Cells are
rebuilt from the characters inside each cell's box, so a line that wraps at the cell's right edge
is joined to the next one while a line ending short of it (a new paragraph: another unit or
leader) keeps its line break. A cell spanning several rows gives its text to each of them. A
table continued on the next page goes on as the same table: a row split by the page break (the
page's first row has no number) is joined to the row it continues, and a cell spanning rows
across the break keeps its text on the new page.
"""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path

from taskstats.errors import InputError
from taskstats.io.grid import Row, Sheet

# Characters that never start a line (closing punctuation), and those of a word not broken.
_NO_LINE_START = set("，。、；：？！）》」』”’%,.;:?!)]}")
_NO_LINE_END = set("（《「『“‘([{")
_WORD = re.compile(r"[A-Za-z0-9.%#+\-_/]")


def read_pdf(path: str | Path, data: bytes) -> tuple[list[Sheet], str]:
    """The ruled tables and the text of a PDF.

    Returns:
        The tables (sheets named by page), and the text of the pages without ruled tables, one
        line per text line (empty when every page with text holds a table).

    Raises:
        InputError: The PDF is encrypted, damaged, or has no text layer (a scan).
    """
    import pdfplumber

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
        sheets: list[Sheet] = []
        text: list[str] = []
        any_chars = False
        carry: _Carry | None = None
        for number, page in enumerate(pages, 1):
            chars = [c for c in page.chars if c.get("text", "").strip()]
            any_chars = any_chars or bool(chars)
            found = page.find_tables()
            if not found:
                carry = None
                text.append(page.extract_text() or "")
                continue
            for k, table in enumerate(found, 1):
                name = f"page {number}" if len(found) == 1 else f"page {number} table {k}"
                grid, spans = _table_grid(table, chars)
                if k == 1 and carry is not None and grid and _width(grid) == carry.width:
                    _continue(grid, spans, carry, sheets[-1])
                rows = [Row(i, c, name) for i, c in enumerate(grid, 1) if any(x for x in c)]
                sheets.append(Sheet(name, rows))
                carry = _Carry(grid[-1], spans[-1], _width(grid)) if grid else None
        if not any_chars:
            raise InputError(
                "the PDF has no text layer (a scanned image); reading scans needs OCR, which "
                "taskstats does not do: ask the sender for the .docx or a PDF saved from Word",
                path=path,
            )
        return sheets, "\n".join(t for t in text if t.strip())


class _Carry:
    """The last row of a page's table, for the table continued on the next page."""

    def __init__(self, cells: list[str], spanned: list[bool], width: int) -> None:
        self.cells, self.spanned, self.width = cells, spanned, width


def _width(grid: list[list[str]]) -> int:
    return max((len(r) for r in grid), default=0)


def _continue(grid: list[list[str]], spans: list[list[bool]], carry: _Carry, prev: Sheet) -> None:
    """Join a table's first row to the previous page's last row, or carry merged cells over."""
    first = grid[0]
    if not first[0] and any(first) and prev.rows:
        # A row split by the page break: its cells continue those of the row above.
        last = prev.rows[-1]
        last.cells = [a + b if a and b else a or b for a, b in zip(last.cells, first, strict=False)]
        # Cells spanning rows below the split row keep the joined text.
        for r in range(1, len(grid)):
            for c, spanned in enumerate(spans[r]):
                if spanned and grid[r][c] == first[c] and first[c]:
                    grid[r][c] = last.cells[c]
        grid[0] = [""] * len(first)
        return
    for c, value in enumerate(carry.cells):
        if c < len(first) and not first[c] and carry.spanned[c] and value:
            for r in range(len(grid)):
                if grid[r][c] or (r > 0 and not spans[r][c]):
                    break
                grid[r][c] = value


def _table_grid(table, chars: list[dict]) -> tuple[list[list[str]], list[list[bool]]]:
    """A table's cell texts, and whether each cell is part of a span of several rows."""
    rows = table.rows
    boxes = [list(r.cells) for r in rows]
    texts = _cell_texts([b for row in boxes for b in row if b is not None], chars)
    grid: list[list[str]] = []
    spans: list[list[bool]] = []
    open_above: dict[int, tuple[tuple, str]] = {}  # column -> (box, text) of a cell still open
    for r, row in enumerate(boxes):
        cells, spanned = [], []
        top = rows[r].bbox[1]
        for c, box in enumerate(row):
            if box is not None:
                text = texts.get(box, "")
                tall = box[3] - box[1] > (rows[r].bbox[3] - top) + 1
                if tall:
                    open_above[c] = (box, text)
                else:
                    open_above.pop(c, None)
                cells.append(text)
                spanned.append(tall)
            elif c in open_above and open_above[c][0][3] > top + 1:
                cells.append(open_above[c][1])
                spanned.append(True)
            else:
                cells.append("")
                spanned.append(False)
        grid.append(cells)
        spans.append(spanned)
    return grid, spans


def _cell_texts(boxes: list[tuple], chars: list[dict]) -> dict[tuple, str]:
    """The text in each cell box: characters by line, wrapped lines joined."""
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
    return {b: _lines_text(cs, b[0], b[2]) for b, cs in inside.items()}


def _lines_text(chars: list[dict], left: float, right: float) -> str:
    """The text of one cell. A line break is kept only where the next line's first word
    would have fitted on the line before (a new paragraph); otherwise the line wrapped."""
    if not chars:
        return ""
    chars = sorted(chars, key=lambda c: (round(c["top"]), c["x0"]))
    lines: list[list[dict]] = []
    for ch in chars:
        if lines and abs(ch["top"] - lines[-1][0]["top"]) <= ch["size"] * 0.5:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    for line in lines:
        line.sort(key=lambda c: c["x0"])
    padding = max(0.0, min(line[0]["x0"] for line in lines) - left)
    limit = right - padding
    out = ""
    for i, line in enumerate(lines):
        words = line[0]["text"]
        for a, b in itertools.pairwise(line):
            words += (" " if b["x0"] - a["x1"] > a["size"] * 0.25 else "") + b["text"]
        if i:
            room = limit - lines[i - 1][-1]["x1"]
            # Slack of a character or three: the layout engine's limit is not the box's edge.
            size = line[0]["size"]
            fits = room > max(_first_word_width(line) + size, 3 * size)
            out += "\n" if fits else ""
        out += words
    return out


def _first_word_width(line: list[dict]) -> float:
    """The width of what must start the line: a Latin word or number, or one character with
    the punctuation that cannot be parted from it."""
    end = 1
    while end < len(line) and line[end - 1]["text"] in _NO_LINE_END:
        end += 1
    if _WORD.match(line[end - 1]["text"]):
        while end < len(line) and _WORD.match(line[end]["text"]):
            end += 1
    while end < len(line) and (line[end]["text"] in _NO_LINE_START | _NO_LINE_END):
        end += 2 if line[end]["text"] in _NO_LINE_END else 1
    end = min(end, len(line))
    return line[end - 1]["x1"] - line[0]["x0"]
